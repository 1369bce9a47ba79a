import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, type Decision, type RolloutHostView, type RolloutView } from './decide.js';
import { describeDecision } from './describe.js';
import { parseRolloutFlags, type RolloutFlags, type RolloutHostState } from './rollout-spec.js';
import { transition } from './transition.js';
import { assignWaves, type WaveHost } from './waves.js';

const NOW = new Date('2026-12-05T02:00:00Z'); // a Saturday

/** A rollout as the store would hold it right after createRollout, for the hosts and flags given. */
function viewOf(flags: RolloutFlags, hosts: readonly WaveHost[], patch: Partial<RolloutView> = {}): RolloutView {
  const spec = parseRolloutFlags(flags);
  const group = new Map(hosts.map((h) => [h.name, h.capGroup ?? null]));
  const rows: RolloutHostView[] = assignWaves(hosts, spec).flatMap((w) => w.hosts.map((name) => ({
    name, wave: w.wave, state: 'pending' as const, capGroup: group.get(name) ?? null, startedAt: null, finishedAt: null, verified: false,
  })));
  return { id: 'r1', spec, state: 'running', currentWave: -1, approval: null, hosts: rows, ...patch };
}

/** The view with hosts moved to `state` (finished ones at `at`, succeeded ones verified). */
function withHosts(view: RolloutView, names: readonly string[], state: RolloutHostState, at = NOW, verified = state === 'succeeded'): RolloutView {
  const set = new Set(names);
  return {
    ...view,
    hosts: view.hosts.map((h) => (set.has(h.name) ? { ...h, state, verified, startedAt: h.startedAt ?? at.toISOString(), finishedAt: ['succeeded', 'failed', 'skipped'].includes(state) ? at.toISOString() : null } : h)),
  };
}

/** Applies a release as the controller does: the hosts queued, the current wave moved. */
function apply(view: RolloutView, d: Decision): RolloutView {
  assert.equal(d.kind, 'release', describeDecision(d));
  if (d.kind !== 'release') return view;
  return { ...withHosts(view, d.hosts, 'queued'), currentWave: d.wave };
}

const hostNames = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `h${String(i + 1).padStart(2, '0')}` }));
const inState = (view: RolloutView, state: RolloutHostState) => view.hosts.filter((h) => h.state === state).map((h) => h.name);
const ISSUE: RolloutFlags = { canary: '2', waves: '30%,100%', concurrency: '10', maxFailures: '1' };

test('decide: the issue\'s rollout — canary 2, waves 30%,100%, concurrency 10, threshold 1: a failure halts, skip + resume completes', () => {
  let v = viewOf(ISSUE, hostNames(50));
  const canary = decide(v, NOW);
  assert.deepEqual(canary, { kind: 'release', wave: 0, hosts: ['h01', 'h02'], active: 0 });
  v = apply(v, canary);
  assert.deepEqual(decide(v, NOW), { kind: 'wait', reason: 'wave 0: 2 hosts queued or running', until: null }, 'wave 1 waits for the canary');
  v = withHosts(v, ['h01'], 'succeeded');
  assert.equal(decide(v, NOW).kind, 'wait', 'one canary host still running');
  v = withHosts(v, ['h02'], 'succeeded');
  const w1 = decide(v, NOW);
  assert.deepEqual(w1, { kind: 'release', wave: 1, hosts: ['h03', 'h04', 'h05', 'h06', 'h07', 'h08', 'h09', 'h10', 'h11', 'h12'], active: 0 }, 'concurrency 10 of the 15');
  v = apply(v, w1);
  v = withHosts(v, ['h03', 'h04'], 'succeeded');
  assert.deepEqual(decide(v, NOW), { kind: 'release', wave: 1, hosts: ['h13', 'h14'], active: 8 }, 'freed slots refill from the same wave');
  v = apply(v, decide(v, NOW));
  v = withHosts(v, ['h05'], 'failed');
  const halt = decide(v, NOW);
  assert.deepEqual(halt, { kind: 'halt', reason: '1 failed host reached the stop threshold 1', failed: ['h05'], queued: ['h06', 'h07', 'h08', 'h09', 'h10', 'h11', 'h12', 'h13', 'h14'] });
  v = { ...v, state: 'halted' };
  assert.equal(decide(v, NOW).kind, 'none', 'a halted rollout releases nothing');
  assert.deepEqual(v.hosts.filter((h) => h.wave === 2).map((h) => h.state), Array(33).fill('pending'), 'later waves untouched');
  assert.deepEqual(inState(v, 'pending'), ['h15', 'h16', 'h17', ...v.hosts.filter((h) => h.wave === 2).map((h) => h.name)], 'the rest of wave 1 not released either');

  const skipped = transition(v, { kind: 'skip', host: 'h05' }, NOW);
  assert.deepEqual(skipped.hosts, [{ name: 'h05', from: 'failed', to: 'skipped' }]);
  v = withHosts(v, ['h05'], 'skipped');
  v = { ...v, state: transition(v, { kind: 'resume' }, NOW).state };
  assert.equal(v.state, 'running');
  v = withHosts(v, ['h06', 'h07', 'h08', 'h09', 'h10', 'h11', 'h12', 'h13', 'h14'], 'succeeded');
  const rest = decide(v, NOW);
  assert.deepEqual(rest, { kind: 'release', wave: 1, hosts: ['h15', 'h16', 'h17'], active: 0 }, 'the rest of wave 1 before wave 2');
  v = withHosts(apply(v, rest), ['h15', 'h16', 'h17'], 'succeeded');
  for (let round = 0; round < 4; round++) {
    const d = decide(v, NOW);
    assert.equal(d.kind === 'release' && d.wave, 2);
    assert.ok(d.kind === 'release' && d.hosts.length <= 10);
    v = apply(v, d);
    v = withHosts(v, inState(v, 'queued'), 'succeeded');
  }
  assert.deepEqual(decide(v, NOW), { kind: 'complete' });
  assert.deepEqual([inState(v, 'succeeded').length, inState(v, 'skipped')], [49, ['h05']]);
});

