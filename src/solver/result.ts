/**
 * testsolv's result format (ext/testcase.c testcase_solverresult, `result transaction,problems`): one line per
 * transaction element, `install P`, `erase P [OBSOLETER]`, `upgrade|downgrade|reinstall|change OLD NEW`, sorted as
 * testsolv sorts them. Problems are one `problem` line: libsolv's problem and solution texts are not modelled, so
 * a comparison of two unsolvable results compares only that both are unsolvable.
 */
import { solve } from './solve.js';
import { formatSolvable, type Testcase } from './testcase.js';
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

/** Solves a testcase's (first) job set; the result lines as testsolv prints them. */
export function solveTestcase(tc: Testcase): string[] {
  return formatResult(tc.pool, solve({ pool: tc.pool, arch: tc.arch, jobs: tc.jobs }));
}

/** Reduces testsolv's own result lines to what formatResult models: every `problem …` line becomes one marker. */
export function normaliseReference(lines: readonly string[]): string[] {
  if (lines.some((l) => l.startsWith('problem '))) return [PROBLEM_LINE];
  return lines.filter((l) => l.trim() !== '').sort();
}
