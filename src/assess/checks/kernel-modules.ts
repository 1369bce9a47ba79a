/** Loaded out-of-tree, unsigned or proprietary kernel modules: they must be rebuilt for the target kernel. */
import type { Check } from '../types.js';
import { factsAbsent, factsOrigin, listSome } from './util.js';
import { isCrossMajor } from '../../catalog/index.js';

export const kernelModules: Check = {
  id: 'kernel-modules',
  description: 'Out-of-tree, unsigned or proprietary kernel modules are loaded',
  notAssessed(input) {
    if (!input.facts.kernel) return factsAbsent(input, 'kernel', 'kernel facts');
    // collect reads /proc/modules only on a live host; elsewhere the empty list means "not read"
    if (input.facts.source !== 'live') return `loaded modules (/proc/modules) exist only on a running host; these facts come from ${factsOrigin(input)}`;
    return undefined;
  },
  run(input) {
    const k = input.facts.kernel;
    const mods = (k?.loadedModules ?? []).filter((m) => m.outOfTree || m.unsigned || m.proprietary);
    if (mods.length === 0) return [];
    const describe = (m: (typeof mods)[number]): string =>
      `${m.name} (${[m.outOfTree && 'out-of-tree', m.unsigned && 'unsigned', m.proprietary && 'proprietary'].filter(Boolean).join(', ')})`;
    const cross = isCrossMajor(input.path);
    return [{
      key: 'kernel-modules', check: 'kernel-modules', severity: 'high', groups: cross ? ['inhibitor', 'kernel'] : ['kernel'],
      title: `${mods.length} third-party kernel module${mods.length === 1 ? '' : 's'} loaded`,
      summary: `Loaded modules not built with the distribution kernel: ${listSome(mods.map(describe))}. ` +
        `They will not load on ${input.target.id}'s kernel unless rebuilt for it (DKMS, kmod packages)` +
        (input.facts.boot?.secureBoot === 'enabled' ? ' and signed with a key enrolled for Secure Boot.' : '.'),
      remediation: {
        hint: 'Get builds for the target kernel from the module vendor, or set up DKMS; unload modules nothing needs.',
        commands: [['modinfo', ...mods.slice(0, 10).map((m) => m.name)], ['cat', '/proc/sys/kernel/tainted']],
      },
      details: { modules: mods.map((m) => ({ name: m.name, taint: m.taint })), tainted: k?.tainted?.flags ?? [] },
    }];
  },
};
