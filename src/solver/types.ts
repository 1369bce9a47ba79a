/**
 * The solver's view of a package universe, shaped like libsolv's Pool: solvables are dense integer ids,
 * repositories are numbered, one repository may be the installed system, and whatprovides answers which
 * solvables provide a simple dependency. src/rpm's columnar pool and the testcase reader's in-memory pool both
 * implement it; the solver reads nothing else.
 */
import type { Dep, Evr } from '../rpm/types.js';
import type { DepTree, SimpleDep } from '../rpm/deps.js';

export interface SolverRepo {
  readonly name: string;
  /** Higher wins (libsolv's repo priority); subpriority breaks ties between equal priorities. */
  readonly priority: number;
  readonly subpriority: number;
}

export interface Solvable {
  readonly name: string;
  readonly evr: Evr;
  readonly arch: string;
  /** Index into SolverPool.repos. */
  readonly repo: number;
  readonly provides: readonly Dep[];
  readonly requires: readonly DepTree[];
  readonly conflicts: readonly DepTree[];
  readonly obsoletes: readonly Dep[];
  readonly recommends: readonly DepTree[];
  readonly suggests: readonly DepTree[];
  readonly supplements: readonly DepTree[];
  readonly enhances: readonly DepTree[];
  /** rpm's Vendor tag and build time (seconds), where the metadata has them: solvable_identical reads them. */
  readonly vendor?: string;
  readonly buildTime?: number;
}

export interface SolverPool {
  /** Solvable ids are 0 … count-1. */
  readonly count: number;
  solvable(id: number): Solvable;
  readonly repos: readonly SolverRepo[];
  /** The repository holding the installed system, if any. */
  readonly installedRepo: number | undefined;
  /** The ids of the solvables with a provide matching dep (rpm's range overlap), ascending. */
  whatprovides(dep: SimpleDep): readonly number[];
  /** The ids of the solvables called name, ascending. */
  named(name: string): readonly number[];
  /** How versions order and match (disttype.ts): rpm's when absent. */
  readonly disttype?: 'rpm' | 'deb';
}

export type JobSelect =
  /** Packages called `name`; with `evr`, only those whose own evr matches it (pool_match_nevr). */
  | { kind: 'name'; name: string; evr?: Pick<SimpleDep, 'flags' | 'evr'> }
  | { kind: 'provides'; dep: SimpleDep }
  | { kind: 'pkg'; id: number }
  | { kind: 'all' }
  | { kind: 'repo'; repo: number }
  /** SOLVER_SOLVABLE_ONE_OF: the listed packages. */
  | { kind: 'oneof'; ids: readonly number[] };

/**
 * `multiversion` is libsolv's SOLVER_MULTIVERSION: the selected packages are installed beside other versions of
 * their name instead of replacing them (dnf's install-only packages, kernels). `allowuninstall` is
 * SOLVER_ALLOWUNINSTALL: the selected installed packages may be erased when the jobs cannot be met otherwise (dnf
 * --allowerasing gives one per installed package that is not protected, libdnf Goal.cpp allowUninstallAllButProtected).
 * `blacklist` is SOLVER_BLACKLIST: the selected repository packages are installed only by an install job that names
 * their version (retracted patches, PTFs). `excludefromweak` is SOLVER_EXCLUDEFROMWEAK: the selected packages are
 * never installed for a recommends or supplements. `verify` is SOLVER_VERIFY: the selected installed packages'
 * broken dependencies are fixed too (fixmap).
 */
export type JobCommand = 'install' | 'erase' | 'update' | 'distupgrade' | 'lock' | 'favor' | 'disfavor' | 'multiversion' | 'allowuninstall' | 'blacklist' | 'excludefromweak' | 'verify';

