import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { sharedPath, skipUnlessShared, skipUnlessTools } from '../../../test/support/shared.js';
import { main } from '../main.js';

const BASEOS = ['repodata', 'cs9-baseos-20220207'];
const APPSTREAM = ['repodata', 'cs9-appstream-20250113'];

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['node', 'ferry', ...args], { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  return { code, out, err };
}

test('repo info on CentOS Stream 9 BaseOS: counts, arches, comps, newest builds', { skip: skipUnlessShared(...BASEOS) }, async () => {
  const repo = sharedPath(...BASEOS);
  const r = await run(['repo', 'info', repo]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^packages +1125 \(i686 242, noarch 119, x86_64 764\)$/m);
  assert.match(r.out, /^metadata +.*primary.*filelists/m);
  assert.match(r.out, /^groups +34 groups, 3 environments, 4 categories$/m);
  assert.match(r.out, /^newest builds$/m);
  const j = await run(['--json', 'repo', 'info', repo]);
  const info = JSON.parse(j.out) as { packages: number; arches: Record<string, number>; newest: { nevra: string }[]; sourceRpms: number };
  assert.equal(info.packages, 1125);
  assert.deepEqual(info.arches, { i686: 242, noarch: 119, x86_64: 764 });
  assert.equal(info.newest.length, 10);
  assert.ok(info.sourceRpms > 300 && info.sourceRpms < 1125, String(info.sourceRpms));
});

test('repo info on AppStream counts modules and streams', { skip: skipUnlessShared(...APPSTREAM) }, async () => {
  const j = await run(['--json', 'repo', 'info', sharedPath(...APPSTREAM)]);
  assert.equal(j.code, 0, j.out);
  const info = JSON.parse(j.out) as { packages: number; modules: { modules: number; byModule: Record<string, string[]> } };
  assert.equal(info.packages, 17649);
  assert.ok(info.modules.byModule.mariadb.includes('10.11'));
});

test('repo query: --whatprovides, --whatrequires, --name, --provides, text and JSON', { skip: skipUnlessShared(...BASEOS) }, async () => {
  const repo = sharedPath(...BASEOS);
  const sh = await run(['repo', 'query', repo, '--whatprovides', '/bin/sh']);
  assert.equal(sh.code, 0, sh.err);
  assert.equal(sh.out, 'bash-5.1.8-2.el9.x86_64\n');
  const req = await run(['--json', 'repo', 'query', repo, '--whatrequires', 'u2f-hidraw-policy']);
  assert.deepEqual((JSON.parse(req.out) as { nevra: string }[]).map((p) => p.nevra), ['libfido2-1.6.0-7.el9.i686', 'libfido2-1.6.0-7.el9.x86_64']);
  const prov = await run(['repo', 'query', repo, '--provides', 'bash']);
  // the provides lines are what `dnf repoquery --provides bash` prints for this repository
  assert.equal(prov.out, 'bash-5.1.8-2.el9.x86_64\n  /bin/bash\n  /bin/sh\n  bash = 5.1.8-2.el9\n  bash(x86-64) = 5.1.8-2.el9\n  config(bash) = 5.1.8-2.el9\n');
  const both = await run(['repo', 'query', repo, '--name', 'glibc*', '--whatprovides', 'libc.so.6']);
  assert.equal(both.out, 'glibc-2.34-21.el9.i686\n');
  const none = await run(['repo', 'query', repo, '--whatprovides', 'no-such-thing']);
  assert.equal(none.out, 'no packages match\n');
});

const UPDATEINFO = ['repodata', 'rocky8-updateinfo-sample', 'updateinfo.xml'];
const MODULES = ['repodata', 'fedora-modular-createrepo_c', 'modules.yaml.gz'];

test('repo info on a createrepo_c repository carrying real updateinfo and modules (added with modifyrepo_c)', {
  skip: skipUnlessShared(...UPDATEINFO) || skipUnlessShared(...MODULES) || skipUnlessTools('createrepo_c', 'modifyrepo_c'),
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-repo-'));
  try {
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    execFileSync('createrepo_c', ['-q', repo]);
    execFileSync('modifyrepo_c', ['--mdtype=updateinfo', sharedPath(...UPDATEINFO), join(repo, 'repodata')], { stdio: 'ignore' });
    writeFileSync(join(dir, 'modules.yaml'), gunzipSync(readFileSync(sharedPath(...MODULES))));
    execFileSync('modifyrepo_c', ['--mdtype=modules', join(dir, 'modules.yaml'), join(repo, 'repodata')], { stdio: 'ignore' });
    const r = await run(['repo', 'info', repo]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^packages +0$/m);
    assert.match(r.out, /^advisories +4 \(bugfix 1, security 3; severity None 1, Moderate 1, Important 2; 5 CVEs\)$/m);
    assert.match(r.out, /^modules +43 modules, 63 streams, 17 defaults$/m);
    const j = JSON.parse((await run(['--json', 'repo', 'info', repo])).out) as { modules: { byModule: Record<string, string[]> } };
    assert.deepEqual(j.modules.byModule.scala, ['2.10']); // a string, not the float 2.1
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('repo query over http: the same answer as from the directory', { skip: skipUnlessShared(...BASEOS) }, async () => {
  const root = sharedPath(...BASEOS);
  const server = createServer((req, res) => {
    const file = resolve(root, `.${decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)}`);
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200);
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const r = await run(['repo', 'query', url, '--whatprovides', 'libc.so.6()(64bit)']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, 'glibc-2.34-21.el9.x86_64\n');
  } finally {
    server.close();
  }
});

test('repo info on a missing path fails with a FerryError', async () => {
  const r = await run(['repo', 'info', '/nonexistent/repo']);
  assert.equal(r.code, 1);
  assert.match(r.err, /ferry: error \[[A-Z_]+\]: .*\/nonexistent\/repo/);
});
