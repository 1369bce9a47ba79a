/**
 * First-boot finalization of a cross-major upgrade (src/exec/steps/finalize.ts), on the upgraded system:
 * `rpmdbRebuild` rebuilds the rpm database with the target's rpm when the target keeps it in another format
 * (EL9's rpm 4.16 keeps it in SQLite, EL7's and EL8's in Berkeley DB: the RHEL 9.0 release notes); `autorelabel`
 * schedules an SELinux relabel at the next boot (/.autorelabel) on a host whose SELinux is not disabled, since the
 * transaction wrote files the policy of the source labelled.
 */
import { defineStepKind } from './kind.js';

export type FinalizeOptions = { rpmdbRebuild: boolean; autorelabel: boolean };

export const finalizeKind = defineStepKind<'finalize', FinalizeOptions>({
  kind: 'finalize',
  title: (o) => `Finalize: ${[o.rpmdbRebuild ? 'rebuild the rpm database in the target\'s format' : 'rpm database format unchanged', o.autorelabel ? 'SELinux relabel at next boot' : 'no SELinux relabel'].join('; ')}`,
  schema: {
    type: 'object',
    properties: { rpmdbRebuild: { type: 'boolean' }, autorelabel: { type: 'boolean' } },
    required: ['rpmdbRebuild', 'autorelabel'],
    additionalProperties: false,
  },
});
