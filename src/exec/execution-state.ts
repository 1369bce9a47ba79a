/**
 * The one reading of an execution's journal as a state (ExecutionState, exec/types.ts): the runner's status
 * (deriveStatus) and the store's executions row both fold the journal through executionStateAfter.
 */
import type { ExecutionState, JournalEntry } from './types.js';

/**
 * The state an execution is in after `entry`, or undefined when the entry does not change it (restorables,
 * overrides, restores, a step's end). A step start after a failed run (resume) makes it running again; a
 * rollback entry ends the run's own story: nothing but rollback entries follow one (resume refuses).
 */
export function executionStateAfter(entry: JournalEntry): ExecutionState | undefined {
  if (entry.event === 'execution') return entry.phase === 'start' ? 'running' : entry.status;
  if (entry.event === 'step' && entry.phase === 'start') return 'running';
  if (entry.event === 'rollback') return entry.phase === 'start' ? 'rolling-back' : entry.phase === 'end' ? 'rolled-back' : 'rollback-incomplete';
  return undefined;
}

/** The state after all of `entries` ('not-started' for none). */
export function executionStateOf(entries: readonly JournalEntry[]): ExecutionState {
  let state: ExecutionState = 'not-started';
  for (const e of entries) state = executionStateAfter(e) ?? state;
  return state;
}
