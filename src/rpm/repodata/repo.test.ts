import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isFerryError, type ErrorCode } from '../../core/errors.js';
import { skipUnlessTools } from '../../../test/support/shared.js';
import { floodResponse } from '../../../test/support/http.js';
import { detectCodec } from './decompress.js';
import { readFilelists, readOther } from './filelists.js';
import { loadPackages } from './load.js';
import { readPrimary } from './primary.js';
import { openRepo, type OpenRepoOptions } from './repo.js';

type Codec = 'gzip' | 'xz' | 'zstd' | 'bzip2' | 'plain';
const TOOL_CODECS = ['xz', 'zstd', 'bzip2'] as const;
const noTools = skipUnlessTools(...TOOL_CODECS);

let root: string;
before(() => { root = mkdtempSync(join(tmpdir(), 'ferry-repodata-test-')); });
after(() => { rmSync(root, { recursive: true, force: true }); });

function compress(data: Buffer, codec: Codec): Buffer {
  if (codec === 'plain') return data;
  if (codec === 'gzip') return gzipSync(data);
  const r = spawnSync(codec, ['-c'], { input: data, maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function primaryXml(n: number): Buffer {
  const pkgs: string[] = [];
  for (let i = 0; i < n; i++) {
    pkgs.push(`<package type="rpm"><name>pkg${i}</name><arch>noarch</arch>
<version epoch="${i % 3}" ver="1.${i}" rel="1.el9"/><checksum type="sha256" pkgid="YES">id${i}</checksum>
<summary>Package ${i}</summary><description>Test package ${i} &amp; friends</description>
<location href="Packages/pkg${i}-1.${i}-1.el9.noarch.rpm"/>
<format><rpm:license>MIT</rpm:license><rpm:provides><rpm:entry name="pkg${i}" flags="EQ" epoch="${i % 3}" ver="1.${i}" rel="1.el9"/></rpm:provides>
<rpm:requires><rpm:entry name="libc.so.6()(64bit)"/></rpm:requires><file>/usr/bin/pkg${i}</file></format></package>`);
  }
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="${n}">
${pkgs.join('\n')}
</metadata>
`);
}

function filelistsXml(n: number): Buffer {
  const pkgs: string[] = [];
  for (let i = 0; i < n; i++) {
    pkgs.push(`<package pkgid="id${i}" name="pkg${i}" arch="noarch"><version epoch="${i % 3}" ver="1.${i}" rel="1.el9"/>` +
      `<file>/usr/bin/pkg${i}</file><file type="dir">/usr/share/pkg${i}</file></package>`);
  }
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<filelists xmlns="http://linux.duke.edu/metadata/filelists" packages="${n}">${pkgs.join('\n')}</filelists>`);
}

interface DataFile {
  type: string;
  /** Uncompressed content. */
  open: Buffer;
  codec: Codec;
  /** Stored bytes override (tampering, truncation); checksums follow `stored` unless told otherwise. */
  stored?: Buffer;
  /** Declare these checksums instead of the true ones. */
  checksum?: string;
  openChecksum?: string | null;
  openSize?: number | null;
  /** Declare this <size> instead of the stored length. */
  size?: number;
  ext?: string;
}

let seq = 0;
/** Writes a repository (repodata/repomd.xml and the data files) and returns its directory. */
function writeRepo(files: DataFile[]): string {
  const dir = join(root, `repo${seq++}`);
  mkdirSync(join(dir, 'repodata'), { recursive: true });
  const entries = files.map((f) => {
    const stored = f.stored ?? compress(f.open, f.codec);
    const ext = f.ext ?? { gzip: '.gz', xz: '.xz', zstd: '.zst', bzip2: '.bz2', plain: '' }[f.codec];
    const href = `repodata/${f.type}.xml${ext}`;
    writeFileSync(join(dir, href), stored);
    const openSum = f.openChecksum === undefined ? sha256(f.open) : f.openChecksum;
    const openSize = f.openSize === undefined ? f.open.length : f.openSize;
    return `<data type="${f.type}">
  <checksum type="sha256">${f.checksum ?? sha256(stored)}</checksum>
  ${openSum === null ? '' : `<open-checksum type="sha256">${openSum}</open-checksum>`}
  <location href="${href}"/><timestamp>1700000000</timestamp><size>${f.size ?? stored.length}</size>
  ${openSize === null ? '' : `<open-size>${openSize}</open-size>`}
</data>`;
  });
  writeFileSync(join(dir, 'repodata', 'repomd.xml'), `<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">
<revision>1700000000</revision>
${entries.join('\n')}
</repomd>
`);
  return dir;
}

async function drain(location: string, type: string, options: OpenRepoOptions = {}): Promise<number> {
  const repo = await openRepo(location, options);
  let n = 0;
  for await (const p of readPrimary(await repo.openData(type), { name: repo.entry(type)?.location })) n += p.name ? 1 : 0;
  return n;
}

async function expectCode(p: Promise<unknown>, code: ErrorCode, pattern?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isFerryError(err, code), `expected ${code}, got ${err instanceof Error ? `${(err as { code?: string }).code}: ${err.message}` : String(err)}`);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

const PRIMARY = primaryXml(50);

test('detectCodec reads magic bytes', () => {
  assert.equal(detectCodec(gzipSync(Buffer.from('x'))), 'gzip');
  assert.equal(detectCodec(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])), 'xz');
  assert.equal(detectCodec(Buffer.from([0x28, 0xb5, 0x2f, 0xfd])), 'zstd');
  assert.equal(detectCodec(Buffer.from('BZh91AY')), 'bzip2');
  assert.equal(detectCodec(Buffer.from('<?xml')), 'plain');
});

