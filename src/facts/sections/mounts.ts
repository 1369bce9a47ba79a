/** The mounts section: size and free space of the filesystems holding /, /var, /boot and /usr (df -P). */
import { parseDfLines } from '../parse-system.js';
import { defineSection } from './section.js';

declare module '../types.js' { interface SectionFacts { mounts?: MountFacts[] } }

export interface MountFacts {
  /** The path asked about: /, /var, /boot, /usr. */
  path: string;
  /** The mount point that holds it (from df -P). */
  mountPoint: string;
  filesystem: string;
  sizeKiB: number;
  usedKiB: number;
  availableKiB: number;
}

export const mountsSection = defineSection({
  name: 'mounts',
  read: (input) => ({ value: parseDfLines(input.output('mounts')?.body ?? '', input.root) }),
  // One df for every path (POSIX format: a header, then one line per operand, in order) instead of a df and a
  // sed per path; should that df fail (one path unreadable), the per-path loop prints what it always did. The
  // lines are read from a here-document, not a pipe: no subshell.
  script: String.raw`
s_mounts() {
  ps=; set --
  for p in / /var /boot /usr; do [ -e "$R$p" ] && { ps="$ps $p"; set -- "$@" "$R$p"; }; done
  [ $# -gt 0 ] || return 0
  if o=$(df -P -k "$@" 2>/dev/null); then
    { read -r l; for p in $ps; do IFS= read -r l; printf '%s\t%s\n' "$p" "$l"; done; } <<EOF
$o
EOF
    return 0
  fi
  for p in $ps; do
    printf '%s\t' "$p"; df -P -k "$R$p" | sed -n '2p'
  done
}`,
});
