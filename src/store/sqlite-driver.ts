/**
 * The SQLite driver (better-sqlite3, compiled from source against the local Node headers at install). WAL
 * mode and a busy timeout let several processes (CLI, API, workers) share one file; transactions begin
 * IMMEDIATE so two writers never interleave. better-sqlite3 is synchronous while a transaction's body is
 * async, so every statement and transaction of every SQLite connection in the process takes turns on one
 * queue: a transaction's awaits never let another caller's statement into it, and a second connection's
 * BEGIN IMMEDIATE never blocks the thread (in its busy wait) while the first holds the lock it waits for.
 * Other processes are kept out by SQLite's own file locks.
 */
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { FerryError } from '../core/index.js';
import type { Row, SqlDriver, SqlExecutor, SqlValue } from './driver.js';

let queue: Promise<unknown> = Promise.resolve();
function inTurn<T>(fn: () => Promise<T>): Promise<T> {
  const result = queue.then(fn);
  queue = result.catch(() => undefined);
  return result;
}

export interface SqliteDriverOptions {
  /** A file path, or ':memory:'. */
  path: string;
  /** How long a statement waits for another process's write lock before failing (default 5 s). */
  busyTimeoutMs?: number;
}

/** SQLite's "another connection holds the lock" results, after the busy timeout. */
const LOCKED = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_LOCKED']);

/**
 * Opens (creating the file 0600: the store holds fleet data; SQLite gives its -wal and -shm files the
 * mode of the database file).
 */
export function openSqliteDriver(options: SqliteDriverOptions): SqlDriver {
  const { path } = options;
  let db: Database.Database;
  try {
    if (path !== ':memory:') closeSync(openSync(path, 'a', 0o600));
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('foreign_keys = ON');
  } catch (e) {
    throw new FerryError('STORE_UNAVAILABLE', `Could not open the Ferry store ${path}: ${(e as Error).message}`, {
      cause: e, hint: 'Check that the directory exists and is writable, and that no other program holds the file locked.',
    });
  }
  const locked = (e: unknown): unknown => e instanceof Database.SqliteError && LOCKED.has(e.code)
    ? new FerryError('STORE_UNAVAILABLE', `The Ferry store ${path} is locked by another connection: ${e.message}`, {
      cause: e, hint: 'Another Ferry process holds a long write on this file; retry, or use a PostgreSQL store for many concurrent workers.',
    })
    : e;
  const guarded = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) { throw locked(e); }
  };
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare(sql)));
    return s;
  };
  const direct: SqlExecutor = {
    dialect: 'sqlite',
    async query(sql, params: readonly SqlValue[] = []) {
      return guarded(() => {
        const s = prepare(sql);
        if (s.reader) return s.all(...params) as Row[];
        s.run(...params);
        return [];
      });
    },
    async run(sql, params: readonly SqlValue[] = []) { return guarded(() => prepare(sql).run(...params).changes); },
    async exec(sql) { guarded(() => db.exec(sql)); },
  };
  return {
    dialect: 'sqlite',
    query: (sql, params) => inTurn(() => direct.query(sql, params)),
    run: (sql, params) => inTurn(() => direct.run(sql, params)),
    exec: (sql) => inTurn(() => direct.exec(sql)),
    transaction: (fn) => inTurn(async () => {
      guarded(() => db.exec('BEGIN IMMEDIATE'));
      try {
        const result = await fn(direct);
        db.exec('COMMIT');
        return result;
      } catch (e) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw e;
      }
    }),
    close: () => inTurn(async () => { if (db.open) db.close(); }),
  };
}
