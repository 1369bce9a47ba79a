/**
 * The vendor swap: one dnf transaction removing the source's vendor packages (release, repos, gpg-keys,
 * logos…) and installing the target's, with protected_packages emptied and no autoremove — as
 * migrate2rocky's package_swaps() does, because both release packages provide system-release and own the
 * same files. Before it, the rpm database and every file the old and new packages own are registered, so
 * rollback puts the swap back exactly. First of all, the transaction gate (./transaction-gate.ts) stops the
 * migration when the swap and distro-sync would remove a package nobody announced or approved; a dry run
 * asks the same prediction without changing the host (`preview`).
 */
import { dirRestorable } from '../restorables.js';
import { defineStep } from '../runner.js';
import type { Step, StepContext } from '../types.js';
import { packageManagerFor, rpmArgv } from '../package-manager/index.js';
import { pathSetRestorable } from './path-set.js';
import { gateTransaction, previewTransaction } from './transaction-gate.js';
import type { Transport } from '../../transport/types.js';
import { swapVendorPackagesKind, type SwapOptions } from '../../plan/steps/index.js';

async function swapped(ctx: StepContext, o: SwapOptions): Promise<{ ok: boolean; detail: string }> {
  const t = ctx.transport;
  const have = await t.run(rpmArgv(t, '-q', '--qf', '%{NAME}\\n', ...o.install));
  const gone = o.remove.length ? await t.run(rpmArgv(t, '-q', '--qf', '%{NAME}\\n', ...o.remove)) : { stdout: '' };
  // one name a line; "package x is not installed" is no name
  const present = new Set(have.stdout.split('\n'));
  const left = new Set(gone.stdout.split('\n'));
  const still = o.remove.filter((n) => left.has(n));
  const missing = o.install.filter((n) => !present.has(n));
  return { ok: still.length === 0 && missing.length === 0, detail: `still installed: ${still.join(', ') || 'none'}; missing: ${missing.join(', ') || 'none'}` };
}

/** True while no package of the swap was removed or installed yet. */
async function swapUntouched(t: Transport, o: SwapOptions): Promise<boolean> {
  const have = await t.run(rpmArgv(t, '-q', '--qf', '%{NAME}\\n', ...o.remove, ...o.install));
  const present = new Set(have.stdout.split('\n'));
  return o.remove.every((n) => present.has(n)) && o.install.every((n) => !present.has(n));
}

export function swapVendorPackagesStep(options: SwapOptions): Step<SwapOptions> {
  return defineStep<SwapOptions>({
    ...swapVendorPackagesKind.spec(options),
    changesPackages: true,
    describe: () => [
      `predict the swap and distro-sync with dnf --assumeno; stop on a removal not announced${options.allowRemove.length ? ` or approved (${options.allowRemove.join(', ')})` : ' (none approved with --allow-remove)'}`,
      `dnf shell: remove ${options.remove.join(' ')}; install ${options.install.join(' ')}; run`,
    ],
    async apply(ctx) {
      const t = ctx.transport;
      const pm = packageManagerFor(options.dnf);
      // The gate judges the whole transaction from the host as it is before the swap: on a resume after the
      // swap began (a package of it already removed or installed) there is no such state left to predict from.
      const untouched = await swapUntouched(t, options);
      if (untouched) await gateTransaction(ctx, { dnf: options.dnf, swap: { remove: options.remove, install: options.install }, allowRemove: options.allowRemove });
      else ctx.output('the swap already began (resumed): its transaction was judged before it did');
      // Both only read: the rpm database's file lists and the target repositories'.
      const [old, next] = await Promise.all([
        options.remove.length ? t.run(rpmArgv(t, '-ql', ...options.remove)) : { stdout: '' },
        pm.fileLists(ctx, options.dnf, options.install),
      ]);
      const paths = [...old.stdout.split('\n').filter((p) => p.startsWith('/')), ...next];
      await ctx.register(dirRestorable('/var/lib/rpm'));
      await ctx.register(pathSetRestorable('vendor-files', `files of ${[...options.remove, ...options.install].join(', ')}`, paths));
      await pm.swap(ctx, options.dnf, { remove: options.remove, install: options.install });
    },
    // The gate's prediction in a private directory on the host (previewTransaction), while the swap has not begun.
    preview: async (transport) => ((await swapUntouched(transport, options))
      ? previewTransaction(transport, { dnf: options.dnf, swap: { remove: options.remove, install: options.install }, allowRemove: options.allowRemove })
      : undefined),
    isApplied: async (ctx) => (await swapped(ctx, options)).ok,
    verify: (ctx) => swapped(ctx, options),
  });
}
