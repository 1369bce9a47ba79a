/**
 * The one answer to "which store is this location": a `postgres://` (or `postgresql://`) URL is the
 * PostgreSQL store, anything else a SQLite file path (or `:memory:`).
 */
import { redact } from '../core/index.js';
import { openPostgresDriver } from './postgres-driver.js';
import { createSqlStore } from './sql-store.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './types.js';

export interface OpenStoreOptions {
  /** Clock, for tests of leases and retries. */
  now?: () => Date;
}

export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** Opens the store at `location` without migrating it (the caller calls migrate()). */
export function openStore(location: string, options: OpenStoreOptions = {}): Store {
  if (isPostgresLocation(location)) return createSqlStore(openPostgresDriver({ url: location }), { name: redact(location), now: options.now });
  return openSqliteStore({ path: location, now: options.now });
}
