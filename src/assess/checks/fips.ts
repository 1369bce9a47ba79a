/**
 * FIPS mode enabled: crypto policies and the FIPS-validated modules differ per vendor and release.
 * Leapp refuses in-place upgrades of RHEL 7 hosts in FIPS mode (checkfips actor); a same-major swap
 * keeps FIPS but the new vendor's modules carry their own (or no) validation.
 */
import type { Check } from '../types.js';
import { factsAbsent, factsOrigin } from './util.js';
import { isCrossMajor } from '../../catalog/index.js';

export const fips: Check = {
  id: 'fips',
  description: 'The kernel runs in FIPS mode',
  notAssessed(input) {
    const s = input.facts.security;
    if (!s) return factsAbsent(input, 'security', 'security facts');
    if (s.fips === 'unknown') {
      return `FIPS mode could not be read from ${factsOrigin(input)}: /proc/sys/crypto/fips_enabled exists only on a running host, and there is no /etc/system-fips marker`;
    }
    return undefined;
  },
  run(input) {
    if (input.facts.security?.fips !== 'enabled') return [];
    const cross = isCrossMajor(input.path) && input.source?.major === 7;
    return [{
      key: 'fips', check: 'fips', severity: 'high', groups: cross ? ['inhibitor', 'security'] : ['security'],
      title: 'FIPS mode is enabled',
      summary: cross
        ? `The host runs in FIPS mode; an in-place upgrade from ${input.source?.id} with FIPS enabled is not supported.`
        : `The host runs in FIPS mode. ${input.target.distributionInfo.name}'s cryptographic modules carry their own certification status; compliance must be re-established after the migration.`,
      remediation: {
        hint: cross ? 'Disable FIPS mode for the upgrade and enable it again on the target.' : 'Check the target vendor\'s FIPS validation before migrating a compliance-bound host.',
        commands: [['fips-mode-setup', '--check'], ['cat', '/proc/sys/crypto/fips_enabled']],
      },
    }];
  },
};
