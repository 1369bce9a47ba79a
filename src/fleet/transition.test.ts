import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError } from '../core/index.js';
import type { RolloutView } from './decide.js';
import { parseRolloutFlags, type RolloutHostState, type RolloutState } from './rollout-spec.js';
import { transition, type RolloutAction } from './transition.js';

const NOW = new Date('2026-12-05T02:00:00Z');

function view(state: RolloutState, hosts: [string, RolloutHostState][] = [['a', 'succeeded'], ['b', 'failed'], ['c', 'pending'], ['d', 'queued'], ['e', 'running']], flags = { canary: '1', gate: 'manual', maxFailures: '2' }): RolloutView {
  return {
    id: 'r1', spec: parseRolloutFlags(flags), state, currentWave: 0, approval: null,
    hosts: hosts.map(([name, s], i) => ({ name, wave: i === 0 ? 0 : 1, state: s, capGroup: null, startedAt: null, finishedAt: null, verified: s === 'succeeded' })),
  };
}

test('transition: the valid moves and their effects', () => {
  const cases: { name: string; state: RolloutState; action: RolloutAction; want: { state: RolloutState; hosts: [string, RolloutHostState, RolloutHostState][] } }[] = [
    { name: 'start', state: 'created', action: { kind: 'start' }, want: { state: 'running', hosts: [] } },
    { name: 'pause running', state: 'running', action: { kind: 'pause' }, want: { state: 'paused', hosts: [] } },
    { name: 'pause at the gate', state: 'awaiting-approval', action: { kind: 'pause' }, want: { state: 'paused', hosts: [] } },
    { name: 'resume paused', state: 'paused', action: { kind: 'resume' }, want: { state: 'running', hosts: [] } },
    { name: 'resume halted below the threshold', state: 'halted', action: { kind: 'resume' }, want: { state: 'running', hosts: [] } },
    { name: 'abort cancels pending and queued, leaves running', state: 'running', action: { kind: 'abort' }, want: { state: 'aborted', hosts: [['c', 'pending', 'cancelled'], ['d', 'queued', 'cancelled']] } },
    { name: 'abort a created rollout', state: 'created', action: { kind: 'abort' }, want: { state: 'aborted', hosts: [['c', 'pending', 'cancelled'], ['d', 'queued', 'cancelled']] } },
    { name: 'retry a failed host', state: 'halted', action: { kind: 'retry', host: 'b' }, want: { state: 'halted', hosts: [['b', 'failed', 'pending']] } },
    { name: 'skip a failed host', state: 'running', action: { kind: 'skip', host: 'b' }, want: { state: 'running', hosts: [['b', 'failed', 'skipped']] } },
    { name: 'approve', state: 'awaiting-approval', action: { kind: 'approve', operator: ' alice ' }, want: { state: 'running', hosts: [] } },
    { name: 'approve a gate the controller left running (an auto gate whose canary did not verify)', state: 'running', action: { kind: 'approve', operator: 'alice' }, want: { state: 'running', hosts: [] } },
    { name: 'approve while paused: approved, still paused', state: 'paused', action: { kind: 'approve', operator: 'alice' }, want: { state: 'paused', hosts: [] } },
  ];
  for (const c of cases) {
    const r = transition(view(c.state), c.action, NOW);
    assert.deepEqual({ state: r.state, hosts: r.hosts.map((h) => [h.name, h.from, h.to]) }, c.want, c.name);
    assert.equal(r.from, c.state, `${c.name}: from`);
    assert.deepEqual(r.approval, c.action.kind === 'approve' ? { by: 'alice', at: NOW.toISOString() } : null, `${c.name}: approval`);
  }
});

test('transition: invalid moves are USAGE naming the rollout, the host and why', () => {
  const halted = view('halted', [['a', 'failed'], ['b', 'failed'], ['c', 'pending']]);
  const cases: { name: string; view: RolloutView; action: RolloutAction; message: RegExp }[] = [
    { name: 'start twice', view: view('running'), action: { kind: 'start' }, message: /Cannot start rollout r1: it is running; only a created rollout starts/ },
    { name: 'resume a completed rollout', view: view('completed'), action: { kind: 'resume' }, message: /Cannot resume rollout r1: it is completed/ },
    { name: 'resume a running rollout', view: view('running'), action: { kind: 'resume' }, message: /only a paused or halted rollout resumes/ },
    { name: 'resume while the threshold is still reached', view: halted, action: { kind: 'resume' }, message: /2 failed hosts \(a, b\) still reach the stop threshold of 2/ },
    { name: 'pause a paused rollout', view: view('paused'), action: { kind: 'pause' }, message: /Cannot pause rollout r1: it is paused/ },
    { name: 'abort an aborted rollout', view: view('aborted'), action: { kind: 'abort' }, message: /a completed or aborted rollout is over/ },
    { name: 'skip a host that did not fail', view: view('running'), action: { kind: 'skip', host: 'a' }, message: /Cannot skip host a of rollout r1: host a is succeeded, and only a failed host is skipped/ },
    { name: 'retry a running host', view: view('running'), action: { kind: 'retry', host: 'e' }, message: /host e is running, and only a failed host is retried/ },
    { name: 'retry an unknown host', view: view('running'), action: { kind: 'retry', host: 'zz' }, message: /it has no host zz/ },
    { name: 'retry in a completed rollout', view: view('completed'), action: { kind: 'retry', host: 'b' }, message: /start a new rollout for the host/ },
    { name: 'approve before the canary finished', view: view('running', [['a', 'running'], ['b', 'pending']]), action: { kind: 'approve', operator: 'alice' }, message: /nothing waits at its gate now \(waiting: wave 0: 1 host queued or running\)/ },
    { name: 'approve a halted rollout', view: view('halted'), action: { kind: 'approve', operator: 'alice' }, message: /only a rollout waiting at its gate is approved/ },
    { name: 'approve twice', view: { ...view('awaiting-approval'), approval: { by: 'bob', at: '2026-12-05T01:00:00Z' } }, action: { kind: 'approve', operator: 'alice' }, message: /bob approved it already/ },
    { name: 'approve without a gate', view: view('awaiting-approval', undefined, { canary: '1', gate: 'none', maxFailures: '1' }), action: { kind: 'approve', operator: 'alice' }, message: /no gate to approve/ },
    { name: 'approve without an operator', view: view('awaiting-approval'), action: { kind: 'approve', operator: ' ' }, message: /names its operator/ },
  ];
  for (const c of cases) {
    assert.throws(() => transition(c.view, c.action, NOW), (e: unknown) => {
      assert.ok(isFerryError(e, 'USAGE'), `${c.name}: ${String(e)}`);
      assert.match(e.message, c.message, c.name);
      assert.ok(e.hint, `${c.name}: a hint`);
      return true;
    });
  }
});
