/**
 * A CDCL SAT core: two watched literals per clause, first-UIP conflict analysis, learnt clauses, non-chronological
 * backjumping. Variables are 1 … n, a literal is +v or -v. Decisions come from the caller (the solver's policy),
 * so the first model found is the one the policy prefers, as in libsolv's solver_run_sat.
 *
 * Every learnt clause remembers the clauses it was derived from (libsolv's learnt_why, level-0 reasons included),
 * so that an unsatisfiable search yields its proof: the tags of the original clauses involved
 * (analyze_unsolvable), from which the solver picks a weak rule to disable.
 *
 * Storage is flat, as in libsolv's solver.c: every clause's literals sit in one Int32Array arena, and the watches
 * are lists threaded through Int32Arrays (each clause's two watches are nodes 2ci and 2ci+1); no object or array per clause. A list keeps the order its nodes were appended in.
 */
import { FerryError, assert } from '../core/errors.js';

export class Sat {
  private readonly value: Int8Array; // per variable: 1 true, -1 false, 0 unassigned
  private readonly level: Int32Array;
  private readonly reason: Int32Array; // clause index, -1 for a decision
  // clause ci's literals: lits[start[ci] … start[ci] + len[ci])
  private lits: Int32Array = new Int32Array(1 << 12);
  private litsUsed = 0;
  private start: Int32Array = new Int32Array(1 << 10);
  private len: Int32Array = new Int32Array(1 << 10);
  private nclauses = 0;
  // watch lists per literal index (idx(lit): the clauses whose watched literal -lit is false once lit is true)
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private next: Int32Array = new Int32Array(1 << 11); // per watch node: the next node of its list, -1 at the end
  /** Per clause: the caller's tag (an original clause) or the clauses it was learnt from. */
  private readonly tags: number[] = [];
  /** Per learnt clause (tag -1): the clauses it was learnt from and the level-0 variables it rests on. */
  private readonly learntFrom = new Map<number, { why: number[]; level0: number[] }>();
  private readonly units: number[] = [];
  private started = false;
  /** After solve() returned false: the tags of the original clauses that prove it, ascending. */
  proof: number[] = [];
  private readonly trail: number[] = [];
  private readonly trailLim: number[] = [];
  private qhead = 0;
  private unsat = false;
  conflicts = 0;

  constructor(readonly vars: number) {
    this.value = new Int8Array(vars + 1);
    this.level = new Int32Array(vars + 1);
    this.reason = new Int32Array(vars + 1).fill(-1);
    this.head = new Int32Array(2 * vars + 2).fill(-1);
    this.tail = new Int32Array(2 * vars + 2).fill(-1);
  }

  private static idx(lit: number): number { return lit > 0 ? 2 * lit : -2 * lit + 1; }

  /** 1 true, -1 false, 0 unassigned. */
  valueOf(lit: number): number { const v = this.value[lit > 0 ? lit : -lit]; return lit > 0 ? v : -v; }

  get decisionLevel(): number { return this.trailLim.length; }

  /** The decision level a variable was assigned at (meaningful while it is assigned). */
  levelOf(lit: number): number { return this.level[Math.abs(lit)]; }

  /** Called with the level the search goes back to, before the assignments above it are undone. */
  onBacktrack: ((level: number) => void) | undefined;

  /**
   * After solve() found a model: goes back to `level` and decides `lit` there (libsolv's takebranch); solve()
   * then continues the search from that state.
   */
  branchTo(level: number, lit: number): void {
    assert(this.started && level <= this.decisionLevel, 'a branch is taken in a finished search');
    this.backtrack(level);
    assert(this.valueOf(lit) === 0, `branch ${lit} is already assigned`);
    this.trailLim.push(this.trail.length);
    this.enqueue(lit, -1);
  }

  /** The assigned literals in the order they were assigned (libsolv's decisionq). */
  get assigned(): readonly number[] { return this.trail; }

  /** Adds a clause before solving; `tag` names it in a proof. */
  addClause(lits: ArrayLike<number>, tag = 0): void {
    this.addClauseAt(lits, 0, lits.length, tag);
  }

