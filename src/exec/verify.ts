/**
 * Verification of a converted host (run as the plan's last step and by `ferry status`): the rpm database
 * is the host's and is whole (packages after > 0 and not below RPMDB_MIN_RATIO of before), os-release is
 * the target's and its release package is installed, provides system-release and owns /etc/os-release, no
 * source-vendor package remains unless explained, the default boot kernel is the target's (grubby on a live
 * host, the BLS default read from files on an installed root), the rpmdb is consistent (`dnf check`), and
 * — against the evidence captured before the run — the `rpm -Va` diff, new `.rpmnew` / `.rpmsave` files
 * and the enabled services before/after, and every installed package before/after (package-set: an
 * unannounced, unapproved removal fails it).
 */
import { posix } from 'node:path';
import { FerryError } from '../core/index.js';
import { enabledUnitNames, parseOsRelease } from '../facts/index.js';
import type { OsRelease } from '../facts/types.js';
import type { Transport } from '../transport/types.js';
import { blsKernelPath, installedKernels, readBlsDefault, type InstalledKernel } from './boot.js';
import { hostPath } from './journal.js';
import { comparePackageSets, parseObsoletes, unapprovedVanished } from './package-set.js';
import { installedPackages, installOnlyNames, packageManagerFor, rpmArgv, type HostState, type PackageManagerEnv } from './package-manager/index.js';

export interface Evidence {
  packages: { name: string; nevra: string; vendor: string }[];
  rpmVa: string[];
  /** Enabled systemd units (see enabledUnits); null when the host has no /etc/systemd/system. */
  services: string[] | null;
  configLeftovers: string[];
}

export interface VerifyOptions {
  targetOsId: string;
  releasePackages: string[];
  removed: string[];
  sourceVendor: string | null;
  dnf: PackageManagerEnv;
  /** `--allow-remove` names or globs: removals the operator approved. */
  allowRemove: string[];
}

export interface VerifyCheck { id: string; ok: boolean; detail: string }

export interface VerifyReport {
  ok: boolean;
  checks: VerifyCheck[];
  /** Source-vendor packages still installed, each with why. */
  leftovers: { nevra: string; why: string; ok: boolean }[];
  rpmVaNew: string[];
  rpmVaGone: string[];
  configFiles: string[];
  services: { before: string[] | null; after: string[] | null; added: string[]; removed: string[] } ;
  /** Every installed package before/after (null without evidence from before); not ok when one vanished unannounced and unapproved. */
  packageSet: VerifyCheck | null;
}

/**
 * The smallest package count after a conversion, as a fraction of before. A same-major conversion swaps
 * a handful of vendor packages and syncs the rest one for one (the lab's CentOS 8 → Rocky 8 grows from 23
 * to 27: renames, a split, kept install-only kernels); --allowerasing removes only packages whose
 * dependencies break, a few on a real host. Losing more than a quarter is not a conversion: rpm read
 * another database (Debian's rpm without %_dbpath reads ~/.rpmdb, a stale restored /var/lib/rpm) or the
 * transaction wrecked the host. Either way verification must fail.
 */
export const RPMDB_MIN_RATIO = 0.75;

/** Units below /etc/systemd/system that a *.wants or *.requires symlink enables (systemctl's "enabled"). */
const UNIT_DIRS = ['/etc/systemd/system', '/usr/lib/systemd/system', '/usr/local/lib/systemd/system'];
const SYMLINK_UNITS = [
  'sys=$1; shift; [ -d "$sys" ] || exit 3',
  'find "$sys" -mindepth 2 -maxdepth 2 \\( -path "*.wants/*" -o -path "*.requires/*" \\) -type l -printf "L %f\\n"',
  'for d in "$@"; do [ -d "$d" ] || continue; find "$d" -maxdepth 1 -lname /dev/null -printf "M %f\\n"; find "$d" -maxdepth 1 \\( -type f -o -type l \\) ! -lname /dev/null -printf "U %f\\n"; done',
].join('\n');

/**
 * Enabled units from the symlinks of an offline tree: the output of SYMLINK_UNITS (`L` wants/requires
 * link names, `U` unit files, `M` masked units). A link counts when its unit (or the template of an
 * instance, `getty@tty1.service` → `getty@.service`) has a unit file and is not masked — dangling links
 * left by a removed package are not enabled units, as `systemctl list-unit-files` agrees.
 */
