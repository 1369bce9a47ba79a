/**
 * collectFacts: one `sh -c FACTS_SCRIPT` round trip over any Transport, parsed section by section. A
 * section that fails is recorded in `sections` (status error) and the rest still count. Read-only.
 */
import { randomBytes } from 'node:crypto';
import { FerryError } from '../core/index.js';
import { compareEvr } from '../rpm/evr.js';
import type { Transport } from '../transport/index.js';
import { parseModuleFile, parseOsRelease, parseRepoFile } from './parse-config.js';
import { parseRpmQuery } from './parse-rpm.js';
import { keyValues, splitScriptOutput, type ScriptSection } from './parse-script.js';
import {
  decodeTainted, detectAgents, parseBoot, parseContainer, parseDfLines, parseGui, parseMeminfo, parseProcModules, parseSecurity,
} from './parse-system.js';
import { FACTS_SCRIPT } from './script.js';
import { HOST_FACTS_FORMAT_VERSION, type CollectProgress, type HostFacts, type InstalledPackage, type SectionName } from './types.js';

export interface CollectOptions {
  onProgress?: (p: CollectProgress) => void;
  /** Timeout for the facts script, ms (default 5 minutes: rpm -qa on a large host is the slow part). */
  timeoutMs?: number;
  /** Clock, for reproducible tests. */
  now?: () => Date;
}

/** Kernel package names whose installed versions are "installed kernels". */
export const KERNEL_PACKAGES = new Set(['kernel', 'kernel-core', 'kernel-uek', 'kernel-uek-core', 'kernel-rt', 'kernel-rt-core', 'kernel-lt', 'kernel-ml']);

function firstFile(s: ScriptSection | undefined, path?: string): string | undefined {
  if (!s) return undefined;
  const f = path ? s.files.find((x) => x.path === path) : s.files[0];
  return f?.content;
}

/** Name (code-unit order), then EVR (rpmvercmp), then arch: the order of HostFacts.packages. */
export function sortPackages(packages: InstalledPackage[]): InstalledPackage[] {
  return packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : compareEvr(a, b) || (a.arch < b.arch ? -1 : a.arch > b.arch ? 1 : 0)));
}

/**
 * The most common arch of packages, ignoring noarch and source packages: the base arch of an offline source's
 * installed packages, and of a repository (its multilib i686 packages are the minority).
 */
