/** Import the target's GPG keys (src/exec/steps/import-gpg-keys.ts), each file's fingerprints checked first. */
import { defineStepKind } from './kind.js';

export type GpgKeySpec = {
  /** File name the key is known by (e.g. RPM-GPG-KEY-Rocky-8). */
  name: string;
  armored: string;
  /** The fingerprints the file must hold exactly (40 hex digits). */
  fingerprints: string[];
};
export type ImportGpgKeysOptions = { keys: GpgKeySpec[] };

export const importGpgKeysKind = defineStepKind<'import-gpg-keys', ImportGpgKeysOptions>({
  kind: 'import-gpg-keys',
  title: (_options, conversion) => `Import the ${conversion?.target ?? 'target'} GPG keys (fingerprints verified)`,
  schema: {
    type: 'object',
    properties: {
      keys: {
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
      },
    },
    required: ['keys'],
    additionalProperties: false,
  },
});
