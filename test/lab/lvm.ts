// A lab host "on LVM", for the LVM snapshot provider. This machine has no device-mapper, so LVM itself is NOT run:
//
// SIMULATED: lvm2's commands. `lvs`, `vgs`, `lvcreate`, `lvconvert`, `lvremove` are small scripts on the lab
// host's PATH (sshd `SetEnv PATH`) that record their argv (one line each in `log`) and print lvm2's output: `lvs`
// a captured real report (src/exec/snapshots/fixtures/README.md): layout `ghaf` (the default) prints
// lvs-ghaf-captured.json as `lvs` and, as `vgs`, a report in lvm2's shape whose free space the test sets (the
// captured host printed none); layout `liteio` prints a captured lvs/vgs pair of one real host, figures and all. `lvcreate` makes the snapshot a directory
// (a `cp -a` of the host's root for the root LV: what the snapshot holds), `lvconvert --merge` marks it to be
// merged, `lvremove` deletes it. `findmnt` (for the storage facts' query of / and /boot) answers that they are
// the device-mapper nodes of the root and boot LVs, and `mount` of a snapshot's node bind-mounts its directory:
// both bind-mounted over /usr/bin in the sshd's private mount namespace only, every other use passed to the real
// tool. The reboot (`rebootScript`) drops the SSH connections, does the merges lvm2 does at the next activation
// (the root replaced by its snapshot's copy, the snapshots gone) and writes a new boot id.
// REAL: sshd, Ferry's transport, journal, reboot boundary and host-state digests, rpm, dnf and the lab root.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FIXTURES = join(import.meta.dirname, '..', '..', 'src', 'exec', 'snapshots', 'fixtures');

