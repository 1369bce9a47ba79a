// `ferry assess` end to end on lab hosts: installed roots (--root) and the same roots over the real sshd
// (SSH transport with a root prefix), against the lab's rocky-8, almalinux-8, opencloudos-8 and
// oraclelinux-8 repositories. One lab and one set of hosts for the whole file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Assessment, TargetAssessment } from '../../src/assess/types.js';
import { createLab, type Lab, type LabHost, type LabSshHost } from '../lab/lab.js';
import { skipUnlessTools } from '../support/shared.js';
import { assessJson, ferry, targetOf } from './cli.js';

const skip = skipUnlessTools('rpm', 'rpmbuild', 'createrepo_c', 'dnf', 'sshd');
const TARGETS = ['rocky-8', 'almalinux-8', 'opencloudos-8', 'oraclelinux-8'];
const DIRTY = { from: 'centos-8', extras: ['glibc.i686', 'nodejs'], epel: true, noRepoPackage: true };

let lab: Lab;
let dirty: LabHost;
let clean: LabHost;
let stream: LabHost;
let ssh: LabSshHost;
let repoFlags: string[];
let work: string;
const canary = (): string => join(work, 'pwned');

const assess = (hostArgs: string[], extra: string[] = []): Promise<Assessment> =>
  assessJson([...hostArgs, '--to', TARGETS.join(','), ...repoFlags, '--today', '2024-06-01', ...extra]);
const byTarget = targetOf;
const fate = (t: TargetAssessment, name: string, arch?: string): string | undefined =>
  t.fates.find((f) => f.name === name && (arch === undefined || f.arch === arch))?.fate;
const checks = (t: TargetAssessment): Set<string> => new Set(t.findings.map((f) => f.check));

before(async () => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), 'ferry-assess-e2e-'));
  lab = await createLab();
  const distros = await Promise.all(TARGETS.map((id) => lab.distro(id)));
  repoFlags = distros.flatMap((d) => ['--repo', `${d.id}=${d.repoDir}`]);
  dirty = await lab.host(DIRTY);
  clean = await lab.host({ from: 'centos-8' });
  stream = await lab.host({ from: 'centos-stream-8' });
  ssh = await lab.sshHost(DIRTY);
  // A repo id with shell metacharacters in one of the SSH host's .repo files.
  writeFileSync(join(ssh.root, 'etc/yum.repos.d/evil.repo'),
    `[evil;touch ${canary()};$(touch ${canary()})\`touch ${canary()}\`<b>]\nname=evil $(touch ${canary()})\nbaseurl=file:///nonexistent/$(touch ${canary()})\nenabled=1\ngpgcheck=0\n`);
});

after(async () => {
  if (skip) return;
  await lab.close();
  rmSync(work, { recursive: true, force: true });
});

let dirtyReport: Assessment;

