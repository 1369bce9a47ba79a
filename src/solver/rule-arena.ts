/**
 * The package rules in one flat arena, libsolv's layout (src/rules.h: rules side by side, no object per rule):
 * rule k's literals are lits[start[k] … start[k + 1]), and weak[k] is 1 for a strongrecommends rule (weak: disabled
 * when it makes the jobs unsolvable). The solver makes ~100,000 of them for a distribution; as objects each was a
 * Rule and an array, walked by pointer for the unification, the choice rules and the SAT core's clauses.
 */

export interface RuleArena {
  readonly count: number;
  readonly start: Int32Array;
  readonly lits: Int32Array;
  readonly weak: Uint8Array;
}

/** Appends rules; `done` hands out the arena (the builder is not used after it). */
export class RuleArenaBuilder {
  private start: Int32Array = new Int32Array(1 << 12);
  private lits: Int32Array = new Int32Array(1 << 14);
  private weak: Uint8Array = new Uint8Array(1 << 12);
  private count = 0;

  /** Appends a rule of `lits` (its literals as they are: the caller orders them). */
  add(lits: ArrayLike<number>, weak = false): void {
    const k = this.count;
    if (k + 1 >= this.start.length) {
      this.start = growI32(this.start, 2 * this.start.length);
      this.weak = growU8(this.weak, this.start.length);
    }
    const at = this.start[k];
    if (at + lits.length > this.lits.length) this.lits = growI32(this.lits, Math.max(2 * this.lits.length, at + lits.length));
    for (let j = 0; j < lits.length; j++) this.lits[at + j] = lits[j];
    this.start[k + 1] = at + lits.length;
    if (weak) this.weak[k] = 1;
    this.count = k + 1;
  }

  /** A two-literal rule, the most common kind, without an array. */
  add2(a: number, b: number): void {
    const k = this.count;
    if (k + 1 >= this.start.length) {
      this.start = growI32(this.start, 2 * this.start.length);
      this.weak = growU8(this.weak, this.start.length);
    }
    const at = this.start[k];
    if (at + 2 > this.lits.length) this.lits = growI32(this.lits, 2 * this.lits.length);
    this.lits[at] = a;
    this.lits[at + 1] = b;
    this.start[k + 1] = at + 2;
    this.count = k + 1;
  }

  done(): RuleArena {
    return { count: this.count, start: this.start.subarray(0, this.count + 1), lits: this.lits.subarray(0, this.start[this.count]), weak: this.weak.subarray(0, this.count) };
  }
}

/** Rule k's literals as an array (the few places that keep a rule's literals: choice rules, proofs). */
export function ruleLits(a: RuleArena, k: number): number[] {
  return Array.from(a.lits.subarray(a.start[k], a.start[k + 1]));
}

/**
 * solver_unifyrules: the rules sorted by unifyrules_sortcmp, duplicates dropped. ruleCmp orders by the first
 * literal first, so the rules are put in buckets by it (a counting sort over -vars … vars) and only each bucket
 * (the few rules of one package) is sorted by the comparator: the same order as sorting them all, in linear time.
 * Of equal rules the first is kept; it is weak only when every copy is.
 */
export function unifyRules(rules: RuleArena, vars: number): RuleArena {
  const { start, lits } = rules;
  const off = vars + 1;
  const n = rules.count;
  const bucketStart = new Int32Array(2 * off + 2);
  for (let i = 0; i < n; i++) bucketStart[lits[start[i]] + off + 1]++;
  for (let k = 1; k < bucketStart.length; k++) bucketStart[k] += bucketStart[k - 1];
  const order = new Int32Array(n);
  const fill = bucketStart.slice();
  for (let i = 0; i < n; i++) order[fill[lits[start[i]] + off]++] = i;
  const out = new RuleArenaBuilder();
  const cmp = (x: number, y: number): number => ruleCmp(lits, start, x, y);
  const bucket: number[] = [];
  const emit = (i: number, weak: boolean): void => out.add(lits.subarray(start[i], start[i + 1]), weak);
  for (let b = 0; b + 1 < bucketStart.length; b++) {
    const from = bucketStart[b];
    const to = bucketStart[b + 1];
    if (from === to) continue;
    if (to - from === 1) { emit(order[from], rules.weak[order[from]] === 1); continue; }
    bucket.length = 0;
    for (let k = from; k < to; k++) bucket.push(order[k]);
    if (bucket.length <= 16) {
      // a package's few rules: an insertion sort (stable, as Array.prototype.sort)
      for (let k = 1; k < bucket.length; k++) {
        const r = bucket[k];
        let j = k - 1;
        for (; j >= 0 && cmp(bucket[j], r) > 0; j--) bucket[j + 1] = bucket[j];
        bucket[j + 1] = r;
      }
    } else bucket.sort(cmp);
    // equal rules have equal first literals: duplicates are dropped within the bucket
    let kept = bucket[0];
    let weak = rules.weak[kept] === 1;
    for (let k = 1; k < bucket.length; k++) {
      if (cmp(bucket[k - 1], bucket[k]) !== 0) { emit(kept, weak); kept = bucket[k]; weak = rules.weak[kept] === 1; continue; }
      if (rules.weak[bucket[k]] !== 1) weak = false;
    }
    emit(kept, weak);
  }
  return out.done();
}

/** unifyrules_sortcmp over rules x and y of an arena, each as [p, ...rest] (a missing literal reads as 0). */
function ruleCmp(lits: Int32Array, start: Int32Array, x: number, y: number): number {
  const a = start[x];
  const b = start[y];
  const la = start[x + 1] - a;
  const lb = start[y + 1] - b;
  const d = lits[a] - lits[b];
  if (d) return d;
  const a1 = la > 1 ? lits[a + 1] : 0;
  const b1 = lb > 1 ? lits[b + 1] : 0;
  const ad = la <= 2;
  const bd = lb <= 2;
  if (ad && bd) return a1 - b1;
  if (ad) return (a1 - b1) || -1;
  if (bd) return (a1 - b1) || 1;
  for (let k = 1; k < lb; k++) {
    const y2 = (k < la ? lits[a + k] : 0) - lits[b + k];
    if (y2) return y2;
  }
  return lb < la ? lits[a + lb] : 0;
}

function growI32(a: Int32Array, size: number): Int32Array { const b = new Int32Array(size); b.set(a); return b; }
function growU8(a: Uint8Array, size: number): Uint8Array { const b = new Uint8Array(size); b.set(a); return b; }