for (const codec of ['gzip', 'plain', ...TOOL_CODECS] as const) {
  test(`${codec}: packages read, checksums verified`, { skip: codec === 'gzip' || codec === 'plain' ? false : noTools }, async () => {
    const dir = writeRepo([{ type: 'primary', open: PRIMARY, codec }]);
    const repo = await openRepo(dir);
    assert.equal(repo.repomd.revision, '1700000000');
    assert.equal(repo.entry('primary')?.size, compress(PRIMARY, codec).length);
    const pkgs = await loadPackages(repo);
    assert.equal(pkgs.length, 50);
    assert.deepEqual([pkgs[7].name, pkgs[7].epoch, pkgs[7].version, pkgs[7].release], ['pkg7', 1, '1.7', '1.el9']);
    assert.equal(pkgs[7].description, 'Test package 7 & friends');
  });
}

test('the codec comes from the magic bytes, not the extension', { skip: noTools }, async () => {
  const dir = writeRepo([{ type: 'primary', open: PRIMARY, codec: 'zstd', ext: '.gz' }]);
  assert.equal(await drain(dir, 'primary'), 50);
});

test('file:// URLs open like paths; filelists merge into files', async () => {
  const dir = writeRepo([
    { type: 'primary', open: PRIMARY, codec: 'gzip' }, { type: 'filelists', open: filelistsXml(50), codec: 'gzip' },
  ]);
  const pkgs = await loadPackages(await openRepo(`file://${dir}`), { filelists: true });
  assert.deepEqual(pkgs[3].files, ['/usr/bin/pkg3', '/usr/share/pkg3']);
  const entries = [];
  for await (const e of readFilelists([filelistsXml(2)])) entries.push(e);
  assert.deepEqual(entries[1], {
    pkgid: 'id1', name: 'pkg1', arch: 'noarch', epoch: 1, version: '1.1', release: '1.el9',
    files: ['/usr/bin/pkg1', '/usr/share/pkg1'],
  });
});

test('readOther: changelogs', async () => {
  const xml = `<otherdata xmlns="http://linux.duke.edu/metadata/other" packages="1">
<package pkgid="abc" name="bash" arch="x86_64"><version epoch="0" ver="5.1.8" rel="2.el9"/>
<changelog author="Siteshwar Vashisht &lt;svashisht@redhat.com&gt; - 5.1.8-1" date="1628078400">- Rebase to 5.1.8</changelog>
</package></otherdata>`;
  const out = [];
  for await (const e of readOther([Buffer.from(xml)])) out.push(e);
  assert.deepEqual(out[0].changelogs, [{
    author: 'Siteshwar Vashisht <svashisht@redhat.com> - 5.1.8-1', date: 1628078400, text: '- Rebase to 5.1.8',
  }]);
});

test('checksum mismatch of the compressed file is REPO_CHECKSUM naming file, expected and actual', async () => {
  const dir = writeRepo([{ type: 'primary', open: PRIMARY, codec: 'gzip', checksum: '0'.repeat(64) }]);
  await expectCode(drain(dir, 'primary'), 'REPO_CHECKSUM',
    new RegExp(`primary\\.xml\\.gz: checksum mismatch: repomd.xml expects sha256:0{64}, got sha256:${sha256(gzipSync(PRIMARY))}`));
});