test('decide: caps count queued + running hosts (rollout, wave, group)', () => {
  const pairs: WaveHost[] = hostNames(8).map((h, i) => ({ ...h, capGroup: `pair${Math.floor(i / 2)}` }));
  const cases: { name: string; flags: RolloutFlags; hosts: readonly WaveHost[]; active: [string, RolloutHostState][]; want: Decision }[] = [
    { name: 'concurrency minus queued and running', flags: { concurrency: '3' }, hosts: hostNames(6), active: [['h01', 'queued'], ['h02', 'running']], want: { kind: 'release', wave: 0, hosts: ['h03'], active: 2 } },
    { name: 'concurrency full', flags: { concurrency: '2' }, hosts: hostNames(6), active: [['h01', 'queued'], ['h02', 'running']], want: { kind: 'wait', reason: 'concurrency 2 reached (2 queued or running)', until: null } },
    { name: 'finished hosts free their slot', flags: { concurrency: '2' }, hosts: hostNames(6), active: [['h01', 'succeeded'], ['h02', 'failed'], ['h03', 'skipped']], want: { kind: 'halt', reason: '1 failed host reached the stop threshold 1', failed: ['h02'], queued: [] } },
    { name: 'finished hosts free their slot (threshold 2)', flags: { concurrency: '2', maxFailures: '2' }, hosts: hostNames(6), active: [['h01', 'succeeded'], ['h02', 'failed'], ['h03', 'skipped']], want: { kind: 'release', wave: 0, hosts: ['h04', 'h05'], active: 0 } },
    { name: 'one host per HA pair', flags: { groupCap: 'ha_pair=1' }, hosts: pairs, active: [], want: { kind: 'release', wave: 0, hosts: ['h01', 'h03', 'h05', 'h07'], active: 0 } },
    { name: 'a running half blocks its pair', flags: { groupCap: 'ha_pair=1' }, hosts: pairs, active: [['h01', 'running'], ['h03', 'succeeded']], want: { kind: 'release', wave: 0, hosts: ['h04', 'h05', 'h07'], active: 1 } },
    { name: 'every pair busy', flags: { groupCap: 'ha_pair=1', concurrency: '10' }, hosts: pairs.slice(0, 4), active: [['h01', 'running'], ['h03', 'queued']], want: { kind: 'wait', reason: 'caps reached: ha_pair=pair0 at 1, ha_pair=pair1 at 1', until: null } },
    { name: 'group cap 2 with rollout cap 3', flags: { groupCap: 'ha_pair=2', concurrency: '3' }, hosts: pairs, active: [], want: { kind: 'release', wave: 0, hosts: ['h01', 'h02', 'h03'], active: 0 } },
    { name: 'wave concurrency', flags: { waveConcurrency: '2', concurrency: '5' }, hosts: hostNames(6), active: [['h01', 'running']], want: { kind: 'release', wave: 0, hosts: ['h02'], active: 1 } },
  ];
  for (const c of cases) {
    let v = { ...viewOf(c.flags, c.hosts), currentWave: 0 };
    for (const [name, state] of c.active) v = withHosts(v, [name], state);
    assert.deepEqual(decide(v, NOW), c.want, c.name);
  }
});

test('decide: a retried host from an earlier wave counts against its own wave\'s cap and is released first', () => {
  let v = { ...viewOf({ waves: '2', waveConcurrency: '1', maxFailures: '2' }, hostNames(4)), currentWave: 1 };
  v = withHosts(v, ['h01', 'h02'], 'succeeded');
  v = withHosts(v, ['h03'], 'running');
  v = withHosts(v, ['h01'], 'pending'); // retried after a failure
  assert.deepEqual(decide(v, NOW), { kind: 'release', wave: 1, hosts: ['h01'], active: 1 });
});

