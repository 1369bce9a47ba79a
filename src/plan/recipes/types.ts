import type { Catalog, MigrationPath, PesEvent, PesResult, ReleaseView } from '../../catalog/index.js';
import type { HostFacts } from '../../facts/types.js';
import type { PlanStepSpec, SnapshotRequest } from '../steps/index.js';
import type { DnfEnv, TargetKey } from '../types.js';

/** What every recipe is given: the conversion, the vendor swap decided by assess's rule, the target's dnf env and keys. */
export interface RecipeInput {
  facts: HostFacts;
  catalog: Catalog;
  source: ReleaseView;
  target: ReleaseView;
  /** The catalog's path (null: not recorded, planned only when the inhibitor was overridden). */
  path: MigrationPath | null;
  swap: { remove: string[]; install: string[] };
  /** Names of the packages the target repositories carry. */
  available: ReadonlySet<string>;
  /** Cross-major: Leapp's computation of the target package set (assess's pesResultFor) and the events it ran on; null otherwise. */
  pes: { result: PesResult; events: PesEvent[] } | null;
  dnf: DnfEnv;
  keys: readonly TargetKey[];
  /** `--allow-remove` names or globs: removals the operator approved (the swap's gate and verification honour them). */
  allowRemove: readonly string[];
  /** The operator's snapshot request (chooseSnapshot decides the step). */
  snapshot: SnapshotRequest;
  /** `--snapshot-retention` in seconds (SnapshotOptions.retentionSeconds). */
  snapshotRetentionSeconds?: number;
}

export interface RecipeOutput {
  steps: PlanStepSpec[];
  /** What the recipe decided not to do, with the reason (the plan's notes). */
  notes: string[];
}

export type Recipe = (input: RecipeInput) => RecipeOutput;
