import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { isFerryError } from '../../core/index.js';
import { sharedPath, skipUnlessShared } from '../../../test/support/shared.js';
import { parseAdvisoryDate, readAdvisories, readUpdateinfo } from './updateinfo.js';

const ROCKY = ['repodata', 'rocky8-updateinfo-sample', 'updateinfo.xml'];
const HIST = ['security', 'updateinfo-historical'];
const EPEL4 = [...HIST, 'epel_epel-4-SRPMS-updateinfo.xml'];
const FC5 = [...HIST, 'fedora_fedora-linux-core-updates-5-i386-updateinfo.xml'];
const F9 = [...HIST, 'fedora_fedora-linux-updates-9-SRPMS-updateinfo.xml'];

const fromString = (s: string, chunk = 7) =>
  Readable.from(Array.from({ length: Math.ceil(s.length / chunk) }, (_, i) => Buffer.from(s.slice(i * chunk, (i + 1) * chunk))));
const count = (text: string, re: RegExp) => [...text.matchAll(re)].length;

test('Rocky 8 updateinfo: types, severities, dates, references, CVEs, modules', { skip: skipUnlessShared(...ROCKY) }, async () => {
  const file = sharedPath(...ROCKY);
  const advisories = await readAdvisories(createReadStream(file, { highWaterMark: 512 }), { file: 'updateinfo.xml' });
  assert.deepEqual(advisories.map((a) => [a.id, a.type, a.severity]), [
    ['RLBA-2021:2580', 'bugfix', 'None'],
    ['RLSA-2021:2575', 'security', 'Moderate'],
    ...advisories.slice(2, 3).map((a) => [a.id, a.type, a.severity]),
    ['RLSA-2019:1972', 'security', 'Important'],
  ]);
  const [fw, lz4] = advisories;
  assert.equal(fw.title, 'firewalld bug fix and enhancement update');
  assert.equal(fw.status, 'final');
  assert.equal(fw.issued, '2021-07-22 18:25:24');
  assert.equal(fw.updated, '2021-06-29 00:00:00');
  assert.deepEqual(fw.references, [{
    href: 'https://access.redhat.com/errata/RHBA-2021:2580', id: 'RHBA-2021:2580', type: 'erratum',
    title: 'Update information for RHBA-2021:2580 is retrieved from Red Hat',
  }]);
  assert.deepEqual(fw.cves, []);
  assert.deepEqual(fw.collections[0].packages[1], {
    name: 'firewalld', epoch: 0, version: '0.8.2', release: '7.el8_4', arch: 'noarch',
    src: 'firewalld-0.8.2-7.el8_4.src.rpm', filename: 'firewalld-0.8.2-7.el8_4.noarch.rpm',
    sums: [{ type: 'sha256', value: 'df084b00f05c91c50e048ee20ce31705f8bc9b87b80fa2e352d53784acb672ff' }],
    rebootSuggested: false, restartSuggested: false, reloginSuggested: false,
  });
  assert.equal(fw.collections[0].short, 'RL8');
  assert.equal(fw.collections[0].name, 'Rocky Linux 8');
  assert.deepEqual(lz4.cves, ['CVE-2021-3520']);
  const ruby = advisories[3];
  assert.deepEqual(ruby.cves, ['CVE-2019-8324']);
  assert.deepEqual(ruby.bugzillas, ['1692520']);
  // a module version above 2^53, every digit kept
  assert.deepEqual(ruby.collections[0].module, {
    name: 'ruby', stream: '2.6', version: '8060020220628150300', context: 'd63f516d', arch: 'x86_64',
  });
  assert.ok(ruby.description?.startsWith('Ruby is an extensible'));
  assert.equal(ruby.solution, undefined); // <solution />
  const text = readFileSync(file, 'utf8');
  assert.equal(advisories.flatMap((a) => a.collections.flatMap((c) => c.packages)).length, count(text, /<package /g));
});

