import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError } from '../core/index.js';
import { buildColumnarPool, type ColumnarPool } from './columnar.js';
import { readPrimary } from './repodata/index.js';
import type { Package } from './types.js';

// Hand-written primary.xml exercising what the scanner's one-unit path does not take: references in text
// and attributes, CDATA and a comment inside a captured element, a non-"EQ" flag, pre="0", an element the
// scanner does not know (kept on the stack by its own bytes), <time>, <rpm:vendor>, a self-closing <arch/>.
const XML = `<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment before the root -->
<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="3">
<package type="rpm">
  <name>a&amp;b</name>
  <arch>x86_64</arch>
  <version epoch="2" ver="1.0" rel="1.el9"/>
  <checksum type="sha256" pkgid="YES">abc</checksum>
  <summary>Tom &amp; Jerry &lt;3</summary>
  <description><![CDATA[raw <b> text]]> &#233;t&#xe9;</description>
  <time file="1700000001" build="4000000000"/>
  <location href="Packages/a&amp;b.rpm"/>
  <unknown-element x="1"><nested>t</nested></unknown-element>
  <format>
    <rpm:vendor>CentOS&#32;Project</rpm:vendor>
    <rpm:sourcerpm>a-1.0-1.el9.src.rpm</rpm:sourcerpm>
    <rpm:provides>
      <rpm:entry name="a&amp;b" flags="EQ" epoch="2" ver="1.0" rel="1.el9"/>
      <rpm:entry name='single-quoted' flags="GE" ver="3"/>
    </rpm:provides>
    <rpm:requires>
      <rpm:entry name="/bin/sh" pre="1"/>
      <rpm:entry name="x" pre="0"/>
      <rpm:entry name="(b if c)"/>
      <rpm:entry name="y" flags="LT" epoch="0" ver="2" rel="1"/>
    </rpm:requires>
    <rpm:conflicts><rpm:entry name="z" flags="LE" epoch="0" ver="1"/></rpm:conflicts>
    <file>/usr/bin/<!-- split -->a</file>
    <file type="dir">/etc/a&#x2F;d</file>
    <file><![CDATA[/usr/share/a]]></file>
  </format>
</package>
<package type="rpm"><name>b</name><arch/><version epoch="0" ver="2" rel="1"/><location href="b.rpm"/>
<format><rpm:obsoletes><rpm:entry name="a&amp;b" flags="GT" epoch="0" ver="0"/></rpm:obsoletes>
<rpm:enhances><rpm:entry name="a&amp;b"/></rpm:enhances></format></package>
<package type="rpm"><name>c</name><arch>noarch</arch><version ver="3"/><format>
<rpm:recommends><rpm:entry name="b"/></rpm:recommends><rpm:suggests><rpm:entry name="d"/></rpm:suggests>
<rpm:supplements><rpm:entry name="e" flags="GE" epoch="1" ver="1"/></rpm:supplements></format></package>
</metadata>
`;

const view = (p: Package) => ({
  name: p.name, arch: p.arch, epoch: p.epoch, version: p.version, release: p.release, location: p.location,
  pkgid: p.pkgid, sourcerpm: p.sourcerpm, vendor: p.vendor, time: p.time, provides: p.provides,
  requires: p.requires, conflicts: p.conflicts, obsoletes: p.obsoletes, recommends: p.recommends,
  suggests: p.suggests, supplements: p.supplements, enhances: p.enhances, files: p.files,
});

async function reference(xml: string): Promise<Package[]> {
  const out: Package[] = [];
  for await (const p of readPrimary([Buffer.from(xml)])) out.push(p);
  return out;
}
const packages = (pool: ColumnarPool) => Array.from({ length: pool.solvableCount }, (_, s) => view(pool.packageAt(s)));

test('scanner: the same packages as readPrimary (xml.ts) on references, CDATA, comments, quotes, flags', async () => {
  const want = (await reference(XML)).map(view);
  assert.equal(want.length, 3);
  assert.equal(want[0].name, 'a&b');
  assert.deepEqual(want[0].files, ['/usr/bin/a', '/etc/a/d', '/usr/share/a']);
  assert.equal(want[0].vendor, 'CentOS Project');
  assert.deepEqual(want[0].time, { file: 1700000001, build: 4000000000 });
  assert.deepEqual(packages(await buildColumnarPool([{ repo: 'r', primary: [Buffer.from(XML)] }])), want);
});

test('scanner: every split of the input into two chunks gives the same pool', async () => {
  const bytes = Buffer.from(XML);
  const want = (await reference(XML)).map(view);
  // the whole pool, string table included, byte for byte: a tag cut by a chunk boundary interns nothing twice
  const whole = (await buildColumnarPool([{ repo: 'r', primary: [bytes] }])).serialize('k');
  for (let cut = 1; cut < bytes.length; cut++) {
    const pool = await buildColumnarPool([{ repo: 'r', primary: [bytes.subarray(0, cut), bytes.subarray(cut)] }]);
    assert.deepEqual(packages(pool), want, `split at byte ${cut}`);
    assert.ok(pool.serialize('k').equals(whole), `split at byte ${cut}: the same columns and strings`);
  }
  // one byte at a time: every token spans chunks
  const bytewise = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
  assert.deepEqual(packages(await buildColumnarPool([{ repo: 'r', primary: bytewise }])), want);
});

