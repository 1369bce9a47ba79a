import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sharedPath, skipUnlessShared } from '../../test/support/shared.js';
import { buildColumnarPool, loadColumnarCache, loadOrBuildPool, loadRepoPool, type ColumnarPool } from './columnar.js';
import { createPool } from './pool.js';
import { openRepo, readPrimary, type Repo, type RepomdData } from './repodata/index.js';
import type { Package } from './types.js';

const BASEOS = ['repodata', 'cs9-baseos-20220207'];

const XML = `<?xml version="1.0"?><metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="2">
<package type="rpm"><name>a</name><arch>x86_64</arch><version epoch="1" ver="2.0" rel="3.el9"/>
<checksum type="sha256" pkgid="YES">aaa</checksum><location href="Packages/a.rpm"/>
<format><rpm:sourcerpm>a-2.0-3.el9.src.rpm</rpm:sourcerpm>
<rpm:provides><rpm:entry name="a" flags="EQ" epoch="1" ver="2.0" rel="3.el9"/><rpm:entry name="libA.so.1()(64bit)"/></rpm:provides>
<rpm:requires><rpm:entry name="b" flags="GE" epoch="0" ver="1"/><rpm:entry name="/bin/sh" pre="1"/></rpm:requires>
<rpm:obsoletes><rpm:entry name="old-a" flags="LT" epoch="0" ver="2"/></rpm:obsoletes>
<file>/usr/bin/a</file></format></package>
<package type="rpm"><name>b</name><arch>noarch</arch><version epoch="0" ver="1.5" rel="1"/>
<checksum type="sha256" pkgid="YES">bbb</checksum><location href="Packages/b.rpm"/>
<format><rpm:provides><rpm:entry name="b" flags="EQ" epoch="0" ver="1.5" rel="1"/></rpm:provides>
<rpm:requires><rpm:entry name="/bin/sh" pre="1"/><rpm:entry name="(a or c)"/></rpm:requires>
<file>/bin/sh</file></format></package></metadata>`;

const small = () => buildColumnarPool([{ repo: 'test', primary: [Buffer.from(XML)] }]);
const strip = (p: Package) => ({ ...p, checksum: undefined, repoid: undefined });
const view = (p: Package) => ({
  name: p.name, arch: p.arch, epoch: p.epoch, version: p.version, release: p.release, location: p.location,
  pkgid: p.pkgid, sourcerpm: p.sourcerpm, provides: p.provides, requires: p.requires, conflicts: p.conflicts,
  obsoletes: p.obsoletes, recommends: p.recommends, suggests: p.suggests, supplements: p.supplements,
  enhances: p.enhances, files: p.files,
});

test('columnar pool: id accessors, whatprovides (versions, file provides), obsoleters', async () => {
  const pool = await small();
  assert.equal(pool.solvableCount, 2);
  assert.equal(pool.str(pool.nameOf(0)), 'a');
  assert.equal(pool.str(pool.evrOf(0)), '1:2.0-3.el9');
  assert.equal(pool.str(pool.archOf(1)), 'noarch');
  assert.equal(pool.repos[pool.repoOf(1)], 'test');
  const req = [...pool.deps(0, 'requires')];
  assert.deepEqual(req.map((d) => pool.dep(d)), [
    { name: 'b', flags: 'GE', evr: { epoch: 0, version: '1' } }, { name: '/bin/sh', pre: true }]);
  // the same "/bin/sh" pre requirement of both packages is one dep id
  assert.equal(pool.deps(1, 'requires')[0], req[1]);
  const cases: [number, number[]][] = [[req[0], [1]], [req[1], [1]]];
  for (const [d, want] of cases) assert.deepEqual([...pool.whatprovides(d)], want, pool.dep(d).name);
  assert.deepEqual([...pool.obsoleters(pool.id('old-a'))], [0]);
  assert.deepEqual([...pool.obsoleters(pool.id('b'))], []);
  assert.deepEqual([...pool.byName(pool.id('b'))], [1]);
  assert.equal(pool.id('nothing-here'), -1);
  assert.deepEqual([...pool.files(0)].map(pool.str), ['/usr/bin/a']);
});

test('columnar pool: packageAt equals readPrimary field for field', async () => {
  const pool = await small();
  const ref: Package[] = [];
  for await (const p of readPrimary([Buffer.from(XML)])) ref.push(p);
  assert.deepEqual(ref.map((p, s) => view(pool.packageAt(s))), ref.map(view));
});

