// LVM snapshots end to end over a real sshd. LVM WAS NOT RUN HERE: this machine has no device-mapper, so lvm2's
// commands are scripts on the lab host's PATH that print captured real lvs output and record their argv
// (test/lab/lvm.ts says what is simulated). What is Ferry's, for real: the storage facts read over SSH, the plan
// choosing LVM and refusing short space with the VG's figures, the exact argv of lvcreate, lvconvert and
// lvremove, the journal carried into the root's snapshot, the reboot boundary, and the check that the host is
// the one from before (package set, /etc, rpm database digests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessTools } from '../support/shared.js';
import { finish, migrate, migrationStatus, planMigration, rollback } from '../../src/app/migrate.js';
import { isFerryError } from '../../src/core/index.js';
import { readJournal } from '../../src/exec/journal.js';
import { hostStateDigest } from '../../src/exec/snapshots/state.js';
import { connectSsh } from '../../src/transport/ssh.js';
import type { Transport } from '../../src/transport/types.js';
import { createLvmLab, type LvmLab, type LvmLayout } from '../lab/lvm.js';
import type { LabSshHost } from '../lab/lab.js';
import { ferry } from './cli.js';
import { hostSnapshot, sh, useLab } from './helpers.js';

const skip = (process.getuid?.() !== 0 ? 'the LVM lab host needs root (a mount namespace for sshd)' : false)
  || skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'sshd', 'setsid', 'gpg', 'pkill', 'unshare');
const lab = useLab(skip);
const GiB = 2 ** 30;

interface Rig { h: LabSshHost; lvm: LvmLab; transport: Transport; repo: string; before: Record<string, string>; reconnect(): Promise<Transport> }

/** A CentOS 8 lab host behind sshd whose / (and with `boot`, /boot) the lab's lvm2 scripts show as LVs of `pool`. */
async function onLvmHost(o: { boot: boolean; vgFree?: number; vgFreeNext?: number; layout?: LvmLayout }, fn: (r: Rig) => Promise<void>): Promise<void> {
  const d = await lab().distro('rocky-8');
  const lvm = createLvmLab({ boot: o.boot, ...(o.layout ? { layout: o.layout } : {}) });
  if (o.vgFree !== undefined) lvm.setVgFree(o.vgFree, o.vgFreeNext);
  const h = await lab().sshHost({ from: 'centos-8' }, lvm.sshd);
  lvm.setRoot(h.root);
  mkdirSync(join(h.root, 'boot'), { recursive: true });
  const connect = (): Promise<Transport> => connectSsh({ host: h.host, port: h.port, user: 'root', root: h.root, sshConfigPath: false,
    auth: { identityFiles: [h.privateKeyPath], agent: false }, knownHostsFiles: [h.knownHostsPath] });
  const open: Transport[] = [await connect()];
  const reconnect = async (): Promise<Transport> => { open.push(await connect()); return open[open.length - 1]; };
  try {
    await fn({ h, lvm, transport: open[0], repo: `rocky-8=${d.repoDir}`, before: hostSnapshot(h.root, h.env), reconnect });
  } finally {
    for (const t of open) await t.close().catch(() => undefined);
    await h.stop();
    lvm.dispose();
  }
}

/** lvm2's commands in the log (the lab's `mount` of a snapshot and the reboot too), the execution's short id as `ID`. */
const lvmLog = (lvm: LvmLab, executionId: string): string[] => lvm.log().map((l) => l.replaceAll(executionId.split('-').pop() ?? '?', 'ID'));
const LVS = 'lvs --reportformat json --units b --nosuffix -o lv_name,vg_name,lv_attr,lv_size,pool_lv,origin,data_percent,lv_dm_path';
const VGS = 'vgs --reportformat json --units b --nosuffix -o vg_name,vg_size,vg_free,vg_extent_size';

