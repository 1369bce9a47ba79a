import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePackageSets, parseObsoletes, unapprovedVanished } from './package-set.js';

const BEFORE = ['bash-0:4.4.19-10.el8.x86_64', 'lz4-libs-0:1.8.1.2-4.el8.x86_64', 'tzdata-0:2021a-1.el8.noarch', 'lab-legacy-utils-0:1.0-3.el8.x86_64',
  'centos-logos-0:80.0-1.el8.noarch', 'acme-agent-0:1.4.2-1.x86_64', 'kernel-0:4.18.0-193.el8.x86_64', 'glibc-0:2.28-101.el8.i686'];
const AFTER = ['bash-0:4.4.19-10.el8.x86_64', 'lz4-libs-0:1.8.3-3.el8_4.x86_64', 'tzdata-0:2020a-1.el8.noarch', 'lab-utils-0:2.0-1.el8.x86_64',
  'rocky-logos-0:80.0-1.el8.noarch', 'kernel-0:4.18.0-193.el8.x86_64', 'kernel-0:4.18.0-305.12.1.el8_4.x86_64', 'glibc-0:2.28-101.el8.x86_64'];
const OBSOLETES = parseObsoletes('lab-utils\tlab-legacy-utils\nbash\t(none)\n');

test('comparePackageSets: every fate', () => {
  assert.deepEqual(comparePackageSets(BEFORE, AFTER, OBSOLETES).map((c) => `${c.fate} ${c.package}${c.by ? ` by ${c.by}` : ''}`), [
    'same bash.x86_64', 'upgraded lz4-libs.x86_64', 'downgraded tzdata.noarch', 'replaced lab-legacy-utils.x86_64 by lab-utils',
    'removed centos-logos.noarch', 'removed acme-agent.x86_64', 'upgraded kernel.x86_64', 'replaced glibc.i686 by glibc.x86_64',
    'added lz4-libs.x86_64'.replace('lz4-libs', 'lab-utils'), 'added rocky-logos.noarch', 'added glibc.x86_64',
  ]);
});

const cases: [string, string[], string[], string[]][] = [
  ['the swap\'s removal is announced, an unknown one is not', ['centos-logos'], [], ['acme-agent.x86_64']],
  ['approved by name', ['centos-logos'], ['acme-agent'], []],
  ['approved by glob', ['centos-logos'], ['acme-*'], []],
  ['nothing announced', [], [], ['centos-logos.noarch', 'acme-agent.x86_64']],
];
for (const [name, announced, allow, expected] of cases) {
  test(`unapprovedVanished: ${name}`, () => {
    assert.deepEqual(unapprovedVanished(comparePackageSets(BEFORE, AFTER, OBSOLETES), announced, allow).map((c) => c.package), expected);
  });
}

test('comparePackageSets: EVRs as epoch:version-release, the name beside name.arch', () => {
  const lz4 = comparePackageSets(BEFORE, AFTER, OBSOLETES).find((c) => c.package === 'lz4-libs.x86_64');
  assert.deepEqual(lz4, { fate: 'upgraded', package: 'lz4-libs.x86_64', name: 'lz4-libs', before: '0:1.8.1.2-4.el8', after: '0:1.8.3-3.el8_4' });
});
