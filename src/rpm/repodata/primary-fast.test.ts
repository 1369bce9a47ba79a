/**
 * The fast path (readPrimary with `fast: true`) against the general tokenizer (readPrimaryTokenized):
 * the same packages on real CentOS Stream 9 repodata and on hand-written edge cases, the same errors
 * (code and message, byte offsets included) on bad input, and proof that the scanner really claims
 * the packages it should (so the equality is not that of two runs of the tokenizer).
 */
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { isFerryError } from '../../core/errors.js';
import { sharedPath, skipUnlessShared } from '../../../test/support/shared.js';
import type { Package } from '../types.js';
import { readPrimary, readPrimaryTokenized, type ReaderOptions } from './primary.js';
import { PK_WIDTH } from './primary-scan.js';
import { createWasmScanner } from './primary-scan-wasm.js';
import { loadPackages } from './load.js';
import { openRepo, readAll } from './repo.js';

const BASEOS = ['repodata', 'cs9-baseos-20220207'];
const APPSTREAM = ['repodata', 'cs9-appstream-20250113'];

async function collect(gen: AsyncGenerator<Package>): Promise<Package[]> {
  const out: Package[] = [];
  for await (const p of gen) out.push(p);
  return out;
}

function chunks(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

async function primaryOf(parts: string[]): Promise<Buffer> {
  return readAll(await (await openRepo(sharedPath(...parts))).openData('primary'));
}

async function assertSame(xml: Buffer, options: ReaderOptions, sizes = [xml.length]): Promise<Package[]> {
  const ref = await collect(readPrimaryTokenized([xml], { name: 'p.xml' }));
  for (const size of sizes) {
    const fast = await collect(readPrimary(chunks(xml, size), { ...options, name: 'p.xml', fast: true }));
    assert.equal(fast.length, ref.length, `chunk size ${size}`);
    for (let i = 0; i < ref.length; i++) assert.deepStrictEqual(fast[i], ref[i], `package ${i}, chunk size ${size}`);
  }
  return ref;
}

test('fast path: every BaseOS and AppStream package equals the tokenizer\'s', { skip: skipUnlessShared(...APPSTREAM) }, async () => {
  const base = await primaryOf(BASEOS);
  assert.equal((await assertSame(base, { workers: 0 }, [base.length, 65536])).length, 1125);
  assert.equal((await assertSame(base, { workers: 1 }, [65536])).length, 1125);
  const app = await primaryOf(APPSTREAM);
  assert.equal((await assertSame(app, { workers: 0 }, [1 << 20])).length, 17649);
});

test('fast path: loadPackages with `fast` equals loadPackages (BaseOS, filelists merged)', { skip: skipUnlessShared(...BASEOS) }, async () => {
  const repo = await openRepo(sharedPath(...BASEOS));
  const fast = await loadPackages(repo, { fast: true, filelists: true, repoid: 'baseos' });
  assert.equal(fast.length, 1125);
  assert.deepStrictEqual(fast, await loadPackages(repo, { filelists: true, repoid: 'baseos' }));
});

test('fast path: the scanner claims every createrepo_c package (nothing falls back)', { skip: skipUnlessShared(...BASEOS) }, async () => {
  const xml = await primaryOf(BASEOS);
  const start = xml.indexOf('<package');
  const end = xml.lastIndexOf('</package>') + '</package>'.length;
  const batch = createWasmScanner().scan(xml.subarray(start, end), end - start);
  assert.equal(batch.consumed, end - start);
  assert.equal(batch.packages.length / PK_WIDTH, 1125);
});

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" ' +
  'xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="9">\n';
const pkg = (name: string, body = '', format = ''): string =>
  `<package type="rpm">\n  <name>${name}</name>\n  <arch>x86_64</arch>\n  <version epoch="0" ver="1.0" rel="1.el9"/>\n` +
  `  <checksum type="sha256" pkgid="YES">${name}0123</checksum>\n  <summary>S ${name}</summary>\n` +
  `  <description>D ${name}</description>\n  <packager>p@x</packager>\n  <url>https://x/${name}</url>\n` +
  `  <time file="1716330110" build="1715287144"/>\n  <size package="2922140" installed="11556907" archive="11596752"/>\n` +
  `  <location href="Packages/${name}.rpm"/>\n${body}  <format>\n    <rpm:license>MIT</rpm:license>\n` +
  '    <rpm:vendor>CentOS</rpm:vendor>\n    <rpm:group>Unspecified</rpm:group>\n    <rpm:buildhost>b</rpm:buildhost>\n' +
  `    <rpm:sourcerpm>${name}.src.rpm</rpm:sourcerpm>\n    <rpm:header-range start="1" end="2"/>\n` +
  `    <rpm:provides>\n      <rpm:entry name="${name}" flags="EQ" epoch="0" ver="1.0" rel="1.el9"/>\n    </rpm:provides>\n` +
  '    <rpm:requires>\n      <rpm:entry name="/bin/sh" pre="1"/>\n      <rpm:entry name="/bin/sh"/>\n' +
  '      <rpm:entry name="libc.so.6(GLIBC_2.34)(64bit)"/>\n      <rpm:entry name="x" flags="GE" epoch="2" ver="3"/>\n' +
  `    </rpm:requires>\n${format}    <file>/usr/bin/${name}</file>\n    <file type="dir">/etc/${name}</file>\n  </format>\n</package>\n`;
const doc = (...packages: string[]): Buffer => Buffer.from(`${HEAD}${packages.join('')}</metadata>\n`);

test('fast path: edge cases the scanner reads or declines give the tokenizer\'s packages', async () => {
  const edge = doc(
    pkg('plain'),
    pkg('refs', '', '    <rpm:obsoletes><rpm:entry name="a&amp;b&#x41;" flags="LT" epoch="0" ver="1&lt;2"/></rpm:obsoletes>\n')
      .replace('<summary>S refs</summary>', '<summary>a &lt;b&gt; &amp; ünïcødé ✓</summary>'),
    pkg('comment', '  <!-- a comment inside a package -->\n'),
    pkg('cdata').replace('<description>D cdata</description>', '<description><![CDATA[<raw & stuff>]]></description>'),
    pkg('unknown', '  <extra a="1">x</extra>\n'),
    pkg('quotes').replace('<location href="Packages/quotes.rpm"/>', "<location xml:base='http://m/' href = 'Packages/q.rpm' />"),
    pkg('spaces').replace('<name>spaces</name>', '<name >spaces</name >').replace('<summary>S spaces</summary>', '<summary/>'),
    pkg('minimal').replace(/ {2}<(summary|description|packager|url|time|size|checksum)[^\n]*\n/g, '')
      .replace('<version epoch="0" ver="1.0" rel="1.el9"/>', '<version ver="1.0"/>'),
    pkg('entries', '', '    <rpm:conflicts>\n      <rpm:entry/>\n      <rpm:entry name="c" pre="0"/>\n' +
      '      <rpm:entry name="d" flags="EQ"/>\n      <rpm:entry name="e" epoch="0" ver="1"/>\n' +
      '      <rpm:entry name="f" flags="LE" pre="1"/>\n    </rpm:conflicts>\n'),
    pkg('after-text'), 'stray text between packages\n', pkg('last'),
  );
  const ref = await assertSame(edge, { workers: 0 }, [edge.length, 1, 7, 64, 333]);
  assert.equal(ref.length, 11);
  assert.equal(ref[1].summary, 'a <b> & ünïcødé ✓');
  assert.deepEqual(ref[1].obsoletes, [{ name: 'a&bA', flags: 'LT', evr: { epoch: 0, version: '1<2' } }]);
  assert.equal(ref[3].description, '<raw & stuff>');
  assert.deepEqual(ref[8].conflicts, [{ name: '' }, { name: 'c' }, { name: 'd', flags: 'EQ', evr: { epoch: 0, version: '' } },
    { name: 'e', evr: { epoch: 0, version: '1' } },
    { name: 'f', flags: 'LE', evr: { epoch: 0, version: '' }, pre: true }]);
});

test('fast path: several slices, in a worker and here, with declines between them', async () => {
  const many: string[] = [];
  for (let i = 0; i < 4000; i++) many.push(i % 997 === 5 ? pkg(`p${i}`, '  <!-- declined -->\n') : pkg(`p${i}`));
  const xml = doc(...many);
  assert.ok(xml.length > 3 << 20, 'more than the worker threshold and several slices');
  assert.equal((await assertSame(xml, { workers: 1 }, [1 << 16])).length, 4000);
  assert.equal((await assertSame(xml, { workers: 0 }, [xml.length])).length, 4000);
});

test('fast path: a slice cut inside a comment (speculation fails; read again in order), and an error in a worker\'s slice', async () => {
  // A comment holding '</package>' near each package's end: some slices are cut inside it, so a worker's
  // slice ends mid-comment and everything after it must be read again by the tokenizer.
  const many: string[] = [];
  for (let i = 0; i < 9000; i++) {
    many.push(i % 2 ? pkg(`p${i}`).replace('</format>\n</package>', '</format>\n<!-- x </package> y -->\n</package>') : pkg(`p${i}`));
  }
  const xml = doc(...many);
  assert.equal((await assertSame(xml, { workers: 1 }, [1 << 16])).length, 9000);
  const bad = Buffer.from(xml.toString().replace('<name>p3500</name>', '<name>p3500</nam>'));
  let caught: unknown;
  await assert.rejects(collect(readPrimaryTokenized([bad], { name: 'p.xml' })), (e) => { caught = e; return true; });
  const expected = caught;
  assert.ok(isFerryError(expected, 'REPO_METADATA'));
  await assert.rejects(collect(readPrimary(chunks(bad, 1 << 16), { name: 'p.xml', fast: true, workers: 1 })), (e) => {
    assert.ok(isFerryError(e, 'REPO_METADATA'));
    assert.equal(e.message, expected.message);
    return true;
  });
  const plain = Buffer.from(doc(...many.map((m) => m.replace('<!-- x </package> y -->\n', ''))).toString()
    .replace('<name>p3500</name>', '<name>p3500</nam>'));
  await assert.rejects(collect(readPrimaryTokenized([plain], { name: 'p.xml' })), (e) => { caught = e; return true; });
  const expectedPlain = caught;
  assert.ok(isFerryError(expectedPlain, 'REPO_METADATA'));
  await assert.rejects(collect(readPrimary(chunks(plain, 1 << 16), { name: 'p.xml', fast: true, workers: 1 })), (e) => {
    assert.ok(isFerryError(e, 'REPO_METADATA'));
    assert.equal(e.message, expectedPlain.message);
    return true;
  });
});

test('fast path: bad input is refused with the tokenizer\'s code and message', async () => {
  const bad: [string, string][] = [
    ['DOCTYPE', HEAD.replace('<metadata', '<!DOCTYPE m [<!ENTITY a "b">]>\n<metadata') + pkg('a') + '</metadata>'],
    ['entity in an entry', doc(pkg('a', '', '    <rpm:enhances><rpm:entry name="&lol9;"/></rpm:enhances>\n')).toString()],
    ['entity in text', doc(pkg('a').replace('D a', '&xxe;')).toString()],
    ['bad character reference', doc(pkg('a').replace('S a', '&#0;')).toString()],
    ['markup declaration in a package', doc(pkg('a', '  <!ENTITY x "y">\n')).toString()],
    ['mismatched end tag', doc(pkg('a').replace('</name>', '</nam>')).toString()],
    ['< in an attribute', doc(pkg('a').replace('ver="1.0" rel', 'ver="1<0" rel')).toString()],
    ['package without a name', doc(pkg('a').replace('<name>a</name>', '<name></name>')).toString()],
    ['bad epoch', doc(pkg('a').replace('epoch="2"', 'epoch="x"')).toString()],
    ['bad flags', doc(pkg('a').replace('flags="GE"', 'flags="XX"')).toString()],
    ['truncated in a package', doc(pkg('a'), pkg('b')).toString().slice(0, -200)],
    ['truncated after the packages', doc(pkg('a')).toString().replace('</metadata>\n', '')],
    ['a second root', doc(pkg('a')).toString() + '<metadata/>'],
  ];
  for (const [what, xml] of bad) {
    const bytes = Buffer.from(xml);
    let caught: unknown;
    await assert.rejects(collect(readPrimaryTokenized([bytes], { name: 'p.xml' })), (e) => { caught = e; return true; });
    const expected = caught;
    assert.ok(isFerryError(expected), `${what}: the tokenizer refuses it with a FerryError`);
    for (const size of [bytes.length, 13]) {
      await assert.rejects(collect(readPrimary(chunks(bytes, size), { name: 'p.xml', fast: true })), (e) => {
        assert.ok(isFerryError(e, expected.code), `${what}: ${String(e)}`);
        assert.equal(e.message, expected.message, what);
        return true;
      });
    }
  }
});

test('fast path: errors of the byte stream (open-checksum, decompression caps) are the default path\'s', async () => {
  const many: string[] = [];
  for (let i = 0; i < 4000; i++) many.push(pkg(`p${i}`));
  const open = doc(...many);
  const stored = gzipSync(open);
  const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
  const dir = mkdtempSync(join(tmpdir(), 'ferry-fast-'));
  try {
    /** A repository whose primary declares these open-checksum and open-size. */
    const repoWith = (name: string, openChecksum: string, openSize: number): string => {
      const root = join(dir, name);
      mkdirSync(join(root, 'repodata'), { recursive: true });
      writeFileSync(join(root, 'repodata', 'primary.xml.gz'), stored);
      writeFileSync(join(root, 'repodata', 'repomd.xml'), '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<repomd xmlns="http://linux.duke.edu/metadata/repo"><data type="primary">' +
        `<checksum type="sha256">${sha(stored)}</checksum><open-checksum type="sha256">${openChecksum}</open-checksum>` +
        `<location href="repodata/primary.xml.gz"/><size>${stored.length}</size><open-size>${openSize}</open-size></data></repomd>\n`);
      return root;
    };
    const cases: [string, string, RegExp][] = [
      [repoWith('sum', 'f'.repeat(64), open.length), 'REPO_CHECKSUM', /open-checksum/],
      [repoWith('size', sha(open), 3_000_000), 'REPO_DECOMPRESSION_BOMB', /open-size of 3000000 bytes/],
    ];
    for (const [root, code, pattern] of cases) {
      let caught: unknown;
      const read = async (options: ReaderOptions): Promise<Package[]> => {
        const repo = await openRepo(root);
        return collect(readPrimary(await repo.openData('primary'), { name: 'primary.xml.gz', ...options }));
      };
      await assert.rejects(read({}), (e) => { caught = e; return true; });
      const expected = caught;
      assert.ok(isFerryError(expected, code as 'REPO_CHECKSUM'), String(expected));
      assert.match(expected.message, pattern);
      for (const workers of [0, 1]) {
        await assert.rejects(read({ fast: true, workers }), (e) => {
          assert.ok(isFerryError(e, expected.code), `workers ${workers}: ${String(e)}`);
          assert.equal(e.message, expected.message);
          return true;
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
