import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, failureStatus, type Decision, type RolloutHostView, type RolloutView } from './decide.js';
import { describeDecision } from './describe.js';
import { parseRolloutFlags, type RolloutFlags, type RolloutState } from './rollout-spec.js';
import { transition } from './transition.js';
import { rolloutHosts } from './waves.js';

/**
 * Whole rollouts driven by decide() and transition() the way the controller and an operator would, with hosts
 * that fail at random (seeded): at every step the caps hold, no wave starts before the ones before it finished,
 * a halt leaves the later waves pending, no host runs twice unless retried, and every rollout completes.
 */
const SCENARIOS: { name: string; flags: RolloutFlags; hosts: number; failRate: number; seed: number; sees: string[] }[] = [
  { name: 'the issue\'s rollout', flags: { canary: '2', waves: '30%,100%', concurrency: '10', maxFailures: '1', groupCap: 'ha_pair=1' }, hosts: 50, failRate: 0.06, seed: 1, sees: ['halt', 'wait'] },
  { name: 'percent threshold, wave cap', flags: { canary: '5%', waves: '10,25%', concurrency: '8', waveConcurrency: '4', maxFailures: '10%' }, hosts: 120, failRate: 0.1, seed: 2, sees: ['halt', 'wait'] },
  { name: 'manual gate, HA pairs', flags: { canary: '3', waves: '50%', gate: 'manual', groupCap: 'ha_pair=1', maxFailures: '2' }, hosts: 40, failRate: 0.05, seed: 3, sees: ['await-approval'] },
  { name: 'auto gate, window with cutoff', flags: { canary: '2', soak: '15m', waves: '20%', concurrency: '5', window: 'daily 01:00-03:00 UTC', cutoff: '20m', maxFailures: '3' }, hosts: 60, failRate: 0.08, seed: 4, sees: ['await-approval', 'halt', 'wait', 'window-closed'] },
  { name: 'no canary, no caps', flags: { waves: '1,10%,100%', maxFailures: '100%' }, hosts: 30, failRate: 0.3, seed: 5, sees: ['release'] },
];

const MINUTE = 60_000;

/** The state the controller (src/app/rollout.ts) records for a decision: an auto gate stays running while it holds. */
function stateAfter(d: Decision, state: RolloutState): RolloutState {
  if (d.kind === 'halt') return 'halted';
  if (d.kind === 'complete') return 'completed';
  if (d.kind === 'await-approval' && d.gate === 'manual') return 'awaiting-approval';
  return d.kind === 'release' ? 'running' : state;
}

