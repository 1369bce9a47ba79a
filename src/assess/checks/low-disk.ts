/**
 * Free space against the target's documented need per directory: the catalog path's `resources.diskMiB`
 * (migrate2rocky's dir_space_map, centos2ol's /var/cache, OpenCloudOS's /), else migrate2rocky's
 * dir_space_map (/usr 250, /var 1536, /boot 50 MiB) as the default, said so in the finding. Each
 * directory is checked on the mount that holds it; directories on one mount add up.
 */
import type { MountFacts } from '../../facts/types.js';
import type { Check, Finding } from '../types.js';
import { factsAbsent } from './util.js';

export const DEFAULT_DISK_MIB: Record<string, number> = { '/usr': 250, '/var': 1536, '/boot': 50 };

/** The mount holding `dir`: the fact for the longest path that is `dir` or a parent of it. */
function mountOf(mounts: MountFacts[], dir: string): MountFacts | undefined {
  let best: MountFacts | undefined;
  for (const m of mounts) {
    const p = m.path === '/' ? '/' : m.path.replace(/\/+$/, '');
    if ((dir === p || dir.startsWith(p === '/' ? '/' : `${p}/`)) && (!best || p.length > best.path.length)) best = m;
  }
  return best;
}

export const lowDisk: Check = {
  id: 'low-disk',
  description: 'Free disk space meets the target\'s documented need per directory',
  notAssessed: (input) => (input.facts.mounts?.length ? undefined : factsAbsent(input, 'mounts', 'free-space facts (df)')),
  run(input) {
    const mounts = input.facts.mounts;
    if (!mounts || mounts.length === 0) return [];
    const path = input.path;
    const documented = path?.resources?.diskMiB;
    const need = documented?.value ?? DEFAULT_DISK_MIB;
    const basis = documented?.value ? `the documented need for this path (${documented.note ?? documented.source})`
      : 'a default (migrate2rocky\'s dir_space_map); the catalog has no figure for this path';
    // directories on the same mount share its free space
    const byMount = new Map<string, { mount: MountFacts; dirs: string[]; needMiB: number }>();
    for (const [dir, mib] of Object.entries(need)) {
      const m = mountOf(mounts, dir);
      if (!m) continue;
      const e = byMount.get(m.mountPoint) ?? { mount: m, dirs: [], needMiB: 0 };
      e.dirs.push(dir);
      e.needMiB += mib;
      byMount.set(m.mountPoint, e);
    }
    const out: Finding[] = [];
    for (const { mount, dirs, needMiB } of byMount.values()) {
      const freeMiB = Math.floor(mount.availableKiB / 1024);
      if (freeMiB >= needMiB) continue;
      out.push({
        key: `low-disk:${mount.mountPoint}`, check: 'low-disk', severity: 'high', groups: ['inhibitor', 'hardware'],
        title: `Not enough free space on ${mount.mountPoint}: ${freeMiB} MiB, ${needMiB} MiB needed`,
        summary: `${dirs.join(', ')} ${dirs.length === 1 ? 'is' : 'are'} on ${mount.mountPoint} (${mount.filesystem}) with ${freeMiB} MiB free; ` +
          `${needMiB} MiB is needed, per ${basis}.`,
        remediation: {
          hint: `Free or add at least ${needMiB - freeMiB} MiB on ${mount.mountPoint} (old kernels, dnf cache, logs).`,
          commands: [['df', '-h', mount.mountPoint], ['dnf', 'clean', 'all']],
        },
        details: { mountPoint: mount.mountPoint, directories: dirs, freeMiB, neededMiB: needMiB, source: documented?.value ? documented.source : 'default:migrate2rocky' },
      });
    }
    return out;
  },
};
