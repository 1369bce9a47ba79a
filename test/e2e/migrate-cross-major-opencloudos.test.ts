// Cross-major to OpenCloudOS as a user without the vendor's PES data meets it: Ferry's catalog has Leapp data for
// AlmaLinux and Rocky only (../shared/data/leapp), so CentOS 7 → OpenCloudOS 8 and OpenCloudOS 8 → 9 are refused
// without an events file (PES_REQUIRED, naming `--pes TARGET=FILE`); with one the operator supplies — here the lab's
// own (test/lab/pes-fixture.ts: events for the lab's packages and the repomap beside them, a lab fixture, not
// OpenCloudOS data) — the lab runs each path end to end, locally and over sshd, and each ends with exactly the
// package set Ferry predicted, rpm -Va and dnf check clean. OpenCloudOS 8 → 9 starts on a Berkeley DB rpm database,
// which the EL9 target's rpm converts to sqlite, as for Rocky 9.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Assessment } from '../../src/assess/types.js';
import { migrate, planMigration } from '../../src/app/migrate.js';
import { migrateRoute, planRoute, type RouteDocument } from '../../src/app/route.js';
import { createRollout, pesFileRefs, rolloutStatus } from '../../src/app/rollout.js';
import { loadCatalog } from '../../src/catalog/index.js';
import { isFerryError, sha256Hex } from '../../src/core/index.js';
import { parseRolloutFlags } from '../../src/fleet/rollout-spec.js';
import { openStore } from '../../src/store/index.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { readCurrentExecution, readJournal } from '../../src/exec/journal.js';
import { labBoot, labReboots } from '../lab/boot.js';
import { applyPrediction } from '../lab/el7-route.js';
import { writeLabLeappData } from '../lab/pes-fixture.js';
import { convertRootToBerkeleyRpmdb } from '../lab/rpmdb-bdb.js';
import type { LabHost } from '../lab/lab.js';
import { skipUnlessTools } from '../support/shared.js';
import { ferry } from './cli.js';
import { hostState, labStore, packageSet, sh, useLab } from './helpers.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'dnf', 'rpm');
const labOf = useLab(skip);
const leapp = (): { pes: string; repomap: string } => writeLabLeappData(mkdtempSync(join(tmpdir(), 'ferry-oc-leapp-')));



function rpmdbFiles(root: string): string[] {
  const dir = join(root, 'var/lib/rpm');
  return readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile()).sort();
}

/** After the run: the predicted set, the target's os-release, dnf check against the target repository, rpm -Va. */
function assertLanded(h: LabHost, expected: string[], targetRepo: Parameters<LabHost['dnfArgs']>[0], id: string): void {
  assert.deepEqual(packageSet(h.root, h.env), expected, 'exactly the package set Ferry predicted');
  assert.match(readFileSync(join(h.root, 'etc/os-release'), 'utf8'), new RegExp(`^ID="${id}"$`, 'm'));
  const check = sh(['dnf', ...h.dnfArgs(targetRepo), 'check'], h.env);
  assert.equal(check.status, 0, `dnf check: ${check.stdout}${check.stderr}`);
  assert.equal(sh(['rpm', '--root', h.root, '-Va'], h.env).stdout, '', 'rpm -Va clean');
}

