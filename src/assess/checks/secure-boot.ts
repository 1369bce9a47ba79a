/**
 * UEFI Secure Boot enabled: the target's shim, GRUB and kernel must be signed by a key the firmware
 * trusts, and out-of-tree modules must be signed too. migrate2rocky refused to run with Secure Boot
 * on ("EFI Secure Boot is enabled but Rocky Linux doesn't provide a signed shim yet", rocky-tools
 * migrate2rocky.sh collect_system_info); Leapp inhibits in-place upgrades with Secure Boot enabled.
 */
import type { Check } from '../types.js';
import { factsAbsent } from './util.js';
import { isCrossMajor } from '../../catalog/index.js';

export const secureBoot: Check = {
  id: 'secure-boot',
  description: 'UEFI Secure Boot is enabled',
  notAssessed(input) {
    const b = input.facts.boot;
    if (!b) return factsAbsent(input, 'boot', 'firmware facts (/sys/firmware/efi, mokutil)');
    if (b.secureBoot === 'unknown') return `the Secure Boot state could not be read (${b.mode} boot; no mokutil answer, no readable SecureBoot efivar)`;
    return undefined;
  },
  run(input) {
    const b = input.facts.boot;
    if (!b || b.secureBoot !== 'enabled') return [];
    const cross = isCrossMajor(input.path);
    return [{
      key: 'secure-boot', check: 'secure-boot', severity: 'high', groups: cross ? ['inhibitor', 'boot', 'security'] : ['boot', 'security'],
      title: 'UEFI Secure Boot is enabled',
      summary: `Secure Boot is on (read from ${b.secureBootSource ?? 'the firmware'}). ` +
        (cross ? 'An in-place upgrade to a new major release is refused with Secure Boot on.'
          : `The firmware must trust ${input.target.id}'s signed shim before the host reboots into the new boot chain.`),
      remediation: {
        hint: cross ? 'Disable Secure Boot in the firmware for the upgrade; re-enable it afterwards.'
          : `Confirm ${input.target.distributionInfo.name}'s shim is signed by the Microsoft UEFI CA, or disable Secure Boot for the migration.`,
        commands: [['mokutil', '--sb-state']],
      },
      details: { source: b.secureBootSource ?? null },
    }];
  },
};
