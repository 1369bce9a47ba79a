import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedPath, skipUnlessShared } from '../../test/support/shared.js';
import { isFerryError } from '../core/index.js';
import { computeTargetPackages, loadPesEvents } from '../catalog/index.js';
import { pkg } from '../assess/testing/fixtures.js';
import * as routeFixture from '../assess/testing/route-fixture.js';
import { assessHost, assessmentDay } from './assess.js';
import { createRepoCache, type RepoCache } from './repos.js';

test('assessmentDay: --today as given, else the current UTC day; anything but a real YYYY-MM-DD is USAGE naming it', () => {
  assert.equal(assessmentDay('2026-01-01'), '2026-01-01');
  assert.equal(assessmentDay(undefined, () => new Date('2026-12-02T23:59:59Z')), '2026-12-02');
  for (const bad of ['2026-1-01', '01/01/2026', '2026-13-40', 'today', '']) {
    assert.throws(() => assessmentDay(bad), (e: unknown) => isFerryError(e, 'USAGE') && e.message.includes(JSON.stringify(bad)), bad);
  }
});

const MANIFEST = ['manifests', 'docker-repo-info-2020', 'centos_7.txt'] as const;
const skipReal = skipUnlessShared(...MANIFEST) || skipUnlessShared('leapp', 'pes-events.rocky.json');

/**
 * A Rocky 8 repository standing in for the real one (no Rocky 8 repodata is in ../shared): every package
 * Rocky's PES events put on the target, rebuilt .el8, except `dropped` — so a replacement can be missing.
 */
function rockyRepo(dropped: string[]): { cache: RepoCache; repos: Record<string, string[]> } {
  const installed = readFileSync(sharedPath(...MANIFEST), 'utf8').trim().split('\n').map((n) => n.replace(/-[^-]+-[^-]+$/, ''));
  const r = computeTargetPackages({ installed: installed.map((name) => ({ name, repository: 'base' })), events: loadPesEvents(sharedPath('leapp', 'pes-events.rocky.json')),
    source: '7.9', target: '8.10', arch: 'x86_64' });
  const names = [...new Set(r.target.map((p) => p.name))].filter((n) => !dropped.includes(n));
  const cache = createRepoCache();
  cache.packages.set('mem://rocky-8', Promise.resolve({ packages: names.map((n) => pkg(`${n}-99-1.el8.x86_64`)) }));
  return { cache, repos: { 'rocky-8': ['mem://rocky-8'] } };
}

test('ferry assess of the real CentOS 7 package list against rocky-8: per-package fates from Rocky\'s PES events up to 8.10 and the target repositories', { skip: skipReal }, async () => {
  const { cache, repos } = rockyRepo(['python2-libs']);
  const messages: string[] = [];
  const pes = sharedPath('leapp', 'pes-events.rocky.json');
  const a = await assessHost({ manifest: sharedPath(...MANIFEST), targets: ['rocky-8'], repos, repoCache: cache, pes: [`rocky-8=${pes}`], today: '2026-06-01', onProgress: (p) => messages.push(p.message) });
  const t = a.targets[0];
  assert.equal(a.sourceRelease, 'centos-7');
  assert.equal(t.path?.method, 'cross-major-pes');
  const by = (fate: string) => t.fates.filter((f) => f.fate === fate);
  console.log(`CentOS 7 manifest (${t.fates.length} packages) → rocky-8: ${Object.entries(t.counts).map(([k, v]) => `${k} ${v}`).join(', ')}; via pes: ${t.fates.filter((f) => f.via === 'pes').length}`);
  const fate = (name: string) => t.fates.find((f) => f.name === name);
  // a bare package list has no os-release: the source minor comes from centos-release-7-8.2003 (7.8), so the
  // 7.x-release events are not applied; PES runs 8.0 → 8.10 (messages name the file and the minor)
  assert.ok(messages.some((m) => m.includes('from 7.8 up to 8.10')), messages.join('\n'));
  // PES event 2151 (Rocky's own file): centos-release → rocky-release
  assert.equal(fate('centos-release')?.fate, 'replaced');
  assert.deepEqual(fate('centos-release')?.target, ['rocky-release-99-1.el8.x86_64']);
  // the 8.1 event removing libssh2 applies because the path lands on 8.10
  assert.equal(fate('libssh2')?.fate, 'missing');
  assert.match(fate('libssh2')?.reason ?? '', /PES event \d+ removes libssh2/);
  // a replacement the repositories lack is missing, not replaced (event 205 splits python-libs into python2-libs and python3-libs)
  assert.equal(fate('python-libs')?.fate, 'missing');
  assert.match(fate('python-libs')?.reason ?? '', /PES event 205 \(split\) .*do not carry python2-libs/);
  // one they carry is replaced (event 132 splits gdbm into gdbm and gdbm-libs)
  assert.equal(fate('gdbm')?.fate, 'upgrade');
  assert.ok(by('missing').every((f) => f.reason), 'every missing package says why');
  assert.ok(messages.some((m) => m.includes(`PES events: ${pes}`) && m.includes('applied to rocky-8 from 7.8 up to 8.10')), 'the events file is named in the output');
});

