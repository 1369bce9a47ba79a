/**
 * The cross-major target transaction, the point of no return: one detached dnf run at the target releasever
 * (PackageManager.upgrade) — the plan's removals and installs, then distro-sync with --allowerasing. Its
 * transaction was predicted, judged and downloaded before any change (./download-packages.ts).
 *
 * Applied means: every removal gone, every install present, and no name.arch installed twice that is not
 * install-only (what an interrupted rpm transaction leaves). A resume after dnf finished (it runs detached, so a
 * killed Ferry does not stop it) finds that and does not run it again; a resume while it still runs waits for it,
 * then checks the same.
 */
import { runChecked } from '../journal.js';
import { defineStep } from '../runner.js';
import type { Step, StepContext } from '../types.js';
import { duplicatePackages, installOnlyNames, packageManagerFor, rpmArgv } from '../package-manager/index.js';
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

export function upgradeTransactionStep(options: UpgradeTransactionOptions): Step<UpgradeTransactionOptions> {
  return defineStep<UpgradeTransactionOptions>({
    ...upgradeTransactionKind.spec(options),
    changesPackages: true,
    describe: () => [`dnf --releasever ${options.dnf.releasever} shell: remove ${options.remove.join(' ') || '(none)'}; install ${options.install.join(' ') || '(none)'}; distro-sync; run (--allowerasing) from ${options.dnf.repos.map((r) => r.baseurl).join(', ')}`],
    async apply(ctx) {
      await packageManagerFor(options.dnf).upgrade(ctx, options.dnf, { remove: options.remove, install: options.install }, { doneAfterEarlierRun: async () => (await upgraded(ctx, options)).ok });
    },
    isApplied: async (ctx) => (await upgraded(ctx, options)).ok,
    verify: (ctx) => upgraded(ctx, options),
  });
}
