// Hostile hostnames, package names and repo ids reaching `ferry assess` are data, never commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateAssessment } from '../../src/report/assessment-schema.js';
import { ferry } from './cli.js';
import { floodResponse } from '../support/http.js';
import { skipUnlessTools } from '../support/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-assess-hostile-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const canary = join(dir, 'pwned');

test('hostile host specs are HOST_INVALID, before any connection, and run nothing', async () => {
  const specs = [
    `host;touch ${canary}`,
    `-oProxyCommand=touch ${canary}`,
    `-oProxyCommand=touch${canary}`,
    `$(touch ${canary})`,
    `$(touch${canary})`,
    `\`touch${canary}\``,
    `root@host|touch${canary}`,
    `ssh://root@host&&touch${canary}:22`,
    `host\ntouch${canary}`,
    `ssh://-oProxyCommand=touch${canary}`,
  ];
  for (const spec of specs) {
    const r = await ferry(['--json', 'assess', spec, '--to', 'rocky-8']);
    assert.equal(r.code, 1, `${spec}: exit ${r.code} ${r.out} ${r.err}`);
    const body = JSON.parse(r.out) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'HOST_INVALID', `${spec}: ${r.out}`);
    assert.equal(existsSync(canary), false, `${spec} created the canary`);
  }
  // the text form names the host and the code on stderr
  const t = await ferry(['assess', `-oProxyCommand=touch ${canary}`, '--to', 'rocky-8']);
  assert.match(t.err, /error \[HOST_INVALID\]: Host "-oProxyCommand=touch .*pwned" is invalid/);
  assert.equal(existsSync(canary), false);
});

test('usage errors: unknown target, no target, --repo for a target not assessed, two hosts', async () => {
  const manifest = join(dir, 'm.txt');
  writeFileSync(manifest, 'bash-4.4.19-10.el8.x86_64\n');
  const unknown = await ferry(['--json', 'assess', '--manifest', manifest, '--to', 'rocky8']);
  assert.equal(JSON.parse(unknown.out).error.code, 'TARGET_UNKNOWN');
  assert.match(JSON.parse(unknown.out).error.message, /rocky-8/);
  const none = await ferry(['--json', 'assess', '--manifest', manifest]);
  assert.equal(none.code, 2);
  const repo = await ferry(['--json', 'assess', '--manifest', manifest, '--to', 'rocky-8', '--repo', 'almalinux-8=/x']);
  assert.equal(JSON.parse(repo.out).error.code, 'USAGE');
  const two = await ferry(['--json', 'assess', 'a.example', 'b.example', '--to', 'rocky-8']);
  assert.equal(JSON.parse(two.out).error.code, 'USAGE');
});

test('a package named with shell metacharacters flows through to every report escaped, never executed', async () => {
  const evil = `evil$(touch${canary})\`touch${canary}\`;touch${canary}<script>alert(1)</script>`;
  const manifest = join(dir, 'evil.txt');
  writeFileSync(manifest, ['bash-4.4.19-10.el8.x86_64', 'centos-release-8.2-2.2004.0.1.el8.x86_64', `${evil}-1.0-1.el8.x86_64`, ''].join('\n'));
  const j = await ferry(['--json', 'assess', '--manifest', manifest, '--to', 'rocky-8,centos-stream-9', '--today', '2024-06-01']);
  assert.equal(j.code, 0, j.err + j.out);
  const a = JSON.parse(j.out) as { targets: { fates: { name: string }[]; findings: unknown[] }[] };
  assert.deepEqual(validateAssessment(a), []);
  // without repositories no fates are computed; the name still reaches findings or is absent, never run
  const html = join(dir, 'r.html');
  const md = join(dir, 'r.md');
  assert.equal((await ferry(['assess', '--manifest', manifest, '--to', 'rocky-8', '--format', 'html', '--out', html, '--no-progress'])).code, 0);
  assert.equal((await ferry(['assess', '--manifest', manifest, '--to', 'rocky-8', '--format', 'md', '--out', md, '--no-progress'])).code, 0);
  for (const f of [html, md]) {
    const text = readFileSync(f, 'utf8');
    assert.doesNotMatch(text, /<script>alert/);
  }
  assert.equal(existsSync(canary), false);
});