export function enabledFromSymlinks(listing: string): string[] {
  const links = new Set<string>();
  const units = new Set<string>();
  const masked = new Set<string>();
  for (const line of listing.split('\n')) {
    const name = line.slice(2);
    if (line.startsWith('L ')) links.add(name);
    else if (line.startsWith('U ')) units.add(name);
    else if (line.startsWith('M ')) masked.add(name);
  }
  const template = (n: string): string => n.replace(/@[^.]+(\.[a-z]+)$/, '@$1');
  return [...links].filter((n) => !masked.has(n) && (units.has(n) || units.has(template(n)))).sort();
}

/**
 * Enabled units: on a live host with systemd running (/run/systemd/system), what systemctl says; on an
 * installed root, or without a running systemd, from the symlinks below the root's /etc/systemd/system.
 */
export async function enabledUnits(transport: Transport): Promise<string[] | null> {
  if (!transport.root) {
    const live = await transport.run(['sh', '-c', '[ -d /run/systemd/system ] && command -v systemctl >/dev/null || exit 3; systemctl list-unit-files --state=enabled --no-legend --no-pager']);
    if (live.code === 0) return enabledUnitNames(live.stdout);
  }
  const res = await transport.run(['sh', '-c', SYMLINK_UNITS, 'sh', ...[UNIT_DIRS[0], ...UNIT_DIRS].map((d) => hostPath(transport, d))]);
  return res.code === 0 ? enabledFromSymlinks(res.stdout) : null;
}

/**
 * Evidence for the before/after comparison. An empty package list means rpm read the wrong database (or
 * none): refused with RPMDB_UNREADABLE unless `allowEmpty` (verification records it as a failed check).
 */
export async function captureEvidence(transport: Transport, options: { allowEmpty?: boolean; packages?: Evidence['packages'] } = {}): Promise<Evidence> {
  const packages = options.packages ?? await installedPackages(transport);
  if (packages.length === 0 && !options.allowEmpty) {
    const dbpath = await transport.run(['rpm', '--eval', '%_dbpath']);
    throw new FerryError('RPMDB_UNREADABLE', `rpm lists no installed package on ${transport.hostName}${transport.root ? ` (root ${transport.root})` : ''}: it reads the database at ${dbpath.stdout.trim() || '?'}`, {
      hint: 'Check %_dbpath (rpm --eval %_dbpath); on a Debian controller rpm defaults to ~/.rpmdb: set %_dbpath /var/lib/rpm in ~/.rpmmacros.',
    });
  }
  // Three reads of the same unchanging state: run together (rpm -Va is the long one).
  const [va, services, cf] = await Promise.all([
    transport.run(rpmArgv(transport, '-Va'), { timeoutMs: 3_600_000 }),
    enabledUnits(transport),
    findConfigLeftovers(transport),
  ]);
  const rpmVa = va.stdout.split('\n').filter(Boolean).sort();
  return { packages, rpmVa, services, configLeftovers: cf };
}

/** The `.rpmnew` and `.rpmsave` files below the host's /etc, as host paths, sorted. */
export async function findConfigLeftovers(transport: Transport): Promise<string[]> {
  const cf = await transport.run(['sh', '-c', 'find "$1" \\( -name "*.rpmnew" -o -name "*.rpmsave" \\) -print 2>/dev/null | sort', 'sh', hostPath(transport, '/etc')]);
  const prefix = transport.root ?? '';
  return cf.stdout.split('\n').filter(Boolean).map((p) => p.slice(prefix.length));
}

/** The host's /etc/os-release, parsed as the facts collector does; undefined when it has none. */
export async function readOsRelease(transport: Transport): Promise<OsRelease | undefined> {
  if (!await transport.exists('/etc/os-release')) return undefined;
  return parseOsRelease((await transport.readFile('/etc/os-release')).toString('utf8'));
}

/** The rpmdb sanity check: packages after > 0 and, with evidence from before, not below RPMDB_MIN_RATIO of it. */
export function checkRpmdbCount(before: number | undefined, after: number): VerifyCheck {
  const floor = before === undefined ? 1 : Math.max(1, Math.ceil(before * RPMDB_MIN_RATIO));
  return {
    id: 'rpmdb', ok: after >= floor,
    detail: `${after} package(s) installed${before === undefined ? '' : `, ${before} before`}; at least ${floor} expected${after === 0 ? ': rpm reads an empty or wrong database (%_dbpath)' : ''}`,
  };
}