test('open-checksum mismatch of the decompressed data is REPO_CHECKSUM', async () => {
  const dir = writeRepo([{ type: 'primary', open: PRIMARY, codec: 'gzip', openChecksum: 'f'.repeat(64) }]);
  await expectCode(drain(dir, 'primary'), 'REPO_CHECKSUM', /primary\.xml\.gz: open-checksum .*expects sha256:f{64}, got sha256:[0-9a-f]{64}/);
});

const ZEROS = Buffer.alloc(20 * 1024 * 1024);
for (const codec of ['gzip', ...TOOL_CODECS] as const) {
  test(`decompression bomb (${codec}): expansion ratio cap`, { skip: codec === 'gzip' ? false : noTools }, async () => {
    const dir = writeRepo([{ type: 'primary', open: ZEROS, codec, openChecksum: null, openSize: null }]);
    await expectCode(drain(dir, 'primary'), 'REPO_DECOMPRESSION_BOMB', new RegExp(`primary\\.xml.*expands more than 200×`));
  });
}

test('size caps: a repomd.xml over 4 MiB, a data file larger than repomd.xml declares; both refused naming repo and file', async () => {
  const dir = writeRepo([{ type: 'primary', open: PRIMARY, codec: 'gzip' }]);
  const repomd = join(dir, 'repodata', 'repomd.xml');
  writeFileSync(repomd, readFileSync(repomd, 'utf8') + ' '.repeat(4 * 1024 * 1024));
  await expectCode(openRepo(dir), 'REPO_TOO_LARGE', new RegExp(`${dir}: ${repomd} is \\d+ bytes, over the cap of 4194304 for a repomd\\.xml`));
  const lying = writeRepo([{ type: 'primary', open: PRIMARY, codec: 'gzip', size: 100 }]);
  await expectCode(drain(lying, 'primary'), 'REPO_TOO_LARGE', new RegExp(`${lying}: primary metadata ${lying}/repodata/primary\\.xml\\.gz is \\d+ bytes, over the 100 repomd\\.xml declares for it`));
});

test('decompression bomb: absolute cap, and beyond the declared open-size', async () => {
  const big = Buffer.concat([primaryXml(2000)]);
  const dir = writeRepo([{ type: 'primary', open: big, codec: 'gzip', openChecksum: null, openSize: null }]);
  await expectCode(drain(dir, 'primary', { maxExpandedBytes: 100_000 }), 'REPO_DECOMPRESSION_BOMB', /beyond 100000 bytes/);
  const lying = writeRepo([{ type: 'primary', open: big, codec: 'gzip', openChecksum: null, openSize: 1000 }]);
  await expectCode(drain(lying, 'primary'), 'REPO_DECOMPRESSION_BOMB', /open-size of 1000 bytes/);
});

for (const codec of ['gzip', 'xz', 'zstd', 'bzip2', 'plain'] as const) {
  test(`truncated ${codec} file is REPO_TRUNCATED`, { skip: codec === 'gzip' || codec === 'plain' ? false : noTools }, async () => {
    const whole = compress(PRIMARY, codec);
    const stored = whole.subarray(0, Math.floor(whole.length * 0.6));
    // repomd describes the truncated bytes, as when a mirror published a half-written file.
    const dir = writeRepo([{ type: 'primary', open: PRIMARY, codec, stored, openChecksum: null, openSize: null }]);
    await expectCode(drain(dir, 'primary'), 'REPO_TRUNCATED', /primary\.xml/);
  });
}

test('corrupt compressed data is REPO_DECOMPRESS', { skip: noTools }, async () => {
  for (const codec of ['gzip', 'xz'] as const) {
    const stored = Buffer.from(compress(PRIMARY, codec));
    for (let i = 40; i < stored.length - 40; i += 7) stored[i] ^= 0x55;
    const dir = writeRepo([{ type: 'primary', open: PRIMARY, codec, stored, openChecksum: null, openSize: null }]);
    await expectCode(drain(dir, 'primary'), 'REPO_DECOMPRESS', new RegExp(`\\(${codec}: `));
  }
});

