// Hostile input to the depsolver: a dependency cycle, 100,000 providers of one capability, malformed and
// explosive rich dependencies. Each finishes in bounded time with an answer (the same as testsolv's, when testsolv
// is installed) or a clear FerryError. The time bounds are generous: they catch a hang, not a slowdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError } from '../core/errors.js';
import { MAX_RICH_DEPTH, parseDep } from '../rpm/deps.js';
import { skipUnlessTools } from '../../test/support/shared.js';
import { testsolvResult, writeScenario } from '../../test/support/testsolv.js';
import { solveTestcase } from './result.js';
import { parseTestcase } from './testcase.js';

const BOUND_MS = 60_000;
const haveTestsolv = !skipUnlessTools('testsolv');

function testcase(system: string[], available: string[], jobs: string[]): string {
  return ['repo system 0 testtags <inline>', ...system.map((l) => `#>${l}`),
    'repo available 0 testtags <inline>', ...available.map((l) => `#>${l}`),
    'system x86_64 rpm system', ...jobs, 'result transaction,problems <inline>', ''].join('\n');
}

/** Ferry's result and its time; testsolv's result on the same text when testsolv is installed. */
function solveBoth(name: string, text: string): { mine: string[]; ms: number; ref: string[] | undefined } {
  const t0 = Date.now();
  const mine = solveTestcase(parseTestcase(text, `${name}.t`));
  const ms = Date.now() - t0;
  if (!haveTestsolv) return { mine, ms, ref: undefined };
  const dir = mkdtempSync(join(tmpdir(), 'ferry-hostile-'));
  try {
    return { mine, ms, ref: testsolvResult(writeScenario(dir, `${name}.t`, text)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a 1,000-package requires cycle installs the whole cycle', () => {
  const n = 1000;
  const pkgs = Array.from({ length: n }, (_, i) => [`=Pkg: C${i} 1 1 noarch`, `=Req: C${(i + 1) % n}`]).flat();
  const { mine, ms, ref } = solveBoth('cycle', testcase([], pkgs, ['job install name C0']));
  assert.equal(mine.length, n);
  assert.ok(mine.includes('install C0-1-1.noarch@available') && mine.includes(`install C${n - 1}-1-1.noarch@available`));
  if (ref) assert.deepEqual(mine, ref);
  assert.ok(ms < BOUND_MS, `the cycle took ${ms} ms`);
});

test('a cycle of mutual obsoletes and requires between installed packages updates both', () => {
  const text = testcase(['=Pkg: A 1 1 noarch', '=Req: B', '=Pkg: B 1 1 noarch', '=Req: A'],
    ['=Pkg: A 2 1 noarch', '=Req: B', '=Obs: B < 2', '=Pkg: B 2 1 noarch', '=Req: A', '=Obs: A < 2'],
    ['job update all packages']);
  const { mine, ref } = solveBoth('obscycle', text);
  assert.deepEqual(mine, ['upgrade A-1-1.noarch@system A-2-1.noarch@available', 'upgrade B-1-1.noarch@system B-2-1.noarch@available']);
  if (ref) assert.deepEqual(mine, ref);
});

test('100,000 packages providing one capability: one provider is installed, in bounded time', () => {
  const n = 100_000;
  const pkgs = ['=Pkg: X 1 1 noarch', '=Req: P'];
  for (let i = 0; i < n; i++) pkgs.push(`=Pkg: P${String(i).padStart(6, '0')} 1 1 noarch`, '=Prv: P');
  const { mine, ms, ref } = solveBoth('providers', testcase([], pkgs, ['job install name X']));
  assert.equal(mine.length, 2);
  assert.ok(mine.includes('install X-1-1.noarch@available'));
  assert.match(mine.find((l) => !l.includes('X-1')) ?? '', /^install P\d{6}-1-1\.noarch@available$/);
  if (ref) assert.deepEqual(mine, ref);
  assert.ok(ms < BOUND_MS, `100,000 providers took ${ms} ms`);
});

test('a rich dependency whose expansion explodes is a clear SOLVER_LIMIT, not a hang', () => {
  // (A0 & B0) | … | (A19 & B19) has 2^20 CNF clauses; testsolv 0.7.23 takes over a minute on it
  const terms = Array.from({ length: 20 }, (_, i) => `(A${i} & B${i})`).join(' | ');
  const pkgs = ['=Pkg: X 1 1 noarch', `=Req: (${terms})`];
  for (let i = 0; i < 20; i++) pkgs.push(`=Pkg: A${i} 1 1 noarch`, `=Pkg: B${i} 1 1 noarch`);
  const tc = parseTestcase(testcase([], pkgs, ['job install name X']), 'explode.t');
  const t0 = Date.now();
  assert.throws(() => solveTestcase(tc), (err) => isFerryError(err, 'SOLVER_LIMIT') && /\(A0 and B0\) or .* expands to more than 10000 clauses/.test(err.message));
  assert.ok(Date.now() - t0 < BOUND_MS);
});

test('malformed rich dependencies are errors naming the input and where', () => {
  const deep = `${'('.repeat(100_000)}A${')'.repeat(100_000)}`;
  const rows: [string, () => unknown, string, RegExp][] = [
    ['unterminated (testcase)', () => parseTestcase(testcase([], ['=Pkg: X 1 1 noarch', '=Req: (A | (B & C'], []), 'bad.t'), 'TESTCASE_INVALID', /bad\.t:4: dependency "\(A \| \(B & C" misses a "\)"/],
    ['100,000 nested parentheses (testcase)', () => parseTestcase(testcase([], ['=Pkg: X 1 1 noarch', `=Req: ${deep}`], []), 'deep.t'), 'TESTCASE_INVALID', new RegExp(`deep\\.t:4: .* nests deeper than ${MAX_RICH_DEPTH} levels`)],
    ['100,000 nested parentheses (rpm)', () => parseDep(deep), 'DEP_PARSE', new RegExp(`nests deeper than ${MAX_RICH_DEPTH} levels at position ${MAX_RICH_DEPTH}`)],
    ['an unknown operator (rpm)', () => parseDep('(a xor b)'), 'DEP_PARSE', /unknown rich dependency operator "xor" at position 3/],
    ['a missing operand (rpm)', () => parseDep('(a and )'), 'DEP_PARSE', /missing operand after "and"/],
  ];
  for (const [what, run, code, message] of rows) {
    const t0 = Date.now();
    assert.throws(run, (err) => isFerryError(err, code as 'DEP_PARSE') && message.test(err.message), what);
    assert.ok(Date.now() - t0 < BOUND_MS, what);
  }
  // just below the bound still parses
  const ok = `${'('.repeat(MAX_RICH_DEPTH)}a or b${')'.repeat(MAX_RICH_DEPTH)}`;
  assert.equal(parseDep(ok).type, 'or');
});
