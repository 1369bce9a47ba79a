/**
 * No catalog migration path from the host's release to the target: the migration must not start. Where the
 * catalog reaches the target by a route instead, the target is assessed hop by hop (assess.ts assessRoute, each
 * hop on a recorded path) and the route is said by multiHopRouteFinding, not by this check.
 */
import type { Check, Finding, HopAssessment } from '../types.js';

/** The route a target is reached by, as the assessment says it: information; each hop's inhibitors are its own. */
export function multiHopRouteFinding(route: readonly string[], hops: readonly Pick<HopAssessment, 'hop' | 'from' | 'to' | 'assessedOn' | 'inhibitors'>[]): Finding {
  const [source, target] = [route[0], route[route.length - 1]];
  const blocked = hops.filter((h) => h.inhibitors.length > 0);
  const unassessed = hops.filter((h) => h.assessedOn === 'not-assessed');
  const verdict = blocked.length
    ? `Inhibited on ${blocked.map((h) => `hop ${h.hop} (${h.from} → ${h.to}): ${h.inhibitors.join(', ')}`).join('; ')}.`
    : unassessed.length ? `Hop ${unassessed[0].hop} (${unassessed[0].from} → ${unassessed[0].to}) and after could not be assessed.` : 'No hop is inhibited.';
  return {
    key: 'multi-hop-route', check: 'unsupported-path', severity: 'info', groups: ['system'],
    title: `Reached in ${route.length - 1} hops: ${route.join(' → ')}`,
    summary: `The catalog records no direct path from ${source} to ${target}; Ferry plans the route ${route.join(' → ')} as one plan, each hop with its own recipe and a re-assessment gate before the next. `
      + `This assessment judges each hop as the plan's gate does: hop 1 on the host's facts, every later hop on the predicted end state of the one before. ${verdict}`,
    remediation: { hint: `Plan it: ferry plan HOST --to ${target} (one --pes TARGET=FILE per cross-major hop, one --repo TARGET=DIR|URL per hop).` },
    details: { source, target, route: [...route] },
  };
}

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
