// Every migration step on a real lab root (STYLE §10): apply, its own verify, apply again in a new
// execution (idempotence: same tree, same package set), and rollback of what it registered (tree and
// package set as before). One CentOS 8 host is carried through the whole migration to Rocky 8 step by
// step, each step its own one-step plan, so the post-PONR steps meet the state they meet in a real run.
// The host also has: nodejs:10 enabled (rewritten to a stream the target lacks, for the reset/remap),
// lab-agent.service enabled (its package is replaced by one shipping another unit), an admin unit,
// the real CentOS key imported, kernel-install style BLS entries with grubenv's saved_entry on CentOS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, statSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError } from '../../core/index.js';
import { createLocalTransport } from '../../transport/local.js';
import type { Transport } from '../../transport/types.js';
import { createLab, type Lab, type LabDistro, type LabHost } from '../../../test/lab/lab.js';
import { skipUnlessTools } from '../../../test/support/shared.js';
import { agentTargetRepo, installAgent, MACHINE_ID, writeBlsLayout } from '../../../test/support/boot-services.js';
import { readGrubenv } from '../boot.js';
import { rollback, runPlan, status } from '../runner.js';
import { treeHash } from '../testing/fixture.js';
import type { Step } from '../types.js';
import { verifyHost, type Evidence, type VerifyOptions } from '../verify.js';
import { backupStep } from './backup.js';
import { bootloaderStep } from './bootloader.js';
import { disableReposStep } from './disable-repos.js';
import { distroSyncStep } from './distro-sync.js';
import type { PackageManagerEnv } from '../package-manager/index.js';
import { importGpgKeysStep } from './import-gpg-keys.js';
import { moduleStreamsStep } from './module-streams.js';
import { preflightStep } from './preflight.js';
import { removeSourceKeysStep } from './remove-source-keys.js';
import { STEP_RESTORERS } from './index.js';
import { swapVendorPackagesStep } from './swap-vendor-packages.js';
import { verifyStep } from './verify.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'setsid', 'gpg', 'tar', 'flock');
// dnf's and rpm's own bookkeeping (cache, logs, history, the sqlite rpmdb's bytes) and Ferry's state dir
// are not the host state a step changes; the package set is compared on its own.
const IGNORE = ['var/lib/ferry', 'var/cache/dnf', 'var/log', 'var/lib/dnf', 'var/lib/rpm'];
const SRC_KERNEL = '4.18.0-193.el8.x86_64';
const TGT_KERNEL = '4.18.0-305.12.1.el8_4.x86_64';
const SWAP = { remove: ['centos-gpg-keys', 'centos-indexhtml', 'centos-logos', 'centos-release', 'centos-repos'],
  install: ['rocky-gpg-keys', 'rocky-indexhtml', 'rocky-logos', 'rocky-release', 'rocky-repos'] };

let lab: Lab;
let r8: LabDistro;
let host: LabHost;
let t: Transport;
let dnf: PackageManagerEnv;
let verifyOptions: VerifyOptions;
/** before.json of the first backup execution: the evidence from before the migration. */
let beforeJson = '';