  /** Adds the clause lits[from … to) (a rule of an arena, read in place). */
  addClauseAt(lits: ArrayLike<number>, from: number, to: number, tag = 0): void {
    assert(!this.started, 'clauses are added before solving');
    const n = to - from;
    let c: ArrayLike<number> | undefined;
    if (n <= 2) {
      // nearly all rules: a tautology or a duplicate is seen at a glance
      if (n === 2 && lits[from] === -lits[from + 1]) return;
      if (n === 2 && lits[from] === lits[from + 1]) c = [lits[from]];
    } else if (n <= 16) {
      // short clauses: duplicates and tautologies found without a Set, and a copy made only when there is a duplicate
      let dup = false;
      for (let k = from + 1; k < to && !dup; k++) {
        for (let j = from; j < k; j++) {
          if (lits[j] === -lits[k]) return; // tautology
          if (lits[j] === lits[k]) { dup = true; break; }
        }
      }
      if (dup) {
        const d: number[] = [];
        for (let k = from; k < to; k++) {
          const l = lits[k];
          if (d.includes(-l)) return; // tautology
          if (!d.includes(l)) d.push(l);
        }
        c = d;
      }
    } else {
      const set = new Set<number>();
      for (let k = from; k < to; k++) {
        const l = lits[k];
        if (set.has(-l)) return; // tautology
        set.add(l);
      }
      c = [...set];
    }
    if (c !== undefined) { from = 0; to = c.length; } else c = lits;
    if (to === from) { this.unsat = true; this.proof = [tag]; return; }
    const ci = this.store(c, from, to, tag);
    if (to - from === 1) this.units.push(ci); else this.watch(ci);
  }

  /** Stores c[from … to) as a new clause. */
  private store(c: ArrayLike<number>, from: number, to: number, origin: number | { why: number[]; level0: number[] }): number {
    const ci = this.nclauses++;
    if (ci === this.start.length) {
      this.start = grow(this.start, 2 * ci);
      this.len = grow(this.len, 2 * ci);
      this.next = grow(this.next, 4 * ci);
    }
    const n = to - from;
    if (this.litsUsed + n > this.lits.length) this.lits = grow(this.lits, Math.max(2 * this.lits.length, this.litsUsed + n));
    const at = this.litsUsed;
    for (let k = 0; k < n; k++) this.lits[at + k] = c[from + k];
    this.litsUsed += n;
    this.start[ci] = at;
    this.len[ci] = n;
    if (typeof origin === 'number') this.tags.push(origin);
    else { this.tags.push(-1); this.learntFrom.set(ci, origin); }
    return ci;
  }

  /** How many clauses the search has learnt so far. */
  get learntCount(): number { return this.learntFrom.size; }

  /** Clause ci's literals as an array (analysis and proofs: not the propagation loop). */
  private clause(ci: number): number[] {
    return Array.from(this.lits.subarray(this.start[ci], this.start[ci] + this.len[ci]));
  }

  private watch(ci: number): void {
    const s = this.start[ci];
    this.append(2 * ci, this.lits[s]);
    this.append(2 * ci + 1, this.lits[s + 1]);
  }

  /** Appends watch node w, watching literal lit, to the end of the list of idx(-lit). */
  private append(w: number, lit: number): void {
    const li = Sat.idx(-lit);
    this.next[w] = -1;
    if (this.tail[li] < 0) this.head[li] = w; else this.next[this.tail[li]] = w;
    this.tail[li] = w;
  }

  /** The clauses behind the level-0 assignments of `vars` (analyze's level-1 pass), added to `out`. */
  private level0Reasons(vars: Set<number>, out: number[]): void {
    if (vars.size === 0) return;
    const pending = new Set(vars);
    for (let i = this.trail.length - 1; i >= 0 && pending.size; i--) {
      const v = Math.abs(this.trail[i]);
      if (!pending.delete(v)) continue;
      const ci = this.reason[v];
      if (ci < 0) continue;
      out.push(ci);
      for (const q of this.clause(ci)) {
        const w = Math.abs(q);
        if (w !== v && this.level[w] === 0) pending.add(w);
      }
    }
  }

  /** analyze_unsolvable: the original clauses behind conflict `confl` at level 0. */
  private prove(confl: number): void {
    const direct = [confl];
    this.level0Reasons(new Set(this.clause(confl).map(Math.abs)), direct);
    const tags = new Set<number>();
    const seen = new Uint8Array(this.nclauses);
    const stack = direct;
    while (stack.length) {
      const ci = stack.pop() as number;
      if (seen[ci]) continue;
      seen[ci] = 1;
      const o = this.learntFrom.get(ci);
      if (!o) { tags.add(this.tags[ci]); continue; }
      stack.push(...o.why);
      // the level-0 assignments a learnt clause rests on: their reasons stay while the search runs (level 0 is never undone)
      const reasons: number[] = [];
      this.level0Reasons(new Set(o.level0), reasons);
      stack.push(...reasons);
    }
    this.proof = [...tags].sort((a, b) => a - b);
  }

  private enqueue(lit: number, reason: number): void {
    const v = lit > 0 ? lit : -lit;
    this.value[v] = lit > 0 ? 1 : -1;
    this.level[v] = this.trailLim.length;
    this.reason[v] = reason;
    this.trail.push(lit);
  }

