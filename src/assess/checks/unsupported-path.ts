/** No catalog migration path from the host's release to the target: the migration must not start. */
import type { Check, Finding } from '../types.js';

export const unsupportedPath: Check = {
  id: 'unsupported-path',
  description: 'The catalog records a migration path from the source release to the target',
  run(input) {
    if (!input.source) return []; // unknown-source reports it
    if (input.source.id === input.target.id) {
      return [{
        key: 'unsupported-path', check: 'unsupported-path', severity: 'high', groups: ['inhibitor', 'system'],
        title: `The host already runs ${input.target.id}`,
        summary: `Source and target are both ${input.target.id}; there is nothing to migrate.`,
        remediation: { hint: 'Choose another target release (ferry catalog paths --from ' + input.source.id + ').' },
      }];
    }
    if (input.path) return [];
    const alternatives = input.catalog.paths({ from: input.source.id }).map((p) => p.to);
    const out: Finding = {
      key: 'unsupported-path', check: 'unsupported-path', severity: 'high', groups: ['inhibitor', 'system'],
      title: `No supported migration path from ${input.source.id} to ${input.target.id}`,
      summary: `The catalog records no tool or documented procedure that moves ${input.source.id} to ${input.target.id}.` +
        (alternatives.length ? ` Recorded targets from ${input.source.id}: ${alternatives.join(', ')}.` : ` No path from ${input.source.id} is recorded at all.`),
      remediation: {
        hint: alternatives.length ? `Pick one of the recorded targets, or go through an intermediate release.` : 'Reinstall on the target and move the workload.',
        commands: [['ferry', 'catalog', 'paths', '--from', input.source.id]],
      },
      details: { source: input.source.id, target: input.target.id, alternatives },
    };
    return [out];
  },
};
