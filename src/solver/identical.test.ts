// solvable_identical in one place (policy.ts identical): vendor and build time decide whether an installed
// package and a repository one of the same NEVRA are the same build. Under a distupgrade an identical one
// stays, any other is changed for the repository's; each case is also solved by testsolv when installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testsolvText } from '../../test/support/testsolv.js';
import { identical } from './policy.js';
import { solveTestcase } from './result.js';
import { parseTestcase } from './testcase.js';

// B and C are installed orphans, so A's requires hold on both sides
const dup = (installedTags: string, repoTags: string): string => `repo system 0 testtags <inline>
#>=Pkg: B 1 1 noarch
#>=Pkg: C 1 1 noarch
#>=Pkg: A 1 1 noarch
${installedTags}repo test 0 testtags <inline>
#>=Pkg: A 1 1 noarch
${repoTags}system x86_64 rpm system
job distupgrade all packages
result transaction,problems <inline>
`;

const CHANGE = ['change A-1-1.noarch@system A-1-1.noarch@test'];

const CASES: { what: string; text: string; same: boolean }[] = [
  { what: 'nothing but the NEVRA', text: dup('', ''), same: true },
  { what: 'the same vendor and build time', text: dup('#>=Vnd: Rocky\n#>=Tim: 1700000000\n', '#>=Vnd: Rocky\n#>=Tim: 1700000000\n'), same: true },
  { what: 'another vendor', text: dup('#>=Vnd: CentOS\n', '#>=Vnd: Rocky\n'), same: false },
  { what: 'a vendor on one side only', text: dup('#>=Vnd: CentOS\n', ''), same: false },
  { what: 'another build time', text: dup('#>=Tim: 1600000000\n', '#>=Tim: 1700000000\n'), same: false },
  { what: 'a build time on one side only, the same requires', text: dup('#>=Tim: 1600000000\n#>=Req: B\n', '#>=Req: B\n'), same: true },
  { what: 'no build time, other requires', text: dup('#>=Req: B\n', '#>=Req: C\n'), same: false },
  { what: 'no build time, a requires listed twice (one id to libsolv)', text: dup('#>=Req: B\n#>=Req: B\n', '#>=Req: B\n'), same: true },
  { what: 'both build times equal, other requires', text: dup('#>=Tim: 1700000000\n#>=Req: B\n', '#>=Tim: 1700000000\n#>=Req: C\n'), same: true },
];

for (const c of CASES) {
  test(`identical: ${c.what} → ${c.same ? 'the same build, kept' : 'another build, changed'}`, () => {
    const tc = parseTestcase(c.text, 'identical.t');
    assert.equal(identical(tc.pool.solvable(2), tc.pool.solvable(3)), c.same);
    const mine = solveTestcase(tc);
    assert.deepEqual(mine, c.same ? [] : CHANGE);
    const ref = testsolvText(c.text);
    if (ref) assert.deepEqual(ref, mine, 'testsolv gives the same transaction');
  });
}
