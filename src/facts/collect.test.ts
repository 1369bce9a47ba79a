import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isFerryError } from '../core/index.js';
import { formatNevra } from '../rpm/nevra.js';
import { connectSsh, createLocalTransport } from '../transport/index.js';
import { collectFacts } from './collect.js';
import { readPackageListFile, readRpmdbInventory } from './offline.js';
import { RPM_QUERYFORMAT } from './script.js';
import { buildTinyRoot, type TinyRoot } from './testing.js';
import type { HostFacts } from './types.js';
import { generateKeyPair, startSshd } from '../../test/lab/sshd.js';
import { convertRootToBerkeleyRpmdb, writeBerkeleyRpmdb } from '../../test/lab/rpmdb-bdb.js';
import { sharedPath, skipUnlessShared, skipUnlessTools } from '../../test/support/shared.js';

const skip = skipUnlessTools('rpm', 'rpmbuild', 'rpmsign', 'gpg');
let tiny: TinyRoot;
let viaLocal: HostFacts;
before(async () => {
  if (skip) return;
  tiny = buildTinyRoot();
  viaLocal = await collectFacts(createLocalTransport({ root: tiny.root }));
});
after(() => { if (tiny) rmSync(tiny.dir, { recursive: true, force: true }); });

/** The reference: rpm's own NEVRA list for the root. */
function rpmReference(): string[] {
  const r = spawnSync('rpm', ['--root', tiny.root, '--dbpath', '/var/lib/rpm', '-qa', '--qf', '%{NAME}-%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}.%{ARCH}\n'], { encoding: 'utf8', env: tiny.env });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').sort();
}
const nevras = (f: HostFacts): string[] => (f.packages ?? []).map((p) => formatNevra(p)).sort();

test('collectFacts on a local root built by rpmbuild + rpm --root: packages agree with rpm -qa, every section accounted for', { skip }, () => {
  const f = viaLocal;
  assert.equal(f.source, 'root');
  assert.deepEqual(nevras(f), rpmReference());
  const demo = f.packages?.find((p) => p.name === 'ferry-demo');
  assert.equal(demo?.epoch, 2);
  assert.equal(demo?.vendor, 'Ferry Lab');
  assert.equal(demo?.sourcerpm, 'ferry-demo-1.0-1.el8.src.rpm');
  assert.equal(demo?.signature?.keyId, tiny.keyId, 'key id is the signing key (last 16 hex digits of its fingerprint)');
  assert.ok((demo?.installTime ?? 0) > 1_600_000_000);
  assert.equal(f.packages?.find((p) => p.name === 'gdm')?.signature, undefined, 'unsigned package');
  assert.equal(f.os?.id, 'centos');
  assert.equal(f.os?.platformId, 'platform:el8', 'relative os-release symlink followed inside the root');
  assert.equal(f.release?.redhatRelease, 'CentOS Linux release 8.5.2111');
  assert.deepEqual(f.kernel?.installed.map((k) => k.release), ['348.7.1.el8_5', '305.el8']);
  assert.equal(f.kernel?.running, undefined);
  assert.deepEqual(f.modules?.map((m) => [m.name, m.stream, m.state]), [['nodejs', '14', 'enabled']]);
  const evil = f.repos?.find((r) => r.file.endsWith('evil.repo'));
  assert.equal(evil?.id, '$(touch /tmp/ferry-pwned)', 'hostile repo ids are data');
  assert.equal(evil?.enabled, false);
  assert.equal(existsSync('/tmp/ferry-pwned'), false);
  assert.equal(f.repos?.find((r) => r.id === 'baseos')?.mirrorlist?.includes('$releasever'), true);
  assert.deepEqual(f.gui, { defaultTarget: 'graphical.target', displayManager: 'gdm', packages: ['gdm'], graphical: true });
  assert.deepEqual(f.agents?.map((a) => a.kind), ['rhsm']);
  assert.equal(f.security?.selinux, 'enforcing');
  assert.equal(f.rpmdb?.healthy, true);
  assert.equal(f.rpmdb?.backend, 'sqlite');
  assert.equal(f.system?.arch, 'x86_64');
  assert.deepEqual(f.sections.memory, { status: 'not-applicable', reason: 'offline root' });
  assert.deepEqual(f.sections.boot, { status: 'not-applicable', reason: 'offline root' });
  assert.ok(f.mounts?.some((m) => m.path === '/' && m.sizeKiB > 0));
  assert.deepEqual(f.relations?.packages.map((r) => r.nevra), f.packages?.map((p) => `${p.name}-${p.epoch}:${p.version}-${p.release}.${p.arch}`).sort());
  assert.ok(f.relations?.packages.every((r) => /^sha256:[0-9a-f]{64}$/.test(r.headerDigest ?? '')), 'every package has its header digest');
  // the installed dependencies, versions included, for the host's solver pool
  assert.deepEqual(f.dependencies?.map((d) => d.nevra), f.relations?.packages.map((r) => r.nevra));
  for (const p of f.packages ?? []) {
    if (p.name === 'gpg-pubkey') continue;
    const d = f.dependencies?.find((x) => x.nevra === `${p.name}-${p.epoch}:${p.version}-${p.release}.${p.arch}`);
    assert.ok(d?.provides.some((x) => x.startsWith(`${p.name} = `)), `${p.name} provides itself with its version`);
    assert.ok(!d?.requires.some((x) => x.startsWith('rpmlib(')), 'rpmlib() requires left out');
  }
  const sectionNames = Object.keys(f.sections).sort();
  assert.deepEqual(sectionNames, ['agents', 'boot', 'container', 'dependencies', 'gui', 'kernel', 'memory', 'modules', 'mounts', 'os', 'packages', 'relations', 'release', 'repos', 'rpmdb', 'security', 'storage', 'system']);
});

