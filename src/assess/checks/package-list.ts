/**
 * What a package list could not say, said in the report: a list without epochs (plain `rpm -qa`, a
 * sosreport's installed-rpms) had each epoch taken from the target (src/assess/fates.ts), and a list that
 * names a package twice had each counted once. Nothing to say for an rpm database or a host.
 */
import type { Check, Finding } from '../types.js';
import { listSome } from './util.js';

export const packageList: Check = {
  id: 'package-list',
  description: 'Limits of a package list given instead of a host',
  run(input) {
    const list = input.facts.packageList;
    if (!list) return [];
    const out: Finding[] = [];
    if (!list.epochsKnown) {
      const n = input.facts.packages?.length ?? 0;
      out.push({
        key: 'package-list:epochs-unknown', check: 'package-list', severity: 'info', groups: ['packages'],
        title: 'The package list carries no epochs',
        summary: `The ${list.format === 'sosreport' ? 'sosreport\'s installed-rpms' : '`rpm -qa`'} list gives no epoch for its ${n} package${n === 1 ? '' : 's'}. ` +
          `${input.repo ? 'Each was compared' : 'With the target\'s repositories (--repo), each is compared'} with the epoch of the target package of the same name: ` +
          'source and target rebuild the same source package, which keeps its Epoch, so a real epoch does not turn into an upgrade or a downgrade.' +
          (input.repo ? ' The fates say where an epoch was taken.' : ''),
        remediation: { hint: 'For exact fates, list the packages with their epochs on the host.', commands: [['rpm', '-qa', '--qf', '%{NEVRA}\\n']] },
        details: { format: list.format, packages: n },
      });
    }
    if (list.duplicates.length > 0) {
      out.push({
        key: 'package-list:duplicates', check: 'package-list', severity: 'info', groups: ['packages'],
        title: `${list.duplicates.length} package${list.duplicates.length === 1 ? '' : 's'} listed more than once`,
        summary: `The list names ${listSome(list.duplicates)} more than once; each is counted once.`,
        remediation: {
          hint: 'Check how the list was made (files joined twice?); on the host, rpm -qa lists each installed package once.',
          commands: [['rpm', '-qa', '--qf', '%{NEVRA}\\n']],
        },
        details: { duplicates: list.duplicates },
      });
    }
    return out;
  },
};
