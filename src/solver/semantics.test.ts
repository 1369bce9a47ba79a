// The solver's libsolv semantics one by one, on small hand-written testcases with the result libsolv 0.7.23's
// testsolv gives (recorded here, so they hold without testsolv; compared to it again when it is installed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipUnlessTools } from '../../test/support/shared.js';
import { testsolvText } from '../../test/support/testsolv.js';
import { solveTestcase } from './result.js';
import { parseTestcase } from './testcase.js';

const CASES: { label: string; text: string; result: string[] }[] = [
  {
    label: 'allowuninstall: an upgrade that cannot install erases the package (solver_autouninstall)',
    text: [
      'repo system 0 testtags <inline>',
      '#>=Pkg: tool 1 1 noarch',
      'repo target 0 testtags <inline>',
      '#>=Pkg: tool 2 1 noarch',
      '#>=Req: libgone',
      'system x86_64 rpm system',
      'solverflags allowuninstall',
      'job distupgrade all packages',
      'result transaction,problems <inline>',
    ].join('\n'),
    result: ['erase tool-1-1.noarch@system'],
  },
  {
    label: 'forcebest: when the best update cannot install, an older one is not taken',
    text: [
      'repo system 0 testtags <inline>',
      '#>=Pkg: tool 1 1 noarch',
      'repo target 0 testtags <inline>',
      '#>=Pkg: tool 2 1 noarch',
      '#>=Req: libgone',
      '#>=Pkg: tool 1.5 1 noarch',
      'system x86_64 rpm system',
      'job update all packages [forcebest]',
      'result transaction,problems <inline>',
    ].join('\n'),
    result: ['problem (unsolvable)'],
  },
  {
    label: 'yumobsoletes: a package split installs every obsoleter',
    text: [
      'repo system 0 testtags <inline>',
      '#>=Pkg: a 1 1 noarch',
      'repo target 0 testtags <inline>',
      '#>=Pkg: b 1 1 noarch',
      '#>=Obs: a',
      '#>=Pkg: c 1 1 noarch',
      '#>=Obs: a',
      'system x86_64 rpm system',
      'solverflags yumobsoletes',
      'job update all packages',
      'result transaction,problems <inline>',
    ].join('\n'),
    result: ['erase a-1-1.noarch@system b-1-1.noarch@target', 'install b-1-1.noarch@target', 'install c-1-1.noarch@target'],
  },
  {
    label: 'infarch: no i686 build beside an x86_64 one that cannot install',
    text: [
      'repo system 0 testtags <inline>',
      'repo target 0 testtags <inline>',
      '#>=Pkg: lib 1 1 x86_64',
      '#>=Req: libdep',
      '#>=Pkg: lib 1 1 i686',
      'system x86_64 rpm system',
      'job install name lib',
      'result transaction,problems <inline>',
    ].join('\n'),
    result: ['problem (unsolvable)'],
  },
  {
    label: 'distupgrade of a repository: its packages only, downgrades included',
    text: [
      'repo system 0 testtags <inline>',
      '#>=Pkg: a 2 1 noarch',
      '#>=Pkg: b 2 1 noarch',
      'repo base 0 testtags <inline>',
      '#>=Pkg: a 1 1 noarch',
      '#>=Pkg: b 1 1 noarch',
      'repo other 0 testtags <inline>',
      '#>=Pkg: b 3 1 noarch',
      'system x86_64 rpm system',
      'job distupgrade repo base',
      'result transaction,problems <inline>',
    ].join('\n'),
    result: ['downgrade a-2-1.noarch@system a-1-1.noarch@base', 'downgrade b-2-1.noarch@system b-1-1.noarch@base'],
  },
  {
    label: 'disable: a package taken out of the pool is no update candidate',
    text: [
      'repo system 0 testtags <inline>',
      '#>=Pkg: a 1 1 noarch',
      'repo target 0 testtags <inline>',
      '#>=Pkg: a 2 1 noarch',
      '#>=Pkg: a 3 1 noarch',
      'system x86_64 rpm system',
      'disable pkg a-3-1.noarch@target',
      'job update all packages',
      'result transaction,problems <inline>',
    ].join('\n'),
    result: ['upgrade a-1-1.noarch@system a-2-1.noarch@target'],
  },
  {
    label: 'jobs first: among the candidates, one a not yet kept installed package suggests comes first (reorder_dq_for_future_installed)',
    text: [
      'repo system 0 testtags <inline>',
      '#>=Pkg: I 1 1 noarch',
      '#>=Sug: B2',
      'repo target 0 testtags <inline>',
      '#>=Pkg: I 2 1 noarch',
      '#>=Pkg: B1 1 1 noarch',
      '#>=Prv: P',
      '#>=Pkg: B2 1 1 noarch',
      '#>=Prv: P',
      'system x86_64 rpm system',
      'job install provides P',
      'result transaction,problems <inline>',
    ].join('\n'),
    result: ['install B2-1-1.noarch@target'],
  },
];

const noTestsolv = skipUnlessTools('testsolv');

for (const c of CASES) {
  test(c.label, () => {
    const tc = parseTestcase(`${c.text}\n`, 'case.t');
    assert.deepEqual(tc.unsupported, []);
    assert.deepEqual(solveTestcase(tc), c.result);
  });
}

test('the recorded results are testsolv\'s', { skip: noTestsolv }, () => {
  for (const c of CASES) assert.deepEqual(testsolvText(`${c.text}\n`), c.result, c.label);
});