test('--pes is never silently ignored: a bad file is PES_INVALID naming it, a file with no cross-major target is PES_UNUSED', { skip: skipReal || skipUnlessShared('leapp', 'pes-events.almalinux.json') }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-pes-'));
  try {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"packageinfo": [{"action": 12}]}');
    await assert.rejects(assessHost({ manifest: sharedPath(...MANIFEST), targets: ['rocky-8'], pes: bad }), (e: unknown) => isFerryError(e, 'PES_INVALID') && e.message.includes(bad));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ packageinfo: [{ id: 1, action: 1, in_packageset: { package: [{ name: 'rsh', repository: 'base' }] }, release: { major_version: 8, minor_version: 0 } }] }));
    await assert.rejects(assessHost({ manifest: sharedPath(...MANIFEST), targets: ['oraclelinux-7'], pes: good }),
      (e: unknown) => isFerryError(e, 'PES_UNUSED') && e.message.includes(good) && e.message.includes('oraclelinux-7') && e.message.includes('centos-7'));
    // each target its vendor's own file: AlmaLinux's events give almalinux-release, Rocky's rocky-release
    const rocky = sharedPath('leapp', 'pes-events.rocky.json'), alma = sharedPath('leapp', 'pes-events.almalinux.json');
    await assert.rejects(assessHost({ manifest: sharedPath(...MANIFEST), targets: ['rocky-8'], pes: [`almalinux-8=${alma}`] }), (e: unknown) => isFerryError(e, 'PES_UNUSED') && e.message.includes('not one of the assessed targets'));
    await assert.rejects(assessHost({ manifest: sharedPath(...MANIFEST), targets: ['rocky-8', 'oraclelinux-7'], pes: [`oraclelinux-7=${good}`] }), (e: unknown) => isFerryError(e, 'PES_UNUSED') && e.message.includes('oraclelinux-7 is not a cross-major upgrade of centos-7'));
    await assert.rejects(assessHost({ manifest: sharedPath(...MANIFEST), targets: ['rocky-8'], pes: [good, bad.replace('bad', 'other')] }), (e: unknown) => isFerryError(e, 'USAGE'));
    const { cache, repos } = rockyRepo([]);
    cache.packages.set('mem://almalinux-8', Promise.resolve({ packages: [pkg('almalinux-release-8.10-1.el8.x86_64'), pkg('rocky-release-8.10-1.el8.noarch')] }));
    const messages: string[] = [];
    const a = await assessHost({ manifest: sharedPath(...MANIFEST), targets: ['rocky-8', 'almalinux-8'], repos: { ...repos, 'almalinux-8': ['mem://almalinux-8'] }, repoCache: cache,
      pes: [`rocky-8=${rocky}`, `almalinux-8=${alma}`], today: '2026-06-01', onProgress: (p) => messages.push(p.message) });
    const release = (t: string) => a.targets.find((x) => x.target === t)?.fates.find((f) => f.name === 'centos-release')?.target;
    assert.deepEqual(release('rocky-8'), ['rocky-release-99-1.el8.x86_64']);
    assert.deepEqual(release('almalinux-8'), ['almalinux-release-8.10-1.el8.x86_64']);
    assert.ok(messages.some((m) => m.includes(alma) && m.includes('applied to almalinux-8 from 7.8 up to 8.10')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('assessHost on a route: --repo and --pes of the intermediate release serve hop 1 (TARGET=FILE or a bare FILE for every cross-major hop); a --repo or --pes no target or hop takes is refused naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-assess-route-'));
  try {
    const cache = createRepoCache();
    cache.packages.set('mem://r8', Promise.resolve({ packages: [...routeFixture.rocky8.pool.packages] }));
    cache.packages.set('mem://r9', Promise.resolve({ packages: [...routeFixture.rocky9.pool.packages] }));
    const pes = join(dir, 'pes-events.json');
    writeFileSync(pes, JSON.stringify({ packageinfo: [{ id: 1, action: 1, in_packageset: { package: [{ name: 'nothing-installed', repository: 'base' }] }, out_packageset: null,
      initial_release: { major_version: 7, minor_version: 9 }, release: { major_version: 8, minor_version: 0 } }] }));
    const repos = { 'rocky-8': ['mem://r8'], 'rocky-9': ['mem://r9'] };
    const base = { facts: routeFixture.centos7(), targets: ['rocky-9'], repoCache: cache, today: '2026-12-01' };
    const hops = async (o: Partial<Parameters<typeof assessHost>[0]>): Promise<unknown> =>
      (await assessHost({ ...base, repos, ...o })).targets[0].hops?.map((h) => [h.hop, h.assessedOn, h.inhibitors]);
    const blocked = [[1, 'collected', []], [2, 'predicted', ['third-party-sonames:acme-idn.x86_64']]];
    assert.deepEqual(await hops({ pes: [`rocky-8=${pes}`, `rocky-9=${pes}`] }), blocked);
    assert.deepEqual(await hops({ pes: [pes] }), blocked, 'a bare file serves every cross-major hop');
    assert.deepEqual(await hops({ pes: [`rocky-9=${pes}`] }), [[1, 'collected', []], [2, 'not-assessed', []]], 'hop 1 without events: its transaction is not predicted');
    assert.deepEqual(await hops({ repos: { 'rocky-9': ['mem://r9'] }, pes: [pes] }), [[1, 'collected', []], [2, 'not-assessed', []]], 'hop 1 without repositories');
    await assert.rejects(assessHost({ ...base, repos: { ...repos, 'almalinux-8': ['mem://r8'] }, pes: [pes] }),
      (e: unknown) => isFerryError(e, 'USAGE') && /--repo names "almalinux-8", which is not one of the targets \(rocky-9\) nor a hop of their routes from centos-7/.test(e.message));
    await assert.rejects(assessHost({ ...base, repos, pes: [pes, `almalinux-8=${pes}`] }),
      (e: unknown) => isFerryError(e, 'PES_UNUSED') && /almalinux-8 is not one of the assessed targets \(rocky-9\) nor a hop of their routes \(rocky-8\)/.test(e.message));
    await assert.rejects(assessHost({ ...base, repos: { ...repos, 'rocky-99': ['mem://r8'] } }), (e: unknown) => isFerryError(e, 'TARGET_UNKNOWN'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
