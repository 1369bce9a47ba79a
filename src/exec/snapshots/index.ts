/**
 * Snapshots of the whole system, taken before the point of no return and journaled as a restorable of kind
 * `snapshot` (key `system`), by the provider the plan chose: `btrfs` (btrfs.ts), `lvm` (lvm.ts: never run here,
 * this machine has no device-mapper; tested against captured lvs output) or `command` (command.ts).
 *
 * Restoring a snapshot returns the host to the moment it was taken: the runner restores only the snapshot
 * (no finer restorable), before or after the point of no return. The journal, `current` and the lock are
 * carried into the restored tree (carry.ts); the host then reboots into it through `RestoreContext.reboot`
 * (Btrfs: the snapshot is the default subvolume first; LVM: the merge of each snapshot is requested first, and
 * lvm2 does it when the volumes are next activated); without one, SNAPSHOT_REBOOT_REQUIRED asks the
 * operator to reboot and run `ferry rollback` again, which finds the host on the snapshot and completes.
 * Either way the host's package set, /etc and rpm database are compared with their digests taken with the
 * snapshot (state.ts), and a difference is ROLLBACK_INCOMPLETE naming what differs.
 *
 * Removal (`ferry finish`): the snapshot once the migration is kept, or — after a rollback to it — the
 * migrated subvolume it replaced; never left without a word (`ferry status` lists what remains, with its size
 * and, when the plan gave a retention, its expiry: `expiresAt`, journaled with the snapshot; finish.ts).
 */
import { posix } from 'node:path';
import { excerpt, FerryError } from '../../core/index.js';
import type { Transport } from '../../transport/types.js';
import { hostPath, runChecked } from '../journal.js';
import { asRecord } from '../restorables.js';
import type { JsonValue, Restorable, RestoreContext, Restorer, SerializedRestorable } from '../types.js';
import {
  BTRFS_SNAPSHOT_DIR, btrfsRoot, checkBtrfsSpace, pinnedRootSubvolume, subvolumeId, withTopLevel, type BtrfsRoot,
} from './btrfs.js';
import { captureJournalState, putJournalState } from './carry.js';
import { parseSnapshotId, runSnapshotCommand, SNAPSHOT_ID_PATTERN, type SnapshotCommands } from './command.js';
import { createLvmSnapshots, mergeLvmSnapshots, removeLvmSnapshots, type LvmSnapshotVolume } from './lvm.js';
import type { LvmVolumeSpec } from '../../plan/steps/index.js';
import { digestDifferences, hostStateDigest, treeDigests, type HostStateDigest } from './state.js';

export const SNAPSHOT_KIND = 'snapshot';
export const SNAPSHOT_KEY = 'system';

export type SnapshotProviderName = 'btrfs' | 'lvm' | 'command';

/** `expiresAt`: createdAt plus the plan's retention (absent: kept until `ferry finish`). */
type SnapshotTimes = { createdAt: string; expiresAt?: string };

export type SnapshotData =
  | ({ provider: 'btrfs'; uuid: string; originId: number; originPath: string; snapshotId: number; snapshotPath: string; state: HostStateDigest } & SnapshotTimes)
  | ({ provider: 'lvm'; kind: 'classic' | 'thin'; volumes: LvmSnapshotVolume[]; state: HostStateDigest } & SnapshotTimes)
  | ({ provider: 'command'; snapshotId: string; state: HostStateDigest } & SnapshotTimes);

