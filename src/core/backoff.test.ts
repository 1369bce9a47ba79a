import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from './backoff.js';

test('backoffDelay: doubles per attempt, jitter keeps it within [half, full) (fleet collection retries)', () => {
  const rows: [number, number, number][] = [[1, 0, 500], [1, 0.999, 1000], [2, 0, 1000], [3, 0.5, 3000]];
  for (const [attempt, r, want] of rows) assert.equal(backoffDelay(attempt, { baseMs: 1000, random: () => r }), want, `attempt ${attempt} r ${r}`);
});

test('backoffDelay doubles up to its cap (the reboot wait, no jitter)', () => {
  const c = { baseMs: 500, maxMs: 3000 };
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffDelay(n, c)), [500, 1000, 2000, 3000, 3000]);
});
