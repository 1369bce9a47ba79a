import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError, type ErrorCode } from '../core/index.js';
import { loadCatalog } from '../catalog/index.js';
import { createLocalTransport } from '../transport/index.js';
import { createRepoCache } from './repos.js';
import { resolveTargets } from './targets.js';

const catalog = loadCatalog();

test('resolveTargets refuses what cannot be a target before any host is contacted', () => {
  const cases: Array<{ ids: string[]; repos?: Record<string, string[]>; code: ErrorCode; message: RegExp }> = [
    { ids: [], code: 'USAGE', message: /No target given/ },
    { ids: [' ', ''], code: 'USAGE', message: /No target given/ },
    { ids: ['rocky-88'], code: 'TARGET_UNKNOWN', message: /did you mean .*rocky-8/ },
    { ids: ['rocky-8'], repos: { 'almalinux-8': ['/m'] }, code: 'USAGE', message: /--repo names "almalinux-8", which is not one of the targets \(rocky-8\)/ },
  ];
  for (const c of cases) {
    assert.throws(() => resolveTargets(catalog, c.ids, c.repos), (e) => isFerryError(e, c.code) && c.message.test(e.message), JSON.stringify(c));
  }
});

test('resolveTargets: release, path and its method per target, from a source release', () => {
  const targets = resolveTargets(catalog, ['rocky-8', ' rocky-8', 'almalinux-8']);
  assert.deepEqual(targets.map((t) => [t.id, t.release.id]), [['rocky-8', 'rocky-8'], ['almalinux-8', 'almalinux-8']]);
  const rows: Array<{ source: string | null; target: number; method: string | null; cross: boolean }> = [
    { source: 'centos-8', target: 0, method: 'same-major-swap', cross: false },
    { source: 'centos-7', target: 0, method: 'cross-major-pes', cross: true },
    { source: 'centos-7', target: 1, method: 'cross-major-pes', cross: true },
    { source: null, target: 0, method: null, cross: false },
    { source: 'rocky-8', target: 0, method: null, cross: false },
  ];
  for (const r of rows) {
    const t = targets[r.target];
    assert.equal(t.path(r.source)?.method ?? null, r.method, JSON.stringify(r));
    assert.equal(t.crossMajor(r.source), r.cross, JSON.stringify(r));
  }
});

test('resolveTargets: locations from --repo, else none (assess) or the catalog\'s (plan); the view is read once, on demand', async () => {
  const messages: string[] = [];
  const [bare] = resolveTargets(catalog, ['rocky-8'], {}, { onProgress: (p) => messages.push(p.message) });
  assert.deepEqual(bare.locations, []);
  assert.deepEqual(messages, []);
  assert.equal(await bare.repo(), undefined);
  assert.deepEqual(messages, ['rocky-8: no repository given, package fates will not be compared']);
  // Oracle Linux 8's catalog entry has enabled repositories with a baseurl (Rocky's use a mirrorlist).
  const catalogs = (catalog.repos('oraclelinux-8')?.repos ?? []).filter((r) => r.enabled && r.baseurl).map((r) => r.baseurl);
  assert.ok(catalogs.length > 0);
  assert.deepEqual(resolveTargets(catalog, ['oraclelinux-8'], {}, { catalogRepos: true })[0].locations, catalogs);
  assert.deepEqual(resolveTargets(catalog, ['oraclelinux-8'], { 'oraclelinux-8': ['/m'] }, { catalogRepos: true })[0].locations, ['/m']);
  const [missing] = resolveTargets(catalog, ['rocky-8'], { 'rocky-8': ['/nonexistent/repo'] }, { cache: createRepoCache() });
  await assert.rejects(missing.repo(), (e) => isFerryError(e));
  assert.equal(missing.repo(), missing.repo());
});

test('resolveTargets: the package-manager environment of a target on a local host', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-targets-'));
  try {
    const [t] = resolveTargets(catalog, ['rocky-8'], { 'rocky-8': [dir, 'https://mirror.example/rocky/8/'] });
    const env = await t.environment(createLocalTransport(), false);
    assert.deepEqual(env, {
      releasever: '8', modulePlatformId: 'platform:el8', gpgcheck: false,
      repos: [{ id: 'ferry-rocky-8-0', baseurl: `file://${dir}` }, { id: 'ferry-rocky-8-1', baseurl: 'https://mirror.example/rocky/8/' }],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
