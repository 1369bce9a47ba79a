/**
 * The cross-major target transaction, the point of no return, as a systemd offline update (../offline-update.ts):
 * apply prepares the target dnf's one transaction — the plan's removals and installs, then distro-sync with
 * --allowerasing (PackageManager.offlineUpgradeArgv) — and arms /system-update; the runner reboots; the host
 * boots into system-update.target, where the update unit runs the transaction with no service of the host
 * started and no network — from the metadata cached and the packages downloaded and checked by
 * ./download-packages.ts before any change — and reboots into the upgraded system.
 *
 * After the reboot (afterReboot) the step reads the result the update left: none (the boot did not run it), a
 * failure (dnf's exit status and the end of its output), or success — then applied means every removal gone,
 * every install present and no name.arch installed twice that is not install-only (what an interrupted rpm
 * transaction leaves), and the units are removed. A resume after a failure applies the step again: the update is
 * armed again and the host rebooted into it.
 */
import { posix } from 'node:path';
import { runChecked } from '../journal.js';
import { DOWNLOAD_DIR } from './download-packages.js';
import { defineStep } from '../runner.js';
import type { Step, StepContext } from '../types.js';
import { duplicatePackages, installOnlyNames, packageManagerFor, rpmArgv } from '../package-manager/index.js';
import { offlineUpdateArmed, readOfflineResult, scheduleOfflineUpdate, SYSTEM_UPDATE_LINK, unscheduleOfflineUpdate } from '../offline-update.js';
import { upgradeTransactionKind, type UpgradeTransactionOptions } from '../../plan/steps/index.js';

async function upgraded(ctx: StepContext, o: UpgradeTransactionOptions): Promise<{ ok: boolean; detail: string }> {
  const t = ctx.transport;
  const out = await runChecked(t, rpmArgv(t, '-qa', '--qf', '%{NAME} %{ARCH}\\n'), 'rpm -qa');
  const rows = out.split('\n').filter(Boolean).map((l) => l.split(' '));
  const names = new Set(rows.map(([n]) => n));
  const dupes = duplicatePackages(rows.map(([n, a]) => `${n}.${a}`), await installOnlyNames(t));
  const still = o.remove.filter((n) => names.has(n));
  const missing = o.install.filter((n) => !names.has(n));
  const ok = still.length === 0 && missing.length === 0 && dupes.length === 0;
  return { ok, detail: ok ? `removed ${o.remove.length}, installed ${o.install.length}, no duplicate packages` : `still installed: ${still.join(', ') || 'none'}; missing: ${missing.join(', ') || 'none'}; installed twice (an unfinished rpm transaction): ${dupes.join(', ') || 'none'}` };
}

async function afterReboot(ctx: StepContext, o: UpgradeTransactionOptions): Promise<{ ok: boolean; detail: string }> {
  const result = await readOfflineResult(ctx);
  if (result.state === 'none') {
    return { ok: false, detail: `the offline update did not run on that boot (no result below ${ctx.stateDir}/offline; ${SYSTEM_UPDATE_LINK} ${await offlineUpdateArmed(ctx) ? 'is still armed: the boot did not enter system-update.target' : 'is gone'})` };
  }
  if (result.state === 'failed') {
    return { ok: false, detail: `the offline update's transaction exited ${result.code} (the host booted back into the system it left); its output ends:\n${result.logTail}` };
  }
  const u = await upgraded(ctx, o);
  if (!u.ok) return { ok: false, detail: `the offline update's transaction did not complete (its dnf exited 0): ${u.detail}; its output ends:\n${result.logTail}` };
  await unscheduleOfflineUpdate(ctx);
  return u;
}

export function upgradeTransactionStep(options: UpgradeTransactionOptions): Step<UpgradeTransactionOptions> {
  return defineStep<UpgradeTransactionOptions>({
    ...upgradeTransactionKind.spec(options),
    changesPackages: true,
    endsInReboot: true,
    describe: () => [`arm a systemd offline update (${SYSTEM_UPDATE_LINK}) of dnf --releasever ${options.dnf.releasever} shell: remove ${options.remove.join(' ') || '(none)'}; install ${options.install.join(' ') || '(none)'}; distro-sync; run (--allowerasing) from ${options.dnf.repos.map((r) => r.baseurl).join(', ')}`,
      'reboot: the transaction runs in system-update.target (no service started), then the host reboots into the upgraded system'],
    async apply(ctx) {
      // The packages the download step fetched and rpm -K checked: the offline boot has no network.
      const argv = await packageManagerFor(options.dnf).offlineUpgradeArgv(ctx, options.dnf, { remove: options.remove, install: options.install }, { packagesDir: posix.join(ctx.stateDir, DOWNLOAD_DIR) });
      await scheduleOfflineUpdate(ctx, argv);
      ctx.output(`armed the offline update: ${SYSTEM_UPDATE_LINK} → ${ctx.stateDir}/offline; the next boot runs the transaction in system-update.target`);
    },
    verify: async (ctx) => ({ ok: await offlineUpdateArmed(ctx), detail: `${SYSTEM_UPDATE_LINK} and the update unit are in place` }),
    afterReboot: (ctx) => afterReboot(ctx, options),
    // A resumed step whose update already ran and succeeded (its result read back) is not armed again.
    isApplied: async (ctx) => (await readOfflineResult(ctx)).state === 'ok' && (await upgraded(ctx, options)).ok,
  });
}