export interface LvmLab {
  dir: string;
  /** For lab().sshHost: the private mount namespace with findmnt and mount overlaid, and PATH with the lvm2 scripts. */
  sshd: { wrapper: string[]; extraConfig: string[] };
  /** Tells the scripts where the host's root is (known once the lab host exists). */
  setRoot(root: string): void;
  /** Layout `ghaf`: the volume group `pool`'s free bytes as vgs reports them (the first call: the facts); `next`: from the second call on. */
  setVgFree(bytes: number, next?: number): void;
  /** Makes the `lvcreate` of the snapshot of origin LV `lv` (e.g. verity_empty) fail as lvm2 does on a short volume group. */
  failCreate(lv: string): void;
  /** The argv lines recorded, lvm2's commands and the reboot. */
  log(): string[];
  /** The snapshots that exist now (their LV names). */
  snapshots(): string[];
  /** LAB SIMULATION of the host's reboot (see above), the host's `--reboot-command '["sh", script]'`. */
  rebootScript(o: { sshdPid: number; bootIdFile: string; downSeconds: number }): string;
  dispose(): void;
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The LVs of a captured report that hold / and /boot. `dm`: the VG's part of the device-mapper names, as lvm2
 * spells it (hyphens doubled). `vgs`: the captured vgs report, or null when the host printed none.
 */
const LAYOUTS = {
  ghaf: { lvs: 'lvs-ghaf-captured.json', vgs: null, vg: 'pool', dm: 'pool', root: 'root_empty', boot: 'verity_empty' },
  liteio: { lvs: 'lvs-liteio-captured.json', vgs: 'vgs-liteio-captured.json', vg: 'obnvmf-vg', dm: 'obnvmf--vg', root: 'testlv', boot: null },
} as const;
export type LvmLayout = keyof typeof LAYOUTS;

/**
 * Layout `ghaf`: `/` on pool/root_empty (xfs) and /boot on it too, or with `boot` on pool/verity_empty (ext4).
 * Layout `liteio`: `/` (and /boot) on obnvmf-vg/testlv, the only LV of that host; its vgs is the captured one.
 */
export function createLvmLab(o: { boot: boolean; layout?: LvmLayout }): LvmLab {
  const L = LAYOUTS[o.layout ?? 'ghaf'];
  if (o.boot && L.boot === null) throw new Error(`lab LVM layout ${o.layout}: the captured host has no LV for a separate /boot`);
  const dir = mkdtempSync(join(tmpdir(), 'ferry-lvm-'));
  const bin = join(dir, 'bin');
  const over = join(dir, 'over');
  for (const d of [bin, over, join(dir, 'snap')]) mkdirSync(d);
  copyFileSync(join(FIXTURES, L.lvs), join(dir, 'lvs.json'));
  if (L.vgs) copyFileSync(join(FIXTURES, L.vgs), join(dir, 'vgs.json'));
  copyFileSync('/usr/bin/findmnt', join(dir, 'findmnt.real'));
  copyFileSync('/usr/bin/mount', join(dir, 'mount.real'));
  const D = q(dir);
  const head = `#!/bin/sh\nD=${D}\n{ printf '%s' "$(basename "$0")"; for a; do printf ' %s' "$a"; done; printf '\\n'; } >> "$D/log"\n`;
  const lastArg = 'for a; do last=$a; done\n';
  const scripts: Record<string, string> = {
    // `lvs VG/LV`: whether that LV exists (exit 5 and lvm2's message when not); otherwise the captured report.
    lvs: `${lastArg}case "$last" in
  */*) n=\${last#*/}; [ -d "$D/snap/$n" ] && { echo "  $n"; exit 0; }; echo "  Failed to find logical volume \\"$last\\"" >&2; exit 5 ;;
esac
cat "$D/lvs.json"\n`,
    vgs: `cat "$D/vgs.json"\n[ -e "$D/vgs-next.json" ] && mv "$D/vgs-next.json" "$D/vgs.json"\nexit 0\n`,
    lvcreate: `${lastArg}name=; prev=
for a; do [ "$prev" = --name ] && name=$a; prev=$a; done
[ -n "$name" ] || { echo "lab lvcreate: no --name" >&2; exit 3; }
if [ -e "$D/fail-\${name##*-}" ]; then echo '  Volume group "pool" has insufficient free space (1535 extents): 12800 required.' >&2; exit 5; fi
mkdir "$D/snap/$name" || exit 5
[ "$last" = "$(cat "$D/root-lv")" ] && cp -a "$(cat "$D/root")/." "$D/snap/$name/"
echo "  Logical volume \\"$name\\" created."\n`,
    lvconvert: `${lastArg}n=\${last#*/}
[ -d "$D/snap/$n" ] || { echo "  Failed to find logical volume \\"$last\\"" >&2; exit 5; }
touch "$D/merge-$n"
echo "  Delaying merge since origin is open."
echo "  Merging of snapshot $last will occur on next activation."\n`,
    lvremove: `${lastArg}n=\${last#*/}
[ -d "$D/snap/$n" ] || { echo "  Failed to find logical volume \\"$last\\"" >&2; exit 5; }
rm -rf "$D/snap/$n"
echo "  Logical volume \\"$n\\" successfully removed."\n`,
  };
  for (const [name, body] of Object.entries(scripts)) writeFileSync(join(bin, name), head + body, { mode: 0o755 });
  const fs = (source: string, fstype: string): string => `{"filesystems": [{"source": "${source}", "fstype": "${fstype}", "fsroot": "/"}]}`;
  writeFileSync(join(over, 'findmnt'), `#!/bin/sh
D=${D}; R=$(cat "$D/root")
if [ "$*" = "-J -v -o SOURCE,FSTYPE,FSROOT --target $R/" ]; then echo '${fs(`/dev/mapper/${L.dm}-${L.root}`, 'xfs')}'; exit 0; fi
if [ "$*" = "-J -v -o SOURCE,FSTYPE,FSROOT --target $R/boot" ]; then echo '${o.boot ? fs(`/dev/mapper/${L.dm}-${L.boot}`, 'ext4') : fs(`/dev/mapper/${L.dm}-${L.root}`, 'xfs')}'; exit 0; fi
exec "$D/findmnt.real" "$@"\n`, { mode: 0o755 });
  // A snapshot's node /dev/mapper/<vg>-<name, hyphens doubled>: its directory, bind-mounted.
  writeFileSync(join(over, 'mount'), `#!/bin/sh
D=${D}; dev=; for a; do case "$a" in /dev/mapper/${L.dm}-ferry*) dev=$a ;; esac; last=$a; done
if [ -n "$dev" ]; then
  { printf 'mount'; for a; do printf ' %s' "$a"; done; printf '\\n'; } >> "$D/log"
  n=$(printf '%s' "\${dev#/dev/mapper/${L.dm}-}" | sed 's/--/-/g')
  exec "$D/mount.real" --bind "$D/snap/$n" "$last"
fi
exec "$D/mount.real" "$@"\n`, { mode: 0o755 });
  writeFileSync(join(dir, 'root-lv'), `${L.vg}/${L.root}`);
  writeFileSync(join(dir, 'log'), '');
  const wrapper = ['unshare', '--mount', '--propagation', 'private', 'sh', '-c',
    'mount --bind "$0/over/findmnt" /usr/bin/findmnt && mount --bind "$0/over/mount" /usr/bin/mount && exec "$@"', dir];
  const vgs = (free: number): string => JSON.stringify({ report: [{ vg: [{ vg_name: 'pool', vg_size: '1000204886016', vg_free: String(free), vg_extent_size: '4194304' }] }] });
  return {
    dir,
    sshd: { wrapper, extraConfig: [`SetEnv PATH=${bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`] },
    setRoot: (root) => writeFileSync(join(dir, 'root'), root),
    setVgFree(bytes, next) {
      if (L.vgs) throw new Error('lab LVM: this layout prints the captured vgs report; its free space is the host\'s');
      writeFileSync(join(dir, 'vgs.json'), vgs(bytes));
      if (next !== undefined) writeFileSync(join(dir, 'vgs-next.json'), vgs(next));
    },
    failCreate: (lv) => writeFileSync(join(dir, `fail-${lv}`), ''),
    log: () => readFileSync(join(dir, 'log'), 'utf8').split('\n').filter(Boolean),
    snapshots: () => readdirSync(join(dir, 'snap')).sort(),
    rebootScript(r) {
      const path = join(dir, 'lab-reboot.sh');
      const root = readFileSync(join(dir, 'root'), 'utf8');
      const body = [
        `echo reboot >> ${q(join(dir, 'log'))}`,
        `pkill -KILL -P ${r.sshdPid}`,
        `sleep ${r.downSeconds}`,
        // lvm2 at the next activation: each marked snapshot merged into its origin, then gone.
        `for m in ${q(dir)}/merge-*; do [ -e "$m" ] || continue; n=\${m##*/merge-}`,
        `  if [ -n "$(ls -A ${q(dir)}/snap/"$n")" ]; then find ${q(root)} -mindepth 1 -maxdepth 1 -exec rm -rf {} + && cp -a ${q(dir)}/snap/"$n"/. ${q(root)}/; fi`,
        `  rm -rf ${q(dir)}/snap/"$n" "$m"; done`,
        `cat /proc/sys/kernel/random/uuid > ${q(r.bootIdFile)}.new && mv ${q(r.bootIdFile)}.new ${q(r.bootIdFile)}`,
      ].join('\n');
      writeFileSync(path, `#!/bin/sh\n# LAB SIMULATION of a reboot with LVM merges (test/lab/lvm.ts)\nsetsid -f sh -c ${q(body)} </dev/null >/dev/null 2>&1\n`, { mode: 0o755 });
      return path;
    },
    dispose: () => { if (existsSync(dir)) rmSync(dir, { recursive: true, force: true }); },
  };
}