/** Takes the snapshot when registered (after the provider's free-space and layout checks). */
export function snapshotRestorable(options: { provider: SnapshotProviderName; commands?: SnapshotCommands | null; retentionSeconds?: number; volumes?: readonly LvmVolumeSpec[] }): Restorable<SnapshotData> {
  return {
    kind: SNAPSHOT_KIND,
    key: SNAPSHOT_KEY,
    description: `${options.provider} snapshot of the system`,
    async capture(ctx) {
      const now = new Date();
      const createdAt = now.toISOString();
      const times: SnapshotTimes = options.retentionSeconds === undefined ? { createdAt } : { createdAt, expiresAt: new Date(now.getTime() + options.retentionSeconds * 1000).toISOString() };
      if (options.provider === 'command') {
        const commands = requireCommands(options.commands, ctx.transport);
        const state = await hostStateDigest(ctx.transport);
        const snapshotId = parseSnapshotId(await runSnapshotCommand(commands.create, 'create', ctx), commands.create[0]);
        ctx.output(`snapshot ${snapshotId} taken by ${commands.create[0]}`);
        return { provider: 'command', snapshotId, state, ...times };
      }
      if (options.provider === 'lvm') {
        if (!options.volumes?.length) throw new FerryError('SNAPSHOT_UNSUPPORTED', `The plan of ${ctx.transport.hostName} names no logical volume to snapshot`, { hint: 'Plan again.' });
        // Taken before the snapshots: what the merge must give back.
        const state = await hostStateDigest(ctx.transport);
        const { kind, volumes } = await createLvmSnapshots(ctx, options.volumes);
        return { provider: 'lvm', kind, volumes, state, ...times };
      }
      const root = await requireBtrfsRoot(ctx.transport);
      const pinned = await pinnedRootSubvolume(ctx.transport);
      if (pinned) {
        throw new FerryError('SNAPSHOT_UNSUPPORTED', `${pinned} on ${ctx.transport.hostName}: a reboot would not come back on the snapshot made the default subvolume`, {
          hint: 'Mount / without subvol=/subvolid= (the default subvolume), or use --snapshot-command with your own snapshot and restore commands.',
        });
      }
      const space = await checkBtrfsSpace(ctx.transport);
      ctx.output(`btrfs: ${Math.floor(space.free / 2 ** 20)} MiB free, ${Math.floor(space.needed / 2 ** 20)} MiB needed beside the snapshot`);
      const snapshotPath = posix.join(BTRFS_SNAPSHOT_DIR, ctx.executionId);
      return withTopLevel(ctx.transport, root, ctx.executionId, async (top) => {
        const dir = posix.join(top, snapshotPath);
        await runChecked(ctx.transport, ['mkdir', '-p', '--', posix.dirname(dir)], `Creating ${posix.dirname(dir)}`);
        // A snapshot left by an interrupted capture (taken, not journaled) is replaced: it may predate nothing, but is not known to.
        if ((await ctx.transport.run(['btrfs', 'subvolume', 'show', dir])).code === 0) {
          await runChecked(ctx.transport, ['btrfs', 'subvolume', 'delete', '--', dir], `Deleting the unjournaled snapshot ${dir}`);
        }
        await runChecked(ctx.transport, ['btrfs', 'subvolume', 'snapshot', '--', posix.join(top, root.subvolumePath), dir], `Snapshotting ${root.subvolumePath || '/'}`);
        const snapshotId = await subvolumeId(ctx.transport, dir);
        const nevras = await hostStateDigest(ctx.transport);
        const state = { ...nevras, ...await treeDigests(ctx.transport, dir) };
        ctx.output(`btrfs snapshot ${snapshotPath} (subvolume ${snapshotId}) of ${root.subvolumePath || 'the top level'} (subvolume ${root.subvolumeId})`);
        return { provider: 'btrfs', uuid: root.uuid, originId: root.subvolumeId, originPath: root.subvolumePath, snapshotId, snapshotPath, state, ...times };
      });
    },
  };
}

function requireCommands(commands: SnapshotCommands | null | undefined, transport: Transport): SnapshotCommands {
  if (!commands) {
    throw new FerryError('SNAPSHOT_UNSUPPORTED', `The plan of ${transport.hostName} names no snapshot commands`, { hint: 'Plan again with --snapshot-command, --snapshot-restore-command and --snapshot-remove-command.' });
  }
  return commands;
}

async function requireBtrfsRoot(transport: Transport): Promise<BtrfsRoot> {
  const root = await btrfsRoot(transport);
  if (!root) throw new FerryError('SNAPSHOT_UNSUPPORTED', `The root of ${transport.hostName} (${hostPath(transport, '/')}) is not a Btrfs filesystem`, { hint: 'Choose another snapshot provider (--snapshot-command) or --snapshot none.' });
  return root;
}

