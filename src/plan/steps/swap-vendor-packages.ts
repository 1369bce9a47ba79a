/** The vendor swap (src/exec/steps/swap-vendor-packages.ts): one dnf transaction, source vendor packages out, target's in. */
import type { DnfEnv } from '../types.js';
import { DNF_ENV_SCHEMA } from './dnf-env.js';
import { defineStepKind, NAMES_SCHEMA } from './kind.js';

/**
 * `allowRemove`: names or globs of packages the operator approved for removal by the swap and the
 * distro-sync (`--allow-remove`).
 */
export type SwapOptions = { remove: string[]; install: string[]; dnf: DnfEnv; allowRemove: string[] };

export const swapVendorPackagesKind = defineStepKind<'swap-vendor-packages', SwapOptions>({
  kind: 'swap-vendor-packages',
  title: (o) => `Swap vendor packages: ${o.remove.join(' ')} → ${o.install.join(' ')}`,
  schema: {
    type: 'object',
    properties: { remove: NAMES_SCHEMA, install: { ...NAMES_SCHEMA, minItems: 1 }, dnf: DNF_ENV_SCHEMA, allowRemove: NAMES_SCHEMA },
    required: ['remove', 'install', 'dnf', 'allowRemove'],
    additionalProperties: false,
  },
});
