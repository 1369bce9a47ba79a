/**
 * Snapshot: takes the system snapshot the plan chose (src/exec/snapshots) and journals it as the execution's
 * `snapshot` restorable, before the first change of the conversion. The provider checks its own preconditions
 * first (a Btrfs root mounted as the default subvolume, the free-space rule) and refuses with the figures.
 */
import { snapshotRestorable } from '../snapshots/index.js';
import { defineStep } from '../runner.js';
import type { Step } from '../types.js';
import { snapshotKind, type SnapshotOptions } from '../../plan/steps/index.js';

export function snapshotStep(options: SnapshotOptions): Step<SnapshotOptions> {
  return defineStep<SnapshotOptions>({
    ...snapshotKind.spec(options),
    describe: () => [options.provider === 'btrfs'
      ? 'check free space (btrfs filesystem usage), snapshot the root subvolume beside it on the top level'
      : options.provider === 'lvm'
        ? `check free space (lvs, vgs: the volume group, or the thin pool), lvcreate --snapshot of ${(options.volumes ?? []).map((v) => v.lv).join(', ')}`
        : `run ${JSON.stringify(options.commands?.create ?? [])} on the controller (its restore and remove counterparts later)`],
    async apply(ctx) {
      await ctx.register(snapshotRestorable({
        provider: options.provider, commands: options.commands, ...(options.retentionSeconds ? { retentionSeconds: options.retentionSeconds } : {}), ...(options.volumes ? { volumes: options.volumes } : {}),
      }));
    },
  });
}
