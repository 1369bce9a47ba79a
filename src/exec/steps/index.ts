/**
 * The migration steps by kind: turns a plan (data) into runnable steps, and the restorers rollback needs
 * beyond the built-ins.
 */
import type { MigrationPlan, PlanStepSpec } from '../../plan/types.js';
import type { PlanLike, RestorerRegistry, Step } from '../types.js';
import { backupStep, type BackupOptions } from './backup.js';
import { bootloaderStep, type BootloaderOptions } from './bootloader.js';
import { disableReposStep, type DisableReposOptions } from './disable-repos.js';
import { distroSyncStep, type DistroSyncOptions } from './distro-sync.js';
import { importGpgKeysStep, type ImportGpgKeysOptions } from './import-gpg-keys.js';
import { moduleStreamsStep, type ModuleStreamsOptions } from './module-streams.js';
import { restorePathSet } from './path-set.js';
import { preflightStep, type PreflightOptions } from './preflight.js';
import { removeSourceKeysStep, type RemoveSourceKeysOptions } from './remove-source-keys.js';
import { swapVendorPackagesStep, type SwapOptions } from './swap-vendor-packages.js';
import { verifyStep, type VerifyStepOptions } from './verify.js';

// Options are validated by the plan builder that produced them; the casts name the contract per kind.
const FACTORIES = {
  'preflight': (o: PreflightOptions) => preflightStep(o),
  'backup': (o: BackupOptions) => backupStep(o),
  'disable-repos': (o: DisableReposOptions) => disableReposStep(o),
  'import-gpg-keys': (o: ImportGpgKeysOptions) => importGpgKeysStep(o),
  'swap-vendor-packages': (o: SwapOptions) => swapVendorPackagesStep(o),
  'module-streams': (o: ModuleStreamsOptions) => moduleStreamsStep(o),
  'distro-sync': (o: DistroSyncOptions) => distroSyncStep(o),
  'bootloader': (o: BootloaderOptions) => bootloaderStep(o),
  'remove-source-keys': (o: RemoveSourceKeysOptions) => removeSourceKeysStep(o),
  'verify': (o: VerifyStepOptions) => verifyStep(o),
} as unknown as Record<string, (options: unknown) => Step>;

export function stepFromSpec(spec: PlanStepSpec): Step {
  const factory = FACTORIES[spec.kind];
  if (!factory) throw new Error(`Assertion failed: no step kind ${spec.kind}`);
  const step = factory(spec.options);
  if (step.id !== spec.id) throw new Error(`Assertion failed: plan step ${spec.kind} has id ${spec.id}, the step computes ${step.id}`);
  return step;
}

export function materializePlan(plan: MigrationPlan): PlanLike {
  return { id: plan.id, steps: plan.steps.map(stepFromSpec) };
}

export const STEP_RESTORERS: RestorerRegistry = { pathSet: restorePathSet };