test('a CentOS 8 root with i686, EPEL and a no-repo package, to four targets', { skip }, async () => {
  const a = await assess(['--root', dirty.root]);
  dirtyReport = a;
  assert.equal(a.host.source, 'root');
  assert.equal(a.targets.length, 4);
  // rocky-8 and almalinux-8 tie (same rank, said so); opencloudos-8 is blocked by the vendor's i686 rule
  assert.deepEqual(a.targets.map((t) => t.rank).sort(), [1, 1, 3, 4]);
  const installed = a.targets[0].fates.length;
  assert.ok(installed > 20, `${installed} packages`);
  for (const t of a.targets) {
    assert.equal(Object.values(t.counts).reduce((s, n) => s + n, 0), t.fates.length, `${t.target}: counts sum to fates`);
    assert.deepEqual(t.repositories.length, 1);
    // third-party: EPEL's epel-release and htop, and acme-agent from no repo
    for (const name of ['htop', 'epel-release', 'acme-agent']) assert.equal(fate(t, name), 'third-party', `${t.target}: ${name}`);
    assert.equal(fate(t, 'lab-orphan'), 'missing', `${t.target}: lab-orphan`);
    // the catalog's sourced vendor swaps (OpenCloudOS: opencloudos-release and its branding packages), as the
    // migration plan's swap installs them
    assert.equal(fate(t, 'centos-release'), 'replaced', `${t.target}: centos-release`);
    assert.equal(t.fates.find((f) => f.name === 'centos-release')?.via, 'vendor-swap');
    if (t.target === 'opencloudos-8') {
      assert.deepEqual(t.fates.find((f) => f.name === 'centos-release')?.target, ['opencloudos-release-8.6-1.oc8.noarch']);
      assert.ok(!t.findings.some((f) => f.key === 'missing-packages' && JSON.stringify(f).includes('centos-release')));
    }
    assert.ok(checks(t).has('unsigned-packages'), 'lab packages are unsigned, and said so');
    // CentOS → OpenCloudOS: "安装了i686的 rpm 包" (i686 rpms installed) is unsupported by the vendor's guide
    assert.deepEqual(t.inhibitors, t.target === 'opencloudos-8' ? ['i686-packages'] : [], t.target);
  }
  assert.equal(byTarget(a, 'opencloudos-8').rank, 4);
  assert.match(byTarget(a, 'opencloudos-8').findings.find((f) => f.key === 'i686-packages')?.summary ?? '', /安装了i686的 rpm 包/);
  assert.deepEqual([byTarget(a, 'rocky-8').rank, byTarget(a, 'almalinux-8').rank], [1, 1]);
  assert.match(byTarget(a, 'rocky-8').reasons.find((r) => r.factor === 'tie')?.text ?? '', /tied with almalinux-8/);
  assert.ok(byTarget(a, 'rocky-8').reasons.some((r) => r.factor === 'lifecycle' && r.points > 0));
  assert.equal(fate(byTarget(a, 'rocky-8'), 'lz4-libs'), 'upgrade');
  // nodejs comes from the enabled module stream nodejs:10; the target's modules.yaml keeps it there, as dnf
  // does (without the modular filter the newer nodejs:12 build would wrongly read as an upgrade)
  assert.equal(fate(byTarget(a, 'rocky-8'), 'nodejs'), 'same');
  assert.equal(fate(byTarget(a, 'rocky-8'), 'lab-legacy-utils'), 'replaced');
  // ranks follow scores
  const ranked = [...a.targets].sort((x, y) => x.rank - y.rank);
  for (let i = 1; i < ranked.length; i++) assert.ok(ranked[i - 1].score >= ranked[i].score, 'rank order follows score');
});

test('findings the lab host exhibits appear; a clean host does not show them', { skip }, async () => {
  assert.ok(dirtyReport, 'depends on the previous test');
  const rocky = byTarget(dirtyReport, 'rocky-8');
  const got = checks(rocky);
  const i686 = rocky.findings.find((f) => JSON.stringify(f).includes('glibc') && /i686/.test(f.key));
  assert.ok(i686, `no i686 finding in ${[...got].join(', ')}`);
  const third = rocky.findings.find((f) => /third-party/.test(f.key) && JSON.stringify(f).includes('htop'));
  assert.ok(third, `no third-party finding naming htop in ${[...got].join(', ')}`);
  assert.ok(rocky.findings.some((f) => JSON.stringify(f).includes('lab-orphan')), 'the missing package is reported');
  const a = await assess(['--root', clean.root]);
  const c = byTarget(a, 'rocky-8');
  assert.equal(c.counts['third-party'], 0);
  assert.ok(!c.findings.some((f) => /i686/.test(f.key)), 'no i686 finding on a clean host');
  assert.ok(!c.findings.some((f) => /third-party/.test(f.key)), 'no third-party finding on a clean host');
  assert.ok(!c.fates.some((f) => f.arch === 'i686'));
});

test('a CentOS Stream 8 root: tzdata is a downgrade to Rocky 8', { skip }, async () => {
  const a = await assess(['--root', stream.root]);
  const rocky = byTarget(a, 'rocky-8');
  assert.equal(fate(rocky, 'tzdata'), 'downgrade');
  assert.ok(rocky.counts.downgrade >= 1);
  assert.ok(rocky.findings.some((f) => /downgrade/.test(f.key) && JSON.stringify(f).includes('tzdata')), `no downgrade finding: ${rocky.findings.map((f) => f.key).join(', ')}`);
});

