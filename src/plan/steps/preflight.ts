/** Pre-flight (src/exec/steps/preflight.ts): free space per path, the rpm lock, the target repositories reachable. */
import type { DnfEnv } from '../types.js';
import { DNF_ENV_SCHEMA } from './dnf-env.js';
import { defineStepKind } from './kind.js';

export type PreflightOptions = {
  /** MiB needed free below each absolute path (the catalog's figures for the path). */
  diskMiB: Record<string, number>;
  dnf: DnfEnv;
};

export const preflightKind = defineStepKind<'preflight', PreflightOptions>({
  kind: 'preflight',
  title: () => 'Pre-flight: disk space, rpm lock, target repositories reachable',
  schema: {
    type: 'object',
    properties: {
      diskMiB: { type: 'object', additionalProperties: { type: 'number', minimum: 0 }, propertyNames: { pattern: '^/' } },
      dnf: DNF_ENV_SCHEMA,
    },
    required: ['diskMiB', 'dnf'],
    additionalProperties: false,
  },
});
