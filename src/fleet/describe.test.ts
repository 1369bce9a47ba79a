import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Decision } from './decide.js';
import { describeDecision, describeSpec } from './describe.js';
import { parseRolloutFlags, type RolloutFlags } from './rollout-spec.js';

const ISSUE_FLAGS: RolloutFlags = { canary: '2', waves: '30%,100%', concurrency: '10', maxFailures: '1' };

test('describeSpec: one line, with host counts when the total is known', () => {
  const spec = parseRolloutFlags({ ...ISSUE_FLAGS, groupCap: 'ha_pair=1', gate: 'manual', window: 'Sat 01:00-05:00 UTC', cutoff: '30m' });
  assert.equal(describeSpec(spec), 'canary 2, waves 30%,100%; concurrency 10, 1 per ha_pair; halt at 1 failed host; manual gate; window Sat 01:00-05:00 UTC (cutoff 30m)');
  assert.equal(describeSpec(spec, 50), 'canary 2, waves 30%,100% (2+15+33 hosts); concurrency 10, 1 per ha_pair; halt at 1 failed host; manual gate; window Sat 01:00-05:00 UTC (cutoff 30m)');
  assert.equal(describeSpec(parseRolloutFlags({ maxFailures: '5%', canary: '1', soak: '10m' }), 200), 'canary 1, waves all (1+199 hosts); no concurrency cap; halt at 5% = 10 failed hosts; auto gate after 10m soak; any time');
  assert.equal(describeSpec(parseRolloutFlags({})), 'waves all; no concurrency cap; halt at 1 failed host; any time');
  assert.match(describeSpec(parseRolloutFlags({ canary: '1', waves: '29%' }), 100), /waves 29% \(1\+28×3\+15 hosts\)/);
});

test('describeDecision: one line per decision kind', () => {
  const cases: [Decision, string][] = [
    [{ kind: 'release', wave: 1, hosts: ['web03', 'web04'], active: 2 }, 'release 2 hosts of wave 1: web03, web04'],
    [{ kind: 'halt', reason: '1 failed host reached the stop threshold 1', failed: ['web05'], queued: [] }, 'halted: 1 failed host reached the stop threshold 1 (web05); later waves untouched — retry or skip the failed hosts, then resume'],
    [{ kind: 'await-approval', wave: 1, gate: 'manual', since: '2026-12-05T01:20:00.000Z', readyAt: null, reason: 'the canary finished: an operator approves wave 1' }, 'wave 1 waits for approval since 2026-12-05T01:20:00.000Z: the canary finished: an operator approves wave 1 (ferry rollout approve)'],
    [{ kind: 'await-approval', wave: 1, gate: 'auto', since: '2026-12-05T01:50:00.000Z', readyAt: '2026-12-05T02:00:00.000Z', reason: 'the canary soaks for 10m' }, 'wave 1 waits for the auto gate: the canary soaks for 10m, until 2026-12-05T02:00:00.000Z'],
    [{ kind: 'wait', reason: 'outside the maintenance window', until: '2026-12-12T01:00:00.000Z' }, 'waiting: outside the maintenance window until 2026-12-12T01:00:00.000Z'],
    [{ kind: 'wait', reason: 'concurrency 10 reached (10 queued or running)', until: null }, 'waiting: concurrency 10 reached (10 queued or running)'],
    [{ kind: 'complete' }, 'complete: every host finished'],
    [{ kind: 'none', reason: 'rollout r1 is paused' }, 'rollout r1 is paused'],
  ];
  for (const [d, want] of cases) assert.equal(describeDecision(d), want, d.kind);
});
