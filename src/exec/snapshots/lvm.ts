/**
 * The LVM snapshot provider: `lvcreate --snapshot` of each logical volume the plan named (/ and, when on LVM,
 * /boot), after the free-space rule on `lvs`/`vgs` run again just before (src/plan/lvm-snapshot.ts, the rule the
 * plan asked of the facts); a create that fails removes the snapshots it made. Returning to them: the journal is
 * carried into the root volume's snapshot (mounted at a private mount point), `lvconvert --merge` of each —
 * for an origin in use lvm2 defers the merge to its next activation (lvconvert(8)) — and the reboot. A
 * snapshot lvs no longer shows has been merged. Removing them: `lvremove -y`. All argv, never a shell string.
 *
 * This machine has no device-mapper: these commands were not run here; they are tested against captured real
 * lvs output (src/exec/snapshots/fixtures) and, end to end, against scripts that print it (test/e2e/snapshot-lvm.test.ts).
 */
import { posix } from 'node:path';
import { FerryError } from '../../core/index.js';
import { lvDmPath, LVS_ARGV, parseLvs, parseVgs, VGS_ARGV, type LvmReports } from '../../facts/lvm.js';
import { planLvmSnapshot } from '../../plan/lvm-snapshot.js';
import type { LvmVolumeSpec } from '../../plan/steps/index.js';
import type { Transport } from '../../transport/types.js';
import { hostPath, runChecked } from '../journal.js';
import type { RestoreContext } from '../types.js';
import { putJournalState } from './carry.js';

/** One snapshot as journaled: its origin `vg/lv`, the snapshot LV's name, the mount the origin holds and its filesystem. */
export type LvmSnapshotVolume = { vg: string; lv: string; snapshot: string; mount: string; fstype: string };

/** `ferry-<short execution id>`: the execution id's last part (`mig-20261202T161500-1a2b3c4d` → `ferry-1a2b3c4d`). */
export function lvmSnapshotPrefix(executionId: string): string {
  return `ferry-${executionId.split('-').pop() ?? executionId}`;
}

export async function readLvmReports(transport: Transport): Promise<LvmReports> {
  return { lvs: parseLvs(await runChecked(transport, LVS_ARGV, 'lvs')), vgs: parseVgs(await runChecked(transport, VGS_ARGV, 'vgs')) };
}

const removeArgv = (v: Pick<LvmSnapshotVolume, 'vg' | 'snapshot'>): string[] => ['lvremove', '-y', `${v.vg}/${v.snapshot}`];

/** Whether lvs still shows the snapshot (gone: merged into its origin, or removed). */
async function snapshotExists(transport: Transport, v: Pick<LvmSnapshotVolume, 'vg' | 'snapshot'>): Promise<boolean> {
  return (await transport.run(['lvs', '--noheadings', '-o', 'lv_name', `${v.vg}/${v.snapshot}`])).code === 0;
}

/** Takes the snapshots of `specs` (the plan's volumes); returns them as journaled. SNAPSHOT_NO_SPACE before any lvcreate when short. */
export async function createLvmSnapshots(ctx: Pick<RestoreContext, 'transport' | 'executionId' | 'output'>, specs: readonly LvmVolumeSpec[]): Promise<{ kind: 'classic' | 'thin'; volumes: LvmSnapshotVolume[] }> {
  const { transport } = ctx;
  const reports = await readLvmReports(transport);
  const plan = planLvmSnapshot({ ...reports, volumes: specs.map((s) => s.lv), prefix: lvmSnapshotPrefix(ctx.executionId), host: transport.hostName });
  ctx.output(`lvm: the ${plan.space} has ${Math.floor(plan.freeBytes / 2 ** 20)} MiB free, ${Math.floor(plan.neededBytes / 2 ** 20)} MiB needed for ${plan.kind} snapshots`);
  // A snapshot left by an interrupted capture (made, not journaled) is replaced: it is not known to predate the run.
  for (const v of plan.volumes) {
    if (reports.lvs.some((l) => l.vg === v.vg && l.name === v.snapshot)) await runChecked(transport, v.remove, `Removing the unjournaled snapshot ${v.vg}/${v.snapshot}`);
  }
  const made: typeof plan.volumes = [];
  for (const v of plan.volumes) {
    const res = await transport.run(v.create);
    if (res.code === 0) { made.push(v); continue; }
    const left: string[] = [];
    for (const m of made.reverse()) if ((await transport.run(m.remove)).code !== 0) left.push(`${m.vg}/${m.snapshot}`);
    throw new FerryError('SNAPSHOT_FAILED', `lvcreate of the snapshot ${v.vg}/${v.snapshot} on ${transport.hostName} failed (exit ${res.code ?? res.signal}): ${res.stderr.trim().slice(0, 300)}; ${left.length ? `could NOT remove ${left.join(', ')}: remove them with lvremove` : made.length ? `removed the snapshots made before it (${made.map((m) => `${m.vg}/${m.snapshot}`).join(', ')})` : 'no snapshot was made'}`, {
      hint: 'Nothing of the conversion has run yet: fix the cause (lvs, vgs) and run ferry resume, or migrate with --snapshot none.',
      details: { argv: v.create, left },
    });
  }
  for (const v of made) ctx.output(`lvm snapshot ${v.vg}/${v.snapshot} of ${v.vg}/${v.lv}`);
  const byLv = new Map(specs.map((s) => [s.lv, s]));
  return { kind: plan.kind, volumes: made.map((v) => ({ vg: v.vg, lv: v.lv, snapshot: v.snapshot, mount: byLv.get(`${v.vg}/${v.lv}`)?.mount ?? '/', fstype: byLv.get(`${v.vg}/${v.lv}`)?.fstype ?? '' })) };
}

