/** Remove the source's gpg-pubkeys (src/exec/steps/remove-source-keys.ts) from the rpm database. */
import { defineStepKind } from './kind.js';

export type RemoveSourceKeysOptions = { rpmNames: string[] };

export const removeSourceKeysKind = defineStepKind<'remove-source-keys', RemoveSourceKeysOptions>({
  kind: 'remove-source-keys',
  title: (_options, conversion) => `Remove ${conversion?.source ?? 'the source'} gpg-pubkeys`,
  schema: {
    type: 'object',
    properties: { rpmNames: { type: 'array', items: { type: 'string', pattern: '^gpg-pubkey-[0-9a-f]+$' } } },
    required: ['rpmNames'],
    additionalProperties: false,
  },
});
