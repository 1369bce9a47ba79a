// Snapshots for real on Btrfs: a lab host whose root is a Btrfs filesystem on a loop device (test/lab/btrfs.ts:
// what is real and what is simulated), migrated to rocky-8 with the snapshot the plan chose from its facts,
// then rolled back after the point of no return to a host identical to before (package set, /etc, rpm
// database); `ferry finish` removes what the snapshot left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessTools } from '../support/shared.js';
import { finish, migrate, migrationStatus, rollback } from '../../src/app/migrate.js';
import { commandCheck } from '../../src/app/health-gate.js';
import { isFerryError } from '../../src/core/index.js';
import { hostStateDigest } from '../../src/exec/snapshots/state.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { btrfsUnavailable, createBtrfsHost, type BtrfsLabHost } from '../lab/btrfs.js';
import type { LabHost } from '../lab/lab.js';
import type { Transport } from '../../src/transport/types.js';
import { hostSnapshot, sh, useLab } from './helpers.js';

const skip = btrfsUnavailable() || skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'setsid', 'gpg');
const lab = useLab(skip);

/** A CentOS 8 lab host copied onto Btrfs, its transport and the rocky-8 repository; torn down (mounts, loop device) after `fn`, passed or not. */
async function onBtrfsHost(fn: (h: { b: BtrfsLabHost; host: LabHost; transport: Transport; repo: string }) => Promise<void>): Promise<void> {
  const d = await lab().distro('rocky-8');
  const host = await lab().host({ from: 'centos-8' });
  const b = createBtrfsHost(host);
  const transport = createLocalTransport({ root: b.root });
  try {
    await fn({ b, host, transport, repo: `rocky-8=${d.repoDir}` });
  } finally {
    await transport.close();
    b.stop();
    host.dispose();
  }
}

const subvolumes = (root: string): string => spawnSync('btrfs', ['subvolume', 'list', root], { encoding: 'utf8' }).stdout;

test('Btrfs root: migrated to rocky-8 past the point of no return, rolled back to the snapshot, identical to before', { skip }, async () => {
  await onBtrfsHost(async ({ b, host, transport, repo }) => {
    const before = hostSnapshot(b.root, host.env);
    const digest = await hostStateDigest(transport);
    const res = await migrate({ transport, target: 'rocky-8', repos: [repo], gpgcheck: false });
    assert.equal(res.result.status, 'completed');
    assert.ok(res.plan.steps.some((s) => s.kind === 'snapshot' && s.options.provider === 'btrfs'), 'the plan snapshots the Btrfs root');
    assert.equal(sh(['rpm', '--root', b.root, '-q', 'rocky-release'], host.env).status, 0, 'migrated');
    assert.match(subvolumes(b.root), /path ferry-snapshots\/mig-/);
    const st = await migrationStatus({ transport });
    assert.ok(st.status.ponrCrossed);
    assert.equal(st.snapshots?.length, 1, 'status lists the snapshot kept');
    assert.ok((st.snapshots?.[0].exclusiveBytes ?? 0) > 0, `the snapshot holds blocks of its own: ${JSON.stringify(st.snapshots)}`);

    const rb = await rollback({ transport, reboot: b.reboot });
    assert.equal(rb.restored.length, 1, 'only the snapshot is restored');
    assert.deepEqual(hostSnapshot(b.root, host.env), before, 'package set, repo and release files as before');
    assert.deepEqual(await hostStateDigest(transport), digest, '/etc, rpm database and package set digests as before');
    assert.equal(sh(['rpm', '--root', b.root, '-q', 'rocky-release'], host.env).status, 1, 'rocky-release is gone');
    const after = await migrationStatus({ transport });
    assert.equal(after.status.state, 'rolled-back', 'the journal carried onto the snapshot records the rollback');
    const fin = await finish({ transport });
    assert.deepEqual(fin.removed, ['the migrated subvolume root (the host runs on the snapshot)']);
    assert.doesNotMatch(subvolumes(b.root), /path root$/m, 'the migrated subvolume is gone');
    assert.equal((await migrationStatus({ transport })).snapshots, undefined, 'nothing left to list');
    assert.deepEqual((await finish({ transport })).removed, [], 'a second finish has nothing to do');
  });
});