// ---- checks of journaled data ----

const invalid = (why: string): FerryError => new FerryError('JOURNAL_CORRUPT', why);
const isInt = (v: JsonValue | undefined): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 48;
const SUBVOL_PATH = /^(|[A-Za-z0-9._@+-]+(\/[A-Za-z0-9._@+-]+)*)$/;

export function checkSnapshotData(raw: JsonValue, key: string): SnapshotData {
  const d = asRecord(raw, 'snapshot data');
  if (key !== SNAPSHOT_KEY) throw invalid(`snapshot key ${excerpt(key)} is not ${SNAPSHOT_KEY}`);
  const state = asRecord(d.state ?? null, 'snapshot state');
  for (const k of ['packages', 'etc', 'rpmdb']) if (typeof state[k] !== 'string' || !/^[0-9a-f]{64}$/.test(state[k])) throw invalid(`snapshot state ${k} ${excerpt(state[k])} is not a sha256 digest`);
  if (typeof d.createdAt !== 'string' || Number.isNaN(Date.parse(d.createdAt))) throw invalid(`snapshot time ${excerpt(d.createdAt)} is not a date`);
  const digest: HostStateDigest = { packages: String(state.packages), etc: String(state.etc), rpmdb: String(state.rpmdb) };
  if (d.expiresAt !== undefined && (typeof d.expiresAt !== 'string' || Number.isNaN(Date.parse(d.expiresAt)) || Date.parse(d.expiresAt) <= Date.parse(d.createdAt))) throw invalid(`snapshot expiry ${excerpt(d.expiresAt)} is not a date after its creation`);
  const times: SnapshotTimes = typeof d.expiresAt === 'string' ? { createdAt: d.createdAt, expiresAt: d.expiresAt } : { createdAt: d.createdAt };
  if (d.provider === 'command') {
    if (typeof d.snapshotId !== 'string' || !SNAPSHOT_ID_PATTERN.test(d.snapshotId)) throw invalid(`snapshot id ${excerpt(d.snapshotId)} is not one a snapshot command prints`);
    return { provider: 'command', snapshotId: d.snapshotId, state: digest, ...times };
  }
  if (d.provider === 'lvm') return { ...checkLvmData(d), state: digest, ...times };
  if (d.provider !== 'btrfs') throw invalid(`snapshot provider ${excerpt(d.provider)} is none of btrfs, lvm, command`);
  if (typeof d.uuid !== 'string' || !/^[0-9a-f-]{36}$/.test(d.uuid)) throw invalid(`btrfs uuid ${excerpt(d.uuid)} is not a filesystem uuid`);
  if (!isInt(d.originId) || !isInt(d.snapshotId) || d.snapshotId === d.originId || d.snapshotId <= 5) throw invalid('btrfs subvolume ids are not two distinct subvolumes');
  if (typeof d.originPath !== 'string' || !SUBVOL_PATH.test(d.originPath) || d.originPath.split('/').includes('..')) throw invalid(`btrfs origin ${excerpt(d.originPath)} is not a subvolume path`);
  if (typeof d.snapshotPath !== 'string' || !new RegExp(`^${BTRFS_SNAPSHOT_DIR}/mig-[A-Za-z0-9-]+$`).test(d.snapshotPath)) throw invalid(`btrfs snapshot ${excerpt(d.snapshotPath)} is not where Ferry takes snapshots`);
  return { provider: 'btrfs', uuid: d.uuid, originId: d.originId, originPath: d.originPath, snapshotId: d.snapshotId, snapshotPath: d.snapshotPath, state: digest, ...times };
}

const LVM_NAME = /^[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,126}$/;

