/**
 * Persistent remote runners for the SSH adapter. Every SSH exec request makes sshd start the user's login
 * shell, and bash run by sshd sources ~/.bashrc, so each exec pays whatever that file does (pyenv, conda,
 * nvm: hundreds of ms) plus a session fork. A runner is ONE exec channel running the login shell reading
 * commands from stdin; each command then costs a fork in an already-running shell.
 *
 * Contract per command (one command at a time per runner): the client writes one shell line
 *   `__ferry_run <id> <stdin-file|/dev/null> <single-quoted argv words…>`
 * (preceded, when the command has stdin, by a `printf` that writes those bytes to the stdin file). The
 * runner starts argv in the background with stdout/stderr redirected to files named by <id> (so stray
 * background children can never interleave with the protocol), records its pid in `<id>.p` (for a
 * timeout kill through another channel), waits, and replies with
 *   `<id> R <status>\n<stdout bytes>\n<stderr bytes>\n` followed by exactly those stdout and stderr bytes,
 * or with `<id> F\n` when it could not create the output files and so did not start the command.
 * Output before the READY line (a chatty ~/.bashrc) is discarded. Anything else unexpected destroys the
 * runner. A status above 128 is reported as the shell's wait status (128 + signal), not as a signal name.
 */
import { randomBytes } from 'node:crypto';
import type { Client as SshClient, ClientChannel } from 'ssh2';
import { createCapture, type Capture } from './output.js';
import { quoteArgv } from './quote.js';
import { assert } from '../core/index.js';

/** The runner's shell functions; `$SHELL` is the login shell sshd would have used for a plain exec. */
export const RUNNER_PRELUDE = [
  // The prelude runs after the user's ~/.bashrc: no alias or shell function may stand in for a utility.
  'unalias -a 2>/dev/null',
  '__ferry_d=$(command mktemp -d "${TMPDIR:-/tmp}/ferry-run.XXXXXX") || exit 97',
  `trap 'command rm -rf "$__ferry_d"' EXIT`,
  `trap 'exit 1' HUP PIPE TERM`,
  '__ferry_run() {',
  '  __ferry_n=$1 __ferry_f=$__ferry_d/$1 __ferry_i=$2; shift 2',
  // Output files that cannot be created (a full disk, the directory gone): say so before running anything.
  '  if ! { : >"$__ferry_f.o" && : >"$__ferry_f.e"; } 2>/dev/null; then command echo "$__ferry_n F"; return; fi',
  '  "$@" <"$__ferry_i" >"$__ferry_f.o" 2>"$__ferry_f.e" &',
  '  command echo $! >"$__ferry_f.p"',
  '  command wait $!',
  '  __ferry_c=$?',
  // One write of header and bodies when the header file can be written, else straight to stdout.
  '  if { command echo "$__ferry_n R $__ferry_c" && command wc -c <"$__ferry_f.o" && command wc -c <"$__ferry_f.e"; } >"$__ferry_f.h" 2>/dev/null; then',
  '    command cat "$__ferry_f.h" "$__ferry_f.o" "$__ferry_f.e"',
  '  else',
  '    command echo "$__ferry_n R $__ferry_c"',
  '    command wc -c <"$__ferry_f.o" 2>/dev/null || command echo 0',
  '    command wc -c <"$__ferry_f.e" 2>/dev/null || command echo 0',
  '    command cat "$__ferry_f.o" "$__ferry_f.e" 2>/dev/null',
  '  fi',
  '  command rm -f "$__ferry_f".?',
  '}',
].join('\n');

/**
 * Cap on stdin carried inline, as escaped command text: bash reads a script from a pipe one byte per
 * read(2) (about 2.5 µs a byte), and binary data escapes to 4 bytes a byte. Larger stdin takes a plain exec.
 */
export const RUNNER_STDIN_MAX = 64 * 1024;

// 0x2d: a format starting with '-' would be read as printf options (stdin "-----BEGIN PGP…" was lost)
const isPlain = (b: number): boolean => b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c && b !== 0x25 && b !== 0x2d;

/** True when `data` escapes to at most RUNNER_STDIN_MAX bytes of printf format. */
export function fitsInline(data: Buffer): boolean {
  if (data.length > RUNNER_STDIN_MAX) return false;
  let n = 0;
  for (const b of data) {
    n += isPlain(b) ? 1 : 4;
    if (n > RUNNER_STDIN_MAX) return false;
  }
  return true;
}

export interface RunnerReply {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
  truncated: boolean;
}

export interface RunnerJob {
  /** The runner's path of the file holding the command's pid once it has started. */
  readonly pidFile: string;
  /** 'unstaged': the runner could not create the command's output files, and did not run it. */
  readonly reply: Promise<RunnerReply | 'unstaged'>;
}

export interface Runner {
  readonly closed: boolean;
  /** Starts one command; the runner is busy until its reply has been read (even if the caller gave up). */
  start(argv: readonly string[], opts: { stdin?: Buffer; maxOutputBytes: number }): RunnerJob;
  close(): void;
}

/** POSIX printf format that writes `data` byte for byte: printable ASCII as is, all else as \ooo. */
export function printfEscape(data: Buffer): string {
  let out = '';
  for (const b of data) {
    out += isPlain(b)
      ? String.fromCharCode(b)
      : `\\${b.toString(8).padStart(3, '0')}`;
  }
  return out;
}

/** Why a runner stopped answering: its channel closed, or it said something outside the contract. */
export class RunnerFailure extends Error {}

/**
 * Opens a runner on `conn`. Resolves once the remote shell has answered READY; rejects with RunnerFailure
 * when it cannot (exec refused, no POSIX shell, ForceCommand, mktemp missing) within `timeoutMs`.
 */