test('Btrfs root: a failing health gate with rollback on failure returns the host to its snapshot; its retention expires what it left', { skip }, async () => {
  await onBtrfsHost(async ({ b, host, transport, repo }) => {
    const before = hostSnapshot(b.root, host.env);
    const week = 7 * 86400;
    const res = await migrate({
      transport, target: 'rocky-8', repos: [repo], gpgcheck: false, reboot: b.reboot, snapshotRetentionSeconds: week,
      // The operator's check: the service's config file must exist after the migration (it does not).
      health: { rollbackOnFailure: true, checks: [commandCheck(transport, ['test', '-e', `${b.root}/etc/acme/service.conf`])] },
    });
    assert.equal(res.result.status, 'completed');
    assert.deepEqual(res.gate?.checks.map((c) => [c.id, c.ok]), [['verification', true], ['workload', true], ['command:test', false]]);
    assert.equal(res.gate?.ok, false);
    assert.equal(res.rolledBack?.restored.length, 1, 'rolled back to the snapshot');
    assert.deepEqual(hostSnapshot(b.root, host.env), before);
    assert.equal((await migrationStatus({ transport })).status.state, 'rolled-back');

    // Retention (time injected): what the snapshot left — the migrated subvolume — stays until its expiry, then goes.
    assert.ok(res.plan.steps.some((s) => s.kind === 'snapshot' && s.options.retentionSeconds === week), 'the plan records the retention');
    const [kept] = (await migrationStatus({ transport })).snapshots ?? [];
    assert.ok(kept?.expiresAt, `status shows the expiry: ${JSON.stringify(kept)}`);
    assert.equal(Date.parse(kept.expiresAt) - Date.parse(kept.createdAt), week * 1000);
    const early = await migrationStatus({ transport, expireAt: new Date(Date.parse(kept.expiresAt) - 1000) });
    assert.equal(early.expired, undefined, 'nothing expired a second before');
    assert.equal(early.snapshots?.length, 1);
    assert.match(subvolumes(b.root), /path root$/m, 'the migrated subvolume is still there');
    const due = await migrationStatus({ transport, expireAt: new Date(kept.expiresAt) });
    assert.deepEqual(due.expired, ['the migrated subvolume root (the host runs on the snapshot)']);
    assert.equal(due.snapshots, undefined, 'status lists nothing left');
    assert.doesNotMatch(subvolumes(b.root), /path root$/m, 'the migrated subvolume is gone');
    assert.deepEqual((await finish({ transport })).removed, [], 'finish has nothing left to remove');
  });
});

test('Btrfs root, the operator reboots: rollback stops with SNAPSHOT_REBOOT_REQUIRED, and after the reboot completes on the snapshot', { skip }, async () => {
  await onBtrfsHost(async ({ b, host, transport, repo }) => {
    const before = hostSnapshot(b.root, host.env);
    await migrate({ transport, target: 'rocky-8', repos: [repo], gpgcheck: false, snapshotRetentionSeconds: 60 });
    await assert.rejects(rollback({ transport }), (e: unknown) => isFerryError(e, 'SNAPSHOT_REBOOT_REQUIRED') && /reboot the host, then run ferry rollback again/i.test(e.hint ?? ''));
    // Unfinished (the rollback waits for the reboot): an expired snapshot is kept, it is what the rollback returns to.
    const unfinished = await migrationStatus({ transport, expireAt: new Date(Date.now() + 86400_000) });
    assert.equal(unfinished.expired, undefined);
    assert.equal(unfinished.snapshots?.length, 1, 'the snapshot is kept while the migration is unfinished');
    assert.equal(sh(['rpm', '--root', b.root, '-q', 'rocky-release'], host.env).status, 0, 'still the migrated system until the reboot');
    await b.reboot();
    assert.equal((await migrationStatus({ transport })).status.state, 'running', 'the snapshot carries the journal with the rollback started');
    const rb = await rollback({ transport });
    assert.equal(rb.restored.length, 1);
    assert.deepEqual(hostSnapshot(b.root, host.env), before);
    assert.equal((await migrationStatus({ transport })).status.state, 'rolled-back');
  });
});

test('user-command provider: a real cp -a of the root as the snapshot, restored after the point of no return', { skip }, async (t) => {
  const d = await lab().distro('rocky-8');
  const host = await lab().host({ from: 'centos-8' });
  const snapDir = mkdtempSync(join(tmpdir(), 'ferry-cmd-snap-'));
  t.after(() => { rmSync(snapDir, { recursive: true, force: true }); host.dispose(); });
  const transport = createLocalTransport({ root: host.root });
  try {
    const before = hostSnapshot(host.root, host.env);
    const snapshot = {
      commands: {
        create: ['sh', '-c', 'cp -a "$FERRY_ROOT" "$1/$FERRY_EXECUTION_ID" && echo "$1/$FERRY_EXECUTION_ID"', 'snap', snapDir],
        restore: ['sh', '-c', 'find "$FERRY_ROOT" -mindepth 1 -maxdepth 1 -exec rm -rf {} + && cp -a "$FERRY_SNAPSHOT_ID/." "$FERRY_ROOT/"'],
        remove: ['rm', '-rf', '--', snapDir],
      },
    };
    const res = await migrate({ transport, target: 'rocky-8', repos: [`rocky-8=${d.repoDir}`], gpgcheck: false, snapshot });
    assert.equal(res.result.status, 'completed');
    assert.ok(res.plan.steps.some((s) => s.kind === 'snapshot' && s.options.provider === 'command'));
    assert.equal(sh(['rpm', '--root', host.root, '-q', 'rocky-release'], host.env).status, 0, 'migrated');
    const rb = await rollback({ transport });
    assert.equal(rb.restored.length, 1);
    assert.deepEqual(hostSnapshot(host.root, host.env), before, 'identical to before');
    assert.equal((await migrationStatus({ transport })).status.state, 'rolled-back');
    assert.equal((await finish({ transport })).removed.length, 1);
    assert.equal(existsSync(snapDir), false, 'the remove command ran');
  } finally {
    await transport.close();
  }
});
