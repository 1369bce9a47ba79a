/**
 * The migration steps by kind: turns a plan (data) into runnable steps, and the restorers rollback needs
 * beyond the built-ins. Every kind of the plan's registry (src/plan/steps) has an implementation here (a
 * mapped type over the registry: a kind without one does not compile); each step's options are validated
 * against its kind's schema before the step is built.
 */
import { assert, documentInvalid } from '../../core/index.js';
import { STEP_KINDS, type MigrationPlan, type PlanStepSpec, type StepKindName, type StepOptions } from '../../plan/index.js';
import type { PlanLike, RestorerRegistry, Step } from '../types.js';
import { backupStep } from './backup.js';
import { bootloaderStep } from './bootloader.js';
import { disableReposStep } from './disable-repos.js';
import { distroSyncStep } from './distro-sync.js';
import { downloadPackagesStep } from './download-packages.js';
import { finalizeStep } from './finalize.js';
import { importGpgKeysStep } from './import-gpg-keys.js';
import { moduleStreamsStep } from './module-streams.js';
import { restorePathSet } from './path-set.js';
import { preflightStep } from './preflight.js';
import { rebootStep } from './reboot.js';
import { removeSourceKeysStep } from './remove-source-keys.js';
import { rpmdbRebuildStep } from './rpmdb-rebuild.js';
import { snapshotStep } from './snapshot.js';
import { snapshotRestorer, type SnapshotCommands } from '../snapshots/index.js';
import { swapVendorPackagesStep } from './swap-vendor-packages.js';
import { upgradeTransactionStep } from './upgrade-transaction.js';
import { verifyStep } from './verify.js';

export const STEP_IMPLEMENTATIONS: { readonly [K in StepKindName]: (options: StepOptions<K>) => Step<StepOptions<K>> } = {
  'preflight': preflightStep,
  'backup': backupStep,
  'snapshot': snapshotStep,
  'disable-repos': disableReposStep,
  'import-gpg-keys': importGpgKeysStep,
  'swap-vendor-packages': swapVendorPackagesStep,
  'module-streams': moduleStreamsStep,
  'distro-sync': distroSyncStep,
  'download-packages': downloadPackagesStep,
  'reboot': rebootStep,
  'rpmdb-rebuild': rpmdbRebuildStep,
  'upgrade-transaction': upgradeTransactionStep,
  'finalize': finalizeStep,
  'bootloader': bootloaderStep,
  'remove-source-keys': removeSourceKeysStep,
  'verify': verifyStep,
};

function implement<K extends StepKindName>(kind: K, spec: { id: string; title: string; options: unknown }): Step<StepOptions<K>> {
  const def = STEP_KINDS[kind];
  if (!def.validator.is(spec.options)) {
    throw documentInvalid({ document: `options of plan step ${spec.id} (${kind})`, from: 'the plan' }, def.validator.errors(spec.options));
  }
  const step = STEP_IMPLEMENTATIONS[kind](spec.options);
  assert(step.id === spec.id, `plan step ${kind} has id ${spec.id}, the step computes ${step.id}`);
  // The plan's title names the conversion's releases; the step's own says "the source/target".
  return { ...step, title: spec.title };
}

export function stepFromSpec(spec: PlanStepSpec): Step {
  return implement(spec.kind, spec);
}

export function materializePlan(plan: MigrationPlan): PlanLike {
  return { id: plan.id, steps: plan.steps.map(stepFromSpec) };
}

export const STEP_RESTORERS: RestorerRegistry = { pathSet: restorePathSet, snapshot: snapshotRestorer() };

/** The restorers of a plan's execution: the snapshot restorer given the plan's own snapshot commands (never the journal's). */
export function restorersFor(plan: MigrationPlan | undefined): RestorerRegistry {
  const spec = plan?.steps.find((s) => s.kind === 'snapshot');
  const commands: SnapshotCommands | null = spec?.kind === 'snapshot' ? spec.options.commands : null;
  return { ...STEP_RESTORERS, snapshot: snapshotRestorer(commands) };
}
