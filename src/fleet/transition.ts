/**
 * The operator's moves on a rollout (start, pause, resume, abort, approve, retry, skip) as one pure state
 * machine: the new rollout state and host changes, or USAGE naming the rollout (and host) and why the move is
 * refused. The controller applies the result with compare-and-set (from `result.from`).
 *
 *   created ─start─► running ⇄ awaiting-approval (decide; approve while the gate holds) ─pause─► paused ─resume─► running
 *   running ─(threshold, decide)─► halted ─retry/skip the failed hosts, resume─► running
 *   any but completed/aborted ─abort─► aborted (pending and queued hosts cancelled; running ones finish)
 *
 * A skipped host counts as finished and not as failed; a retried host goes back to pending (released again
 * under the caps, in its own wave) and its failure no longer counts.
 */
import { FerryError } from '../core/index.js';
import { decide, failureStatus, type Approval, type RolloutView } from './decide.js';
import { describeDecision } from './describe.js';
import type { RolloutHostState, RolloutState } from './rollout-spec.js';

export type RolloutAction =
  | { kind: 'start' }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'abort' }
  | { kind: 'approve'; operator: string }
  | { kind: 'retry'; host: string }
  | { kind: 'skip'; host: string };

export interface TransitionResult {
  /** The state the move starts from (for the store's compare-and-set) and the state it leads to. */
  from: RolloutState;
  state: RolloutState;
  hosts: { name: string; from: RolloutHostState; to: RolloutHostState }[];
  /** Set by approve. */
  approval: Approval | null;
}

const OPEN: readonly RolloutState[] = ['created', 'running', 'awaiting-approval', 'paused', 'halted'];

export function transition(view: RolloutView, action: RolloutAction, now: Date): TransitionResult {
  const from = view.state;
  const result = (state: RolloutState, hosts: TransitionResult['hosts'] = [], approval: Approval | null = null): TransitionResult => ({ from, state, hosts, approval });
  switch (action.kind) {
    case 'start':
      require(view, action, ['created'], 'only a created rollout starts');
      return result('running');
    case 'pause':
      require(view, action, ['running', 'awaiting-approval'], 'only a running rollout pauses');
      return result('paused');
    case 'resume': {
      require(view, action, ['paused', 'halted'], 'only a paused or halted rollout resumes');
      const f = failureStatus(view);
      if (from === 'halted' && f.reached) {
        throw refused(view, action, `${f.failed.length} failed host${f.failed.length === 1 ? '' : 's'} (${f.failed.join(', ')}) still reach the stop threshold of ${f.limit}`,
          `Retry (ferry rollout retry) or skip (ferry rollout skip) the failed hosts first, then resume.`);
      }
      return result('running');
    }
    case 'abort':
      require(view, action, OPEN, 'a completed or aborted rollout is over');
      return result('aborted', view.hosts.filter((h) => h.state === 'pending' || h.state === 'queued').map((h) => ({ name: h.name, from: h.state, to: 'cancelled' })));
    case 'approve': {
      if (view.spec.canary === null || view.spec.gate === 'none') throw refused(view, action, 'it has no gate to approve (no canary, or --gate none)');
      if (view.approval !== null) throw refused(view, action, `${view.approval.by} approved it already at ${view.approval.at}`);
      require(view, action, ['running', 'awaiting-approval', 'paused'], 'only a rollout waiting at its gate is approved');
      // The gate is approved while it holds wave 1 (manual, soaking, or an auto gate whose canary did not all
      // verify), whatever state the controller recorded for it; never ahead of the canary's end.
      const held = decide({ ...view, state: 'running' }, now);
      if (held.kind !== 'await-approval') throw refused(view, action, `nothing waits at its gate now (${describeDecision(held)})`, 'The gate holds wave 1 once every canary host finished; approve then.');
      const operator = action.operator.trim();
      if (operator === '') throw refused(view, action, 'an approval names its operator');
      return result(from === 'paused' ? 'paused' : 'running', [], { by: operator, at: now.toISOString() });
    }
    case 'retry':
    case 'skip': {
      require(view, action, OPEN, 'a completed or aborted rollout is over: start a new rollout for the host');
      const host = view.hosts.find((h) => h.name === action.host);
      if (!host) throw refused(view, action, `it has no host ${action.host}`, `The rollout's hosts: ${view.hosts.slice(0, 10).map((h) => h.name).join(', ')}${view.hosts.length > 10 ? ', …' : ''}.`);
      if (host.state !== 'failed') throw refused(view, action, `host ${host.name} is ${host.state}, and only a failed host is ${action.kind === 'retry' ? 'retried' : 'skipped'}`);
      return result(from, [{ name: host.name, from: 'failed', to: action.kind === 'retry' ? 'pending' : 'skipped' }]);
    }
  }
}

function require(view: RolloutView, action: RolloutAction, states: readonly RolloutState[], why: string): void {
  if (!states.includes(view.state)) throw refused(view, action, `it is ${view.state}; ${why}`);
}

function refused(view: RolloutView, action: RolloutAction, why: string, hint?: string): FerryError {
  const subject = action.kind === 'retry' || action.kind === 'skip' ? ` host ${action.host} of` : '';
  return new FerryError('USAGE', `Cannot ${action.kind}${subject} rollout ${view.id}: ${why}`, {
    hint: hint ?? '`ferry rollout status` shows the rollout\'s state and its hosts.',
    details: { rollout: view.id, action: action.kind, state: view.state },
  });
}
