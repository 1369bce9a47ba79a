// libsolv's selections (selection.ts) on one pool: the jobs testsolv (libsolv 0.7.23) prints for each `job noop
// selection` line with `result jobs`, written down below from its run and compared with it again when installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testsolvText } from '../../test/support/testsolv.js';
import { solveTestcase } from './result.js';
import { makeSelection } from './selection.js';
import { parseTestcase } from './testcase.js';

const POOL = `repo available 0 testtags <inline>
#>=Pkg: A 1 1 noarch
#>=Pkg: A 2 1 noarch
#>=Prv: A = 3.1
#>=Pkg: A 1:3 1 i686
#>=Pkg: A 2 2 badarch
#>=Pkg: B 1 1 src
system i686 rpm
`;

const CASES: [string, string[]][] = [
  ['A.i686>=1 name,dotarch,rel', ['job noop name (A . i686) >= 1 [setarch]']],
  ['A-3 canon', ['job noop name A = 1:3 [setev]']],
  ['A-2-1 canon', ['job noop name A = 2-1 [setevr]']],
  ['A* glob,provides,withbadarch', ['job noop oneof A-1-1.noarch@available A-2-1.noarch@available A-1:3-1.i686@available A-2-2.badarch@available']],
  ['B name,withsource', ['job noop name B . src']],
  ['a nocase,name,flat', ['job noop name A']],
  ['A-9 canon', []],
];

for (const [selection, expected] of CASES) {
  test(`selection "${selection}" → ${expected.join(', ') || 'nothing'}`, () => {
    const text = `${POOL}job noop selection ${selection}\nresult jobs <inline>\n`;
    assert.deepEqual(solveTestcase(parseTestcase(text, 'selection.t')), expected);
    const ref = testsolvText(text);
    if (ref) assert.deepEqual(ref, expected, 'testsolv makes the same jobs');
  });
}

const FILES = `repo available 0 testtags <inline>
#>=Pkg: A 1 1 noarch
#>=Req: C > 1
#>=Fls: /usr/bin/a
#>=Pkg: A 2 1 noarch
#>=Req: (C > 1 & D)
#>=Fls: /usr/bin/a
#>=Pkg: B 1 1 noarch
#>=Fls: /usr/bin/b
#>=Pkg: C 2 1 noarch
system i686 rpm
`;

const MATCHES: [string, string[]][] = [
  ['selection /usr/bin/* filelist,glob', ['job noop oneof A-1-1.noarch@available A-2-1.noarch@available', 'job noop pkg B-1-1.noarch@available [noautoset]']],
  ['selection_matchdeps solvable:requires c >= 2 rel,nocase,flat', ['job noop oneof A-1-1.noarch@available A-2-1.noarch@available']],
  ['selection_matchsolvable solvable:requires C-2-1.noarch@available flat', ['job noop oneof A-1-1.noarch@available A-2-1.noarch@available']],
  // a filter narrows every job before it (the file list's two) to A-2-1, whose requires name D
  ['selection /usr/bin/* filelist,glob\njob noop selection_matchdepid solvable:requires D flat,filter', ['job noop pkg A-2-1.noarch@available [noautoset]']],
];

for (const [lines, expected] of MATCHES) {
  test(`job noop ${lines.replace('\n', ', then ')} → ${expected.length} job(s)`, () => {
    const text = `${FILES}job noop ${lines}\nresult jobs <inline>\n`;
    assert.deepEqual(solveTestcase(parseTestcase(text, 'matches.t')), expected);
    const ref = testsolvText(text);
    if (ref) assert.deepEqual(ref, expected, 'testsolv makes the same jobs');
  });
}

test('selection flags the module does not model are named, not ignored', () => {
  const tc = parseTestcase(POOL, 'selection.t');
  const sp = { pool: tc.pool, arch: tc.arch, disabled: new Set<number>() };
  assert.equal(makeSelection(sp, { type: 'selection', text: 'A', flags: ['name', 'installedonly'] }), 'selection flags installedonly');
  assert.equal(makeSelection(sp, { type: 'selection', text: 'A', flags: ['name', 'bogus'] }), 'selection flags bogus (not libsolv\'s)');
});
