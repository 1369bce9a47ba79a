// Read-only means read-only (issue 13 item 8) and the dnf configuration is safe against data (issue 14): on
// a lab root at a path with a space and a comma, a target mirror at such a path and one over HTTP with
// credentials, `ferry plan` and `ferry migrate --dry-run` leave the whole host file tree (paths, modes,
// sizes, bytes) as it was, locally and over the real sshd, and leave no temporary directory behind; a
// `--repo` carrying a newline is refused before anything runs; credentials never reach what Ferry prints;
// the real migration then runs against both paths and the authenticated mirror.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLab, type Lab, type LabDistro, type LabHost } from '../lab/lab.js';
import { skipUnlessTools } from '../support/shared.js';
import { RPMDB_READER_FILES, treeHash } from '../../src/exec/testing/fixture.js';
import type { MigrationPlan } from '../../src/plan/index.js';
import { ferry } from './cli.js';
import { sh } from './helpers.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'sshd', 'ssh', 'setsid', 'gpg', 'flock');
const TREE_IGNORE = RPMDB_READER_FILES;
const USER = 'alice';
const PASSWORD = 's3cret-pw';
let lab: Lab;
let r8: LabDistro;
let base: string;
let mirror: string;
/** The mirror as a file URL: --repo splits a value at commas, so a directory with one is given encoded. */
let mirrorUrl: string;
/** A mirror at a path with a space only, given as a plain path. */
let spaced: string;
let spacedBase: string;
let server: Server;
let httpUrl: string;

