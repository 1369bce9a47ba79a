/**
 * Source-distribution packages with no counterpart in the target: they stay installed, unmaintained. The
 * ones the vendor swap removes on purpose (fate missing via vendor-swap) do not stay: they are not listed.
 */
import type { Check } from '../types.js';
import { leftBehind } from '../fates.js';
import { fatesNotCompared, listSome } from './util.js';

export const missingPackages: Check = {
  id: 'missing-packages',
  description: 'Packages of the source distribution the target does not carry',
  notAssessed: fatesNotCompared,
  run(input) {
    if (!input.repo) return [];
    // erased packages do not stay: they are erased-packages' findings (leftBehind counts them as lost for the ranking)
    const missing = leftBehind(input.fates).filter((f) => f.fate === 'missing');
    if (missing.length === 0) return [];
    return [{
      key: 'missing-packages', check: 'missing-packages', severity: missing.length > 20 ? 'high' : 'medium', groups: ['packages'],
      title: `${missing.length} package${missing.length === 1 ? '' : 's'} with no counterpart in ${input.target.id}`,
      summary: `No package in ${input.target.id}'s repositories takes the place of: ${listSome(missing.map((f) => f.installed))}. ` +
        'They stay installed from the old distribution and receive no more updates.',
      remediation: {
        hint: 'Remove those nothing needs; for the others find a replacement (another repository, a different package).',
        commands: [['dnf', 'repoquery', '--installed', '--whatrequires', ...missing.slice(0, 20).map((f) => f.name)]],
      },
      details: { packages: missing.map((f) => ({ nevra: f.installed, reason: f.reason ?? null })) },
    }];
  },
};
