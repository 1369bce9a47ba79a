/**
 * The steps every conversion recipe opens and closes with, the same for a same-major swap and a cross-major
 * upgrade: pre-flight, backup, the snapshot (before the first change: returning to it undoes the whole
 * conversion), disable the source repositories, import the target keys; and at the end bootloader, remove the
 * source keys, verify. Each recipe puts its own transaction steps between them.
 */
import type { ReleaseView } from '../../catalog/index.js';
import type { HostFacts } from '../../facts/types.js';
import type { PlanStepSpec } from '../steps/index.js';
import { backupKind } from '../steps/backup.js';
import { bootloaderKind } from '../steps/bootloader.js';
import { disableReposKind } from '../steps/disable-repos.js';
import { importGpgKeysKind } from '../steps/import-gpg-keys.js';
import { preflightKind } from '../steps/preflight.js';
import { removeSourceKeysKind } from '../steps/remove-source-keys.js';
import { chooseSnapshot, snapshotKind } from '../steps/snapshot.js';
import { verifyKind } from '../steps/verify.js';
import type { RecipeInput } from './types.js';

export const DISK_DEFAULT_NOTE = 'the catalog records no disk needs for this path: pre-flight checks only that the paths exist';

/** What the backup step keeps: every file and directory the conversion may change. */
export const BACKUP_FILES = ['/etc/os-release', '/usr/lib/os-release', '/etc/redhat-release', '/etc/system-release', '/etc/centos-release', '/etc/issue'];
export const BACKUP_DIRS = ['/etc/yum.repos.d', '/etc/alternatives', '/etc/dnf/modules.d', '/etc/pki/rpm-gpg', '/var/lib/rpm'];

/** The os-release ID a target release has (`ol` for Oracle Linux). */
export function targetOsIdOf(target: ReleaseView): string {
  return target.distribution === 'oraclelinux' ? 'ol' : target.distribution;
}

/** The module streams the host has enabled, as the module-streams step takes them. */
export function enabledModules(facts: HostFacts): { name: string; stream: string }[] {
  return (facts.modules ?? []).filter((m) => m.state === 'enabled' && m.stream).map((m) => ({ name: m.name, stream: m.stream ?? '' }));
}

/** Pre-flight, backup, (snapshot), disable the source repositories, import the target keys; what they decided not to do goes to `notes`. */
export function openingSteps(input: RecipeInput, notes: string[]): PlanStepSpec[] {
  const { facts, catalog, source, target, path, swap, dnf, keys } = input;
  const conversion = { source: source.id, target: target.id };
  const diskMiB = path?.resources?.diskMiB?.value ?? {};
  if (!path?.resources?.diskMiB?.value) notes.push(DISK_DEFAULT_NOTE);
  if (keys.length === 0) notes.push(`no GPG key of ${target.id} to import: ${dnf.gpgcheck ? 'dnf will fail on signed packages' : 'gpgcheck is off for these repositories'}`);
  const snapshot = chooseSnapshot(facts, input.snapshot, input.snapshotRetentionSeconds);
  if ('note' in snapshot) notes.push(snapshot.note);
  return [
    preflightKind.spec({ diskMiB, dnf }, conversion),
    backupKind.spec({ files: BACKUP_FILES, dirs: BACKUP_DIRS }, conversion),
    ...('options' in snapshot ? [snapshotKind.spec(snapshot.options, conversion)] : []),
    disableReposKind.spec({ repoIds: (catalog.repos(source.id)?.repos ?? []).map((r) => r.id), ownedBySwap: swap.remove }, conversion),
    importGpgKeysKind.spec({ keys: keys.map((k) => ({ name: k.name, armored: k.armored, fingerprints: k.fingerprints })) }, conversion),
  ];
}

/** Bootloader, remove the source keys, verify; `removed`: the packages the conversion took out (verification expects them gone). */
export function closingSteps(input: RecipeInput, o: { removed: readonly string[] }): PlanStepSpec[] {
  const { facts, catalog, source, target, swap, dnf } = input;
  const conversion = { source: source.id, target: target.id };
  const sourceVendor = (facts.packages ?? []).find((p) => swap.remove.includes(p.name) && p.vendor)?.vendor ?? null;
  return [
    bootloaderKind.spec({ bootMode: facts.boot?.mode ?? 'unknown', targetVendorOf: swap.install[0] ?? null }, conversion),
    removeSourceKeysKind.spec({ rpmNames: catalog.gpgKeys(source.id).files.flatMap((f) => f.keys.map((k) => k.rpmName)) }, conversion),
    verifyKind.spec({ targetOsId: targetOsIdOf(target), releasePackages: swap.install.filter((n) => /-release(-el\d+)?$/.test(n)), removed: [...o.removed], sourceVendor, dnf, allowRemove: [...input.allowRemove] }, conversion),
  ];
}
