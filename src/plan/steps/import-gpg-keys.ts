/** Import the target's GPG keys (src/exec/steps/import-gpg-keys.ts), each file's fingerprints checked first. */
import type { SchemaOf } from '../../core/index.js';
import { defineStepKind } from './kind.js';

export type GpgKeySpec = {
  /** File name the key is known by (e.g. RPM-GPG-KEY-Rocky-8). */
  name: string;
  armored: string;
  /** The fingerprints the file must hold exactly (40 hex digits). */
  fingerprints: string[];
};
export type ImportGpgKeysOptions = { keys: GpgKeySpec[] };

/** The schema of a list of keys, as this step and the download's keyring take them. */
export const GPG_KEYS_SCHEMA: SchemaOf<GpgKeySpec[]> = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1 },
      armored: { type: 'string', minLength: 1 },
      fingerprints: { type: 'array', items: { type: 'string', pattern: '^[0-9A-Fa-f]{40}$' }, minItems: 1 },
    },
    required: ['name', 'armored', 'fingerprints'],
    additionalProperties: false,
  },
};

export const importGpgKeysKind = defineStepKind<'import-gpg-keys', ImportGpgKeysOptions>({
  kind: 'import-gpg-keys',
  title: (_options, conversion) => `Import the ${conversion?.target ?? 'target'} GPG keys (fingerprints verified)`,
  schema: {
    type: 'object',
    properties: {
      keys: GPG_KEYS_SCHEMA,
    },
    required: ['keys'],
    additionalProperties: false,
  },
});
