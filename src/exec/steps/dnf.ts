/**
 * Shared helpers of the migration steps: argv builders for rpm and dnf against the transport (with a root
 * prefix, rpm gets `--root` and dnf `--installroot`), the private dnf configuration every dnf call uses
 * (only the target repositories, so the host's own repo files never leak into the transaction), and a
 * detached dnf runner.
 *
 * Why detached: dnf is started with `setsid` writing to a log and an exit-status file in the execution's
 * state dir, holding a lock file for as long as it runs. A dropped SSH connection or a killed Ferry
 * therefore never kills dnf half-way through an rpm transaction; on resume the step finds the still-running
 * (or finished) dnf by its pid and lock files and waits for it before doing anything else. Ferry blocks on
 * the lock (the completion event) in short waits that also stream dnf's lines to the runner's progress.
 */
import { posix } from 'node:path';
import { FerryError } from '../../core/index.js';
import { hostPath, mkdirHost, runChecked } from '../journal.js';
import type { JsonValue, StepContext } from '../types.js';
import type { Transport } from '../../transport/types.js';
import type { DnfEnv } from '../../plan/types.js';
import { INSTALLONLY_PROVIDES } from '../../rpm/installonly.js';

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

/** Config files this process has written, per transport: `dir` → the content written there. */
const written = new WeakMap<Transport, Map<string, string>>();

/**
 * Writes the private config below the state dir (idempotent) and returns the argv prefix for dnf. The
 * files are Ferry's own, so once this process has written a content it is not written again; a new
 * process (a resume) writes them once more.
 */
export async function dnfArgv(ctx: Pick<StepContext, 'transport' | 'stateDir'>, env: DnfEnv): Promise<string[]> {
  const { transport } = ctx;
  const dir = posix.join(ctx.stateDir, 'dnf');
  const reposDir = posix.join(dir, 'repos.d');
  const conf = posix.join(dir, 'dnf.conf');
  const confText = dnfConf(env, hostPath(transport, reposDir));
  const repoText = repoFile(env);
  const memo = written.get(transport) ?? new Map<string, string>();
  written.set(transport, memo);
  if (memo.get(dir) !== confText + repoText) {
    await mkdirHost(transport, reposDir);
    await transport.writeFile(conf, confText, { mode: 0o600 });
    await transport.writeFile(posix.join(reposDir, 'ferry-target.repo'), repoText, { mode: 0o600 });
    memo.set(dir, confText + repoText);
  }
  return [
    'dnf', '-y', '--config', hostPath(transport, conf), `--setopt=reposdir=${hostPath(transport, reposDir)}`,
    '--releasever', env.releasever, '--setopt=best=True', '--disableplugin=*',
    ...(transport.root ? ['--installroot', transport.root, '--setopt=cachedir=/var/cache/dnf'] : []),
    ...(env.gpgcheck ? [] : ['--nogpgcheck']),
    ...(env.modulePlatformId ? [`--setopt=module_platform_id=${env.modulePlatformId}`] : []),
  ];
}

// Static scripts (no data is interpolated; paths and argv travel as arguments).
//
// DETACH runs "$@" detached with output to $1, exit status to $2 (atomically, before it exits) and its pid
// to $3, holding an exclusive flock on $4 for its whole life: the lock is the completion event. The kernel
// drops it when the process exits for any reason (SIGKILL included), so a waiter blocked on the lock wakes
// at once, and a status file missing after the lock is free means the run died. The lock is taken before
// the fork and the pid file written after, so once the pid file exists the lock is held. dnf itself does
// not inherit the lock descriptor (9>&-): a daemon started by a scriptlet cannot keep it held.
const DETACH = [
  'log=$1; rc=$2; pidf=$3; lock=$4; shift 4',
  'exec </dev/null >/dev/null 2>&1',
  'exec 9>"$lock"',
  'flock -x 9 || exit 1',
  '( "$@" 9>&- >"$log" 2>&1; echo $? >"$rc.tmp"; mv -f "$rc.tmp" "$rc" ) &',
  'echo $! >"$pidf.tmp"; mv -f "$pidf.tmp" "$pidf"',
].join('\n');

// Starts DETACH in its own session (setsid -f: a dropped connection or a killed Ferry never reaches it) and
// returns once its pid file exists, printing the pid. Args: log rc pidfile lock argv…
const START = [
  'rm -f "$2" "$3"',
  'setsid -f sh -c "$0" sh "$@" || exit 125',
  'n=0; while [ ! -s "$3" ]; do n=$((n+1)); [ $n -le 3000 ] || exit 124; sleep 0.01; done',
  'cat "$3"',
].join('\n');

// Blocks until the run's lock is free (the run ended) or $5 seconds pass, then prints the exit status (or
// nothing), a separator with flock's status (0: the run has ended), then the log from byte offset $4.
// Args: lock rc log offset timeout.
const WAIT = 'flock -s -w "$5" "$1" true 2>/dev/null; s=$?; cat "$2" 2>/dev/null; echo "--ferry-- $s"; tail -c +"$4" "$3" 2>/dev/null; true';

// Exit 0 while a run holds the lock $1; a run started by an older Ferry (no lock file) is asked by pid $2.
const RUNNING = 'if [ -e "$1" ]; then ! flock -n -s "$1" true; else kill -0 "$2" 2>/dev/null; fi';
// Blocks until that run ends or 5 seconds pass (a run of an older Ferry: 1 second). Args: lock.
const WAIT_EARLIER = 'if [ -e "$1" ]; then flock -s -w 5 "$1" true; else sleep 1; fi; true';

export interface DetachedResult {
  code: number;
  output: string;
}

