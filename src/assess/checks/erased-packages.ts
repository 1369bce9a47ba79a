/**
 * Packages the predicted transaction erases (fate `erased`: a requires the new system no longer satisfies, or a
 * Conflicts of an incoming package), each with the chain that forces it. dnf removes them with --allowerasing;
 * Ferry's migration stops before the point of no return unless each is approved (`ferry migrate --allow-remove
 * NAME`: the transaction gate, src/exec/steps/transaction-gate.ts). One finding per package, a high risk, not an
 * inhibitor: the approval is the operator's, at migration time.
 */
import type { Check } from '../types.js';
import { fatesNotCompared } from './util.js';

export const erasedPackages: Check = {
  id: 'erased-packages',
  description: 'Packages the transaction erases because their dependencies break',
  notAssessed: fatesNotCompared,
  run(input) {
    return input.fates.filter((f) => f.fate === 'erased').map((f) => ({
      key: `erased-packages:${f.name}.${f.arch}`, check: 'erased-packages', severity: 'high' as const, groups: ['packages' as const],
      title: `${f.installed} is erased by the transaction`,
      summary: `dnf removes ${f.thirdParty ? 'the third-party package ' : ''}${f.installed} while migrating to ${input.target.id}: ${f.reason ?? 'its dependencies no longer hold'}.` +
        ' The migration stops before the point of no return unless the removal is approved.',
      remediation: {
        hint: `Install a build of ${f.name} that works with ${input.target.id} (or what it needs, from a repository given with --repo), remove it first, or approve the removal: ferry migrate --allow-remove ${f.name}.`,
        commands: [['rpm', '-q', '--requires', f.name]],
      },
      details: { package: f.installed, chain: f.chain ?? [], ...(f.erasedBy ? { erasedBy: f.erasedBy } : {}) },
    }));
  },
};
