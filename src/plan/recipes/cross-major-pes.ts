/**
 * The recipe of a cross-major upgrade (CentOS 7 → Rocky 8, EL8 → EL9), Leapp's model with Ferry's own interim
 * phase: pre-flight, backup, (snapshot), disable the source repositories, import the target keys, predict + judge
 * the target transaction and download and check its packages (no change yet) — for a target major of 9 or later the
 * keys are imported only after the rpm database's conversion (rpmdb-rebuild) right before the transaction, Leapp's
 * order: nothing before it writes the host's rpm database, and the download checks signatures against the keys in a
 * keyring of its own — the target transaction (the point of no return) as a systemd offline update — armed, then run on the next boot in system-update.target with no
 * service of the host started, which reboots into the upgraded system — finalize (rpm database format, SELinux
 * relabel), bootloader, remove the source keys, verify.
 *
 * The target transaction is Leapp's (leapp-repository's dnfplugin: to_remove, to_install, to_upgrade in one dnf
 * transaction at the target releasever): the vendor swap's removals and installs (assess's rule, vendorSwapPlan)
 * and what the vendor's PES events change (pesTransaction, the rule the assessment's fates apply), then
 * distro-sync of everything else with --allowerasing. Events whose replacement the target repositories do not
 * carry, or whose repository Leapp's repomap does not map, leave the package alone (its fate: missing) and are
 * named in the plan's notes. The repomap is the catalog's for the path, else the operator's repomap.json beside
 * the events file (OpenCloudOS: the catalog has no Leapp data of its own for it); with neither the path is not
 * planned (REPOMAP_REQUIRED, catalog/leapp-data.ts), as Leapp stops without one.
 *
 * The interim phase — the choice per path, and why:
 * - Every path this recipe plans runs the transaction as systemd's offline update (systemd.offline-updates(7), as
 *   `dnf system-upgrade` and PackageKit do; ../../exec/offline-update.ts), not in Leapp's upgrade initramfs:
 *   both apply it while no service runs, and the offline update needs nothing built for the target kernel.
 *   system-update.target and systemd-system-update-generator date from systemd commit d360705f (2012-05-22,
 *   "system-update: add system update generator"); CentOS 7 ships systemd 219 (its package in
 *   ../shared/data/manifests/docker-repo-info-2020/centos_7.txt). Leapp is not driven.
 * - CentOS 7 → Rocky/AlmaLinux/Oracle Linux/EuroLinux 8: ELevate's Leapp exists for these, but upstream Leapp
 *   dropped el7toel8 and ELevate needs a second separate run for 7 → 9; Ferry's own steps keep one journal, one
 *   transaction gate and one rollback stack for both hops, and are tested on the lab with the real dnf and rpm.
 * - CentOS 7 → OpenCloudOS 8: the vendor's `leapp --opencloudos` exists (url:oc-c7-to-oc8); driven the same way.
 * - EL8 → EL9 and OpenCloudOS 8 → 9: the same recipe; the OpenCloudOS 8 → 9 Leapp tool has no rollback, which
 *   Ferry's snapshot step gives.
 *
 * What this recipe does not do that Leapp does: no upgrade initramfs, no target-kernel command line changes, and
 * no target userspace. Leapp's target_userspace_creator installs the target's dnf into a chroot (`dnf install
 * --installroot /var/lib/leapp/elXuserspace dnf` from the target repositories, in a systemd-nspawn scratch
 * container over an OverlayFS of /) because the target's packages "can use some of the newer features of RPM such
 * as rich dependencies" that the source's RPM stack may not handle (leapp-repository docs/source/
 * upgrade-architecture-and-workflow/target-userspace-creator.md). Ferry's transaction is computed, downloaded and
 * checked by the host's dnf (an EL7 host needs dnf from its extras repository, see dnf.require) or, beside an
 * installed root, the controller's, with the target releasever and repositories: before any change the gate's
 * `--assumeno` depsolve, the download with `rpm -K`, and rpm's test transaction (tsflags=test: file conflicts,
 * disk space) with an isolated dnf state. Not built because the lab cannot show it honestly: its target
 * repositories are rpmbuild-made packages that carry no dnf (no python3-dnf, libdnf, or a target rpm and glibc to
 * run them), so a userspace populated from them has no dnf to run — the machine's dnf would be the one running. The lab models systemd's boots
 * (test/lab/boot.ts): the system-update boot runs the units system-update.target wants, the next the host's.
 */
