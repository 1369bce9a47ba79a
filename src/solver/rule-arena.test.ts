import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleArenaBuilder, ruleLits, unifyRules, type RuleArena } from './rule-arena.js';

function arena(rules: readonly { lits: number[]; weak?: boolean }[]): RuleArena {
  const b = new RuleArenaBuilder();
  for (const r of rules) if (r.lits.length === 2 && !r.weak) b.add2(r.lits[0], r.lits[1]); else b.add(r.lits, r.weak === true);
  return b.done();
}

const rows = (a: RuleArena): { lits: number[]; weak: boolean }[] => Array.from({ length: a.count }, (_, k) => ({ lits: ruleLits(a, k), weak: a.weak[k] === 1 }));

test('unifyRules sorts by unifyrules_sortcmp (first literal, then assertions and binary rules before longer ones) and drops duplicates', () => {
  const got = unifyRules(arena([
    { lits: [-3, 4, 5] }, { lits: [-3, 4] }, { lits: [2] }, { lits: [-3, 4] }, { lits: [-5, -1] }, { lits: [-3] }, { lits: [-3, 4, 5] }, { lits: [-3, 1, 9] },
  ]), 9);
  assert.deepEqual(rows(got).map((r) => r.lits), [[-5, -1], [-3], [-3, 1, 9], [-3, 4], [-3, 4, 5], [2]]);
});

test('unifyRules keeps a rule weak only when every copy of it is', () => {
  const got = unifyRules(arena([{ lits: [-1, 2, 3], weak: true }, { lits: [-1, 2, 3] }, { lits: [-2, 4, 5], weak: true }, { lits: [-2, 4, 5], weak: true }]), 5);
  assert.deepEqual(rows(got), [{ lits: [-2, 4, 5], weak: true }, { lits: [-1, 2, 3], weak: false }]);
});

test('the builder grows past its first blocks, every rule read back as added', () => {
  const b = new RuleArenaBuilder();
  const want: number[][] = [];
  for (let k = 0; k < 10_000; k++) {
    const lits = k % 3 === 0 ? [-(k + 1), k + 2] : [-(k + 1), k + 2, k + 3, k + 4];
    want.push(lits);
    if (lits.length === 2) b.add2(lits[0], lits[1]); else b.add(lits);
  }
  const a = b.done();
  assert.equal(a.count, want.length);
  assert.deepEqual(Array.from({ length: a.count }, (_, k) => ruleLits(a, k)), want);
});