export interface Job {
  readonly command: JobCommand;
  readonly select: JobSelect;
  /** SOLVER_FORCEBEST: only the best candidates of the job (install, update, distupgrade) may be installed. */
  readonly forceBest?: boolean;
  /** SOLVER_TARGETED: an update or distupgrade to the selected packages, even when it selects installed ones. */
  readonly targeted?: boolean;
  /**
   * SOLVER_SETEVR / SOLVER_SETARCH on an install job: the job fixes the version (arch), so an installed package it
   * replaces by a downgrade (an arch change) loses its update rule too, and the arch's infarch rules are lifted.
   */
  readonly setEvr?: boolean;
  readonly setArch?: boolean;
  /** SOLVER_WEAK: the job is dropped when it cannot be met together with the others. */
  readonly weak?: boolean;
  /**
   * SOLVER_CLEANDEPS on an erase, install, update or distupgrade job (dnf's clean_requirements_on_remove): the
   * installed packages only what the job erases, replaces or updates needed go too (cleandeps.ts).
   */
  readonly cleandeps?: boolean;
}

export interface SolveRequest {
  readonly pool: SolverPool;
  /** The system architecture (libsolv's pool_setarch); packages of other arches cannot be installed. */
  readonly arch: string;
  readonly jobs: readonly Job[];
  /**
   * libsolv's POOL_FLAG_IMPLICITOBSOLETEUSESCOLORS: packages of one name but arches of different colours
   * (x86_64 and i686) do not obsolete each other, so multilib packages install side by side. dnf sets it
   * (dnf5: libdnf5/solv/pool.hpp, "Allow packages of the same name with different architectures to be
   * installed in parallel"); testsolv's testcases do not unless they say `poolflags`.
   */
  readonly implicitObsoleteUsesColors?: boolean;
  /**
   * libsolv's SOLVER_FLAG_KEEP_EXPLICIT_OBSOLETES: a multiversion package's own Obsoletes: still apply (only
   * the implicit same-name obsoletes are dropped). testsolv's default is off; dnf turns it on ("installonly
   * notwithstanding, process explicit obsoletes", hawkey's src/goal.c construct_solver, the goal dnf's libdnf grew from).
   */
  readonly keepExplicitObsoletes?: boolean;
  /**
   * libsolv's SOLVER_FLAG_KEEP_ORPHANS: under a distupgrade, an installed package no repository replaces stays
   * (its update rule keeps it). libdnf sets it (initSolver), and so does src/assess/predict.ts.
   */
  readonly keepOrphans?: boolean;
  /**
   * libsolv's SOLVER_FLAG_ALLOW_UNINSTALL: any installed package may be erased when the jobs cannot be met
   * otherwise (solver_autouninstall: the last update rule of the unsolvable proof is disabled, and the solver runs
   * again). `allowuninstall` jobs allow it for the packages they select.
   */
  readonly allowUninstall?: boolean;
  /**
   * libsolv's SOLVER_FLAG_ALLOW_VENDORCHANGE: an update may change the package's vendor. libsolv's default is off
   * (a change of vendor is no update); dnf turns it on with allow_vendor_change (its default, libdnf initSolver).
   */
  readonly allowVendorChange?: boolean;
  /**
   * libsolv's SOLVER_FLAG_BEST_OBEY_POLICY: a forcebest update keeps to the update rule's candidates (no downgrade,
   * no arch or vendor change) instead of the feature rule's. dnf sets it (libdnf Goal.cpp initSolver).
   */
  readonly bestObeyPolicy?: boolean;
  /**
   * libsolv's SOLVER_FLAG_YUM_OBSOLETES: when packages of several names obsolete one installed package with the
   * same Obsoletes:, installing one installs one of each name (yum's package splits). dnf sets it.
   */
  readonly yumObsoletes?: boolean;
  /**
   * libsolv's pool->considered as its complement: packages taken out of the pool (dnf's excludes). One of a
   * repository is not installable and, unless whatprovidesWithDisabled (POOL_FLAG_WHATPROVIDESWITHDISABLED), not
   * even seen by whatprovides; an installed one must stay installed.
   */
  readonly disabled?: ReadonlySet<number>;
  readonly whatprovidesWithDisabled?: boolean;
  /**
   * libsolv's SOLVER_FLAG_STRONG_RECOMMENDS: recommends are package rules too, weak ones: those in the proof of an
   * unsolvable run are disabled and the solver runs again.
   */
  readonly strongRecommends?: boolean;
  /** libsolv's SOLVER_FLAG_STRICT_REPO_PRIORITY: only the highest-priority repository's packages of a name install. */
  readonly strictRepoPriority?: boolean;
  /** libsolv's SOLVER_FLAG_NO_AUTOTARGET: an update or distupgrade job is targeted only when it says [targeted]. */
  readonly noAutoTarget?: boolean;
  /** Bounds the search: more conflicts than this throws SOLVER_LIMIT. */
  readonly maxConflicts?: number;
  /** libsolv's ignorerecommended (dontinstallrecommended): no weak dependency is installed. */
  readonly ignoreRecommended?: boolean;
  /** libsolv's dupallowdowngrade and dupallowarchchange (both on by default, as in dnf). */
  readonly dupAllowDowngrade?: boolean;
  readonly dupAllowArchChange?: boolean;
  /**
   * libsolv's focusbest: after the jobs, the dependencies of the new packages are resolved (their best candidates,
   * reordered for the installed packages to come) before the installed packages are kept.
   */
  readonly focusBest?: boolean;
  /** libsolv's focusnew (0.7.30): like focusBest, but leaving out the dependencies an installed package provides. */
  readonly focusNew?: boolean;
  /** libsolv's focusinstalled: the installed packages are resolved before the jobs. */
  readonly focusInstalled?: boolean;
  /** Also report solver_get_cleandeps: the installed packages erased because only what the jobs took away needed them. */
  readonly reportCleandeps?: boolean;
  /** Also report solver_get_recommendations: the packages still recommended / suggested after solving. */
  readonly recommendations?: boolean;
  /** Told how long each phase of the solve took, in ms, as it ends (the solver bench prints the split). */
  readonly onPhase?: (phase: SolvePhase, ms: number) => void;
  /** Also report solver_get_alternative: the choices among several candidates the solve kept. */
  readonly alternatives?: boolean;
  /** Also report the rules the solver made (testsolv's `result rules`) and the packages it made rules for. */
  readonly rules?: boolean;
  /**
   * Packages a reused solver already has package rules for (testsolv's `nextjob reusesolver`: libsolv keeps the
   * previous solve's rules and addedmap), considered as if a job had named them.
   */
  readonly considerAlso?: readonly number[];
}

