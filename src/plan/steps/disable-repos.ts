/** Disable the source repositories (src/exec/steps/disable-repos.ts) in repo files no swapped package owns. */
import { defineStepKind, NAMES_SCHEMA } from './kind.js';

export type DisableReposOptions = {
  /** The source's repo ids (catalog). */
  repoIds: string[];
  /** Packages the swap removes: repo files they own are left to rpm. */
  ownedBySwap: string[];
};

export const disableReposKind = defineStepKind<'disable-repos', DisableReposOptions>({
  kind: 'disable-repos',
  title: (_options, conversion) => `Disable the ${conversion?.source ?? 'source'} repositories`,
  schema: {
    type: 'object',
    properties: { repoIds: NAMES_SCHEMA, ownedBySwap: NAMES_SCHEMA },
    required: ['repoIds', 'ownedBySwap'],
    additionalProperties: false,
  },
});
