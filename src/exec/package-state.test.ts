import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedPackages } from './package-state.js';
import type { JournalEntry, JournalEvent, PackageFingerprint } from './types.js';

const fp = (n: number): PackageFingerprint => ({ count: n, sha256: String(n).repeat(64).slice(0, 64), list: `/var/lib/ferry/e/packages-${n}.txt` });
const entries = (...events: JournalEvent[]): JournalEntry[] => events.map((e, i) => ({ ...e, v: 1, seq: i + 1, at: '2026-12-02T00:00:00Z', executionId: 'e' }));
const start = (packages?: PackageFingerprint): JournalEvent => ({ event: 'execution', phase: 'start', planId: 'p', steps: [], controller: 'c', ...(packages ? { packages } : {}) });
const stepStart = (id: string, changesPackages = false): JournalEvent => ({ event: 'step', phase: 'start', stepId: id, kind: 'k', attempt: 1, ...(changesPackages ? { changesPackages: true as const } : {}) });
const stepEnd = (id: string, packages?: PackageFingerprint): JournalEvent => ({ event: 'step', phase: 'end', stepId: id, attempt: 1, status: 'applied', ...(packages ? { packages } : {}) });

test('expectedPackages: the newest recorded set, unknown while a package-changing step or a rollback is in flight', () => {
  const table: { name: string; journal: JournalEntry[]; want: { count: number; at: string } | undefined }[] = [
    { name: 'a journal written before fingerprints', journal: entries(start(), stepStart('a'), stepEnd('a')), want: undefined },
    { name: 'the start, steps that change no package after it', journal: entries(start(fp(1)), stepStart('a'), stepEnd('a')), want: { count: 1, at: 'the start of the run' } },
    { name: 'killed inside a package-changing step', journal: entries(start(fp(1)), stepStart('swap', true)), want: undefined },
    { name: 'a package-changing step failed', journal: entries(start(fp(1)), stepStart('swap', true), { event: 'step', phase: 'failed', stepId: 'swap', attempt: 1, error: { code: 'X', message: 'm' } }), want: undefined },
    { name: 'after a package-changing step ended', journal: entries(start(fp(1)), stepStart('swap', true), stepEnd('swap', fp(2)), stepStart('b'), stepEnd('b')), want: { count: 2, at: 'the end of step swap' } },
    { name: 'a rollback started', journal: entries(start(fp(1)), { event: 'rollback', phase: 'start' }), want: undefined },
    { name: 'a malformed fingerprint (the journal is read back from the host)', journal: entries(start({ count: 1, sha256: 'not hex', list: '/x' })), want: undefined },
  ];
  for (const row of table) {
    const got = expectedPackages(row.journal);
    assert.deepEqual(got ? { count: got.fingerprint.count, at: got.at } : undefined, row.want, row.name);
  }
});
