import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FerryError, isFerryError, type ErrorCode } from '../core/index.js';
import { loadCatalog } from '../catalog/index.js';
import { createLocalTransport, type Transport } from '../transport/index.js';
import { hostEnv } from '../exec/package-manager/index.js';
import { createRepoCache } from './repos.js';
import { hostRepos, resolveTargets } from './targets.js';

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

test('hostRepos: how the host reaches each --repo location — a URL as it is, the same mirror as file://, else served over the connection, or refused when sshd refuses forwarding', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-host-repos-'));
  mkdirSync(join(dir, 'repodata'));
  writeFileSync(join(dir, 'repodata', 'repomd.xml'), '<repomd>here</repomd>\n');
  const fileUrl = pathToFileURL(dir).href;
  /** An SSH host whose `cat` of the repomd.xml prints `theirs` (absent: exit 1), and whose sshd allows forwarding or not. */
  const sshHost = (theirs: string | undefined, forwarding: boolean): { t: Transport; forwards: () => number; closeForwards: () => void } => {
    let forwards = 0;
    const ends: (() => void)[] = [];
    const local = createLocalTransport();
    const t: Transport = {
      ...local, kind: 'ssh', hostName: 'root@db1:22',
      run: ((argv: readonly string[]) => {
        assert.deepEqual(argv, ['cat', '--', join(dir, 'repodata', 'repomd.xml')]);
        return Promise.resolve(theirs === undefined ? { code: 1, stdout: '', stderr: 'No such file', truncated: false } : { code: 0, stdout: theirs, stderr: '', truncated: false });
      }) as Transport['run'],
      forwardRemote: () => {
        forwards++;
        if (!forwarding) return Promise.reject(new FerryError('TRANSPORT_FORWARD_REFUSED', 'root@db1:22 refused a remote port forward to 127.0.0.1 (ssh -R): Unable to bind'));
        let end = (): void => {};
        const closed = new Promise<void>((r) => { end = r; });
        ends.push(() => end());
        return Promise.resolve({ port: 40123, closed, close: () => { end(); return closed; } });
      },
    };
    return { t, forwards: () => forwards, closeForwards: () => { for (const e of ends) e(); } };
  };
  try {
    const local = createLocalTransport();
    assert.deepEqual(await hostRepos(local, 'rocky-8', ['https://mirror.example/rocky/8/', dir]),
      [{ id: 'ferry-rocky-8-0', baseurl: 'https://mirror.example/rocky/8/' }, { id: 'ferry-rocky-8-1', baseurl: fileUrl }], 'this machine: as they are');
    const same = sshHost('<repomd>here</repomd>\n', true);
    assert.deepEqual(await hostRepos(same.t, 'rocky-8', [dir]), [{ id: 'ferry-rocky-8-0', baseurl: fileUrl }], 'the same mirror at the same path');
    assert.equal(same.forwards(), 0);
    for (const theirs of [undefined, '<repomd>another</repomd>\n']) {
      const h = sshHost(theirs, true);
      const repos = await hostRepos(h.t, 'rocky-8', [dir]);
      assert.deepEqual(repos, [{ id: 'ferry-rocky-8-0', baseurl: fileUrl, served: true }], `host's copy ${theirs ?? 'absent'}: served`);
      assert.equal(h.forwards(), 1);
      assert.equal(hostEnv(h.t, { releasever: '8', modulePlatformId: null, gpgcheck: true, repos }).repos[0].baseurl, 'http://127.0.0.1:40123/ferry-rocky-8-0/');
      h.closeForwards(); // the connection ends: the server stops and the binding goes
      await new Promise((r) => setImmediate(r));
      assert.throws(() => hostEnv(h.t, { releasever: '8', modulePlatformId: null, gpgcheck: true, repos }), (e: unknown) => isFerryError(e, 'REPO_FETCH'), 'no stale port once the forward ended');
    }
    const refusing = sshHost(undefined, false);
    await assert.rejects(hostRepos(refusing.t, 'rocky-8', [dir]), (e: unknown) => isFerryError(e, 'REPO_FETCH')
      && /root@db1:22 does not see the rocky-8 repository .*AllowTcpForwarding/.test(e.message) && /copy/.test(e.hint ?? '') && /http\.server/.test(e.hint ?? ''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
