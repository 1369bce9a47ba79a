/** A plan built by the real builder from the assess fixture's CentOS 8 host to Rocky 8 (for plan and exec tests). */
import { baseFacts } from '../../assess/testing/fixtures.js';
import { loadCatalog } from '../../catalog/index.js';
import { buildPlan } from '../build.js';
import type { MigrationPlan, TargetKey } from '../types.js';

export const LAB_KEY: TargetKey = {
  name: 'RPM-GPG-KEY-Rocky-8', armored: '-----BEGIN PGP PUBLIC KEY BLOCK-----\nx\n-----END PGP PUBLIC KEY BLOCK-----\n',
  fingerprints: ['7051C470A929F454CEBE37B715AF5DAC6D745A60'],
};

export function rockyPlan(extra: Pick<Parameters<typeof buildPlan>[0], 'snapshot'> = {}): MigrationPlan {
  return buildPlan({
    ...extra,
    facts: baseFacts(), catalog: loadCatalog(), target: 'rocky-8', repos: [{ id: 'ferry-rocky-8-0', baseurl: 'file:///srv/rocky8' }],
    targetAvailable: ['rocky-release', 'rocky-repos', 'rocky-gpg-keys', 'bash'], gpgcheck: true, keys: [LAB_KEY],
  });
}
