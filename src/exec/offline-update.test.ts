import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalTransport } from '../transport/local.js';
import { silentLogger } from '../core/index.js';
import { offlineUpdateArmed, readOfflineResult, scheduleOfflineUpdate, unscheduleOfflineUpdate, updateUnit } from './offline-update.js';
import type { StepContext } from './types.js';

const base = mkdtempSync(join(tmpdir(), 'ferry-offline-'));
process.on('exit', () => rmSync(base, { recursive: true, force: true }));
let n = 0;

function context(): { root: string; ctx: StepContext } {
  const root = join(base, String(++n));
  const transport = createLocalTransport({ root });
  const ctx = { transport, executionId: 'mig-offline', attempt: 1, stateDir: '/var/lib/ferry/mig-offline', register: () => Promise.resolve(), output: () => undefined, log: silentLogger } as unknown as StepContext;
  execFileSync('mkdir', ['-p', join(root, 'var/lib/ferry/mig-offline')]);
  return { root, ctx };
}

/** Runs the unit's script as systemd would in system-update.target (below the root, systemctl recorded). */
function runUnit(root: string): string {
  const unit = readFileSync(join(root, 'etc/systemd/system/system-update.target.wants/ferry-offline-update.service'), 'utf8');
  const script = /^ExecStart=\/bin\/sh (\S+)$/m.exec(unit)?.[1] ?? '';
  const bin = join(root, '..', `bin-${n}`);
  execFileSync('mkdir', ['-p', bin]);
  writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\necho "systemctl $*" >> "${bin}/calls"\n`, { mode: 0o755 });
  rmSync(join(bin, 'calls'), { force: true });
  execFileSync('sh', [join(root, script)], { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } });
  return existsSync(join(bin, 'calls')) ? readFileSync(join(bin, 'calls'), 'utf8') : '';
}

test('the offline update: armed (/system-update → its dir, the unit wanted by system-update.target), the script removes the link, runs the argv, records its status and log, reboots', async () => {
  const { root, ctx } = context();
  await scheduleOfflineUpdate(ctx, ['sh', '-c', 'echo "running $1"; echo done >"$2"', 'sh', 'arg with space', join(root, 'ran')]);
  assert.equal(await offlineUpdateArmed(ctx), true);
  assert.equal(readlinkSync(join(root, 'system-update')), '/var/lib/ferry/mig-offline/offline');
  assert.equal(readlinkSync(join(root, 'etc/systemd/system/system-update.target.wants/ferry-offline-update.service')), '../ferry-offline-update.service');
  const unit = readFileSync(join(root, 'etc/systemd/system/ferry-offline-update.service'), 'utf8');
  for (const line of ['ConditionPathExists=/system-update', 'DefaultDependencies=no', 'Requires=sysinit.target', 'After=sysinit.target systemd-journald.socket system-update-pre.target',
    'Before=shutdown.target system-update.target', 'OnFailure=ferry-offline-update-cleanup.service', 'Type=oneshot', 'ExecStart=/bin/sh /var/lib/ferry/mig-offline/offline/update.sh']) assert.ok(unit.split('\n').includes(line), line);
  assert.deepEqual((await readOfflineResult(ctx)).state, 'none', 'nothing ran yet');
  assert.equal(runUnit(root), 'systemctl reboot\n');
  assert.throws(() => lstatSync(join(root, 'system-update')), /ENOENT/);
  assert.equal(readFileSync(join(root, 'ran'), 'utf8'), 'done\n', 'the argv ran with its arguments intact');
  assert.deepEqual(await readOfflineResult(ctx), { state: 'ok', logTail: 'running arg with space' });
  assert.equal(await offlineUpdateArmed(ctx), false);
  await unscheduleOfflineUpdate(ctx);
  assert.ok(!existsSync(join(root, 'etc/systemd/system/ferry-offline-update.service')));
  await ctx.transport.close();
});

test('the offline update: a failing transaction leaves its status and output; re-armed, the earlier result is kept aside; another tool\'s /system-update is left alone', async () => {
  const { root, ctx } = context();
  await scheduleOfflineUpdate(ctx, ['sh', '-c', 'echo "Error: no repository"; exit 3']);
  runUnit(root);
  assert.deepEqual(await readOfflineResult(ctx), { state: 'failed', code: '3', logTail: 'Error: no repository' });
  await scheduleOfflineUpdate(ctx, ['true']);
  assert.deepEqual((await readOfflineResult(ctx)).state, 'none');
  assert.equal(readFileSync(join(root, 'var/lib/ferry/mig-offline/offline/result.prev'), 'utf8'), '3\n');
  // Another tool's update armed /system-update: Ferry's script exits quietly and leaves it.
  execFileSync('ln', ['-sfn', '/var/lib/dnf/system-upgrade', join(root, 'system-update')]);
  assert.equal(runUnit(root), '', 'no reboot asked: not its update');
  assert.equal(readlinkSync(join(root, 'system-update')), '/var/lib/dnf/system-upgrade');
  assert.deepEqual((await readOfflineResult(ctx)).state, 'none');
  assert.throws(() => updateUnit('/var/lib/ferry/x y/update.sh'), /plain absolute path/);
  await ctx.transport.close();
});
