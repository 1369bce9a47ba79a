import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isFerryError } from '../core/errors.js';
import { Sat } from './sat.js';
import { formatSolvable, parseTestcase, readTestcase, writeTestcase, type TestcasePackage } from './testcase.js';
import { formatTestcaseDep, parseTestcaseDep } from './testdep.js';
import type { Solvable } from './types.js';

const CASES = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'test-vectors', 'libsolv-testcases');

const SIMPLE = `repo system 0 testtags <inline>
#>=Pkg: A 1 1 noarch
repo test 0 testtags <inline>
#>=Pkg: X 1:2 3 x86_64
#>=Req: Y >= 1
#>=Req: (B | C)
#>=Obs: A < 2
#>=Pkg: B 1 1 noarch
#>=Prv: Y = 2
system x86_64 rpm system
job install name X
job erase pkg A-1-1.noarch@system
result transaction,problems <inline>
#>install X-1:2-3.x86_64@test
`;

test('the testcase reader builds the pool, jobs and result of a testtags case', () => {
  const tc = parseTestcase(SIMPLE, 'simple.t');
  assert.equal(tc.pool.count, 3);
  assert.equal(tc.pool.installedRepo, 0);
  assert.equal(tc.arch, 'x86_64');
  assert.equal(formatSolvable(tc.pool, 1), 'X-1:2-3.x86_64@test');
  assert.deepEqual(tc.pool.whatprovides({ type: 'simple', name: 'Y', flags: 'GE', evr: { epoch: 0, version: '1' } }), [2]);
  assert.deepEqual(tc.pool.whatprovides({ type: 'simple', name: 'Y', flags: 'GT', evr: { epoch: 0, version: '3' } }), []);
  assert.deepEqual(tc.pool.named('B'), [2]);
  assert.equal(tc.pool.solvable(1).requires[1].type, 'or');
  assert.deepEqual(tc.jobs, [
    { command: 'install', select: { kind: 'name', name: 'X' } },
    { command: 'erase', select: { kind: 'pkg', id: 0 } },
  ]);
  assert.deepEqual(tc.result, ['install X-1:2-3.x86_64@test']);
  assert.deepEqual(tc.unsupported, []);
});

const MALFORMED: [string, string, RegExp][] = [
  ['unknown command', 'frobnicate x\n', /bad\.t:1: unknown testcase command "frobnicate"/],
  ['malformed rich dep', 'repo r 0 testtags <inline>\n#>=Pkg: A 1 1 noarch\n#>=Req: (B |\n', /bad\.t:3: dependency "\(B \|"/],
  ['rpm rich syntax, which testsolv does not read', 'repo r 0 testtags <inline>\n#>=Pkg: A 1 1 noarch\n#>=Req: (B or C)\n', /bad\.t:3: dependency "\(B or C\)" has no operator/],
  ['short =Pkg:', 'repo r 0 testtags <inline>\n#>=Pkg: A 1\n', /bad\.t:2: =Pkg: needs/],
  ['bad priority', 'repo r x testtags <inline>\n', /bad\.t:1: repo priority "x"/],
  ['unknown package in a job', 'repo r 0 empty\njob install pkg Z-1-1.noarch@r\n', /bad\.t:2: job names package "Z-1-1.noarch@r"/],
  ['unclosed block', 'repo r 0 testtags <inline>\n#>=Pkg: A 1 1 noarch\n#>+Req:\n#>B\n', /\+Req: block is not closed/],
];

for (const [what, text, message] of MALFORMED) {
  test(`a malformed testcase throws TESTCASE_INVALID with file:line: ${what}`, () => {
    assert.throws(() => parseTestcase(text, 'bad.t'), (err) => isFerryError(err, 'TESTCASE_INVALID') && message.test(err.message));
  });
}

test('features the solver does not model are listed, not dropped', () => {
  const tc = parseTestcase('repo r 0 empty\nsolverflags urpmreorder\njob noop all packages\nresult reason <inline>\ndisable repo r\n', 't.t');
  assert.deepEqual(tc.unsupported, ['line 2: solverflags urpmreorder', 'line 3: job noop', 'line 4: result reason', 'line 5: disable repo r']);
});

