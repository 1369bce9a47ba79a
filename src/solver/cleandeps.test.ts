// SOLVER_CLEANDEPS (cleandeps.ts): what an erase, install or update job with [cleandeps] takes away with it. Each
// case states its transaction and cleandeps lines, and testsolv (when installed) gives the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testsolvText } from '../../test/support/testsolv.js';
import { solveTestcase } from './result.js';
import { parseTestcase } from './testcase.js';

const tc = (installed: string, repo: string, jobs: string): string => `repo system 0 testtags <inline>
${installed}repo test 0 testtags <inline>
${repo}system x86_64 rpm system
${jobs}result transaction,problems,cleandeps <inline>
`;

const CASES: { what: string; text: string; want: string[] }[] = [
  {
    what: 'an erase takes what only the erased package required, transitively',
    text: tc('#>=Pkg: A 1 1 noarch\n#>=Req: B\n#>=Pkg: B 1 1 noarch\n#>=Req: C\n#>=Pkg: C 1 1 noarch\n', '', 'job erase name A [cleandeps]\n'),
    want: ['cleandeps B-1-1.noarch@system', 'cleandeps C-1-1.noarch@system', 'erase A-1-1.noarch@system', 'erase B-1-1.noarch@system', 'erase C-1-1.noarch@system'],
  },
  {
    what: 'a package another kept one requires stays',
    text: tc('#>=Pkg: A 1 1 noarch\n#>=Req: B\n#>=Pkg: B 1 1 noarch\n#>=Pkg: D 1 1 noarch\n#>=Req: B\n', '', 'job erase name A [cleandeps]\n'),
    want: ['erase A-1-1.noarch@system'],
  },
  {
    what: 'without [cleandeps] only the package goes',
    text: tc('#>=Pkg: A 1 1 noarch\n#>=Req: B\n#>=Pkg: B 1 1 noarch\n', '', 'job erase name A\n'),
    want: ['erase A-1-1.noarch@system'],
  },
  {
    what: 'a package only the erased one recommended goes, one something still recommends stays',
    text: tc('#>=Pkg: A 1 1 noarch\n#>=Rec: B\n#>=Rec: C\n#>=Pkg: B 1 1 noarch\n#>=Pkg: C 1 1 noarch\n#>=Pkg: D 1 1 noarch\n#>=Rec: C\n', '', 'job erase name A [cleandeps]\n'),
    want: ['cleandeps B-1-1.noarch@system', 'erase A-1-1.noarch@system', 'erase B-1-1.noarch@system'],
  },
  {
    what: 'a package supplementing only the erased one goes',
    text: tc('#>=Pkg: A 1 1 noarch\n#>=Pkg: S 1 1 noarch\n#>=Sup: A\n', '', 'job erase name A [cleandeps]\n'),
    want: ['cleandeps S-1-1.noarch@system', 'erase A-1-1.noarch@system', 'erase S-1-1.noarch@system'],
  },
  {
    what: 'a locked requirement stays',
    text: tc('#>=Pkg: A 1 1 noarch\n#>=Req: B\n#>=Pkg: B 1 1 noarch\n', '', 'job erase name A [cleandeps]\njob lock name B\n'),
    want: ['erase A-1-1.noarch@system'],
  },
  {
    what: 'an update of all packages keeps the top of each requires chain and cycle, and drops what they no longer need',
    text: tc('#>=Pkg: A 1 1 noarch\n#>=Req: B\n#>=Pkg: B 1 1 noarch\n#>=Req: A\n#>=Req: C\n#>=Pkg: C 1 1 noarch\n#>=Pkg: E 1 1 noarch\n',
      '#>=Pkg: A 2 1 noarch\n#>=Req: B\n#>=Pkg: B 2 1 noarch\n#>=Req: A\n', 'job update all packages [cleandeps]\n'),
    want: ['cleandeps C-1-1.noarch@system', 'erase C-1-1.noarch@system', 'upgrade A-1-1.noarch@system A-2-1.noarch@test', 'upgrade B-1-1.noarch@system B-2-1.noarch@test'],
  },
  {
    what: 'an update that needs a cleandeps package keeps it, updated (do_cleandeps_update_filter)',
    text: tc('#>=Pkg: A 1 1 noarch\n#>=Req: B\n#>=Pkg: B 1 1 noarch\n', '#>=Pkg: A 2 1 noarch\n#>=Req: B > 1\n#>=Pkg: B 2 1 noarch\n#>=Pkg: C 2 1 noarch\n#>=Prv: B = 3\n',
      'job update all packages [cleandeps]\n'),
    want: ['upgrade A-1-1.noarch@system A-2-1.noarch@test', 'upgrade B-1-1.noarch@system B-2-1.noarch@test'],
  },
];

for (const c of CASES) {
  test(`cleandeps: ${c.what}`, () => {
    const mine = solveTestcase(parseTestcase(c.text, 'cleandeps.t'));
    assert.deepEqual(mine, c.want);
    const ref = testsolvText(c.text);
    if (ref) assert.deepEqual(ref, mine, 'testsolv gives the same result');
  });
}