test('decide: the stop threshold, as a count and as a percentage of the total', () => {
  const cases: { flags: RolloutFlags; total: number; failed: number; halts: boolean }[] = [
    { flags: { maxFailures: '1' }, total: 50, failed: 1, halts: true },
    { flags: { maxFailures: '3' }, total: 50, failed: 2, halts: false },
    { flags: { maxFailures: '3' }, total: 50, failed: 3, halts: true },
    { flags: { maxFailures: '5%' }, total: 50, failed: 1, halts: false },
    { flags: { maxFailures: '5%' }, total: 50, failed: 2, halts: true },
    { flags: { maxFailures: '10%' }, total: 7, failed: 1, halts: true },
    { flags: { maxFailures: '50%' }, total: 20, failed: 9, halts: false },
  ];
  for (const c of cases) {
    let v = { ...viewOf({ ...c.flags, concurrency: '1' }, hostNames(c.total)), currentWave: 0 };
    v = withHosts(v, v.hosts.slice(0, c.failed).map((h) => h.name), 'failed');
    const d = decide(v, NOW);
    assert.equal(d.kind, c.halts ? 'halt' : 'release', `${JSON.stringify(c.flags)}, ${c.failed} of ${c.total} failed: ${describeDecision(d)}`);
  }
  let v = { ...viewOf({ maxFailures: '5%' }, hostNames(50)), currentWave: 0 };
  v = withHosts(v, ['h01', 'h02'], 'failed');
  assert.equal((decide(v, NOW) as { reason: string }).reason, '2 failed hosts reached the stop threshold 5% (2 of 50)');
  assert.equal(decide(withHosts(v, ['h02'], 'pending'), NOW).kind, 'release', 'a retried host\'s failure no longer counts');
  assert.equal(decide(withHosts(v, ['h02'], 'skipped'), NOW).kind, 'release', 'a skipped host is not a failure');
});

test('decide: a wave starts only when every host of the waves before it finished', () => {
  let v = { ...viewOf({ waves: '2,100%', maxFailures: '3' }, hostNames(5)), currentWave: 0 };
  const cases: [string, RolloutHostState, RolloutHostState, Decision['kind'], number?][] = [
    ['one queued', 'succeeded', 'queued', 'wait'],
    ['one running', 'succeeded', 'running', 'wait'],
    ['one pending (retried)', 'succeeded', 'pending', 'release', 0],
    ['succeeded + failed', 'succeeded', 'failed', 'release', 1],
    ['skipped + cancelled', 'skipped', 'cancelled', 'release', 1],
  ];
  for (const [name, a, b, kind, wave] of cases) {
    v = withHosts(withHosts(v, ['h01'], a), ['h02'], b);
    const d = decide(v, NOW);
    assert.equal(d.kind, kind, `${name}: ${describeDecision(d)}`);
    if (wave !== undefined) assert.equal(d.kind === 'release' && d.wave, wave, name);
  }
});

test('decide: the manual gate holds wave 1 after the canary until approved', () => {
  let v = { ...viewOf({ canary: '2', gate: 'manual' }, hostNames(6)), currentWave: 0 };
  v = withHosts(v, ['h01'], 'succeeded', new Date('2026-12-05T01:10:00Z'));
  v = withHosts(v, ['h02'], 'succeeded', new Date('2026-12-05T01:20:00Z'));
  const held = decide(v, NOW);
  assert.deepEqual(held, { kind: 'await-approval', wave: 1, gate: 'manual', since: '2026-12-05T01:20:00.000Z', readyAt: null, reason: 'the canary finished: an operator approves wave 1' });
  v = { ...v, state: 'awaiting-approval' };
  assert.equal(decide(v, new Date('2027-01-01T00:00:00Z')).kind, 'await-approval', 'no time releases a manual gate');
  const approved = transition(v, { kind: 'approve', operator: 'alice' }, NOW);
  assert.deepEqual(approved, { from: 'awaiting-approval', state: 'running', hosts: [], approval: { by: 'alice', at: NOW.toISOString() } });
  v = { ...v, state: approved.state, approval: approved.approval };
  assert.deepEqual(decide(v, NOW), { kind: 'release', wave: 1, hosts: ['h03', 'h04', 'h05', 'h06'], active: 0 });
  v = apply(v, decide(v, NOW));
  assert.equal(decide(withHosts(v, inState(v, 'queued'), 'succeeded'), NOW).kind, 'complete', 'no gate after later waves');
});

