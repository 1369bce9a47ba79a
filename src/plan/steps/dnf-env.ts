/** The schema of the dnf environment (types.ts DnfEnv) the plan and its dnf-using steps carry. */
import type { SchemaOf } from '../../core/index.js';
import type { DnfEnv } from '../types.js';

export const DNF_ENV_SCHEMA: SchemaOf<DnfEnv> = {
  type: 'object',
  properties: {
    releasever: { type: 'string', minLength: 1 },
    modulePlatformId: { type: 'string', nullable: true },
    repos: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string', pattern: '^[A-Za-z0-9._:-]+$' }, baseurl: { type: 'string', minLength: 1 }, served: { type: 'boolean' } },
        required: ['id', 'baseurl'],
        additionalProperties: false,
      },
    },
    gpgcheck: { type: 'boolean' },
  },
  required: ['releasever', 'modulePlatformId', 'repos', 'gpgcheck'],
  additionalProperties: false,
};
