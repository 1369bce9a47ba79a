/**
 * testsolv's result format (ext/testcase.c testcase_solverresult, `result transaction,problems`): one line per
 * transaction element, `install P`, `erase P [OBSOLETER]`, `upgrade|downgrade|reinstall|change OLD NEW`, and with
 * `recommended` one `recommended P` / `suggested P` per solver_get_recommendations entry, with `cleandeps` one
 * `cleandeps P` per solver_get_cleandeps entry, sorted as testsolv sorts them. Problems are one `problem` line: libsolv's problem and solution texts are not modelled, so
 * a comparison of two unsolvable results compares only that both are unsolvable.
 */
import { solve } from './solve.js';
import { formatSolvable, type JobSet, type Testcase } from './testcase.js';
import type { SolveResult, SolverPool } from './types.js';

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
export function solveTestcase(tc: Testcase): string[] {
  const results = tc.sets.map((set) => solveJobSet(tc, set));
  if (results.length === 1) return results[0];
  return results.flatMap((lines, k) => [`test ${k + 1}:`, ...lines]);
}

/** One job set of a testcase, solved against its pool: the result lines as testsolv prints them for it. */
export function solveJobSet(tc: Testcase, set: JobSet): string[] {
  const recommendations = set.resultTypes.includes('recommended');
  const cleandeps = set.resultTypes.includes('cleandeps');
  const result = solve({ pool: tc.pool, arch: tc.arch, jobs: set.jobs, ignoreRecommended: set.solverFlags.includes('ignorerecommended'), focusInstalled: set.solverFlags.includes('focusinstalled'), focusBest: set.solverFlags.includes('focusbest'), focusNew: set.solverFlags.includes('focusnew'),
    dupAllowDowngrade: !set.solverFlags.includes('!dupallowdowngrade'), dupAllowArchChange: !set.solverFlags.includes('!dupallowarchchange'), recommendations,
    keepExplicitObsoletes: set.solverFlags.includes('keepexplicitobsoletes'), keepOrphans: set.solverFlags.includes('keeporphans'),
    allowUninstall: set.solverFlags.includes('allowuninstall'), yumObsoletes: set.solverFlags.includes('yumobsoletes'),
    implicitObsoleteUsesColors: set.poolFlags.includes('implicitobsoleteusescolors'),
    ...(tc.disabled.length ? { disabled: new Set(tc.disabled), whatprovidesWithDisabled: set.poolFlags.includes('whatprovideswithdisabled') } : {}),
    bestObeyPolicy: set.solverFlags.includes('bestobeypolicy'), noAutoTarget: set.solverFlags.includes('noautotarget'),
    strongRecommends: set.solverFlags.includes('strongrecommends'), strictRepoPriority: set.solverFlags.includes('strictrepopriority'), allowVendorChange: set.solverFlags.includes('allowvendorchange'), reportCleandeps: cleandeps });
  const lines = formatResult(tc.pool, result);
  if (!result.ok || (!recommendations && !cleandeps)) return lines;
  const f = (kind: string, ids: readonly number[] = []): string[] => ids.map((id) => `${kind} ${formatSolvable(tc.pool, id)}`);
  return [...lines, ...f('recommended', result.recommended), ...f('suggested', result.suggested), ...f('cleandeps', result.cleandeps)].sort();
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
