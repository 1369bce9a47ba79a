import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changedNames, parseTransactionSummary, removedNames, summaryLines } from './transaction-summary.js';

// Captured from dnf 4.14.0 (`dnf --assumeno --allowerasing shell` with the vendor swap and distro-sync) on a
// lab CentOS 8 root against the lab's OpenCloudOS 8 repository; rows trimmed, one long name wrapped as dnf wraps it.
const CAPTURED = `================================================================================
 Package              Arch    Version                  Repository         Size
================================================================================
Installing:
 lab-utils            x86_64  2.0-1.oc8                lab-opencloudos-8  6.3 k
     replacing  lab-legacy-utils.x86_64 1.0-3.el8
 opencloudos-release  noarch  8.6-1.oc8                lab-opencloudos-8  7.3 k
Upgrading:
 openssl-libs         x86_64  1:1.1.1c-15.oc8          lab-opencloudos-8  6.3 k
Reinstalling:
 bash                 x86_64  4.4.19-10.el8            lab-rocky-8        6.3 k
Installing dependencies:
 kernel-core          x86_64  4.18.0-305.12.1.oc8_4    lab-opencloudos-8  6.8 k
Removing:
 centos-logos         noarch  80.0-1.el8               @lab-centos-8       14
Removing dependent packages:
 acme-branding        noarch  1.0-1                    @System              2
 a-package-name-wider-than-its-column
                      x86_64  2.0-1                    @System              2
Downgrading:
 tzdata               noarch  2019c-1.el8              lab-opencloudos-8  6.1 k

Transaction Summary
================================================================================
Install   8 Packages
`;

test('parseTransactionSummary: every heading dnf 4 prints, obsoletes, wrapped names', () => {
  const tx = parseTransactionSummary(CAPTURED);
  assert.deepEqual(tx.packages.map((p) => [p.action, p.name, p.evr]), [
    ['install', 'lab-utils', '2.0-1.oc8'], ['install', 'opencloudos-release', '8.6-1.oc8'], ['upgrade', 'openssl-libs', '1:1.1.1c-15.oc8'],
    ['reinstall', 'bash', '4.4.19-10.el8'], ['install-dependency', 'kernel-core', '4.18.0-305.12.1.oc8_4'], ['remove', 'centos-logos', '80.0-1.el8'],
    ['remove-dependent', 'acme-branding', '1.0-1'], ['remove-dependent', 'a-package-name-wider-than-its-column', '2.0-1'], ['downgrade', 'tzdata', '2019c-1.el8'],
  ]);
  assert.deepEqual(tx.packages[0].replacing, [{ name: 'lab-legacy-utils', arch: 'x86_64', evr: '1.0-3.el8' }]);
});

const cases: [string, string, string[], [string, string][]][] = [
  ['nothing to do', 'Dependencies resolved.\nNothing to do.\n', [], []],
  ['the captured transaction', CAPTURED,
    ['lab-legacy-utils:obsoleted', 'centos-logos:removed', 'acme-branding:dependent', 'a-package-name-wider-than-its-column:dependent'],
    [['lab-legacy-utils', 'replaced by lab-utils-2.0-1.oc8'], ['openssl-libs', 'upgraded to 1:1.1.1c-15.oc8'], ['centos-logos', 'removed'],
      ['acme-branding', 'removed'], ['a-package-name-wider-than-its-column', 'removed'], ['tzdata', 'downgraded to 2019c-1.el8']]],
];
for (const [name, text, removed, changed] of cases) {
  test(`removedNames / changedNames: ${name}`, () => {
    const tx = parseTransactionSummary(text);
    assert.deepEqual(removedNames(tx).map((r) => `${r.name}:${r.why}`), removed);
    assert.deepEqual([...changedNames(tx)], changed);
  });
}

test('summaryLines: one comparable line per package, obsoletes by their obsoleter, epochs normalised', () => {
  const text = [
    'Installing:', ' lab-utils       x86_64 2.0-1.el8      lab-rocky-8 6.4 k', '     replacing  lab-legacy-utils.x86_64 1.0-3.el8',
    'Installing dependencies:', ' kernel-core x86_64 4.18.0-305.12.1.el8_4 lab-rocky-8 6.1 k',
    'Downgrading:', ' tzdata noarch 2021a-1.el8 lab-rocky-8 6.1 k',
    'Reinstalling:', ' openssl-libs x86_64 1:1.1.1c-15.el8 lab-rocky-8 6.1 k',
    'Removing dependent packages:', ' acme-branding noarch 1.0-1 @System 0',
    '', 'Transaction Summary',
  ].join('\n');
  assert.deepEqual(summaryLines(parseTransactionSummary(text)), [
    'downgrade tzdata-2021a-1.el8.noarch', 'erase acme-branding-1.0-1.noarch', 'install kernel-core-4.18.0-305.12.1.el8_4.x86_64',
    'install lab-utils-2.0-1.el8.x86_64', 'obsolete lab-legacy-utils-1.0-3.el8.x86_64 by lab-utils-2.0-1.el8.x86_64',
    'reinstall openssl-libs-1:1.1.1c-15.el8.x86_64',
  ]);
});