import { crossMajorTransaction } from '../../assess/index.js';
import { rpmdbMoves } from '../../catalog/index.js';
import type { PlanStepSpec } from '../steps/index.js';
import { downloadPackagesKind } from '../steps/download-packages.js';
import { finalizeKind } from '../steps/finalize.js';
import { moduleStreamsKind } from '../steps/module-streams.js';
import { rpmdbConversionText, rpmdbRebuildKind } from '../steps/rpmdb-rebuild.js';
import { upgradeTransactionKind } from '../steps/upgrade-transaction.js';
import { closingSteps, enabledModules, openingSteps } from './conversion-steps.js';
import type { RecipeInput, RecipeOutput } from './types.js';


export function crossMajorPes(input: RecipeInput): RecipeOutput {
  const { facts, source, target, dnf } = input;
  const conversion = { source: source.id, target: target.id };
  const notes: string[] = [];
  const opening = openingSteps(input, notes);
  const tx = crossMajorTransaction({ installed: (facts.packages ?? []).map((p) => p.name), swap: input.swap, ...(input.pes ? { pes: input.pes } : {}), available: input.available });
  if (tx.unmapped.length) notes.push(`PES events want ${tx.unmapped.join(', ')}, whose repository Leapp's repomap for ${source.id} → ${target.id} does not map: not installed (what they replace stays)`);
  if (tx.unavailable.length) notes.push(`PES events want ${tx.unavailable.join(', ')}, which the ${target.id} repositories do not carry: not installed (what they replace stays)`);
  notes.push('the target transaction runs as a systemd offline update: armed with /system-update, run on the next boot in system-update.target (no service of the host started), which then reboots into the target; no upgrade initramfs, no target userspace container (dnf runs with the target releasever and repositories)');
  const modules = enabledModules(facts);
  const selinux = facts.security?.selinux;
  // EL7 and EL8 keep the rpm database in Berkeley DB, EL9 in SQLite (catalog rpmdbMoves, the one answer).
  const rpmdbRebuild = rpmdbMoves(source, target);
  // Leapp's model for a target major of 9 or later (dnfplugin.py, _rebuild_rpm_db before the upgrade transaction):
  // nothing writes the host's rpm database before the target's rpm rebuilds it in sqlite, right before the
  // transaction; the target keys, which Leapp imports into its target userspace, are imported after the rebuild.
  const keys = opening.filter((s) => s.kind === 'import-gpg-keys');
  const from = facts.rpmdb?.backend ?? 'unknown';
  if (rpmdbRebuild) notes.push(`${rpmdbConversionText(from)} right before the target transaction; no earlier step writes the host's rpm database (the target keys are imported after the rebuild)`);
  const steps: PlanStepSpec[] = [
    ...(rpmdbRebuild ? opening.filter((s) => s.kind !== 'import-gpg-keys') : opening),
    // EL8 → EL9: streams the target lacks are reset before the transaction (EL7 has no modules).
    ...(modules.length ? [moduleStreamsKind.spec({ modules, dnf }, conversion)] : []),
    // The download checks signatures against the target keys in a keyring of its own when the host's database gets them only later.
    downloadPackagesKind.spec({ remove: tx.remove, install: tx.install, dnf, allowRemove: [...input.allowRemove], keyring: rpmdbRebuild && dnf.gpgcheck ? keys.flatMap((k) => k.kind === 'import-gpg-keys' ? k.options.keys : []) : [] }, conversion),
    ...(rpmdbRebuild ? [rpmdbRebuildKind.spec({ from }, conversion), ...keys] : []),
    // Armed as a systemd offline update, run in system-update.target on the next boot, which reboots into the target.
    upgradeTransactionKind.spec({ remove: tx.remove, install: tx.install, dnf }, conversion),
    finalizeKind.spec({ rpmdbRebuild, autorelabel: selinux === 'enforcing' || selinux === 'permissive' }, conversion),
    ...closingSteps(input, { removed: tx.remove }),
  ];
  return { steps, notes };
}
