/** The host's release is not one the catalog knows: no path, no vendor swap, no fates can be trusted. */
import type { Check } from '../types.js';

export const unknownSource: Check = {
  id: 'unknown-source',
  description: 'The host runs a release the catalog knows',
  run(input) {
    if (input.source) return [];
    const os = input.facts.os;
    const seen = os ? `${os.prettyName ?? os.name ?? os.id} (ID=${os.id}, VERSION_ID=${os.versionId ?? 'unset'})` : 'no os-release was read';
    return [{
      key: 'unknown-source', check: 'unknown-source', severity: 'high', groups: ['inhibitor', 'system'],
      title: 'The source operating system is not recognised',
      summary: `Ferry cannot map the host to a catalog release: ${seen}. Without it no migration path can be chosen.`,
      remediation: {
        hint: 'Check /etc/os-release on the host; list the releases Ferry knows with the command below.',
        commands: [['cat', '/etc/os-release'], ['ferry', 'catalog', 'list']],
      },
      details: { osRelease: os?.raw ?? null },
    }];
  },
};
