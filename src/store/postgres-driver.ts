/**
 * The PostgreSQL driver (pg's Pool), for several workers on several machines. Each statement outside a
 * transaction takes a pooled connection; a transaction holds one connection from BEGIN to COMMIT. A
 * connection the server dropped (restart, failover) is discarded by the pool, so the next operation
 * reconnects; an operation that meets an unreachable server fails within connectTimeoutMs as a
 * STORE_UNAVAILABLE naming the store (its URL without the password), never hangs. pg is loaded on first
 * use, so commands on a SQLite store do not pay for it at start-up.
 */
import type pg from 'pg';
import { FerryError, redact } from '../core/index.js';
import { numberPlaceholders, type Row, type SqlDriver, type SqlExecutor, type SqlValue } from './driver.js';

export interface PostgresDriverOptions {
  /** `postgres://user[:password]@host[:port]/database[?…]`. */
  url: string;
  /** Connections per process (default 10). */
  poolSize?: number;
  /** How long to wait for a connection before failing (default 10 s). */
  connectTimeoutMs?: number;
}

/** SQLSTATE classes and codes meaning "the server went away", not "the statement was wrong". */
const CONNECTION_SQLSTATE = /^(08|57P0[123])/;
const CONNECTION_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENOENT']);

/** True for a failure to reach the server or a connection lost mid-statement. */
export function isConnectionError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as Error & { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_SQLSTATE.test(code) || CONNECTION_ERRNO.has(code))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i.test(e.message);
}

export function openPostgresDriver(options: PostgresDriverOptions): SqlDriver {
  const name = redact(options.url);
  let pooled: Promise<pg.Pool> | undefined;
  const pool = (): Promise<pg.Pool> => {
    pooled ??= import('pg').then(({ default: { Pool } }) => {
      const p = new Pool({
        connectionString: options.url, max: options.poolSize ?? 10, connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
        idleTimeoutMillis: 30_000, allowExitOnIdle: true, keepAlive: true,
      });
      // An idle connection the server closed reports here; the pool has already dropped it.
      p.on('error', () => undefined);
      return p;
    });
    return pooled;
  };

  const unavailable = (e: unknown): unknown => isConnectionError(e)
    ? new FerryError('STORE_UNAVAILABLE', `The Ferry store ${name} is unreachable: ${redact((e as Error).message)}`, {
      cause: e, hint: 'Check that the PostgreSQL server is running and reachable; the operation can be retried.',
    })
    : e;
  const texts = new Map<string, string>();
  const pgText = (sql: string): string => {
    let t = texts.get(sql);
    if (t === undefined) texts.set(sql, (t = numberPlaceholders(sql)));
    return t;
  };
  const executor = (queryable: () => Promise<pg.Pool | pg.PoolClient>): SqlExecutor => ({
    dialect: 'postgres',
    async query(sql, params: readonly SqlValue[] = []) {
      try {
        return (await (await queryable()).query<Row>(pgText(sql), [...params])).rows;
      } catch (e) { throw unavailable(e); }
    },
    async run(sql, params: readonly SqlValue[] = []) {
      try {
        return (await (await queryable()).query(pgText(sql), [...params])).rowCount ?? 0;
      } catch (e) { throw unavailable(e); }
    },
    async exec(sql) {
      try {
        await (await queryable()).query(sql);
      } catch (e) { throw unavailable(e); }
    },
  });
  const direct = executor(pool);
  return {
    ...direct,
    async transaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await (await pool()).connect();
      } catch (e) { throw unavailable(e); }
      const tx = executor(async () => client);
      let broken: Error | undefined;
      // A checked-out connection the server drops between statements reports here (an 'error' event with no
      // listener would crash the process); the next statement then fails and the connection is destroyed.
      const onError = (e: Error): void => { broken = e; };
      client.on('error', onError);
      try {
        await tx.exec('BEGIN');
        const result = await fn(tx);
        await tx.exec('COMMIT');
        return result;
      } catch (e) {
        if (e instanceof FerryError && e.code === 'STORE_UNAVAILABLE') broken = e;
        else await client.query('ROLLBACK').catch((r: unknown) => { broken = r instanceof Error ? r : new Error(String(r)); });
        throw e;
      } finally {
        client.off('error', onError);
        // A connection that failed is destroyed rather than returned to the pool.
        client.release(broken);
      }
    },
    async close() { if (pooled) await (await pooled).end(); },
  };
}
