// A real PostgreSQL server for tests: initdb into a temporary directory, then `postgres` on a private
// loopback port with its unix socket in that directory, trust authentication for the user `ferry`, fsync
// off. It needs nothing of the distribution's own cluster (which may not exist or run). PostgreSQL refuses
// to run as root, so under root the server runs as the unprivileged `postgres` account the Debian package
// creates (spawn's uid/gid; the same as `runuser -u postgres`), which owns the temporary data directory.
// The server is stopped (pg_ctl stop -m immediate) and its directory removed when the test process exits
// (or is ended by SIGINT, SIGTERM or SIGHUP; a SIGKILLed test process leaves it running).
// Binaries: $FERRY_PG_BINDIR, else the newest /usr/lib/postgresql/<version>/bin, else PATH; tests skip
// with skipUnlessPostgres()'s reason when none is found.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../lab/sshd.js';

function findBinDir(): string | undefined {
  const has = (dir: string): boolean => ['initdb', 'postgres', 'pg_ctl'].every((b) => existsSync(join(dir, b)));
  const env = process.env.FERRY_PG_BINDIR;
  if (env) return has(env) ? env : undefined;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (has(join(root, v, 'bin'))) return join(root, v, 'bin');
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && has(dir)) return dir;
  return undefined;
}

/** The account the server runs as: the current one, or `postgres` when the tests run as root. */
function serverAccount(): { uid: number; gid: number } | undefined | 'none' {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim() || NaN);
  const uid = id('-u');
  const gid = id('-g');
  return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : 'none';
}

/** For node:test's `skip` option: false when a PostgreSQL server can be started here, else why not. */
export function skipUnlessPostgres(): false | string {
  if (!findBinDir()) return 'PostgreSQL server binaries (initdb, postgres, pg_ctl) not found; install the postgresql package or set FERRY_PG_BINDIR';
  if (serverAccount() === 'none') return "running as root and there is no 'postgres' account to run PostgreSQL as";
  return false;
}

export interface PostgresServer {
  readonly port: number;
  /** A new, empty database on the server, as a store URL. */
  createDatabase(): Promise<string>;
  /** Fast shutdown (clients are disconnected); resolves when the server has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory; resolves when it accepts connections. */
  start(): Promise<void>;
}

let shared: Promise<PostgresServer> | undefined;

/** The test process's server, started on first use. */
export function testPostgres(): Promise<PostgresServer> {
  shared ??= startPostgres();
  return shared;
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = findBinDir();
  const account = serverAccount();
  if (!bin || account === 'none') throw new Error(`cannot start PostgreSQL: ${skipUnlessPostgres()}`);
  const ids = account ?? {};
  const dir = mkdtempSync(join(tmpdir(), 'ferry-pg-'));
  const data = join(dir, 'data');
  const socket = join(dir, 'socket');
  const logPath = join(dir, 'server.log');
  mkdirSync(data, { mode: 0o700 });
  mkdirSync(socket, { mode: 0o700 });
  closeSync(openSync(logPath, 'a', 0o600));
  if (account) {
    chmodSync(dir, 0o711);
    for (const p of [data, socket, logPath]) chownSync(p, account.uid, account.gid);
  }
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'ferry', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], { ...ids, env, encoding: 'utf8', cwd: dir });
  if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr}`);
  let cleaned = false;
  const cleanup = (): void => {
    if (cleaned) return;
    cleaned = true;
    spawnSync(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w'], { ...ids, env, stdio: 'ignore', cwd: dir });
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  // A test process ended by a signal (the runner's timeout, ^C) runs no exit handlers: stop the server, then
  // die of the same signal as its default action would.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => { cleanup(); process.kill(process.pid, signal); });
  }

  const port = await freePort();
  let child: ChildProcess | undefined;
  const logTail = (): string => readFileSync(logPath, 'utf8').split('\n').slice(-15).join('\n');
  const start = async (): Promise<void> => {
    const log = openSync(logPath, 'a');
    child = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', socket, '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'], { ...ids, env, cwd: dir, stdio: ['ignore', log, log] });
    closeSync(log);
    child.unref();
    let exited = false;
    child.once('exit', () => { exited = true; });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'ferry', database: 'postgres', connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        await client.end();
        return;
      } catch (e) {
        await client.end().catch(() => undefined);
        if (exited) throw new Error(`postgres exited while starting:\n${logTail()}`);
        if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 60 s (${(e as Error).message}):\n${logTail()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  await start();
  let databases = 0;
  return {
    port,
    async createDatabase() {
      const name = `t${++databases}`;
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'ferry', database: 'postgres' });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://ferry@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      // Referenced while waiting: nothing else may keep the event loop alive until the exit event.
      c.ref();
      await new Promise<void>((done) => { c.once('exit', () => done()); c.kill('SIGINT'); });
    },
    start,
  };
}
