/** Verify the converted host (src/exec/steps/verify.ts, src/exec/verify.ts) against the backup's evidence. */
import type { DnfEnv } from '../types.js';
import { DNF_ENV_SCHEMA } from './dnf-env.js';
import { defineStepKind, NAMES_SCHEMA } from './kind.js';

export type VerifyStepOptions = {
  /** os-release ID the target has (`ol` for Oracle Linux). */
  targetOsId: string;
  releasePackages: string[];
  /** Vendor packages the swap removed. */
  removed: string[];
  /** The source vendor's rpm Vendor tag, to find what is left of it; null when unknown. */
  sourceVendor: string | null;
  dnf: DnfEnv;
  /** Packages the operator approved for removal (`--allow-remove` names or globs). */
  allowRemove: string[];
};

export const verifyKind = defineStepKind<'verify', VerifyStepOptions>({
  kind: 'verify',
  title: (o, conversion) => `Verify the host is ${conversion?.target ?? o.targetOsId}`,
  schema: {
    type: 'object',
    properties: {
      targetOsId: { type: 'string', minLength: 1 },
      releasePackages: NAMES_SCHEMA,
      removed: NAMES_SCHEMA,
      sourceVendor: { type: 'string', nullable: true },
      dnf: DNF_ENV_SCHEMA,
      allowRemove: NAMES_SCHEMA,
    },
    required: ['targetOsId', 'releasePackages', 'removed', 'sourceVendor', 'dnf', 'allowRemove'],
    additionalProperties: false,
  },
});
