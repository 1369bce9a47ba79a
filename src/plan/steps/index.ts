/**
 * The registry of step kinds: every kind a plan may name, with its options type. The executor implements
 * each (src/exec/steps/index.ts, a mapped type over this registry, so a kind without an implementation does
 * not compile); the plan's schema (../schema.ts) validates each step's options by its kind's schema.
 */
import { backupKind, type BackupOptions } from './backup.js';
import { bootloaderKind, type BootloaderOptions } from './bootloader.js';
import { disableReposKind, type DisableReposOptions } from './disable-repos.js';
import { distroSyncKind, type DistroSyncOptions } from './distro-sync.js';
import { downloadPackagesKind, type DownloadPackagesOptions } from './download-packages.js';
import { finalizeKind, type FinalizeOptions } from './finalize.js';
import { importGpgKeysKind, type ImportGpgKeysOptions } from './import-gpg-keys.js';
import type { StepKind, StepSpecShape } from './kind.js';
import { moduleStreamsKind, type ModuleStreamsOptions } from './module-streams.js';
import { preflightKind, type PreflightOptions } from './preflight.js';
import { rebootKind, type RebootOptions } from './reboot.js';
import { removeSourceKeysKind, type RemoveSourceKeysOptions } from './remove-source-keys.js';
import { rpmdbRebuildKind, type RpmdbRebuildOptions } from './rpmdb-rebuild.js';
import { snapshotKind, type SnapshotOptions } from './snapshot.js';
import { swapVendorPackagesKind, type SwapOptions } from './swap-vendor-packages.js';
import { upgradeTransactionKind, type UpgradeTransactionOptions } from './upgrade-transaction.js';
import { verifyKind, type VerifyStepOptions } from './verify.js';

/** Each kind's options type. */
export interface StepOptionsByKind {
  'preflight': PreflightOptions;
  'backup': BackupOptions;
  'snapshot': SnapshotOptions;
  'disable-repos': DisableReposOptions;
  'import-gpg-keys': ImportGpgKeysOptions;
  'swap-vendor-packages': SwapOptions;
  'module-streams': ModuleStreamsOptions;
  'distro-sync': DistroSyncOptions;
  'download-packages': DownloadPackagesOptions;
  'reboot': RebootOptions;
  'rpmdb-rebuild': RpmdbRebuildOptions;
  'upgrade-transaction': UpgradeTransactionOptions;
  'finalize': FinalizeOptions;
  'bootloader': BootloaderOptions;
  'remove-source-keys': RemoveSourceKeysOptions;
  'verify': VerifyStepOptions;
}

export type StepKindName = keyof StepOptionsByKind;
export type StepOptions<K extends StepKindName> = StepOptionsByKind[K];
/** A plan step of kind K. */
export type StepSpecOf<K extends StepKindName> = StepSpecShape<K, StepOptions<K>>;
/** A plan step of any kind, discriminated by `kind`. */
export type PlanStepSpec = { [K in StepKindName]: StepSpecOf<K> }[StepKindName];

export const STEP_KINDS: { readonly [K in StepKindName]: StepKind<K, StepOptions<K>> } = {
  'preflight': preflightKind,
  'backup': backupKind,
  'snapshot': snapshotKind,
  'disable-repos': disableReposKind,
  'import-gpg-keys': importGpgKeysKind,
  'swap-vendor-packages': swapVendorPackagesKind,
  'module-streams': moduleStreamsKind,
  'distro-sync': distroSyncKind,
  'download-packages': downloadPackagesKind,
  'reboot': rebootKind,
  'rpmdb-rebuild': rpmdbRebuildKind,
  'upgrade-transaction': upgradeTransactionKind,
  'finalize': finalizeKind,
  'bootloader': bootloaderKind,
  'remove-source-keys': removeSourceKeysKind,
  'verify': verifyKind,
};

export const STEP_KIND_NAMES: readonly StepKindName[] = Object.keys(STEP_KINDS).filter(isStepKindName);

export function isStepKindName(kind: string): kind is StepKindName {
  return Object.hasOwn(STEP_KINDS, kind);
}

export type { Conversion, StepKind, StepSpecShape } from './kind.js';
export type { BackupOptions, BootloaderOptions, DisableReposOptions, DistroSyncOptions, DownloadPackagesOptions, FinalizeOptions, ImportGpgKeysOptions, ModuleStreamsOptions, PreflightOptions, RebootOptions, RemoveSourceKeysOptions, RpmdbRebuildOptions, SnapshotOptions, SwapOptions, UpgradeTransactionOptions, VerifyStepOptions };
export { chooseSnapshot, type LvmVolumeSpec, type SnapshotCommandsSpec, type SnapshotRequest } from './snapshot.js';
export type { GpgKeySpec } from './import-gpg-keys.js';
export { rpmdbConversionText, type RpmdbBackend } from './rpmdb-rebuild.js';
export { backupKind, bootloaderKind, disableReposKind, distroSyncKind, downloadPackagesKind, finalizeKind, importGpgKeysKind, moduleStreamsKind, preflightKind, rebootKind, removeSourceKeysKind, rpmdbRebuildKind, snapshotKind, swapVendorPackagesKind, upgradeTransactionKind, verifyKind };
