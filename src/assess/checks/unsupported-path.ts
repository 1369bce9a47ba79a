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
    if (input.route && input.route.length > 2) {
      // No direct path, but a route: Ferry plans it hop by hop (ferry plan|migrate, rollouts), so it inhibits nothing here.
      const hops = input.route.length - 1;
      return [{
        key: 'multi-hop-route', check: 'unsupported-path', severity: 'info', groups: ['system'],
        title: `Reached in ${hops} hops: ${input.route.join(' → ')}`,
        summary: `The catalog records no direct path from ${input.source.id} to ${input.target.id}; Ferry plans the route ${input.route.join(' → ')} as one plan, each hop with its own recipe and a re-assessment gate before the next. `
          + `This assessment compares the host with ${input.target.id} directly; each hop's inhibitors are judged when the route is planned (every hop after the first on the predicted end state of the one before).`,
        remediation: { hint: `Plan it: ferry plan HOST --to ${input.target.id} (one --pes TARGET=FILE per cross-major hop).` },
        details: { source: input.source.id, target: input.target.id, route: [...input.route] },
      }];
    }
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
