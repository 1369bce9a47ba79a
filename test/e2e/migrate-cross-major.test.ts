// The first executable cross-major hop, Leapp's model, on a lab root: CentOS 7 → Rocky 8 with Rocky's real PES
// events (../shared/data/leapp/pes-events.rocky.json). The CentOS 7 root carries two packages real events name —
// yum-utils (event 915: replaced by dnf-utils) and pygpgme (event 187: removed) — and the Rocky 8 target a second
// lab repository with dnf-utils (shipping yum-config-manager too, so the removal and the install must be one
// transaction). Ferry is SIGKILLed inside the target transaction (dnf runs detached) and after the reboot into the
// upgraded system; `ferry resume` completes each time. The host ends with exactly the package set Ferry predicted
// when planning (the solver's run over the host's facts and the target metadata), package by package.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Assessment } from '../../src/assess/types.js';
import type { PredictedChange } from '../../src/assess/index.js';
import { migrate, planMigration } from '../../src/app/migrate.js';
import { createRollout, rolloutStatus } from '../../src/app/rollout.js';
import { parseRolloutFlags } from '../../src/fleet/rollout-spec.js';
import { openStore } from '../../src/store/index.js';
import { migrateRoute, planRoute, rollbackRoute, type RouteDocument } from '../../src/app/route.js';
import { compileSchema, isFerryError, type JsonValue } from '../../src/core/index.js';
import { collectFacts } from '../../src/facts/index.js';
import type { FleetReport } from '../../src/report/fleet/index.js';
import { routePlanSchema } from '../../src/plan/index.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { readCurrentExecution, readJournal } from '../../src/exec/journal.js';
import { checkDownloaded } from '../../src/exec/steps/download-packages.js';
import { labBoot, labReboots, labBootLog } from '../lab/boot.js';
import { convertRootToBerkeleyRpmdb } from '../lab/rpmdb-bdb.js';
import { applyPrediction, bootFiles, EL7_PES, el7Route, rockyPes } from '../lab/el7-route.js';
import { createLab, type Lab, type LabDistro, type LabHost } from '../lab/lab.js';
import type { SourceDef } from '../lab/model.js';
import { sharedPath, skipUnlessShared, skipUnlessTools } from '../support/shared.js';
import { assessJson, ferry, targetOf } from './cli.js';
import { hostState, killAtRebootWait, labStore, packageSet, runChild, sh, startWorker } from './helpers.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'dnf', 'rpm', 'setsid') || skipUnlessShared('leapp', 'pes-events.rocky.json');
let lab: Lab | undefined;
const labOf = (): Lab => { assert.ok(lab, 'the lab is created before the tests'); return lab; };

let rocky: LabDistro;
let extra: string;
const pes = rockyPes;
const repoArgs = (): string[] => [`rocky-8=${rocky.repoDir}`, `rocky-8=${extra}`];

before(async () => {
  if (skip) return;
  lab = await createLab();
  process.env.HOME = (await lab.host({ from: 'centos-7' })).env.HOME; // Debian rpm: %_dbpath from the lab HOME
  ({ rocky8: rocky, extra } = await el7Route(labOf()));
});
after(async () => { await lab?.close(); });

const host = (): Promise<LabHost> => labOf().host({ from: 'centos-7', localPackages: EL7_PES });

test('ferry plan on CentOS 7 → Rocky 8: refused without --pes (PES_REQUIRED); with Rocky\'s events it prints the cross-major steps and the PES transaction', { skip }, async () => {
  const h = await host();
  const base = ['plan', 'local', '--root', h.root, '--to', 'rocky-8', ...repoArgs().flatMap((r) => ['--repo', r]), '--nogpgcheck'];
  const without = await ferry(base);
  assert.equal(without.code, 2, without.err);
  assert.match(without.err, /PES_REQUIRED.*centos-7 → rocky-8 is a cross-major upgrade/);
  const r = await ferry([...base, '--pes', pes()]);
  assert.equal(r.code, 0, r.err);
  const titles = [...r.out.matchAll(/^\s+\d+\. (.*?)\s+\[step-/gm)].map((m) => m[1]);
  assert.deepEqual(titles.map((t) => t.replace(/:.*$/, '')), ['Pre-flight', 'Back up repo files, release files, rpmdb, alternatives, /etc/issue', 'Disable the centos-7 repositories',
    'Import the rocky-8 GPG keys (fingerprints verified)', 'Download and check the rocky-8 packages (releasever 8; predicted and judged first)',
    'Upgrade to rocky-8 offline', 'Finalize', 'Kernel and bootloader', 'Remove centos-7 gpg-pubkeys', 'Verify the host is rocky-8'], r.out);
  assert.match(r.out, /Upgrade to rocky-8 offline: reboot into system-update\.target, where dnf --releasever=8 distro-sync --allowerasing runs with 5 removal\(s\) and 6 install\(s\), then into the upgraded system \(point of no return\)\s+← point of no return/);
  const json = await ferry(['--json', ...base, '--pes', pes()]);
  const plan = JSON.parse(json.out) as { steps: { kind: string; options: { remove?: string[]; install?: string[] } }[] };
  const up = plan.steps.find((s) => s.kind === 'upgrade-transaction')?.options;
  // The vendor swap (centos-* → rocky-*), event 915 (yum-utils → dnf-utils), 187 (pygpgme removed), 1824 (kernel split).
  assert.deepEqual(up?.remove, ['centos-indexhtml', 'centos-logos', 'centos-release', 'pygpgme', 'yum-utils']);
  assert.deepEqual(up?.install, ['dnf-utils', 'kernel-core', 'kernel-modules', 'rocky-indexhtml', 'rocky-logos', 'rocky-release']);
  // Ferry cannot reboot a local root: ferry migrate refuses before the first step, and nothing changes.
  const before = hostState(h.root, h.env);
  const m = await ferry(['migrate', ...base.slice(1), '--pes', pes(), '--yes']);
  assert.equal(m.code === 0, false, m.out);
  assert.match(m.err, /REBOOT_FAILED.*Upgrade to rocky-8 offline: .* ends in a reboot, which Ferry cannot do on local/);
  assert.deepEqual(hostState(h.root, h.env), before, 'nothing changed');
  h.dispose();
});

/** The boots the lab modelled for migrate-child's reboots (test/lab/boot.ts). */
function bootsOf(boot: { FERRY_E2E_BOOT_ID_FILE: string }): { target: string; lines: string[] }[] {
  return labBootLog(join(dirname(boot.FERRY_E2E_BOOT_ID_FILE), 'lab-boot'));
}

/** A service unit of the host, wanted by multi-user.target (the lab's default boot records it started). */
function hostService(root: string, name: string): void {
  mkdirSync(join(root, 'etc/systemd/system/multi-user.target.wants'), { recursive: true });
  writeFileSync(join(root, 'etc/systemd/system', name), '[Unit]\nDescription=lab web\n\n[Service]\nExecStart=/bin/true\n');
  symlinkSync(`../${name}`, join(root, 'etc/systemd/system/multi-user.target.wants', name));
}

async function waitFor(ok: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('CentOS 7 → Rocky 8 runs as an offline update (SIGKILL while the host reboots into it and after, resumed): no host service started in its boot; the predicted package set, dnf check and rpm -Va clean', { skip }, async () => {
  const h = await host();
  const before = packageSet(h.root, h.env);
  const transport = createLocalTransport({ root: h.root });
  const { plan, predicted } = await planMigration({ transport, target: 'rocky-8', repos: repoArgs(), gpgcheck: false, pes: pes() });
  await transport.close();
  assert.ok(predicted?.ok, 'Ferry predicts the cross-major transaction');
  const expected = applyPrediction(before, predicted.changes);
  // The assessment says the same per package: event 915 replaces yum-utils, event 187 removes pygpgme.
  const a = JSON.parse((await ferry(['--json', 'assess', '--root', h.root, '--to', 'rocky-8', ...repoArgs().flatMap((r) => ['--repo', r]), '--pes', pes(), '--today', '2024-06-01'])).out) as Assessment;
  const fate = (n: string) => a.targets[0].fates.find((f) => f.name === n);
  assert.deepEqual([fate('yum-utils')?.fate, fate('yum-utils')?.via, fate('yum-utils')?.target], ['replaced', 'pes', ['dnf-utils-4.0.18-4.el8.noarch']]);
  assert.match(fate('pygpgme')?.reason ?? '', /PES event 187 removes pygpgme/);
  // A service of the host: the lab's boot records it started in every default.target boot.
  hostService(h.root, 'lab-web.service');

  const boot = bootFiles();
  const bootIdFile = boot.FERRY_E2E_BOOT_ID_FILE;
  const env = { ...h.env, ...boot, FERRY_E2E_ROOT: h.root, FERRY_E2E_TARGET: 'rocky-8', FERRY_E2E_REPO: repoArgs().join('\n'), FERRY_E2E_PES: pes() };
  const index = (kind: string, n = 0): number => plan.steps.map((s, i) => (s.kind === kind ? i : -1)).filter((i) => i >= 0)[n];
  const bootBefore = readFileSync(bootIdFile, 'utf8');
  // 1. Killed once the reboot into the offline update is issued: the host boots on without Ferry.
  const first = await runChild({ ...env, FERRY_E2E_MODE: 'migrate' }, 'rebootwait:1');
  assert.ok(first.killed, first.out);
  // A host in system-update.target runs no sshd: Ferry can only reach it once it is back (its boot id changed).
  await waitFor(() => readFileSync(bootIdFile, 'utf8') !== bootBefore, 60_000, 'the lab host to come back from its offline update');
  // 2. Resumed, killed again once the step ended (the result read back on the upgraded system).
  const second = await runChild({ ...env, FERRY_E2E_MODE: 'resume' }, `end:${index('upgrade-transaction')}`);
  assert.ok(second.killed, second.out);
  // 3. Resumed to the end.
  const done = await runChild({ ...env, FERRY_E2E_MODE: 'resume' });
  assert.match(done.out, /RESULT completed/, done.out);

  const after = packageSet(h.root, h.env);
  assert.deepEqual(after, expected, 'exactly the package set Ferry predicted');
  assert.ok(after.some((p) => p.startsWith('dnf-utils-0:4.0.18-4.el8.')) && !after.some((p) => /^(yum-utils|pygpgme|centos-release)-/.test(p)), after.join('\n'));
  assert.match(readFileSync(join(h.root, 'usr/bin/yum-config-manager'), 'utf8'), /dnf-utils/);
  assert.match(readFileSync(join(h.root, 'etc/os-release'), 'utf8'), /^ID="rocky"$/m);
  const check = sh(['dnf', ...h.dnfArgs(rocky), 'check'], h.env);
  assert.equal(check.status, 0, `dnf check: ${check.stdout}${check.stderr}`);
  assert.equal(sh(['rpm', '--root', h.root, '-Va'], h.env).stdout, '', 'rpm -Va clean');

  // The boots: one into system-update.target where only Ferry's unit started, ran the transaction and asked for the
  // reboot, then the upgraded system's default.target with the host's service; the symlink and the units are gone.
  assert.deepEqual(bootsOf(boot), [
    { target: 'system-update.target', lines: ['start ferry-offline-update.service', 'systemctl reboot', 'exited ferry-offline-update.service 0'] },
    { target: 'default.target', lines: ['start lab-web.service'] },
  ]);
  assert.throws(() => lstatSync(join(h.root, 'system-update')), /ENOENT/, '/system-update is gone');
  assert.deepEqual(readdirSync(join(h.root, 'etc/systemd/system/system-update.target.wants')), [], 'the update unit is no longer wanted');
  assert.ok(!existsSync(join(h.root, 'etc/systemd/system/ferry-offline-update.service')));

  // Journaled: one start per step but the interrupted ones; the transaction judged and downloaded before any change.
  const t2 = createLocalTransport({ root: h.root });
  const executionId = (await readCurrentExecution(t2))?.executionId ?? '';
  const journal = await readJournal(t2, executionId);
  await t2.close();
  // dnf ran the target transaction once, in the offline update: its result 0 and its log, no earlier result.
  const offline = join(h.root, 'var/lib/ferry', executionId, 'offline');
  assert.equal(readFileSync(join(offline, 'result'), 'utf8'), '0\n');
  assert.match(readFileSync(join(offline, 'update.log'), 'utf8'), /Complete!/);
  assert.ok(!existsSync(join(offline, 'result.prev')), 'one run of the offline update');
  assert.equal(journal.filter((e) => e.event === 'reboot' && e.phase === 'returned').length, 1, 'one reboot Ferry asked for, journaled back');
  const state = join(h.root, 'var/lib/ferry', executionId);
  // The gate's prediction, and one downloaded file per package it brings in, each checked by rpm -K.
  const judged = JSON.parse(readFileSync(join(state, 'transaction.json'), 'utf8')) as { transaction: { packages: { action: string; name: string }[] } };
  const incoming = judged.transaction.packages.filter((p) => /^(install|upgrade|downgrade|reinstall|install-dependency)$/.test(p.action)).map((p) => p.name);
  const files = readdirSync(join(state, 'packages')).filter((f) => f.endsWith('.rpm'));
  assert.equal(files.length, incoming.length, `${files.join(' ')} vs ${incoming.join(' ')}`);
  assert.ok(incoming.includes('dnf-utils') && incoming.includes('kernel-core'), incoming.join(' '));
  const t3 = createLocalTransport({ root: h.root });
  const dl = `/var/lib/ferry/${executionId}/packages`;
  assert.equal((await checkDownloaded(t3, dl, false)).ok, true);
  // A damaged download, and unsigned packages where signatures are checked, fail the check, named.
  const bad = join(h.root, dl, files[0]);
  writeFileSync(bad, readFileSync(bad).subarray(0, 4096));
  const damaged = await checkDownloaded(t3, dl, false);
  assert.equal(damaged.ok, false);
  assert.ok(damaged.detail.includes(files[0]), damaged.detail);
  assert.equal((await checkDownloaded(t3, dl, true)).ok, false, 'lab packages are unsigned');
  await t3.close();
  h.dispose();
});

/** The second target repository served over HTTP, answering 503 while `down` exists (the lab's boot makes it: no network in system-update.target). */
async function servedExtra(down: string): Promise<{ url: string; requests: string[]; close(): void }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    requests.push(`${existsSync(down) ? 'down' : 'up'} ${path}`);
    const file = join(extra, path);
    if (existsSync(down) || path.includes('..') || !existsSync(file) || !statSync(file).isFile()) { res.statusCode = existsSync(down) ? 503 : 404; res.end(); return; }
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests, close: () => server.close() };
}