/** Serves `dir` over HTTP, only to requests with alice's basic-auth credentials. */
function serve(dir: string): Promise<Server> {
  const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  const s = createServer((req, res) => {
    if (req.headers.authorization !== expected) { res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="lab"' }).end(); return; }
    const file = normalize(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    try {
      if (!file.startsWith(dir) || !statSync(file).isFile()) throw new Error('no file');
      res.writeHead(200).end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

/** Ferry's temporary dnf directories ($TMPDIR/ferry-dnf.*) that exist now. */
function leftovers(): string[] {
  return readdirSync(process.env.TMPDIR ?? '/tmp').filter((n) => n.startsWith('ferry-dnf.'));
}

/** A lab CentOS 8 host copied to a root whose path has a space and a comma. */
function spacedHost(host: LabHost, name: string): string {
  const root = join(base, name);
  execFileSync('cp', ['-a', host.root, root]);
  return root;
}

before(async () => {
  if (skip) return;
  lab = await createLab();
  r8 = await lab.distro('rocky-8');
  process.env.HOME = (await lab.host({ from: 'centos-8' })).env.HOME; // Debian rpm: %_dbpath from the lab HOME
  base = mkdtempSync(join(tmpdir(), 'ferry ro,'));
  mirror = join(base, 'rocky mirror,8');
  execFileSync('cp', ['-a', r8.repoDir, mirror]);
  mirrorUrl = pathToFileURL(mirror).href.replace(/,/g, '%2C');
  spacedBase = mkdtempSync(join(tmpdir(), 'ferry ro '));
  spaced = join(spacedBase, 'rocky mirror');
  execFileSync('cp', ['-a', r8.repoDir, spaced]);
  server = await serve(mirror);
  const port = (server.address() as { port: number }).port;
  httpUrl = `http://${USER}:${PASSWORD}@127.0.0.1:${port}/`;
});
after(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  await lab?.close();
  if (base) rmSync(base, { recursive: true, force: true });
  if (spacedBase) rmSync(spacedBase, { recursive: true, force: true });
});

test('plan and migrate --dry-run write nothing on a local root (space and comma in the root and the mirror path, and an authenticated HTTP mirror)', { skip }, async () => {
  const root = spacedHost(await lab.host({ from: 'centos-8', extras: ['nodejs'] }), 'host root,1');
  const hostArgs = ['local', '--root', root, '--to', 'rocky-8', '--nogpgcheck'];
  const tmpBefore = leftovers();
  const before = treeHash(root, TREE_IGNORE);
  for (const repo of [`rocky-8=${mirrorUrl}`, `rocky-8=${spaced}`, `rocky-8=${httpUrl}`]) {
    const plan = await ferry(['--json', 'plan', ...hostArgs, '--repo', repo]);
    assert.equal(plan.code, 0, plan.out + plan.err);
    assert.equal(treeHash(root, TREE_IGNORE), before, `ferry plan --repo ${repo} changed the host tree`);
    const dry = await ferry(['migrate', ...hostArgs, '--repo', repo, '--dry-run']);
    assert.equal(dry.code, 0, dry.out + dry.err);
    assert.match(dry.err, /would run: dnf distro-sync to rocky-8/);
    assert.equal(treeHash(root, TREE_IGNORE), before, `ferry migrate --dry-run --repo ${repo} changed the host tree`);
    for (const text of [plan.out, plan.err, dry.out, dry.err]) assert.ok(!text.includes(PASSWORD), `the password is printed: ${text.slice(0, 300)}`);
    if (repo.includes('http')) {
      assert.match(plan.out, /"baseurl": "http:\/\/\*\*\*@127\.0\.0\.1:\d+\/"/, 'plan --json shows the mirror with its credentials redacted');
    } else {
      const printed = JSON.parse(plan.out) as { dnf: { repos: { baseurl: string }[] } };
      assert.deepEqual(printed.dnf.repos.map((r) => r.baseurl), [repo.includes('%2C') ? mirrorUrl : pathToFileURL(spaced).href]);
    }
  }
  assert.deepEqual(leftovers(), tmpBefore, 'no temporary dnf directory is left behind');

  // A wrong password: dnf fails, the --json error names the repository without the credentials.
  const wrong = await ferry(['--json', 'plan', ...hostArgs, '--repo', `rocky-8=${httpUrl.replace(PASSWORD, 'wrong-pw')}`]);
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.out, /"code": "REPO_FETCH"/);
  assert.match(wrong.out, /http:\/\/\*\*\*@127\.0\.0\.1/);
  assert.ok(!wrong.out.includes('wrong-pw') && !wrong.err.includes('wrong-pw'));
  assert.equal(treeHash(root, TREE_IGNORE), before);
});

test('a --repo with a newline, a tab or a foreign scheme is refused with REPO_URL_INVALID naming the argument; nothing is written', { skip }, async () => {
  const root = spacedHost(await lab.host({ from: 'centos-8' }), 'host root,2');
  const before = treeHash(root, TREE_IGNORE);
  const cases = [`rocky-8=${mirrorUrl}\ngpgcheck=0\n[evil]\nbaseurl=https://evil.example/`, `rocky-8=${httpUrl}\tx`, 'rocky-8=ssh://mirror.example/r', 'rocky-8=relative/dir'];
  for (const repo of cases) {
    for (const args of [['plan'], ['migrate', '--yes'], ['migrate', '--dry-run']]) {
      const r = await ferry(['--json', ...args, 'local', '--root', root, '--to', 'rocky-8', '--nogpgcheck', '--repo', repo]);
      assert.notEqual(r.code, 0, `${args.join(' ')} ${JSON.stringify(repo)}`);
      const err = (JSON.parse(r.out) as { error: { code: string; message: string } }).error;
      assert.equal(err.code, 'REPO_URL_INVALID', JSON.stringify(err));
      assert.ok(err.message.startsWith('--repo rocky-8='), err.message);
      assert.ok(!r.out.includes(PASSWORD));
    }
  }
  assert.equal(treeHash(root, TREE_IGNORE), before);
});

test('plan and migrate --dry-run over the real sshd (user@host:port and ssh://): the plan reads the mirror here, nothing is written on the host', { skip }, async () => {
  const h = await lab.sshHost({ from: 'centos-8' });
  try {
    const flags = ['--root', h.root, '-i', h.privateKeyPath, '--known-hosts', h.knownHostsPath, '--to', 'rocky-8', '--nogpgcheck', '--repo', `rocky-8=${spaced}`];
    const before = treeHash(h.root, TREE_IGNORE);
    const tmpBefore = leftovers();
    const plan = await ferry(['--json', 'plan', `root@127.0.0.1:${h.port}`, ...flags]);
    assert.equal(plan.code, 0, plan.out + plan.err);
    const printed = JSON.parse(plan.out) as MigrationPlan;
    assert.deepEqual(printed.dnf.repos.map((x) => x.baseurl), [pathToFileURL(spaced).href]);
    assert.ok(printed.swap.install.includes('rocky-release'), printed.swap.install.join(' '));
    assert.equal(treeHash(h.root, TREE_IGNORE), before, 'ferry plan changed the host');
    const dry = await ferry(['migrate', `ssh://root@127.0.0.1:${h.port}`, ...flags, '--dry-run']);
    assert.equal(dry.code, 0, dry.out + dry.err);
    assert.equal(treeHash(h.root, TREE_IGNORE), before);
    assert.deepEqual(leftovers(), tmpBefore, 'no temporary dnf directory is left behind');
  } finally {
    await h.stop();
  }
});

test('the migration itself runs with the root and the mirror at paths with a space and a comma, and against the authenticated mirror', { skip }, async () => {
  for (const [name, repo] of [['host root,3', `rocky-8=${mirrorUrl}`], ['host root,4', `rocky-8=${httpUrl}`]]) {
    const host = await lab.host({ from: 'centos-8' });
    const root = spacedHost(host, name);
    const r = await ferry(['--json', 'migrate', 'local', '--root', root, '--to', 'rocky-8', '--nogpgcheck', '--repo', repo, '--yes']);
    assert.equal(r.code, 0, r.out.slice(-2000) + r.err.slice(-2000));
    const out = JSON.parse(r.out) as { result: { status: string; executionId: string }; verify?: { ok: boolean } };
    assert.equal(out.result.status, 'completed');
    assert.ok(out.verify?.ok, r.out.slice(-2000));
    assert.equal(sh(['rpm', '--root', root, '-q', 'rocky-release'], host.env).status, 0);
    assert.ok(!r.out.includes(PASSWORD) && !r.err.includes(PASSWORD), 'the password is printed');
    // The host's private configuration: the real URL, one repository section, mode 0600.
    const conf = join(root, 'var/lib/ferry', out.result.executionId, 'dnf/dnf.conf');
    assert.equal(lstatSync(conf).mode & 0o777, 0o600);
    const text = readFileSync(conf, 'utf8');
    assert.deepEqual(text.match(/^\[.*\]$/gm), ['[main]', '[ferry-rocky-8-0]']);
    assert.match(text, repo.includes('http') ? new RegExp(`^baseurl=http://${USER}:${PASSWORD}@`, 'm') : /^baseurl=file:\/\/.*ro%2C.*\/rocky%20mirror%2C8$/m);
  }
});
