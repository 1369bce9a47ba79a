/**
 * dnf distro-sync against the target repositories: every package moves to the target's build (upgrade,
 * downgrade or replacement, --allowerasing for renames). The plan's point of no return: once it starts,
 * the package set cannot be put back from the journal. dnf runs detached (./dnf.ts), so a killed Ferry or
 * a dropped SSH connection does not interrupt the rpm transaction; apply is idempotent (a second
 * distro-sync has nothing to do).
 */
import { defineStep } from '../runner.js';
import type { Step } from '../types.js';
import { runDnf, type DnfEnv } from './dnf.js';

export type DistroSyncOptions = { dnf: DnfEnv };

export function distroSyncStep(options: DistroSyncOptions): Step<DistroSyncOptions> {
  return defineStep<DistroSyncOptions>({
    kind: 'distro-sync',
    title: 'dnf distro-sync to the target (point of no return)',
    options,
    pointOfNoReturn: true,
    describe: () => [`dnf distro-sync --allowerasing from ${options.dnf.repos.map((r) => r.baseurl).join(', ')}`],
    async apply(ctx) {
      await runDnf(ctx, options.dnf, ['distro-sync', '--allowerasing'], 'distro-sync');
    },
    async verify(ctx) {
      // Nothing left to sync: dnf's dry run (--assumeno) exits 0 and reports nothing to do.
      const { dnfArgv } = await import('./dnf.js');
      const res = await ctx.transport.run([...await dnfArgv(ctx, options.dnf), '--assumeno', 'distro-sync', '--allowerasing']);
      const text = res.stdout + res.stderr;
      return { ok: /Nothing to do/i.test(text) || res.code === 0, detail: text.trim().slice(-500) };
    },
  });
}