function roundTrip(pool: ColumnarPool, key: string): ColumnarPool {
  const r = loadColumnarCache(pool.serialize(key), key);
  assert.ok(r.pool, r.pool ? '' : r.reason);
  return r.pool;
}

test('pool cache: round trip gives the same packages and indexes', async () => {
  const pool = await small();
  const back = roundTrip(pool, 'sha256:abc');
  assert.equal(back.solvableCount, pool.solvableCount);
  for (let s = 0; s < pool.solvableCount; s++) assert.deepEqual(strip(back.packageAt(s)), strip(pool.packageAt(s)));
  assert.deepEqual([...back.whatprovides(pool.deps(0, 'requires')[1])], [1]);
});

test('pool cache: the string table round-trips every string (empty, non-ASCII) and id() finds them', async () => {
  const pool = await small();
  const back = roundTrip(pool, 'k');
  for (const p of [pool, back]) {
    const ids = [];
    for (let s = 0; s < p.solvableCount; s++) {
      ids.push(p.nameOf(s), p.archOf(s), p.evrOf(s), ...p.files(s), ...[...p.deps(s, 'requires'), ...p.deps(s, 'provides')].map(p.depName));
    }
    assert.ok(ids.length > 8);
    for (const i of ids) assert.equal(p.id(p.str(i)), i, `string ${i} ${p.str(i)}`);
    assert.throws(() => p.str(1e6), /out of range/);
  }
  const xml = '<metadata><package><name>caf\u00e9</name><arch/><format><rpm:provides><rpm:entry name="\u00e9t\u00e9"/>' +
    '</rpm:provides></format></package></metadata>';
  const built = await buildColumnarPool([{ repo: 'r', primary: [Buffer.from(xml)] }]);
  for (const p of [built, roundTrip(built, 'k')]) {
    assert.equal(p.str(p.nameOf(0)), 'caf\u00e9');
    assert.equal(p.id('caf\u00e9'), p.nameOf(0));
    assert.equal(p.str(p.archOf(0)), '');
    assert.equal(p.dep(p.deps(0, 'provides')[0]).name, '\u00e9t\u00e9');
  }
  // strings are stored with their lengths, not separated: even one holding NUL round-trips
  const nul = roundTrip(await buildColumnarPool([{ repo: 'r', primary: [Buffer.from('<metadata><package><name>a\u0000b</name></package></metadata>')] }]), 'k');
  assert.equal(nul.str(nul.nameOf(0)), 'a\u0000b');
  // a cache whose bytes are not 4-byte aligned (a view at an odd offset) is read from a copy
  const bytes = built.serialize('k');
  const odd = Buffer.alloc(bytes.length + 1);
  bytes.copy(odd, 1);
  const moved = loadColumnarCache(odd.subarray(1), 'k');
  assert.equal(moved.pool?.str(moved.pool.nameOf(0)), 'caf\u00e9');
});

test('pool cache: truncated, corrupted, foreign or mis-keyed caches are refused with a reason', async () => {
  const good = (await small()).serialize('k1');
  const flip = (at: number) => { const b = Buffer.from(good); b[at] ^= 0xff; return b; };
  const cases: [string, Uint8Array, string, RegExp][] = [
    ['flipped body byte', flip(good.length - 5), 'k1', /checksum mismatch/],
    ['flipped first body byte', flip(good.length - 400), 'k1', /checksum mismatch/],
    ['flipped checksum byte', flip(20), 'k1', /checksum mismatch/],
    ['truncated', good.subarray(0, good.length - 1), 'k1', /truncated/],
    ['truncated header', good.subarray(0, 14), 'k1', /truncated header/],
    ['empty', new Uint8Array(0), 'k1', /bad magic/],
    ['bad magic', flip(0), 'k1', /bad magic/],
    ['an earlier format', Buffer.concat([Buffer.from('FERRYPL2'), good.subarray(8)]), 'k1', /another format \(FERRYPL2, this version reads FERRYPL3\)/],
    ['other repomd checksum', good, 'k2', /built for repomd checksum k1, not k2/],
  ];
  for (const [what, bytes, key, reason] of cases) {
    const r = loadColumnarCache(bytes, key);
    assert.equal(r.pool, undefined, what);
    assert.match(r.pool ? '' : r.reason, reason, what);
  }
  assert.ok(loadColumnarCache(good, 'k1').pool, 'the untouched cache loads');
});