/**
 * Requests the merge of every snapshot that still exists, first carrying `journal` (captureJournalState) into the
 * snapshot of the root volume, which the host runs on after the merge. Returns whether any merge was requested
 * (false: all merged already, e.g. by the reboot of an earlier rollback).
 */
export async function mergeLvmSnapshots(ctx: Pick<RestoreContext, 'transport' | 'executionId' | 'output'>, volumes: readonly LvmSnapshotVolume[], journal: () => Promise<Buffer>): Promise<boolean> {
  const { transport } = ctx;
  const pending: LvmSnapshotVolume[] = [];
  for (const v of volumes) if (await snapshotExists(transport, v)) pending.push(v);
  if (pending.length === 0) return false;
  if (pending.length < volumes.length) {
    throw new FerryError('ROLLBACK_INCOMPLETE', `Of the LVM snapshots of ${transport.hostName}, ${volumes.filter((v) => !pending.includes(v)).map((v) => `${v.vg}/${v.snapshot}`).join(', ')} is gone but ${pending.map((v) => `${v.vg}/${v.snapshot}`).join(', ')} is not`, {
      hint: 'Inspect the volumes with lvs: Ferry merges all of them or none.',
    });
  }
  const root = pending.find((v) => v.mount === '/');
  if (root) await carryInto(ctx, root, await journal());
  for (const v of pending) {
    await runChecked(transport, ['lvconvert', '--merge', `${v.vg}/${v.snapshot}`], `Merging the snapshot ${v.vg}/${v.snapshot} into ${v.vg}/${v.lv}`);
    ctx.output(`lvm: merge of ${v.vg}/${v.snapshot} into ${v.vg}/${v.lv} requested (done at its next activation)`);
  }
  return true;
}

/** Mounts the snapshot at a private mount point, puts the journal there, always unmounts. */
async function carryInto(ctx: Pick<RestoreContext, 'transport' | 'executionId'>, v: LvmSnapshotVolume, journal: Buffer): Promise<void> {
  const { transport } = ctx;
  const mountPoint = hostPath(transport, posix.join('/run/ferry', `lvm-${ctx.executionId}`));
  const device = lvDmPath(v.vg, v.snapshot);
  await runChecked(transport, ['mkdir', '-p', '--', mountPoint], `Creating ${mountPoint}`);
  // A snapshot carries its origin's filesystem UUID, which XFS refuses to mount twice without nouuid (xfs(5)).
  await runChecked(transport, ['mount', ...(v.fstype === 'xfs' ? ['-o', 'nouuid'] : []), '--', device, mountPoint], `Mounting the snapshot ${device}`);
  try {
    await putJournalState(transport, mountPoint, ctx.executionId, journal);
  } finally {
    await runChecked(transport, ['umount', '--', mountPoint], `Unmounting ${mountPoint}`);
    await transport.run(['rmdir', '--', mountPoint]);
  }
}

/** `lvremove -y` of each snapshot lvs still shows; returns what was removed and what had been merged already. */
export async function removeLvmSnapshots(transport: Transport, volumes: readonly LvmSnapshotVolume[]): Promise<string> {
  const removed: string[] = [];
  for (const v of volumes) {
    if (!await snapshotExists(transport, v)) continue;
    await runChecked(transport, removeArgv(v), `Removing the snapshot ${v.vg}/${v.snapshot}`);
    removed.push(`${v.vg}/${v.snapshot}`);
  }
  return removed.length ? `LVM snapshot${removed.length > 1 ? 's' : ''} ${removed.join(', ')}` : `nothing of the LVM snapshots ${volumes.map((v) => `${v.vg}/${v.snapshot}`).join(', ')} (merged by the rollback)`;
}