test('LVM root over SSH: the plan snapshots pool/root_empty, the migration keeps it, ferry finish removes it (exact argv)', { skip }, async () => {
  await onLvmHost({ boot: false, vgFree: 60 * GiB }, async ({ h, lvm, transport, repo }) => {
    const res = await migrate({ transport, target: 'rocky-8', repos: [repo], gpgcheck: false });
    assert.equal(res.result.status, 'completed');
    const step = res.plan.steps.find((s) => s.kind === 'snapshot');
    assert.deepEqual(step?.kind === 'snapshot' ? step.options : undefined, { provider: 'lvm', commands: null, retentionSeconds: null, volumes: [{ lv: 'pool/root_empty', mount: '/', fstype: 'xfs' }] });
    assert.equal(sh(['rpm', '--root', h.root, '-q', 'rocky-release'], h.env).status, 0, 'migrated');
    const id = res.result.executionId;
    assert.deepEqual(lvm.snapshots(), [`ferry-${id.split('-').pop()}-root_empty`]);
    const st = await migrationStatus({ transport });
    assert.deepEqual(st.snapshots?.map((s) => [s.provider, s.name]), [['lvm', `pool/ferry-${id.split('-').pop()}-root_empty`]], 'status lists the snapshot kept');
    const fin = await finish({ transport });
    assert.deepEqual(fin.removed, [`LVM snapshot pool/ferry-${id.split('-').pop()}-root_empty`]);
    assert.deepEqual(lvm.snapshots(), [], 'nothing left in the volume group');
    assert.deepEqual(lvmLog(lvm, id), [
      LVS, VGS, // the storage facts
      LVS, VGS, // the snapshot step, just before lvcreate
      'lvcreate --snapshot --name ferry-ID-root_empty --size 53687091200b pool/root_empty',
      'lvs --noheadings -o lv_name pool/ferry-ID-root_empty', // finish: still there?
      'lvremove -y pool/ferry-ID-root_empty',
    ]);
    assert.deepEqual((await finish({ transport })).removed, [], 'a second finish has nothing to do');
  });
});

test('LVM root over SSH: rollback after the point of no return merges the snapshot, reboots through the boundary, and the host is the one from before', { skip }, async () => {
  await onLvmHost({ boot: false, vgFree: 60 * GiB }, async ({ h, lvm, transport: first, repo, before, reconnect }) => {
    const digest = await hostStateDigest(first);
    const res = await migrate({ transport: first, target: 'rocky-8', repos: [repo], gpgcheck: false });
    assert.equal(res.result.status, 'completed');
    assert.ok((await migrationStatus({ transport: first })).status.ponrCrossed);
    const id = res.result.executionId;
    const dir = mkdtempSync(join(tmpdir(), 'ferry-lvm-boot-'));
    const bootIdFile = join(dir, 'boot_id');
    writeFileSync(bootIdFile, `${randomUUID()}\n`);
    const script = lvm.rebootScript({ sshdPid: h.sshd.pid, bootIdFile, downSeconds: 3 });
    const rb = await ferry(['rollback', `root@127.0.0.1:${h.port}`, '--root', h.root, '-i', h.privateKeyPath, '--known-hosts', h.knownHostsPath,
      '--reboot-command', JSON.stringify(['sh', script]), '--boot-id-file', bootIdFile, '--reboot-timeout', '2m']);
    assert.equal(rb.code, 0, rb.err);
    console.log(`LVM rollback over SSH → ${rb.out.trim()}`);
    const transport = await reconnect(); // the reboot dropped every connection
    assert.deepEqual(hostSnapshot(h.root, h.env), before, 'package set, repo and release files as before');
    assert.deepEqual(await hostStateDigest(transport), digest, '/etc, rpm database and package set digests as before');
    assert.equal(sh(['rpm', '--root', h.root, '-q', 'rocky-release'], h.env).status, 1, 'rocky-release is gone');
    const st = await migrationStatus({ transport });
    assert.equal(st.status.state, 'rolled-back', 'the journal carried into the snapshot records the rollback');
    const reboots = (await readJournal(transport, id)).filter((e) => e.event === 'reboot').map((e) => e.phase);
    assert.deepEqual(reboots, ['requested', 'returned']);
    const fin = await finish({ transport });
    assert.deepEqual(fin.removed, [`nothing of the LVM snapshots pool/ferry-${id.split('-').pop()}-root_empty (merged by the rollback)`]);
    const mountPoint = `${h.root}/run/ferry/lvm-${id}`;
    assert.deepEqual(lvmLog(lvm, id), [
      LVS, VGS, LVS, VGS,
      'lvcreate --snapshot --name ferry-ID-root_empty --size 53687091200b pool/root_empty',
      'lvs --noheadings -o lv_name pool/ferry-ID-root_empty', // rollback: still to merge?
      `mount -o nouuid -- /dev/mapper/pool-ferry--ID--root_empty ${mountPoint.replaceAll(id.split('-').pop() ?? '?', 'ID')}`, // the journal carried into it (xfs: nouuid)
      'lvconvert --merge pool/ferry-ID-root_empty',
      'reboot',
      'lvs --noheadings -o lv_name pool/ferry-ID-root_empty', // finish: merged, gone
    ]);
    assert.deepEqual(lvm.snapshots(), []);
  });
});

