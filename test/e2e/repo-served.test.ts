// `--repo TARGET=DIR` where DIR exists only on the controller: Ferry serves it to the SSH host over that
// host's own connection (a remote port forward to a static server in the Ferry process). The lab host is
// an sshd in its own mount namespace with a tmpfs over the directory holding the controller's copy of the
// rocky-8 repository, so the host really cannot see it. Plan, dry run (the host's tree unchanged) and migrate
// through the CLI; a resume after a dropped connection gets the new forward's URL in the dnf configuration;
// a traversal request through the tunnel is refused; an sshd with `AllowTcpForwarding no` gets the refusal naming the host and the setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { skipUnlessTools } from '../support/shared.js';
import { isFerryError } from '../../src/core/index.js';
import { migrate, migrationStatus, planMigration, resume } from '../../src/app/migrate.js';
import { serveToHost } from '../../src/app/repo-server.js';
import { RPMDB_READER_FILES, treeHash } from '../../src/exec/testing/fixture.js';
import { connectSsh } from '../../src/transport/ssh.js';
import type { MigrationPlan } from '../../src/plan/index.js';
import type { LabSshHost } from '../lab/lab.js';
import { cutSshSessions, sh, useLab } from './helpers.js';
import { ferry } from './cli.js';

const skip = process.getuid?.() !== 0 ? 'needs root (sshd logins as root, unshare --mount)'
  : skipUnlessTools('rpmbuild', 'createrepo_c', 'dnf', 'rpm', 'sshd', 'setsid', 'unshare', 'curl', 'pgrep');
const labOf = useLab(skip);

/** A copy of the lab's rocky-8 repository in a directory only the controller sees, and the sshd wrapper hiding it from the host. */
async function controllerOnlyRepo(): Promise<{ dir: string; hidden: string; wrapper: string[]; dispose(): void }> {
  const d = await labOf().distro('rocky-8');
  const hidden = mkdtempSync(join(tmpdir(), 'ferry-controller-only-'));
  const dir = join(hidden, 'rocky-8');
  execFileSync('cp', ['-a', d.repoDir, dir]);
  // sshd and every session run with an empty tmpfs over `hidden`: the host's view of the path is empty.
  const wrapper = ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs -o mode=0755 ferry-hidden "$0" && exec "$@"', hidden];
  return { dir, hidden, wrapper, dispose: () => rmSync(hidden, { recursive: true, force: true }) };
}

function hostArgs(h: LabSshHost): string[] {
  return [`ssh://root@${h.host}:${h.port}`, '--root', h.root, '-i', h.privateKeyPath, '--known-hosts', h.knownHostsPath];
}

function connect(h: LabSshHost): ReturnType<typeof connectSsh> {
  return connectSsh({ host: h.host, port: h.port, user: 'root', root: h.root, sshConfigPath: false,
    auth: { identityFiles: [h.privateKeyPath], agent: false }, knownHostsFiles: [h.knownHostsPath], keepaliveIntervalMs: 1000 });
}

/** The baseurls of the execution's private dnf configuration on the host. */
function configuredBaseurls(root: string): string[] {
  const base = join(root, 'var/lib/ferry');
  const exec = readdirSync(base).filter((e) => e.startsWith('mig-'));
  assert.equal(exec.length, 1, exec.join(' '));
  const conf = join(base, exec[0], 'dnf', 'dnf.conf');
  return readFileSync(conf, 'utf8').split('\n').filter((l) => l.startsWith('baseurl=')).map((l) => l.slice('baseurl='.length));
}

test('ferry plan and migrate with a controller-only --repo: served over the SSH connection, verified; only the repository\'s files were read', { skip }, async () => {
  const repo = await controllerOnlyRepo();
  const h = await labOf().sshHost({ from: 'centos-8' }, { wrapper: repo.wrapper });
  try {
    const seen = await connect(h);
    assert.notEqual((await seen.run(['test', '-e', join(repo.dir, 'repodata', 'repomd.xml')])).code, 0, 'the host does not see the controller\'s copy');
    await seen.close();
    const before = treeHash(h.root, RPMDB_READER_FILES);

    const planned = await ferry(['--json', 'plan', ...hostArgs(h), '--to', 'rocky-8', '--repo', `rocky-8=${repo.dir}`, '--nogpgcheck']);
    assert.equal(planned.code, 0, planned.err + planned.out.slice(0, 2000));
    const plan = JSON.parse(planned.out) as MigrationPlan;
    assert.deepEqual(plan.dnf.repos, [{ id: 'ferry-rocky-8-0', baseurl: pathToFileURL(repo.dir).href, served: true }]);
    const text = await ferry(['plan', ...hostArgs(h), '--to', 'rocky-8', '--repo', `rocky-8=${repo.dir}`, '--nogpgcheck']);
    assert.match(text.out, /served by Ferry over the SSH connection/);
    const dry = await ferry(['migrate', ...hostArgs(h), '--to', 'rocky-8', '--repo', `rocky-8=${repo.dir}`, '--nogpgcheck', '--dry-run']);
    assert.equal(dry.code, 0, dry.err + dry.out);
    assert.match(dry.out, /^Transaction dnf predicts for "Swap vendor packages[^"]*" \(the vendor swap, then distro-sync\): \d+ package\(s\)/m, 'the host\'s dnf read the served repository');
    assert.match(dry.out, /^ {2}install {3}rocky-release-/m);
    assert.equal(treeHash(h.root, RPMDB_READER_FILES), before, 'plan and --dry-run wrote nothing on the host');

    const run = await ferry(['migrate', ...hostArgs(h), '--to', 'rocky-8', '--repo', `rocky-8=${repo.dir}`, '--nogpgcheck', '--yes']);
    assert.equal(run.code, 0, run.err.slice(-4000) + run.out);
    assert.match(run.out, /Verification: passed/);
    assert.equal(sh(['rpm', '--root', h.root, '-q', 'rocky-release'], h.env).status, 0);
    assert.equal(sh(['rpm', '--root', h.root, '-Va'], h.env).stdout, '', 'rpm -Va clean');
    const [url] = configuredBaseurls(h.root);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/ferry-rocky-8-0\/$/, 'dnf on the host was given the forward');

    // The server's log (progress): each request names a file of the repository copy, and dnf got them.
    const served = [...run.err.matchAll(/^\[repos\] \S+ (GET|HEAD) (\S+): (\d+)/gm)].map((m) => ({ method: m[1], path: m[2], status: Number(m[3]) }));
    assert.ok(served.some((r) => r.path === '/ferry-rocky-8-0/repodata/repomd.xml' && r.status === 200), run.err.slice(-3000));
    assert.ok(served.some((r) => /\/Packages\/.*\.rpm$/.test(r.path) && r.status === 200), 'packages were downloaded through the tunnel');
    for (const r of served) {
      assert.ok(r.path.startsWith('/ferry-rocky-8-0/'), r.path);
      assert.ok([200, 206].includes(r.status), `${r.method} ${r.path}: ${r.status}`);
      assert.ok(existsSync(join(repo.dir, decodeURIComponent(r.path.slice('/ferry-rocky-8-0/'.length)))), `${r.path} is a file of the repository`);
    }
  } finally {
    await h.stop();
    repo.dispose();
  }
});