function checkLvmData(d: Record<string, JsonValue>): { provider: 'lvm'; kind: 'classic' | 'thin'; volumes: LvmSnapshotVolume[] } {
  if (d.kind !== 'classic' && d.kind !== 'thin') throw invalid(`lvm snapshot kind ${excerpt(d.kind)} is none of classic, thin`);
  if (!Array.isArray(d.volumes) || d.volumes.length === 0) throw invalid('lvm snapshot volumes are not a list of volumes');
  const volumes = d.volumes.map((raw) => {
    const v = asRecord(raw, 'lvm snapshot volume');
    for (const k of ['vg', 'lv', 'snapshot']) if (typeof v[k] !== 'string' || !LVM_NAME.test(v[k])) throw invalid(`lvm snapshot ${k} ${excerpt(v[k])} is not an LVM name`);
    if (!String(v.snapshot).startsWith('ferry-')) throw invalid(`lvm snapshot ${excerpt(v.snapshot)} is not one Ferry names`);
    if (v.mount !== '/' && v.mount !== '/boot') throw invalid(`lvm snapshot mount ${excerpt(v.mount)} is none of /, /boot`);
    if (typeof v.fstype !== 'string' || !/^[a-z0-9_.-]*$/.test(v.fstype)) throw invalid(`lvm snapshot fstype ${excerpt(v.fstype)} is not a filesystem type`);
    return { vg: String(v.vg), lv: String(v.lv), snapshot: String(v.snapshot), mount: v.mount, fstype: v.fstype };
  });
  return { provider: 'lvm', kind: d.kind, volumes };
}

// ---- restore ----

async function verifyRestored(ctx: RestoreContext, data: SnapshotData): Promise<void> {
  const diff = digestDifferences(data.state, await hostStateDigest(ctx.transport));
  if (diff.length > 0) {
    throw new FerryError('ROLLBACK_INCOMPLETE', `${ctx.transport.hostName} runs on the snapshot of ${data.createdAt}, but ${diff.join(', ')} differ from the snapshot's`, {
      hint: 'Inspect the host: something changed the snapshot after it was taken.',
    });
  }
  ctx.output(`host equals the snapshot of ${data.createdAt}: package set, /etc and rpm database`);
}

async function rebootInto(ctx: RestoreContext, what: string, onReturn?: () => Promise<void>): Promise<void> {
  if (!ctx.reboot) {
    throw new FerryError('SNAPSHOT_REBOOT_REQUIRED', `${ctx.transport.hostName} boots into ${what} at its next reboot`, {
      hint: 'Reboot the host, then run ferry rollback again: it checks the host equals the snapshot and completes the rollback.',
    });
  }
  ctx.output(`rebooting ${ctx.transport.hostName} into ${what}`);
  await ctx.reboot(onReturn);
}

async function restoreBtrfs(ctx: RestoreContext, data: Extract<SnapshotData, { provider: 'btrfs' }>): Promise<void> {
  const root = await requireBtrfsRoot(ctx.transport);
  if (root.uuid !== data.uuid) throw new FerryError('ROLLBACK_INCOMPLETE', `The root of ${ctx.transport.hostName} is Btrfs ${root.uuid}, not the snapshot's ${data.uuid}`);
  if (root.subvolumeId !== data.snapshotId) {
    // Journaled before the carry: the snapshot the host boots into holds the request.
    if (ctx.reboot) await ctx.prepareReboot?.();
    const journal = await captureJournalState(ctx.transport, ctx.executionId);
    await withTopLevel(ctx.transport, root, ctx.executionId, async (top) => {
      const dir = posix.join(top, data.snapshotPath);
      if (await subvolumeId(ctx.transport, dir) !== data.snapshotId) throw new FerryError('ROLLBACK_INCOMPLETE', `${data.snapshotPath} on ${ctx.transport.hostName} is no longer subvolume ${data.snapshotId}`);
      await putJournalState(ctx.transport, dir, ctx.executionId, journal);
      await runChecked(ctx.transport, ['btrfs', 'subvolume', 'set-default', String(data.snapshotId), top], `Making subvolume ${data.snapshotId} the default`);
    });
    await rebootInto(ctx, `the Btrfs snapshot ${data.snapshotPath} (the default subvolume now)`);
    const after = await requireBtrfsRoot(ctx.transport);
    if (after.subvolumeId !== data.snapshotId) throw new FerryError('ROLLBACK_INCOMPLETE', `${ctx.transport.hostName} came back on subvolume ${after.subvolumeId}, not the snapshot ${data.snapshotId}`, { hint: 'Check that / is mounted without subvol=/subvolid= and reboot again.' });
  }
  await verifyRestored(ctx, data);
}

