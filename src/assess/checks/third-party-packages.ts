/** Packages not from the source distribution: the migration leaves them, their repos must suit the target. */
import type { Check } from '../types.js';
import { fatesNotCompared, listSome } from './util.js';
import { isCrossMajor } from '../../catalog/index.js';

export const thirdPartyPackages: Check = {
  id: 'third-party-packages',
  description: 'Packages that do not come from the source distribution',
  notAssessed: fatesNotCompared,
  run(input) {
    const fates = input.fates.filter((f) => f.fate === 'third-party');
    if (fates.length === 0) return [];
    const cross = isCrossMajor(input.path);
    return [{
      key: 'third-party-packages', check: 'third-party-packages', severity: cross ? 'medium' : 'low', groups: ['packages', 'repository'],
      title: `${fates.length} third-party package${fates.length === 1 ? '' : 's'}`,
      summary: `Not from the source distribution, left as they are: ${listSome(fates.map((f) => f.installed))}.` +
        (cross ? ` Built for the old major release, they need builds for ${input.target.id}.` : ' Their repositories must also serve the target.'),
      remediation: {
        hint: 'Check each vendor supports the target; point their repositories at builds for it.',
        commands: [['dnf', 'list', 'installed', ...fates.map((f) => f.name)]],
      },
      details: { packages: fates.map((f) => ({ nevra: f.installed, reason: f.reason ?? null })) },
    }];
  },
};
