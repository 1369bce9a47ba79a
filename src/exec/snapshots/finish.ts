/**
 * `ferry finish`: once a migration is kept (completed) or undone (rolled back), what its snapshot left is
 * removed — the snapshot, or after a rollback to it the migrated system it replaced — and the removal is
 * journaled (`snapshot` `removed`), so status stops listing it and a second finish does nothing.
 *
 * Retention: with `expireAt` (`ferry status --expire`, the one place expiry happens: Ferry runs no daemon on
 * the host) only the snapshots whose journaled `expiresAt` is at or before that time are removed, and only
 * once the migration completed or was rolled back; an unfinished migration keeps its snapshot whatever its
 * age (it is what `ferry rollback` returns to), and says so instead of failing.
 */
import { FerryError } from '../../core/index.js';
import type { Transport } from '../../transport/types.js';
import { acquireHostLock, openJournal, type JournalTrust, type RecordedHead } from '../journal.js';
import { deriveStatus } from '../runner.js';
import type { JournalEntry, JournalSink, SerializedRestorable } from '../types.js';
import { listSnapshots, removeSnapshot, snapshotExpired, SNAPSHOT_KIND, type SnapshotCommands, type SnapshotInfo } from './index.js';

/** The execution's snapshot restorables `ferry finish` has not removed yet. */
export function remainingSnapshots(entries: readonly JournalEntry[], restorables: readonly SerializedRestorable[]): SerializedRestorable[] {
  const removed = new Set(entries.flatMap((e) => (e.event === 'snapshot' && e.phase === 'removed' ? [e.restorableId] : [])));
  return restorables.filter((r) => r.kind === SNAPSHOT_KIND && !removed.has(r.id));
}

/** What the execution's snapshots still hold on the host, with their sizes (for status). */
export async function snapshotStatus(transport: Transport, executionId: string, entries: readonly JournalEntry[]): Promise<SnapshotInfo[]> {
  return listSnapshots(transport, executionId, remainingSnapshots(entries, deriveStatus(entries, executionId).restorables));
}

export async function finishSnapshots(o: {
  transport: Transport; executionId: string; commands: SnapshotCommands | null; journal?: JournalTrust & { heads?: RecordedHead[] }; sink?: JournalSink;
  /** Remove only the snapshots expired at this time, and nothing while the migration is unfinished. */
  expireAt?: Date;
}): Promise<{ executionId: string; removed: string[]; kept?: string }> {
  const { transport, executionId } = o;
  const lock = await acquireHostLock({ transport, executionId });
  try {
    const journal = await openJournal({ transport, executionId, ...(o.sink ? { sink: o.sink } : {}), ...o.journal, guard: lock.verify });
    const st = deriveStatus(journal.entries(), executionId);
    const finished = st.state === 'completed' || st.state === 'rolled-back';
    if (!finished && o.expireAt) return { executionId, removed: [], kept: `migration ${executionId} is ${st.state}: its snapshot is kept for ferry rollback whatever its retention` };
    if (!finished) {
      throw new FerryError('USAGE', `Migration ${executionId} on ${transport.hostName} is ${st.state}: finish removes its snapshot only once it completed or was rolled back`, {
        hint: st.state === 'failed' || st.state === 'running' ? 'Run ferry resume or ferry rollback first.' : 'Run ferry rollback again to complete it.',
      });
    }
    const removed: string[] = [];
    const { expireAt } = o;
    for (const r of remainingSnapshots(journal.entries(), st.restorables).filter((x) => !expireAt || snapshotExpired(x, expireAt))) {
      const what = await removeSnapshot(transport, executionId, r, o.commands);
      await journal.append({ event: 'snapshot', phase: 'removed', restorableId: r.id, what });
      removed.push(what);
    }
    return { executionId, removed };
  } finally {
    await lock.release();
  }
}
