/**
 * A CDCL SAT core: two watched literals per clause, first-UIP conflict analysis, learnt clauses, non-chronological
 * backjumping. Variables are 1 … n, a literal is +v or -v. Decisions come from the caller (the solver's policy),
 * so the first model found is the one the policy prefers, as in libsolv's solver_run_sat.
 *
 * Every learnt clause remembers the clauses it was derived from (libsolv's learnt_why, level-0 reasons included),
 * so that an unsatisfiable search yields its proof: the tags of the original clauses involved
 * (analyze_unsolvable), from which the solver picks a weak rule to disable.
 */
import { FerryError, assert } from '../core/errors.js';

export class Sat {
  private readonly value: Int8Array; // per variable: 1 true, -1 false, 0 unassigned
  private readonly level: Int32Array;
  private readonly reason: Int32Array; // clause index, -1 for a decision
  private readonly watches: number[][]; // per literal index: clauses watching that literal
  readonly clauses: number[][] = [];
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
    this.watches = Array.from({ length: 2 * vars + 2 }, () => []);
  }

  private static idx(lit: number): number { return lit > 0 ? 2 * lit : -2 * lit + 1; }

  /** 1 true, -1 false, 0 unassigned. */
  valueOf(lit: number): number { const v = this.value[Math.abs(lit)]; return lit > 0 ? v : -v; }

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
  addClause(lits: readonly number[], tag = 0): void {
    assert(!this.started, 'clauses are added before solving');
    let c: number[];
    if (lits.length <= 16) {
      // short clauses (nearly all): duplicates and tautologies found without a Set
      c = [];
      for (const l of lits) {
        if (c.includes(-l)) return; // tautology
        if (!c.includes(l)) c.push(l);
      }
    } else {
      const set = new Set<number>();
      for (const l of lits) {
        if (set.has(-l)) return; // tautology
        set.add(l);
      }
      c = [...set];
    }
    if (c.length === 0) { this.unsat = true; this.proof = [tag]; return; }
    const ci = this.store(c, tag);
    if (c.length === 1) this.units.push(ci); else this.watch(ci);
  }

  private store(c: number[], origin: number | { why: number[]; level0: number[] }): number {
    this.clauses.push(c);
    const ci = this.clauses.length - 1;
    if (typeof origin === 'number') this.tags.push(origin);
    else { this.tags.push(-1); this.learntFrom.set(ci, origin); }
    return ci;
  }

  private watch(ci: number): void {
    const c = this.clauses[ci];
    this.watches[Sat.idx(-c[0])].push(ci);
    this.watches[Sat.idx(-c[1])].push(ci);
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
      for (const q of this.clauses[ci]) {
        const w = Math.abs(q);
        if (w !== v && this.level[w] === 0) pending.add(w);
      }
    }
  }

  /** analyze_unsolvable: the original clauses behind conflict `confl` at level 0. */
  private prove(confl: number): void {
    const direct = [confl];
    this.level0Reasons(new Set(this.clauses[confl].map(Math.abs)), direct);
    const tags = new Set<number>();
    const seen = new Uint8Array(this.clauses.length);
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
    const v = Math.abs(lit);
    this.value[v] = lit > 0 ? 1 : -1;
    this.level[v] = this.decisionLevel;
    this.reason[v] = reason;
    this.trail.push(lit);
  }

  /** Unit propagation; the index of a falsified clause, or -1. */
  private propagate(): number {
    while (this.qhead < this.trail.length) {
      const lit = this.trail[this.qhead++];
      const ws = this.watches[Sat.idx(lit)]; // clauses in which -lit is watched and now false
      let j = 0;
      for (let i = 0; i < ws.length; i++) {
        const ci = ws[i];
        const c = this.clauses[ci];
        if (c[0] === -lit) { c[0] = c[1]; c[1] = -lit; }
        if (this.valueOf(c[0]) === 1) { ws[j++] = ci; continue; }
        let moved = false;
        for (let k = 2; k < c.length; k++) {
          if (this.valueOf(c[k]) !== -1) {
            c[1] = c[k]; c[k] = -lit;
            this.watches[Sat.idx(-c[1])].push(ci);
            moved = true;
            break;
          }
        }
        if (moved) continue;
        ws[j++] = ci;
        if (this.valueOf(c[0]) === -1) {
          while (++i < ws.length) ws[j++] = ws[i];
          ws.length = j;
          this.qhead = this.trail.length;
          return ci;
        }
        this.enqueue(c[0], ci);
      }
      ws.length = j;
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
      const c = this.clauses[ci];
      why.push(ci);
      for (let k = p === 0 ? 0 : 1; k < c.length; k++) {
        const q = c[k];
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
      if (counter > 0) assert(ci >= 0 && this.clauses[ci][0] === p, 'a propagated literal is its reason\'s first literal');
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
        const lit = this.clauses[ci][0];
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
        const ci = this.store(learnt, { why, level0 });
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
