/**
 * dnf distro-sync to the target (src/exec/steps/distro-sync.ts): the point of no return — once it starts, the
 * package set cannot be put back from the journal, so rollback is refused.
 */
import type { DnfEnv } from '../types.js';
import { DNF_ENV_SCHEMA } from './dnf-env.js';
import { defineStepKind } from './kind.js';

export type DistroSyncOptions = { dnf: DnfEnv };

export const distroSyncKind = defineStepKind<'distro-sync', DistroSyncOptions>({
  kind: 'distro-sync',
  pointOfNoReturn: true,
  title: (_options, conversion) => `dnf distro-sync to ${conversion?.target ?? 'the target'} (point of no return)`,
  schema: { type: 'object', properties: { dnf: DNF_ENV_SCHEMA }, required: ['dnf'], additionalProperties: false },
});
