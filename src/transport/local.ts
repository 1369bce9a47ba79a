/**
 * The local adapter: child_process.spawn without a shell. With `root`, file operations happen below the
 * prefix (a mounted image, a lab root); commands still run on this machine and scanners pass --root.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, copyFile, chmod, mkdir, mkdtemp, open, readFile, rename, stat, writeFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { assert, FerryError } from '../core/index.js';
import { createCapture, DEFAULT_COMMAND_TIMEOUT, DEFAULT_MAX_OUTPUT } from './output.js';
import { normaliseRoot, underRoot } from './root.js';
import { assertEnvName } from './quote.js';
import type { RunOptions, RunResult, Transport, WriteFileOptions } from './types.js';

export interface LocalTransportOptions {
  root?: string;
  /** Default per-command timeout in ms (10 minutes). */
  commandTimeoutMs?: number;
}

/**
 * IO naming what failed to be written and why. A recursive mkdir (and mkdtemp) below a read-only or
 * unwritable directory reports ENOENT for the missing level, not the directory at fault: the nearest
 * existing ancestor of `path` is asked for write access, and a read-only or permission failure names it.
 */
async function writeFailure(what: string, path: string, e: unknown): Promise<FerryError> {
  const err = e as NodeJS.ErrnoException;
  let code = err.code;
  let at = path;
  if (code === 'ENOENT' || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    for (let dir = path; ; dir = dirname(dir)) {
      const st = await stat(dir).catch(() => undefined);
      if (st?.isDirectory()) {
        const denied = await access(dir, constants.W_OK).then(() => undefined, (a: NodeJS.ErrnoException) => a.code);
        if (denied) { code = denied; at = dir; }
        break;
      }
      if (dirname(dir) === dir) break;
    }
  }
  const why = code === 'EROFS' ? `${at} is on a read-only file system`
    : code === 'EACCES' || code === 'EPERM' ? `permission denied on ${at}`
      : err.message;
  return new FerryError('IO', `${what} on local failed: ${why}`, {
    cause: e,
    ...(code === 'EROFS' || code === 'EACCES' || code === 'EPERM' ? { hint: `Ferry writes its state and backups there: make ${at} writable (remount it read-write), then run the command again.` } : {}),
  });
}

