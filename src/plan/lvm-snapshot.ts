/**
 * The LVM snapshot rule (pure): which logical volumes hold / and /boot, and the classic or thin snapshot of
 * each with the free-space rule — asked by the plan (from the facts' lvs/vgs, to choose the provider and refuse
 * before anything runs) and by the snapshot step (from lvs/vgs run again just before `lvcreate`).
 *
 * Rule: a classic (COW) snapshot that fills up is invalidated and the rollback lost, and a distro-sync may
 * rewrite nearly every block of the root, so each classic snapshot gets a COW area as large as its origin
 * (rounded up to whole extents) and the volume group's free space must hold all of them. A thin snapshot
 * takes no VG space when made, but its writes come from the pool: the pool's free data must hold the
 * origins' sizes likewise. Returning to the snapshots is `lvconvert --merge` of each (for an origin in use,
 * lvm2 defers the merge to its next activation, i.e. the reboot: lvconvert(8), "--merge"); removing them is
 * `lvremove -y`. This machine has no device-mapper: none of these commands was run here.
 */
import { FerryError } from '../core/index.js';
import type { LogicalVolume, VolumeGroup } from '../facts/lvm.js';

export interface LvmSnapshotVolume {
  vg: string;
  /** The origin LV. */
  lv: string;
  /** The snapshot LV's name: `<prefix>-<lv>`. */
  snapshot: string;
  create: string[];
  merge: string[];
  remove: string[];
}

export interface LvmSnapshotPlan {
  kind: 'classic' | 'thin';
  volumes: LvmSnapshotVolume[];
  neededBytes: number;
  freeBytes: number;
  /** What the free space is counted in: `volume group cl`, `thin pool vg0/pool00`. */
  space: string;
}

/** Whether an lv_attr is a thin volume (its first character `V`, lvs(8)). */
const isThin = (lv: LogicalVolume): boolean => lv.attr.startsWith('V');

/**
 * The `VG/LV` behind each of `devices` (the / and /boot sources the facts show), in order, each once; devices not
 * on LVM (a /boot partition) are skipped. SNAPSHOT_UNSUPPORTED when none is an LV.
 */
export function lvmVolumesOf(o: { lvs: readonly LogicalVolume[]; devices: readonly string[]; host: string }): string[] {
  const out = [...new Set(o.devices.flatMap((d) => o.lvs.filter((lv) => lv.dmPath === d).map((lv) => `${lv.vg}/${lv.name}`)))];
  if (out.length === 0) throw new FerryError('SNAPSHOT_UNSUPPORTED', `None of ${o.devices.join(', ')} on ${o.host} is an LVM logical volume`);
  return out;
}

/**
 * The snapshot of the LVs `volumes` (`VG/LV`), named `prefix`-<lv>. Refuses with the figures when the space is
 * short (SNAPSHOT_NO_SPACE naming the volume group or pool), and with SNAPSHOT_UNSUPPORTED on a layout it does
 * not take one kind of snapshot of.
 */
export function planLvmSnapshot(o: { lvs: readonly LogicalVolume[]; vgs: readonly VolumeGroup[]; volumes: readonly string[]; prefix: string; host: string }): LvmSnapshotPlan {
  const origins = o.volumes.map((v) => {
    const lv = o.lvs.find((l) => `${l.vg}/${l.name}` === v);
    if (!lv) throw new FerryError('SNAPSHOT_UNSUPPORTED', `lvs on ${o.host} shows no logical volume ${v}`, { hint: 'The host\'s volumes changed since its facts were collected: plan again.' });
    return lv;
  });
  const thin = origins.filter(isThin);
  if (thin.length > 0 && thin.length < origins.length) throw new FerryError('SNAPSHOT_UNSUPPORTED', `${o.host} mixes thin and classic volumes for / and /boot (${o.volumes.join(', ')}); Ferry snapshots one kind at a time`);
  const volume = (lv: LogicalVolume, create: string[]): LvmSnapshotVolume => {
    const snapshot = `${o.prefix}-${lv.name}`;
    return { vg: lv.vg, lv: lv.name, snapshot, create, merge: ['lvconvert', '--merge', `${lv.vg}/${snapshot}`], remove: ['lvremove', '-y', `${lv.vg}/${snapshot}`] };
  };
  if (thin.length > 0) {
    const pools = new Set(thin.map((lv) => `${lv.vg}/${lv.pool}`));
    if (pools.size !== 1) throw new FerryError('SNAPSHOT_UNSUPPORTED', `The thin volumes of ${o.host} are in several pools (${[...pools].join(', ')})`);
    const poolName = [...pools][0];
    const pool = o.lvs.find((lv) => `${lv.vg}/${lv.name}` === poolName);
    if (!pool || pool.dataPercent === null) throw new FerryError('FACTS_PARSE', `lvs shows no data_percent of the thin pool ${poolName} on ${o.host}`);
    const free = Math.floor(pool.sizeBytes * (1 - pool.dataPercent / 100));
    const needed = thin.reduce((n, lv) => n + lv.sizeBytes, 0);
    const space = `thin pool ${poolName}`;
    if (free < needed) throw noSpace(o.host, space, free, needed);
    // A thin snapshot is created with the activation-skip flag set (lvcreate(8) --setactivationskip): cleared, so it activates.
    return { kind: 'thin', volumes: thin.map((lv) => volume(lv, ['lvcreate', '--snapshot', '--name', `${o.prefix}-${lv.name}`, '--setactivationskip', 'n', `${lv.vg}/${lv.name}`])), neededBytes: needed, freeBytes: free, space };
  }
  const cow = (lv: LogicalVolume): number => {
    const extent = o.vgs.find((v) => v.name === lv.vg)?.extentBytes;
    return extent ? Math.ceil(lv.sizeBytes / extent) * extent : lv.sizeBytes;
  };
  const byVg = new Map<string, number>();
  for (const lv of origins) byVg.set(lv.vg, (byVg.get(lv.vg) ?? 0) + cow(lv));
  for (const [name, needed] of byVg) {
    const vg = o.vgs.find((v) => v.name === name);
    if (!vg) throw new FerryError('FACTS_PARSE', `vgs shows no volume group ${name} of ${o.host}`);
    if (vg.freeBytes < needed) throw noSpace(o.host, `volume group ${name}`, vg.freeBytes, needed);
  }
  return {
    kind: 'classic',
    volumes: origins.map((lv) => volume(lv, ['lvcreate', '--snapshot', '--name', `${o.prefix}-${lv.name}`, '--size', `${cow(lv)}b`, `${lv.vg}/${lv.name}`])),
    neededBytes: [...byVg.values()].reduce((a, b) => a + b, 0),
    freeBytes: o.vgs.filter((v) => byVg.has(v.name)).reduce((a, v) => a + v.freeBytes, 0),
    space: `volume group ${[...byVg.keys()].join(', ')}`,
  };
}

function noSpace(host: string, where: string, free: number, needed: number): FerryError {
  const mib = (b: number): number => Math.floor(b / 2 ** 20);
  return new FerryError('SNAPSHOT_NO_SPACE', `The ${where} of ${host} has ${mib(free)} MiB free, but snapshots kept through the migration need ${mib(needed)} MiB (as large as the volumes they copy)`, {
    hint: 'Extend the volume group (vgextend) or the pool, or migrate without a snapshot (--snapshot none) or with your own (--snapshot-command).',
    details: { where, free, needed },
  });
}