test('a dropped connection, then resume: the forward is re-established and the host\'s dnf configuration names the new one', { skip }, async () => {
  const repo = await controllerOnlyRepo();
  const h = await labOf().sshHost({ from: 'centos-8' }, { wrapper: repo.wrapper });
  try {
    const t1 = await connect(h);
    let cut = false;
    let firstUrls: string[] = [];
    await assert.rejects(migrate({ transport: t1, target: 'rocky-8', repos: [repo.dir], gpgcheck: false, onProgress(e) {
      // dnf on the host (the vendor swap, detached) downloading its first package through the tunnel
      if (!cut && e.scope === 'repos' && e.phase === 'served' && /\/Packages\/\S+\.rpm/.test(e.message)) {
        firstUrls = configuredBaseurls(h.root);
        cut = cutSshSessions(h.sshd.pid) > 0;
      }
    } }));
    assert.ok(cut, 'the connection was cut');
    await t1.close();
    assert.equal(firstUrls.length, 1);

    const t2 = await connect(h);
    try {
      const res = await resume({ transport: t2 });
      assert.equal(res.result.status, 'completed');
      assert.ok(res.verify?.ok, JSON.stringify(res.verify?.checks));
      const { url: current } = await serveToHost(t2, 'ferry-rocky-8-0', repo.dir); // this connection's forward (already open: the same URL)
      assert.deepEqual(configuredBaseurls(h.root), [current], `the configuration names this connection's forward (the first run's was ${firstUrls[0]})`);
      assert.equal((await migrationStatus({ transport: t2 })).status.state, 'completed');

      // Through the same tunnel, from the host: a file of the repository is served, a traversal is not.
      const curl = (path: string): Promise<string> => t2.run(['curl', '-s', '--path-as-is', '-o', '/dev/null', '-w', '%{http_code}', `${current}${path}`]).then((r) => r.stdout);
      assert.equal(await curl('repodata/repomd.xml'), '200');
      assert.equal(await curl('../../../../etc/passwd'), '404');
      assert.equal(await curl('%2e%2e/%2e%2e/etc/passwd'), '404');
      assert.equal(await curl('.hidden'), '404');
    } finally {
      await t2.close();
    }
  } finally {
    await h.stop();
    repo.dispose();
  }
});

test('sshd with AllowTcpForwarding no: plan and migrate refuse the controller-only --repo, naming the host and the setting', { skip }, async () => {
  const repo = await controllerOnlyRepo();
  const h = await labOf().sshHost({ from: 'centos-8' }, { wrapper: repo.wrapper, extraConfig: ['AllowTcpForwarding no'] });
  try {
    const t = await connect(h);
    try {
      await assert.rejects(planMigration({ transport: t, target: 'rocky-8', repos: [repo.dir], gpgcheck: false }), (e: unknown) => isFerryError(e, 'REPO_FETCH')
        && e.message.includes(`root@${h.host}:${h.port}`) && e.message.includes(repo.dir) && /AllowTcpForwarding/.test(e.message)
        && /python3 -m http\.server/.test(e.hint ?? '') && /copy/.test(e.hint ?? ''));
    } finally {
      await t.close();
    }
    const r = await ferry(['migrate', ...hostArgs(h), '--to', 'rocky-8', '--repo', `rocky-8=${repo.dir}`, '--nogpgcheck', '--yes']);
    assert.equal(r.code, 1, r.err + r.out);
    assert.match(r.err, /AllowTcpForwarding/);
    assert.ok(!existsSync(join(h.root, 'var/lib/ferry')), 'nothing was written on the host');
  } finally {
    await h.stop();
    repo.dispose();
  }
});
