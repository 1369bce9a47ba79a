/**
 * The host's architecture is not one the target's repositories carry (an aarch64 host against x86_64
 * mirrors): nearly every package would read as missing, and the migration cannot install anything.
 * The host's arch is uname -m on a live host, else the most common arch of its packages (facts.system).
 */
import { dominantArch } from '../../facts/index.js';
import type { Check, TargetRepoView } from '../types.js';
import { factsAbsent, fatesNotCompared } from './util.js';

const archByPool = new WeakMap<TargetRepoView['pool'], string | null>();

/** The repositories' base arch, once per pool (a fleet runs this check for every host against the same pool). */
function repositoryArch(pool: TargetRepoView['pool']): string | undefined {
  let arch = archByPool.get(pool);
  if (arch === undefined) archByPool.set(pool, (arch = dominantArch(pool.packages) ?? null));
  return arch ?? undefined;
}

export const archMismatch: Check = {
  id: 'arch-mismatch',
  description: 'The target repositories are built for the host\'s architecture',
  notAssessed: (input) => fatesNotCompared(input) ?? (input.facts.system?.arch ? undefined : factsAbsent(input, 'system', 'host architecture')),
  run(input) {
    const host = input.facts.system?.arch;
    if (!input.repo || !host) return [];
    // The repositories' base arch is their most common one: an x86_64 repository also carries i686
    // multilib packages, which an i686 host could not live on. Repositories of noarch packages only fit any host.
    const repoArch = repositoryArch(input.repo.pool);
    if (repoArch === undefined || repoArch === host) return [];
    const missing = input.fates.filter((f) => f.fate === 'missing').length;
    return [{
      key: 'arch-mismatch', check: 'arch-mismatch', severity: 'high', groups: ['inhibitor', 'packages'],
      title: `The host is ${host}, the ${input.target.id} repositories are built for ${repoArch}`,
      summary: `The host's packages are built for ${host}; the repositories given for ${input.target.id} (${input.repo.locations.join(', ')}) ` +
        `are built for ${repoArch}, so ${missing} package${missing === 1 ? '' : 's'} read as missing and nothing could be installed.`,
      remediation: { hint: `Give --repo ${input.target.id}=… the ${host} repositories of ${input.target.id} (the mirror path or URL for ${host}).` },
      details: { hostArch: host, repositoryArch: repoArch, locations: [...input.repo.locations] },
    }];
  },
};
