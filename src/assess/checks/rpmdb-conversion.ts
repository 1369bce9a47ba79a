/**
 * A cross-major migration that moves the rpm database to the target major's format (EL8's Berkeley DB to EL9's
 * sqlite: catalog rpmdbMoves, the answer the plan's rpmdb-rebuild step takes too). Information, not a risk: the
 * plan rebuilds the database right before the target transaction, as Leapp does, and a rollback before the point
 * of no return restores it. What is said comes from the backend collected on the host.
 */
import { rpmdbFormatOf, rpmdbMoves } from '../../catalog/index.js';
import type { Check } from '../types.js';

const NAMES: Record<string, string> = { bdb: 'Berkeley DB', sqlite: 'sqlite', ndb: 'ndb' };

export const rpmdbConversion: Check = {
  id: 'rpmdb-conversion',
  description: 'A cross-major migration moves the rpm database to the target\'s format',
  run(input) {
    // A route's hops are each assessed on their own path: the hop landing on the new format says it.
    if (input.path?.method !== 'cross-major-pes' || !input.source || !rpmdbMoves(input.source, input.target) || input.target.major === null) return [];
    const to = rpmdbFormatOf(input.target.major);
    const collected = input.facts.rpmdb?.backend;
    const from = collected && collected !== 'unknown' ? NAMES[collected] ?? collected : null;
    return [{
      key: 'rpmdb-conversion', check: 'rpmdb-conversion', severity: 'info', groups: ['packages'],
      title: from === NAMES[to] ? `The rpm database is rebuilt in ${NAMES[to]} for ${input.target.id}` : `The rpm database moves from ${from ?? 'its current format'} to ${NAMES[to]}`,
      summary: `${input.target.id}'s rpm keeps its database in ${NAMES[to]}; ${input.source.id}'s in ${NAMES[rpmdbFormatOf(input.source.major ?? 0)]}`
        + `${from ? ` (collected on the host: ${from})` : ' (the host\'s backend was not collected)'}. The plan rebuilds it (rpmdb --rebuilddb) right before the target transaction, `
        + 'as Leapp does, after backing it up: a rollback before the point of no return restores it as it was.',
      remediation: {
        hint: 'Nothing to do; a database rpm cannot read fully is refused before (the rpmdb check). Keep the backup the plan takes until the host is verified.',
        commands: [['rpmdb', '--verifydb']],
      },
      details: { from: collected ?? null, to },
    }];
  },
};