test('decide: the auto gate releases after the soak once every canary host succeeded and verified', () => {
  const base = { ...viewOf({ canary: '2', soak: '10m', maxFailures: '2' }, hostNames(6)), currentWave: 0 };
  const end = new Date('2026-12-05T01:50:00Z');
  const soaked = withHosts(base, ['h01', 'h02'], 'succeeded', end);
  const cases: { name: string; view: RolloutView; now: string; want: Partial<Decision> }[] = [
    { name: 'soaking', view: soaked, now: '2026-12-05T01:55:00Z', want: { kind: 'await-approval', gate: 'auto', readyAt: '2026-12-05T02:00:00.000Z', reason: 'the canary soaks for 10m' } },
    { name: 'soaked', view: soaked, now: '2026-12-05T02:00:00Z', want: { kind: 'release', wave: 1 } },
    { name: 'soaked while awaiting', view: { ...soaked, state: 'awaiting-approval' }, now: '2026-12-05T02:00:00Z', want: { kind: 'release', wave: 1 } },
    { name: 'a canary host not verified', view: withHosts(soaked, ['h02'], 'succeeded', end, false), now: '2026-12-05T03:00:00Z', want: { kind: 'await-approval', readyAt: null, reason: 'canary host h02 did not succeed and verify: the auto gate needs an operator\'s approval' } },
    { name: 'a canary host failed below the threshold', view: withHosts(soaked, ['h01'], 'failed', end), now: '2026-12-05T03:00:00Z', want: { kind: 'await-approval', readyAt: null } },
    { name: 'a skipped canary host is not judged', view: withHosts(soaked, ['h01'], 'skipped', end), now: '2026-12-05T03:00:00Z', want: { kind: 'release', wave: 1 } },
    { name: 'every canary host skipped', view: withHosts(soaked, ['h01', 'h02'], 'skipped', end), now: '2026-12-05T03:00:00Z', want: { kind: 'await-approval', readyAt: null, reason: 'every canary host was skipped: the auto gate needs an operator\'s approval' } },
    { name: 'an approval overrides the soak', view: { ...soaked, approval: { by: 'bob', at: '2026-12-05T01:51:00Z' } }, now: '2026-12-05T01:51:00Z', want: { kind: 'release', wave: 1 } },
  ];
  for (const c of cases) {
    const d = decide(c.view, new Date(c.now));
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual((d as Record<string, unknown>)[k], v, `${c.name}: ${k} (${describeDecision(d)})`);
  }
});

test('decide: maintenance windows and the cutoff hold releases, not running hosts', () => {
  const flags: RolloutFlags = { window: 'Sat 01:00-05:00 UTC', cutoff: '30m' };
  const v = viewOf(flags, hostNames(3));
  const cases: [string, Decision][] = [
    ['2026-12-05T02:00:00Z', { kind: 'release', wave: 0, hosts: ['h01', 'h02', 'h03'], active: 0 }],
    ['2026-12-05T04:40:00Z', { kind: 'wait', reason: 'outside the maintenance window or past its cutoff (30m before the end)', until: '2026-12-12T01:00:00.000Z' }],
    ['2026-12-03T12:00:00Z', { kind: 'wait', reason: 'outside the maintenance window or past its cutoff (30m before the end)', until: '2026-12-05T01:00:00.000Z' }],
  ];
  for (const [now, want] of cases) assert.deepEqual(decide(v, new Date(now)), want, now);
  const past = viewOf({ window: '2026-12-01T01:00Z/2026-12-01T05:00Z' }, hostNames(1));
  assert.deepEqual(decide(past, NOW), { kind: 'wait', reason: 'no maintenance window opens again: edit the rollout\'s windows or abort it', until: null });
  const running = withHosts({ ...v, currentWave: 0 }, ['h01', 'h02', 'h03'], 'running');
  assert.equal(decide(running, new Date('2026-12-05T06:00:00Z')).kind, 'wait', 'running hosts are left to finish');
});

test('decide: states that do not act, and an empty rollout', () => {
  for (const state of ['created', 'paused', 'halted', 'completed', 'aborted'] as const) {
    assert.deepEqual(decide(viewOf({}, hostNames(2), { state }), NOW), { kind: 'none', reason: `rollout r1 is ${state}` });
  }
  assert.deepEqual(decide(viewOf({}, []), NOW), { kind: 'complete' });
});

test('decide: the auto gate refuses a finished canary host without its end time (the caller\'s contract)', () => {
  const v = { ...viewOf({ canary: '1', soak: '10m' }, hostNames(3)), currentWave: 0 };
  const noEnd = { ...v, hosts: v.hosts.map((h) => (h.wave === 0 ? { ...h, state: 'succeeded' as const, verified: true } : h)) };
  assert.throws(() => decide(noEnd, NOW), /Assertion failed: rollout r1: a finished canary host without a valid finishedAt/);
});