test('columnar pool on CS9 BaseOS: same packages as readPrimary, whatprovides as createPool', {
  skip: skipUnlessShared(...BASEOS),
}, async () => {
  const repo = await openRepo(sharedPath(...BASEOS));
  const ref: Package[] = [];
  for await (const p of readPrimary(await repo.openData('primary'))) ref.push(p);
  const pool = roundTrip(await buildColumnarPool([{ repo: 'baseos', primary: await repo.openData('primary') }]), 'x');
  assert.equal(pool.solvableCount, ref.length);
  assert.ok(ref.length > 1000);
  for (let s = 0; s < ref.length; s++) assert.deepEqual(view(pool.packageAt(s)), view(ref[s]));
  const strPool = createPool(ref);
  let checked = 0;
  for (let s = 0; s < pool.solvableCount; s += 7) {
    for (const d of pool.deps(s, 'requires')) {
      const dep = pool.dep(d);
      if (dep.name.startsWith('(')) continue;
      const want = strPool.whatProvides(dep).map((p) => ref.indexOf(p));
      assert.deepEqual([...pool.whatprovides(d)], want, `${pool.str(pool.nameOf(s))} requires ${dep.name}`);
      checked++;
    }
  }
  assert.ok(checked > 500, `${checked} requirements checked`);
});

test('loadOrBuildPool: builds and caches, loads the cache, rebuilds a corrupted cache with a warning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-pool-'));
  try {
    const path = join(dir, 'pool.cache');
    const warnings: string[] = [];
    const o = { path, key: 'k', build: small, warn: (m: string) => warnings.push(m) };
    assert.equal((await loadOrBuildPool(o)).fromCache, false);
    assert.equal((await loadOrBuildPool(o)).fromCache, true);
    assert.deepEqual(warnings, []);
    const bytes = readFileSync(path);
    bytes[bytes.length - 3] ^= 0x55;
    writeFileSync(path, bytes);
    const rebuilt = await loadOrBuildPool(o);
    assert.equal(rebuilt.fromCache, false);
    assert.equal(rebuilt.pool.solvableCount, 2);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /pool\.cache: body checksum mismatch \(corrupt\); rebuilding/);
    assert.equal((await loadOrBuildPool(o)).fromCache, true, 'the rebuilt cache verifies');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A repository whose repomd lists primary with checksum `sum` (the key of its pool cache). */
function fakeRepo(sum: string | undefined): Repo {
  const entry: RepomdData = { type: 'primary', location: 'repodata/primary.xml', ...(sum ? { checksum: { type: 'sha256', value: sum } } : {}) };
  return {
    location: '/srv/fake', repomd: { data: [entry] },
    entry: (type) => (type === 'primary' ? entry : undefined),
    openData: async () => Readable.from([Buffer.from(XML)]),
  };
}

test('loadRepoPool: keyed by the primary checksum repomd lists; a corrupt cache is rebuilt with a warning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-pool-'));
  try {
    const warnings: string[] = [];
    const o = { name: 'fake', cacheDir: dir, warn: (m: string) => warnings.push(m) };
    assert.equal((await loadRepoPool(fakeRepo('aaa'), o)).fromCache, false);
    const hit = await loadRepoPool(fakeRepo('aaa'), o);
    assert.equal(hit.fromCache, true);
    assert.deepEqual(view(hit.pool.packageAt(0)), view((await small()).packageAt(0)));
    // another checksum is another cache: built, not the first one's reused
    assert.equal((await loadRepoPool(fakeRepo('bbb'), o)).fromCache, false);
    const files = readdirSync(dir).filter((f) => f.endsWith('.pool'));
    assert.equal(files.length, 2);
    for (const f of files) {
      const bytes = readFileSync(join(dir, f));
      bytes[bytes.length - 10] ^= 0x01;
      writeFileSync(join(dir, f), bytes);
    }
    assert.equal((await loadRepoPool(fakeRepo('aaa'), o)).fromCache, false);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /\.pool: body checksum mismatch \(corrupt\); rebuilding it from the repodata/);
    assert.equal((await loadRepoPool(fakeRepo('aaa'), o)).fromCache, true, 'the rebuilt cache verifies');
    // no checksum in repomd: nothing to key by, built every time and nothing written
    assert.equal((await loadRepoPool(fakeRepo(undefined), o)).fromCache, false);
    assert.equal((await loadRepoPool(fakeRepo(undefined), o)).fromCache, false);
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.pool')).length, 2);
    assert.deepEqual(readdirSync(dir).filter((f) => !f.endsWith('.pool')), [], 'no temporary file left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
