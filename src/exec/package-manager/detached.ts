/**
 * Detached runs of the package manager (any long command that must outlive Ferry): the command is started
 * with `setsid` writing to a log and an exit-status file in the execution's state dir, holding a lock file
 * for as long as it runs. A dropped SSH connection or a killed Ferry therefore never kills dnf half-way
 * through an rpm transaction; on resume the step finds the still-running (or finished) run by its pid and
 * lock files and waits for it before doing anything else. Ferry blocks on the lock (the completion event)
 * in short waits that also stream the run's lines to the runner's progress.
 */
import { posix } from 'node:path';
import { assert, FerryError } from '../../core/index.js';
import type { Transport } from '../../transport/types.js';
import { hostPath, mkdirHost, runChecked } from '../journal.js';
import { FERRY_STATE_ROOT } from '../journal.js';
import type { RunningTransaction, StepContext } from '../types.js';

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

// Whether a file beside $1 can be written now (exit 0), else the shell's complaint on stderr. Args: path.
// (head, not the shell's printf: coreutils names the errno, "No space left on device".)
const PROBE_WRITE = 'f="$1.probe"; head -c 2 /dev/zero > "$f"; s=$?; rm -f "$f"; exit $s';

// Exit 0 while a run holds the lock $1; a run started by an older Ferry (no lock file) is asked by pid $2.
const RUNNING = 'if [ -e "$1" ]; then ! flock -n -s "$1" true; else kill -0 "$2" 2>/dev/null; fi';
// Blocks until that run ends or 5 seconds pass (a run of an older Ferry: 1 second). Args: lock.
const WAIT_EARLIER = 'if [ -e "$1" ]; then flock -s -w 5 "$1" true; else sleep 1; fi; true';

// Prints "<lock path> <pid>" for each run below the state root $1 that still holds its lock (a run of an
// older Ferry, without a lock file, is not seen here; its step waits for it by pid on resume).
const LIST_RUNNING = 'for l in "$1"/*/run/*.lock; do [ -e "$l" ] || continue; if ! flock -n -s "$l" true 2>/dev/null; then printf "%s %s\\n" "$l" "$(cat "${l%.lock}.pid" 2>/dev/null)"; fi; done; true';

// Blocks until the run holding lock $1 ends or $2 seconds pass.
const WAIT_UP_TO = 'flock -s -w "$2" "$1" true 2>/dev/null; true';

/** The detached runs still running on the host, of every execution below Ferry's state root. */
export async function runningTransactions(transport: Transport): Promise<RunningTransaction[]> {
  const out = await runChecked(transport, ['sh', '-c', LIST_RUNNING, 'sh', hostPath(transport, FERRY_STATE_ROOT)], 'Listing running transactions');
  return out.split('\n').filter(Boolean).flatMap((line) => {
    const m = /\/([^/]+)\/run\/([0-9a-z-]{1,24})-([A-Za-z0-9_-]+)\.lock (\d*)$/.exec(line);
    return m ? [{ executionId: m[1], stepIdPrefix: m[2], label: m[3], pid: m[4] ? Number(m[4]) : null }] : [];
  });
}

/**
 * Waits until none of the runs `which` selects is running, up to `timeoutMs`, reporting each wait through
 * `onWait`; resolves with the runs still running then (empty: all ended). Each wait blocks on the host on
 * one run's lock (WAIT_EARLIER: at most 5 s), so the end of a run is seen at once.
 */
export async function awaitTransactions(transport: Transport, which: (t: RunningTransaction) => boolean, options: { timeoutMs: number; onWait?: (running: RunningTransaction[]) => void }): Promise<RunningTransaction[]> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const running = (await runningTransactions(transport)).filter(which);
    if (running.length === 0 || Date.now() >= deadline) return running;
    options.onWait?.(running);
    const r = running[0];
    const lock = posix.join(FERRY_STATE_ROOT, r.executionId, 'run', `${r.stepIdPrefix}-${r.label}.lock`);
    const seconds = Math.max(0.1, Math.min(5, (deadline - Date.now()) / 1000)).toFixed(1);
    await transport.run(['sh', '-c', WAIT_UP_TO, 'sh', hostPath(transport, lock), seconds]);
  }
}

export interface DetachedResult {
  code: number;
  output: string;
}

/**
 * On a step's later attempt, waits until the run an earlier attempt started under `label` has ended (a killed
 * Ferry leaves it running). Resolves true when an earlier attempt started one (running or ended), false on a
 * first attempt or when none was started. A step whose effect the earlier run may have completed checks it
 * after this, rather than running its command again.
 */
export async function awaitEarlierRun(ctx: StepContext, label: string): Promise<boolean> {
  const { transport } = ctx;
  const stem = posix.join(ctx.stateDir, 'run', `${ctx.step.id.slice(0, 24)}-${label}`);
  const pidFile = `${stem}.pid`;
  if (ctx.attempt <= 1 || !(await transport.exists(pidFile))) return false;
  const lockFile = hostPath(transport, `${stem}.lock`);
  const pid = (await transport.readFile(pidFile)).toString('utf8').trim();
  const running = async (): Promise<boolean> => (await transport.run(['sh', '-c', RUNNING, 'sh', lockFile, /^\d+$/.test(pid) ? pid : '0'])).code === 0;
  if (await running()) {
    ctx.output(`waiting for ${label} (pid ${pid}) started by an earlier attempt`);
    while (await running()) await transport.run(['sh', '-c', WAIT_EARLIER, 'sh', lockFile]);
  }
  return true;
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
  if (!(await awaitEarlierRun(ctx, label))) await mkdirHost(transport, dir);
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
    assert(sep, `no separator in the output of the wait for ${label}`);
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
      const tail = chunks.join('').trim().split('\n').slice(-10).join('\n');
      // No exit status: the run was killed, or it could not write the file (a full or read-only filesystem).
      const probe = await transport.run(['sh', '-c', PROBE_WRITE, 'sh', rc]);
      if (probe.code !== 0) {
        throw new FerryError('STEP_FAILED', `${label} (pid ${pid}) on ${transport.hostName} ended, but its exit status could not be written to ${rc}: ${probe.stderr.trim().slice(0, 300)}`, {
          hint: `Free space in (or make writable) ${posix.dirname(rc)} on the host, then run ferry resume: it checks what the transaction did.`,
        });
      }
      throw new FerryError('STEP_FAILED', `${label} (pid ${pid}) on ${transport.hostName} was killed before it wrote its exit status to ${rc}: ${tail}`, {
        hint: 'Check the host for what stopped it (OOM killer, reboot, kill), then run ferry resume.',
      });
    }
  }
}
