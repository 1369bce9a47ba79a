import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError } from '../core/index.js';
import type { JournalEntry, JournalSink } from '../exec/types.js';
import { createStoreMirror, storeCall } from './store-mirror.js';

const entry = (seq: number): JournalEntry => ({ event: 'rollback', phase: 'start', v: 1, seq, at: '2026-12-02T00:00:00Z', executionId: 'e1' });

/** A sink that refuses while `locked` (as SQLite past its busy timeout), recording what it accepted. */
function lockableSink(): JournalSink & { locked: boolean; seqs: number[]; attempts: number } {
  const s = {
    locked: false, seqs: [] as number[], attempts: 0,
    async appendJournalEntry(e: JournalEntry): Promise<void> {
      s.attempts++;
      if (s.locked) throw new Error('database is locked');
      s.seqs.push(e.seq);
    },
  };
  return s;
}

test('store mirror: refused entries are queued in order, retried after the backoff, and each written once', async () => {
  const sink = lockableSink();
  let clock = 0;
  const told: string[] = [];
  const m = createStoreMirror({ store: sink, name: '/x/ferry.db', backoffMs: [100], now: () => clock, onQueued: (l) => told.push(l) });
  await m.appendJournalEntry(entry(1));
  sink.locked = true;
  await m.appendJournalEntry(entry(2)); // refused: queued, backoff starts
  await m.appendJournalEntry(entry(3)); // within the backoff: not even tried
  assert.equal(sink.attempts, 2);
  assert.equal(m.pending(), 2);
  assert.deepEqual(told, ["Ferry's store /x/ferry.db refuses writes (database is locked); the journal on the host goes on and is mirrored later"]);
  sink.locked = false;
  clock = 150;
  await m.appendJournalEntry(entry(4));
  assert.deepEqual(sink.seqs, [1, 2, 3, 4]);
  assert.equal(m.pending(), 0);
  await m.flush();
});

test('store mirror: a store still refusing when the run ends is STORE_UNAVAILABLE naming it and what it missed', async () => {
  const sink = lockableSink();
  sink.locked = true;
  const m = createStoreMirror({ store: sink, name: '/x/ferry.db', backoffMs: [0] });
  await m.appendJournalEntry(entry(1));
  await m.appendJournalEntry(entry(2));
  await assert.rejects(m.flush({ attempts: 2, pauseMs: 1 }), (e: unknown) => {
    assert.ok(isFerryError(e, 'STORE_UNAVAILABLE'));
    assert.equal(e.message, "Ferry's store /x/ferry.db could not record 2 journal entries of execution e1: database is locked");
    return true;
  });
});

test('storeCall: retried, then STORE_UNAVAILABLE naming the store; a FerryError passes through', async () => {
  let n = 0;
  assert.equal(await storeCall('/x/ferry.db', 'record', async () => { if (++n < 2) throw new Error('database is locked'); return 'ok'; }, { pauseMs: 1 }), 'ok');
  await assert.rejects(storeCall('/x/ferry.db', 'record execution e1 of h', async () => { throw new Error('database is locked'); }, { attempts: 2, pauseMs: 1 }),
    (e: unknown) => isFerryError(e, 'STORE_UNAVAILABLE') && /^Ferry's store \/x\/ferry\.db could not record execution e1 of h: database is locked$/.test(e.message));
});