test('one flooding mirror among a target\'s locations: that target is assessed without fates (not assessed, naming the mirror), the others go on', { skip: skipUnlessTools('createrepo_c') }, async () => {
  const good = join(dir, 'good-repo');
  mkdirSync(good, { recursive: true });
  execFileSync('createrepo_c', ['-q', good]);
  const server = createServer((_req, res) => floodResponse(res)); // every path answers with an endless body
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  try {
    const manifest = join(dir, 'mirror.txt');
    writeFileSync(manifest, 'bash-4.4.19-10.el8.x86_64\ncentos-release-8.2-2.2004.0.1.el8.x86_64\n');
    const j = await ferry(['--json', 'assess', '--manifest', manifest, '--to', 'rocky-8,almalinux-8', '--today', '2024-06-01',
      '--repo', `rocky-8=${good},http://127.0.0.1:${port}/flood/`, '--repo', `almalinux-8=${good}`]);
    assert.equal(j.code, 0, j.err + j.out);
    const a = JSON.parse(j.out) as { targets: { target: string; repositories: string[]; notAssessed?: { check: string; reason: string }[] }[] };
    const rocky = a.targets.find((t) => t.target === 'rocky-8');
    const alma = a.targets.find((t) => t.target === 'almalinux-8');
    assert.deepEqual(rocky?.repositories, []);
    assert.match(rocky?.notAssessed?.find((n) => n.check === 'missing-packages')?.reason ?? '',
      new RegExp(`repositories of rocky-8 could not be read \\(REPO_TOO_LARGE: http://127\\.0\\.0\\.1:${port}/flood/: .*repomd\\.xml is more than 4194304 bytes`));
    assert.deepEqual(alma?.repositories, [good]);
    assert.equal(alma?.notAssessed?.some((n) => n.check === 'missing-packages'), false);
    assert.match(j.err, /rocky-8: repositories unreadable, assessed without package fates/);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('a manifest that is a symlink to a shadow file: --json and text errors quote an excerpt with the hash redacted, never the file', async () => {
  const shadow = join(dir, 'shadow');
  const hash = `$6$rounds=5000$saltsalt$${'Q'.repeat(86)}`;
  writeFileSync(shadow, `root:${hash}:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\nsecondline-secret:x:1\n`, { mode: 0o600 });
  const link = join(dir, 'packages.txt');
  symlinkSync(shadow, link);
  const j = await ferry(['--json', 'assess', '--manifest', link, '--to', 'rocky-8']);
  const t = await ferry(['assess', '--manifest', link, '--to', 'rocky-8']);
  assert.equal(JSON.parse(j.out).error.code, 'MANIFEST_INVALID');
  for (const out of [j.out, t.err]) {
    assert.doesNotMatch(out, /Q{20}|saltsalt|secondline-secret/, out);
    assert.match(out, /packages\.txt:1: .*root:\[REDACTED HASH\]/);
  }
});

test('report files (--out, every format) never hold a mirror URL\'s credentials; a symlinked shadow manifest writes no report', { skip: skipUnlessTools('createrepo_c') }, async () => {
  const good = join(dir, 'cred-repo');
  mkdirSync(good, { recursive: true });
  execFileSync('createrepo_c', ['-q', good]);
  // serves the repository at /good/ and answers 404 elsewhere, whatever the credentials
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').replace(/^\/good\//, '');
    if (req.url?.startsWith('/good/') && existsSync(join(good, path))) res.end(readFileSync(join(good, path)));
    else { res.writeHead(404); res.end(); }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  try {
    const manifest = join(dir, 'cred.txt');
    writeFileSync(manifest, 'bash-4.4.19-10.el8.x86_64\ncentos-release-8.2-2.2004.0.1.el8.x86_64\n');
    for (const format of ['html', 'md', 'json', 'text']) {
      const out = join(dir, `cred.${format}`);
      const r = await ferry(['assess', '--manifest', manifest, '--to', 'rocky-8,almalinux-8', '--format', format, '--out', out, '--no-progress',
        '--repo', `rocky-8=http://deploy:hunter2pw@127.0.0.1:${port}/good/`, '--repo', `almalinux-8=http://deploy:hunter2pw@127.0.0.1:${port}/gone/`]);
      assert.equal(r.code, 0, r.err + r.out);
      const text = readFileSync(out, 'utf8');
      assert.doesNotMatch(text, /hunter2pw/, `${format} report`);
      // both mirrors still named (the text report names none), the unreadable one with its error
      if (format !== 'text') assert.match(text, new RegExp(`http://\\*\\*\\*@127\\.0\\.0\\.1:${port}/good/`), format);
      if (format === 'html' || format === 'json') assert.match(text, new RegExp(`REPO_FETCH: http://\\*\\*\\*@127\\.0\\.0\\.1:${port}/gone/`), format);
    }
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  // a manifest symlinked to a shadow file: MANIFEST_INVALID, and no HTML report is written at all
  const shadow = join(dir, 'shadow-html');
  writeFileSync(shadow, `root:$y$j9T$F5Jx5fExrKuPp53xLKQ..1$${'Z'.repeat(43)}:19000:0:99999:7:::\n`, { mode: 0o600 });
  const link = join(dir, 'html-packages.txt');
  symlinkSync(shadow, link);
  const html = join(dir, 'shadow.html');
  const r = await ferry(['assess', '--manifest', link, '--to', 'rocky-8', '--format', 'html', '--out', html]);
  assert.equal(r.code, 1);
  assert.match(r.err, /MANIFEST_INVALID.*html-packages\.txt:1: .*root:\[REDACTED HASH\]/);
  assert.doesNotMatch(r.err + r.out, /Z{20}|F5Jx5f/);
  assert.equal(existsSync(html), false);
});
