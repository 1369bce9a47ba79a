/**
 * The assessment's published vocabulary. A Finding is data with a stable key (STYLE.md §5); rendering
 * happens in src/report. An Assessment is published as JSON with ASSESSMENT_FORMAT_VERSION and a
 * checked-in JSON Schema (src/report/schema/assessment.schema.json): bump the version on any
 * incompatible change.
 */
import type { HostFacts } from '../facts/types.js';
import type { Catalog, MigrationPath, ReleaseView } from '../catalog/index.js';
import type { Pool } from '../rpm/pool.js';
import type { ModulesMetadata } from '../rpm/repodata/modules.js';
import type { Prediction } from './predict.js';

export const ASSESSMENT_FORMAT_VERSION = 1 as const;

export type Severity = 'info' | 'low' | 'medium' | 'high';

/** `inhibitor`: the migration must not start while this finding stands (unless overridden by key). */
export type FindingGroup = 'inhibitor' | 'packages' | 'hardware' | 'security' | 'boot' | 'kernel' | 'repository' | 'lifecycle' | 'system';

export interface Remediation {
  hint: string;
  /** Commands the user may run, each an argv array (never a shell string built from data). */
  commands?: string[][];
}

export interface Finding {
  /** Stable across runs: `<check>` or `<check>:<subject>` (e.g. `i686-packages`, `low-disk:/var`). */
  key: string;
  /** The check that produced it. */
  check: string;
  severity: Severity;
  groups: FindingGroup[];
  title: string;
  summary: string;
  remediation?: Remediation;
  /** Structured evidence (package NEVRAs, sizes…), JSON-serialisable. */
  details?: Record<string, unknown>;
}

/**
 * What happens to one installed package when the host moves to the target — read off the predicted transaction
 * when the facts carry the installed dependencies (fates.ts transactionFate), else by fates.ts's rules:
 * - same: the target has the same name.arch at the same EVR
 * - upgrade / downgrade: the target's newest name.arch is newer / older (dnf distro-sync syncs to it)
 * - replaced: another target package takes its place (Obsoletes, the catalog's vendor swap, or a PES event)
 * - missing: from the source vendor, with no counterpart in the target (stays installed, unsupported)
 * - third-party: not from the source vendor (EPEL, a local rpm…); left alone
 */
/** `erased`: the predicted transaction (predict.ts, the solver's) removes it, for the dependency chain in `chain`. */
export type Fate = 'same' | 'upgrade' | 'downgrade' | 'replaced' | 'missing' | 'third-party' | 'erased';

export interface PackageFate {
  /** The installed package as NEVRA (epoch shown when non-zero). */
  installed: string;
  name: string;
  arch: string;
  fate: Fate;
  /** The target package(s) it becomes, as NEVRAs. */
  target?: string[];
  /** How a replacement was found. */
  via?: 'obsoletes' | 'vendor-swap' | 'pes' | 'provides';
  reason?: string;
  /** erased: the package whose change forces the erasure (the end of `chain`). */
  erasedBy?: string;
  /** erased: the dependency chain, from this package's broken requires to the change that breaks it. */
  chain?: string[];
  /** erased: the package is not the source distribution's (classifyOrigin), as a kept one would be `third-party`. */
  thirdParty?: true;
}

export type FateCounts = Record<Fate, number>;

/**
 * A check that could not look at the host because the facts it reads are missing (an offline root has
 * no running kernel, memory or firmware; a package list has no signatures). It reported nothing, and
 * that silence means "unknown", not "all clear".
 */
export interface NotAssessed {
  check: string;
  reason: string;
}

export interface RankingReason {
  /** What the reason is about: blockers, missing, downgrades, kernel, lifecycle, tier, findings. */
  factor: string;
  /** Signed contribution to the score (higher is better). */
  points: number;
  text: string;
}

