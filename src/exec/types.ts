/**
 * The step contract and the execution vocabulary (see ../shared/STYLE.md §1, §6, §7).
 *
 * A step is a small unit of change with content-addressed id `contentId('step', {kind, options})`. The
 * runner journals its start and end on the host and in the store; `apply` must be idempotent because a
 * step that started but did not end (Ferry killed, host rebooted, SSH dropped) is applied again on resume
 * unless `isApplied` says its effect is already in place. Before each mutation a step registers a
 * Restorable through `ctx.register`; the runner captures the current state and journals it (kind + data,
 * JSON) before `register` resolves, so a later `ferry rollback` — in another process, after a crash —
 * can restore it LIFO. A step marked `pointOfNoReturn` ends the window in which rollback is offered.
 */
import type { JsonValue, Logger } from '../core/index.js';
import type { Transport } from '../transport/types.js';
import type { TransactionReport } from './package-manager/transaction-summary.js';

/** The one JSON type (core's), named here because steps, restorables and journal entries are made of it. */
export type { JsonValue };

export interface StepVerifyResult {
  ok: boolean;
  detail?: string;
}

export interface Step<O extends JsonValue = JsonValue> {
  kind: string;
  options: O;
  /** `contentId('step', {kind, options})`; build steps with `defineStep` to get it right. */
  id: string;
  title: string;
  /** Once this step starts, rollback is refused (ROLLBACK_PAST_PONR). */
  pointOfNoReturn?: boolean;
  /**
   * The step installs, removes or replaces packages: the runner records the host's package set when it ends
   * (package-state.ts), which rollback and resume compare the host with.
   */
  changesPackages?: boolean;
  /**
   * The step ends in a reboot: once applied and verified, the runner reboots the host through the journaled
   * boundary (reboot-boundary.ts) and ends the step when the same host is back on a new boot. A run interrupted
   * during the wait resumes into it (the step is not applied again).
   */
  endsInReboot?: boolean;
  /**
   * For a step that endsInReboot: what the boot it rebooted into did (an offline update's result), checked once
   * the host is back; false (or {ok:false}) fails the step, and a resume applies it again.
   */
  afterReboot?(ctx: StepContext): Promise<boolean | StepVerifyResult>;
  /** Makes the change. Idempotent: running it twice leaves the host as running it once. */
  apply(ctx: StepContext): Promise<void>;
  /** Checks the change took effect; false (or {ok:false}) fails the step with STEP_FAILED. */
  verify?(ctx: StepContext): Promise<boolean | StepVerifyResult>;
  /** After a crash mid-step: true when the step's effect is already complete, so apply is skipped. */
  isApplied?(ctx: StepContext): Promise<boolean>;
  /** What apply would do, for dry runs: one line per action. Defaults to the title. */
  describe?(): string[];
  /**
   * Dry runs: the package transaction apply would run, asked of the host's package manager without changing
   * the host (undefined when there is nothing left to ask, as after the step began).
   */
  preview?(transport: Transport): Promise<TransactionReport | undefined>;
}

/** The environment a restorable captures and restores in: no step, no journal. */
export interface RestoreContext {
  transport: Transport;
  executionId: string;
  /** Host path (below the transport root) of this restorable's private backup directory. */
  backupDir: string;
  /** Streams a line of command output to the progress listener. */
  output(line: string): void;
  /**
   * Reboots the host and resolves once the same transport reaches it again (a snapshot restore boots into the
   * snapshot). Absent: the restorer asks the operator to reboot (SNAPSHOT_REBOOT_REQUIRED).
   */
  reboot?: () => Promise<void>;
  /**
   * Journals the reboot request (the host's boot id before it) when the runner reboots through the boundary
   * (exec/reboot.ts). A restorer that carries the journal into another tree calls it before the carry, so the
   * tree the host boots into holds the request.
   */
  prepareReboot?: () => Promise<void>;
}

/**
 * Something a step is about to change. `capture` records the current state (writing any bytes to
 * `ctx.backupDir` on the host) and returns JSON data; the kind's restorer later puts it back from the data
 * alone, so restorables survive a crash of Ferry.
 */
export interface Restorable<D extends JsonValue = JsonValue> {
  kind: string;
  /** Names the thing within its step (a path, a package set); with the step id it forms the restorable id. */
  key: string;
  description: string;
  capture(ctx: RestoreContext): Promise<D>;
}

/** What a restorer's check judges journaled data against: where Ferry's own capture would have put things. */
export interface RestorableCheckContext {
  /** The transport's root prefix (undefined: the host itself). */
  root: string | undefined;
  /** The backup directory Ferry gives this restorable (host path below the root). */
  backupDir: string;
  /** The restorable's key as journaled. */
  key: string;
}

/**
 * Restores one kind of restorable from its journaled data. The journal comes from the host, so `check`
 * first proves the data is what this kind's capture produces (paths below the root, backups in the
 * restorable's own backup directory, fixed command forms) and throws a message naming what is wrong;
 * rollback checks every restorable before it restores any. `restore` must be safe to run twice.
 */
export interface Restorer {
  check(data: JsonValue, ctx: RestorableCheckContext): void;
  restore(data: JsonValue, ctx: RestoreContext): Promise<void>;
}
export type RestorerRegistry = Readonly<Record<string, Restorer>>;

export interface StepContext {
  transport: Transport;
  executionId: string;
  step: Step;
  /** 1 on the first run of the step, 2 after one interrupted attempt, … */
  attempt: number;
  /** Host path of this execution's state directory (journal, backups). */
  stateDir: string;
  /** Captures and journals a restorable; resolves once it is durable. Idempotent per (step, kind, key). */
  register(restorable: Restorable): Promise<void>;
  /** Streams a line of command output (e.g. dnf's progress) to the progress listener. */
  output(line: string): void;
  log: Logger;
}

