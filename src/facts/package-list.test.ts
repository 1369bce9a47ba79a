import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isFerryError } from '../core/index.js';
import { formatNevra } from '../rpm/nevra.js';
import { parsePackageList, readPackageListText, SOSREPORT_PACKAGE_LIST } from './package-list.js';
import { RPM_FIELD_SEP as F, RPM_RECORD_SEP as R } from './script.js';
import type { PackageListFormat } from './types.js';

// Captured from rpm 4.18.0 (Debian 12) on a database holding `ep` (Epoch: 2) and `noep` (no Epoch):
//   rpm -qa                                               → RPM_QA
//   rpm -qa --qf '%{NEVRA}\n'                             → NEVRA
//   rpm -qa --qf '%-59{NVRA} %{INSTALLTIME:date}\n'       → SOS (sos/report/plugins/rpm.py's installed-rpms)
const RPM_QA = 'noep-1.0-1.noarch\nep-1.0-1.noarch\n';
const NEVRA = 'noep-1.0-1.noarch\nep-2:1.0-1.noarch\n';
const SOS = [
  'noep-1.0-1.noarch                                           Wed Dec  2 12:18:26 2026',
  'ep-1.0-1.noarch                                             Wed Dec  2 12:18:26 2026', ''].join('\n');
const record = (name: string, epoch: string, version: string, release: string, summary = 'test'): string =>
  ['', [name, epoch, version, release, 'x86_64', 'Vendor', '(none)', `${name}-${version}-${release}.src.rpm`, '1600000000', '1590000000', '(none)', 'MIT', '10', summary].join(F), R].join('');

/** text → format, epochsKnown, packages as formatNevra (epochUnknown marked `?`), duplicates, imported keys. */
const FORMATS: [string, string, PackageListFormat, boolean, string[], string[], number][] = [
  ['plain rpm -qa', RPM_QA, 'rpm-qa', false, ['?ep-1.0-1.noarch', '?noep-1.0-1.noarch'], [], 0],
  ['NEVRA with epochs (%{NEVRA})', NEVRA, 'nevra', true, ['ep-2:1.0-1.noarch', 'noep-1.0-1.noarch'], [], 0],
  ['every epoch written, (none) included', 'noep-(none):1.0-1.noarch\nep-2:1.0-1.noarch\n', 'nevra', true, ['ep-2:1.0-1.noarch', 'noep-1.0-1.noarch'], [], 0],
  ['sosreport installed-rpms', SOS, 'sosreport', false, ['?ep-1.0-1.noarch', '?noep-1.0-1.noarch'], [], 0],
  ['sosreport, the older rpm date format', 'bash-4.2.46-34.el7.x86_64    Tue 02 Jul 2019 02:39:19 AM UTC\n', 'sosreport', false, ['?bash-4.2.46-34.el7.x86_64'], [], 0],
  ['CRLF, comments, blank lines and an imported key', '# rpm -qa\r\n\r\nbash-4.2.46-34.el7.x86_64\r\ngpg-pubkey-f4a80eb5-53a7ff4b\r\n', 'rpm-qa', false,
    ['?bash-4.2.46-34.el7.x86_64'], [], 1],
  ['an exact duplicate counts once', 'bash-4.2.46-34.el7.x86_64\nbash-4.2.46-34.el7.x86_64\nzlib-1.2.7-18.el7.x86_64\n', 'rpm-qa', false,
    ['?bash-4.2.46-34.el7.x86_64', '?zlib-1.2.7-18.el7.x86_64'], ['bash-4.2.46-34.el7.x86_64'], 0],
  ['install-only packages of several versions are no duplicates', 'kernel-3.10.0-1127.el7.x86_64\nkernel-3.10.0-1160.el7.x86_64\n', 'rpm-qa', false,
    ['?kernel-3.10.0-1127.el7.x86_64', '?kernel-3.10.0-1160.el7.x86_64'], [], 0],
  ['Ferry\'s query-format dump', record('bash', '(none)', '4.4.19', '10.el8') + record('perl', '4', '5.26.3', '416.el8') + record('bash', '(none)', '4.4.19', '10.el8'),
    'queryformat', true, ['bash-4.4.19-10.el8.x86_64', 'perl-4:5.26.3-416.el8.x86_64'], ['bash-4.4.19-10.el8.x86_64'], 0],
];

for (const [what, text, format, epochsKnown, packages, duplicates, keys] of FORMATS) {
  test(`parsePackageList: ${what}`, () => {
    const r = parsePackageList(text, 'list.txt');
    assert.equal(r.list.format, format);
    assert.equal(r.list.epochsKnown, epochsKnown);
    assert.deepEqual(r.packages.map((p) => `${p.epochUnknown ? '?' : ''}${formatNevra(p)}`).sort(), packages);
    assert.deepEqual(r.list.duplicates, duplicates);
    assert.equal(r.list.importedKeys.length, keys);
  });
}