test('historical EPEL 4 and Fedora updateinfo: every update and package read', {
  skip: skipUnlessShared(...EPEL4) || skipUnlessShared(...FC5) || skipUnlessShared(...F9),
}, async () => {
  for (const parts of [EPEL4, FC5, F9]) {
    const text = readFileSync(sharedPath(...parts), 'utf8');
    const advisories = await readAdvisories(createReadStream(sharedPath(...parts)), { file: parts.at(-1) as string });
    const name = parts.at(-1);
    assert.equal(advisories.length, count(text, /<update /g), `${name} updates`);
    assert.equal(advisories.flatMap((a) => a.collections.flatMap((c) => c.packages)).length, count(text, /<package /g), `${name} packages`);
    assert.equal(advisories.flatMap((a) => a.references).length, count(text, /<reference /g), `${name} references`);
    assert.equal(advisories.flatMap((a) => a.bugzillas).length, count(text, /type="bugzilla"/g), `${name} bugzillas`);
    for (const a of advisories) {
      assert.match(a.id, /^FEDORA-/);
      assert.ok(a.title !== '', `${a.id} title`);
      assert.ok(a.issued === undefined || parseAdvisoryDate(a.issued) !== undefined, `${a.id} date ${a.issued}`);
    }
  }
  const fc5 = await readAdvisories(createReadStream(sharedPath(...FC5)), { file: 'fc5' });
  const tcpdump = fc5.find((a) => a.id === 'FEDORA-2007-348');
  assert.ok(tcpdump);
  assert.equal(tcpdump.issued, '2007-03-16 07:08:01.83');
  assert.deepEqual(tcpdump.cves, ['CVE-2007-1218']);
  assert.deepEqual(tcpdump.bugzillas, ['232349', '232363']);
  // old Fedora feeds put the reference title in the element's text
  assert.equal(tcpdump.references[1].title, 'CVE-2007-1218 tcpdump denial of service');
  assert.equal(tcpdump.collections[0].packages[0].epoch, 14);
  const fc5Reboots = fc5.flatMap((a) => a.collections.flatMap((c) => c.packages)).filter((p) => p.rebootSuggested);
  assert.equal(fc5Reboots.length, count(readFileSync(sharedPath(...FC5), 'utf8'), /<reboot_suggested>1</g));
  const [f9] = await readAdvisories(createReadStream(sharedPath(...F9)), { file: 'f9' });
  assert.equal(f9.id, 'FEDORA-2008-7748');
  assert.equal(f9.rebootSuggested, true); // from its packages' <reboot_suggested>True
  assert.equal(f9.collections[0].packages[0].epoch, 0); // no epoch attribute
  assert.equal(f9.collections[0].packages[0].release, '5.transition');
});

test('advisories stream one by one, in small chunks', async () => {
  const xml = '<?xml version="1.0"?><updates>' +
    '<update type="security" status="stable"><id>A-1</id><title>t &amp; u</title><issued date="1234567890"/>' +
    '<references><reference type="cve" href="https://x/CVE-2020-1234" title="t"/></references><pkglist>' +
    '<collection short="c"><package name="p" version="1" release="2" epoch="None" arch="x86_64" src="p.src.rpm"/>' +
    '</collection></pkglist></update><update type="bugfix"><id>A-2</id><title>two</title></update></updates>';
  const seen: string[] = [];
  for await (const a of readUpdateinfo(fromString(xml), { file: 'u.xml' })) seen.push(`${a.id}:${a.title}:${a.cves.join()}`);
  assert.deepEqual(seen, ['A-1:t & u:CVE-2020-1234', 'A-2:two:']);
  const [a] = await readAdvisories(fromString(xml), { file: 'u.xml' });
  assert.equal(parseAdvisoryDate(a.issued as string), '2009-02-13T23:31:30.000Z');
  assert.deepEqual(a.collections[0].packages.map((p) => `${p.name}-${p.epoch}:${p.version}-${p.release}.${p.arch}`), ['p-0:1-2.x86_64']);
});

test('parseAdvisoryDate', () => {
  assert.equal(parseAdvisoryDate('2021-07-22 18:25:24'), '2021-07-22T18:25:24.000Z');
  assert.equal(parseAdvisoryDate('2007-03-16 07:08:01.83'), '2007-03-16T07:08:01.830Z');
  assert.equal(parseAdvisoryDate('2012-02-28'), '2012-02-28T00:00:00.000Z');
  assert.equal(parseAdvisoryDate('2021-02-30 00:00:00'), undefined);
  assert.equal(parseAdvisoryDate('yesterday'), undefined);
});

async function expectError(xml: string, code: 'REPO_METADATA' | 'REPO_HOSTILE_XML' | 'REPO_TRUNCATED', re: RegExp) {
  await assert.rejects(readAdvisories(fromString(xml), { file: 'bad-updateinfo.xml' }), (err: unknown) => {
    assert.ok(isFerryError(err, code), String(err));
    assert.match(err.message, /bad-updateinfo\.xml/);
    assert.match(err.message, re);
    return true;
  });
}

test('hostile and malformed updateinfo is refused with the file named', async () => {
  await expectError('<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]><updates/>', 'REPO_HOSTILE_XML', /./);
  await expectError('<updates><update><id>&x;</id></update></updates>', 'REPO_HOSTILE_XML', /&x;/);
  await expectError('<updates><update type="security"><id>A-1</id><title>cut', 'REPO_TRUNCATED', /./);
  await expectError('<updates><update><title>no id</title></update></updates>', 'REPO_METADATA', /update #1: no <id>/);
  await expectError('<updates><update><id>A</id><id>B</id></update></updates>', 'REPO_METADATA', /\(A\): a second <id> "B"/);
  await expectError('<updates><update><id>M</id><pkglist><collection><module name="m" stream="s" version="1.5"/></collection></pkglist></update></updates>',
    'REPO_METADATA', /\(M\): module m:s version "1\.5"/);
  await expectError('<updates><update><id>P</id><pkglist><collection><package name="p" version="1" epoch="x"/></collection></pkglist></update></updates>',
    'REPO_METADATA', /package p: epoch "x"/);
});
