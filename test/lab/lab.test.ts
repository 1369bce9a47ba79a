import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLab, type Lab, type LabDistro } from './lab.js';
import { skipUnlessTools } from '../support/shared.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'sshd', 'ssh', 'gpg', 'rpmsign');
let lab: Lab;

before(async () => { if (!skip) lab = await createLab(); });
after(async () => { await lab?.close(); });

function sh(args: string[], env: NodeJS.ProcessEnv, input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(args[0], args.slice(1), { env, encoding: 'utf8', input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function installed(root: string, env: NodeJS.ProcessEnv): Map<string, string> {
  const r = sh(['rpm', '--root', root, '-qa', '--qf', '%{NAME}.%{ARCH} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{VENDOR}\\n'], env);
  assert.equal(r.status, 0, r.stderr);
  const out = new Map<string, string>();
  for (const line of r.stdout.trim().split('\n')) {
    const [na, evr, ...vendor] = line.split(' ');
    out.set(`${na}@${evr}`, vendor.join(' '));
  }
  return out;
}

const names = (m: Map<string, string>): string[] => [...m.keys()].map((k) => k.split('.')[0]);

test('CentOS 8 host migrates to the Rocky 8 repo by hand: vendor swap as migrate2rocky does, then distro-sync', { skip }, async () => {
  const rocky = await lab.distro('rocky-8');
  const host = await lab.host({ from: 'centos-8', extras: ['glibc.i686', 'nodejs', 'libidn'] });
  const before0 = installed(host.root, host.env);
  assert.ok(names(before0).includes('centos-release'));
  assert.ok([...before0.keys()].some((k) => k.startsWith('glibc.i686@')), 'multilib glibc.i686 installed');
  assert.ok(names(before0).includes('nodejs'), 'default module stream installs');
  assert.match(readFileSync(join(host.root, 'etc/os-release'), 'utf8'), /^ID="centos"$/m);
  const clean0 = sh(['rpm', '--root', host.root, '-Va'], host.env);
  assert.equal(clean0.stdout, '', 'a fresh lab host verifies clean');

  // migrate2rocky's package_swaps(): one dnf shell transaction removing the CentOS vendor packages
  // and installing the Rocky ones with protected_packages emptied, then `dnf distro-sync`.
  const centosVendor = ['centos-release', 'centos-repos', 'centos-gpg-keys', 'centos-logos', 'centos-indexhtml'];
  const rockyVendor = ['rocky-release', 'rocky-repos', 'rocky-gpg-keys', 'rocky-logos', 'rocky-indexhtml'];
  const script = join(host.root, '..', 'swap.dnf');
  writeFileSync(script, `remove ${centosVendor.join(' ')}\ninstall ${rockyVendor.join(' ')}\nrun\n`);
  const swap = sh(['dnf', ...host.dnfArgs(rocky), '--setopt=protected_packages=', '--noautoremove', 'shell', script], host.env);
  assert.equal(swap.status, 0, swap.stderr + swap.stdout);
  const sync = sh(['dnf', ...host.dnfArgs(rocky), 'distro-sync', '--allowerasing'], host.env);
  assert.equal(sync.status, 0, sync.stderr + sync.stdout);

  const after1 = installed(host.root, host.env);
  const afterNames = names(after1);
  for (const p of rockyVendor) assert.ok(afterNames.includes(p), `${p} installed`);
  assert.deepEqual(afterNames.filter((n) => n.startsWith('centos-')), [], 'no centos-* package left');
  assert.match(readFileSync(join(host.root, 'etc/os-release'), 'utf8'), /^ID="rocky"$/m);
  assert.match(readFileSync(join(host.root, 'etc/redhat-release'), 'utf8'), /^Rocky Linux release 8/);
  // dependency shapes: rename via Obsoletes, split, package missing in target, advisory upgrade
  assert.ok(afterNames.includes('lab-utils') && !afterNames.includes('lab-legacy-utils'), 'Obsoletes rename applied');
  assert.ok(afterNames.includes('lab-bundle-data'), 'split pulled in the new subpackage');
  assert.ok(afterNames.includes('lab-orphan'), 'package missing in the target stays');
  assert.ok(after1.has('lz4-libs.x86_64@0:1.8.3-3.el8_4'), 'lz4-libs synced to the RLSA-2021:2575 fix');
  assert.ok([...after1.keys()].some((k) => k.startsWith('glibc.i686@')), 'multilib kept');
  // every package still present from the old vendor is one the target lacks, or an install-only kernel
  const leftovers = [...after1].filter(([, v]) => v === 'CentOS').map(([k]) => k.split('.')[0]).sort();
  assert.deepEqual([...new Set(leftovers)], ['kernel', 'kernel-core', 'kernel-modules', 'lab-orphan']);
  const verifySwapped = sh(['rpm', '--root', host.root, '-V', ...rockyVendor], host.env);
  assert.equal(verifySwapped.status, 0, verifySwapped.stdout);
  assert.equal(verifySwapped.stdout, '');
  const verifyAll = sh(['rpm', '--root', host.root, '-Va'], host.env);
  assert.equal(verifyAll.stdout, '', 'whole host verifies clean after migration');
});

test('every distribution builds as a repo whose release package provides system-release and owns os-release', { skip }, async () => {
  const ids = lab.distroIds();
  assert.ok(ids.length >= 12);
  const env = { ...process.env, HOME: join(lab.cacheDir, 'home') };
  const distros: LabDistro[] = await Promise.all(ids.map((id) => lab.distro(id)));
  for (const d of distros) {
    const rel = sh(['sh', '-c', `rpm -qp --provides "$1"/Packages/${d.releasePackage}-*.rpm`, 'sh', d.repoDir], env);
    assert.equal(rel.status, 0, `${d.id}: ${rel.stderr}`);
    assert.match(rel.stdout, /^system-release = /m, d.id);
    assert.match(rel.stdout, /^system-release\(releasever\) = /m, d.id);
    const files = sh(['sh', '-c', `rpm -qpl "$1"/Packages/${d.releasePackage}-*.rpm`, 'sh', d.repoDir], env);
    assert.match(files.stdout, /^\/usr\/lib\/os-release$/m, d.id);
    assert.match(files.stdout, /^\/etc\/os-release$/m, d.id);
    const repomd = readFileSync(join(d.repoDir, 'repodata', 'repomd.xml'), 'utf8');
    if (d.modulePlatformId === 'platform:el8') assert.match(repomd, /type="modules"/, `${d.id} has modules.yaml`);
    if (['rocky-8', 'almalinux-8', 'oraclelinux-8'].includes(d.id)) assert.match(repomd, /type="updateinfo"/, d.id);
  }
});

test('signed distribution: rpms carry the lab key signature and verify against its public key', { skip }, async () => {
  const d = await lab.distro('rocky-8', { signed: true });
  assert.ok(d.gpgKeyPath && d.gpgFingerprint && /^[0-9A-F]{40}$/.test(d.gpgFingerprint));
  const host = await lab.host({ from: 'centos-8' });
  assert.equal(sh(['rpmkeys', '--root', host.root, '--import', d.gpgKeyPath], host.env).status, 0);
  const k = sh(['sh', '-c', 'rpmkeys --root "$1" -K "$2"/Packages/rocky-release-*.rpm', 'sh', host.root, d.repoDir], host.env);
  assert.equal(k.status, 0, k.stdout + k.stderr);
  assert.match(k.stdout, /digests signatures OK/);
  const unsigned = await lab.distro('rocky-8');
  const ku = sh(['sh', '-c', 'rpmkeys --root "$1" -K "$2"/Packages/rocky-release-*.rpm', 'sh', host.root, unsigned.repoDir], host.env);
  assert.doesNotMatch(ku.stdout, /signatures OK/, 'the unsigned repo is not signed');
  host.dispose();
});

test('an SSH lab host answers rpm --root <root> -qa over real ssh', { skip }, async () => {
  const h = await lab.sshHost({ from: 'centos-8', epel: true, noRepoPackage: true });
  try {
    const r = sh(['ssh', '-F', '/dev/null', '-i', h.privateKeyPath, '-p', String(h.port), '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes',
      '-o', `UserKnownHostsFile=${h.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes', `${h.user}@${h.host}`,
      // ssh joins argv into one remote shell command line: quote as a shell would need it
      `rpm --root '${h.root}' -qa --qf '%{NAME}\\n'`], process.env);
    assert.equal(r.status, 0, r.stderr + h.sshd.log());
    const pkgs = r.stdout.trim().split('\n');
    for (const p of ['centos-release', 'bash', 'htop', 'epel-release', 'acme-agent']) assert.ok(pkgs.includes(p), p);
  } finally {
    await h.stop();
  }
});

test('a second lab over the same cache rebuilds nothing: every distro resolves to the cached repo in under 5 s', { skip }, async () => {
  const ids = lab.distroIds();
  const first = await Promise.all(ids.map((id) => lab.distro(id)));
  const again = await createLab({ cacheDir: lab.cacheDir });
  try {
    const t = performance.now();
    const second = await Promise.all(ids.map((id) => again.distro(id)));
    const ms = performance.now() - t;
    assert.deepEqual(second.map((d) => d.repoDir), first.map((d) => d.repoDir));
    assert.ok(ms < 5000, `cached rebuild took ${ms.toFixed(0)} ms`);
  } finally {
    await again.close();
  }
});

test('every distribution installs as a host whose os-release and release package match it', { skip }, async () => {
  for (const id of lab.distroIds()) {
    const d = await lab.distro(id);
    const h = await lab.host({ from: id });
    try {
      const q = sh(['rpm', '--root', h.root, '-q', '--whatprovides', 'system-release', '--qf', '%{NAME}\\n'], h.env);
      assert.equal(q.stdout.trim(), d.releasePackage, `${id}: ${q.stderr}`);
      const osr = readFileSync(join(h.root, 'etc/os-release'), 'utf8');
      assert.match(osr, /^ID="[^"]+"$/m, id);
      assert.match(readFileSync(join(h.root, 'etc/system-release'), 'utf8'), /release/, id);
      assert.equal(sh(['rpm', '--root', h.root, '-Va'], h.env).stdout, '', `${id} verifies clean`);
    } finally {
      h.dispose();
    }
  }
});