test('hostile XML inside a compressed data file: REPO_HOSTILE_XML and REPO_METADATA name the file', async () => {
  const xxe = Buffer.from('<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><metadata>&x;</metadata>');
  const dir = writeRepo([{ type: 'primary', open: xxe, codec: 'gzip' }]);
  await expectCode(drain(dir, 'primary'), 'REPO_HOSTILE_XML', /primary\.xml\.gz: byte \d+: markup declaration <!DOCTYPE/);
  const bad = Buffer.from(PRIMARY.toString().replace('</name>', '</nam>'));
  const dir2 = writeRepo([{ type: 'primary', open: bad, codec: 'gzip' }]);
  await expectCode(drain(dir2, 'primary'), 'REPO_METADATA', /primary\.xml\.gz: byte \d+: end tag <\/nam> does not match <name>/);
});

test('an href outside the repository is refused; a missing type is NOT_FOUND', async () => {
  const dir = writeRepo([{ type: 'primary', open: PRIMARY, codec: 'gzip' }]);
  const repomd = join(dir, 'repodata', 'repomd.xml');
  writeFileSync(repomd, readFileSync(repomd, 'utf8').replace('href="repodata/', 'href="../../../etc/'));
  await expectCode(drain(dir, 'primary'), 'REPO_METADATA', /points outside the repository/);
  await expectCode(drain(dir, 'updateinfo'), 'NOT_FOUND', /no 'updateinfo'/);
  await expectCode(openRepo(join(root, 'nope')), 'REPO_FETCH', /repomd\.xml/);
});

test('http: a local server serving the repository; timeout and size cap', async () => {
  const dir = writeRepo([{ type: 'primary', open: PRIMARY, codec: 'gzip' }]);
  const liar = writeRepo([{ type: 'primary', open: PRIMARY, codec: 'gzip', size: 100 }]);
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/hang/')) return; // never answers
    if (url.startsWith('/stall/')) { // answers, then stops mid-body
      res.writeHead(200, { 'content-length': 100_000 });
      res.write('<?xml version="1.0"?>\n<repomd>');
      return;
    }
    if (url.startsWith('/flood/')) return floodResponse(res); // a mirror that never stops sending: only the cap ends it
    if (url.startsWith('/big/')) {
      res.writeHead(200); // no content-length: the cap must count streamed bytes
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (sent < 64 && res.write(chunk)) sent++;
        if (sent < 64) res.once('drain', pump); else res.end();
      };
      pump();
      return;
    }
    const path = url.startsWith('/liar/') ? join(liar, url.slice('/liar/'.length).split('?')[0]) : join(dir, url.replace(/^\/repo\//, '/').split('?')[0]);
    try {
      const body = readFileSync(path);
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  assert.ok(addr !== null && typeof addr === 'object');
  const base = `http://127.0.0.1:${addr.port}`;
  try {
    const pkgs = await loadPackages(await openRepo(`${base}/repo`));
    assert.equal(pkgs.length, 50);
    const t0 = Date.now();
    await expectCode(openRepo(`${base}/hang/`, { timeoutMs: 300 }), 'REPO_TIMEOUT', /127\.0\.0\.1.*300 ms/);
    assert.ok(Date.now() - t0 < 5000);
    await expectCode(openRepo(`${base}/stall/`, { timeoutMs: 300 }), 'REPO_TIMEOUT', /300 ms/);
    await expectCode(openRepo(`${base}/big/`, { maxBytes: 1024 * 1024 }), 'REPO_TOO_LARGE', /more than 1048576 bytes/);
    await expectCode(drain(`${base}/repo/`, 'primary', { maxBytes: 1000 }), 'REPO_TOO_LARGE', /primary metadata .*over the cap of 1000 \(maxBytes\)/);
    // Without maxBytes, repomd.xml still has its own cap of a few MiB (the default data-file cap is 1 GiB).
    await expectCode(openRepo(`${base}/flood/`), 'REPO_TOO_LARGE', /flood\/repodata\/repomd\.xml is more than 4194304 bytes, over the cap of 4194304 for a repomd\.xml/);
    await expectCode(drain(`${base}/liar/`, 'primary'), 'REPO_TOO_LARGE', /liar\/: primary metadata http:.*primary\.xml\.gz is \d+ bytes, over the 100 repomd\.xml declares for it/);
    await expectCode(openRepo(`${base}/missing/`), 'REPO_FETCH', /HTTP 404/);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