test('CentOS 7 → Rocky 8, a repository over HTTP down during the offline boot: the update needs nothing of it; with its downloaded packages gone it fails, leaves its result, Ferry reports it with dnf\'s output, and ferry resume arms it again and installs from the downloads', { skip }, async () => {
  const h = await host();
  const boot = bootFiles();
  const down = join(dirname(boot.FERRY_E2E_BOOT_ID_FILE), 'network-down');
  const served = await servedExtra(down);
  try {
    const base = { ...h.env, ...boot, FERRY_E2E_ROOT: h.root, FERRY_E2E_TARGET: 'rocky-8', FERRY_E2E_REPO: [`rocky-8=${rocky.repoDir}`, `rocky-8=${served.url}`].join('\n'), FERRY_E2E_PES: pes() };
    const offline = { FERRY_E2E_BOOT_BEFORE: `touch '${down}'`, FERRY_E2E_BOOT_AFTER: `rm -f '${down}'` };
    // The fault of the first boot: the downloaded packages moved away (and back after it, over the empty directory dnf made).
    const packages = `'${h.root}'/var/lib/ferry/mig-*/packages`;
    const failed = await runChild({ ...base, FERRY_E2E_MODE: 'migrate',
      FERRY_E2E_BOOT_BEFORE: [offline.FERRY_E2E_BOOT_BEFORE, `for d in ${packages}; do mv "$d" "$d.off"; done`].join('\n'),
      FERRY_E2E_BOOT_AFTER: [offline.FERRY_E2E_BOOT_AFTER, `for d in ${packages}.off; do rm -rf "\${d%.off}"; mv "$d" "\${d%.off}"; done`].join('\n') });
    assert.notEqual(failed.code, 0, failed.out);
    assert.match(failed.out, /STEP_FAILED/, failed.out);
    // dnf's shell logs the failure and exits 0: Ferry judges the packages, and shows dnf's own words.
    assert.match(failed.out, /after the reboot, the offline update's transaction did not complete \(its dnf exited 0\): still installed: centos-indexhtml, .*; missing: dnf-utils, .*; its output ends:\n/, failed.out);
    assert.match(failed.out, /Error opening .*packages\/dnf-utils-4\.0\.18-4\.el8\.noarch\.rpm: No such file or directory/, failed.out);
    assert.match(readFileSync(join(h.root, 'etc/os-release'), 'utf8'), /^ID="centos"$/m, 'the host is still CentOS 7');
    assert.throws(() => lstatSync(join(h.root, 'system-update')), /ENOENT/, 'the update removed /system-update before it ran: no reboot loop');
    const done = await runChild({ ...base, ...offline, FERRY_E2E_MODE: 'resume' });
    assert.match(done.out, /RESULT completed/, done.out);
    assert.match(readFileSync(join(h.root, 'etc/os-release'), 'utf8'), /^ID="rocky"$/m);
    assert.ok(packageSet(h.root, h.env).some((p) => p.startsWith('dnf-utils-0:4.0.18-4.el8.')), 'dnf-utils, only on the HTTP repository, installed from the download');
    assert.ok(served.requests.some((r) => r.startsWith('up ') && r.endsWith('.rpm')), 'the download step fetched it over HTTP');
    assert.deepEqual(served.requests.filter((r) => r.startsWith('down ')), [], 'nothing was asked of the repository during either offline boot');
    assert.deepEqual(bootsOf(boot).map((b) => [b.target, b.lines.filter((l) => l.startsWith('exited '))]), [
      ['system-update.target', ['exited ferry-offline-update.service 0']], ['default.target', []],
      ['system-update.target', ['exited ferry-offline-update.service 0']], ['default.target', []],
    ], 'two boots into the offline update, each its script ending in the reboot');
    const t = createLocalTransport({ root: h.root });
    const executionId = (await readCurrentExecution(t))?.executionId ?? '';
    await t.close();
    const dir = join(h.root, 'var/lib/ferry', executionId, 'offline');
    assert.ok(existsSync(join(dir, 'result.prev')) && existsSync(join(dir, 'update.log.prev')), 'the failed run\'s result and log kept aside');
    assert.match(readFileSync(join(dir, 'update.log'), 'utf8'), /Complete!/, 'the second run completed');
  } finally {
    served.close();
  }
  h.dispose();
});

/** A third-party package shipping a file the Rocky 8 lab kernel-core ships too, with other contents: an rpm file conflict. */
const ACME_KMOD: SourceDef = { name: 'acme-kmod', version: '1.0', release: '1', arch: 'x86_64', vendor: 'Acme Corp', license: 'Proprietary',
  binaries: [{ name: 'acme-kmod', requires: ['filesystem'], files: { '/usr/lib/modules/4.18.0-305.12.1.el8_4.x86_64/vmlinuz': 'acme\n' } }] };

test('CentOS 7 → Rocky 8 with a file conflict the depsolve cannot see: the gate passes, rpm\'s test transaction refuses before any package changed, naming the file; ferry rollback restores the host', { skip }, async () => {
  const h = await labOf().host({ from: 'centos-7', localPackages: [...EL7_PES, ACME_KMOD] });
  const original = hostState(h.root, h.env);
  const env = { ...h.env, ...bootFiles(), FERRY_E2E_ROOT: h.root, FERRY_E2E_TARGET: 'rocky-8', FERRY_E2E_REPO: repoArgs().join('\n'), FERRY_E2E_PES: pes() };
  const r = await runChild({ ...env, FERRY_E2E_MODE: 'migrate' });
  assert.notEqual(r.code, 0, r.out);
  const t = createLocalTransport({ root: h.root });
  const executionId = (await readCurrentExecution(t))?.executionId ?? '';
  await t.close();
  const judged = JSON.parse(readFileSync(join(h.root, 'var/lib/ferry', executionId, 'transaction.json'), 'utf8')) as { unapproved: unknown[] };
  assert.deepEqual(judged.unapproved, [], 'the gate\'s --assumeno depsolve passed: it does not see file conflicts');
  assert.match(r.out, /rpm's test transaction of the 8 target transaction failed on local, before any package changed: .*\/usr\/lib\/modules\/4\.18\.0-305\.12\.1\.el8_4\.x86_64\/vmlinuz.*conflicts/, r.out);
  assert.ok(!existsSync(join(h.root, 'system-update')), 'the offline update was never armed');
  const back = await runChild({ ...env, FERRY_E2E_MODE: 'rollback' });
  assert.equal(back.code, 0, back.out);
  assert.deepEqual(hostState(h.root, h.env), original, 'packages, /etc and the rpm database as before');
  h.dispose();
});

/** A third-party package that needs what Rocky's event 187 removes. */
const NEEDS_PYGPGME: SourceDef = { name: 'acme-signer', version: '1.0', release: '1', arch: 'noarch', vendor: 'Acme', license: 'MIT',
  binaries: [{ name: 'acme-signer', requires: ['pygpgme'], files: { '/opt/acme/signer': 'signer\n' } }] };

test('CentOS 7 → Rocky 8, assess and plan: a third-party package needing what a PES event removes is erased, with the chain; the assessment\'s erasures are the plan\'s', { skip }, async () => {
  const h = await labOf().host({ from: 'centos-7', localPackages: [...EL7_PES, NEEDS_PYGPGME] });
  const a = JSON.parse((await ferry(['--json', 'assess', '--root', h.root, '--to', 'rocky-8', ...repoArgs().flatMap((r) => ['--repo', r]), '--pes', pes(), '--today', '2024-06-01'])).out) as Assessment;
  const fates = a.targets[0].fates;
  const signer = fates.find((f) => f.name === 'acme-signer');
  assert.equal(signer?.fate, 'erased', JSON.stringify(signer));
  assert.equal(signer?.erasedBy, 'pygpgme-0.3-9.el7.x86_64');
  assert.deepEqual(signer?.chain, ['requires pygpgme: pygpgme-0.3-9.el7.x86_64 erased', 'removed by a PES event']);
  assert.match(fates.find((f) => f.name === 'pygpgme')?.reason ?? '', /PES event 187 removes pygpgme/, 'the removal itself keeps its PES fate');
  const transport = createLocalTransport({ root: h.root });
  const { predicted } = await planMigration({ transport, target: 'rocky-8', repos: repoArgs(), gpgcheck: false, pes: pes() });
  await transport.close();
  assert.ok(predicted?.ok);
  const erasedByDeps = predicted.changes.filter((c) => c.action === 'erase' && c.forcedBy?.kind === 'dependency');
  assert.deepEqual(fates.filter((f) => f.fate === 'erased').map((f) => f.installed).sort(), erasedByDeps.map((c) => c.nevra).sort());
  assert.deepEqual(erasedByDeps.find((c) => c.name === 'acme-signer')?.forcedBy, { kind: 'dependency', requires: 'pygpgme', provider: 'pygpgme-0.3-9.el7.x86_64',
    providerFate: 'erased', cause: { kind: 'job', job: 'upgrade-remove' }, root: 'pygpgme-0.3-9.el7.x86_64' });
});

test('CentOS 7 → Rocky 8 before the point of no return: the dry run shows the judged target transaction and changes nothing; killed after the download, ferry rollback leaves the host as before', { skip }, async () => {
  const h = await host();
  const original = hostState(h.root, h.env);
  const transport = createLocalTransport({ root: h.root });
  const dry = await migrate({ transport, target: 'rocky-8', repos: repoArgs(), gpgcheck: false, pes: pes(), dryRun: true });
  await transport.close();
  assert.equal(dry.result.status, 'dry-run');
  const tx = dry.result.wouldRun?.find((w) => w.transaction)?.transaction;
  assert.ok(tx, 'the download step previews the target transaction');
  const verdict = (n: string): string | undefined => tx.removals.find((r) => r.name === n)?.verdict;
  assert.deepEqual([verdict('pygpgme'), verdict('yum-utils'), verdict('centos-release')], ['announced', 'announced', 'announced'], JSON.stringify(tx.removals));
  assert.equal(tx.stops, false);
  assert.deepEqual(hostState(h.root, h.env), original, 'the dry run changed nothing');

  const env = { ...h.env, ...bootFiles(), FERRY_E2E_ROOT: h.root, FERRY_E2E_TARGET: 'rocky-8', FERRY_E2E_REPO: repoArgs().join('\n'), FERRY_E2E_PES: pes() };
  const downloadIndex = dry.plan.steps.findIndex((st) => st.kind === 'download-packages');
  const r = await runChild({ ...env, FERRY_E2E_MODE: 'migrate' }, `end:${downloadIndex}`);
  assert.ok(r.killed, r.out);
  // (The CentOS repo file belongs to centos-release, which the target transaction removes: disable-repos leaves it.)
  assert.notEqual(hostState(h.root, h.env).rpmdb, original.rpmdb, 'the Rocky keys were imported');
  const back = await runChild({ ...env, FERRY_E2E_MODE: 'rollback' });
  assert.equal(back.code, 0, back.out);
  assert.deepEqual(hostState(h.root, h.env), original, 'packages, /etc and the rpm database as before');
  h.dispose();
});

/** The lab's reboot of an SSH lab host (test/lab/boot.ts): every SSH connection dropped, systemd's boot modelled. */
function sshRebootScript(dir: string, sshdPid: number, bootIdFile: string, root: string): string {
  return labBoot({ dir, root, bootIdFile, sshdPid }).script;
}

/** Ferry's predicted CentOS 7 → Rocky 8 transaction for the root (the plan's, with Rocky's events). */
async function predictedRocky8(root: string): Promise<{ ok: true; changes: PredictedChange[] }> {
  const local = createLocalTransport({ root });
  const { predicted } = await planMigration({ transport: local, target: 'rocky-8', repos: repoArgs(), gpgcheck: false, pes: pes() });
  await local.close();
  assert.ok(predicted?.ok);
  return predicted;
}

/** The reboot records of the root's current execution, in journal order. */
async function rebootsJournaled(root: string, executionId?: string): Promise<string[]> {
  const t = createLocalTransport({ root });
  try {
    const id = executionId ?? (await readCurrentExecution(t))?.executionId ?? '';
    return (await readJournal(t, id)).filter((e) => e.event === 'reboot').map((e) => e.phase);
  } finally {
    await t.close();
  }
}

test('CentOS 7 → Rocky 8 over sshd with the ferry CLI: the reboot into the offline update drops the SSH connections, Ferry is SIGKILLed while the host reboots and sshd restarted in that boot, only the update unit runs in it; ferry resume over sshd settles the reboot, reads the result and finishes with the predicted package set, rpm -Va clean', { skip: skip || skipUnlessTools('sshd', 'pkill', 'setsid') }, async () => {
  const h = await labOf().sshHost({ from: 'centos-7', localPackages: EL7_PES });
  try {
    const before = packageSet(h.root, h.env);
    const predicted = await predictedRocky8(h.root);
    const dir = mkdtempSync(join(tmpdir(), 'ferry-xmajor-kill-'));
    const bootIdFile = join(dir, 'boot_id');
    writeFileSync(bootIdFile, `${randomUUID()}\n`);
    // sshd restarted (SIGHUP: it re-executes itself) as the host goes down, its sessions cut.
    const boot = labBoot({ dir, root: h.root, bootIdFile, sshdPid: h.sshd.pid, before: [`kill -HUP ${h.sshd.pid}`] });
    const host = [`root@127.0.0.1:${h.port}`, '--root', h.root, '-i', h.privateKeyPath, '--known-hosts', h.knownHostsPath,
      '--reboot-command', JSON.stringify(['sh', boot.script]), '--boot-id-file', bootIdFile, '--reboot-timeout', '1m'];
    const old = readFileSync(bootIdFile, 'utf8');
    await killAtRebootWait(['migrate', ...host, '--yes', '--to', 'rocky-8', ...repoArgs().flatMap((x) => ['--repo', x]), '--pes', pes(), '--nogpgcheck'], process.env);
    await waitFor(() => readFileSync(bootIdFile, 'utf8') !== old, 60_000, 'the lab host to come back from its offline update');
    const r = await ferry(['resume', ...host]);
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    assert.match(r.err, /came back from the reboot requested earlier/, r.err);
    assert.deepEqual(packageSet(h.root, h.env), applyPrediction(before, predicted.changes), 'exactly the package set Ferry predicted');
    assert.deepEqual(await rebootsJournaled(h.root), ['requested', 'returned'], 'the one reboot, its return journaled by the resume');
    assert.equal(sh(['rpm', '--root', h.root, '-Va'], h.env).stdout, '', 'rpm -Va clean');
    assert.deepEqual(boot.boots().map((b) => [b.target, b.lines.filter((l) => l.startsWith('start '))]), [['system-update.target', ['start ferry-offline-update.service']], ['default.target', []]]);
  } finally {
    await h.stop();
  }
});

test('CentOS 7 → Rocky 8 as a rollout: --pes recorded by digest, ferry worker migrates the host across the offline update\'s reboot over sshd; the predicted package set', { skip: skip || skipUnlessTools('sshd', 'pkill', 'setsid') }, async () => {
  const h = await labOf().sshHost({ from: 'centos-7', localPackages: EL7_PES });
  const dir = mkdtempSync(join(tmpdir(), 'ferry-xmajor-rollout-'));
  try {
    const before = packageSet(h.root, h.env);
    const predicted = await predictedRocky8(h.root);
    const db = join(dir, 'ferry.db');
    const store = await labStore(db, [h], { prefix: 'el7-web', labels: { source: 'centos-7' } });
    const spec = parseRolloutFlags({});
    await assert.rejects(createRollout({ store, selector: 'web', target: 'rocky-8', spec, repos: repoArgs(), gpgcheck: false }), /PES|package-evolution/);
    const { rollout } = await createRollout({ store, selector: 'web', target: 'rocky-8', spec, repos: repoArgs(), gpgcheck: false, pes: [pes()], start: true });
    await store.close();
    const bootIdFile = join(dir, 'boot_id');
    writeFileSync(bootIdFile, `${randomUUID()}\n`);
    const script = sshRebootScript(dir, h.sshd.pid, bootIdFile, h.root);
    const w = await ferry(['worker', '--store', db, '--exit-when-idle', '--known-hosts', h.knownHostsPath,
      '--reboot-command', JSON.stringify(['sh', script]), '--boot-id-file', bootIdFile, '--reboot-timeout', '1m']);
    assert.equal(w.code, 0, `${w.out}\n${w.err}`);
    const check = openStore(db);
    try {
      const status = await rolloutStatus({ store: check, rolloutId: rollout.id });
      assert.equal(status.rollout.state, 'completed', JSON.stringify(status.hosts));
      assert.deepEqual(status.hosts.map((x) => [x.hostName, x.state]), [['el7-web1', 'succeeded']]);
    } finally {
      await check.close();
    }
    assert.deepEqual(packageSet(h.root, h.env), applyPrediction(before, predicted.changes), 'exactly the package set Ferry predicted');
    assert.deepEqual(await rebootsJournaled(h.root), ['requested', 'returned'], 'the worker went through the reboot');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await h.stop();
  }
});


/** Each file of the root's /var/lib/rpm with its sha256: the rpm database, byte for byte. */
function rpmdbFiles(root: string): Record<string, string> {
  const dir = join(root, 'var/lib/rpm');
  return Object.fromEntries(readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile()).sort().map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
}

/** A CentOS 8 lab root whose rpm database is Berkeley DB, as a real CentOS 8 host keeps it (test/lab/rpmdb-bdb.ts). */
async function el8BerkeleyHost(): Promise<LabHost> {
  const h = await labOf().host({ from: 'centos-8', extras: ['libidn'] });
  convertRootToBerkeleyRpmdb(h.root);
  const files = Object.keys(rpmdbFiles(h.root));
  assert.ok(files.includes('Packages') && files.includes('Name') && !files.some((f) => f.startsWith('rpmdb.sqlite')), `a Berkeley DB database: ${files.join(', ')}`);
  return h;
}

// EL8 → EL9 with each vendor's own events, on a CentOS 8 root whose rpm database is Berkeley DB: libidn, which the
// root carries, is removed in EL9 by both files' events (Rocky's 2269, AlmaLinux's own); the target's rpm converts
// the database to sqlite right before the transaction (Debian's rpm 4.18 reads Berkeley DB only through bdb_ro, so
// any earlier write of the host's database would fail here, as it would not on a real CentOS 8 host).
for (const [target, file] of [['rocky-9', 'pes-events.rocky.json'], ['almalinux-9', 'pes-events.almalinux.json']] as const) {
  test(`CentOS 8 (rpm database in Berkeley DB) → ${target} with ${file}: the predicted package set, libidn removed by PES, the database converted to sqlite, dnf check and rpm -Va clean`, { skip: skip || skipUnlessShared('leapp', file) || skipUnlessTools('db5.3_load') }, async () => {
    const d = await labOf().distro(target);
    const h = await el8BerkeleyHost();
    const before = packageSet(h.root, h.env);
    const repos = [`${target}=${d.repoDir}`];
    const { transport, rebootWait } = labReboots(h.root);
    const { plan, predicted, findings } = await planMigration({ transport, target, repos, gpgcheck: false, pes: sharedPath('leapp', file) });
    assert.ok(predicted?.ok);
    const conversion = findings.find((f) => f.key === 'rpmdb-conversion');
    assert.deepEqual([conversion?.severity, conversion?.details], ['info', { from: 'bdb', to: 'sqlite' }], 'the assessment says the database moves, from the backend collected on the root');
    const up = plan.steps.find((s) => s.kind === 'upgrade-transaction');
    assert.ok(up?.kind === 'upgrade-transaction' && up.options.remove.includes('libidn') && up.options.dnf.releasever === '9', JSON.stringify(up?.options));
    const kinds = plan.steps.map((s) => s.kind);
    assert.equal(kinds.indexOf('rpmdb-rebuild'), kinds.indexOf('upgrade-transaction') - 2, kinds.join(' '));
    assert.ok(kinds.indexOf('import-gpg-keys') > kinds.indexOf('rpmdb-rebuild'), 'the target keys are imported after the rebuild');
    assert.match(plan.steps.find((s) => s.kind === 'rpmdb-rebuild')?.title ?? '', /^rpm database converted from Berkeley DB to sqlite by the target's rpm/);
    // ferry plan says it, from the backend collected on the host.
    const shown = await ferry(['plan', 'local', '--root', h.root, '--to', target, ...repos.flatMap((r) => ['--repo', r]), '--nogpgcheck', '--pes', sharedPath('leapp', file)]);
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /^\s+\d+\. rpm database converted from Berkeley DB to sqlite by the target's rpm, right before the target transaction \(rpmdb --rebuilddb\)\s+\[step-/m, shown.out);
    const res = await migrate({ transport, target, repos, gpgcheck: false, pes: sharedPath('leapp', file), rebootWait });
    await transport.close();
    assert.equal(res.result.status, 'completed');
    assert.ok(res.verify?.ok, JSON.stringify(res.verify?.checks));
    const files = Object.keys(rpmdbFiles(h.root));
    assert.ok(files.includes('rpmdb.sqlite') && !files.includes('Packages') && !files.includes('Name'), `sqlite, no Berkeley DB file left: ${files.join(', ')}`);
    assert.deepEqual(packageSet(h.root, h.env), applyPrediction(before, predicted.changes), 'exactly the package set Ferry predicted');
    assert.ok(!packageSet(h.root, h.env).some((p) => p.startsWith('libidn-')));
    const check = sh(['dnf', ...h.dnfArgs(d), 'check'], h.env);
    assert.equal(check.status, 0, `dnf check: ${check.stdout}${check.stderr}`);
    assert.equal(sh(['rpm', '--root', h.root, '-Va'], h.env).stdout, '', 'rpm -Va clean');
    h.dispose();
  });
}

test('CentOS 8 (Berkeley DB) → Rocky 9: killed right after the rpm database\'s conversion, ferry rollback gives back the Berkeley DB database byte for byte; killed there again, ferry resume completes with the predicted package set', { skip: skip || skipUnlessTools('db5.3_load') }, async () => {
  const d = await labOf().distro('rocky-9');
  const h = await el8BerkeleyHost();
  const original = rpmdbFiles(h.root);
  const before = packageSet(h.root, h.env);
  const repos = [`rocky-9=${d.repoDir}`];
  const transport = createLocalTransport({ root: h.root });
  const { plan, predicted } = await planMigration({ transport, target: 'rocky-9', repos, gpgcheck: false, pes: pes() });
  await transport.close();
  assert.ok(predicted?.ok);
  const rebuildIndex = plan.steps.findIndex((st) => st.kind === 'rpmdb-rebuild');
  // Without the lab's SOURCE_DATE_EPOCH, which gives every transaction's packages the same install times (rpm 4.18
  // takes it for INSTALLTIME: the lab's packages show 1600000000 and up): verify's boot-default check picks the newest-installed kernel by that time.
  const hostEnv = Object.fromEntries(Object.entries(h.env).filter(([k]) => k !== 'SOURCE_DATE_EPOCH'));
  const env = { ...hostEnv, ...bootFiles(), FERRY_E2E_ROOT: h.root, FERRY_E2E_TARGET: 'rocky-9', FERRY_E2E_REPO: repos.join('\n'), FERRY_E2E_PES: pes() };
  const killed = await runChild({ ...env, FERRY_E2E_MODE: 'migrate' }, `end:${rebuildIndex}`);
  assert.ok(killed.killed, killed.out);
  const converted = Object.keys(rpmdbFiles(h.root));
  assert.ok(converted.includes('rpmdb.sqlite') && !converted.includes('Packages'), `converted before the kill: ${converted.join(', ')}`);
  assert.deepEqual(packageSet(h.root, h.env), before, 'the same packages in sqlite');
  const back = await runChild({ ...env, FERRY_E2E_MODE: 'rollback' });
  assert.equal(back.code, 0, back.out);
  assert.deepEqual(rpmdbFiles(h.root), original, 'the Berkeley DB database as it was, byte for byte');
  assert.deepEqual(packageSet(h.root, h.env), before);

  const again = await runChild({ ...env, FERRY_E2E_MODE: 'migrate' }, `end:${rebuildIndex}`);
  assert.ok(again.killed, again.out);
  const done = await runChild({ ...env, FERRY_E2E_MODE: 'resume' });
  assert.match(done.out, /RESULT completed/, done.out);
  assert.deepEqual(packageSet(h.root, h.env), applyPrediction(before, predicted.changes), 'exactly the package set Ferry predicted');
  assert.ok(!Object.keys(rpmdbFiles(h.root)).includes('Packages'));
  assert.equal(sh(['rpm', '--root', h.root, '-Va'], h.env).stdout, '', 'rpm -Va clean');
  h.dispose();
});

test('CentOS 8 (Berkeley DB) → Rocky 9 with signatures checked: the download checks them against the target key in Ferry\'s own keyring; the host\'s rpm database gets the key only after its conversion', { skip: skip || skipUnlessTools('db5.3_load', 'gpg') }, async () => {
  const d = await labOf().distro('rocky-9', { signed: true });
  const key = await labOf().signingKey();
  const h = await el8BerkeleyHost();
  const { transport, rebootWait } = labReboots(h.root);
  const common = { transport, target: 'rocky-9', repos: [`rocky-9=${d.repoDir}`], gpgcheck: true, gpgKeys: [`${key.publicKeyPath}=${key.fingerprint}`], pes: pes() };
  const { plan } = await planMigration(common);
  const download = plan.steps.find((s) => s.kind === 'download-packages');
  assert.ok(download?.kind === 'download-packages' && download.options.keyring.length === 1 && download.options.dnf.gpgcheck);
  const res = await migrate({ ...common, rebootWait });
  await transport.close();
  assert.equal(res.result.status, 'completed');
  // The download's verify ran rpm -K with signatures against the keyring: the host's database had no target key then.
  const short = key.fingerprint.slice(-8).toLowerCase();
  assert.equal(sh(['rpm', '--root', h.root, '-q', `gpg-pubkey-${short}`], h.env).status, 0, 'the key is in the host\'s (converted) database');
  assert.ok(!Object.keys(rpmdbFiles(h.root)).includes('Packages'));
  h.dispose();
});

// CentOS 7 → Rocky 8 on a Berkeley DB root: EL8's rpm 4.14 keeps Berkeley DB, so the plan converts nothing and
// imports the target keys into the host's database as on a same-major swap. On a real CentOS 7 host its rpm writes
// that database; in the lab the rpm is Debian's 4.18, which opens Berkeley DB only read-only (bdb_ro), so the first
// write — the key import — fails. The lab does not pretend: Ferry stops there, before the point of no return,
// with rpm's own error, and rollback gives the database back byte for byte.
test('CentOS 7 (Berkeley DB) → Rocky 8 in the lab: no conversion planned (EL8 keeps Berkeley DB); the lab\'s rpm cannot write it, so the key import fails naming rpm\'s error, before the point of no return, and rollback restores the database byte for byte', { skip: skip || skipUnlessTools('db5.3_load') }, async () => {
  const h = await host();
  convertRootToBerkeleyRpmdb(h.root);
  const original = rpmdbFiles(h.root);
  const env = { ...h.env, ...bootFiles(), FERRY_E2E_ROOT: h.root, FERRY_E2E_TARGET: 'rocky-8', FERRY_E2E_REPO: repoArgs().join('\n'), FERRY_E2E_PES: pes() };
  const transport = createLocalTransport({ root: h.root });
  const { plan } = await planMigration({ transport, target: 'rocky-8', repos: repoArgs(), gpgcheck: false, pes: pes() });
  await transport.close();
  assert.ok(!plan.steps.some((st) => st.kind === 'rpmdb-rebuild'));
  const fin = plan.steps.find((st) => st.kind === 'finalize');
  assert.ok(fin?.kind === 'finalize' && !fin.options.rpmdbRebuild);
  const r = await runChild({ ...env, FERRY_E2E_MODE: 'migrate' });
  assert.notEqual(r.code, 0, r.out);
  assert.match(r.out, /rpm --import .+? on local \(exit \d+\) did not put gpg-pubkey-\S+ into the rpm database: [^\n]*bdb_ro/, r.out);
  const back = await runChild({ ...env, FERRY_E2E_MODE: 'rollback' });
  assert.equal(back.code, 0, back.out);
  assert.deepEqual(rpmdbFiles(h.root), original, 'the Berkeley DB database as it was');
  h.dispose();
});

// Issue 20's multi-hop plan: CentOS 7 → Rocky 9 is the catalog's CentOS 7 → Rocky 8 → Rocky 9, one plan with a
// re-assessment gate between the hops, each hop with Rocky's own events. Ferry is SIGKILLed between the hops
// (the second hop's gate passed, recorded) and inside the second hop's target transaction; `ferry resume`
// completes the route. The host ends with the package set predicted before the first hop started.
test('CentOS 7 → Rocky 9 as one plan (7 → 8 → 9): the second hop gated on the predicted, then the collected end state of the first; killed inside hop 1, between the hops and inside hop 2, resumed; the predicted package set, dnf check clean', { skip }, async () => {
  const h = await host();
  const r9 = await labOf().distro('rocky-9');
  const repos = [...repoArgs(), `rocky-9=${r9.repoDir}`];
  const pesFlags = [`rocky-8=${pes()}`, `rocky-9=${pes()}`];
  const base = ['plan', 'local', '--root', h.root, '--to', 'rocky-9', ...repos.flatMap((r) => ['--repo', r]), '--nogpgcheck'];
  // Each hop takes its vendor's events (TARGET=FILE, as ferry assess reads --pes); a hop without any is refused.
  const without = await ferry([...base, '--pes', `rocky-8=${pes()}`]);
  assert.equal(without.code, 2, without.err);
  assert.match(without.err, /PES_REQUIRED.*Hop 2 of 2 \(rocky-8 → rocky-9\): rocky-8 → rocky-9 is a cross-major upgrade/);
  assert.match(without.err, /--pes rocky-9=FILE/);
  const text = await ferry([...base, ...pesFlags.flatMap((p) => ['--pes', p])]);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /^Route centos-7 → rocky-8 → rocky-9: 2 hops/m);
  assert.match(text.out, /^Hop 2 of 2: rocky-8 → rocky-9 \(assessed on the predicted end state of hop 1; no inhibitor stands\)/m);
  const json = JSON.parse((await ferry(['--json', ...base, ...pesFlags.flatMap((p) => ['--pes', p])])).out) as { formatVersion: number; hops: { from: string; to: string; assessedOn: string; plan: { steps: { kind: string; options: { dnf?: { releasever: string } } }[]; predictedTransaction?: { ok: boolean } } }[] };
  assert.deepEqual(compileSchema(routePlanSchema()).errors(json), [], 'the published document validates against route-plan.schema.json');
  assert.deepEqual(json.hops.map((x) => [x.from, x.to, x.assessedOn, x.plan.predictedTransaction?.ok]), [['centos-7', 'rocky-8', 'collected', true], ['rocky-8', 'rocky-9', 'predicted', true]]);
  assert.deepEqual(json.hops.map((x) => x.plan.steps.find((s) => s.kind === 'upgrade-transaction')?.options.dnf?.releasever), ['8', '9']);

  // The expected end: hop 1's predicted changes, then hop 2's predicted changes on that predicted state.
  const before = packageSet(h.root, h.env);
  const transport = createLocalTransport({ root: h.root });
  const planned = await planRoute({ transport, target: 'rocky-9', repos, gpgcheck: false, pes: pesFlags });
  await transport.close();
  const [p1, p2] = planned.hops.map((x) => x.predicted);
  assert.ok(p1?.ok && p2?.ok, 'both hops predicted');
  const expected = applyPrediction(applyPrediction(before, p1.changes), p2.changes);

  const env = { ...h.env, ...bootFiles(), FERRY_E2E_ROOT: h.root, FERRY_E2E_TARGET: 'rocky-9', FERRY_E2E_REPO: repos.join('\n'), FERRY_E2E_PES: pesFlags.join('\n') };
  const upgrade = (hop: number): number => planned.hops[hop].plan.steps.findIndex((s) => s.kind === 'upgrade-transaction');
  // 1. Killed inside hop 1's target transaction (dnf, detached, goes on).
  const zeroth = await runChild({ ...env, FERRY_E2E_MODE: 'migrate', FERRY_E2E_STALL_HOP: '1' }, `output:${upgrade(0)}`);
  assert.ok(zeroth.killed, zeroth.out);
  // 2. Resumed (hop 1 finished), killed as hop 2 starts: hop 2's gate passed and recorded.
  const first = await runChild({ ...env, FERRY_E2E_MODE: 'resume' }, 'hop:2');
  assert.ok(first.killed, first.out);
  assert.match(readFileSync(join(h.root, 'etc/os-release'), 'utf8'), /^VERSION_ID="8/m, 'hop 1 left the host on Rocky 8');
  // 3. Resumed: the gate again on fresh facts, then killed inside hop 2's target transaction.
  const second = await runChild({ ...env, FERRY_E2E_MODE: 'resume', FERRY_E2E_STALL_HOP: '2' }, `output:${upgrade(1)}`);
  assert.ok(second.killed, second.out);
  // 4. Resumed to the end.
  const done = await runChild({ ...env, FERRY_E2E_MODE: 'resume' });
  assert.match(done.out, /RESULT completed/, done.out);

  assert.deepEqual(packageSet(h.root, h.env), expected, 'exactly the package set Ferry predicted before hop 1');
  assert.match(readFileSync(join(h.root, 'etc/os-release'), 'utf8'), /^VERSION_ID="9/m);
  const check = sh(['dnf', ...h.dnfArgs(r9), 'check'], h.env);
  assert.equal(check.status, 0, `dnf check: ${check.stdout}${check.stderr}`);
  assert.equal(sh(['rpm', '--root', h.root, '-Va'], h.env).stdout, '', 'rpm -Va clean');
  // The route on the host: two executions, hop 2 gated on the prediction and then (twice: killed after the first) on the collected facts, which matched it.
  const route = JSON.parse(readFileSync(join(h.root, 'var/lib/ferry/route.json'), 'utf8')) as RouteDocument;
  assert.equal(route.hops.filter((x) => x.executionId).length, 2);
  assert.deepEqual(route.gates.map((g) => [g.hop, g.on, g.ok, g.inhibitors.length, g.unexpected, g.missing]), [[2, 'predicted', true, 0, [], []], [2, 'collected', true, 0, [], []], [2, 'collected', true, 0, [], []]]);
  // Each collected gate is journaled in hop 1's execution, after it completed (the journal still folds to completed).
  const jt = createLocalTransport({ root: h.root });
  const hop1 = await readJournal(jt, route.hops[0].executionId ?? '');
  await jt.close();
  assert.deepEqual(hop1.filter((e) => e.event === 'gate').map((e) => e.event === 'gate' && [e.hop, e.to, e.ok]), [[2, 'rocky-9', true], [2, 'rocky-9', true]]);
  h.dispose();
});

test('CentOS 7 → Rocky 9: a new inhibitor after hop 1 stops the route before hop 2, recorded with how to continue; ferry resume --override (a key no inhibitor has refused) goes on with hop 2, the override recorded with the operator in the route file and both journals', { skip }, async () => {
  const h = await host();
  const r9 = await labOf().distro('rocky-9');
  const repos = [...repoArgs(), `rocky-9=${r9.repoDir}`];
  const env = { ...h.env, ...bootFiles(), FERRY_E2E_ROOT: h.root, FERRY_E2E_TARGET: 'rocky-9', FERRY_E2E_REPO: repos.join('\n'), FERRY_E2E_PES: [`rocky-8=${pes()}`, `rocky-9=${pes()}`].join('\n') };
  const early = await ferry(['resume', 'local', '--root', h.root, '--override', 'management-agents:spacewalk=too early']);
  assert.equal(early.code, 2, early.err);
  assert.match(early.err, /USAGE.*ferry resume --override is for a route stopped by its gate between hops; local has no route in progress/);
  // Killed once hop 1 completed, as the gate of hop 2 starts: the host is Rocky 8.
  const first = await runChild({ ...env, FERRY_E2E_MODE: 'migrate' }, 'gate:2');
  assert.ok(first.killed, first.out);
  // Registered to Spacewalk after hop 1 (its systemid alone): the host would take its repositories from the manager.
  mkdirSync(join(h.root, 'etc/sysconfig/rhn'), { recursive: true });
  writeFileSync(join(h.root, 'etc/sysconfig/rhn/systemid'), '<?xml version="1.0"?><params/>\n');

  const stopped = await runChild({ ...env, FERRY_E2E_MODE: 'resume' });
  assert.notEqual(stopped.code, 0, stopped.out);
  assert.match(stopped.out, /stopped before hop 2 of 2 \(rocky-8 → rocky-9\): hop 1 completed, and re-assessed on the facts collected now, .*management-agents:spacewalk/);
  assert.match(stopped.out, /code: 'PLAN_INHIBITED'/);
  assert.match(stopped.out, /Resolve them and run ferry resume; or override them, recorded with you: ferry resume HOST --override management-agents:spacewalk=REASON/);
  assert.match(readFileSync(join(h.root, 'etc/os-release'), 'utf8'), /^VERSION_ID="8/m, 'the host stays on Rocky 8');
  const route = (): RouteDocument => JSON.parse(readFileSync(join(h.root, 'var/lib/ferry/route.json'), 'utf8')) as RouteDocument;
  const gate = route().gates.at(-1);
  assert.deepEqual([gate?.hop, gate?.on, gate?.ok, gate?.inhibitors, gate?.unexpected], [2, 'collected', false, ['management-agents:spacewalk'], []]);
  assert.equal(route().hops[1].executionId, null, 'hop 2 never started');
  const st = await ferry(['status', 'local', '--root', h.root]);
  assert.equal(st.code, 0, st.err);
  assert.match(st.out, /: centos-7 → rocky-8: completed; past the point of no return\n {2}hop 1 of 2 of the route centos-7 → rocky-8 → rocky-9\n {2}the gate before hop 2 stopped the route: management-agents:spacewalk \(resolve them, then ferry resume; or override them: ferry resume --override KEY=REASON\)\n/);

  // --override outside a route stopped between hops, or with a key no inhibitor has, is refused before anything runs.
  const wrong = await runChild({ ...env, FERRY_E2E_MODE: 'resume', FERRY_E2E_OVERRIDE: 'third-party-sonames:nothing.x86_64=no such package' });
  assert.match(wrong.out, /USAGE.*--override third-party-sonames:nothing\.x86_64 matches no inhibitor of hop 2 of 2 \(rocky-8 → rocky-9\)/s, wrong.out);
  assert.equal(route().hops[1].executionId, null, 'hop 2 still not started');
  // The route file is the host's: an events file it names is read on the controller only to find the bytes the
  // route was planned with — a path changed on the host to another controller file is refused unread.
  const routeFile = join(h.root, 'var/lib/ferry/route.json');
  const original = readFileSync(routeFile, 'utf8');
  const secret = join(h.root, '..', 'controller-secret.json');
  writeFileSync(secret, '{"token": "TOP-SECRET-controller-value"}\n');
  const tampered = (hop: Partial<RouteDocument['hops'][number]>): void => { const d = JSON.parse(original) as RouteDocument; d.hops[1] = { ...d.hops[1], ...hop }; writeFileSync(routeFile, JSON.stringify(d)); };
  tampered({ pes: secret });
  const changed = await runChild({ ...env, FERRY_E2E_MODE: 'resume', FERRY_E2E_OVERRIDE: 'management-agents:spacewalk=x' });
  assert.match(changed.out, /PES_CHANGED.*controller-secret\.json changed since they were recorded/s, changed.out);
  assert.doesNotMatch(changed.out, /TOP-SECRET/);
  tampered({ pesSha256: null });
  const unchecked = await runChild({ ...env, FERRY_E2E_MODE: 'resume', FERRY_E2E_OVERRIDE: 'management-agents:spacewalk=x' });
  assert.match(unchecked.out, /DOCUMENT_INVALID.*without its sha256; Ferry reads no file the host names unchecked/s, unchecked.out);
  writeFileSync(routeFile, original);
  assert.equal(route().hops[1].executionId, null, 'hop 2 still not started');
  // The operator overrides it on resume: hop 2 runs, the override recorded with them.
  const done = await runChild({ ...env, FERRY_E2E_MODE: 'resume', FERRY_E2E_BY: 'alice', FERRY_E2E_OVERRIDE: 'management-agents:spacewalk=the Spacewalk channel carries Rocky 9' });
  assert.match(done.out, /RESULT completed/, done.out);
  assert.match(readFileSync(join(h.root, 'etc/os-release'), 'utf8'), /^VERSION_ID="9/m);
  const check = sh(['dnf', ...h.dnfArgs(r9), 'check'], h.env);
  assert.equal(check.status, 0, `dnf check: ${check.stdout}${check.stderr}`);
  assert.deepEqual(route().gates.map((g) => [g.on, g.ok, g.overridden?.map((x) => [x.findingKey, x.by, x.reason])]), [['predicted', true, undefined], ['collected', false, undefined], ['collected', true, [['management-agents:spacewalk', 'alice', 'the Spacewalk channel carries Rocky 9']]]]);
  assert.deepEqual(route().options.overrides.map((x) => [x.findingKey, x.by, x.reason, x.hop]), [['management-agents:spacewalk', 'alice', 'the Spacewalk channel carries Rocky 9', 2]]);
  const jt = createLocalTransport({ root: h.root });
  const hop1 = await readJournal(jt, route().hops[0].executionId ?? '');
  const hop2 = await readJournal(jt, route().hops[1].executionId ?? '');
  await jt.close();
  assert.deepEqual(hop1.filter((e) => e.event === 'gate').map((e) => e.event === 'gate' && [e.ok, e.inhibitors, e.overridden?.map((x) => x.by)]), [[false, ['management-agents:spacewalk'], undefined], [true, [], ['alice']]], 'both verdicts journaled in hop 1\'s execution, the override with its operator');
  assert.deepEqual(hop2.filter((e) => e.event === 'override').map((e) => e.event === 'override' && [e.findingKey, e.by, e.reason]), [['management-agents:spacewalk', 'alice', 'the Spacewalk channel carries Rocky 9']], 'hop 2\'s journal records the override with the operator');
  h.dispose();
});

test('CentOS 7 → Rocky 9 over sshd with ferry migrate: both hops, each one reboot into its offline update dropping the SSH connection, the gate between them; the predicted package set, dnf check clean', { skip: skip || skipUnlessTools('sshd', 'pkill', 'setsid') }, async () => {
  const h = await labOf().sshHost({ from: 'centos-7', localPackages: EL7_PES });
  try {
    const r9 = await labOf().distro('rocky-9');
    const repos = [...repoArgs(), `rocky-9=${r9.repoDir}`];
    const pesFlags = [`rocky-8=${pes()}`, `rocky-9=${pes()}`];
    const before = packageSet(h.root, h.env);
    const local = createLocalTransport({ root: h.root });
    const planned = await planRoute({ transport: local, target: 'rocky-9', repos, gpgcheck: false, pes: pesFlags });
    await local.close();
    const [p1, p2] = planned.hops.map((x) => x.predicted);
    assert.ok(p1?.ok && p2?.ok);
    const dir = mkdtempSync(join(tmpdir(), 'ferry-multihop-ssh-'));
    const bootIdFile = join(dir, 'boot_id');
    writeFileSync(bootIdFile, `${randomUUID()}\n`);
    const script = sshRebootScript(dir, h.sshd.pid, bootIdFile, h.root);
    const r = await ferry(['migrate', `root@127.0.0.1:${h.port}`, '--yes', '--root', h.root, '-i', h.privateKeyPath, '--known-hosts', h.knownHostsPath,
      '--to', 'rocky-9', ...repos.flatMap((x) => ['--repo', x]), ...pesFlags.flatMap((p) => ['--pes', p]), '--nogpgcheck',
      '--reboot-command', JSON.stringify(['sh', script]), '--boot-id-file', bootIdFile, '--reboot-timeout', '1m']);
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    assert.match(r.err, /\[hop 2\/2\] passed: rocky-8 → rocky-9 re-assessed on the facts collected after hop 1, no inhibitor stands/);
    assert.match(r.out, /^Hop 2 \(rocky-8 → rocky-9\):/m);
    assert.deepEqual(packageSet(h.root, h.env), applyPrediction(applyPrediction(before, p1.changes), p2.changes), 'exactly the package set Ferry predicted before hop 1');
    const check = sh(['dnf', ...h.dnfArgs(r9), 'check'], h.env);
    assert.equal(check.status, 0, `dnf check: ${check.stdout}${check.stderr}`);
    const route = JSON.parse(readFileSync(join(h.root, 'var/lib/ferry/route.json'), 'utf8')) as RouteDocument;
    for (const hop of route.hops) {
      assert.deepEqual(await rebootsJournaled(h.root, hop.executionId ?? ''), ['requested', 'returned'], `${hop.from} → ${hop.to}: one reboot over SSH, journaled back`);
    }
  } finally {
    await h.stop();
  }
});

/** A third-party package needing libidn's soname: CentOS 7 and Rocky 8 carry libidn, Rocky 9 does not (PES event 2269 removes it). */
const ACME_IDN: SourceDef = { name: 'acme-idn', version: '1.0', release: '1', arch: 'x86_64', vendor: 'Acme Corp', license: 'Proprietary',
  binaries: [{ name: 'acme-idn', requires: ['libidn.so.11()(64bit)'], files: { '/opt/acme/idn.txt': 'acme\n' } }] };

test('CentOS 7 → Rocky 9: hop 2\'s inhibitor is known before hop 1 starts — found on hop 1\'s predicted end state, it refuses the plan naming the hop; overridden, it is hop 2\'s override', { skip }, async () => {
  const h = await labOf().host({ from: 'centos-7', extras: ['libidn'], localPackages: [...EL7_PES, ACME_IDN] });
  const r9 = await labOf().distro('rocky-9');
  const base = ['plan', 'local', '--root', h.root, ...[...repoArgs(), `rocky-9=${r9.repoDir}`].flatMap((r) => ['--repo', r]), '--nogpgcheck', '--pes', pes()];
  // Hop 1 alone stands: Rocky 8 provides libidn.so.11.
  const hop1 = await ferry([...base, '--to', 'rocky-8']);
  assert.equal(hop1.code, 0, hop1.err);
  const refused = await ferry([...base, '--to', 'rocky-9']);
  assert.equal(refused.code, 1, refused.err);
  assert.match(refused.err, /PLAN_INHIBITED.*Hop 2 of 2 \(rocky-8 → rocky-9\), assessed on the predicted end state of hop 1: .*third-party-sonames:acme-idn\.x86_64 \(acme-idn-1\.0-1\.x86_64 needs a library rocky-9 does not provide\)/);
  const overridden = await ferry(['--json', ...base, '--to', 'rocky-9', '--override', 'third-party-sonames:acme-idn.x86_64', '--reason', 'acme ships an EL9 build']);
  assert.equal(overridden.code, 0, overridden.err);
  const doc = JSON.parse(overridden.out) as { hops: { plan: { overrides: { findingKey: string }[] } }[] };
  assert.deepEqual(doc.hops.map((x) => x.plan.overrides.map((o) => o.findingKey)), [[], ['third-party-sonames:acme-idn.x86_64']]);
  h.dispose();
});

// Issue 20, assessment per hop: `ferry assess --to rocky-9` on the CentOS 7 host carrying acme-idn judges each hop as
// the plan's gate does (assessRoute, the one walk), so hop 2's inhibitor is known at assessment time, with nothing run.
// Differential between the two entry points: assess's per-hop inhibitors are planRoute's gate result for the same host.
// Then the fleet: the host's stored facts through ferry fleet assess and ferry fleet report name the hop.
test('CentOS 7 → Rocky 9: ferry assess reports hop 2\'s inhibitor before anything runs, hop by hop; its per-hop inhibitors are planRoute\'s gate; ferry fleet assess and fleet report name the hop', { skip }, async () => {
  const h = await labOf().host({ from: 'centos-7', extras: ['libidn'], localPackages: [...EL7_PES, ACME_IDN] });
  const r9 = await labOf().distro('rocky-9');
  const repos = [...repoArgs(), `rocky-9=${r9.repoDir}`];
  const pesFlags = [`rocky-8=${pes()}`, `rocky-9=${pes()}`];
  const flags = [...repos.flatMap((r) => ['--repo', r]), ...pesFlags.flatMap((p) => ['--pes', p])];
  const before = hostState(h.root, h.env);
  const a = await assessJson(['local', '--root', h.root, '--to', 'rocky-9,rocky-8', ...flags, '--no-progress']);
  const t9 = targetOf(a, 'rocky-9');
  const key = 'third-party-sonames:acme-idn.x86_64';
  assert.deepEqual([t9.route, t9.path, t9.inhibitors], [['centos-7', 'rocky-8', 'rocky-9'], null, [key]]);
  assert.deepEqual(t9.hops?.map((x) => [x.hop, x.from, x.to, x.assessedOn, x.inhibitors, x.predictedTransaction?.ok]), [
    [1, 'centos-7', 'rocky-8', 'collected', [], true], [2, 'rocky-8', 'rocky-9', 'predicted', [key], true]]);
  // Hop 1 is the direct rocky-8 target, finding for finding; the route ranks below it, blocked.
  const t8 = targetOf(a, 'rocky-8');
  assert.deepEqual(t9.hops?.[0].findings, t8.findings);
  assert.deepEqual([t8.rank, t9.rank], [1, 2]);
  const text = await ferry(['assess', 'local', '--root', h.root, '--to', 'rocky-9', ...flags, '--no-progress']);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /^ {2}1\. rocky-9 {2}score -?\d+ {2}BLOCKED by 1 inhibitor\(s\)/m);
  assert.match(text.out, /^!! {3}third-party-sonames:acme-idn\.x86_64 \(hop 2: rocky-8 → rocky-9\): acme-idn-1\.0-1\.x86_64 needs a library rocky-9 does not provide$/m);
  assert.match(text.out, /^ {2}Hop 2 of 2: rocky-8 → rocky-9 \(on the predicted end state of hop 1\): BLOCKED by third-party-sonames:acme-idn\.x86_64 /m);
  assert.deepEqual(hostState(h.root, h.env), before, 'assessing ran nothing on the host');
  assert.ok(!existsSync(join(h.root, 'var/lib/ferry')), 'no state written');
  // The plan's gate on the same host, with the same flags: refused on hop 2 by exactly assess's hop 2 inhibitors.
  const transport = createLocalTransport({ root: h.root });
  try {
    const refused = await planRoute({ transport, target: 'rocky-9', repos, gpgcheck: false, pes: pesFlags }).then(() => undefined, (e: unknown) => e);
    assert.ok(isFerryError(refused, 'PLAN_INHIBITED'), String(refused));
    assert.match(refused.message, /^Hop 2 of 2 \(rocky-8 → rocky-9\), assessed on the predicted end state of hop 1: /);
    assert.deepEqual(refused.details?.inhibitors, t9.hops?.[1].inhibitors);
    // Past that gate (overridden), each hop's inhibitors and the package set hop 2 starts from are assess's.
    const planned = await planRoute({ transport, target: 'rocky-9', repos, gpgcheck: false, pes: pesFlags, overrides: [{ findingKey: key, reason: 'differential' }] });
    assert.deepEqual(planned.hops.map((x) => x.findings.filter((f) => f.groups.includes('inhibitor')).map((f) => f.key)), t9.hops?.map((x) => x.inhibitors));
    assert.deepEqual(planned.hops.map((x) => x.findings.map((f) => f.key)), t9.hops?.map((x) => x.findings.map((f) => f.key)));
    assert.deepEqual(planned.hops[1].facts.packages?.map((p) => `${p.name}-${p.version}-${p.release}.${p.arch}`).sort(), t9.hops?.[1].fates.map((f) => f.installed.replace(/^([^:]*-)\d+:/, '$1')).sort());
    // The fleet: the facts as stored by collection, assessed with the same flags; the report names the hop.
    const db = join(mkdtempSync(join(tmpdir(), 'ferry-assess-route-')), 'ferry.db');
    const store = openStore(db);
    await store.migrate();
    await store.upsertHosts([{ name: 'el7-acme', groups: ['web'], source: 'e2e', labels: { source: 'centos-7' } }]);
    await store.saveFactSnapshot({ hostName: 'el7-acme', facts: JSON.parse(JSON.stringify(await collectFacts(transport))) as JsonValue });
    await store.close();
    const fleet = await ferry(['--json', 'fleet', 'assess', '--store', db, '--to', 'rocky-9', ...flags, '--no-progress']);
    assert.equal(fleet.code, 0, fleet.err);
    const { report } = JSON.parse(fleet.out) as { report: FleetReport };
    assert.deepEqual(report.readiness, [{ target: 'rocky-9', ready: 0, risks: 0, blocked: 1, notAssessed: 0 }]);
    assert.deepEqual(report.inhibitors.map((i) => [i.key, i.hops, i.hosts]), [[key, ['hop 2: rocky-8 → rocky-9'], ['el7-acme']]]);
    assert.deepEqual(report.hosts[0].results[0].hops?.map((x) => [x.hop, x.blockers]), t9.hops?.map((x) => [x.hop, x.inhibitors]), 'the fleet\'s hops are ferry assess\'s');
    const shown = await ferry(['fleet', 'report', '--store', db]);
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /third-party-sonames:acme-idn\.x86_64 on rocky-9 \(hop 2: rocky-8 → rocky-9\): el7-acme/);
    assert.match(shown.out, /^ {6}rocky-9 blocked on hop 2: rocky-8 → rocky-9: third-party-sonames:acme-idn\.x86_64$/m);
    const html = await ferry(['fleet', 'report', '--store', db, '--format', 'html']);
    assert.match(html.out, /blocked on hop 2: rocky-8 → rocky-9: <code>third-party-sonames:acme-idn\.x86_64<\/code>/);
  } finally {
    await transport.close();
  }
  h.dispose();
});

// Issue 20's routes in the fleet: `ferry rollout create --to rocky-9` over CentOS 7 hosts runs each host's route
// through the worker, which calls the route code ferry migrate and ferry resume call. web1 is migrated 7 → 8 → 9
// over sshd; its worker is SIGKILLed once hop 2 started, and a second worker resumes the route from the host's
// route file and journal. web2 carries acme-idn, which hop 2's gate (on hop 1's predicted end state) refuses:
// it fails naming the hop, untouched, and counts as a failed host of the rollout.
test('CentOS 7 → Rocky 9 as a rollout: the worker runs each host\'s route (one --pes a hop, by digest); killed inside hop 2, another worker resumes the route; a host hop 2\'s gate refuses fails naming the hop', { skip: skip || skipUnlessTools('sshd', 'pkill', 'setsid') }, async () => {
  const [a, b] = await Promise.all([labOf().sshHost({ from: 'centos-7', localPackages: EL7_PES }), labOf().sshHost({ from: 'centos-7', extras: ['libidn'], localPackages: [...EL7_PES, ACME_IDN] })]);
  const dir = mkdtempSync(join(tmpdir(), 'ferry-route-rollout-'));
  try {
    const r9 = await labOf().distro('rocky-9');
    const repos = [...repoArgs(), `rocky-9=${r9.repoDir}`];
    const pesFlags = [`rocky-8=${pes()}`, `rocky-9=${pes()}`];
    const before = packageSet(a.root, a.env);
    const local = createLocalTransport({ root: a.root });
    const planned = await planRoute({ transport: local, target: 'rocky-9', repos, gpgcheck: false, pes: pesFlags });
    await local.close();
    const [p1, p2] = planned.hops.map((x) => x.predicted);
    assert.ok(p1?.ok && p2?.ok);
    const untouched = packageSet(b.root, b.env);
    const db = join(dir, 'ferry.db');
    const store = await labStore(db, [a, b], { prefix: 'el7-web', labels: { source: 'centos-7' } });
    const spec = parseRolloutFlags({ maxFailures: '2' });
    await assert.rejects(createRollout({ store, selector: 'web', target: 'rocky-9', spec, repos, gpgcheck: false, pes: [pesFlags[0]] }), /PES_REQUIRED|hop 2 of 2 \(rocky-8 → rocky-9\)/);
    const { rollout } = await createRollout({ store, selector: 'web', target: 'rocky-9', spec, repos, gpgcheck: false, pes: pesFlags, start: true });
    await store.close();
    const bootIdFile = join(dir, 'boot_id');
    writeFileSync(bootIdFile, `${randomUUID()}\n`);
    const reboot = ['--reboot-command', JSON.stringify(['sh', sshRebootScript(dir, a.sshd.pid, bootIdFile, a.root)]), '--boot-id-file', bootIdFile, '--reboot-timeout', '1m'];
    const workerArgs = ['--lease', '3', ...[a, b].flatMap((h) => ['--known-hosts', h.knownHostsPath]), ...reboot];
    // Killed once web1's hop 2 started (its gate passed, its execution recorded in the route file).
    const first = startWorker(db, [...workerArgs, '--id', 'first']);
    const routeFile = join(a.root, 'var/lib/ferry/route.json');
    const hop2Started = (): boolean => { try { return (JSON.parse(readFileSync(routeFile, 'utf8')) as RouteDocument).hops[1].executionId !== null; } catch { return false; } };
    for (let i = 0; i < 600 && !hop2Started(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(hop2Started(), `hop 2 never started:\n${first.log()}`);
    first.child.kill('SIGKILL');
    await first.done;
    const second = startWorker(db, [...workerArgs, '--id', 'second']);
    assert.equal(await second.done, 0, second.log());
    const check = openStore(db);
    try {
      const status = await rolloutStatus({ store: check, rolloutId: rollout.id });
      const hosts = Object.fromEntries(status.hosts.map((x) => [x.hostName, x]));
      assert.equal(hosts['el7-web1'].state, 'succeeded', JSON.stringify(status.hosts));
      assert.equal(hosts['el7-web2'].state, 'failed');
      assert.match(hosts['el7-web2'].lastError ?? '', /Hop 2 of 2 \(rocky-8 → rocky-9\), assessed on the predicted end state of hop 1: .*third-party-sonames:acme-idn\.x86_64/);
      assert.equal(status.counts.failed, 1, 'the refused host counts as a failed host of the rollout');
      const jobs = (await check.listJobs({ rolloutId: rollout.id })).filter((j) => j.hostName === 'el7-web1');
      assert.ok(jobs.some((j) => JSON.stringify(j.result ?? {}).includes('resumed')), `web1 was resumed by the second worker: ${JSON.stringify(jobs)}`);
    } finally {
      await check.close();
    }
    assert.deepEqual(packageSet(a.root, a.env), applyPrediction(applyPrediction(before, p1.changes), p2.changes), 'exactly the package set Ferry predicted before hop 1');
    assert.match(readFileSync(join(a.root, 'etc/os-release'), 'utf8'), /^VERSION_ID="9/m);
    const route = JSON.parse(readFileSync(routeFile, 'utf8')) as RouteDocument;
    assert.deepEqual(route.hops.map((x) => [x.from, x.to, x.pes]), [['centos-7', 'rocky-8', pes()], ['rocky-8', 'rocky-9', pes()]]);
    for (const hop of route.hops) assert.equal(hop.pesSha256, createHash('sha256').update(readFileSync(hop.pes ?? '')).digest('hex'), `${hop.from} → ${hop.to}: planned with the bytes the rollout recorded`);
    for (const hop of route.hops) assert.deepEqual(await rebootsJournaled(a.root, hop.executionId ?? ''), ['requested', 'returned'], `${hop.from} → ${hop.to}: one reboot into its offline update, journaled back`);
    assert.deepEqual(packageSet(b.root, b.env), untouched, 'the refused host is untouched');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await Promise.all([a.stop(), b.stop()]);
  }
});

// Issue 20's route rollback without snapshots (the lab's roots have none): hop 1 (CentOS 7 → Rocky 8) completed
// past its point of no return, hop 2 killed after its download, before its own. `ferry rollback --route` undoes
// hop 2 from its rollback stack — itself killed mid-restore and run again — and says plainly that hop 1 cannot be
// undone: the host is back on hop 1's Rocky 8, as it was when hop 1 ended.
test('CentOS 7 → Rocky 9, rollback --route without snapshots: hop 2 (before its point of no return) undone, killed mid-restore and finished; hop 1 past its point of no return said to be kept; the host as hop 1 left it', { skip }, async () => {
  const h = await host();
  const r9 = await labOf().distro('rocky-9');
  const repos = [...repoArgs(), `rocky-9=${r9.repoDir}`];
  const pesFlags = [`rocky-8=${pes()}`, `rocky-9=${pes()}`];
  const env = { ...h.env, ...bootFiles(), FERRY_E2E_ROOT: h.root, FERRY_E2E_TARGET: 'rocky-9', FERRY_E2E_REPO: repos.join('\n'), FERRY_E2E_PES: pesFlags.join('\n') };
  const transport = createLocalTransport({ root: h.root });
  const planned = await planRoute({ transport, target: 'rocky-9', repos, gpgcheck: false, pes: pesFlags });
  await transport.close();
  // Hop 2's last step before its point of no return: the rpm database already rebuilt (Berkeley DB → sqlite) and
  // the target keys imported into it, the repositories disabled, the packages downloaded.
  const steps = planned.hops[1].plan.steps;
  const ponr = steps.findIndex((s) => s.pointOfNoReturn);
  const keys = steps.findIndex((s) => s.kind === 'import-gpg-keys');
  assert.ok(keys > steps.findIndex((s) => s.kind === 'rpmdb-rebuild') && keys < ponr, steps.map((s) => s.kind).join(' '));
  // Hop 1 completed; the host as it left it.
  assert.ok((await runChild({ ...env, FERRY_E2E_MODE: 'migrate' }, 'gate:2')).killed);
  const afterHop1 = hostState(h.root, h.env);
  // Hop 2 killed once its keys were imported (before its point of no return).
  assert.ok((await runChild({ ...env, FERRY_E2E_MODE: 'resume', FERRY_E2E_STALL_HOP: '2' }, `end:${keys}`)).killed);
  assert.notEqual(hostState(h.root, h.env).rpmdb, afterHop1.rpmdb, 'hop 2 changed the host');
  const killed = await runChild({ ...env, FERRY_E2E_MODE: 'rollback-route' }, 'restore-end:0');
  assert.ok(killed.killed, killed.out);
  const back = await runChild({ ...env, FERRY_E2E_MODE: 'rollback-route' });
  assert.match(back.out, /ROUTE-ROLLBACK 2:rolled-back 1:cannot runs=rocky-8/, back.out);
  assert.deepEqual(hostState(h.root, h.env), afterHop1, 'packages, /etc and the rpm database as hop 1 left them');
  const route = JSON.parse(readFileSync(join(h.root, 'var/lib/ferry/route.json'), 'utf8')) as RouteDocument;
  assert.deepEqual(route.rollback?.hops.map((x) => [x.hop, x.outcome]), [[2, 'rolled-back'], [1, 'cannot']]);
  assert.match(route.rollback?.hops.find((x) => x.hop === 1)?.why ?? '', /passed its point of no return at step .*; the host stays on rocky-8/);
  // Run again (and through the CLI): nothing is restored twice, the same answer, exit ROLLBACK_PAST_PONR.
  const again = await ferry(['rollback', 'local', '--root', h.root, '--route']);
  assert.notEqual(again.code, 0);
  assert.match(again.out, /^Route centos-7 → rocky-8 → rocky-9 rolled back as far as it can be: the host runs rocky-8\n {2}hop 2 \(rocky-8 → rocky-9\): rolled back \(\d+ restored\)\n {2}hop 1 \(centos-7 → rocky-8\): CANNOT be undone: Execution mig-\S+ on local passed its point of no return at step \S+; rollback is refused; the host stays on rocky-8/m, again.out);
  assert.match(again.err, /ROLLBACK_PAST_PONR.*rolled back only to rocky-8: hop 1 \(centos-7 → rocky-8\) passed its point of no return without a snapshot/);
  assert.deepEqual(hostState(h.root, h.env), afterHop1);
  const st = await ferry(['status', 'local', '--root', h.root]);
  assert.match(st.out, /: centos-7 → rocky-8: completed; past the point of no return\n {2}hop 1 of 2 of the route centos-7 → rocky-8 → rocky-9\n {2}ferry rollback --route \(by [^)]+\): hop 2 rolled-back, hop 1 cannot be undone\n/, 'the current execution is hop 1, the one the host is back in');
  const jt = createLocalTransport({ root: h.root });
  const hop2 = await readJournal(jt, route.hops[1].executionId ?? '');
  await jt.close();
  assert.deepEqual(hop2.filter((e) => e.event === 'rollback').map((e) => e.event === 'rollback' && e.phase), ['start', 'start', 'end'], 'hop 2\'s rollback journaled in its execution: killed once, then finished');
  h.dispose();
});

// With a snapshot every hop can be undone past its point of no return: the user-command provider (a cp -a of the
// lab root, run on the controller) snapshots before each hop. The route completes; rollback --route returns the
// host to hop 2's snapshot (Rocky 8), then hop 1's (CentOS 7): identical to before, every hop's journal and the
// route file carried across both restores.
test('CentOS 7 → Rocky 9 with a snapshot per hop: rollback --route undoes hop 2 then hop 1 past their points of no return, each restore through the reboot boundary; the host identical to before, the journals and route file carried across the restores', { skip }, async () => {
  const h = await host();
  const r9 = await labOf().distro('rocky-9');
  const repos = [...repoArgs(), `rocky-9=${r9.repoDir}`];
  const snapDir = mkdtempSync(join(tmpdir(), 'ferry-route-snap-'));
  try {
    const original = hostState(h.root, h.env);
    const snapshot = {
      commands: {
        create: ['sh', '-c', 'cp -a "$FERRY_ROOT" "$1/$FERRY_EXECUTION_ID" && echo "$1/$FERRY_EXECUTION_ID"', 'snap', snapDir],
        restore: ['sh', '-c', 'find "$FERRY_ROOT" -mindepth 1 -maxdepth 1 -exec rm -rf {} + && cp -a "$FERRY_SNAPSHOT_ID/." "$FERRY_ROOT/"'],
        remove: ['rm', '-rf', '--', snapDir],
      },
    };
    const { transport, rebootWait } = labReboots(h.root);
    const run = await migrateRoute({ transport, target: 'rocky-9', repos, gpgcheck: false, pes: [`rocky-8=${pes()}`, `rocky-9=${pes()}`], snapshot, rebootWait });
    assert.deepEqual(run.hops.map((x) => x.result.status), ['completed', 'completed']);
    assert.ok(run.hops.every((x) => x.plan.steps.some((s) => s.kind === 'snapshot' && s.options.provider === 'command')), 'each hop takes its snapshot');
    assert.match(readFileSync(join(h.root, 'etc/os-release'), 'utf8'), /^VERSION_ID="9/m);
    // Through the reboot boundary, as ferry rollback over SSH: each restore reboots the host, the journal and lock
    // carried back into the restored tree before the boundary journals the return.
    const res = await rollbackRoute({ transport, rebootWait });
    assert.deepEqual(res.hops.map((x) => [x.hop, x.outcome, x.restored?.length]), [[2, 'rolled-back', 1], [1, 'rolled-back', 1]]);
    assert.equal(res.complete, true);
    assert.equal(res.runs, 'centos-7');
    assert.deepEqual(hostState(h.root, h.env), original, 'identical to before the route');
    const route = JSON.parse(readFileSync(join(h.root, 'var/lib/ferry/route.json'), 'utf8')) as RouteDocument;
    assert.deepEqual(route.rollback?.hops.map((x) => [x.hop, x.outcome]), [[2, 'rolled-back'], [1, 'rolled-back']], 'the route file carried across hop 1\'s restore');
    for (const hop of route.hops) {
      const entries = await readJournal(transport, hop.executionId ?? '');
      assert.deepEqual(entries.filter((e) => e.event === 'rollback').map((e) => e.event === 'rollback' && e.phase), ['start', 'end'], `${hop.from} → ${hop.to}: its rollback journaled, carried across the restores`);
      const rollbackAt = entries.findIndex((e) => e.event === 'rollback');
      assert.deepEqual(entries.slice(rollbackAt).filter((e) => e.event === 'reboot').map((e) => e.event === 'reboot' && e.phase), ['requested', 'returned'], `${hop.from} → ${hop.to}: its restore rebooted the host, journaled back`);
    }
    assert.equal((await readCurrentExecution(transport))?.executionId, route.hops[0].executionId);
    const again = await rollbackRoute({ transport });
    assert.deepEqual(again.hops.map((x) => x.outcome), ['rolled-back', 'rolled-back'], 'run again: each hop found rolled back, nothing restored twice');
    assert.deepEqual(hostState(h.root, h.env), original);
    await transport.close();
  } finally {
    rmSync(snapDir, { recursive: true, force: true });
    h.dispose();
  }
});