test('CentOS 7 → OpenCloudOS 8 without the vendor\'s events: ferry plan refuses (PES_REQUIRED, naming --pes opencloudos-8=FILE) and changes nothing; with the operator\'s file it plans the lab\'s events', { skip }, async () => {
  const oc = await labOf().distro('opencloudos-8');
  const h = await labOf().host({ from: 'centos-7' });
  const base = ['plan', 'local', '--root', h.root, '--to', 'opencloudos-8', '--repo', `opencloudos-8=${oc.repoDir}`, '--nogpgcheck'];
  const state = hostState(h.root, h.env);
  const without = await ferry(base);
  assert.equal(without.code, 2, without.err);
  assert.match(without.err, /PES_REQUIRED.*centos-7 → opencloudos-8 is a cross-major upgrade/);
  assert.match(without.err, /--pes opencloudos-8=FILE/);
  assert.match(without.err, /no PES events of opencloudos-8/, 'it says the catalog has none');
  assert.deepEqual(hostState(h.root, h.env), state, 'nothing changed');
  const r = await ferry(['--json', ...base, '--pes', `opencloudos-8=${leapp().pes}`]);
  assert.equal(r.code, 0, r.err);
  const plan = JSON.parse(r.out) as { steps: { kind: string; options: { remove?: string[]; install?: string[] } }[] };
  const up = plan.steps.find((s) => s.kind === 'upgrade-transaction')?.options;
  // The vendor swap (centos-* → opencloudos-*) and the lab's events 9001 (replaced), 9002 (split), 9003 (removed).
  assert.deepEqual(up?.remove, ['centos-indexhtml', 'centos-logos', 'centos-release', 'lab-legacy-utils', 'lab-orphan']);
  assert.deepEqual(up?.install, ['lab-bundle-data', 'lab-utils', 'opencloudos-logos', 'opencloudos-release']);
  // ferry assess predicts the same from the same file: the fates name the lab's events, and the progress the repomap beside them.
  const files = leapp();
  const a = await ferry(['--json', 'assess', '--root', h.root, '--to', 'opencloudos-8', '--repo', `opencloudos-8=${oc.repoDir}`, '--pes', `opencloudos-8=${files.pes}`, '--today', '2026-12-07']);
  assert.equal(a.code, 0, a.err);
  assert.match(a.err, new RegExp(`PES events: ${files.pes} \\(4 events, with the repomap ${files.repomap}\\) applied to opencloudos-8 from 7\\.8 up to 8\\.6`));
  const fates = (JSON.parse(a.out) as Assessment).targets[0].fates;
  const fate = (n: string) => fates.find((f) => f.name === n);
  assert.deepEqual([fate('lab-legacy-utils')?.fate, fate('lab-legacy-utils')?.via, fate('lab-legacy-utils')?.target], ['replaced', 'pes', ['lab-utils-2.0-1.oc8.x86_64']]);
  assert.match(fate('lab-orphan')?.reason ?? '', /PES event 9003 removes lab-orphan/);
  // The events alone, no repomap beside them: refused as Leapp stops without one (REPOMAP_REQUIRED), the host untouched.
  const bare = mkdtempSync(join(tmpdir(), 'ferry-oc-bare-'));
  copyFileSync(leapp().pes, join(bare, 'pes-events.json'));
  const noMap = await ferry([...base, '--pes', `opencloudos-8=${join(bare, 'pes-events.json')}`]);
  assert.equal(noMap.code, 2, noMap.err);
  assert.match(noMap.err, /REPOMAP_REQUIRED.*centos-7 → opencloudos-8: the catalog has no Leapp repomap for this path and none lies beside the PES events given/);
  assert.match(noMap.err, /repomap\.json/);
  // The repomap decides: one that does not map the PESID event 9002 puts lab-bundle-data in leaves it out, named in the notes.
  const partial = leapp();
  const map = JSON.parse(readFileSync(partial.repomap, 'utf8')) as { repositories: { pesid: string }[] };
  writeFileSync(partial.repomap, JSON.stringify({ ...map, repositories: map.repositories.filter((r) => r.pesid !== 'lab-oc8-appstream'),
    mapping: [{ source_major_version: '7', target_major_version: '8', entries: [{ source: 'base', target: ['lab-oc8-baseos'] }] }] }));
  const p2 = JSON.parse((await ferry(['--json', ...base, '--pes', `opencloudos-8=${partial.pes}`])).out) as typeof plan & { notes: string[] };
  assert.ok(!p2.steps.find((s) => s.kind === 'upgrade-transaction')?.options.install?.includes('lab-bundle-data'));
  assert.ok(p2.notes.some((n) => /PES events want lab-bundle-data \(repository lab-oc8-appstream\), whose repository Leapp's repomap for centos-7 → opencloudos-8 does not map/.test(n)), p2.notes.join('\n'));
  assert.deepEqual(hostState(h.root, h.env), state, 'nothing changed');
  h.dispose();
});

test('CentOS 7 → OpenCloudOS 8 with the operator\'s events (in-process, through the offline update\'s reboot): the predicted package set, dnf check and rpm -Va clean', { skip }, async () => {
  const oc = await labOf().distro('opencloudos-8');
  const h = await labOf().host({ from: 'centos-7' });
  const before = packageSet(h.root, h.env);
  const repos = [`opencloudos-8=${oc.repoDir}`];
  const { pes } = leapp();
  const { transport, rebootWait } = labReboots(h.root);
  const { predicted } = await planMigration({ transport, target: 'opencloudos-8', repos, gpgcheck: false, pes });
  assert.ok(predicted?.ok, 'Ferry predicts the cross-major transaction');
  const res = await migrate({ transport, target: 'opencloudos-8', repos, gpgcheck: false, pes, rebootWait });
  await transport.close();
  assert.equal(res.result.status, 'completed');
  assert.ok(res.verify?.ok, JSON.stringify(res.verify?.checks));
  assertLanded(h, applyPrediction(before, predicted.changes), oc, 'opencloudos');
  const after = packageSet(h.root, h.env);
  assert.ok(after.some((p) => p.startsWith('lab-bundle-data-')) && !after.some((p) => /^(lab-orphan|lab-legacy-utils|centos-release)-/.test(p)), after.join('\n'));
  h.dispose();
});

test('CentOS 7 → OpenCloudOS 8 over sshd with the ferry CLI and the operator\'s events: through the reboot into the offline update and back; the predicted package set, dnf check and rpm -Va clean', { skip: skip || skipUnlessTools('sshd', 'pkill', 'setsid') }, async () => {
  const oc = await labOf().distro('opencloudos-8');
  const h = await labOf().sshHost({ from: 'centos-7' });
  try {
    const before = packageSet(h.root, h.env);
    const repos = [`opencloudos-8=${oc.repoDir}`];
    const { pes } = leapp();
    const local = createLocalTransport({ root: h.root });
    const { predicted } = await planMigration({ transport: local, target: 'opencloudos-8', repos, gpgcheck: false, pes });
    await local.close();
    assert.ok(predicted?.ok);
    const dir = mkdtempSync(join(tmpdir(), 'ferry-oc-ssh-'));
    const bootIdFile = join(dir, 'boot_id');
    writeFileSync(bootIdFile, `${randomUUID()}\n`);
    const boot = labBoot({ dir, root: h.root, bootIdFile, sshdPid: h.sshd.pid });
    const host = [`root@127.0.0.1:${h.port}`, '--root', h.root, '-i', h.privateKeyPath, '--known-hosts', h.knownHostsPath,
      '--reboot-command', JSON.stringify(['sh', boot.script]), '--boot-id-file', bootIdFile, '--reboot-timeout', '1m'];
    const r = await ferry(['migrate', ...host, '--yes', '--to', 'opencloudos-8', '--repo', repos[0], '--pes', `opencloudos-8=${pes}`, '--nogpgcheck']);
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    assertLanded(h, applyPrediction(before, predicted.changes), oc, 'opencloudos');
    assert.deepEqual(boot.boots().map((b) => [b.target, b.lines.filter((l) => l.startsWith('start '))]), [['system-update.target', ['start ferry-offline-update.service']], ['default.target', []]]);
    const t = createLocalTransport({ root: h.root });
    const id = (await readCurrentExecution(t))?.executionId ?? '';
    assert.deepEqual((await readJournal(t, id)).filter((e) => e.event === 'reboot').map((e) => e.phase), ['requested', 'returned']);
    await t.close();
  } finally {
    await h.stop();
  }
});

test('OpenCloudOS 8 (rpm database in Berkeley DB) → OpenCloudOS 9 with the operator\'s events: libidn removed by the lab\'s event, the database converted to sqlite by the target\'s rpm; the predicted package set, dnf check and rpm -Va clean', { skip: skip || skipUnlessTools('db5.3_load') }, async () => {
  const oc9 = await labOf().distro('opencloudos-9');
  const h = await labOf().host({ from: 'opencloudos-8', extras: ['libidn'] });
  convertRootToBerkeleyRpmdb(h.root);
  assert.ok(rpmdbFiles(h.root).includes('Packages') && !rpmdbFiles(h.root).some((f) => f.startsWith('rpmdb.sqlite')), rpmdbFiles(h.root).join(', '));
  const before = packageSet(h.root, h.env);
  const repos = [`opencloudos-9=${oc9.repoDir}`];
  const { pes } = leapp();
  const without = await ferry(['plan', 'local', '--root', h.root, '--to', 'opencloudos-9', '--repo', repos[0], '--nogpgcheck']);
  assert.equal(without.code, 2, without.err);
  assert.match(without.err, /PES_REQUIRED.*opencloudos-8 → opencloudos-9.*[\s\S]*--pes opencloudos-9=FILE/);
  const { transport, rebootWait } = labReboots(h.root);
  const { plan, predicted, findings } = await planMigration({ transport, target: 'opencloudos-9', repos, gpgcheck: false, pes });
  assert.ok(predicted?.ok);
  assert.deepEqual(findings.find((f) => f.key === 'rpmdb-conversion')?.details, { from: 'bdb', to: 'sqlite' });
  const up = plan.steps.find((s) => s.kind === 'upgrade-transaction');
  assert.ok(up?.kind === 'upgrade-transaction' && up.options.remove.includes('libidn') && up.options.dnf.releasever === '9', JSON.stringify(up?.options));
  const kinds = plan.steps.map((s) => s.kind);
  assert.equal(kinds.indexOf('rpmdb-rebuild'), kinds.indexOf('upgrade-transaction') - 2, kinds.join(' '));
  const res = await migrate({ transport, target: 'opencloudos-9', repos, gpgcheck: false, pes, rebootWait });
  await transport.close();
  assert.equal(res.result.status, 'completed');
  assert.ok(res.verify?.ok, JSON.stringify(res.verify?.checks));
  const files = rpmdbFiles(h.root);
  assert.ok(files.includes('rpmdb.sqlite') && !files.includes('Packages'), `sqlite, no Berkeley DB file left: ${files.join(', ')}`);
  assertLanded(h, applyPrediction(before, predicted.changes), oc9, 'opencloudos');
  assert.ok(!packageSet(h.root, h.env).some((p) => p.startsWith('libidn-')));
  h.dispose();
});

test('CentOS 7 → OpenCloudOS 9 as one route (7 → OpenCloudOS 8 → 9) on one operator data directory (a bare --pes serves both hops): hop 2 gated on hop 1\'s predicted, then collected end state; the package set predicted before hop 1, dnf check and rpm -Va clean', { skip }, async () => {
  const oc8 = await labOf().distro('opencloudos-8');
  const oc9 = await labOf().distro('opencloudos-9');
  const h = await labOf().host({ from: 'centos-7', extras: ['libidn'] });
  const repos = [`opencloudos-8=${oc8.repoDir}`, `opencloudos-9=${oc9.repoDir}`];
  const { pes } = leapp();
  const before = packageSet(h.root, h.env);
  const { transport, rebootWait } = labReboots(h.root);
  // Hop 2's events without a repomap beside them: the route is refused before anything runs, naming the hop.
  const bare = join(mkdtempSync(join(tmpdir(), 'ferry-oc-bare-')), 'pes-events.json');
  copyFileSync(pes, bare);
  await assert.rejects(planRoute({ transport, target: 'opencloudos-9', repos, gpgcheck: false, pes: [`opencloudos-8=${pes}`, `opencloudos-9=${bare}`] }),
    (e: unknown) => isFerryError(e, 'REPOMAP_REQUIRED') && /^Hop 2 of 2 \(opencloudos-8 → opencloudos-9\): opencloudos-8 → opencloudos-9: the catalog has no Leapp repomap/.test(e.message));
  const planned = await planRoute({ transport, target: 'opencloudos-9', repos, gpgcheck: false, pes: [pes] });
  assert.deepEqual(planned.hops.map((x) => [x.plan.source, x.plan.target]), [['centos-7', 'opencloudos-8'], ['opencloudos-8', 'opencloudos-9']]);
  const [p1, p2] = planned.hops.map((x) => x.predicted);
  assert.ok(p1?.ok && p2?.ok, 'both hops predicted');
  const up2 = planned.hops[1].plan.steps.find((s) => s.kind === 'upgrade-transaction');
  assert.ok(up2?.kind === 'upgrade-transaction' && up2.options.remove.includes('libidn'), 'hop 2 takes event 9101 from the same file');
  const res = await migrateRoute({ transport, target: 'opencloudos-9', repos, gpgcheck: false, pes: [pes], rebootWait });
  await transport.close();
  assert.deepEqual(res.hops.map((x) => x.result.status), ['completed', 'completed']);
  assertLanded(h, applyPrediction(applyPrediction(before, p1.changes), p2.changes), oc9, 'opencloudos');
  assert.match(readFileSync(join(h.root, 'etc/os-release'), 'utf8'), /^VERSION_ID="9/m);
  const route = JSON.parse(readFileSync(join(h.root, 'var/lib/ferry/route.json'), 'utf8')) as RouteDocument;
  assert.deepEqual(route.gates.map((g) => [g.hop, g.on, g.ok, g.unexpected, g.missing]), [[2, 'predicted', true, [], []], [2, 'collected', true, [], []]]);
  h.dispose();
});

test('CentOS 7 → OpenCloudOS 8 as a rollout over sshd: refused without the repomap beside the events (REPOMAP_REQUIRED); with it, the file recorded by the digest of both, ferry worker migrates the host across the offline update\'s reboot; the predicted package set', { skip: skip || skipUnlessTools('sshd', 'pkill', 'setsid') }, async () => {
  const oc = await labOf().distro('opencloudos-8');
  const h = await labOf().sshHost({ from: 'centos-7' });
  const dir = mkdtempSync(join(tmpdir(), 'ferry-oc-rollout-'));
  try {
    const repos = [`opencloudos-8=${oc.repoDir}`];
    const data = leapp();
    const local = createLocalTransport({ root: h.root });
    const { predicted } = await planMigration({ transport: local, target: 'opencloudos-8', repos, gpgcheck: false, pes: data.pes });
    await local.close();
    assert.ok(predicted?.ok);
    const before = packageSet(h.root, h.env);
    const db = join(dir, 'ferry.db');
    const store = await labStore(db, [h], { prefix: 'el7-oc', labels: { source: 'centos-7' } });
    const spec = parseRolloutFlags({});
    const bare = join(mkdtempSync(join(tmpdir(), 'ferry-oc-bare-')), 'pes-events.json');
    copyFileSync(data.pes, bare);
    await assert.rejects(createRollout({ store, selector: 'web', target: 'opencloudos-8', spec, repos, gpgcheck: false, pes: [`opencloudos-8=${bare}`] }), /REPOMAP_REQUIRED|no Leapp repomap/);
    const { rollout } = await createRollout({ store, selector: 'web', target: 'opencloudos-8', spec, repos, gpgcheck: false, pes: [`opencloudos-8=${data.pes}`], start: true });
    // Recorded by the digest of the events and the repomap beside them: a worker refuses either changed (PES_CHANGED).
    assert.deepEqual(pesFileRefs(loadCatalog(), [`opencloudos-8=${data.pes}`]).map((r) => r.sha256),
      [sha256Hex(Buffer.concat([readFileSync(data.pes), Buffer.from([0]), readFileSync(data.repomap)]))]);
    await store.close();
    const bootIdFile = join(dir, 'boot_id');
    writeFileSync(bootIdFile, `${randomUUID()}\n`);
    const script = labBoot({ dir, root: h.root, bootIdFile, sshdPid: h.sshd.pid }).script;
    const w = await ferry(['worker', '--store', db, '--exit-when-idle', '--known-hosts', h.knownHostsPath,
      '--reboot-command', JSON.stringify(['sh', script]), '--boot-id-file', bootIdFile, '--reboot-timeout', '1m']);
    assert.equal(w.code, 0, `${w.out}\n${w.err}`);
    const check = openStore(db);
    try {
      const status = await rolloutStatus({ store: check, rolloutId: rollout.id });
      assert.deepEqual([status.rollout.state, ...status.hosts.map((x) => [x.hostName, x.state])], ['completed', ['el7-oc1', 'succeeded']], JSON.stringify(status.hosts));
    } finally {
      await check.close();
    }
    assertLanded(h, applyPrediction(before, predicted.changes), oc, 'opencloudos');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await h.stop();
  }
});