  /** Unit propagation; the index of a falsified clause, or -1. */
  private propagate(): number {
    const lits = this.lits;
    const value = this.value;
    const next = this.next;
    while (this.qhead < this.trail.length) {
      const lit = this.trail[this.qhead++];
      const li = Sat.idx(lit); // the nodes watching -lit, which is now false
      let prev = -1;
      for (let w = this.head[li]; w >= 0;) {
        const nw = next[w];
        const ci = w >> 1;
        const s = this.start[ci];
        // the false literal goes to position 1, the other watched literal is at 0
        if (lits[s] === -lit) { lits[s] = lits[s + 1]; lits[s + 1] = -lit; }
        const first = lits[s];
        const fv = first > 0 ? value[first] : -value[-first];
        if (fv === 1) { prev = w; w = nw; continue; }
        const end = s + this.len[ci];
        let moved = false;
        for (let k = s + 2; k < end; k++) {
          const q = lits[k];
          if ((q > 0 ? value[q] : -value[-q]) !== -1) {
            lits[s + 1] = q; lits[k] = -lit;
            // unlink w here, append it to the list of the literal it watches now
            if (prev < 0) this.head[li] = nw; else next[prev] = nw;
            if (this.tail[li] === w) this.tail[li] = prev;
            this.append(w, q);
            moved = true;
            break;
          }
        }
        if (moved) { w = nw; continue; }
        if (fv === -1) {
          this.qhead = this.trail.length;
          return ci;
        }
        this.enqueue(first, ci);
        prev = w;
        w = nw;
      }
    }
    return -1;
  }

  private analyze(confl: number): { learnt: number[]; back: number; why: number[]; level0: number[] } {
    const seen = new Uint8Array(this.vars + 1);
    const learnt: number[] = [0];
    const why: number[] = [];
    const level0 = new Set<number>();
    let counter = 0;
    let p = 0;
    let idx = this.trail.length - 1;
    let ci = confl;
    do {
      const s = this.start[ci];
      const end = s + this.len[ci];
      why.push(ci);
      for (let k = p === 0 ? s : s + 1; k < end; k++) {
        const q = this.lits[k];
        const v = Math.abs(q);
        if (this.level[v] === 0) { level0.add(v); continue; }
        if (seen[v]) continue;
        seen[v] = 1;
        if (this.level[v] === this.decisionLevel) counter++; else learnt.push(q);
      }
      while (!seen[Math.abs(this.trail[idx])]) idx--;
      p = this.trail[idx--];
      ci = this.reason[Math.abs(p)];
      seen[Math.abs(p)] = 0;
      counter--;
      if (counter > 0) assert(ci >= 0 && this.lits[this.start[ci]] === p, 'a propagated literal is its reason\'s first literal');
    } while (counter > 0);
    learnt[0] = -p;
    let back = 0;
    let at = 1;
    for (let k = 1; k < learnt.length; k++) if (this.level[Math.abs(learnt[k])] > back) { back = this.level[Math.abs(learnt[k])]; at = k; }
    if (learnt.length > 1) [learnt[1], learnt[at]] = [learnt[at], learnt[1]];
    return { learnt, back, why, level0: [...level0] };
  }
  private backtrack(level: number): void {
    if (this.decisionLevel <= level) return;
    this.onBacktrack?.(level);
    const stop = this.trailLim[level];
    for (let i = this.trail.length - 1; i >= stop; i--) {
      const v = Math.abs(this.trail[i]);
      this.value[v] = 0;
      this.reason[v] = -1;
    }
    this.trail.length = stop;
    this.trailLim.length = level;
    this.qhead = stop;
  }

  /**
   * Searches for a model; `decide` returns the next decision literal (an unassigned one) or 0 once every
   * variable it cares about is assigned. Unassigned variables left then count as false. Called again (after
   * branchTo), it continues the same search.
   */
  solve(decide: (sat: Sat) => number, maxConflicts: number): boolean {
    if (this.unsat) return false;
    if (!this.started) {
      this.started = true;
      for (const ci of this.units) {
        const lit = this.lits[this.start[ci]];
        if (this.valueOf(lit) === -1) { this.prove(ci); this.unsat = true; return false; }
        if (this.valueOf(lit) === 0) this.enqueue(lit, ci);
      }
    }
    for (;;) {
      const confl = this.propagate();
      if (confl >= 0) {
        if (this.decisionLevel === 0) { this.prove(confl); this.unsat = true; return false; }
        if (++this.conflicts > maxConflicts) {
          throw new FerryError('SOLVER_LIMIT', `the solver gave up after ${maxConflicts} conflicts`, {
            hint: 'the problem is too hard for the configured bound; raise maxConflicts or narrow the job',
          });
        }
        const { learnt, back, why, level0 } = this.analyze(confl);
        this.backtrack(back);
        const ci = this.store(learnt, 0, learnt.length, { why, level0 });
        if (learnt.length > 1) this.watch(ci);
        this.enqueue(learnt[0], ci);
        continue;
      }
      const lit = decide(this);
      if (lit === 0) return true;
      assert(this.valueOf(lit) === 0, `decision ${lit} is already assigned`);
      this.trailLim.push(this.trail.length);
      this.enqueue(lit, -1);
    }
  }
}

function grow(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
