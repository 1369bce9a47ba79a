/**
 * 32-bit (multilib) packages: carried only where the target ships them, and a frequent source of conflicts. Where
 * the vendor documents i686 rpms as unsupported for the path (CentOS → OpenCloudOS/TencentOS: "安装了i686的 rpm 包"),
 * an inhibitor quoting it, whatever the target carries.
 */
import type { Check } from '../types.js';
import { formatNevra } from '../../rpm/nevra.js';
import { factsAbsent, listSome, vendorBlocker } from './util.js';

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
    const blocker = vendorBlocker(input, 'i686-packages');
    return [{
      key: 'i686-packages', check: 'i686-packages', severity: blocker ? 'high' : missing.length ? 'medium' : 'low', groups: blocker ? ['inhibitor', 'packages'] : ['packages'],
      title: `${pkgs.length} 32-bit package${pkgs.length === 1 ? '' : 's'} installed${blocker ? `: the vendor does not support ${input.path?.from} → ${input.target.id} with them` : ''}`,
      summary: `32-bit packages: ${listSome(nevras)}.` +
        (blocker ? ` The vendor's migration guide lists them as unsupported: ${blocker.note} [${blocker.source}].`
          : missing.length ? ` ${missing.length} of them have no counterpart in ${input.target.id}: ${listSome(missing)}.` : ` ${input.target.id} carries the multilib set for them.`),
      remediation: {
        hint: blocker ? 'Remove every 32-bit package before migrating (the vendor\'s guide requires it), or choose another target.'
          : 'Remove 32-bit packages nothing needs before migrating; keep only those a workload uses.',
        commands: [['rpm', '-qa', '--qf', '%{NAME}.%{ARCH}\\n'], ...(missing.length ? [['dnf', 'remove', ...pkgs.filter((p) => missing.includes(formatNevra(p))).map((p) => `${p.name}.${p.arch}`)]] : [])],
      },
      details: { packages: nevras, noCounterpart: missing },
    }];
  },
};