export function dominantArch(packages: Iterable<{ arch: string }>): string | undefined {
  const count = new Map<string, number>();
  for (const p of packages) if (p.arch !== 'noarch' && p.arch !== 'src' && p.arch !== 'nosrc') count.set(p.arch, (count.get(p.arch) ?? 0) + 1);
  return [...count.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

export async function collectFacts(transport: Transport, options: CollectOptions = {}): Promise<HostFacts> {
  const progress = options.onProgress ?? ((): void => {});
  const root = transport.root;
  const live = root === undefined;
  const nonce = randomBytes(12).toString('hex');
  progress({ scope: 'facts', phase: 'run', message: `running the facts script on ${transport.hostName}` });
  const res = await transport.run(['sh', '-c', FACTS_SCRIPT, 'sh', root ?? '', nonce], { timeoutMs: options.timeoutMs ?? 300_000 });
  if (res.truncated) throw new FerryError('FACTS_PARSE', `Facts output from ${transport.hostName} exceeded the output cap`);
  // The script marks every section with the nonce, so output without it means the script did not run
  // (a ForceCommand, a restricted shell): the exit status and stderr say why.
  if (res.code !== 0 && !res.stdout.includes(nonce)) {
    throw new FerryError('TRANSPORT_COMMAND', `The facts script did not run on ${transport.hostName} (exit ${res.code ?? res.signal ?? '?'}): ${res.stderr.trim().slice(0, 300) || 'no output'}`, {
      hint: 'Check that the login gets a POSIX shell that runs `sh -c` (no ForceCommand, restricted shell or failing profile).',
    });
  }
  const sections = splitScriptOutput(res.stdout, nonce, transport.hostName);
  progress({ scope: 'facts', phase: 'parse', message: `parsing ${sections.size} sections` });
  const facts: HostFacts = {
    formatVersion: HOST_FACTS_FORMAT_VERSION,
    collectedAt: (options.now?.() ?? new Date()).toISOString(),
    source: live ? 'live' : 'root',
    origin: transport.describe(),
    ...(root ? { root } : {}),
    sections: {},
  };
  const ok = (name: SectionName): void => { facts.sections[name] = { status: 'ok' }; };
  const fail = (name: SectionName, message: string): void => { facts.sections[name] = { status: 'error', message }; };
  const na = (name: SectionName, reason: string): void => { facts.sections[name] = { status: 'not-applicable', reason }; };
  const get = (name: string): ScriptSection | undefined => sections.get(name);
  const guard = (name: SectionName, fn: () => void): void => {
    const s = get(name === 'security' ? 'security' : name);
    if (s && s.code === undefined) { fail(name, `the ${name} section of the facts output was cut short`); return; }
    try { fn(); } catch (err) { fail(name, `${(err as Error).message}`); }
  };
  const notApplicable = (s: ScriptSection | undefined): string | undefined => /^not-applicable: (.*)$/m.exec(s?.body ?? '')?.[1];

  guard('system', () => {
    const kv = keyValues(get('system')?.body ?? '');
    const machineId = kv.machineid?.trim();
    facts.system = { ...(kv.hostname ? { hostname: kv.hostname } : {}), ...(kv.machine ? { arch: kv.machine } : {}), ...(machineId ? { machineId } : {}) };
    ok('system');
  });
  guard('os', () => {
    const text = firstFile(get('os'));
    if (text === undefined) { fail('os', `no /etc/os-release or /usr/lib/os-release on ${transport.hostName}`); return; }
    facts.os = parseOsRelease(text);
    ok('os');
  });
  guard('release', () => {
    const s = get('release');
    const line = (p: string): string | undefined => firstFile(s, p)?.split('\n')[0]?.trim() || undefined;
    facts.release = {};
    const r = line('/etc/redhat-release'); if (r) facts.release.redhatRelease = r;
    const sy = line('/etc/system-release'); if (sy) facts.release.systemRelease = sy;
    const c = line('/etc/centos-release'); if (c) facts.release.centosRelease = c;
    ok('release');
  });

  // packages + rpmdb health
  const pk = get('packages');
  const dbkv = keyValues(get('rpmdb')?.body ?? '');
  const backend = dbkv.file === 'Packages' ? 'bdb' : dbkv.file === 'rpmdb.sqlite' ? 'sqlite' : dbkv.file === 'Packages.db' ? 'ndb' : 'unknown';
  const problems: string[] = [];
  let packages: InstalledPackage[] | undefined;
  let importedKeys: { keyId: string; summary?: string }[] = [];
  guard('packages', () => {
    if (!pk || pk.code === undefined) { fail('packages', 'rpm -qa produced no complete output'); return; }
    const parsed = parseRpmQuery(pk.body, `rpm -qa on ${transport.hostName}`);
    problems.push(...parsed.problems);
    if (pk.code !== 0) problems.push(`rpm -qa exited ${pk.code}: ${pk.stderr.trim().slice(0, 500)}`);
    else if (pk.stderr.trim()) problems.push(`rpm -qa warned: ${pk.stderr.trim().slice(0, 500)}`);
    if (pk.code !== 0 && parsed.packages.length === 0) { fail('packages', `rpm -qa failed (exit ${pk.code}): ${pk.stderr.trim().slice(0, 300)}`); return; }
    packages = sortPackages(parsed.packages);
    importedKeys = parsed.importedKeys;
    facts.packages = packages;
    ok('packages');
  });
  guard('rpmdb', () => {
    const v = get('rpmverify');
    if (v?.code !== undefined && v.code !== 0) problems.push(`rpm --verifydb exited ${v.code}: ${v.stderr.trim().slice(0, 300)}`);
    facts.rpmdb = {
      healthy: pk?.code === 0 && (packages?.length ?? 0) > 0 && problems.length === 0,
      backend: dbkv.file ? backend : 'unknown',
      ...(pk?.code !== undefined ? { queryExitCode: pk.code } : {}),
      ...(v?.code !== undefined ? { verifyExitCode: v.code } : {}),
      packageCount: packages?.length ?? 0,
      importedKeys,
      problems,
    };
    if (!dbkv.dbpath) problems.push(`no rpm database under ${root ?? ''}/var/lib/rpm or /usr/lib/sysimage/rpm`);
    ok('rpmdb');
  });
  if (facts.system && !facts.system.arch && packages) {
    const arch = dominantArch(packages);
    if (arch) facts.system.arch = arch;
  }

  guard('repos', () => {
    facts.repos = (get('repos')?.files ?? []).flatMap((f) => parseRepoFile(f.content, f.path));
    ok('repos');
  });
  guard('modules', () => {
    facts.modules = (get('modules')?.files ?? []).flatMap((f) => parseModuleFile(f.content, f.path));
    ok('modules');
  });
  guard('kernel', () => {
    const s = get('kernel');
    const installed = (packages ?? []).filter((p) => KERNEL_PACKAGES.has(p.name))
      .map(({ name, epoch, version, release, arch }) => ({ name, epoch, version, release, arch }))
      .sort((a, b) => compareEvr(b, a));
    const kv = keyValues(get('system')?.body ?? '');
    const tainted = firstFile(s, '/proc/sys/kernel/tainted')?.trim();
    facts.kernel = {
      ...(kv.kernel ? { running: kv.kernel } : {}),
      ...(kv.machine ? { machine: kv.machine } : {}),
      installed,
      loadedModules: parseProcModules(firstFile(s, '/proc/modules') ?? ''),
      ...(tainted && /^\d+$/.test(tainted) ? { tainted: { value: Number(tainted), flags: decodeTainted(Number(tainted)) } } : {}),
    };
    ok('kernel');
  });
  const offline = (name: SectionName, fn: () => void): void => {
    const reason = notApplicable(get(name));
    if (reason) { na(name, reason); return; }
    guard(name, fn);
  };
  offline('boot', () => { facts.boot = parseBoot(keyValues(get('boot')?.body ?? '')); ok('boot'); });
  guard('security', () => { facts.security = parseSecurity(keyValues(get('security')?.body ?? ''), live); ok('security'); });
  guard('mounts', () => { facts.mounts = parseDfLines(get('mounts')?.body ?? '', root); ok('mounts'); });
  offline('memory', () => {
    const m = parseMeminfo(firstFile(get('memory'), '/proc/meminfo') ?? '');
    if (!m) { fail('memory', 'no MemTotal in /proc/meminfo'); return; }
    facts.memory = m;
    ok('memory');
  });
  guard('gui', () => { facts.gui = parseGui(keyValues(get('gui')?.body ?? ''), packages); ok('gui'); });
  offline('container', () => {
    facts.container = parseContainer(keyValues(get('container')?.body ?? ''), firstFile(get('container'), '/proc/1/cgroup'));
    ok('container');
  });
  guard('agents', () => {
    const present = (get('agents')?.body ?? '').split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/'));
    facts.agents = detectAgents(present, packages);
    ok('agents');
  });
  if (!live && facts.kernel) facts.kernel.loadedModules = [];
  progress({ scope: 'facts', phase: 'done', message: `collected ${packages?.length ?? 0} packages from ${transport.hostName}` });
  return facts;
}
