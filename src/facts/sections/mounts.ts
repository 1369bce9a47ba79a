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
  script: String.raw`
s_mounts() {
  for p in / /var /boot /usr; do
    [ -e "$R$p" ] || continue
    printf '%s\t' "$p"; df -P -k "$R$p" | sed -n '2p'
  done
}`,
});