export interface TargetAssessment {
  /** Catalog release id, e.g. rocky-8. */
  target: string;
  targetName: string;
  /** The migration path from the catalog, or null when unsupported (then an inhibitor stands). */
  path: { method: string; source: string } | null;
  /** Without a direct path: the releases of the multi-hop route Ferry plans instead (source first), hop by hop with a gate between. */
  route?: string[];
  /**
   * A route's assessment hop by hop (assessRoute, the walk planRoute's gate runs): hop 1 on the host's facts,
   * each later hop on the predicted end state of the one before. The target's inhibitors are every hop's, its
   * findings each hop's (a key once), its repositories every hop's, its fates the first hop's (the host's
   * packages as they are now).
   */
  hops?: HopAssessment[];
  /** Where the target's package metadata came from (repo locations), or null when not compared. */
  repositories: string[];
  findings: Finding[];
  /** Checks that did not run for lack of facts, with the reason. Absent in reports written before it existed. */
  notAssessed?: NotAssessed[];
  inhibitors: string[];
  fates: PackageFate[];
  counts: FateCounts;
  score: number;
  /** 1 = best. */
  rank: number;
  reasons: RankingReason[];
}

/**
 * One hop of a route, assessed. `assessedOn`: `collected` (hop 1: the host's facts), `predicted` (the end state
 * the hop before is predicted to leave), `not-assessed` (that end state could not be predicted: `notAssessed`
 * says why; nothing else is known of the hop).
 */
export interface HopAssessment {
  /** 1-based. */
  hop: number;
  from: string;
  to: string;
  assessedOn: 'collected' | 'predicted' | 'not-assessed';
  path: { method: string; source: string } | null;
  repositories: string[];
  findings: Finding[];
  notAssessed: NotAssessed[];
  inhibitors: string[];
  fates: PackageFate[];
  counts: FateCounts;
  /** The solver's transaction of the hop (what the next hop is assessed on), when it was predicted. */
  predictedTransaction?: Prediction;
}

export interface Assessment {
  formatVersion: typeof ASSESSMENT_FORMAT_VERSION;
  /** ISO 8601 UTC. */
  assessedAt: string;
  host: { origin: string; hostname?: string; source: HostFacts['source'] };
  /** The catalog release the host runs, when recognised (e.g. centos-8), and its os-release text. */
  sourceRelease: string | null;
  sourceName: string;
  /** Findings that do not depend on the target (container, rpmdb…) are repeated in each target. */
  targets: TargetAssessment[];
}

/** A target's package metadata, parsed once and shared across hosts. */
export interface TargetRepoView {
  release: string;
  /** Repo locations (paths or URLs) the pool was built from. */
  locations: string[];
  pool: Pool;
  /** The target's modules.yaml, when it has one: fates then apply dnf's modular filtering. */
  modules?: ModulesMetadata;
}

/** Everything a check may read. Checks are pure: no Transport, no I/O. */
export interface CheckInput {
  facts: HostFacts;
  catalog: Catalog;
  source: ReleaseView | null;
  target: ReleaseView;
  /** The catalog's path source → target (null: none recorded); its method decides same- vs cross-major. */
  path: MigrationPath | null;
  /** Target metadata, when the assessment compares against real repositories. */
  repo?: TargetRepoView;
  /** Why the target's repositories, though given, are absent: the error of the mirror that could not be read. */
  repoUnreadable?: string;
  /** Per-package fates, computed before the checks run. */
  fates: PackageFate[];
  /** YYYY-MM-DD; injected so tests are deterministic. */
  today: string;
}

/** A check: a pure function from facts to findings. One check per file in src/assess/checks/. */
export interface Check {
  id: string;
  description: string;
  run(input: CheckInput): Finding[];
  /**
   * Why the check cannot look at this host (the facts it reads are missing), or undefined when it can.
   * When it gives a reason, `run` is not called and the report lists the check as not assessed.
   */
  notAssessed?(input: CheckInput): string | undefined;
}
