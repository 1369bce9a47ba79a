/**
 * The storage section: what holds / and /boot (filesystem type, source device, the subvolume or LV), which is
 * what the plan's snapshot step is chosen by (Btrfs root: a subvolume snapshot; LVM root: an LV snapshot).
 * One `findmnt -J -v` (util-linux) per path: `-v` prints the device without its `[/subvolume]` suffix, whose
 * subvolume is the FSROOT column. When either is a device-mapper node (/dev/mapper/…) and lvm2 is installed,
 * the `lvs` and `vgs` reports too (LVS_ARGV, VGS_ARGV: the LVs, their pools, the VGs' free space).
 */
import { LVS_ARGV, parseLvs, parseVgs, VGS_ARGV, type LvmReports } from '../lvm.js';
import { readFindmntJson, type FindmntFilesystem } from '../parse-findmnt.js';
import { defineSection } from './section.js';

declare module '../types.js' { interface SectionFacts { storage?: StorageFacts } }

export interface MountSource {
  /** The path asked about: / or /boot. */
  path: string;
  fstype: string;
  /** The device (`/dev/vda2`, `/dev/mapper/cs-root`, `/dev/loop3`). */
  source: string;
  /** The mounted directory of the filesystem (`/` on Btrfs mounted at its top level, `/root` for subvol=root). */
  fsroot: string;
}

export interface StorageFacts {
  mounts: MountSource[];
  /** lvm2's reports, when / or /boot is on device-mapper and lvs/vgs ran; `lvmError`: why they could not be read. */
  lvm?: LvmReports;
  lvmError?: string;
}

/** Reads `findmnt -J -v -o SOURCE,FSTYPE,FSROOT` output lines, each prefixed with `PATH<TAB>` (one JSON document per path). */
export function parseStorage(body: string): StorageFacts {
  const mounts: MountSource[] = [];
  const reports: Record<string, string> = {};
  for (const line of body.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const path = line.slice(0, tab);
    if (path === 'lvs' || path === 'vgs') { reports[path] = line.slice(tab + 1); continue; }
    let fs: FindmntFilesystem | undefined;
    try { fs = readFindmntJson(line.slice(tab + 1))[0]; } catch { continue; }
    if (!fs || typeof fs.fstype !== 'string' || typeof fs.source !== 'string') continue;
    mounts.push({ path, fstype: fs.fstype, source: fs.source, fsroot: typeof fs.fsroot === 'string' ? fs.fsroot : '/' });
  }
  if (reports.lvs === undefined) return { mounts };
  try {
    return { mounts, lvm: { lvs: parseLvs(reports.lvs), vgs: parseVgs(reports.vgs ?? '') } };
  } catch (e) {
    return { mounts, lvmError: (e as Error).message };
  }
}

export const storageSection = defineSection({
  name: 'storage',
  read: (input) => ({ value: parseStorage(input.output('storage')?.body ?? '') }),
  script: String.raw`
s_storage() {
  command -v findmnt >/dev/null 2>&1 || return 0
  dm=
  for p in / /boot; do
    [ -e "$R$p" ] || continue
    line1 "$(findmnt -J -v -o SOURCE,FSTYPE,FSROOT --target "$R$p")"
    printf '%s\t%s\n' "$p" "$J"
    case "$J" in *'"/dev/mapper/'*) dm=1 ;; esac
  done
  [ -n "$dm" ] && command -v lvs >/dev/null 2>&1 || return 0
  line1 "$(${LVS_ARGV.join(' ')} 2>/dev/null)"; printf 'lvs\t%s\n' "$J"
  line1 "$(${VGS_ARGV.join(' ')} 2>/dev/null)"; printf 'vgs\t%s\n' "$J"
}
# line1 TEXT: J = TEXT's lines joined by spaces (JSON is the same document; no tr process). Word splitting on
# newlines only, globbing off while the words are unquoted.
line1() {
  _ifs=$IFS; IFS='
'; set -f; set -- $1; IFS=' '; J="$*"; IFS=$_ifs; set +f
}`,
});