/**
 * Runs `argv` detached on the host and waits for it, streaming its output lines. `label` names the run
 * within the step; an earlier attempt's still-running process under the same label is awaited first.
 *
 * Completion is an event (the run's flock is released), not a poll: each wait blocks on the host until the
 * run ends or `waitSeconds` pass (default 0.5), and only then returns the new log lines — so dnf's output
 * still streams while it runs, and the end is seen at once. The first output line, emitted right after
 * the start, names the pid: from then on a killed Ferry leaves a running dnf that a resume waits for.
 */
export async function runDetached(ctx: StepContext, argv: string[], label: string, options: { waitSeconds?: number } = {}): Promise<DetachedResult> {
  const { transport } = ctx;
  const waitSeconds = String(options.waitSeconds ?? 0.5);
  const dir = posix.join(ctx.stateDir, 'run');
  const stem = posix.join(dir, `${ctx.step.id.slice(0, 24)}-${label}`);
  const pidFile = `${stem}.pid`;
  const lockFile = hostPath(transport, `${stem}.lock`);
  if (ctx.attempt > 1 && await transport.exists(pidFile)) {
    const pid = (await transport.readFile(pidFile)).toString('utf8').trim();
    const running = async (): Promise<boolean> => (await transport.run(['sh', '-c', RUNNING, 'sh', lockFile, /^\d+$/.test(pid) ? pid : '0'])).code === 0;
    if (await running()) {
      ctx.output(`waiting for ${label} (pid ${pid}) started by an earlier attempt`);
      while (await running()) await transport.run(['sh', '-c', WAIT_EARLIER, 'sh', lockFile]);
    }
  } else {
    await mkdirHost(transport, dir);
  }
  const log = hostPath(transport, `${stem}-${ctx.attempt}.log`);
  const rc = hostPath(transport, `${stem}-${ctx.attempt}.rc`);
  const pid = (await runChecked(transport, ['sh', '-c', START, DETACH, log, rc, hostPath(transport, pidFile), lockFile, ...argv],
    `Starting ${argv[0]} ${argv[argv.length - 1]}`)).trim();
  ctx.output(`started ${label} (pid ${pid})`);
  let offset = 0;
  let pending = '';
  const chunks: string[] = [];
  for (;;) {
    const res = await runChecked(transport, ['sh', '-c', WAIT, 'sh', lockFile, rc, log, String(offset + 1), waitSeconds], `Waiting for ${label}`);
    const sep = /--ferry-- (\d+)\n/.exec(res);
    if (!sep) throw new Error(`Assertion failed: no separator in the output of the wait for ${label}`);
    const status = res.slice(0, sep.index).trim();
    const text = res.slice(sep.index + sep[0].length);
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
    if (sep[1] === '0') {
      throw new FerryError('STEP_FAILED', `${label} (pid ${pid}) on ${transport.hostName} ended without an exit status (killed?): ${chunks.join('').trim().split('\n').slice(-10).join('\n')}`, {
        hint: 'Check the host for what stopped it (OOM killer, reboot), then run ferry resume.',
      });
    }
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

/**
 * Names of the installed packages dnf treats as install-only (installonly.ts): rpm's own answer to
 * `--whatprovides` for dnf's installonlypkgs, so the host's packages decide, not a name pattern.
 */
export async function installOnlyNames(transport: Transport): Promise<Set<string>> {
  const res = await transport.run(rpmArgv(transport, '-q', '--qf', '%{NAME}\\n', '--whatprovides', ...INSTALLONLY_PROVIDES));
  // rpm -q exits with the number of capabilities nothing provides, and says so on stdout; an error on
  // stderr (an unreadable rpmdb) is a real failure.
  if (/^error:/m.test(res.stderr) || res.code === null || res.code > INSTALLONLY_PROVIDES.length) {
    throw new FerryError('STEP_FAILED', `rpm -q --whatprovides (install-only packages) on ${transport.hostName} exited ${res.code}: ${(res.stderr || res.stdout).trim().slice(0, 500)}`);
  }
  return new Set(res.stdout.split('\n').filter((l) => l && !l.startsWith('no package provides ')));
}

/**
 * `name.arch` lines → the ones that occur more than once, except install-only packages (installed side by
 * side by design) and rpm's gpg-pubkey entries (one per imported key, all named gpg-pubkey).
 */
export function duplicatePackages(lines: string[], installOnly: ReadonlySet<string>): string[] {
  const seen = new Map<string, number>();
  for (const l of lines) if (l) seen.set(l, (seen.get(l) ?? 0) + 1);
  return [...seen].filter(([na, n]) => {
    const name = na.replace(/\.[^.]+$/, '');
    return n > 1 && name !== 'gpg-pubkey' && !installOnly.has(name);
  }).map(([na]) => na).sort();
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
  await mkdirHost(ctx.transport, dir);
  await ctx.transport.writeFile(posix.join(dir, `${ctx.step.kind}.json`), JSON.stringify({ stepId: ctx.step.id, ...note }) + '\n', { mode: 0o600 });
}

/**
 * dnf drives the conversion (on the host, or beside an installed root). CentOS 7 ships yum only: its extras
 * repository carries dnf 4.0.9 (dnf-4.0.9.2-2.el7_9), which openEuler's migration-tools install the same way
 * (openeuler-mirror/migration-tools README_zh.md). Throws DNF_MISSING with that way out.
 */
export async function requireDnf(transport: Transport): Promise<void> {
  const res = await transport.run(['sh', '-c', 'command -v dnf']);
  if (res.code === 0) return;
  throw new FerryError('DNF_MISSING', `${transport.root ? 'This machine' : transport.hostName} has no dnf; Ferry drives the conversion with dnf`, {
    hint: 'On CentOS 7 install it from the CentOS 7 extras repository (yum install dnf: dnf-4.0.9.2-2.el7_9), then run ferry again.',
  });
}
