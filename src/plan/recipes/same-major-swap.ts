/**
 * The recipe of a same-major conversion (CentOS 8 → Rocky 8, CentOS 7 → TencentOS 2.4…): pre-flight, backup,
 * disable the source repositories, import the target keys, swap the vendor packages in one transaction, reset
 * module streams the target lacks, distro-sync (the point of no return), bootloader, remove the source keys,
 * verify — the order migrate2rocky and almalinux-deploy follow.
 */
import type { PlanStepSpec } from '../steps/index.js';
import { backupKind } from '../steps/backup.js';
import { bootloaderKind } from '../steps/bootloader.js';
import { disableReposKind } from '../steps/disable-repos.js';
import { distroSyncKind } from '../steps/distro-sync.js';
import { importGpgKeysKind } from '../steps/import-gpg-keys.js';
import { moduleStreamsKind } from '../steps/module-streams.js';
import { preflightKind } from '../steps/preflight.js';
import { removeSourceKeysKind } from '../steps/remove-source-keys.js';
import { chooseSnapshot, snapshotKind } from '../steps/snapshot.js';
import { swapVendorPackagesKind } from '../steps/swap-vendor-packages.js';
import { verifyKind } from '../steps/verify.js';
import type { ReleaseView } from '../../catalog/index.js';
import type { RecipeInput, RecipeOutput } from './types.js';

export const DISK_DEFAULT_NOTE = 'the catalog records no disk needs for this path: pre-flight checks only that the paths exist';

/** What the backup step keeps: every file and directory the conversion may change. */
export const BACKUP_FILES = ['/etc/os-release', '/usr/lib/os-release', '/etc/redhat-release', '/etc/system-release', '/etc/centos-release', '/etc/issue'];
export const BACKUP_DIRS = ['/etc/yum.repos.d', '/etc/alternatives', '/etc/dnf/modules.d', '/etc/pki/rpm-gpg', '/var/lib/rpm'];

/** The os-release ID a target release has (`ol` for Oracle Linux). */
export function targetOsIdOf(target: ReleaseView): string {
  return target.distribution === 'oraclelinux' ? 'ol' : target.distribution;
}

export function sameMajorSwap(input: RecipeInput): RecipeOutput {
  const { facts, catalog, source, target, path, swap, dnf, keys } = input;
  const allowRemove = { allowRemove: [...input.allowRemove] };
  const conversion = { source: source.id, target: target.id };
  const notes: string[] = [];
  const diskMiB = path?.resources?.diskMiB?.value ?? {};
  if (!path?.resources?.diskMiB?.value) notes.push(DISK_DEFAULT_NOTE);
  if (keys.length === 0) notes.push(`no GPG key of ${target.id} to import: ${dnf.gpgcheck ? 'dnf will fail on signed packages' : 'gpgcheck is off for these repositories'}`);
  const srcRepoIds = (catalog.repos(source.id)?.repos ?? []).map((r) => r.id);
  const sourceKeys = catalog.gpgKeys(source.id).files.flatMap((f) => f.keys.map((k) => k.rpmName));
  const sourceVendor = (facts.packages ?? []).find((p) => swap.remove.includes(p.name) && p.vendor)?.vendor ?? null;
  const targetOsId = targetOsIdOf(target);
  const snapshot = chooseSnapshot(facts, input.snapshot, input.snapshotRetentionSeconds);
  if ('note' in snapshot) notes.push(snapshot.note);

  const steps: PlanStepSpec[] = [
    preflightKind.spec({ diskMiB, dnf }, conversion),
    backupKind.spec({ files: BACKUP_FILES, dirs: BACKUP_DIRS }, conversion),
    // Before the first change: returning to it undoes the whole conversion.
    ...('options' in snapshot ? [snapshotKind.spec(snapshot.options, conversion)] : []),
    disableReposKind.spec({ repoIds: srcRepoIds, ownedBySwap: swap.remove }, conversion),
    importGpgKeysKind.spec({ keys: keys.map((k) => ({ name: k.name, armored: k.armored, fingerprints: k.fingerprints })) }, conversion),
    swapVendorPackagesKind.spec({ remove: swap.remove, install: swap.install, dnf, ...allowRemove }, conversion),
    moduleStreamsKind.spec({
      modules: (facts.modules ?? []).filter((m) => m.state === 'enabled' && m.stream).map((m) => ({ name: m.name, stream: m.stream ?? '' })), dnf,
    }, conversion),
    distroSyncKind.spec({ dnf }, conversion),
    bootloaderKind.spec({ bootMode: facts.boot?.mode ?? 'unknown', targetVendorOf: swap.install[0] ?? null }, conversion),
    removeSourceKeysKind.spec({ rpmNames: sourceKeys }, conversion),
    verifyKind.spec({ targetOsId, releasePackages: swap.install.filter((n) => /-release(-el\d+)?$/.test(n)), removed: swap.remove, sourceVendor, dnf, ...allowRemove }, conversion),
  ];
  return { steps, notes };
}
