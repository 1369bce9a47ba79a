/**
 * The one progress-event type: what every long-running use case tells a watching person (facts collection,
 * repository loading, assessment, a migration's steps and restores, fleet collection), discriminated by
 * `scope` (who is talking) with a `phase` (where it is). Front ends render it by switching on scope;
 * nothing decides on progress (the journal and the store are the record).
 */

/** A step of a run as progress names it: its content id, title and place in the plan (0-based index of total). */
export interface ProgressStep {
  id: string;
  title: string;
  index: number;
  total: number;
}

export type ProgressEvent =
  /** Gathering facts, loading repositories, assessing: a sentence per stage. */
  | { scope: 'facts'; phase: string; message: string }
  | { scope: 'repos'; phase: string; message: string }
  /** `done` of `total` hosts, when a fleet is assessed. */
  | { scope: 'assess'; phase: string; message: string; done?: number; total?: number }
  /** A step of a migration run; `status` says how it ended (applied, already-applied, done), `detail` what failed or would run. */
  | { scope: 'step'; phase: 'start' | 'end' | 'skipped' | 'failed' | 'would-run'; step: ProgressStep; status?: string; detail?: string }
  /** A line a step's command printed (stepId), or the runner's own while it waits. */
  | { scope: 'output'; phase: 'line'; stepId?: string; message: string }
  /** A restorable being restored by a rollback; `message` is its description, `detail` why it failed. */
  | { scope: 'restore'; phase: 'start' | 'end' | 'failed'; restorableId: string; message: string; detail?: string }
  /** A multi-hop route: hop `hop` (1-based) of `total` starts, its re-assessment gate passed or stopped the run, its facts differ from the prediction, or `ferry rollback --route` undoes it (hop 0: the route as a whole). */
  | { scope: 'route'; phase: 'hop' | 'gate' | 'differences' | 'rollback'; hop: number; total: number; message: string }
  /** Fleet collection: hosts done (failed included) of total; `host` is the one this event is about, if any. */
  | { scope: 'collect'; phase: 'start' | 'host' | 'end'; done: number; total: number; failed: number; host?: string; message?: string };

export type ProgressScope = ProgressEvent['scope'];

/** The events of some scopes, e.g. `ProgressOf<'facts'>` for what collectFacts emits. */
export type ProgressOf<S extends ProgressScope> = Extract<ProgressEvent, { scope: S }>;

export type ProgressListener = (event: ProgressEvent) => void;
