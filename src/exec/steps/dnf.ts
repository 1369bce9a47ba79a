/**
 * Shared helpers of the migration steps: argv builders for rpm and dnf against the transport (with a root
 * prefix, rpm gets `--root` and dnf `--installroot`), the private dnf configuration every dnf call uses
 * (only the target repositories, so the host's own repo files never leak into the transaction), and a
 * detached dnf runner.
 *
 * Why detached: dnf is started with `setsid` writing to a log and an exit-status file in the execution's
 * state dir, and Ferry polls the log. A dropped SSH connection or a killed Ferry therefore never kills
 * dnf half-way through an rpm transaction; on resume the step finds the still-running (or finished) dnf
 * by its pid file and waits for it before doing anything else. Polling also streams dnf's lines to the
 * runner's progress as they appear.
 */
import { posix } from 'node:path';
import { FerryError } from '../../core/index.js';
import { hostPath, runChecked } from '../journal.js';
import type { JsonValue, StepContext } from '../types.js';
import type { Transport } from '../../transport/types.js';
import type { DnfEnv } from '../../plan/types.js';

export type { DnfEnv };

export function rpmArgv(transport: Transport, ...args: string[]): string[] {
  return ['rpm', ...(transport.root ? ['--root', transport.root] : []), ...args];
}

export function isDnfEnv(v: JsonValue): v is DnfEnv {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.releasever === 'string' && Array.isArray(v.repos);
}

function dnfConf(env: DnfEnv, reposDir: string): string {
  return [
    '[main]', `gpgcheck=${env.gpgcheck ? 1 : 0}`, 'installonly_limit=3', 'best=True', 'skip_if_unavailable=False',
    'clean_requirements_on_remove=True', 'install_weak_deps=False', `reposdir=${reposDir}`,
    ...(env.modulePlatformId ? [`module_platform_id=${env.modulePlatformId}`] : []), '',
  ].join('\n');
}

function repoFile(env: DnfEnv): string {
  return env.repos.flatMap((r) => [`[${r.id}]`, `name=Ferry target ${r.id}`, `baseurl=${r.baseurl}`, `gpgcheck=${env.gpgcheck ? 1 : 0}`, 'enabled=1', '']).join('\n');
}

/** Writes the private config below the state dir (idempotent) and returns the argv prefix for dnf. */
export async function dnfArgv(ctx: Pick<StepContext, 'transport' | 'stateDir'>, env: DnfEnv): Promise<string[]> {
  const { transport } = ctx;
  const dir = posix.join(ctx.stateDir, 'dnf');
  const reposDir = posix.join(dir, 'repos.d');
  await runChecked(transport, ['mkdir', '-p', hostPath(transport, reposDir)], `Creating ${reposDir}`);
  const conf = posix.join(dir, 'dnf.conf');
  await transport.writeFile(conf, dnfConf(env, hostPath(transport, reposDir)), { mode: 0o600 });
  await transport.writeFile(posix.join(reposDir, 'ferry-target.repo'), repoFile(env), { mode: 0o600 });
  return [
    'dnf', '-y', '--config', hostPath(transport, conf), `--setopt=reposdir=${hostPath(transport, reposDir)}`,
    '--releasever', env.releasever, '--setopt=best=True', '--disableplugin=*',
    ...(transport.root ? ['--installroot', transport.root, '--setopt=cachedir=/var/cache/dnf'] : []),
    ...(env.gpgcheck ? [] : ['--nogpgcheck']),
    ...(env.modulePlatformId ? [`--setopt=module_platform_id=${env.modulePlatformId}`] : []),
  ];
}

// A static script (no data is interpolated): runs "$@" detached, output to $1, exit status to $2 (atomically),
// its pid to $3.
const DETACH = [
  'log=$1; rc=$2; pidf=$3; shift 3',
  'exec </dev/null >/dev/null 2>&1',
  '( "$@" >"$log" 2>&1; echo $? >"$rc.tmp"; mv -f "$rc.tmp" "$rc" ) &',
  'echo $! >"$pidf.tmp"; mv -f "$pidf.tmp" "$pidf"',
].join('\n');

// Prints the exit status (or nothing), a separator, then the log from byte offset $3.
const POLL = 'cat "$1" 2>/dev/null; echo "--ferry--"; tail -c +"$3" "$2" 2>/dev/null; true';