/** text → the file:line and the words the MANIFEST_INVALID message must hold. */
const BAD: [string, string, RegExp][] = [
  ['a word that is no package', 'bash-4.4.19-10.el8.x86_64\nbash\n', /^list\.txt:2: not a package .*no "\.arch" suffix.*: "bash"$/],
  ['text after the package that is no date', 'bash-4.4.19-10.el8.x86_64\nnot a nevra\n', /^list\.txt:2: expected one package per line.*"not a nevra"$/],
  ['a terminal escape, shown escaped', 'bash-4.4.19-10.el8.x86_64\n\x1b[31mevil-1-1.x86_64\n', /^list\.txt:2: .*"\\u001b\[31mevil-1-1\.x86_64"$/],
  ['a long line, shown short', `${'x'.repeat(300)}\n`, /^list\.txt:1: .*"x{80}…"$/],
  ['a dated line in an undated list', 'bash-4.4.19-10.el8.x86_64\nzlib-1.2.11-16.el8.x86_64  Wed Dec  2 12:18:26 2026\n', /^list\.txt:2: an install date after the package, unlike line 1/],
  ['an undated line in a sosreport list', `${SOS}zlib-1.2.11-16.el8.x86_64\n`, /^list\.txt:3: no install date after the package, unlike line 1/],
  ['a broken query-format record', record('bash', '(none)', '4.4.19', '10.el8') + `\nperl${F}4${R}`, /^list\.txt:2: record 2 has 2 fields/],
  ['an empty list', '', /^list\.txt lists no packages$/],
  ['comments only', '# nothing\n\n', /^list\.txt lists no packages$/],
  ['imported keys only', 'gpg-pubkey-f4a80eb5-53a7ff4b\n', /^list\.txt lists no packages$/],
];

for (const [what, text, message] of BAD) {
  test(`parsePackageList refuses ${what}: MANIFEST_INVALID naming file:line`, () => {
    assert.throws(() => parsePackageList(text, 'list.txt'), (e) => isFerryError(e, 'MANIFEST_INVALID') && message.test(e.message) && Boolean(e.hint?.includes('installed-rpms')));
  });
}

test('readPackageListText: a file, a sosreport directory; missing, binary, compressed, non-UTF-8, directory and FIFO refused, naming the path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-package-list-'));
  try {
    const list = join(dir, 'list.txt');
    writeFileSync(list, RPM_QA);
    assert.deepEqual(await readPackageListText(list), { file: list, text: RPM_QA });
    // a sosreport directory: installed-rpms is a symlink into sos_commands, as sos's root_symlink makes it
    const sos = join(dir, 'sosreport-host-2026-12-02');
    mkdirSync(join(sos, 'sos_commands', 'rpm'), { recursive: true });
    writeFileSync(join(sos, 'sos_commands', 'rpm', 'sh_-c_rpm_--nodigest_-qa_--qf_NVRA_INSTALLTIME_date_sort_-V'), SOS);
    symlinkSync(join('sos_commands', 'rpm', 'sh_-c_rpm_--nodigest_-qa_--qf_NVRA_INSTALLTIME_date_sort_-V'), join(sos, SOSREPORT_PACKAGE_LIST));
    assert.deepEqual(await readPackageListText(sos), { file: join(sos, SOSREPORT_PACKAGE_LIST), text: SOS });
    // a query-format dump may hold Latin-1 text in its free-text fields (headers older than UTF-8)
    const dump = join(dir, 'dump');
    writeFileSync(dump, Buffer.concat([Buffer.from(record('bash', '(none)', '4.4.19', '10.el8', 'caf')), Buffer.from([0xe9])]));
    assert.match((await readPackageListText(dump)).text, /^bash\x1f/m);

    const fifo = join(dir, 'fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const bad: [string, string, RegExp][] = [
      [join(dir, 'nope.txt'), 'NOT_FOUND', /nope\.txt does not exist/],
      [join(list, 'below-a-file'), 'NOT_FOUND', /below-a-file does not exist/],
      [join(dir, 'binary'), 'MANIFEST_INVALID', /binary is not a text file \(it holds NUL bytes\)/],
      [join(dir, 'list.gz'), 'MANIFEST_INVALID', /list\.gz is not a text file \(gzip-compressed\)/],
      [join(dir, 'latin1.txt'), 'MANIFEST_INVALID', /latin1\.txt is not UTF-8 text/],
      [fifo, 'MANIFEST_INVALID', /fifo is not a regular file \(a FIFO\)/],
      [dir, 'MANIFEST_INVALID', /is a directory without installed-rpms/],
      [join(dir, 'nested'), 'MANIFEST_INVALID', /installed-rpms is not a regular file \(a directory\)/],
    ];
    writeFileSync(join(dir, 'binary'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1]));
    writeFileSync(join(dir, 'list.gz'), gzipSync(RPM_QA));
    writeFileSync(join(dir, 'latin1.txt'), Buffer.from('bash-4.4.19-10.el8.x86_64\ncaf\xe9-1-1.x86_64\n', 'latin1'));
    mkdirSync(join(dir, 'nested', SOSREPORT_PACKAGE_LIST), { recursive: true });
    for (const [path, code, message] of bad) {
      await assert.rejects(readPackageListText(path), (e) => isFerryError(e) && e.code === code && message.test(e.message), path);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
