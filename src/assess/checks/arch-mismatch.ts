/**
 * The host's architecture is not one the target's repositories carry (an aarch64 host against x86_64
 * mirrors): nearly every package would read as missing, and the migration cannot install anything.
 * The host's arch is uname -m on a live host, else the most common arch of its packages (facts.system).
 */
import type { Check } from '../types.js';
import { factsAbsent, fatesNotCompared } from './util.js';

/** Arches that say nothing about the machine: noarch packages and source packages. */
const NEUTRAL = new Set(['noarch', 'src', 'nosrc']);

export const archMismatch: Check = {
  id: 'arch-mismatch',
  description: 'The target repositories carry packages for the host\'s architecture',
  notAssessed: (input) => fatesNotCompared(input) ?? (input.facts.system?.arch ? undefined : factsAbsent(input, 'system', 'host architecture')),
  run(input) {
    const host = input.facts.system?.arch;
    if (!input.repo || !host) return [];
    const arches = new Set<string>();
    for (const p of input.repo.pool.packages) if (!NEUTRAL.has(p.arch)) arches.add(p.arch);
    // Repositories of noarch packages only fit every host.
    if (arches.size === 0 || arches.has(host)) return [];
    const repoArches = [...arches].sort();
    const missing = input.fates.filter((f) => f.fate === 'missing').length;
    return [{
      key: 'arch-mismatch', check: 'arch-mismatch', severity: 'high', groups: ['inhibitor', 'packages'],
      title: `The host is ${host}, the ${input.target.id} repositories carry ${repoArches.join(', ')}`,
      summary: `The host's packages are built for ${host}; the repositories given for ${input.target.id} (${input.repo.locations.join(', ')}) ` +
        `hold packages for ${repoArches.join(', ')} only, so ${missing} package${missing === 1 ? '' : 's'} read as missing and nothing could be installed.`,
      remediation: { hint: `Give --repo ${input.target.id}=… the ${host} repositories of ${input.target.id} (the mirror path or URL for ${host}).` },
      details: { hostArch: host, repositoryArches: repoArches, locations: [...input.repo.locations] },
    }];
  },
};