export interface DetachedResult {
  code: number;
  output: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function isAlive(transport: Transport, pid: string): Promise<boolean> {
  if (!/^\d+$/.test(pid)) return false;
  const res = await transport.run(['kill', '-0', pid]);
  return res.code === 0;
}

/**
 * Runs `argv` detached on the host and waits for it, streaming its output lines. `label` names the run
 * within the step; an earlier attempt's still-running process under the same label is awaited first.
 */
export async function runDetached(ctx: StepContext, argv: string[], label: string, options: { pollMs?: number } = {}): Promise<DetachedResult> {
  const { transport } = ctx;
  const pollMs = options.pollMs ?? 100;
  const dir = posix.join(ctx.stateDir, 'run');
  await runChecked(transport, ['mkdir', '-p', hostPath(transport, dir)], `Creating ${dir}`);
  const stem = posix.join(dir, `${ctx.step.id.slice(0, 24)}-${label}`);
  const pidFile = `${stem}.pid`;
  if (await transport.exists(pidFile)) {
    const pid = (await transport.readFile(pidFile)).toString('utf8').trim();
    if (await isAlive(transport, pid)) {
      ctx.output(`waiting for ${label} (pid ${pid}) started by an earlier attempt`);
      while (await isAlive(transport, pid)) await sleep(pollMs * 2);
    }
  }
  const log = `${stem}-${ctx.attempt}.log`;
  const rc = `${stem}-${ctx.attempt}.rc`;
  await transport.run(['rm', '-f', hostPath(transport, rc)]);
  const script = posix.join(dir, 'detach.sh');
  await transport.writeFile(script, DETACH, { mode: 0o700 });
  await runChecked(transport, ['setsid', '-f', 'sh', hostPath(transport, script), hostPath(transport, log), hostPath(transport, rc), hostPath(transport, pidFile), ...argv],
    `Starting ${argv[0]} ${argv[argv.length - 1]}`);
  let offset = 0;
  let pending = '';
  const chunks: string[] = [];
  for (;;) {
    const res = await runChecked(transport, ['sh', '-c', POLL, 'sh', hostPath(transport, rc), hostPath(transport, log), String(offset + 1)], `Polling ${label}`);
    const sep = res.indexOf('--ferry--\n');
    const status = res.slice(0, sep).trim();
    const text = res.slice(sep + '--ferry--\n'.length);
    offset += Buffer.byteLength(text);
    chunks.push(text);
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const l of lines) if (l.trim()) ctx.output(l);
    if (status !== '') {
      if (pending.trim()) ctx.output(pending);
      return { code: Number(status), output: chunks.join('') };
    }
    await sleep(pollMs);
  }
}

/** Runs dnf detached and fails the step with the tail of its output when it exits non-zero. */
export async function runDnf(ctx: StepContext, env: DnfEnv, args: string[], label: string): Promise<string> {
  const argv = [...await dnfArgv(ctx, env), ...args];
  const res = await runDetached(ctx, argv, label);
  if (res.code !== 0) {
    throw new FerryError('STEP_FAILED', `dnf ${args.join(' ')} on ${ctx.transport.hostName} exited ${res.code}: ${res.output.trim().split('\n').slice(-15).join('\n')}`, {
      hint: 'Fix the cause dnf names, then run ferry resume.',
    });
  }
  return res.output;
}

/** Installed package names (gpg-pubkey excluded) → `name-epoch:version-release.arch` list. */
export async function installedPackages(transport: Transport): Promise<{ name: string; nevra: string; vendor: string }[]> {
  const out = await runChecked(transport, rpmArgv(transport, '-qa', '--qf', '%{NAME}|%{NAME}-%{EPOCHNUM}:%{VERSION}-%{RELEASE}.%{ARCH}|%{VENDOR}\\n'), 'rpm -qa');
  return out.split('\n').filter((l) => l && !l.startsWith('gpg-pubkey|')).map((l) => {
    const [name, nevra, vendor] = l.split('|');
    return { name, nevra, vendor: vendor === '(none)' ? '' : vendor };
  }).sort((a, b) => a.nevra.localeCompare(b.nevra));
}

/** Records why a step did nothing (or what it did) in the state dir, for verify and status. */
export async function writeNote(ctx: StepContext, note: Record<string, JsonValue>): Promise<void> {
  const dir = posix.join(ctx.stateDir, 'notes');
  await runChecked(ctx.transport, ['mkdir', '-p', hostPath(ctx.transport, dir)], `Creating ${dir}`);
  await ctx.transport.writeFile(posix.join(dir, `${ctx.step.kind}.json`), JSON.stringify({ stepId: ctx.step.id, ...note }) + '\n', { mode: 0o600 });
}