test('LVM on a captured lvs/vgs pair (liteio, one real host): the plan sizes the snapshot from its reports, rollback after the point of no return returns the host', { skip }, async () => {
  // Both reports are that host's own output (src/exec/snapshots/fixtures/README.md): its VG obnvmf-vg has
  // 2638179467264 bytes free (628991 extents of 4 MiB), its only LV testlv 1073741824 bytes. No figure here is the test's.
  await onLvmHost({ boot: false, layout: 'liteio' }, async ({ h, lvm, transport: first, repo, before, reconnect }) => {
    const digest = await hostStateDigest(first);
    const plan = await planMigration({ transport: first, target: 'rocky-8', repos: [repo], gpgcheck: false });
    const step = plan.plan.steps.find((s) => s.kind === 'snapshot');
    assert.deepEqual(step?.kind === 'snapshot' ? step.options.volumes : undefined, [{ lv: 'obnvmf-vg/testlv', mount: '/', fstype: 'xfs' }]);
    const res = await migrate({ transport: first, target: 'rocky-8', repos: [repo], gpgcheck: false });
    assert.equal(res.result.status, 'completed');
    const id = res.result.executionId;
    const dir = mkdtempSync(join(tmpdir(), 'ferry-lvm-boot-'));
    const bootIdFile = join(dir, 'boot_id');
    writeFileSync(bootIdFile, `${randomUUID()}\n`);
    const rb = await ferry(['rollback', `root@127.0.0.1:${h.port}`, '--root', h.root, '-i', h.privateKeyPath, '--known-hosts', h.knownHostsPath,
      '--reboot-command', JSON.stringify(['sh', lvm.rebootScript({ sshdPid: h.sshd.pid, bootIdFile, downSeconds: 2 })]), '--boot-id-file', bootIdFile, '--reboot-timeout', '2m']);
    assert.equal(rb.code, 0, rb.err);
    const transport = await reconnect();
    assert.deepEqual(hostSnapshot(h.root, h.env), before, 'package set, repo and release files as before');
    assert.deepEqual(await hostStateDigest(transport), digest, '/etc, rpm database and package set digests as before');
    assert.equal((await migrationStatus({ transport })).status.state, 'rolled-back');
    const mountPoint = `${h.root}/run/ferry/lvm-${id}`.replaceAll(id.split('-').pop() ?? '?', 'ID');
    assert.deepEqual(lvmLog(lvm, id), [
      LVS, VGS, // ferry plan
      LVS, VGS, LVS, VGS, // ferry migrate: the storage facts, then the snapshot step just before lvcreate
      'lvcreate --snapshot --name ferry-ID-testlv --size 1073741824b obnvmf-vg/testlv',
      'lvs --noheadings -o lv_name obnvmf-vg/ferry-ID-testlv',
      `mount -o nouuid -- /dev/mapper/obnvmf--vg-ferry--ID--testlv ${mountPoint}`, // lvm2's node name: the VG's hyphen doubled
      'lvconvert --merge obnvmf-vg/ferry-ID-testlv',
      'reboot',
    ]);
    assert.deepEqual(lvm.snapshots(), []);
  });
});

test('LVM root: too little free space in the VG refuses the plan with its figures, or the step before lvcreate; nothing made, the host unchanged', { skip }, async () => {
  await onLvmHost({ boot: false, vgFree: 40 * GiB }, async ({ h, lvm, transport, repo, before }) => {
    await assert.rejects(migrate({ transport, target: 'rocky-8', repos: [repo], gpgcheck: false }), (e: unknown) => {
      assert.ok(isFerryError(e, 'SNAPSHOT_NO_SPACE'), String(e));
      assert.match(e.message, /^The volume group pool of .* has 40960 MiB free, but snapshots kept through the migration need 51200 MiB/);
      assert.match(e.hint ?? '', /vgextend.*--snapshot none/);
      return true;
    });
    assert.deepEqual(lvm.log(), [LVS, VGS], 'only the facts ran lvm2');
    // The VG shrinks between the facts and the step (60 GiB, then 40): the step refuses before any lvcreate.
    lvm.setVgFree(60 * GiB, 40 * GiB);
    await assert.rejects(migrate({ transport, target: 'rocky-8', repos: [repo], gpgcheck: false }), (e: unknown) => {
      assert.ok(e instanceof Error && /The volume group pool of .* has 40960 MiB free, but snapshots kept through the migration need 51200 MiB/.test(e.message), String(e));
      return true;
    });
    assert.deepEqual(lvm.log().slice(2), [LVS, VGS, LVS, VGS], 'facts, then the step: no lvcreate');
    assert.deepEqual(lvm.snapshots(), []);
    assert.deepEqual(hostSnapshot(h.root, h.env), before, 'the host is unchanged');
    assert.equal((await migrationStatus({ transport })).status.state, 'failed');
    // The operator's way out, as for every provider: --snapshot none plans without one, the reason in a note.
    lvm.setVgFree(40 * GiB);
    const { plan } = await planMigration({ transport, target: 'rocky-8', repos: [repo], gpgcheck: false, snapshot: 'none' });
    assert.equal(plan.steps.some((s) => s.kind === 'snapshot'), false);
    assert.ok(plan.notes.includes('no snapshot (--snapshot none): rollback is refused past the point of no return'), plan.notes.join('; '));
  });
});

