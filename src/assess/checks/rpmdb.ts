/** A broken or inconsistent rpm database: every package operation of the migration depends on it. */
import type { Check } from '../types.js';
import { factsAbsent } from './util.js';

export const rpmdb: Check = {
  id: 'rpmdb',
  description: 'The rpm database can be read and verifies',
  notAssessed: (input) => (input.facts.rpmdb ? undefined : factsAbsent(input, 'rpmdb', 'rpm database facts')),
  run(input) {
    const r = input.facts.rpmdb;
    if (!r) return [];
    const problems = [...r.problems];
    if (!r.healthy && problems.length === 0) problems.push(`rpm -qa failed${r.queryExitCode !== undefined ? ` (exit ${r.queryExitCode})` : ''}`);
    if (r.verifyExitCode !== undefined && r.verifyExitCode !== 0) problems.push(`rpm --verifydb exited ${r.verifyExitCode}`);
    if (problems.length === 0) return [];
    return [{
      key: 'rpmdb', check: 'rpmdb', severity: 'high', groups: ['inhibitor', 'packages'],
      title: 'The rpm database has problems',
      summary: `${problems.join('; ')}. A migration replaces most packages and must not start on a damaged database.`,
      remediation: {
        hint: 'Back up /var/lib/rpm, rebuild the database and verify again.',
        commands: [['cp', '-a', '/var/lib/rpm', '/var/lib/rpm.bak'], ['rpm', '--rebuilddb'], ['rpm', '-qa', '--quiet']],
      },
      details: { backend: r.backend ?? null, problems, queryExitCode: r.queryExitCode ?? null, verifyExitCode: r.verifyExitCode ?? null },
    }];
  },
};