async function restoreCommand(ctx: RestoreContext, data: Extract<SnapshotData, { provider: 'command' }>, commands: SnapshotCommands | null): Promise<void> {
  const cmds = requireCommands(commands, ctx.transport);
  if (ctx.reboot) await ctx.prepareReboot?.();
  const journal = await captureJournalState(ctx.transport, ctx.executionId);
  await runSnapshotCommand(cmds.restore, 'restore', { ...ctx, snapshotId: data.snapshotId });
  // The restored tree holds the snapshot's journal and lock: they are carried back as soon as the host is
  // reached again (through the reboot boundary, before it journals the return; a plain reboot, after it).
  let carried = false;
  const carry = async (): Promise<void> => {
    await putJournalState(ctx.transport, ctx.transport.root ?? '/', ctx.executionId, journal);
    carried = true;
  };
  if (ctx.reboot) await rebootInto(ctx, `the restored snapshot ${data.snapshotId}`, carry);
  if (!carried) await carry();
  await verifyRestored(ctx, data);
}

async function restoreLvm(ctx: RestoreContext, data: Extract<SnapshotData, { provider: 'lvm' }>): Promise<void> {
  // Journaled before the carry: the snapshot the host comes back on holds the request.
  const requested = await mergeLvmSnapshots(ctx, data.volumes, async () => {
    if (ctx.reboot) await ctx.prepareReboot?.();
    return captureJournalState(ctx.transport, ctx.executionId);
  });
  if (requested) await rebootInto(ctx, `its LVM snapshots ${data.volumes.map((v) => `${v.vg}/${v.snapshot}`).join(', ')} (merged when the volumes activate)`);
  await verifyRestored(ctx, data);
}

/** The `snapshot` restorer; `commands`: the plan's snapshot commands (needed for the command provider). */
export function snapshotRestorer(commands: SnapshotCommands | null = null): Restorer {
  return {
    check: (raw, ctx) => { checkSnapshotData(raw, ctx.key); },
    async restore(raw, ctx) {
      const data = checkSnapshotData(raw, SNAPSHOT_KEY);
      if (data.provider === 'btrfs') await restoreBtrfs(ctx, data);
      else if (data.provider === 'lvm') await restoreLvm(ctx, data);
      else await restoreCommand(ctx, data, commands);
    },
  };
}

// ---- listing and removal ----

export interface SnapshotInfo {
  restorableId: string;
  provider: SnapshotProviderName;
  /** The snapshot's name: its path on the filesystem's top level (Btrfs), its `VG/LV`s (LVM) or the id its command printed. */
  name: string;
  createdAt: string;
  /** When `ferry status --expire` may remove it (the plan's retention); absent: kept until `ferry finish`. */
  expiresAt?: string;
  /** Bytes only the snapshot holds (what removing it frees); null when the provider cannot tell. */
  exclusiveBytes: number | null;
}

/** `btrfs filesystem du -s --raw` → the exclusive bytes of the one path. */
export function parseBtrfsDu(text: string): number | null {
  const m = /^\s*(\d+)\s+(\d+)\s+(\d+|-)\s+\S/m.exec(text.split('\n').slice(1).join('\n'));
  return m ? Number(m[2]) : null;
}

const timesOf = (d: SnapshotData): SnapshotTimes => (d.expiresAt ? { createdAt: d.createdAt, expiresAt: d.expiresAt } : { createdAt: d.createdAt });

/** Whether the journaled snapshot's retention has run out at `now` (never, without a retention). */
export function snapshotExpired(r: SerializedRestorable, now: Date): boolean {
  const { expiresAt } = checkSnapshotData(r.data, r.key);
  return expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime();
}

