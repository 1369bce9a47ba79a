/**
 * LVM reports as facts: `lvs`/`vgs` JSON reports (`--reportformat json`, lvmreport(7)) read into logical volumes
 * and volume groups, sizes in bytes. Gathered by the storage section when / or /boot is a device-mapper node;
 * the snapshot rule that decides from them is the plan's (src/plan/lvm-snapshot.ts), the commands run by
 * src/exec/snapshots/lvm.ts. This machine has no device-mapper: the readers are tested against a captured real
 * `lvs` report and samples in lvm2's documented format (src/exec/snapshots/fixtures/README.md).
 */
import { FerryError } from '../core/index.js';

export const LVS_ARGV = ['lvs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'lv_name,vg_name,lv_attr,lv_size,pool_lv,origin,data_percent,lv_dm_path'];
export const VGS_ARGV = ['vgs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'vg_name,vg_size,vg_free,vg_extent_size'];

export interface LogicalVolume { name: string; vg: string; attr: string; sizeBytes: number; pool: string; origin: string; dataPercent: number | null; dmPath: string }
/** `extentBytes`: null when the report lacks vg_extent_size (then sizes are not rounded up to whole extents). */
export interface VolumeGroup { name: string; sizeBytes: number; freeBytes: number; extentBytes: number | null }
export interface LvmReports { lvs: LogicalVolume[]; vgs: VolumeGroup[] }

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

/**
 * A size in bytes: digits, as `--units b --nosuffix` prints them, or with the `B` lvm2 appends under `--units b`
 * alone (a captured report, fixtures/vgs-liteio-captured.json). Any other unit (`21.00g`) is refused, not converted.
 */
function bytes(row: Record<string, unknown>, field: string, what: string): number {
  const v = str(row, field, what);
  const m = /^(\d+)B?$/.exec(v);
  if (!m) throw new FerryError('FACTS_PARSE', `${what}: ${field} ${JSON.stringify(v)} is not a byte count (run it with --units b --nosuffix)`);
  return Number(m[1]);
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
