/**
 * The cross-major target transaction (src/exec/steps/upgrade-transaction.ts): one transaction of the target's
 * dnf at the target releasever — the PES-derived and vendor-swap removals and installs, then distro-sync of
 * everything else, erasing where needed — as Leapp's target transaction (dnfplugin's to_remove, to_install,
 * to_upgrade), run as a systemd offline update on the reboot that ends the step. The point of no return.
 */
import type { DnfEnv } from '../types.js';
import { DNF_ENV_SCHEMA } from './dnf-env.js';
import { defineStepKind, NAMES_SCHEMA } from './kind.js';

export type UpgradeTransactionOptions = { remove: string[]; install: string[]; dnf: DnfEnv };

export const upgradeTransactionKind = defineStepKind<'upgrade-transaction', UpgradeTransactionOptions>({
  kind: 'upgrade-transaction',
  pointOfNoReturn: true,
  title: (o, conversion) => `Upgrade to ${conversion?.target ?? 'the target'} offline: reboot into system-update.target, where dnf --releasever=${o.dnf.releasever} distro-sync --allowerasing runs with ${o.remove.length} removal(s) and ${o.install.length} install(s), then into the upgraded system (point of no return)`,
  schema: {
    type: 'object',
    properties: { remove: NAMES_SCHEMA, install: NAMES_SCHEMA, dnf: DNF_ENV_SCHEMA },
    required: ['remove', 'install', 'dnf'],
    additionalProperties: false,
  },
});