async function releaseCheck(transport: Transport, o: VerifyOptions): Promise<VerifyCheck> {
  const [rel, prov, owner] = await Promise.all([
    transport.run(rpmArgv(transport, '-q', ...o.releasePackages)),
    transport.run(rpmArgv(transport, '-q', '--whatprovides', 'system-release', '--qf', '%{NAME}\\n')),
    transport.run(rpmArgv(transport, '-qf', '--qf', '%{NAME}\\n', '/etc/os-release')),
  ]);
  const providers = prov.code === 0 ? prov.stdout.split('\n').filter(Boolean) : [];
  const owners = owner.code === 0 ? owner.stdout.split('\n').filter(Boolean) : [];
  const ok = o.releasePackages.length > 0 && rel.code === 0 && providers.some((p) => o.releasePackages.includes(p)) && owners.some((p) => o.releasePackages.includes(p));
  return { id: 'release-package', ok, detail: `installed: ${rel.stdout.trim().replace(/\n/g, ', ') || 'none'}; system-release from ${providers.join(', ') || '(nothing)'}; /etc/os-release owned by ${owners.join(', ') || '(nothing)'}` };
}

async function bootDefaultCheck(transport: Transport, sourceVendor: string | null): Promise<VerifyCheck | undefined> {
  const owner = async (path: string): Promise<{ nevra: string; vendor: string } | undefined> => {
    const r = await transport.run(rpmArgv(transport, '-qf', '--qf', '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}|%{VENDOR}\\n', path));
    if (r.code !== 0) return undefined;
    const [nevra, vendor] = r.stdout.split('\n')[0].split('|');
    return { nevra, vendor: vendor === '(none)' ? '' : vendor };
  };
  const live = !transport.root && (await transport.run(['sh', '-c', 'command -v grubby'])).code === 0;
  if (live && await transport.exists('/boot/loader/entries')) {
    const def = await transport.run(['grubby', '--default-kernel']);
    const o = def.code === 0 ? await owner(def.stdout.trim()) : undefined;
    return { id: 'boot-default', ok: o !== undefined && o.vendor !== sourceVendor, detail: `grubby: default ${def.stdout.trim()} from ${o ? `${o.nevra} (${o.vendor})` : '?'}` };
  }
  const bls = await readBlsDefault(transport);
  if (bls) {
    const path = bls.entry ? blsKernelPath(bls.entry) : '';
    const o = path ? await owner(path) : undefined;
    return { id: 'boot-default', ok: o !== undefined && o.vendor !== sourceVendor,
      detail: `BLS default ${bls.entry?.id ?? '(no entry)'} (${bls.why}): ${path || '?'} from ${o ? `${o.nevra} (${o.vendor})` : 'no package'}` };
  }
  // the newest-installed kernel that ships an image (rpm -q --last order): GRUB's default without a config
  const newest = (await installedKernels(transport)).reduce<InstalledKernel | undefined>((a, k) => (!a || k.installTime > a.installTime ? k : a), undefined);
  if (!newest) return undefined;
  return { id: 'boot-default', ok: newest.vendor !== sourceVendor,
    detail: `no boot loader config to ask${transport.root ? ' (installed root)' : ''}; newest kernel ${newest.name}-${newest.release} (${newest.vendor || '?'})` };
}

/**
 * Source-vendor packages left after the run, each with why. Only packages whose verdict depends on the
 * target (neither swapped out nor install-only) are asked of the target repositories (one dnf start, and
 * none when there are no such packages: a converted host usually keeps only its old kernels).
 */
async function leftoversOf(host: HostState, after: Evidence['packages'], o: VerifyOptions): Promise<VerifyReport['leftovers']> {
  const { transport } = host;
  const fromSource = o.sourceVendor ? after.filter((p) => p.vendor === o.sourceVendor) : [];
  const installOnly = fromSource.length ? await installOnlyNames(transport) : new Set<string>();
  const ask = [...new Set(fromSource.filter((p) => !o.removed.includes(p.name) && !installOnly.has(p.name)).map((p) => p.name))];
  const availableNames = new Set(ask.length ? await packageManagerFor(o.dnf).availableNames(host, o.dnf, ask) : []);
  return fromSource.map((p) => {
    if (o.removed.includes(p.name)) return { nevra: p.nevra, ok: false, why: 'source vendor package the swap should have removed' };
    if (installOnly.has(p.name)) return { nevra: p.nevra, ok: true, why: 'install-only package (dnf installonlypkgs): dnf keeps older ones side by side (installonly_limit)' };
    if (!availableNames.has(p.name)) return { nevra: p.nevra, ok: true, why: 'the target repositories do not carry this package: kept, no longer vendor-supported' };
    return { nevra: p.nevra, ok: false, why: 'the target carries this package but distro-sync did not replace it' };
  });
}

