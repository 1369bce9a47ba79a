// Multiversion (install-only) packages, as dnf gives kernels to libsolv: each case states the transaction
// libsolv gives, and with Debian's testsolv installed the same testcase is also solved by it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testsolvText } from '../../test/support/testsolv.js';
import { solveTestcase } from './result.js';
import { parseTestcase } from './testcase.js';

const KERNELS = `repo system 0 testtags <inline>
#>=Pkg: kernel 1 1 x86_64
#>=Pkg: kernel 2 1 x86_64
#>=Pkg: tool 1 1 x86_64
#>=Req: kernel
repo available 0 testtags <inline>
#>=Pkg: kernel 3 1 x86_64
#>=Pkg: kernel 4 1 x86_64
#>=Pkg: tool 2 1 x86_64
#>=Req: kernel
system x86_64 rpm system
`;

const CASES: { what: string; text: string; want: string[] }[] = [
  {
    what: 'distupgrade installs the newest kernel beside the old ones (multiversion orphans stay)',
    text: `${KERNELS}job multiversion provides kernel\njob distupgrade all packages\n`,
    want: ['install kernel-4-1.x86_64@available', 'upgrade tool-1-1.x86_64@system tool-2-1.x86_64@available'],
  },
  {
    what: 'without multiversion the same distupgrade replaces both kernels by one',
    text: `${KERNELS}job distupgrade all packages\n`,
    want: ['upgrade kernel-1-1.x86_64@system kernel-4-1.x86_64@available', 'upgrade kernel-2-1.x86_64@system kernel-4-1.x86_64@available', 'upgrade tool-1-1.x86_64@system tool-2-1.x86_64@available'],
  },
  {
    what: 'update all installs the newest kernel, never pairing it with an old one',
    text: `${KERNELS}job multiversion name kernel\njob update all packages\n`,
    want: ['install kernel-4-1.x86_64@available', 'upgrade tool-1-1.x86_64@system tool-2-1.x86_64@available'],
  },
  {
    what: 'an erase job removes one kernel; the other stays',
    text: `${KERNELS}job multiversion name kernel\njob erase pkg kernel-1-1.x86_64@system\n`,
    want: ['erase kernel-1-1.x86_64@system'],
  },
  {
    what: 'a new package conflicting with an old kernel erases it as a plain erase',
    text: `${KERNELS.replace('#>=Pkg: tool 2 1 x86_64\n', '#>=Pkg: tool 2 1 x86_64\n#>=Con: kernel < 2\n')}job multiversion name kernel\njob distupgrade all packages\n`,
    want: ['erase kernel-1-1.x86_64@system', 'install kernel-4-1.x86_64@available', 'upgrade tool-1-1.x86_64@system tool-2-1.x86_64@available'],
  },
  {
    what: 'keepexplicitobsoletes: a multiversion package still obsoletes what its Obsoletes: names',
    text: `${KERNELS.replace('#>=Pkg: kernel 4 1 x86_64\n', '#>=Pkg: kernel 4 1 x86_64\n#>=Obs: tool < 2\n')}solverflags keepexplicitobsoletes\njob multiversion name kernel\njob install pkg kernel-4-1.x86_64@available\n`,
    want: ['erase tool-1-1.x86_64@system', 'install kernel-4-1.x86_64@available'],
  },
];

for (const c of CASES) {
  test(`multiversion: ${c.what}`, () => {
    const text = `${c.text}result transaction,problems <inline>\n`;
    const mine = solveTestcase(parseTestcase(text, 'multiversion.t'));
    assert.deepEqual(mine, [...c.want].sort());
    const ref = testsolvText(text);
    if (ref) assert.deepEqual(ref, mine, 'testsolv gives the same transaction');
  });
}
