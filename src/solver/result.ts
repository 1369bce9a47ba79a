/**
 * testsolv's result format (ext/testcase.c testcase_solverresult, `result transaction,problems`): one line per
 * transaction element, `install P`, `erase P [OBSOLETER]`, `upgrade|downgrade|reinstall|change OLD NEW`, and with
 * `recommended` one `recommended P` / `suggested P` per solver_get_recommendations entry, with `cleandeps` one
 * `cleandeps P` per solver_get_cleandeps entry, sorted as testsolv sorts them. Problems are one `problem` line: libsolv's problem and solution texts are not modelled, so
 * a comparison of two unsolvable results compares only that both are unsolvable.
 */
import { solve } from './solve.js';
import { formatSolvable, type JobSet, type Testcase } from './testcase.js';
import { formatDepId, parseDepId, relOpName, type DepId } from './testdep.js';
import { createHash } from 'node:crypto';
import { FerryError, assert } from '../core/errors.js';
import type { RuleReport, SolveRequest, SolveResult, SolverPool } from './types.js';

export interface SolveTestcaseOptions {
  /** Passed to the solver (SolveRequest.onPhase): the time of each phase of each job set's solve. */
  readonly onPhase?: SolveRequest['onPhase'];
}

/** The marker line of an unsolvable result. */
export const PROBLEM_LINE = 'problem (unsolvable)';

export function formatResult(pool: SolverPool, result: SolveResult): string[] {
  if (!result.ok) return [PROBLEM_LINE];
  const f = (id: number): string => formatSolvable(pool, id);
  const lines = result.steps.map((s) => {
    switch (s.kind) {
      case 'install': return `install ${f(s.id)}`;
      case 'erase': return s.by === undefined ? `erase ${f(s.id)}` : `erase ${f(s.id)} ${f(s.by)}`;
      default: return `${s.kind} ${f(s.from)} ${f(s.to)}`;
    }
  });
  return lines.sort();
}

/**
 * Solves each job set of a testcase; the result lines as testsolv prints them (after a `test N:` line per set
 * when there are several).
 */
export function solveTestcase(tc: Testcase, options: SolveTestcaseOptions = {}): string[] {
  let kept: readonly number[] | undefined;
  const results = tc.sets.map((set, k) => {
    const run = runJobSet(tc, set, { considerAlso: set.reuseSolver ? kept : undefined, keep: tc.sets[k + 1]?.reuseSolver === true, ...options });
    kept = run.considered;
    return run.lines;
  });
  if (results.length === 1) return results[0];
  return results.flatMap((lines, k) => [`test ${k + 1}:`, ...lines]);
}

/**
 * One job set of a testcase, solved against its pool: the result lines as testsolv prints them for its result
 * types (transaction and problems when it names none).
 */
export function solveJobSet(tc: Testcase, set: JobSet, options: SolveTestcaseOptions = {}): string[] {
  return runJobSet(tc, set, options).lines;
}

/**
 * A job set's result lines; `considerAlso`: the packages a reused solver has rules for; `keep`: also return the
 * packages this solve made rules for (the next set reuses the solver).
 */
function runJobSet(tc: Testcase, set: JobSet, o: { considerAlso?: readonly number[]; keep?: boolean } & SolveTestcaseOptions): { lines: string[]; considered?: readonly number[] } {
  const types = set.resultTypes.length ? set.resultTypes : ['transaction', 'problems'];
  const lines: string[] = [];
  let considered: readonly number[] | undefined;
  if (types.some((t) => t === 'transaction' || t === 'problems' || t === 'recommended' || t === 'cleandeps' || t === 'rules') || o.keep) {
    const solved = solvedLines(tc, set, types, o);
    lines.push(...solved.lines);
    considered = solved.considered;
  }
  if (types.includes('genid')) lines.push(...set.genids.flatMap(genidLines));
  return { lines: lines.sort(), considered };
}

function solvedLines(tc: Testcase, set: JobSet, types: readonly string[], o: { considerAlso?: readonly number[]; keep?: boolean } & SolveTestcaseOptions): { lines: string[]; considered?: readonly number[] } {
  const recommendations = types.includes('recommended');
  const cleandeps = types.includes('cleandeps');
  const rules = types.includes('rules');
  const result = solve({ ...(o.considerAlso ? { considerAlso: o.considerAlso } : {}), ...(rules || o.keep ? { rules: true } : {}), pool: tc.pool, arch: tc.arch, jobs: set.jobs, ignoreRecommended: set.solverFlags.includes('ignorerecommended'), focusInstalled: set.solverFlags.includes('focusinstalled'), focusBest: set.solverFlags.includes('focusbest'), focusNew: set.solverFlags.includes('focusnew'),
    dupAllowDowngrade: !set.solverFlags.includes('!dupallowdowngrade'), dupAllowArchChange: !set.solverFlags.includes('!dupallowarchchange'), recommendations,
    keepExplicitObsoletes: set.solverFlags.includes('keepexplicitobsoletes'), keepOrphans: set.solverFlags.includes('keeporphans'),
    allowUninstall: set.solverFlags.includes('allowuninstall'), yumObsoletes: set.solverFlags.includes('yumobsoletes'),
    implicitObsoleteUsesColors: set.poolFlags.includes('implicitobsoleteusescolors'),
    ...(tc.disabled.length ? { disabled: new Set(tc.disabled), whatprovidesWithDisabled: set.poolFlags.includes('whatprovideswithdisabled') } : {}),
    bestObeyPolicy: set.solverFlags.includes('bestobeypolicy'), noAutoTarget: set.solverFlags.includes('noautotarget'),
    strongRecommends: set.solverFlags.includes('strongrecommends'), strictRepoPriority: set.solverFlags.includes('strictrepopriority'), allowVendorChange: set.solverFlags.includes('allowvendorchange'), reportCleandeps: cleandeps,
    ...(o.onPhase ? { onPhase: o.onPhase } : {}) });
  const lines = types.includes('transaction') || types.includes('problems') ? formatResult(tc.pool, result) : [];
  if (rules) lines.push(...ruleLines(tc.pool, result.rules));
  const considered = result.rules?.considered;
  if (!result.ok || (!recommendations && !cleandeps)) return { lines, considered };
  const f = (kind: string, ids: readonly number[] = []): string[] => ids.map((id) => `${kind} ${formatSolvable(tc.pool, id)}`);
  return { lines: [...lines, ...f('recommended', result.recommended), ...f('suggested', result.suggested), ...f('cleandeps', result.cleandeps)], considered };
}

