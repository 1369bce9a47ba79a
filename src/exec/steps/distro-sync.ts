/**
 * dnf distro-sync against the target repositories: every package moves to the target's build (upgrade,
 * downgrade or replacement, --allowerasing for renames). The plan's point of no return: once it starts,
 * the package set cannot be put back from the journal. dnf runs detached (../package-manager/detached.ts), so a killed Ferry or
 * a dropped SSH connection does not interrupt the rpm transaction; apply is idempotent (a second
 * distro-sync has nothing to do).
 *
 * Verify asks the rpm database, not dnf: dnf exiting 0 (checked by apply) means its whole transaction
 * ran; what an interrupted rpm transaction leaves behind is two versions of one package (the new one
 * installed, the old one not yet erased), so verify fails on any duplicate name.arch that is not
 * install-only (kernels, gpg-pubkey). Whether every package now comes from the target is the verify
 * step's leftover check; a second `dnf --assumeno distro-sync` here would only repeat dnf's depsolve.
 */
import { runChecked } from '../journal.js';
import { defineStep } from '../runner.js';
import type { Step } from '../types.js';
import { duplicatePackages, installOnlyNames, packageManagerFor, rpmArgv } from '../package-manager/index.js';
import { distroSyncKind, type DistroSyncOptions } from '../../plan/steps/index.js';

export function distroSyncStep(options: DistroSyncOptions): Step<DistroSyncOptions> {
  return defineStep<DistroSyncOptions>({
    ...distroSyncKind.spec(options),
    changesPackages: true,
    describe: () => [`dnf distro-sync --allowerasing from ${options.dnf.repos.map((r) => r.baseurl).join(', ')}`],
    async apply(ctx) {
      await packageManagerFor(options.dnf).distroSync(ctx, options.dnf);
    },
    async verify(ctx) {
      const out = await runChecked(ctx.transport, rpmArgv(ctx.transport, '-qa', '--qf', '%{NAME}.%{ARCH}\\n'), 'rpm -qa');
      const dupes = duplicatePackages(out.split('\n'), await installOnlyNames(ctx.transport));
      return { ok: dupes.length === 0, detail: dupes.length ? `installed twice (an unfinished rpm transaction): ${dupes.join(', ')}` : 'no duplicate packages' };
    },
  });
}