/** The journaled snapshots of an execution, with their size where the provider can measure it. */
export async function listSnapshots(transport: Transport, executionId: string, restorables: readonly SerializedRestorable[]): Promise<SnapshotInfo[]> {
  const out: SnapshotInfo[] = [];
  for (const r of restorables.filter((x) => x.kind === SNAPSHOT_KIND)) {
    const data = checkSnapshotData(r.data, r.key);
    if (data.provider === 'command') {
      out.push({ restorableId: r.id, provider: 'command', name: data.snapshotId, ...timesOf(data), exclusiveBytes: null });
      continue;
    }
    if (data.provider === 'lvm') {
      out.push({ restorableId: r.id, provider: 'lvm', name: data.volumes.map((v) => `${v.vg}/${v.snapshot}`).join(', '), ...timesOf(data), exclusiveBytes: null });
      continue;
    }
    const root = await btrfsRoot(transport);
    const exclusiveBytes = root?.uuid !== data.uuid ? null : await withTopLevel(transport, root, executionId, async (top) => {
      const path = posix.join(top, root.subvolumeId === data.snapshotId ? data.originPath : data.snapshotPath);
      const res = await transport.run(['btrfs', 'filesystem', 'du', '-s', '--raw', '--', path]);
      return res.code === 0 ? parseBtrfsDu(res.stdout) : null;
    });
    out.push({ restorableId: r.id, provider: 'btrfs', name: data.snapshotPath, ...timesOf(data), exclusiveBytes });
  }
  return out;
}

/**
 * Removes what a snapshot left: the snapshot itself, or — when the host runs on it after a rollback — the
 * subvolume it replaced (the migrated system). Returns what was removed. Idempotent: what is gone is not asked for again.
 */
export async function removeSnapshot(transport: Transport, executionId: string, r: SerializedRestorable, commands: SnapshotCommands | null): Promise<string> {
  const data = checkSnapshotData(r.data, r.key);
  if (data.provider === 'command') {
    const cmds = requireCommands(commands, transport);
    await runSnapshotCommand(cmds.remove, 'remove', { transport, executionId, snapshotId: data.snapshotId });
    return `snapshot ${data.snapshotId} (removed by ${cmds.remove[0]})`;
  }
  if (data.provider === 'lvm') return removeLvmSnapshots(transport, data.volumes);
  const root = await requireBtrfsRoot(transport);
  if (root.uuid !== data.uuid) throw new FerryError('SNAPSHOT_FAILED', `The root of ${transport.hostName} is Btrfs ${root.uuid}, not the snapshot's ${data.uuid}`);
  const rolledBack = root.subvolumeId === data.snapshotId;
  const victim = rolledBack ? data.originPath : data.snapshotPath;
  if (victim === '') throw new FerryError('SNAPSHOT_FAILED', `The subvolume replaced on ${transport.hostName} is the filesystem's top level, which cannot be deleted`, { hint: 'Delete its files by hand from a rescue system if the space is needed.' });
  await withTopLevel(transport, root, executionId, async (top) => {
    const path = posix.join(top, victim);
    if ((await transport.run(['btrfs', 'subvolume', 'show', path])).code !== 0) return;
    const id = await subvolumeId(transport, path);
    if (id !== (rolledBack ? data.originId : data.snapshotId) || id === root.subvolumeId) throw new FerryError('SNAPSHOT_FAILED', `${victim} on ${transport.hostName} is subvolume ${id}, not the one Ferry recorded; nothing removed`);
    await runChecked(transport, ['btrfs', 'subvolume', 'delete', '--', path], `Deleting ${victim}`);
  });
  return rolledBack ? `the migrated subvolume ${data.originPath} (the host runs on the snapshot)` : `snapshot ${data.snapshotPath}`;
}

export type { SnapshotCommands } from './command.js';
export { btrfsSpaceNeeded, parseBtrfsUsage, parseSubvolumeShow } from './btrfs.js';