export function createLocalTransport(options: LocalTransportOptions = {}): Transport {
  const root = normaliseRoot(options.root);
  const hostName = 'local';
  let closed = false;
  const checkOpen = (): void => {
    if (closed) throw new FerryError('TRANSPORT_DISCONNECTED', 'The local transport was closed');
  };

  function run(argv: readonly string[], opts: RunOptions & { encoding: 'buffer' }): Promise<RunResult<Buffer>>;
  function run(argv: readonly string[], opts?: RunOptions & { encoding?: 'utf8' }): Promise<RunResult<string>>;
  async function run(argv: readonly string[], opts: RunOptions & { encoding?: 'utf8' | 'buffer' } = {}): Promise<RunResult<string> | RunResult<Buffer>> {
    checkOpen();
    assert(argv.length > 0, 'empty argv');
    for (const name of Object.keys(opts.env ?? {})) assertEnvName(name);
    const timeoutMs = opts.timeoutMs ?? options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT;
    const max = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const out = createCapture(max);
    const err = createCapture(max);
    return new Promise((resolveRun, reject) => {
      const child = spawn(argv[0], argv.slice(1), {
        shell: false,
        detached: true, // own process group, so a timeout kills the whole tree
        env: { ...process.env, ...opts.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        try { if (child.pid) process.kill(-child.pid, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
      }, timeoutMs);
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.stdin.on('error', () => { /* the command may exit without reading stdin */ });
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (e.code === 'ENOENT' || e.code === 'EACCES') {
          // Same contract as a remote shell: command not found is exit 127, not a transport failure.
          const stderr = `${argv[0]}: ${e.code === 'ENOENT' ? 'command not found' : 'permission denied'}\n`;
          resolveRun({ code: e.code === 'ENOENT' ? 127 : 126, stdout: opts.encoding === 'buffer' ? Buffer.alloc(0) : '', stderr, truncated: false } as RunResult<string> | RunResult<Buffer>);
          return;
        }
        reject(new FerryError('TRANSPORT_COMMAND', `Could not start ${argv[0]} on local: ${e.message}`, { cause: e }));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (timedOut) {
          reject(new FerryError('TRANSPORT_TIMEOUT', `Command ${argv[0]} on local timed out after ${timeoutMs} ms`, {
            hint: 'Raise the command timeout, or check the host for a hung process.',
          }));
          return;
        }
        const stdoutBuf = out.buffer();
        resolveRun({
          code,
          ...(signal ? { signal } : {}),
          stdout: opts.encoding === 'buffer' ? stdoutBuf : stdoutBuf.toString('utf8'),
          stderr: err.buffer().toString('utf8'),
          truncated: out.truncated || err.truncated,
        } as RunResult<string> | RunResult<Buffer>);
      });
      child.stdin.end(opts.stdin ?? '');
    });
  }

  const transport: Transport = {
    kind: 'local',
    root,
    hostName,
    run,
    async readFile(path) {
      checkOpen();
      const p = underRoot(root, path);
      try {
        return await readFile(p);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') throw new FerryError('NOT_FOUND', `${p} does not exist on local`, { cause: e });
        throw new FerryError('IO', `Reading ${p} on local failed: ${(e as Error).message}`, { cause: e });
      }
    },
    async writeFile(path, data, opts: WriteFileOptions = {}) {
      checkOpen();
      const p = underRoot(root, path);
      let tmp: string | undefined;
      try {
        tmp = await mkdtemp(join(dirname(p), '.ferry-tmp-'));
        const t = join(tmp, 'data');
        await writeFile(t, data, { mode: opts.mode ?? 0o600 });
        await chmod(t, opts.mode ?? 0o600);
        await rename(t, p);
      } catch (e) {
        throw await writeFailure(`Writing ${p}`, p, e);
      } finally {
        if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
      }
    },
    async exists(path) {
      checkOpen();
      try { await stat(underRoot(root, path)); return true; } catch { return false; }
    },
    async appendFile(path, data, opts) {
      checkOpen();
      const p = underRoot(root, path);
      try {
        const fh = await open(p, 'a', 0o600);
        let before: number;
        try {
          before = (await fh.stat()).size;
          if (opts.expectedSize !== undefined && before !== opts.expectedSize) return before;
          // write(2) may write less than asked (a full disk, a file size limit): go on until all of it is
          // written; the call that cannot write any more throws (ENOSPC, EFBIG).
          const bytes = Buffer.from(data, 'utf8');
          for (let off = 0; off < bytes.length;) {
            const { bytesWritten } = await fh.write(bytes, off, bytes.length - off);
            if (bytesWritten <= 0) throw new Error(`wrote ${off} of ${bytes.length} bytes`);
            off += bytesWritten;
          }
          if (opts.sync !== 'none') await fh.sync();
        } finally {
          await fh.close();
        }
        if (opts.sync === 'dir') {
          const dir = await open(dirname(p), 'r');
          try { await dir.sync(); } finally { await dir.close(); }
        }
        return before;
      } catch (e) {
        throw await writeFailure(`Appending to ${p}`, p, e);
      }
    },
    async mkdir(path, opts) {
      checkOpen();
      const p = underRoot(root, path);
      try {
        await mkdir(p, { recursive: true, mode: opts.mode });
      } catch (e) {
        throw await writeFailure(`Creating the directory ${p}`, p, e);
      }
    },
    async upload(localPath, remotePath, opts: WriteFileOptions = {}) {
      checkOpen();
      const p = underRoot(root, remotePath);
      try {
        await copyFile(localPath, p);
        await chmod(p, opts.mode ?? 0o600);
      } catch (e) {
        throw await writeFailure(`Copying ${localPath} to ${p}`, p, e);
      }
    },
    async close() { closed = true; },
    describe: () => (root ? `local (root ${root})` : 'local'),
  };
  return transport;
}