test('every libsolv testcase is read without error', { skip: !existsSync(CASES) && 'no ../shared' }, () => {
  const files = readdirSync(CASES).filter((d) => statSync(join(CASES, d)).isDirectory())
    .flatMap((d) => readdirSync(join(CASES, d)).filter((f) => f.endsWith('.t')).map((f) => join(CASES, d, f)));
  assert.ok(files.length > 100, `only ${files.length} testcases`);
  let supported = 0;
  for (const f of files) if (readTestcase(f).unsupported.length === 0) supported++;
  console.log(`libsolv testcases read: ${files.length}, using only the modelled subset: ${supported}`);
  assert.ok(supported >= 30, `only ${supported} cases use just the modelled subset`);
});

// The SAT core with the trivial decision "first unassigned variable, false first".
function solveCnf(vars: number, clauses: number[][], maxConflicts = 10_000): boolean[] | undefined {
  const sat = new Sat(vars);
  for (const c of clauses) sat.addClause(c);
  const ok = sat.solve((s) => { for (let v = 1; v <= vars; v++) if (s.valueOf(v) === 0) return -v; return 0; }, maxConflicts);
  if (!ok) return undefined;
  return Array.from({ length: vars + 1 }, (_, v) => v > 0 && sat.valueOf(v) === 1);
}

function pigeonhole(n: number): { vars: number; clauses: number[][] } {
  const v = (p: number, h: number): number => p * (n - 1) + h + 1; // n pigeons, n-1 holes
  const clauses: number[][] = [];
  for (let p = 0; p < n; p++) clauses.push(Array.from({ length: n - 1 }, (_, h) => v(p, h)));
  for (let h = 0; h < n - 1; h++) for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) clauses.push([-v(p, h), -v(q, h)]);
  return { vars: n * (n - 1), clauses };
}

test('the CDCL core finds models that satisfy every clause and proves unsatisfiability', () => {
  const rows: [string, number, number[][], boolean][] = [
    ['chain of implications', 4, [[1], [-1, 2], [-2, 3], [-3, 4]], true],
    ['contradiction', 2, [[1, 2], [-1, 2], [1, -2], [-1, -2]], false],
    ['needs learning', 5, [[1, 2], [1, -2], [-1, 3, 4], [-1, -3, 4], [-1, 3, -4], [-1, -3, -4]], false],
    ['cycle a->b->a', 2, [[-1, 2], [-2, 1], [1]], true],
    ['pigeonhole 6 in 5', pigeonhole(6).vars, pigeonhole(6).clauses, false],
  ];
  for (const [what, vars, clauses, satisfiable] of rows) {
    const model = solveCnf(vars, clauses);
    assert.equal(model !== undefined, satisfiable, what);
    if (model) for (const c of clauses) assert.ok(c.some((l) => model[Math.abs(l)] === l > 0), `${what}: clause ${c.join(' ')} unsatisfied`);
  }
});

test('the conflict bound throws SOLVER_LIMIT in bounded time', () => {
  const { vars, clauses } = pigeonhole(9);
  const t0 = Date.now();
  assert.throws(() => solveCnf(vars, clauses, 50), (err) => isFerryError(err, 'SOLVER_LIMIT'));
  assert.ok(Date.now() - t0 < 2000);
});

