/**
 * Ferry's store as seen by a running migration. The journal on the host is the source of truth and the
 * store a mirror of it, so a store that cannot take a write (another process holds SQLite's write lock
 * past its busy timeout, a database server restarts) must not fail a step half-way: the mirror queues the
 * entry and the run goes on. Queued entries are retried in order, with each later append once a backoff
 * passed (a locked SQLite store blocks each attempt for its busy timeout, so attempts are spaced), and
 * flushed when the run ends. The store ignores (executionId, seq) pairs it already holds, so an entry is
 * never recorded twice, and any later run or `ferry status --store` mirrors the host's journal again.
 *
 * Store calls made before a host is touched (recording the execution) go through `storeCall`: retried
 * briefly, then a FerryError naming the store, never an internal error.
 */
import { FerryError, isFerryError } from '../core/index.js';
import type { JournalEntry, JournalSink } from '../exec/types.js';

export interface StoreMirror extends JournalSink {
  /** Entries not yet in the store. */
  pending(): number;
  /** Retries the queue (`attempts` times, `pauseMs` apart); throws STORE_UNAVAILABLE when entries remain. */
  flush(o?: { attempts?: number; pauseMs?: number }): Promise<void>;
}

export interface StoreMirrorOptions {
  /** The store (only its journal mirror is used). */
  store: JournalSink;
  /** What the store is called in messages: its path or URL (credentials removed). */
  name: string;
  /** Pauses before the queue is tried again during a run, in ms; the last repeats. */
  backoffMs?: readonly number[];
  /** Told once each time the store starts refusing writes (for a progress line). */
  onQueued?: (message: string) => void;
  now?: () => number;
}

const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/** The store's own words for a failure, for a message (never a stack). */
function describe(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0].slice(0, 300) : String(e);
}

export function unavailable(name: string, doing: string, e: unknown, hint: string): FerryError {
  return new FerryError('STORE_UNAVAILABLE', `Ferry's store ${name} could not ${doing}: ${describe(e)}`, { cause: e, hint });
}

export function createStoreMirror(o: StoreMirrorOptions): StoreMirror {
  const backoff = o.backoffMs ?? BACKOFF_MS;
  const now = o.now ?? Date.now;
  const queue: JournalEntry[] = [];
  let failures = 0;
  let retryAt = 0;
  let lastError: unknown;

  /** Writes the queue in order; false at the first refusal (the rest stays queued). */
  const drain = async (): Promise<boolean> => {
    while (queue.length > 0) {
      try {
        await o.store.appendJournalEntry(queue[0]);
      } catch (e) {
        lastError = e;
        if (failures === 0) o.onQueued?.(`Ferry's store ${o.name} refuses writes (${describe(e)}); the journal on the host goes on and is mirrored later`);
        retryAt = now() + backoff[Math.min(failures, backoff.length - 1)];
        failures++;
        return false;
      }
      queue.shift();
    }
    failures = 0;
    return true;
  };

  return {
    async appendJournalEntry(entry) {
      queue.push(entry);
      if (failures > 0 && now() < retryAt) return;
      await drain();
    },
    pending: () => queue.length,
    async flush(f = {}) {
      const attempts = f.attempts ?? 3;
      for (let i = 0; i < attempts; i++) {
        if (await drain()) return;
        if (i < attempts - 1) await new Promise((r) => setTimeout(r, f.pauseMs ?? 1_000));
      }
      throw unavailable(o.name, `record ${queue.length} journal entr${queue.length === 1 ? 'y' : 'ies'} of execution ${queue[0].executionId}`, lastError,
        'The journal on the host is complete and is the record of the run; once the store is free, ferry status HOST --store mirrors it there.');
    },
  };
}

/**
 * One store call made before the host is touched: a refusal (STORE_UNAVAILABLE, or an error the store did
 * not classify) is retried (`attempts`, `pauseMs` apart), then STORE_UNAVAILABLE naming the store. Other
 * FerryErrors (a store's own checks) pass through.
 */
export async function storeCall<T>(name: string, doing: string, fn: () => Promise<T>, o: { attempts?: number; pauseMs?: number } = {}): Promise<T> {
  const attempts = o.attempts ?? 3;
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (isFerryError(e) && e.code !== 'STORE_UNAVAILABLE') throw e;
      if (i >= attempts - 1) throw unavailable(name, doing, e, 'Nothing was changed on the host. Try again once the process holding the store is done (or give another --store).');
      await new Promise((r) => setTimeout(r, o.pauseMs ?? 1_000));
    }
  }
}