test('collectFacts over SSH (real sshd, root prefix) equals the local-root result', { skip: skip || skipUnlessTools('ssh-keygen') }, async () => {
  const key = generateKeyPair(join(tiny.dir, 'ssh'), 'client');
  const sshd = await startSshd({ authorizedKeys: [key.publicKey], dir: join(tiny.dir, 'sshd') });
  try {
    const t = await connectSsh({ host: '127.0.0.1', port: sshd.port, user: 'root', root: tiny.root, sshConfigPath: false,
      knownHostsFiles: [sshd.knownHostsPath], auth: { identityFiles: [key.privateKeyPath], agent: false } });
    const progress: string[] = [];
    const f = await collectFacts(t, { onProgress: (p) => progress.push(p.message) });
    await t.close();
    assert.ok(progress.length >= 2);
    const strip = (h: HostFacts): unknown => ({ ...h, collectedAt: '', origin: '', mounts: undefined });
    assert.deepEqual(strip(f), strip(viaLocal));
    assert.match(f.origin, /^ssh root@127\.0\.0\.1:\d+ \(root /);
  } finally {
    await sshd.stop();
  }
});

test('collectFacts over plain execs (runners: false) equals the local-root result; a root missing on the host is NOT_FOUND naming it', { skip: skip || skipUnlessTools('ssh-keygen') }, async () => {
  const key = generateKeyPair(join(tiny.dir, 'ssh-plain'), 'client');
  const sshd = await startSshd({ authorizedKeys: [key.publicKey], dir: join(tiny.dir, 'sshd-plain') });
  const connect = (root: string): ReturnType<typeof connectSsh> => connectSsh({ host: '127.0.0.1', port: sshd.port, user: 'root', root, sshConfigPath: false,
    knownHostsFiles: [sshd.knownHostsPath], auth: { identityFiles: [key.privateKeyPath], agent: false }, runners: false });
  try {
    const t = await connect(tiny.root);
    const f = await collectFacts(t);
    await t.close();
    const strip = (h: HostFacts): unknown => ({ ...h, collectedAt: '', origin: '', mounts: undefined });
    assert.deepEqual(strip(f), strip(viaLocal));
    const missing = join(tiny.dir, 'no-such-root');
    const cases: [string, () => Promise<ReturnType<typeof createLocalTransport>>, RegExp][] = [
      ['ssh', () => connect(missing), /does not exist on root@127\.0\.0\.1:\d+$/],
      ['local', () => Promise.resolve(createLocalTransport({ root: missing })), /does not exist on this machine$/],
    ];
    for (const [what, open, on] of cases) {
      const transport = await open();
      try {
        await assert.rejects(collectFacts(transport), (e) => isFerryError(e, 'NOT_FOUND') && e.message.includes(`The root ${missing} `) && on.test(e.message), what);
      } finally {
        await transport.close();
      }
    }
  } finally {
    await sshd.stop();
  }
});

test('collectFacts on this live machine: host-level sections are real', { skip }, async () => {
  const f = await collectFacts(createLocalTransport());
  assert.equal(f.source, 'live');
  const uname = spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim();
  assert.equal(f.kernel?.running, uname);
  assert.ok((f.memory?.totalKiB ?? 0) > 0);
  assert.ok(f.boot?.mode === 'uefi' || f.boot?.mode === 'bios');
  assert.equal(f.sections.container?.status, 'ok');
  const machineId = existsSync('/etc/machine-id') ? readFileSync('/etc/machine-id', 'utf8').trim() : '';
  assert.equal(f.system?.machineId, machineId || undefined, 'machine-id(5) as the file has it; absent when empty or missing');
});

test('readRpmdbInventory reads a copy of the sqlite rpmdb (unchanged) into the same packages', { skip }, async () => {
  const db = join(tiny.root, 'var', 'lib', 'rpm');
  const digest = (): string => readdirSync(db).map((n) => createHash('sha256').update(readFileSync(join(db, n))).digest('hex')).join();
  const before = digest();
  const f = await readRpmdbInventory(db);
  assert.equal(digest(), before, 'the database was not modified');
  assert.equal(f.source, 'rpmdb');
  assert.equal(f.rpmdb?.backend, 'sqlite');
  assert.deepEqual(f.packages, viaLocal.packages);
  assert.deepEqual(f.kernel?.installed, viaLocal.kernel?.installed);
  assert.equal((await readRpmdbInventory(join(db, 'rpmdb.sqlite'))).packages?.length, viaLocal.packages?.length);
  const dump = join(tiny.dir, 'qa.dump');
  const q = spawnSync('rpm', ['--root', tiny.root, '-qa', '--qf', RPM_QUERYFORMAT], { env: tiny.env });
  writeFileSync(dump, q.stdout);
  assert.deepEqual((await readPackageListFile(dump)).packages, viaLocal.packages, 'an rpm -qa --qf dump reads the same');
  await assert.rejects(readRpmdbInventory(tiny.dir), (e) => isFerryError(e, 'RPMDB_UNREADABLE') && e.message.includes(tiny.dir));
  await assert.rejects(readRpmdbInventory(join(tiny.dir, 'nope')), (e) => isFerryError(e, 'NOT_FOUND'));
  const bad = join(tiny.dir, 'bad');
  spawnSync('mkdir', [bad]);
  writeFileSync(join(bad, 'rpmdb.sqlite'), 'not a database');
  await assert.rejects(readRpmdbInventory(bad), (e) => isFerryError(e, 'RPMDB_UNREADABLE'));
});

test('readRpmdbInventory reads a real Berkeley DB Packages database (CentOS 7/8 hosts) through rpm\'s bdb_ro', { skip: skip || skipUnlessTools('db5.3_load') }, async () => {
  // The lab's headers in a Packages file alone (a copied database without its index files: -qa needs none).
  const bdb = join(tiny.dir, 'bdb');
  spawnSync('mkdir', ['-p', bdb]);
  writeBerkeleyRpmdb(join(tiny.root, 'var', 'lib', 'rpm', 'rpmdb.sqlite'), bdb, { indexes: false });
  assert.match(spawnSync('file', [join(bdb, 'Packages')], { encoding: 'utf8' }).stdout, /Berkeley DB \(Hash/);
  const f = await readRpmdbInventory(bdb);
  assert.equal(f.rpmdb?.backend, 'bdb');
  assert.deepEqual(f.packages, viaLocal.packages);
  assert.deepEqual(f.rpmdb?.problems, [], 'missing index files of a copied database are not problems');
  assert.equal(f.rpmdb?.healthy, true);
  assert.equal((await readRpmdbInventory(join(bdb, 'Packages'))).packages?.length, viaLocal.packages?.length);
  writeFileSync(join(bdb, 'Packages'), Buffer.alloc(8192, 7));
  await assert.rejects(readRpmdbInventory(bdb), (e) => isFerryError(e, 'RPMDB_UNREADABLE') && e.message.includes(join(bdb, 'Packages')));
});

test('collectFacts on a root whose rpm database is Berkeley DB (as CentOS 7/8 keep it): the same packages and dependencies as from sqlite, backend bdb', { skip: skip || skipUnlessTools('db5.3_load') }, async () => {
  const copy = join(tiny.dir, 'bdb-root');
  assert.equal(spawnSync('cp', ['-a', tiny.root, copy]).status, 0);
  assert.ok(convertRootToBerkeleyRpmdb(copy) > 0);
  const dbFiles = (): string[] => readdirSync(join(copy, 'var', 'lib', 'rpm')).filter((n) => n !== '.rpm.lock').sort();
  const bdbFiles = dbFiles();
  assert.ok(bdbFiles.includes('Packages') && bdbFiles.includes('Name') && bdbFiles.includes('Providename') && !bdbFiles.some((n) => n.startsWith('rpmdb.sqlite')), bdbFiles.join(' '));
  // rpm's indexes answer as on a CentOS 8 host: a package by name, and a capability by what provides it.
  const rpmq = (...a: string[]): string => spawnSync('rpm', ['--root', copy, '--dbpath', '/var/lib/rpm', ...a], { encoding: 'utf8', env: tiny.env }).stdout.trim();
  assert.equal(rpmq('-q', '--qf', '%{NAME}-%{VERSION}', 'ferry-demo'), 'ferry-demo-1.0');
  assert.equal(rpmq('-q', '--qf', '%{NAME}\\n', '--whatprovides', 'ferry-demo'), 'ferry-demo');
  const f = await collectFacts(createLocalTransport({ root: copy }));
  assert.equal(f.rpmdb?.backend, 'bdb');
  assert.deepEqual(f.packages, viaLocal.packages);
  assert.deepEqual(f.dependencies, viaLocal.dependencies);
  assert.deepEqual(f.rpmdb?.importedKeys, viaLocal.rpmdb?.importedKeys);
  assert.equal(f.rpmdb?.packageCount, viaLocal.rpmdb?.packageCount);
  assert.deepEqual(f.rpmdb?.problems, [], 'rpm reads the Berkeley DB database without a problem');
  assert.equal(f.rpmdb?.healthy, true);
  assert.deepEqual(dbFiles(), bdbFiles, 'collecting facts wrote nothing into the rpm database directory');
});

test('readPackageListFile: the real CentOS and Oracle Linux image manifests', { skip: skipUnlessShared('manifests', 'docker-repo-info-2020') }, async () => {
  const dir = sharedPath('manifests', 'docker-repo-info-2020');
  const counts: Record<string, number> = {};
  for (const name of readdirSync(dir).filter((n) => /^(centos|oraclelinux)_/.test(n))) {
    const lines = readFileSync(join(dir, name), 'utf8').split('\n').filter((l) => l.trim() !== '');
    const f = await readPackageListFile(join(dir, name));
    // plain `rpm -qa` lists: no epochs, every line read, no rpm database claimed healthy
    assert.deepEqual(f.packageList && { format: f.packageList.format, epochsKnown: f.packageList.epochsKnown, duplicates: f.packageList.duplicates },
      { format: 'rpm-qa', epochsKnown: false, duplicates: [] }, name);
    assert.ok(f.packages?.every((p) => p.epochUnknown), name);
    assert.equal(f.rpmdb, undefined, name);
    assert.equal(f.sections.rpmdb?.status, 'not-applicable', name);
    assert.equal((f.packages?.length ?? 0) + (f.packageList?.importedKeys.length ?? 0), lines.length, name);
    counts[name] = f.packages?.length ?? 0;
  }
  const c8 = await readPackageListFile(join(dir, 'centos_8.txt'));
  assert.equal(c8.system?.arch, 'x86_64');
  assert.equal(c8.packages?.find((p) => p.name === 'bash')?.version, '4.4.19');
  assert.ok(Object.keys(counts).length >= 20, JSON.stringify(counts));
});