test('LVM / and /boot: the second lvcreate fails → the first snapshot is removed, none left, the host unchanged', { skip }, async () => {
  await onLvmHost({ boot: true, vgFree: 60 * GiB }, async ({ h, lvm, transport, repo, before }) => {
    lvm.failCreate('verity_empty');
    let id = '';
    await assert.rejects(migrate({ transport, target: 'rocky-8', repos: [repo], gpgcheck: false }), (e: unknown) => {
      assert.ok(e instanceof Error, String(e));
      assert.match(e.message, /lvcreate of the snapshot pool\/ferry-(\w+)-verity_empty on .* failed \(exit 5\): +Volume group "pool" has insufficient free space .*; removed the snapshots made before it \(pool\/ferry-\w+-root_empty\)/);
      id = /ferry-(\w+)-verity_empty/.exec(e.message)?.[1] ?? '';
      return true;
    });
    assert.deepEqual(lvm.log().map((l) => l.replaceAll(id, 'ID')), [
      LVS, VGS, LVS, VGS,
      'lvcreate --snapshot --name ferry-ID-root_empty --size 53687091200b pool/root_empty',
      'lvcreate --snapshot --name ferry-ID-verity_empty --size 6442450944b pool/verity_empty',
      'lvremove -y pool/ferry-ID-root_empty',
    ]);
    assert.deepEqual(lvm.snapshots(), [], 'no snapshot left behind');
    assert.deepEqual(hostSnapshot(h.root, h.env), before, 'the host is unchanged');
    assert.equal(sh(['rpm', '--root', h.root, '-q', 'centos-release'], h.env).status, 0, 'still CentOS');
    const st = await migrationStatus({ transport });
    assert.equal(st.status.state, 'failed');
    assert.equal(st.status.restorables.some((r) => r.kind === 'snapshot'), false, 'no snapshot journaled');
  });
});

test('LVM root, the operator reboots: rollback requests the merge and stops with SNAPSHOT_REBOOT_REQUIRED; after the reboot, rollback again completes', { skip }, async () => {
  await onLvmHost({ boot: false, vgFree: 60 * GiB }, async ({ h, lvm, transport: first, repo, before, reconnect }) => {
    const res = await migrate({ transport: first, target: 'rocky-8', repos: [repo], gpgcheck: false });
    assert.equal(res.result.status, 'completed');
    const id = res.result.executionId;
    await assert.rejects(rollback({ transport: first }), (e: unknown) => isFerryError(e, 'SNAPSHOT_REBOOT_REQUIRED') && /merged when the volumes activate/.test(e.message));
    assert.deepEqual(lvmLog(lvm, id).slice(-2), [`mount -o nouuid -- /dev/mapper/pool-ferry--ID--root_empty ${h.root}/run/ferry/lvm-${id}`.replaceAll(id.split('-').pop() ?? '?', 'ID'), 'lvconvert --merge pool/ferry-ID-root_empty']);
    assert.equal(sh(['rpm', '--root', h.root, '-q', 'rocky-release'], h.env).status, 0, 'still the migrated system until the reboot');
    // The operator reboots (the lab's reboot, run by hand): lvm2 merges at activation.
    const dir = mkdtempSync(join(tmpdir(), 'ferry-lvm-boot-'));
    const bootIdFile = join(dir, 'boot_id');
    writeFileSync(bootIdFile, 'old\n');
    sh(['sh', lvm.rebootScript({ sshdPid: h.sshd.pid, bootIdFile, downSeconds: 1 })], h.env);
    for (let i = 0; i < 100 && readFileSync(bootIdFile, 'utf8') === 'old\n'; i++) await new Promise((r) => setTimeout(r, 200));
    assert.notEqual(readFileSync(bootIdFile, 'utf8'), 'old\n', 'the lab host rebooted');
    const transport = await reconnect();
    assert.equal((await migrationStatus({ transport })).status.state, 'running', 'the snapshot carries the journal with the rollback started');
    const rb = await rollback({ transport });
    assert.equal(rb.restored.length, 1);
    assert.deepEqual(hostSnapshot(h.root, h.env), before, 'identical to before');
    assert.equal((await migrationStatus({ transport })).status.state, 'rolled-back');
    assert.equal(lvmLog(lvm, id).at(-1), 'lvs --noheadings -o lv_name pool/ferry-ID-root_empty', 'the second rollback finds the snapshot merged and only checks the host');
  });
});
