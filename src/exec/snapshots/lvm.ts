/**
 * LVM snapshots: reading `lvs`/`vgs` JSON reports and deciding the commands of a classic or thin snapshot of
 * the logical volumes holding / and /boot, with the free-space rule. Pure (argv and figures as data); NOT
 * wired into the snapshot step: this machine has no device-mapper, so none of these commands was run here,
 * only tested against a captured `lvs` report and samples in lvm2's documented format (fixtures/README.md).
 *
 * Rule: a classic (COW) snapshot that fills up is invalidated and the rollback lost, and a distro-sync may
 * rewrite nearly every block of the root, so each classic snapshot gets a COW area as large as its origin
 * (rounded up to whole extents) and the volume group's free space must hold all of them. A thin snapshot
 * takes no VG space when made, but its writes come from the pool: the pool's free data must hold the
 * origins' sizes likewise. Returning to the snapshots is `lvconvert --merge` of each (for an origin in use,
 * lvm2 defers the merge to its next activation, i.e. the reboot); removing them is `lvremove`.
 */
import { FerryError } from '../../core/index.js';

export const LVS_ARGV = ['lvs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'lv_name,vg_name,lv_attr,lv_size,pool_lv,origin,data_percent,lv_dm_path'];
export const VGS_ARGV = ['vgs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'vg_name,vg_size,vg_free,vg_extent_size'];

export interface LogicalVolume { name: string; vg: string; attr: string; sizeBytes: number; pool: string; origin: string; dataPercent: number | null; dmPath: string }
/** `extentBytes`: null when the report lacks vg_extent_size (then sizes are not rounded up to whole extents). */
export interface VolumeGroup { name: string; sizeBytes: number; freeBytes: number; extentBytes: number | null }

/**
 * The device-mapper name of an LV, as lvm2 builds it (libdm/libdm-string.c, dm_build_dm_name): `<vg>-<lv>`,
 * each hyphen inside either name doubled. Its node is /dev/mapper/<name>, what findmnt shows as the source of /.
 */
export function lvDmPath(vg: string, lv: string): string {
  const quote = (s: string): string => s.replaceAll('-', '--');
  return `/dev/mapper/${quote(vg)}-${quote(lv)}`;
}

function rows(text: string, key: 'lv' | 'vg', what: string): Record<string, unknown>[] {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch { throw new FerryError('FACTS_PARSE', `${what} printed no JSON report`); }
  const report = (doc as { report?: unknown } | null)?.report;
  if (!Array.isArray(report)) throw new FerryError('FACTS_PARSE', `${what}: no "report" array in its JSON`);
  return report.flatMap((r: unknown) => {
    const list = (r as Record<string, unknown> | null)?.[key];
    return Array.isArray(list) ? list.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
  });
}

function str(row: Record<string, unknown>, field: string, what: string): string {
  const v = row[field];
  if (typeof v !== 'string') throw new FerryError('FACTS_PARSE', `${what}: field ${field} is missing (run it with -o ${field})`);
  return v;
}

function bytes(row: Record<string, unknown>, field: string, what: string): number {
  const v = str(row, field, what);
  if (!/^\d+$/.test(v)) throw new FerryError('FACTS_PARSE', `${what}: ${field} ${JSON.stringify(v)} is not a byte count (run it with --units b --nosuffix)`);
  return Number(v);
}

export function parseLvs(text: string): LogicalVolume[] {
  const what = 'lvs --reportformat json';
  return rows(text, 'lv', what).map((r) => {
    const head = { name: str(r, 'lv_name', what), vg: str(r, 'vg_name', what), attr: str(r, 'lv_attr', what), sizeBytes: bytes(r, 'lv_size', what), pool: str(r, 'pool_lv', what), origin: str(r, 'origin', what) };
    const pct = str(r, 'data_percent', what);
    // lv_dm_path is absent from reports asked without it (lvs' default columns): derived as lvm2 names the node.
    const dmPath = r.lv_dm_path === undefined ? lvDmPath(head.vg, head.name) : str(r, 'lv_dm_path', what);
    return { ...head, dataPercent: pct === '' ? null : Number(pct), dmPath };
  });
}

export function parseVgs(text: string): VolumeGroup[] {
  const what = 'vgs --reportformat json';
  return rows(text, 'vg', what).map((r) => ({ name: str(r, 'vg_name', what), sizeBytes: bytes(r, 'vg_size', what), freeBytes: bytes(r, 'vg_free', what), extentBytes: r.vg_extent_size === undefined ? null : bytes(r, 'vg_extent_size', what) }));
}

export interface LvmSnapshotPlan {
  kind: 'classic' | 'thin';
  /** One per origin LV: the `lvcreate` that takes its snapshot. */
  create: string[][];
  /** `lvconvert --merge` of each snapshot (takes effect at the next activation: the reboot). */
  merge: string[][];
  remove: string[][];
  neededBytes: number;
  freeBytes: number;
}

/** Whether an lv_attr is a thin volume (its first character `V`, lvs(8)). */
const isThin = (lv: LogicalVolume): boolean => lv.attr.startsWith('V');

/**
 * The snapshot of the LVs behind `devices` (the / and /boot sources the facts show; devices not on LVM, such
 * as a /boot partition, are skipped), named `name`-<lv>. Refuses with the figures when the space is short.
 */
export function planLvmSnapshot(o: { lvs: readonly LogicalVolume[]; vgs: readonly VolumeGroup[]; devices: readonly string[]; name: string; host: string }): LvmSnapshotPlan {
  const origins = o.devices.flatMap((d) => o.lvs.filter((lv) => lv.dmPath === d));
  if (origins.length === 0) throw new FerryError('SNAPSHOT_UNSUPPORTED', `None of ${o.devices.join(', ')} on ${o.host} is an LVM logical volume`);
  const thin = origins.filter(isThin);
  if (thin.length > 0 && thin.length < origins.length) throw new FerryError('SNAPSHOT_UNSUPPORTED', `${o.host} mixes thin and classic volumes for / and /boot (${origins.map((l) => `${l.vg}/${l.name}`).join(', ')}); Ferry snapshots one kind at a time`);
  const snap = (lv: LogicalVolume): string => `${o.name}-${lv.name}`;
  const merge = origins.map((lv) => ['lvconvert', '--merge', `${lv.vg}/${snap(lv)}`]);
  const remove = origins.map((lv) => ['lvremove', '-y', `${lv.vg}/${snap(lv)}`]);
  const neededBytesOf = (vg: VolumeGroup | undefined, lv: LogicalVolume): number => (vg?.extentBytes ? Math.ceil(lv.sizeBytes / vg.extentBytes) * vg.extentBytes : lv.sizeBytes);
  if (thin.length > 0) {
    const pools = new Set(thin.map((lv) => `${lv.vg}/${lv.pool}`));
    if (pools.size !== 1) throw new FerryError('SNAPSHOT_UNSUPPORTED', `The thin volumes of ${o.host} are in several pools (${[...pools].join(', ')})`);
    const pool = o.lvs.find((lv) => `${lv.vg}/${lv.name}` === [...pools][0]);
    if (!pool || pool.dataPercent === null) throw new FerryError('FACTS_PARSE', `lvs shows no data_percent of the thin pool ${[...pools][0]} on ${o.host}`);
    const free = Math.floor(pool.sizeBytes * (1 - pool.dataPercent / 100));
    const needed = thin.reduce((n, lv) => n + lv.sizeBytes, 0);
    if (free < needed) throw noSpace(o.host, `thin pool ${pool.vg}/${pool.name}`, free, needed);
    return { kind: 'thin', create: thin.map((lv) => ['lvcreate', '--snapshot', '--setactivationskip', 'n', '--name', snap(lv), `${lv.vg}/${lv.name}`]), merge, remove, neededBytes: needed, freeBytes: free };
  }
  const byVg = new Map<string, number>();
  for (const lv of origins) byVg.set(lv.vg, (byVg.get(lv.vg) ?? 0) + neededBytesOf(o.vgs.find((v) => v.name === lv.vg), lv));
  for (const [name, needed] of byVg) {
    const vg = o.vgs.find((v) => v.name === name);
    if (!vg) throw new FerryError('FACTS_PARSE', `vgs shows no volume group ${name} of ${o.host}`);
    if (vg.freeBytes < needed) throw noSpace(o.host, `volume group ${name}`, vg.freeBytes, needed);
  }
  const create = origins.map((lv) => ['lvcreate', '--snapshot', '--size', `${neededBytesOf(o.vgs.find((v) => v.name === lv.vg), lv)}b`, '--name', snap(lv), `${lv.vg}/${lv.name}`]);
  return { kind: 'classic', create, merge, remove, neededBytes: [...byVg.values()].reduce((a, b) => a + b, 0), freeBytes: o.vgs.filter((v) => byVg.has(v.name)).reduce((a, v) => a + v.freeBytes, 0) };
}

function noSpace(host: string, where: string, free: number, needed: number): FerryError {
  const mib = (b: number): number => Math.floor(b / 2 ** 20);
  return new FerryError('SNAPSHOT_NO_SPACE', `The ${where} of ${host} has ${mib(free)} MiB free, but snapshots kept through the migration need ${mib(needed)} MiB (as large as the volumes they copy)`, {
    hint: 'Extend the volume group (vgextend) or the pool, or migrate without a snapshot (--snapshot none).',
    details: { free, needed },
  });
}