export function startRunner(conn: SshClient, opts: { timeoutMs: number; onClose: () => void }): Promise<Runner> {
  const ready = randomBytes(16).toString('hex');
  return new Promise((resolveRunner, rejectRunner) => {
    let channel: ClientChannel | undefined;
    let closed = false;
    let isReady = false;
    let buf: Buffer = Buffer.alloc(0);
    let job: {
      id: string; max: number; resolve: (r: RunnerReply | 'unstaged') => void; reject: (e: Error) => void;
      body?: { code: number; outLeft: number; errLeft: number; out: Capture; err: Capture };
    } | undefined;
    let dir = '';
    const timer = setTimeout(() => fail(new RunnerFailure(`the remote shell did not answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);

    function fail(err: RunnerFailure): void {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      channel?.close();
      if (!isReady) rejectRunner(err);
      const j = job;
      job = undefined;
      j?.reject(err);
      opts.onClose();
    }

    function takeLine(): string | undefined {
      const nl = buf.indexOf(0x0a);
      if (nl < 0) return undefined;
      const line = buf.subarray(0, nl).toString('utf8');
      buf = buf.subarray(nl + 1);
      return line;
    }

    function parse(): void {
      if (!isReady) {
        for (let line = takeLine(); line !== undefined; line = takeLine()) {
          const m = /^FERRY-READY ([0-9a-f]{32}) (\/.*)$/.exec(line);
          if (m?.[1] !== ready) continue; // login-shell noise (a chatty ~/.bashrc) before the runner started
          isReady = true;
          dir = m[2];
          clearTimeout(timer);
          resolveRunner(runner);
          break;
        }
        if (!isReady) return;
      }
      while (job && !closed) {
        if (!job.body) {
          const nl1 = buf.indexOf(0x0a);
          if (nl1 >= 0 && buf.subarray(0, nl1).toString('latin1') === `${job.id} F`) {
            buf = buf.subarray(nl1 + 1);
            const j = job;
            job = undefined;
            j.resolve('unstaged');
            continue;
          }
          const nl2 = nl1 < 0 ? -1 : buf.indexOf(0x0a, nl1 + 1);
          const nl3 = nl2 < 0 ? -1 : buf.indexOf(0x0a, nl2 + 1);
          if (nl3 < 0) {
            if (buf.length > 4096) fail(new RunnerFailure('the remote shell sent an oversized reply header'));
            return;
          }
          const [head, outLen, errLen] = [takeLine(), takeLine(), takeLine()].map((s) => (s ?? '').trim());
          const m = /^([0-9a-f]{32}) R (\d+)$/.exec(head);
          if (!m || m[1] !== job.id || !/^\d+$/.test(outLen) || !/^\d+$/.test(errLen)) {
            fail(new RunnerFailure(`the remote shell replied out of protocol: ${JSON.stringify(`${head}\n${outLen}\n${errLen}`.slice(0, 200))}`));
            return;
          }
          job.body = { code: Number(m[2]), outLeft: Number(outLen), errLeft: Number(errLen), out: createCapture(job.max), err: createCapture(job.max) };
        }
        const b = job.body;
        const toOut = Math.min(b.outLeft, buf.length);
        if (toOut) { b.out.push(buf.subarray(0, toOut)); b.outLeft -= toOut; buf = buf.subarray(toOut); }
        const toErr = Math.min(b.errLeft, buf.length);
        if (toErr) { b.err.push(buf.subarray(0, toErr)); b.errLeft -= toErr; buf = buf.subarray(toErr); }
        if (b.outLeft || b.errLeft) return;
        const j = job;
        job = undefined;
        j.resolve({ code: b.code, stdout: b.out.buffer(), stderr: b.err.buffer(), truncated: b.out.truncated || b.err.truncated });
      }
      if (!job && buf.length) fail(new RunnerFailure('the remote shell sent output nobody asked for'));
    }

    const runner: Runner = {
      get closed() { return closed; },
      start(argv, o) {
        if (closed || !channel) throw new RunnerFailure('the runner is closed');
        assert(!job, 'runner already busy');
        const id = randomBytes(16).toString('hex');
        const stdinFile = o.stdin ? `"$__ferry_d/${id}.i"` : '/dev/null';
        const line = `${o.stdin ? `command printf '${printfEscape(o.stdin)}' >${stdinFile}; ` : ''}__ferry_run ${id} ${stdinFile} ${quoteArgv(argv)}\n`;
        const reply = new Promise<RunnerReply | 'unstaged'>((resolve, reject) => { job = { id, max: o.maxOutputBytes, resolve, reject }; });
        channel.write(line);
        return { pidFile: `${dir}/${id}.p`, reply };
      },
      close() {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        channel?.end();
        job?.reject(new RunnerFailure('the runner was closed'));
        job = undefined;
      },
    };

    try {
      conn.exec('exec "$SHELL" -s', (err, stream) => {
        if (err) { fail(new RunnerFailure(`exec refused: ${err.message}`)); return; }
        channel = stream;
        if (closed) { stream.close(); return; }
        stream.on('data', (chunk: Buffer) => { buf = buf.length ? Buffer.concat([buf, chunk]) : chunk; parse(); });
        stream.stderr.on('data', () => { /* the runner's own diagnostics; commands' stderr travels in files */ });
        stream.on('close', () => fail(new RunnerFailure('the remote shell exited')));
        stream.write(`${RUNNER_PRELUDE}\ncommand printf 'FERRY-READY %s %s\\n' ${ready} "$__ferry_d"\n`);
      });
    } catch (err) {
      fail(new RunnerFailure(`exec failed: ${(err as Error).message}`));
    }
  });
}
