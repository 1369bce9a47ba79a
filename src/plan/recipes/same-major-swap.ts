/**
 * The recipe of a same-major conversion (CentOS 8 → Rocky 8, CentOS 7 → TencentOS 2.4…): pre-flight, backup,
 * disable the source repositories, import the target keys, swap the vendor packages in one transaction, reset
 * module streams the target lacks, distro-sync (the point of no return), bootloader, remove the source keys,
 * verify — the order migrate2rocky and almalinux-deploy follow.
 */
import type { PlanStepSpec } from '../steps/index.js';
import { distroSyncKind } from '../steps/distro-sync.js';
import { moduleStreamsKind } from '../steps/module-streams.js';
import { swapVendorPackagesKind } from '../steps/swap-vendor-packages.js';
import { closingSteps, enabledModules, openingSteps } from './conversion-steps.js';
import type { RecipeInput, RecipeOutput } from './types.js';

export function sameMajorSwap(input: RecipeInput): RecipeOutput {
  const { facts, source, target, swap, dnf } = input;
  const conversion = { source: source.id, target: target.id };
  const notes: string[] = [];
  const steps: PlanStepSpec[] = [
    ...openingSteps(input, notes),
    swapVendorPackagesKind.spec({ remove: swap.remove, install: swap.install, dnf, allowRemove: [...input.allowRemove] }, conversion),
    moduleStreamsKind.spec({ modules: enabledModules(facts), dnf }, conversion),
    distroSyncKind.spec({ dnf }, conversion),
    ...closingSteps(input, { removed: swap.remove }),
  ];
  return { steps, notes };
}
