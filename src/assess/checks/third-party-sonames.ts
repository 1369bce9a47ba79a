/**
 * Third-party packages that need a shared library the target does not carry: their soname requires (facts
 * `relations.sonames`, the soname test of `ferry compare`: rpm/compare.ts isSonameProvide) that no package
 * of the target's repositories provides and no third-party package on the host (they stay installed)
 * provides either. Once the source distribution's provider is synced away such a package cannot load its
 * library, and dnf refuses the distro-sync that would take the library away (or, allowed to erase, removes
 * the package): one inhibitor per package, naming the sonames.
 */
import { relationKey } from '../../facts/index.js';
import { parseNevra } from '../../rpm/nevra.js';
import type { Check, PackageFate } from '../types.js';
import { fatesNotCompared, listSome } from './util.js';

const isThirdParty = (f: PackageFate): boolean => f.fate === 'third-party' || (f.fate === 'erased' && f.thirdParty === true);

export const thirdPartySonames: Check = {
  id: 'third-party-sonames',
  description: 'Shared libraries (sonames) third-party packages need and the target does not provide',
  notAssessed(input) {
    const fates = fatesNotCompared(input);
    if (fates !== undefined) return fates;
    // Without third-party packages there is nothing to look up, whatever the facts carry.
    if (!input.facts.relations?.sonames && input.fates.some(isThirdParty)) return "no soname requires in the facts (the relations section: rpm's requires of each package); collect the host again";
    return undefined;
  },
  run(input) {
    const pool = input.repo?.pool;
    const sonames = input.facts.relations?.sonames;
    if (!pool || !sonames) return [];
    // Third-party packages the transaction keeps, and those it erases because a library goes (dnf --allowerasing).
    const thirdParty = input.fates.filter(isThirdParty).map((f) => ({ fate: f, key: relationKey(parseNevra(f.installed)) }));
    const staying = new Set(thirdParty.filter((t) => t.fate.fate === 'third-party').map((t) => t.key));
    return thirdParty.flatMap(({ fate, key }) => {
      const lacking = (sonames.requires[key] ?? []).filter((s) => pool.whatProvides(s).length === 0 && !(sonames.providers[s] ?? []).some((k) => staying.has(k)));
      if (lacking.length === 0) return [];
      const providers = [...new Set(lacking.flatMap((s) => sonames.providers[s] ?? []))].sort();
      return [{
        key: `third-party-sonames:${fate.name}.${fate.arch}`, check: 'third-party-sonames', severity: 'high' as const, groups: ['inhibitor' as const, 'packages' as const],
        title: `${fate.installed} needs ${lacking.length === 1 ? 'a library' : `${lacking.length} libraries`} ${input.target.id} does not provide`,
        summary: `The third-party package ${fate.installed} requires ${listSome(lacking)}, which no package of the ${input.target.id} repositories provides` +
          `${providers.length ? ` (on the host: ${listSome(providers)})` : ''}: it will not run there, and dnf refuses the distro-sync that takes the library away (allowed to erase, it removes the package).`,
        remediation: {
          hint: `Install a build of ${fate.name} for ${input.target.id} from its vendor (or a package providing ${listSome(lacking, 2)} from a repository given with --repo), or remove it before migrating.`,
          commands: [['rpm', '-q', '--requires', fate.name]],
        },
        details: { package: fate.installed, sonames: lacking, providers },
      }];
    });
  },
};
