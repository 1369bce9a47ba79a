/**
 * The rpm database moved to the target's format right before the target transaction (src/exec/steps/rpmdb-rebuild.ts),
 * as Leapp does for a target major of 9 or later: `rpmdb --rebuilddb` by the target's rpm (leapp-repository
 * repos/system_upgrade/common/libraries/dnflibs/dnfplugin.py, _rebuild_rpm_db, called before the upgrade
 * transaction's dnf). EL7's and EL8's rpm keep the database in Berkeley DB (/var/lib/rpm/Packages), EL9's rpm 4.16
 * in sqlite (rpmdb.sqlite): the RHEL 9.0 release notes. `from` is the backend collected on the host (facts' rpmdb
 * section). Before the point of no return: rollback restores the database as it was.
 */
import type { RpmdbFacts } from '../../facts/types.js';
import { defineStepKind } from './kind.js';

export type RpmdbBackend = NonNullable<RpmdbFacts['backend']>;
export type RpmdbRebuildOptions = { from: RpmdbBackend };

const BACKEND_NAMES: Record<RpmdbBackend, string> = { bdb: 'Berkeley DB', sqlite: 'sqlite', ndb: 'ndb', unknown: 'an unknown format' };

/** What the plan says of the conversion; the assessment's note says the same. */
export function rpmdbConversionText(from: RpmdbBackend): string {
  return from === 'sqlite'
    ? 'rpm database rebuilt in sqlite by the target\'s rpm (already sqlite on the host)'
    : `rpm database converted from ${BACKEND_NAMES[from]} to sqlite by the target's rpm`;
}

export const rpmdbRebuildKind = defineStepKind<'rpmdb-rebuild', RpmdbRebuildOptions>({
  kind: 'rpmdb-rebuild',
  title: (o) => `${rpmdbConversionText(o.from)}, right before the target transaction (rpmdb --rebuilddb)`,
  schema: {
    type: 'object',
    properties: { from: { type: 'string', enum: ['bdb', 'sqlite', 'ndb', 'unknown'] } },
    required: ['from'],
    additionalProperties: false,
  },
});