function rpm(args: string[], root = host.root): { code: number | null; out: string } {
  const r = spawnSync('rpm', ['--root', root, ...args], { env: host.env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

function packages(root = host.root): string[] {
  return rpm(['-qa', '--qf', '%{NAME}-%{EPOCHNUM}:%{VERSION}-%{RELEASE}.%{ARCH}\\n'], root).out.split('\n').filter(Boolean).sort();
}

function snap(): { tree: string; packages: string[] } {
  return { tree: treeHash(host.root, IGNORE), packages: packages() };
}

let seq = 0;
/** Runs a one-step plan in a new execution; `prepare` may put files in its state dir first. */
async function apply(step: Step, label: string, prepare?: (stateDir: string) => void): Promise<string> {
  const executionId = `${label}-${++seq}`;
  if (prepare) {
    const dir = join(host.root, 'var/lib/ferry', executionId);
    mkdirSync(dir, { recursive: true });
    prepare(dir);
  }
  const res = await runPlan({ plan: { id: `plan-${executionId}`, steps: [step] }, transport: t, executionId });
  assert.deepEqual(res.applied, [step.id]);
  return executionId;
}

async function restorablesOf(executionId: string): Promise<string[]> {
  return (await status({ transport: t, executionId })).restorables.map((r) => `${r.kind}:${r.key}`);
}

async function undo(executionId: string): Promise<void> {
  await rollback({ transport: t, executionId, restorers: STEP_RESTORERS });
}

/**
 * The common contract: apply → `check` holds (and the runner ran the step's own verify); a second apply in
 * a new execution leaves tree and package set unchanged; rolling back both executions (LIFO) gives back
 * the state before. Returns the first execution's restorables.
 */
async function exercise(step: Step, label: string, check: () => void | Promise<void>): Promise<string[]> {
  const s0 = snap();
  const e1 = await apply(step, label);
  await check();
  const s1 = snap();
  const e2 = await apply(step, label);
  assert.deepEqual(snap(), s1, `${label}: a second apply changes nothing`);
  const registered = await restorablesOf(e1);
  await undo(e2);
  assert.deepEqual(snap(), s1, `${label}: rolling back the no-op apply keeps the applied state`);
  await undo(e1);
  assert.deepEqual(snap(), s0, `${label}: rollback restores files and package set`);
  await apply(step, label); // forward again, for the steps that follow
  assert.deepEqual(snap(), s1, `${label}: applying again reaches the same state`);
  return registered;
}

before(async () => {
  if (skip) return;
  lab = await createLab();
  r8 = await lab.distro('rocky-8');
  host = await lab.host({ from: 'centos-8', extras: ['nodejs'] });
  process.env.HOME = host.env.HOME; // Debian rpm: %_dbpath from the lab HOME (see test/lab/README.md)
  t = createLocalTransport({ root: host.root });
  dnf = { releasever: '8', modulePlatformId: 'platform:el8', gpgcheck: false,
    repos: [{ id: 'rocky-8', baseurl: r8.baseurl }, { id: 'svc-target', baseurl: `file://${await agentTargetRepo(lab.cacheDir)}` }] };
  verifyOptions = { targetOsId: 'rocky', releasePackages: ['rocky-release'], removed: SWAP.remove, sourceVendor: 'CentOS', dnf, allowRemove: [] };
  await installAgent(host.root, host.env, lab.cacheDir);
  assert.equal(rpm(['--import', join(host.root, 'etc/pki/rpm-gpg/RPM-GPG-KEY-centosofficial')]).code, 0);
  writeBlsLayout(host.root, [{ kver: SRC_KERNEL, name: 'CentOS Linux' }, { kver: TGT_KERNEL, name: 'Rocky Linux' }], `${MACHINE_ID}-${SRC_KERNEL}`);
  // A mirror file the admin copied: CentOS repo ids in a file no vendor package owns.
  writeFileSync(join(host.root, 'etc/yum.repos.d/CentOS-Vault.repo'), '[BaseOS]\nname=vault\nbaseurl=http://vault.centos.org/8.2.2004/BaseOS/x86_64/os/\nenabled=1\n\n[AppStream]\nname=vault\nbaseurl=http://vault.centos.org/8.2.2004/AppStream/x86_64/os/\n\n[mine]\nbaseurl=http://example.invalid/\n');
});
after(async () => { await t?.close(); await lab?.close(); });

test('preflight: checks pass on the lab root; no restorable; a second apply and rollback leave the host as it was', { skip }, async () => {
  const registered = await exercise(preflightStep({ diskMiB: { '/var': 1, '/nonexistent': 1 }, dnf }), 'preflight', () => {});
  assert.deepEqual(registered, []);
  await assert.rejects(apply(preflightStep({ diskMiB: { '/var': 1e12 }, dnf }), 'preflight-full'), (e) => isFerryError(e, 'STEP_FAILED') && /Not enough disk space/.test(e.message));
});

test('backup: registers the listed files and dirs, records before.json with packages and enabled units; rollback restores', { skip }, async () => {
  const step = backupStep({ files: ['/etc/os-release', '/etc/centos-release', '/etc/issue', '/etc/no-such-file'], dirs: ['/etc/yum.repos.d', '/etc/dnf/modules.d', '/var/lib/rpm'] });
  let evidence: Evidence | undefined;
  const registered = await exercise(step, 'backup', async () => {
    beforeJson = join(host.root, 'var/lib/ferry', `backup-${seq}`, 'before.json');
    evidence = JSON.parse(readFileSync(beforeJson, 'utf8')) as Evidence;
  });
  assert.deepEqual(registered, ['file:/etc/os-release', 'file:/etc/centos-release', 'file:/etc/issue', 'file:/etc/no-such-file', 'dir:/etc/yum.repos.d', 'dir:/etc/dnf/modules.d', 'dir:/var/lib/rpm']);
  assert.equal(evidence?.packages.length, packages().filter((p) => !p.startsWith('gpg-pubkey-')).length);
  assert.deepEqual(evidence?.services, ['lab-agent.service', 'lab-keep.service']);
});

test('disable-repos: enabled=0 in the copied vault file, the swapped package\'s file left alone; rollback byte-identical', { skip }, async () => {
  const vault = join(host.root, 'etc/yum.repos.d/CentOS-Vault.repo');
  const base = readFileSync(join(host.root, 'etc/yum.repos.d/CentOS-Base.repo'), 'utf8');
  const registered = await exercise(disableReposStep({ repoIds: ['BaseOS', 'AppStream', 'extras'], ownedBySwap: SWAP.remove }), 'disable-repos', () => {
    const text = readFileSync(vault, 'utf8');
    assert.match(text, /\[BaseOS\]\nname=vault\nbaseurl=[^\n]+\nenabled=0\n/);
    assert.match(text, /\[AppStream\]\nname=vault\nbaseurl=[^\n]+\n\nenabled=0\n/);
    assert.doesNotMatch(text, /\[mine\][^[]*enabled/);
    assert.equal(readFileSync(join(host.root, 'etc/yum.repos.d/CentOS-Base.repo'), 'utf8'), base);
  });
  assert.deepEqual(registered, ['file:/etc/yum.repos.d/CentOS-Vault.repo']);
});

test('import-gpg-keys: imports a key whose fingerprint matches, refuses one that does not; rollback removes it from the rpmdb', { skip }, async () => {
  const key = await lab.signingKey();
  const armored = readFileSync(key.publicKeyPath, 'utf8');
  const name = `gpg-pubkey-${key.fingerprint.slice(-8).toLowerCase()}`;
  const registered = await exercise(importGpgKeysStep({ keys: [{ name: 'RPM-GPG-KEY-lab', armored, fingerprints: [key.fingerprint] }] }), 'import-gpg-keys', () => {
    assert.equal(rpm(['-q', name]).code, 0);
  });
  assert.deepEqual(registered, ['dir:/var/lib/rpm']);
  assert.equal(rpm(['-q', name]).code, 0, 'imported again by the forward apply');
  await assert.rejects(apply(importGpgKeysStep({ keys: [{ name: 'wrong', armored, fingerprints: ['0'.repeat(40)] }] }), 'import-wrong'),
    (e) => isFerryError(e, 'STEP_FAILED') && /expected 0000/.test(e.message));
});

test('swap-vendor-packages: CentOS vendor packages out, Rocky in; rollback restores the package set and the files', { skip }, async () => {
  const registered = await exercise(swapVendorPackagesStep({ ...SWAP, dnf, allowRemove: [] }), 'swap', () => {
    const names = packages().map((p) => p.replace(/-\d+:.*$/, ''));
    for (const n of SWAP.install) assert.ok(names.includes(n), n);
    for (const n of SWAP.remove) assert.ok(!names.includes(n), n);
    assert.match(readFileSync(join(host.root, 'etc/os-release'), 'utf8'), /^ID="rocky"$/m);
  });
  assert.deepEqual(registered, ['dir:/var/lib/rpm', 'pathSet:vendor-files']);
});

test('module-streams: a stream the target offers is kept; one it lacks is reset exactly as dnf module reset does by hand; rollback', { skip }, async () => {
  const modFile = join(host.root, 'etc/dnf/modules.d/nodejs.module');
  assert.match(readFileSync(modFile, 'utf8'), /stream=10\n[^]*state=enabled/);
  // Kept: the target offers nodejs:10, so nothing changes and nothing is registered.
  const keptBefore = readFileSync(modFile, 'utf8');
  const kept = await exercise(moduleStreamsStep({ modules: [{ name: 'nodejs', stream: '10' }], dnf }), 'module-keep', () => {
    assert.equal(readFileSync(modFile, 'utf8'), keptBefore);
  });
  assert.deepEqual(kept, []);

  // Reset: the host runs a stream the target lacks (14; the lab target offers 10 and 12).
  const hand = await lab.host({ from: 'centos-8', extras: ['nodejs'] });
  const stream14 = keptBefore.replace('stream=10', 'stream=14');
  writeFileSync(modFile, stream14);
  writeFileSync(join(hand.root, 'etc/dnf/modules.d/nodejs.module'), stream14);
  const r = spawnSync('dnf', [...hand.dnfArgs(r8), 'module', 'reset', 'nodejs'], { env: hand.env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const byHand = readFileSync(join(hand.root, 'etc/dnf/modules.d/nodejs.module'), 'utf8');
  hand.dispose();
  assert.doesNotMatch(byHand, /state=enabled/);
  const reset = await exercise(moduleStreamsStep({ modules: [{ name: 'nodejs', stream: '14' }], dnf }), 'module-reset', () => {
    assert.equal(readFileSync(modFile, 'utf8'), byHand, 'same module state as dnf module reset by hand');
  });
  assert.deepEqual(reset, ['dir:/etc/dnf/modules.d']);
});

test('distro-sync: everything moves to Rocky, the reset module remaps to the default stream; a second run has nothing to do; rollback refused (PONR)', { skip }, async () => {
  const before0 = snap();
  const e1 = await apply(distroSyncStep({ dnf }), 'distro-sync');
  const s1 = snap();
  assert.notDeepEqual(s1.packages, before0.packages);
  assert.ok(s1.packages.some((p) => /^nodejs-1:10\.24\.0-1\.module_el8\.3\.0\+717\+fa496f1d\.x86_64$/.test(p)));
  assert.ok(s1.packages.includes('lab-agent-ng-0:2.0-1.el8.x86_64') && !s1.packages.some((p) => p.startsWith('lab-agent-0:')));
  assert.ok(s1.packages.includes(`kernel-core-0:${TGT_KERNEL.replace(/\.x86_64$/, '')}.x86_64`));
  const vendors = rpm(['-q', '--qf', '%{VENDOR}', 'nodejs']).out;
  assert.equal(vendors, 'Rocky Enterprise Software Foundation', 'nodejs now from the target');
  assert.match(readFileSync(join(host.root, 'etc/dnf/modules.d/nodejs.module'), 'utf8'), /stream=10\n[^]*state=enabled/);
  await apply(distroSyncStep({ dnf }), 'distro-sync');
  assert.deepEqual(snap(), s1);
  assert.deepEqual(await restorablesOf(e1), []);
  await assert.rejects(undo(e1), (e) => isFerryError(e, 'ROLLBACK_PAST_PONR'));
});

test('bootloader on a root with BLS entries: saved_entry moves to the Rocky kernel (1024-byte block kept); verify\'s boot-default follows; rollback', { skip }, async () => {
  const grubenv = join(host.root, 'boot/grub2/grubenv');
  chmodSync(grubenv, 0o600);
  const original = readFileSync(grubenv);
  const fail = await verifyHost({ transport: t, stateDir: '/var/lib/ferry/verify-probe', verify: verifyOptions });
  const bootFail = fail.checks.find((c) => c.id === 'boot-default');
  assert.equal(bootFail?.ok, false, 'default still on the CentOS kernel fails verify');
  assert.match(bootFail?.detail ?? '', /kernel-core-4\.18\.0-193\.el8\.x86_64 \(CentOS\)/);
  const registered = await exercise(bootloaderStep({ bootMode: 'uefi', targetVendorOf: 'rocky-release' }), 'bootloader', async () => {
    const bytes = readFileSync(grubenv);
    assert.equal(bytes.length, 1024);
    assert.equal(statSync(grubenv).mode & 0o777, 0o600, 'mode kept');
    const env = await readGrubenv(t);
    assert.equal(env?.vars?.get('saved_entry'), `${MACHINE_ID}-${TGT_KERNEL}`);
    assert.match(env?.vars?.get('kernelopts') ?? '', /^root=\/dev\/mapper\/cl-root/);
  });
  assert.deepEqual(registered, ['file:/boot/grub2/grubenv']);
  assert.notDeepEqual(readFileSync(grubenv), original);
  const ok = await verifyHost({ transport: t, stateDir: '/var/lib/ferry/verify-probe', verify: verifyOptions });
  const boot = ok.checks.find((c) => c.id === 'boot-default');
  assert.equal(boot?.ok, true, boot?.detail);
  assert.match(boot?.detail ?? '', /kernel-core-4\.18\.0-305\.12\.1\.el8_4\.x86_64 \(Rocky Enterprise Software Foundation\)/);
});

test('remove-source-keys: removes the imported CentOS key; again a no-op; nothing to roll back (after the PONR by design)', { skip }, async () => {
  assert.equal(rpm(['-q', 'gpg-pubkey-8483c65d']).code, 0);
  const step = removeSourceKeysStep({ rpmNames: ['gpg-pubkey-8483c65d', 'gpg-pubkey-00000000'] });
  const e1 = await apply(step, 'remove-keys');
  assert.notEqual(rpm(['-q', 'gpg-pubkey-8483c65d']).code, 0);
  const s1 = snap();
  await apply(step, 'remove-keys');
  assert.deepEqual(snap(), s1);
  assert.deepEqual(await restorablesOf(e1), []);
});

test('verify step: passes on the migrated root; the removed service is reported; a second run gives the same report', { skip }, async () => {
  const step = verifyStep(verifyOptions);
  const withBefore = (dir: string): void => copyFileSync(beforeJson, join(dir, 'before.json'));
  const e1 = await apply(step, 'verify', withBefore);
  const s1 = snap();
  const e2 = await apply(step, 'verify', withBefore);
  assert.deepEqual(snap(), s1);
  assert.deepEqual(await restorablesOf(e1), []);
  const read = (e: string): Awaited<ReturnType<typeof verifyHost>> => JSON.parse(readFileSync(join(host.root, 'var/lib/ferry', e, 'verify.json'), 'utf8')) as Awaited<ReturnType<typeof verifyHost>>;
  const report = read(e1);
  assert.ok(report.ok, JSON.stringify(report.checks));
  assert.deepEqual(report.checks.map((c) => c.id), ['rpmdb', 'os-release', 'release-package', 'no-source-packages', 'boot-default', 'dnf-check']);
  assert.deepEqual(report.services, { before: ['lab-agent.service', 'lab-keep.service'], after: ['lab-keep.service'], added: [], removed: ['lab-agent.service'] });
  assert.deepEqual(read(e2), report);
  // systemctl itself agrees on the root (it reads the same symlinks offline).
  const sc = spawnSync('systemctl', [`--root=${host.root}`, 'list-unit-files', '--state=enabled', '--no-legend'], { encoding: 'utf8' });
  if (sc.status === 0) assert.deepEqual(sc.stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/)[0]).sort(), report.services.after);
});

test('verify: an empty rpmdb (rpm without the lab %_dbpath) fails the rpmdb and release checks; backup refuses to record it', { skip }, async () => {
  const home = process.env.HOME;
  process.env.HOME = join(host.root, '..'); // no .rpmmacros there: Debian's rpm reads ~/.rpmdb, an empty database
  try {
    const report = await verifyHost({ transport: t, stateDir: '/var/lib/ferry/verify-probe', verify: verifyOptions });
    assert.equal(report.ok, false);
    const failed = report.checks.filter((c) => !c.ok).map((c) => c.id);
    assert.ok(failed.includes('rpmdb') && failed.includes('release-package'), failed.join());
    assert.ok(report.checks.find((c) => c.id === 'os-release')?.ok, 'os-release alone (a file) would have passed');
    await assert.rejects(apply(backupStep({ files: [], dirs: [] }), 'backup-empty-db'), (e) => isFerryError(e, 'STEP_FAILED') && /rpm lists no installed package/.test(e.message));
  } finally {
    process.env.HOME = home;
  }
});

test('verify: a partial rpmdb (only release, keys, kernel left) passes every old check but fails rpmdb against the before count', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-partial-'));
  const copy = join(dir, 'root');
  assert.equal(spawnSync('cp', ['-a', host.root, copy]).status, 0);
  const keep = new Set(['rocky-release', 'rocky-repos', 'rocky-gpg-keys', 'kernel-core', 'filesystem', 'setup']);
  const all = rpm(['-qa', '--qf', '%{NAME}|%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\\n'], copy).out.split('\n').filter(Boolean).map((l) => l.split('|'));
  const drop = all.filter(([n, nvra]) => !keep.has(n) && !n.startsWith('gpg-pubkey') || (n === 'kernel-core' && nvra.includes('193.el8'))).map(([, nvra]) => nvra);
  assert.equal(rpm(['-e', '--justdb', '--nodeps', ...drop], copy).code, 0);
  const before = JSON.parse(readFileSync(beforeJson, 'utf8')) as Evidence;
  const ct = createLocalTransport({ root: copy });
  const report = await verifyHost({ transport: ct, stateDir: '/var/lib/ferry/verify-probe', verify: verifyOptions, before });
  await ct.close();
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(report.checks.filter((c) => !c.ok).map((c) => c.id), ['rpmdb'], JSON.stringify(report.checks));
  assert.match(report.checks[0].detail, /^6 package\(s\) installed, \d+ before; at least \d+ expected/);
});
