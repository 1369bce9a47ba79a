/**
 * `result proof` (ext/testcase.c testcase_solverresult, src/decision.c solver_get_proof) for a problem libsolv finds
 * before its first choice: the rules' assertions decided in rule order (makeruledecisions), unit propagation over
 * libsolv's two watched literals in its own list order (src/solver.c makewatches, propagate), the conflicting rule,
 * and analyze_unsolvable's walk back over the decisions it rests on. The proof lists those rules in decision order,
 * each with the literal it made true (`-->`), the conflicting rule last. A problem that needs a choice (a learnt
 * rule), a second problem, weak rules or other rule classes than package and job rules throws SOLVER_UNSUPPORTED.
 */
import { createHash } from 'node:crypto';
import { FerryError } from '../core/errors.js';
import type { SolverRule } from './types.js';

export interface ProofStep {
  /** The rule's index in `rules`. */
  readonly rule: number;
  /** The literal the rule made true (solvable id + 1, negative for not installed); 0 for the conflicting rule. */
  readonly truelit: number;
}

type Lit = number;
const unsupported = (what: string): FerryError => new FerryError('SOLVER_UNSUPPORTED', `result proof ${what}`);

/** libsolv literals of a rule (solvable id + 1, negative when not installed), in the rule's own order. */
function lits(r: SolverRule): Lit[] {
  return r.literals.map((l) => (l.installed ? l.id + 1 : -(l.id + 1)));
}

/**
 * The proof of the first problem, over the rules in libsolv's order (package rules unified, then job rules);
 * `disabled` rules take no part (the rules of problems found before).
 */
function firstConflict(rules: readonly SolverRule[], disabled: ReadonlySet<number>): { queue: { lit: Lit; why: number }[]; conflict: number } | undefined {
  const value = new Map<number, number>();
  const truth = (l: Lit): number | undefined => { const v = value.get(Math.abs(l)); return v === undefined ? undefined : v === Math.sign(l) ? 1 : -1; };
  const queue: { lit: Lit; why: number }[] = [];
  const decide = (l: Lit, why: number): void => { value.set(Math.abs(l), Math.sign(l)); queue.push({ lit: l, why }); };
  const L = rules.map(lits);
  // makeruledecisions: the assertions in rule order
  for (let i = 0; i < L.length; i++) {
    if (disabled.has(i) || L[i].length !== 1) continue;
    const t = truth(L[i][0]);
    if (t === -1) throw unsupported('of conflicting assertions (makeruledecisions)');
    if (t === undefined) decide(L[i][0], i);
  }
  // makewatches: each list in rule order (rules linked in at the head, last rule first)
  const w1 = L.map((l) => l[0]);
  const w2 = L.map((l) => l[1] ?? 0);
  const n1 = new Int32Array(L.length).fill(-1);
  const n2 = new Int32Array(L.length).fill(-1);
  const head = new Map<Lit, number>();
  const first = (l: Lit): number => head.get(l) ?? -1;
  for (let i = L.length - 1; i >= 0; i--) {
    if (disabled.has(i) || !w2[i]) continue;
    n1[i] = first(w1[i]); head.set(w1[i], i);
    n2[i] = first(w2[i]); head.set(w2[i], i);
  }
  const setNext = (r: number, l: Lit, next: number): void => { if (l === w1[r]) n1[r] = next; else n2[r] = next; };
  for (let idx = 0; idx < queue.length;) {
    const pkg = -queue[idx++].lit;
    let prev = -1;
    for (let r = first(pkg); r >= 0;) {
      const onW1 = pkg === w1[r];
      const next = onW1 ? n1[r] : n2[r];
      const other = onW1 ? w2[r] : w1[r];
      if (truth(other) === 1) { prev = r; r = next; continue; }
      if (L[r].length > 2) {
        const p0 = L[r][0];
        let p = p0 !== other && truth(p0) !== -1 ? p0 : 0;
        if (!p) for (const q of L[r].slice(1)) if (q !== other && truth(q) !== -1) { p = q; break; }
        if (p) {
          // the watch moves to p: out of pkg's list, in at the head of p's
          if (onW1) { w1[r] = p; n1[r] = first(p); } else { w2[r] = p; n2[r] = first(p); }
          head.set(p, r);
          if (prev < 0) head.set(pkg, next); else setNext(prev, pkg, next);
          r = next;
          continue;
        }
      }
      if (truth(other) === -1) return { queue, conflict: r };
      decide(other, r);
      prev = r;
      r = next;
    }
  }
  return undefined;
}

/** analyze_unsolvable and solver_get_proof: the conflict's rules in decision order, each with its true literal. */
export function proveUnsolvable(rules: readonly SolverRule[]): { steps: ProofStep[]; problemRules: number[] } {
  if (rules.some((r) => r.kind !== 'pkg' && r.kind !== 'job')) throw unsupported(`with ${rules.find((r) => r.kind !== 'pkg' && r.kind !== 'job')?.kind} rules`);
  const found = firstConflict(rules, new Set());
  if (!found) throw unsupported('of a problem found after a choice (libsolv learns rules for it)');
  const { queue, conflict } = found;
  const L = rules.map(lits);
  const pool: number[] = [conflict];
  const involved = new Set(L[conflict].map(Math.abs));
  const isTrue = new Map(queue.map((d) => [Math.abs(d.lit), Math.sign(d.lit)]));
  for (let idx = queue.length - 1; idx >= 0; idx--) {
    const v = Math.abs(queue[idx].lit);
    if (!involved.has(v)) continue;
    const why = queue[idx].why;
    pool.push(why);
    for (const l of L[why]) if (isTrue.get(Math.abs(l)) !== Math.sign(l)) involved.add(Math.abs(l));
  }
  // solver_get_proof: each rule's true literal is the one whose variable an earlier (later decided) rule saw false
  const seen = new Map<number, boolean>();
  const steps: ProofStep[] = [];
  pool.forEach((rid, k) => {
    let truelit = 0;
    for (const p of L[rid]) {
      const vv = Math.abs(p);
      if (seen.has(vv)) { if ((p > 0) === seen.get(vv)) truelit = p; } else seen.set(vv, p < 0);
    }
    if (!truelit && k > 0) throw unsupported('whose rule made nothing true');
    steps.push({ rule: rid, truelit });
  });
  steps.reverse();
  // the problem's job rules are disabled and the solver goes on: a second conflict is a second problem
  const problemRules = [...new Set(pool)];
  const jobs = new Set(problemRules.filter((r) => rules[r].kind === 'job'));
  if (firstConflict(rules, jobs)) throw unsupported('of more than one problem');
  return { steps, problemRules };
}

/** testcase_problemid: 4 bytes of the md5 of the problem's sorted, distinct rule ids. */
export function problemId(ruleIds: readonly string[]): string {
  const md5 = createHash('md5');
  for (const id of [...new Set(ruleIds)].sort()) md5.update(`${id}\0`);
  return md5.digest('hex').slice(0, 8);
}