test('scanner: equal strings get one id whether or not they were written with references', async () => {
  const pool = await buildColumnarPool([{ repo: 'r', primary: [Buffer.from(XML)] }]);
  // "a&b" is the name of package 0 (via &amp;) and b's obsoletes and enhances: one string, one dependency
  const obs = pool.deps(1, 'obsoletes')[0];
  assert.equal(pool.depName(obs), pool.nameOf(0));
  assert.deepEqual([...pool.obsoleters(pool.nameOf(0))], [1]);
  assert.equal(pool.id('a&b'), pool.nameOf(0));
});

test('scanner: an entry in createrepo_c\'s form and the same entry spelled otherwise are one dependency', async () => {
  // package 0's entries take the one-pass form; package 1 spells each differently (quotes, spacing, order)
  const xml = `<metadata><package><name>p</name><arch/><format><rpm:requires>
    <rpm:entry name="y" flags="LT" epoch="0" ver="2" rel="1"/><rpm:entry name="v" flags="EQ" ver="3"/>
    <rpm:entry name="s" pre="1"/><rpm:entry name="f" flags="GE" ver="1.0"/><rpm:entry name=""/>
    <rpm:entry name="e" flags="GT" epoch="1" ver="2" rel="3" pre="1"/></rpm:requires></format></package>
    <package><name>q</name><format><rpm:requires>
    <rpm:entry  rel="1" ver='2' epoch="0" flags="LT" name="y" /><rpm:entry ver="3" flags="EQ" name="v"/>
    <rpm:entry pre="1" name="s"/><rpm:entry ver="1.0" flags='GE' name="f"/><rpm:entry name=''/>
    <rpm:entry pre="1" rel="3" ver="2" epoch="1" flags="GT" name="e"/></rpm:requires></format></package></metadata>`;
  const pool = await buildColumnarPool([{ repo: 'r', primary: [Buffer.from(xml)] }]);
  assert.deepEqual([...pool.deps(1, 'requires')], [...pool.deps(0, 'requires')]);
  assert.equal(pool.depCount, 6);
  assert.deepEqual(pool.packageAt(0).requires, (await reference(xml))[0].requires);
  // the empty name is the empty string's one id (the id of p's empty <arch/>)
  assert.equal(pool.depName(pool.deps(0, 'requires')[4]), pool.archOf(0));
});

// Each case is refused by both readers with the same code (and the scanner's message names the file).
const PKG = '<metadata><package><name>a</name><format><rpm:requires>';
const END = '</rpm:requires></format></package></metadata>';
const HOSTILE: [string, string, RegExp][] = [
  ['<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><metadata>&x;</metadata>', 'REPO_HOSTILE_XML', /DOCTYPE/],
  ['<metadata><package><name>a</name><description>&lol;</description></package></metadata>', 'REPO_HOSTILE_XML', /&lol;/],
  [`${PKG}<rpm:entry name="&xxe;"/>${END}`, 'REPO_HOSTILE_XML', /&xxe;/],
  ['<metadata><package><name>a&bad;</name></package></metadata>', 'REPO_HOSTILE_XML', /&bad;/],
  ['<metadata x="&e;"/>', 'REPO_HOSTILE_XML', /&e;/],
  ['<metadata><package><name>a</name>', 'REPO_TRUNCATED', /still open/],
  [`${PKG}<rpm:entry name="a`, 'REPO_TRUNCATED', /inside a tag/],
  ['', 'REPO_TRUNCATED', /no root/],
  ['<metadata><package><name>a</arch></package></metadata>', 'REPO_METADATA', /end tag <\/arch> does not match <name>/],
  ['<metadata><package><name>a</name></pkg></metadata>', 'REPO_METADATA', /does not match <package>/],
  [`${PKG}<rpm:entry name=a/>${END}`, 'REPO_METADATA', /not quoted/],
  [`${PKG}<rpm:entry name="<"/>${END}`, 'REPO_METADATA', /'<' in an attribute/],
  [`${PKG}<rpm:entry name="a" flags="XX" ver="1"/>${END}`, 'REPO_METADATA', /flags="XX"/],
  ['<metadata><package><name>a</name><version epoch="x" ver="1"/></package></metadata>', 'REPO_METADATA', /epoch "x"/],
  ['<metadata><package><arch>x</arch></package></metadata>', 'REPO_METADATA', /without a <name>/],
  ['<metadata/><metadata/>', 'REPO_METADATA', /second root/],
  ['text<metadata/>', 'REPO_METADATA', /outside the root/],
  [`<metadata>${'<a>'.repeat(300)}`, 'REPO_METADATA', /nested deeper/],
  ['<metadata><package><name>&#xZZ;</name></package></metadata>', 'REPO_METADATA', /character reference/],
];

test('scanner: hostile and malformed input is refused like readPrimary, with the same error code', async () => {
  for (const [xml, code, message] of HOSTILE) {
    await assert.rejects(reference(xml), (e) => isFerryError(e) && e.code === code, `readPrimary: ${xml}`);
    await assert.rejects(buildColumnarPool([{ repo: 'r', primary: [Buffer.from(xml)], name: 'bad.xml' }]),
      (e) => isFerryError(e) && e.code === code && message.test(e.message) && e.message.startsWith('bad.xml'),
      `scanner: ${xml}`);
  }
});

test('scanner: a size hint only sizes the tables: a wrong one (tiny, huge, negative) gives the same pool', async () => {
  const want = packages(await buildColumnarPool([{ repo: 'r', primary: [Buffer.from(XML)] }]));
  for (const sizeHint of [1, XML.length, 1e12, -5]) {
    assert.deepEqual(packages(await buildColumnarPool([{ repo: 'r', primary: [Buffer.from(XML)], sizeHint }])), want, `hint ${sizeHint}`);
  }
});