export interface PlanLike {
  id: string;
  steps: readonly Step[];
}

export interface SerializedRestorable {
  id: string;
  stepId: string;
  kind: string;
  key: string;
  description: string;
  data: JsonValue;
}

/** The installed package set at a point of a run: its size, the sha256 of the sorted NEVRA list, and that list's file on the host. */
export interface PackageFingerprint {
  count: number;
  sha256: string;
  list: string;
}

/**
 * One line of the journal (`journal.jsonl`), also mirrored to the store. `packages`: the host's package
 * set when the run started and when a step that `changesPackages` ended (absent in journals written before).
 */
export type JournalEvent =
  | { event: 'execution'; phase: 'start'; planId: string; steps: { id: string; kind: string; title: string; pointOfNoReturn: boolean }[]; controller: string; by?: string; packages?: PackageFingerprint }
  | { event: 'execution'; phase: 'end'; status: 'completed' | 'failed' }
  | { event: 'step'; phase: 'start'; stepId: string; kind: string; attempt: number; changesPackages?: true }
  | { event: 'step'; phase: 'end'; stepId: string; attempt: number; status: 'applied' | 'already-applied'; packages?: PackageFingerprint }
  | { event: 'step'; phase: 'failed'; stepId: string; attempt: number; error: { code: string; message: string } }
  | ({ event: 'restorable' } & SerializedRestorable)
  | { event: 'ponr'; stepId: string }
  | { event: 'override'; findingKey: string; by: string; reason?: string }
  | { event: 'rollback'; phase: 'start' | 'end' }
  | { event: 'rollback'; phase: 'failed'; failures: RestoreFailure[] }
  | { event: 'restore'; restorableId: string; phase: 'end' }
  | { event: 'restore'; restorableId: string; phase: 'failed'; error: string }
  /** `ferry finish`: what a snapshot left (the snapshot, or the system it replaced) was removed. */
  | { event: 'snapshot'; phase: 'removed'; restorableId: string; what: string }
  /** The reboot boundary (exec/reboot.ts): requested with the identity before it, returned with the new boot id. */
  | { event: 'reboot'; phase: 'requested'; bootId: string; machineId: string; hostKey?: string; stepId?: string }
  | { event: 'reboot'; phase: 'returned'; bootId: string }
  /**
   * A multi-hop route's re-assessment gate (app/route.ts), journaled in the execution of the hop before it once that
   * completed: hop `hop` (1-based), landing on `to`, re-assessed on facts collected then; `ok` false stopped the run there.
   */
  | { event: 'gate'; hop: number; to: string; ok: boolean; inhibitors: string[]; unexpected: string[]; missing: string[] };

/**
 * `kid` and `mac`: the id of the controller's journal key and the entry's chained HMAC (journal-key.ts).
 * Absent only in journals of a Ferry without journal keys, which are refused unless trusted explicitly.
 */
export type JournalEntry = JournalEvent & { v: 1; seq: number; at: string; executionId: string; kid?: string; mac?: string };

export interface RestoreFailure {
  restorableId: string;
  description: string;
  error: string;
}

/** Where the runner mirrors journal entries besides the host (the store implements it). */
export interface JournalSink {
  appendJournalEntry(entry: JournalEntry): Promise<void>;
}

export type StepState = 'pending' | 'running' | 'done' | 'failed';

/**
 * The one vocabulary of an execution's state, on the host and in the store (executionStateAfter reads it
 * from the journal). `rolling-back`: a rollback started and has not ended.
 */
export type ExecutionState = 'not-started' | 'running' | 'completed' | 'failed' | 'rolling-back' | 'rolled-back' | 'rollback-incomplete';

export interface ExecutionStatus {
  executionId: string;
  planId: string | undefined;
  /** A rollback under way shows as `running` with rollbackStarted (ferry rollback continues it, resume refuses it). */
  state: Exclude<ExecutionState, 'rolling-back'>;
  /** True when the run was interrupted (started, not ended) — resume will continue it. */
  interrupted: boolean;
  /** True once a rollback started: only ferry rollback continues the execution (resume refuses it). */
  rollbackStarted: boolean;
  ponrCrossed: boolean;
  steps: { id: string; kind: string; title: string; state: StepState; attempts: number }[];
  restorables: SerializedRestorable[];
  overrides: { findingKey: string; by: string; reason?: string; at: string }[];
  entries: number;
  /** Detached package-manager runs of this execution still running on the host (filled by `status`, not by folding the journal). */
  transactions: RunningTransaction[];
}

/** A detached run (package-manager/detached.ts) that still holds its lock on the host. */
export interface RunningTransaction {
  executionId: string;
  /** The first 24 characters of the step id, as in the run's file names. */
  stepIdPrefix: string;
  label: string;
  pid: number | null;
}

export interface ExecutionResult {
  executionId: string;
  planId: string;
  /** `rolled-back`: a resume that found the execution's rollback started and finished it (app resume). */
  status: 'completed' | 'dry-run' | 'rolled-back';
  /** Steps applied in this run. */
  applied: string[];
  /** Steps skipped because the journal shows them done (or isApplied said so). */
  skipped: string[];
  /** Dry run only: the actions each remaining step would take, and the transaction its package manager predicts. */
  wouldRun?: { stepId: string; title: string; actions: string[]; transaction?: TransactionReport }[];
}
