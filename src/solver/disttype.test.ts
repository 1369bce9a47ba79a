// Debian's disttype (disttype.ts): dpkg's version order, and a testcase with `system … deb` solved as Debian's
// testsolv solves it (whole-version dependencies, no unversioned provide for a versioned dependency, `all`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { skipUnlessTools } from '../../test/support/shared.js';
import { testsolvText } from '../../test/support/testsolv.js';
import { debvercmp } from './disttype.js';
import { solveTestcase } from './result.js';
import { parseTestcase } from './testcase.js';

// dpkg's order (Debian Policy 5.6.12): ~ first, letters before other characters, digit runs by value
const ORDER: [string, string, -1 | 0 | 1][] = [
  ['1.0~rc1', '1.0', -1], ['1.0', '1.0+b1', -1], ['1.0a', '1.0+', -1], ['1.01', '1.1', 0], ['1_1', '1.2', 1],
  ['1.0', '1.0.', -1], ['2', '10', -1], ['1.0~~', '1.0~', -1], ['a', 'B', 1],
];

for (const [a, b, want] of ORDER) {
  test(`debvercmp ${a} vs ${b}: ${want}`, () => {
    assert.equal(debvercmp(a, b), want);
    assert.equal(debvercmp(b, a), want === 0 ? 0 : -want);
  });
}

test('debvercmp orders as dpkg --compare-versions does', { skip: skipUnlessTools('dpkg') }, () => {
  const dpkg = (a: string, op: string, b: string): boolean => spawnSync('dpkg', ['--compare-versions', a, op, b]).status === 0;
  for (const [a, b] of ORDER) {
    const want = dpkg(a, 'lt', b) ? -1 : dpkg(a, 'eq', b) ? 0 : 1;
    assert.equal(debvercmp(a, b), want, `${a} vs ${b}`);
  }
});

const tc = (disttype: string, repo: string, job: string): string =>
  `repo test 0 testtags <inline>\n${repo}system unset ${disttype}\njob ${job}\nresult transaction,problems <inline>\n`;

const CASES: { what: string; repo: string; job: string; rpm: string[]; deb: string[] }[] = [
  {
    what: 'the newest version by dpkg\'s order (1_1 after 1.2)',
    repo: '#>=Pkg: A 1_1 1 all\n#>=Pkg: A 1.2 1 all\n', job: 'install name A',
    rpm: ['install A-1.2-1.all@test'], deb: ['install A-1_1-1.all@test'],
  },
  {
    what: 'a dependency without a revision is not met by a package with one, nor by an unversioned provide',
    repo: '#>=Pkg: A 1 1 all\n#>=Req: B = 1\n#>=Pkg: B 1 1 all\n', job: 'install name A',
    rpm: ['install A-1-1.all@test', 'install B-1-1.all@test'], deb: ['problem (unsolvable)'],
  },
  {
    what: 'an unversioned provide does not meet a versioned dependency',
    repo: '#>=Pkg: A 1 1 all\n#>=Req: P >= 1\n#>=Pkg: C 1 1 all\n#>=Prv: P\n', job: 'install name A',
    rpm: ['install A-1-1.all@test', 'install C-1-1.all@test'], deb: ['problem (unsolvable)'],
  },
  {
    what: 'a name job with a version selects by the whole version',
    repo: '#>=Pkg: A 1 1 all\n#>=Pkg: A 1 2 all\n', job: 'install name A = 1-1',
    rpm: ['install A-1-1.all@test'], deb: ['install A-1-1.all@test'],
  },
];

for (const c of CASES) {
  for (const disttype of ['rpm', 'deb'] as const) {
    test(`disttype ${disttype}: ${c.what}`, () => {
      const text = tc(disttype, c.repo, c.job);
      const mine = solveTestcase(parseTestcase(text, 'disttype.t'));
      assert.deepEqual(mine, c[disttype]);
      const ref = testsolvText(text);
      if (ref) assert.deepEqual(ref, mine, 'testsolv gives the same result');
    });
  }
}
