/**
 * The plan's predicted transaction: what the plan's swap step and the distro-sync after it (or a cross-major
 * plan's target transaction, the same shape) do to each package,
 * predicted by assess's solver run (src/assess/predict.ts) from the host's facts and the target repositories'
 * metadata, with the swap the plan itself runs. Pure. Undefined when it cannot be predicted: no swap step, no
 * installed dependencies in the facts (collected before they were), or no target metadata read.
 *
 * `ferry plan --json` publishes it beside the plan as `predictedTransaction` (publishedPlan): derived data,
 * outside the plan's content id, and absent when not predicted; the plan schema (schema.ts) describes it
 * with PREDICTED_TRANSACTION_SCHEMA (predicted-schema.ts, kept apart so the schema loads without the solver).
 */
import { predictMigration, type Prediction, type TargetRepoView } from '../assess/index.js';
import type { HostFacts } from '../facts/types.js';
import type { MigrationPlan } from './types.js';

export function predictPlanTransaction(plan: MigrationPlan, facts: HostFacts, repo: TargetRepoView | undefined): Prediction | undefined {
  // The same-major swap, or a cross-major upgrade's target transaction: removals and installs, then distro-sync, as the solver run models them.
  const step = plan.steps.find((s) => s.kind === 'swap-vendor-packages' || s.kind === 'upgrade-transaction');
  const swap = step?.options;
  if (!step || !swap || !repo || !facts.dependencies || !facts.packages) return undefined;
  return predictMigration({
    installed: facts.packages, dependencies: facts.dependencies, target: repo.pool.packages,
    ...(repo.modules ? { modules: repo.modules } : {}), ...(facts.modules ? { moduleStates: facts.modules } : {}),
    // the upgrade step holds the swap's and PES's removals in one list
    swap: { remove: swap.remove, install: swap.install, removedBy: step.kind === 'upgrade-transaction' ? 'upgrade-remove' : 'vendor-swap-remove' }, arch: facts.system?.arch ?? 'x86_64',
  });
}

/** The plan document as `ferry plan --json` prints it: the plan, and its predicted transaction when there is one. */
export type PublishedPlan = MigrationPlan & { predictedTransaction?: Prediction };

export function publishedPlan(plan: MigrationPlan, predicted: Prediction | undefined): PublishedPlan {
  return predicted ? { ...plan, predictedTransaction: predicted } : plan;
}
