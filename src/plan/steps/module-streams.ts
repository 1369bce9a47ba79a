/** Module streams (src/exec/steps/module-streams.ts): enabled streams the target lacks are reset. */
import type { DnfEnv } from '../types.js';
import { DNF_ENV_SCHEMA } from './dnf-env.js';
import { defineStepKind } from './kind.js';

export type ModuleStreamsOptions = { modules: { name: string; stream: string }[]; dnf: DnfEnv };

export const moduleStreamsKind = defineStepKind<'module-streams', ModuleStreamsOptions>({
  kind: 'module-streams',
  title: () => 'Reset or remap enabled module streams the target lacks',
  schema: {
    type: 'object',
    properties: {
      modules: {
        type: 'array',
        items: {
          type: 'object',
          properties: { name: { type: 'string', minLength: 1 }, stream: { type: 'string', minLength: 1 } },
          required: ['name', 'stream'],
          additionalProperties: false,
        },
      },
      dnf: DNF_ENV_SCHEMA,
    },
    required: ['modules', 'dnf'],
    additionalProperties: false,
  },
});
