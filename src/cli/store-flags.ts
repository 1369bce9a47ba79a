/** The one `--store` flag every store-taking command has, and how a command opens and closes the store. */
import type { Command } from 'commander';
import { defaultStorePath, openFerryStore } from '../app/store.js';
import type { Store } from '../app/migrate.js';

export interface StoreFlags { store?: string }

export function withStoreFlag(c: Command, what = 'recording host, plan, execution and journal'): Command {
  return c.option('--store <location>', `Ferry's store (a SQLite file, or a postgres:// URL) ${what} (default: ${defaultStorePath().replace(process.env.HOME ?? '\0', '~')}; FERRY_HOME sets its directory)`);
}

/** Opens the store the flags name (default location otherwise), runs `fn`, closes it whatever happens. */
export async function withStore<T>(f: StoreFlags, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openFerryStore(f.store ?? defaultStorePath());
  try { return await fn(store); } finally { await store.close(); }
}