/** The rule classes ruleLines writes; the others (update, feature, dup, best, …) are laid out otherwise in libsolv. */
const RULE_CLASSES: ReadonlySet<string> = new Set(['pkg', 'job', 'choice']);

/**
 * `result rules` (testcase_solverresult): per rule and literal `rule CLASS ID  P` or `rule CLASS ID -P`, ID the
 * md5 of the rule's sorted, distinct literals (`P` or `!P`, each NUL-terminated: testcase_ruleid). Learnt rules,
 * an installed repository's update and feature rules and the other classes throw SOLVER_UNSUPPORTED.
 */
export function ruleLines(pool: SolverPool, report: RuleReport | undefined): string[] {
  assert(report !== undefined, 'a solve asked for its rules reports them');
  if (report.learnt) throw new FerryError('SOLVER_UNSUPPORTED', `result rules after the search learnt ${report.learnt} rule(s): Ferry's CDCL learns other rules than libsolv`);
  if (pool.installedRepo !== undefined && report.considered.some((id) => pool.solvable(id).repo === pool.installedRepo)) {
    throw new FerryError('SOLVER_UNSUPPORTED', 'result rules with an installed repository (libsolv\'s feature and update rule layout is not modelled)');
  }
  const lines: string[] = [];
  for (const r of report.rules) {
    if (!RULE_CLASSES.has(r.kind)) throw new FerryError('SOLVER_UNSUPPORTED', `result rules with ${r.kind} rules`);
    if (r.literals.length === 0) throw new FerryError('SOLVER_UNSUPPORTED', `result rules with an empty ${r.kind} rule (libsolv's -SYSTEMSOLVABLE)`);
    const names = r.literals.map((l) => ({ sign: l.installed ? ' ' : '-', text: formatSolvable(pool, l.id) }));
    const md5 = createHash('md5');
    for (const t of [...new Set(names.map((n) => (n.sign === '-' ? `!${n.text}` : n.text)))].sort()) md5.update(`${t}\0`);
    const id = md5.digest('hex');
    for (const n of names) lines.push(`rule ${r.kind} ${id} ${n.sign}${n.text}`);
  }
  return lines;
}

/**
 * `result genid` of one noop provides job (testcase_solverresult): the dependency as testcase_dep2str writes it,
 * a roundtrip error when testcase_str2dep reads that text back to other ids, and the ids one per line
 * (dump_genid: operands before their relation, numbered from 1).
 */
export function genidLines(id: DepId): string[] {
  const text = formatDepId(id);
  const lines = [`genid dep ${text}`];
  let back: DepId;
  try {
    back = parseDepId(text);
  } catch {
    back = null;
  }
  if (JSON.stringify(back) !== JSON.stringify(id)) lines.push(`genid roundtrip error: ${formatDepId(back)}`);
  let n = 1;
  const dump = (d: DepId): void => {
    if (d !== null && 'flags' in d) {
      dump(d.name);
      dump(d.evr);
      lines.push(`genid ${String(n++).padStart(2)}: genid op ${relOpName(d.flags) ?? 'unknown'}`);
    } else lines.push(`genid ${String(n++).padStart(2)}: genid ${d === null ? 'null' : `lit ${d.lit}`}`);
  };
  dump(id);
  return lines;
}

const TEST_HEADER = /^test \d+:$/;

/**
 * Reduces testsolv's own result lines to what formatResult models, per job set: every `problem …` line becomes
 * one marker, the rest is sorted.
 */
export function normaliseReference(lines: readonly string[]): string[] {
  const one = (part: readonly string[]): string[] => {
    if (part.some((l) => l.startsWith('problem '))) return [PROBLEM_LINE];
    return part.filter((l) => l.trim() !== '').sort();
  };
  if (!lines.some((l) => TEST_HEADER.test(l))) return one(lines);
  const out: string[] = [];
  let part: string[] = [];
  for (const l of lines) {
    if (!TEST_HEADER.test(l)) { part.push(l); continue; }
    if (out.length) out.push(...one(part));
    out.push(l);
    part = [];
  }
  out.push(...one(part));
  return out;
}
