/**
 * The cross-major download (src/exec/steps/download-packages.ts), before any change: the target transaction is
 * predicted and judged (the transaction gate: a removal nobody announced or approved stops here), then every
 * package it installs is downloaded by the target's dnf into a directory Ferry owns and checked with rpm -K —
 * Leapp's `dnf rhel-upgrade download` before its reboot.
 */
import type { DnfEnv } from '../types.js';
import { DNF_ENV_SCHEMA } from './dnf-env.js';
import { defineStepKind, NAMES_SCHEMA } from './kind.js';

/** The target transaction (the upgrade-transaction step's, the same lists) and the operator's `--allow-remove`. */
export type DownloadPackagesOptions = { remove: string[]; install: string[]; dnf: DnfEnv; allowRemove: string[] };

export const downloadPackagesKind = defineStepKind<'download-packages', DownloadPackagesOptions>({
  kind: 'download-packages',
  title: (o, conversion) => `Download and check the ${conversion?.target ?? 'target'} packages (releasever ${o.dnf.releasever}; predicted and judged first)`,
  schema: {
    type: 'object',
    properties: { remove: NAMES_SCHEMA, install: NAMES_SCHEMA, dnf: DNF_ENV_SCHEMA, allowRemove: NAMES_SCHEMA },
    required: ['remove', 'install', 'dnf', 'allowRemove'],
    additionalProperties: false,
  },
});
