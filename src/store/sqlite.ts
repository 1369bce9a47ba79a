/**
 * The SQLite store: the one store (sql-store.ts) over the better-sqlite3 driver. The default for a single
 * controller; PostgreSQL is for several workers on several machines.
 */
import { createSqlStore } from './sql-store.js';
import { openSqliteDriver } from './sqlite-driver.js';
import type { Store } from './types.js';

export interface OpenSqliteOptions {
  /** A file path, or ':memory:'. */
  path: string;
  /** Clock, for tests of leases and retries. */
  now?: () => Date;
  /** How long to wait for another process's write lock (default 5 s). */
  busyTimeoutMs?: number;
}

export function openSqliteStore(options: OpenSqliteOptions): Store {
  return createSqlStore(openSqliteDriver({ path: options.path, busyTimeoutMs: options.busyTimeoutMs }), { name: options.path, now: options.now });
}
