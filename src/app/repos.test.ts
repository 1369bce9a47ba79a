import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError } from '../core/index.js';
import { loadColumnarCache } from '../rpm/columnar.js';
import { sharedPath, skipUnlessShared } from '../../test/support/shared.js';
import { createRepoCache, loadTargetRepos, parseRepoFlags, poolCacheDir } from './repos.js';

test('parseRepoFlags: TARGET=LOCATION, repeated and comma-separated', () => {
  assert.deepEqual(parseRepoFlags(['rocky-8=/a', 'rocky-8=/b,/c', 'alma-8=https://x/y']), { 'rocky-8': ['/a', '/b', '/c'], 'alma-8': ['https://x/y'] });
  for (const bad of ['rocky-8', '=/a', 'rocky-8=']) assert.throws(() => parseRepoFlags([bad]), (e) => isFerryError(e, 'USAGE'));
  // One target (plan, migrate): a bare location is that target's; a URL's own '=' is no TARGET= separator.
  assert.deepEqual(parseRepoFlags(['/a', 'https://m/r?x=1', 'alma-8=/z'], { target: 'rocky-8' }), { 'rocky-8': ['/a', 'https://m/r?x=1'], 'alma-8': ['/z'] });
  assert.throws(() => parseRepoFlags(['rocky-8=/a\n[evil]']), (e) => isFerryError(e, 'REPO_URL_INVALID'));
});

test('loadTargetRepos reads each location once and shares pools', { skip: skipUnlessShared('repodata/cs9-baseos-20220207') }, async () => {
  const cache = createRepoCache();
  const baseos = sharedPath('repodata/cs9-baseos-20220207');
  const messages: string[] = [];
  const [a, b] = await Promise.all([
    loadTargetRepos('centos-stream-9', [baseos], { cache, onProgress: (p) => messages.push(p.message) }),
    loadTargetRepos('centos-stream-9', [baseos], { cache, onProgress: (p) => messages.push(p.message) }),
  ]);
  assert.equal(a.pool, b.pool);
  assert.equal(a.pool.packages.length, 1125);
  assert.deepEqual(messages.filter((m) => m.startsWith('reading')), [`reading ${baseos}`]);
  assert.ok(messages.some((m) => m.includes('1125 packages')));
  await assert.rejects(loadTargetRepos('x', ['/nonexistent/repo'], { cache }), (e) => isFerryError(e));
  assert.equal(cache.packages.has('/nonexistent/repo'), false);
});

test('loadTargetRepos reads primary through the pool cache in $FERRY_HOME/pool-cache; a corrupt one is rebuilt with a warning', { skip: skipUnlessShared('repodata/cs9-baseos-20220207') }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'ferry-home-'));
  const saved = process.env.FERRY_HOME;
  process.env.FERRY_HOME = home;
  try {
    const baseos = sharedPath('repodata/cs9-baseos-20220207');
    const warnings: string[] = [];
    const load = () => loadTargetRepos('centos-stream-9', [baseos], {
      cache: createRepoCache(), onProgress: (p) => { if (p.phase === 'warning') warnings.push(p.message); },
    });
    const first = await load();
    const dir = poolCacheDir();
    assert.equal(dir, join(home, 'pool-cache'));
    const [file] = readdirSync(dir);
    assert.match(file, /^[0-9a-f]{40}\.pool$/);
    const written = statSync(join(dir, file)).mtimeMs;
    const second = await load();
    assert.equal(statSync(join(dir, file)).mtimeMs, written, 'the second load read the cache, it did not rewrite it');
    const nevras = (v: typeof first) => v.pool.packages.map((p) => `${p.name}-${p.epoch}:${p.version}-${p.release}.${p.arch} ${p.repoid}`);
    assert.deepEqual(nevras(second), nevras(first));
    assert.equal(second.pool.whatProvides('/bin/sh').map((p) => p.name).join(), 'bash');
    const bytes = readFileSync(join(dir, file));
    bytes[bytes.length >> 1] ^= 0x20;
    writeFileSync(join(dir, file), bytes);
    assert.deepEqual(nevras(await load()), nevras(first));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /pool cache .*\.pool: body checksum mismatch \(corrupt\); rebuilding/);
    assert.ok(loadColumnarCache(readFileSync(join(dir, file)), `primary sha256:${repoPrimarySum(baseos)}`).pool, 'rebuilt and verified');
  } finally {
    if (saved === undefined) delete process.env.FERRY_HOME;
    else process.env.FERRY_HOME = saved;
    rmSync(home, { recursive: true, force: true });
  }
});

/** The primary checksum BaseOS's repomd.xml lists (the pool cache's key). */
function repoPrimarySum(dir: string): string {
  const m = /<data type="primary">[\s\S]*?<checksum type="sha256">([0-9a-f]{64})<\/checksum>/.exec(readFileSync(join(dir, 'repodata', 'repomd.xml'), 'utf8'));
  assert.ok(m);
  return m[1];
}
