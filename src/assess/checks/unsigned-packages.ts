/** Packages installed without a signature: their origin cannot be verified. */
import type { Check } from '../types.js';
import { formatNevra } from '../../rpm/nevra.js';
import { factsAbsent, listSome } from './util.js';

export const unsignedPackages: Check = {
  id: 'unsigned-packages',
  description: 'Installed packages without a GPG signature',
  notAssessed(input) {
    if (input.facts.source === 'manifest') return 'a package list carries no signatures';
    return input.facts.packages ? undefined : factsAbsent(input, 'packages', 'installed packages');
  },
  run(input) {
    const unsigned = (input.facts.packages ?? []).filter((p) => p.name !== 'gpg-pubkey' && !p.signature);
    if (unsigned.length === 0) return [];
    const nevras = unsigned.map((p) => formatNevra(p));
    return [{
      key: 'unsigned-packages', check: 'unsigned-packages', severity: 'medium', groups: ['packages', 'security'],
      title: `${unsigned.length} unsigned package${unsigned.length === 1 ? '' : 's'}`,
      summary: `Installed without a signature (origin not verifiable): ${listSome(nevras)}.`,
      remediation: {
        hint: 'Find where each came from (local builds, rpm -i of a downloaded file); replace with signed builds or accept them explicitly.',
        commands: [['rpm', '-q', '--qf', '%{NAME} %{VENDOR} %{PACKAGER} %{SIGPGP:pgpsig}\\n', ...unsigned.slice(0, 20).map((p) => p.name)]],
      },
      details: { packages: nevras },
    }];
  },
};
