import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError, type ErrorCode } from '../../core/errors.js';
import { createXmlTokenizer, decodeEntities } from './xml.js';
import { readPrimary } from './primary.js';

type Event = string;

/** Tokenizes `xml` fed in chunks of `size` bytes; returns the events as strings. */
function tokenize(xml: string | Buffer, size = 1 << 20, captureAll = true): Event[] {
  const events: Event[] = [];
  const t = createXmlTokenizer({
    open(name, a, self) {
      const attrs = ['id', 'v', 'xml:base'].map((k) => a.get(k)).filter((v) => v !== undefined);
      events.push(`<${name}${attrs.length ? ' ' + attrs.join(',') : ''}${self ? '/' : ''}>`);
      return captureAll;
    },
    close(name, text) { events.push(`</${name}>${text ?? ''}`); },
  }, { name: 'test.xml' });
  const buf = Buffer.isBuffer(xml) ? xml : Buffer.from(xml);
  for (let i = 0; i < buf.length; i += size) t.write(buf.subarray(i, i + size));
  t.end();
  return events;
}

function rejects(xml: string, code: ErrorCode, pattern?: RegExp): void {
  assert.throws(() => tokenize(xml), (err: unknown) => {
    assert.ok(isFerryError(err, code), `expected ${code}, got ${String(err)}`);
    assert.match(err.message, /test\.xml: byte \d+/);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

const SAMPLE = '<?xml version="1.0" encoding="UTF-8"?>\n<!-- a comment -->\n' +
  '<root xmlns="x"><a id="1" v=\'q&quot;&#x41;&#66;\'>t&lt;e&amp;x&gt;t <![CDATA[<raw & stuff>]]></a>' +
  '<b id="é"/>\n  <c>ünïcødé ✓</c><d xml:base="http://h/"></d></root>\n';

test('tokenizer: events, attributes, entities, CDATA, UTF-8', () => {
  assert.deepEqual(tokenize(SAMPLE), [
    '<root>', '<a 1,q"AB>', '</a>t<e&x>t <raw & stuff>', '<b é/>', '</b>', '<c>', '</c>ünïcødé ✓',
    '<d http://h/>', '</d>', '</root>',
  ]);
});

test('tokenizer: every chunk split gives the same events (tokens across chunk boundaries)', () => {
  const whole = tokenize(SAMPLE);
  const bytes = Buffer.from(SAMPLE);
  for (const size of [1, 2, 3, 5, 7, 11, 13]) {
    assert.deepEqual(tokenize(bytes, size), whole, `chunk size ${size}`);
    // The checks on unread attributes and skipped text hold across chunk boundaries too.
    for (const bad of ['<r><x a="&lol9;"/></r>', '<r><x>&lol9;</x></r>', '<r><x a="1<"/></r>']) {
      assert.throws(() => tokenize(bad, size, false), (e) => isFerryError(e), `${bad} at chunk size ${size}`);
    }
  }
});

test('tokenizer: text is not decoded unless asked for', () => {
  assert.deepEqual(tokenize('<r><a>x</a></r>', 4, false), ['<r>', '<a>', '</a>', '</r>']);
});

test('hostile: DOCTYPE, internal subset and external entity (XXE) are refused', () => {
  rejects('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>',
    'REPO_HOSTILE_XML', /DOCTYPE/);
  rejects('<!DOCTYPE r SYSTEM "http://evil/x.dtd"><r/>', 'REPO_HOSTILE_XML');
  rejects('<r><!ENTITY a "b"></r>', 'REPO_HOSTILE_XML', /ENTITY/);
});

test('hostile: billion laughs is refused at the DTD, before any expansion', () => {
  const lol = ['<?xml version="1.0"?>', '<!DOCTYPE lolz [', ' <!ENTITY lol "lol">'];
  for (let i = 1; i <= 9; i++) lol.push(` <!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  lol.push(']>', '<lolz>&lol9;</lolz>');
  const before = process.memoryUsage().heapUsed;
  rejects(lol.join('\n'), 'REPO_HOSTILE_XML');
  assert.ok(process.memoryUsage().heapUsed - before < 50 * 1024 * 1024);
  // Without its DTD, a named reference is refused too (nothing but the five predefined is decoded).
  rejects('<lolz>&lol9;</lolz>', 'REPO_HOSTILE_XML', /&lol9;/);
  rejects('<lolz a="&lol9;"/>', 'REPO_HOSTILE_XML', /&lol9;/);
});

test('entities: only the five predefined and valid numeric references decode', () => {
  const where = (): string => 'f';
  assert.equal(decodeEntities('&lt;&gt;&amp;&quot;&apos;&#65;&#x1F600;', where), '<>&"\'A😀');
  assert.throws(() => decodeEntities('&#0;', where), (e) => isFerryError(e, 'REPO_METADATA'));
  assert.throws(() => decodeEntities('&#xD800;', where), (e) => isFerryError(e, 'REPO_METADATA'));
  assert.throws(() => decodeEntities('a & b', where), (e) => isFerryError(e, 'REPO_METADATA'));
  assert.throws(() => decodeEntities('&nbsp;', where), (e) => isFerryError(e, 'REPO_HOSTILE_XML'));
});

test('truncated documents are REPO_TRUNCATED', () => {
  rejects('<r><a>text</a>', 'REPO_TRUNCATED', /<r> still open/);
  rejects('<r><a x="1', 'REPO_TRUNCATED', /inside a tag/);
  rejects('<r><!-- never closed', 'REPO_TRUNCATED');
  rejects('', 'REPO_TRUNCATED', /no root/);
  rejects('<?xml version="1.0"?>\n', 'REPO_TRUNCATED', /no root/);
});

test('non-ASCII element names: an end tag matches its start tag by UTF-8 bytes', () => {
  assert.deepEqual(tokenize('<r><é>x</é><ü/></r>'), ['<r>', '<é>', '</é>x', '<ü/>', '</ü>', '</r>']);
  for (const size of [1, 2, 3]) assert.deepEqual(tokenize(Buffer.from('<r><é>x</é></r>'), size), ['<r>', '<é>', '</é>x', '</r>']);
  rejects('<r><é>x</è></r>', 'REPO_METADATA', /end tag <\/è> does not match <é>/);
});

test('malformed XML is REPO_METADATA with the byte offset', () => {
  rejects('<r><a></b></r>', 'REPO_METADATA', /byte 6: end tag <\/b> does not match <a>/);
  rejects('<r a=1/>', 'REPO_METADATA', /not quoted/);
  rejects('<r a="<"/>', 'REPO_METADATA', /'<' in an attribute/);
  rejects('<r/><r/>', 'REPO_METADATA', /second root/);
  rejects('text<r/>', 'REPO_METADATA', /outside the root/);
  rejects('<r>&#xZZ;</r>', 'REPO_METADATA', /character reference/);
  rejects(`${'<a>'.repeat(300)}`, 'REPO_METADATA', /nested deeper/);
});

test('a token beyond maxTokenBytes is refused while streaming (memory stays bounded)', () => {
  const t = createXmlTokenizer({ open: () => true, close: () => undefined }, { name: 'big.xml', maxTokenBytes: 1024 });
  t.write(Buffer.from('<r>'));
  assert.throws(() => { for (let i = 0; i < 10; i++) t.write(Buffer.from('&amp;'.repeat(100))); },
    (e) => isFerryError(e, 'REPO_METADATA') && /longer than 1024/.test(e.message));
});

test('readPrimary: one package, every field', async () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="1">
<package type="rpm">
  <name>bash</name><arch>x86_64</arch>
  <version epoch="0" ver="5.1.8" rel="2.el9"/>
  <checksum type="sha256" pkgid="YES">abc123</checksum>
  <summary>The GNU Bourne Again shell</summary>
  <description>Bash &amp; more</description>
  <packager>CentOS Buildsys &lt;bugs@centos.org&gt;</packager>
  <url>https://www.gnu.org/software/bash</url>
  <time file="1" build="2"/><size package="3" installed="4" archive="5"/>
  <location xml:base="http://mirror/" href="Packages/bash-5.1.8-2.el9.x86_64.rpm"/>
  <format>
    <rpm:license>GPLv3+</rpm:license><rpm:vendor>CentOS</rpm:vendor><rpm:group>Unspecified</rpm:group>
    <rpm:buildhost>b.centos.org</rpm:buildhost><rpm:sourcerpm>bash-5.1.8-2.el9.src.rpm</rpm:sourcerpm>
    <rpm:header-range start="4504" end="76577"/>
    <rpm:provides><rpm:entry name="bash" flags="EQ" epoch="0" ver="5.1.8" rel="2.el9"/></rpm:provides>
    <rpm:requires><rpm:entry name="/bin/sh" pre="1"/><rpm:entry name="filesystem" flags="GE" ver="3"/></rpm:requires>
    <rpm:obsoletes><rpm:entry name="(a if b)"/></rpm:obsoletes>
    <file>/usr/bin/bash</file><file type="dir">/etc/skel</file>
  </format>
</package>
</metadata>`;
  const pkgs = [];
  for await (const p of readPrimary([Buffer.from(xml)])) pkgs.push(p);
  assert.equal(pkgs.length, 1);
  const p = pkgs[0];
  assert.deepEqual([p.name, p.arch, p.epoch, p.version, p.release], ['bash', 'x86_64', 0, '5.1.8', '2.el9']);
  assert.deepEqual(p.checksum, { type: 'sha256', value: 'abc123' });
  assert.equal(p.pkgid, 'abc123');
  assert.equal(p.description, 'Bash & more');
  assert.equal(p.packager, 'CentOS Buildsys <bugs@centos.org>');
  assert.deepEqual(p.time, { file: 1, build: 2 });
  assert.deepEqual(p.size, { package: 3, installed: 4, archive: 5 });
  assert.equal(p.location, 'Packages/bash-5.1.8-2.el9.x86_64.rpm');
  assert.equal(p.locationBase, 'http://mirror/');
  assert.deepEqual([p.license, p.vendor, p.group, p.buildhost, p.sourcerpm],
    ['GPLv3+', 'CentOS', 'Unspecified', 'b.centos.org', 'bash-5.1.8-2.el9.src.rpm']);
  assert.deepEqual(p.provides, [{ name: 'bash', flags: 'EQ', evr: { epoch: 0, version: '5.1.8', release: '2.el9' } }]);
  assert.deepEqual(p.requires, [
    { name: '/bin/sh', pre: true }, { name: 'filesystem', flags: 'GE', evr: { epoch: 0, version: '3' } },
  ]);
  assert.deepEqual(p.obsoletes, [{ name: '(a if b)' }]);
  assert.deepEqual(p.files, ['/usr/bin/bash', '/etc/skel']);
});
