/** 32-bit (multilib) packages: carried only where the target ships them, and a frequent source of conflicts. */
import type { Check } from '../types.js';
import { formatNevra } from '../../rpm/nevra.js';
import { factsAbsent, listSome } from './util.js';

const ARCH_32 = new Set(['i386', 'i486', 'i586', 'i686', 'athlon']);

export const i686Packages: Check = {
  id: 'i686-packages',
  description: '32-bit x86 packages installed on a 64-bit host',
  notAssessed: (input) => (input.facts.packages ? undefined : factsAbsent(input, 'packages', 'installed packages')),
  run(input) {
    const pkgs = (input.facts.packages ?? []).filter((p) => ARCH_32.has(p.arch));
    if (pkgs.length === 0) return [];
    const nevras = pkgs.map((p) => formatNevra(p));
    const missing = input.fates.filter((f) => ARCH_32.has(f.arch) && (f.fate === 'missing' || f.fate === 'third-party')).map((f) => f.installed);
    return [{
      key: 'i686-packages', check: 'i686-packages', severity: missing.length ? 'medium' : 'low', groups: ['packages'],
      title: `${pkgs.length} 32-bit package${pkgs.length === 1 ? '' : 's'} installed`,
      summary: `32-bit packages: ${listSome(nevras)}.` +
        (missing.length ? ` ${missing.length} of them have no counterpart in ${input.target.id}: ${listSome(missing)}.` : ` ${input.target.id} carries the multilib set for them.`),
      remediation: {
        hint: 'Remove 32-bit packages nothing needs before migrating; keep only those a workload uses.',
        commands: [['rpm', '-qa', '--qf', '%{NAME}.%{ARCH}\\n'], ...(missing.length ? [['dnf', 'remove', ...pkgs.filter((p) => missing.includes(formatNevra(p))).map((p) => `${p.name}.${p.arch}`)]] : [])],
      },
      details: { packages: nevras, noCounterpart: missing },
    }];
  },
};
