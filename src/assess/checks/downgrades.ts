/** Packages the target carries only at an older version: distro-sync downgrades them. */
import type { Check } from '../types.js';
import { fatesNotCompared, listSome } from './util.js';

export const downgrades: Check = {
  id: 'downgrades',
  description: 'Packages the migration would downgrade',
  notAssessed: fatesNotCompared,
  run(input) {
    const down = input.fates.filter((f) => f.fate === 'downgrade');
    if (down.length === 0) return [];
    const pairs = down.map((f) => `${f.installed} → ${f.target?.[0] ?? '?'}`);
    return [{
      key: 'downgrades', check: 'downgrades', severity: 'medium', groups: ['packages'],
      title: `${down.length} package${down.length === 1 ? '' : 's'} would be downgraded`,
      summary: `${input.target.id} has older builds than the host: ${listSome(pairs, 4)}. ` +
        'A downgrade can lose fixes and break data or configuration written by the newer version.',
      remediation: {
        hint: 'Wait for the target to catch up, or review each downgrade (changelog, data formats) before migrating.',
        commands: [['rpm', '-q', '--changelog', ...down.slice(0, 10).map((f) => f.name)]],
      },
      details: { packages: down.map((f) => ({ installed: f.installed, target: f.target ?? [] })) },
    }];
  },
};
