/**
 * The cross-major download (src/exec/steps/download-packages.ts), before any change: the target transaction is
 * predicted and judged (the transaction gate: a removal nobody announced or approved stops here), then every
 * package it installs is downloaded by the target's dnf into a directory Ferry owns and checked with rpm -K —
 * Leapp's `dnf rhel-upgrade download` before its reboot.
 */
import type { DnfEnv } from '../types.js';
import { DNF_ENV_SCHEMA } from './dnf-env.js';
import { GPG_KEYS_SCHEMA, type GpgKeySpec } from './import-gpg-keys.js';
import { defineStepKind, NAMES_SCHEMA } from './kind.js';

/**
 * The target transaction (the upgrade-transaction step's, the same lists) and the operator's `--allow-remove`.
 * `keyring`: the target keys the signatures are checked against, in a keyring of Ferry's state dir instead of the
 * host's rpm database (none: the host's) — given when the plan imports them into the host's database only after its conversion
 * (../recipes/cross-major-pes.ts), as Leapp imports them into its target userspace.
 */
export type DownloadPackagesOptions = { remove: string[]; install: string[]; dnf: DnfEnv; allowRemove: string[]; keyring: GpgKeySpec[] };

export const downloadPackagesKind = defineStepKind<'download-packages', DownloadPackagesOptions>({
  kind: 'download-packages',
  title: (o, conversion) => `Download and check the ${conversion?.target ?? 'target'} packages (releasever ${o.dnf.releasever}; predicted and judged first)`,
  schema: {
    type: 'object',
    properties: { remove: NAMES_SCHEMA, install: NAMES_SCHEMA, dnf: DNF_ENV_SCHEMA, allowRemove: NAMES_SCHEMA, keyring: GPG_KEYS_SCHEMA },
    required: ['remove', 'install', 'dnf', 'allowRemove', 'keyring'],
    additionalProperties: false,
  },
});