test('the testcase pool reads plain lines on demand and every other line at once, to the same dependencies', () => {
  // plain ASCII lines are kept as byte ranges; UTF-8, tabs, a trailing no-break space and rich deps are parsed while reading
  const text = [
    'repo test 0 testtags <inline>',
    '#>=Pkg: caf\u00e9 1 1 noarch',
    '#>=Prv: caf\u00e9-lib = 2-1',
    '#>=Prv: plain >= 1.0',
    '#>=Req: na\u00efve >= 1',
    '#>=Req: tabbed\t>=\t3',
    '#>=Req: spaced = 1\u00a0',
    '#>=Req: (A | B)',
    '#>=Pkg: na\u00efve 2 1 noarch',
    '#>=Pkg: other 1 1 noarch',
    '#>=Prv: caf\u00e9',
    '#>=Prv: other = 9',
    'system noarch rpm',
    '',
  ].join('\n');
  const tc = parseTestcase(text, 'utf8.t');
  const s = tc.pool.solvable(0);
  assert.equal(s.name, 'caf\u00e9');
  assert.deepEqual(s.provides, [
    { name: 'caf\u00e9-lib', flags: 'EQ', evr: { epoch: 0, version: '2', release: '1' } },
    { name: 'plain', flags: 'GE', evr: { epoch: 0, version: '1.0' } },
    { name: 'caf\u00e9', flags: 'EQ', evr: { epoch: 0, version: '1', release: '1' } },
  ]);
  assert.deepEqual(s.requires, [parseTestcaseDep('na\u00efve >= 1'), parseTestcaseDep('tabbed >= 3'), parseTestcaseDep('spaced = 1'), parseTestcaseDep('(A | B)')]);
  // whatprovides by a non-ASCII name, versioned and not; an own `name = evr` provide stands for the self-provide, a
  // `name = other-evr` one does not (testsolv installs other-1-1 for a requires of other = 1-1)
  assert.deepEqual(tc.pool.whatprovides({ type: 'simple', name: 'caf\u00e9' }), [0, 2]);
  assert.deepEqual(tc.pool.whatprovides({ type: 'simple', name: 'na\u00efve', flags: 'GE', evr: { epoch: 0, version: '2' } }), [1]);
  assert.deepEqual(tc.pool.whatprovides({ type: 'simple', name: 'caf\u00e9-lib', flags: 'GT', evr: { epoch: 0, version: '2' } }), []);
  assert.deepEqual(tc.pool.solvable(2).provides.map((d) => `${d.name} ${d.flags ?? ''}`), ['caf\u00e9 ', 'other EQ', 'other EQ']);
  assert.deepEqual(tc.pool.whatprovides({ type: 'simple', name: 'other', flags: 'EQ', evr: { epoch: 0, version: '1', release: '1' } }), [2]);
  assert.deepEqual(tc.pool.whatprovides({ type: 'simple', name: 'nobody' }), []);
});

test('writeTestcase writes what readTestcase reads back: packages, rich deps in testcase syntax, jobs', () => {
  const tc = parseTestcase(SIMPLE, 'simple.t');
  const pkgs = (repo: number): TestcasePackage[] => Array.from({ length: tc.pool.count }, (_, i) => tc.pool.solvable(i))
    .filter((s) => s.repo === repo).map((s) => fields(s));
  const rich = parseTestcaseDep('((A >= 1:2-3 | B) & (C <IF> D <ELSE> (E + F)) & (G <UNLESS> (H - I)))');
  const text = writeTestcase({
    repos: [{ name: 'system', priority: 0, packages: pkgs(0) }, { name: 'test', priority: 0, packages: [...pkgs(1), { ...pkgs(1)[0], name: 'R', requires: [rich] }] }],
    arch: 'x86_64', jobs: ['install name X', 'erase pkg A-1-1.noarch@system'],
  });
  const back = parseTestcase(text, 'written.t');
  assert.deepEqual(back.unsupported, []);
  assert.equal(back.pool.count, tc.pool.count + 1);
  for (let i = 0; i < tc.pool.count; i++) assert.deepEqual({ ...fields(back.pool.solvable(i)), repo: back.pool.solvable(i).repo }, { ...fields(tc.pool.solvable(i)), repo: tc.pool.solvable(i).repo });
  assert.deepEqual(back.pool.solvable(tc.pool.count).requires, [rich]);
  assert.deepEqual(back.jobs, tc.jobs);
  assert.equal(formatTestcaseDep(rich), '((A >= 1:2-3 | B) & (C <IF> D <ELSE> (E + F)) & (G <UNLESS> (H - I)))');
});

/** Every field of a solvable as a plain object (the reader's solvables read their dependency lists on first use). */
function fields(s: Solvable): TestcasePackage {
  const { name, evr, arch, provides, requires, conflicts, obsoletes, recommends, suggests, supplements, enhances, vendor, buildTime } = s;
  return { name, evr, arch, provides, requires, conflicts, obsoletes, recommends, suggests, supplements, enhances, ...(vendor === undefined ? {} : { vendor }), ...(buildTime === undefined ? {} : { buildTime }) };
}