/**
 * The phases of one solve: making the rules (the dependency lists the pool reads on first use included), the SAT
 * search with its reruns and minimisation, and the transaction built from the model.
 */
export type SolvePhase = 'rules' | 'sat' | 'transaction';

/**
 * A choice the solver made among several candidates (libsolv's branches): the candidates in the policy's order,
 * each taken (tried) or not, the one installed; its origin: a rule (its class and literals; a choice rule's package
 * rule; a job rule's job index; an update rule's package) or the recommends `dep` of package `from`.
 */
export interface Alternative {
  readonly cands: readonly { readonly id: number; readonly taken: boolean }[];
  readonly chosen?: number;
  readonly origin?:
    | { readonly rule: SolverRule['literals']; readonly kind: string; readonly pkgRule?: SolverRule['literals']; readonly job?: number; readonly pkg?: number }
    | { readonly from: number; readonly dep: DepTree };
}

/** A rule as the solver made it: its class (libsolv's solver_ruleclass) and literals (a solvable installed or not). */
export interface SolverRule {
  readonly kind: 'pkg' | 'recommends' | 'update' | 'feature' | 'job' | 'infarch' | 'distupgrade' | 'best' | 'yumobs' | 'black' | 'strictrepoprio' | 'choice';
  readonly literals: readonly { readonly id: number; readonly installed: boolean }[];
}

/**
 * With SolveRequest.rules: every rule made before the search, disabled ones included, in the order made; how many
 * the search learnt (Ferry's CDCL learns other clauses than libsolv's); the packages rules were made for.
 */
export interface RuleReport { readonly rules: readonly SolverRule[]; readonly learnt: number; readonly considered: readonly number[] }

export type TransactionStep =
  | { kind: 'install'; id: number }
  | { kind: 'erase'; id: number; by?: number }
  | { kind: 'upgrade' | 'downgrade' | 'reinstall' | 'change'; from: number; to: number };

export type SolveResult =
  | { ok: true; steps: TransactionStep[]; installed: number[]; recommended?: number[]; suggested?: number[]; cleandeps?: number[]; rules?: RuleReport; alternatives?: Alternative[] }
  | { ok: false; problems: string[]; rules?: RuleReport };