test('simulated rollouts keep every rule at every step and complete', () => {
  for (const s of SCENARIOS) {
    let seed = s.seed;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const inventory = Array.from({ length: s.hosts }, (_, i) => ({ name: `h${String(i).padStart(3, '0')}`, labels: {}, vars: { ha_pair: `p${i >> 1}` }, groups: [i % 3 ? 'web' : 'db'] }));
    const spec = parseRolloutFlags(s.flags);
    let v: RolloutView = {
      id: s.name, spec, state: 'created', currentWave: -1, approval: null,
      hosts: rolloutHosts(inventory, spec).map((h): RolloutHostView => ({ name: h.hostName, wave: h.wave, state: 'pending', capGroup: h.capGroup ?? null, startedAt: null, finishedAt: null, verified: false })),
    };
    let now = new Date('2026-12-05T01:00:00Z').getTime();
    v = { ...v, state: transition(v, { kind: 'start' }, new Date(now)).state };
    const runs = new Map<string, number>();
    const retried = new Map<string, number>();
    const set = (names: ReadonlySet<string>, patch: Partial<RolloutHostView>) => ({ ...v, hosts: v.hosts.map((h) => (names.has(h.name) ? { ...h, ...patch } : h)) });
    let steps = 0;
    const seen = new Map<string, number>();
    for (; v.state !== 'completed'; steps++) {
      assert.ok(steps < 5000, `${s.name}: no end after 5000 steps (${v.state}, ${describeDecision(decide(v, new Date(now)))})`);
      const d = decide(v, new Date(now));
      const label = `${s.name}, step ${steps}: ${describeDecision(d)}`;
      const kind = d.kind === 'wait' && d.until !== null ? 'window-closed' : d.kind;
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      if (d.kind === 'release') {
        const lowest = Math.min(...v.hosts.filter((h) => h.state !== 'succeeded' && h.state !== 'failed' && h.state !== 'skipped').map((h) => h.wave));
        assert.ok(d.wave <= Math.max(v.currentWave, lowest), `${label}: a wave starts only after the ones before it`);
        for (const name of d.hosts) {
          const h = v.hosts.find((x) => x.name === name);
          assert.equal(h?.state, 'pending', label);
          runs.set(name, (runs.get(name) ?? 0) + 1);
        }
        v = { ...set(new Set(d.hosts), { state: 'queued', startedAt: new Date(now).toISOString() }), state: stateAfter(d, v.state), currentWave: d.wave };
      } else if (d.kind === 'halt') {
        assert.ok(v.hosts.filter((h) => h.wave > v.currentWave).every((h) => h.state === 'pending'), `${label}: later waves untouched`);
        v = { ...set(new Set(d.queued), { state: 'pending', startedAt: null }), state: stateAfter(d, v.state) };
        // The operator retries a failed host once, then skips it; and resumes.
        for (const name of d.failed) {
          const again = (retried.get(name) ?? 0) === 0;
          const r = transition(v, { kind: again ? 'retry' : 'skip', host: name }, new Date(now));
          if (again) retried.set(name, 1);
          v = set(new Set([name]), { state: r.hosts[0].to, finishedAt: again ? null : new Date(now).toISOString() });
        }
        v = { ...v, state: transition(v, { kind: 'resume' }, new Date(now)).state };
      } else if (d.kind === 'await-approval') {
        v = { ...v, state: stateAfter(d, v.state) };
        if (d.readyAt !== null) now = Date.parse(d.readyAt);
        else {
          const r = transition(v, { kind: 'approve', operator: 'sim' }, new Date(now));
          v = { ...v, state: r.state, approval: r.approval };
        }
      } else if (d.kind === 'complete') {
        v = { ...v, state: stateAfter(d, v.state) };
        continue;
      } else {
        assert.equal(d.kind, 'wait', label);
        if (d.kind === 'wait' && d.until !== null) {
          assert.ok(v.hosts.every((h) => h.state !== 'queued' && h.state !== 'running') || Date.parse(d.until) > now, label);
          // Outside the window: running hosts go on; jump to the opening once they are done.
          if (v.hosts.every((h) => h.state !== 'queued' && h.state !== 'running')) now = Date.parse(d.until);
        }
      }
      // Caps, counted on queued + running.
      const active = v.hosts.filter((h) => h.state === 'queued' || h.state === 'running');
      if (spec.concurrency !== null) assert.ok(active.length <= spec.concurrency, `${label}: concurrency`);
      for (const key of ['wave', 'capGroup'] as const) {
        const cap = key === 'wave' ? spec.waveConcurrency : spec.groupCap?.max ?? null;
        if (cap === null) continue;
        const counts = new Map<unknown, number>();
        for (const h of active) if (h[key] !== null) counts.set(h[key], (counts.get(h[key]) ?? 0) + 1);
        assert.ok([...counts.values()].every((n) => n <= cap), `${label}: ${key} cap ${cap}`);
      }
      // Hosts make progress: queued start, running ones finish (some fail), and time passes.
      now += 5 * MINUTE;
      v = {
        ...v,
        hosts: v.hosts.map((h) => {
          if (h.state === 'queued') return { ...h, state: 'running' };
          if (h.state === 'running' && rand() < 0.6) {
            const failed = rand() < s.failRate;
            return { ...h, state: failed ? 'failed' : 'succeeded', verified: !failed, finishedAt: new Date(now).toISOString() };
          }
          return h;
        }),
      };
    }
    for (const kind of s.sees) assert.ok(seen.has(kind), `${s.name}: the scenario reaches a ${kind} decision (${JSON.stringify([...seen])})`);
    for (const [name, n] of runs) assert.ok(n <= 1 + (retried.get(name) ?? 0), `${s.name}: ${name} ran ${n} times`);
    assert.ok(v.hosts.every((h) => h.state === 'succeeded' || h.state === 'skipped' || h.state === 'failed'), `${s.name}: every host finished`);
    assert.equal(failureStatus(v).reached, false, `${s.name}: completed below the stop threshold`);
    assert.ok(v.hosts.filter((h) => h.state === 'succeeded').length > s.hosts / 2, `${s.name}: most hosts migrated`);
  }
});