/**
 * Every package installed before against after (./package-set.ts): fails when one vanished that the plan
 * did not remove (the swap's vendor packages) and the operator did not approve (`--allow-remove`).
 */
export function packageSetCheck(before: Evidence['packages'], after: Evidence['packages'], obsoletes: ReadonlyMap<string, readonly string[]>, o: VerifyOptions): VerifyCheck {
  const changes = comparePackageSets(before.map((p) => p.nevra), after.map((p) => p.nevra), obsoletes);
  const count = (f: string): number => changes.filter((c) => c.fate === f).length;
  const vanished = unapprovedVanished(changes, o.removed, o.allowRemove);
  const summary = ['same', 'upgraded', 'downgraded', 'replaced', 'removed', 'added'].map((f) => `${count(f)} ${f}`).join(', ');
  return { id: 'package-set', ok: vanished.length === 0,
    detail: `${summary}${vanished.length ? `; removed without announcement or approval: ${vanished.map((c) => `${c.name}-${c.before ?? '?'}`).join(', ')}` : ''}` };
}

export async function verifyHost(options: { transport: Transport; stateDir: string; verify: VerifyOptions; before?: Evidence }): Promise<VerifyReport> {
  const { transport, verify: o } = options;
  const host = { transport, stateDir: options.stateDir };
  // Nothing changes the host any more: every check only reads it, so they run together. The long ones
  // (rpm -Va, dnf check, a repoquery) are separate processes and overlap on the host's CPUs — except the two
  // dnf runs, one after the other: concurrent dnf processes on one cachedir race in dnf's own lock files
  // ("[Errno 2] No such file or directory: '/var/cache/dnf/metadata_lock.pid'", dnf/lock.py ProcessLock;
  // rpm-software-management/dnf#1939, 389ds/389-ds-base#6189).
  const packages = await installedPackages(transport);
  const dnfRuns = (async () => {
    const leftovers = await leftoversOf(host, packages, o);
    return { leftovers, check: await packageManagerFor(o.dnf).check(host, o.dnf) };
  })();
  const [after, osr, release, { check, leftovers }, boot, obsoletes] = await Promise.all([
    captureEvidence(transport, { allowEmpty: true, packages }),
    readOsRelease(transport),
    releaseCheck(transport, o),
    dnfRuns,
    bootDefaultCheck(transport, o.sourceVendor),
    transport.run(rpmArgv(transport, '-qa', '--qf', '[%{NAME}\\t%{OBSOLETENAME}\\n]')),
  ]);
  const id = osr?.raw.ID;
  const checks: VerifyCheck[] = [
    checkRpmdbCount(options.before?.packages.length, after.packages.length),
    { id: 'os-release', ok: id === o.targetOsId, detail: `ID=${id ?? '(none)'}, expected ${o.targetOsId}` },
    release,
    { id: 'no-source-packages', ok: leftovers.every((l) => l.ok), detail: `${leftovers.length} source-vendor package(s) remain, ${leftovers.filter((l) => !l.ok).length} unexplained` },
    ...(boot ? [boot] : []),
    { id: 'dnf-check', ok: check.ok, detail: check.ok ? 'rpmdb consistent' : check.output.slice(0, 1000) },
  ];
  const packageSet = options.before ? packageSetCheck(options.before.packages, after.packages, parseObsoletes(obsoletes.stdout), o) : null;

  const before = options.before;
  const rpmVaNew = before ? after.rpmVa.filter((l) => !before.rpmVa.includes(l)) : after.rpmVa;
  const rpmVaGone = before ? before.rpmVa.filter((l) => !after.rpmVa.includes(l)) : [];
  const services = {
    before: before?.services ?? null, after: after.services,
    added: (after.services ?? []).filter((s) => !(before?.services ?? []).includes(s)),
    removed: (before?.services ?? []).filter((s) => !(after.services ?? []).includes(s)),
  };
  return { ok: checks.every((c) => c.ok) && packageSet?.ok !== false, checks, packageSet, leftovers, rpmVaNew, rpmVaGone, configFiles: after.configLeftovers, services };
}

export const VERIFY_REPORT_FILE = 'verify.json';
/** The backup step's evidence of the host before the run, in the execution's state dir. */
export const BEFORE_FILE = 'before.json';
export function verifyReportPath(stateDir: string): string {
  return posix.join(stateDir, VERIFY_REPORT_FILE);
}