test('the same host over the real sshd gives the same fates; a hostile repo id is harmless', { skip }, async () => {
  assert.ok(dirtyReport, 'depends on the first test');
  const a = await assess([`ssh://root@127.0.0.1:${ssh.port}`], ['--root', ssh.root, '--identity', ssh.privateKeyPath, '--known-hosts', ssh.knownHostsPath]);
  assert.equal(a.host.source, 'root');
  for (const id of TARGETS) {
    const strip = (t: TargetAssessment): string[] => t.fates.map((f) => `${f.installed} ${f.fate} ${(f.target ?? []).join(',')}`).sort();
    assert.deepEqual(strip(byTarget(a, id)), strip(byTarget(dirtyReport, id)), `${id}: fates over SSH = fates on the local root`);
    assert.equal(byTarget(a, id).rank, byTarget(dirtyReport, id).rank);
  }
  assert.equal(existsSync(canary()), false, 'the repo id ran a command');
  const html = join(work, 'ssh.html');
  const r = await ferry(['assess', `ssh://root@127.0.0.1:${ssh.port}`, '--root', ssh.root, '--identity', ssh.privateKeyPath, '--known-hosts', ssh.knownHostsPath,
    '--to', TARGETS.join(','), ...repoFlags, '--today', '2024-06-01', '--format', 'html', '--out', html]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /\[facts\]/);
  assert.match(r.err, /\[repos\] .*: \d+ packages/);
  assert.match(r.out, /Ranking \(1 = best\):/);
  assert.match(r.out, new RegExp(`Full report: ${html.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.doesNotMatch(r.out, /^== \d+\./m, 'the per-target sections belong to the report file, not stdout');
  const page = readFileSync(html, 'utf8');
  assert.doesNotMatch(page, /<b>\]/, 'raw markup from the repo id');
  assert.match(page, /<svg class="chart"/);
  assert.equal(existsSync(canary()), false);
});

test('assess and plan take the same host flags: -i KEY, ssh:// and user@host:port, one host each', { skip }, async () => {
  assert.ok(dirtyReport, 'depends on the first test');
  for (const spec of [`ssh://root@127.0.0.1:${ssh.port}`, `root@127.0.0.1:${ssh.port}`]) {
    const a = await assess(['-i', ssh.privateKeyPath, spec, '--root', ssh.root, '--known-hosts', ssh.knownHostsPath]);
    assert.equal(a.host.source, 'root', spec);
    assert.equal(byTarget(a, 'rocky-8').rank, byTarget(dirtyReport, 'rocky-8').rank, spec);
  }
});

test('a root, rpm database or package list that does not exist is an error naming it', { skip }, async () => {
  const missing = join(work, 'no-such-root');
  for (const args of [['--root', missing], [`ssh://root@127.0.0.1:${ssh.port}`, '--root', missing, '-i', ssh.privateKeyPath, '--known-hosts', ssh.knownHostsPath]]) {
    const r = await ferry(['--json', 'assess', ...args, '--to', 'rocky-8', '--no-progress']);
    assert.notEqual(r.code, 0, `${args.join(' ')}: exit 0`);
    const e = (JSON.parse(r.out) as { error: { code: string; message: string } }).error;
    assert.equal(e.code, 'NOT_FOUND');
    assert.match(e.message, /no-such-root/);
  }
});

test('a target without a repository is assessed without fates, and says so', { skip }, async () => {
  const only = await ferry(['--json', 'assess', '--root', clean.root, '--to', 'rocky-8,almalinux-8', '--repo', repoFlags.find((f) => f.startsWith('rocky-8='))!, '--today', '2024-06-01']);
  assert.equal(only.code, 0, only.err);
  const a = JSON.parse(only.out) as Assessment;
  assert.equal(byTarget(a, 'almalinux-8').repositories.length, 0);
  assert.equal(byTarget(a, 'almalinux-8').fates.length, 0);
  assert.ok(byTarget(a, 'rocky-8').fates.length > 0);
  assert.match(only.err, /almalinux-8: no repository given, package fates will not be compared/);
});
