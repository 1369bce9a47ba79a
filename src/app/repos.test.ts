import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError } from '../core/index.js';
import { sharedPath, skipUnlessShared } from '../../test/support/shared.js';
import { createRepoCache, loadTargetRepos, parseRepoFlags } from './repos.js';

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
