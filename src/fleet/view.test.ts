import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError, isJsonValue, type JsonValue } from '../core/index.js';
import { decide } from './decide.js';
import { parseRolloutFlags } from './rollout-spec.js';
import { rolloutViewOf, type StoredRolloutHost } from './view.js';

const spec = parseRolloutFlags({ canary: '1', soak: '10m' });
const hosts: StoredRolloutHost[] = [
  { hostName: 'a', wave: 0, capGroup: null, state: 'succeeded', updatedAt: '2026-12-05T01:00:00.000Z' },
  { hostName: 'b', wave: 1, capGroup: 'p1', state: 'pending', updatedAt: '2026-12-05T00:00:00.000Z' },
  { hostName: 'c', wave: 1, capGroup: 'p1', state: 'succeeded', updatedAt: '2026-12-05T00:00:00.000Z' },
];

test('rolloutViewOf: the store\'s records as decide()\'s view', () => {
  const v = rolloutViewOf({ id: 'r1', spec: JSON.parse(JSON.stringify(spec)), state: 'running', currentWave: 0 }, hosts, { approval: null, verified: new Set(['a', 'b']) });
  assert.deepEqual(v.spec, spec);
  assert.deepEqual(v.hosts.map((h) => [h.name, h.finishedAt, h.verified]), [['a', '2026-12-05T01:00:00.000Z', true], ['b', null, false], ['c', '2026-12-05T00:00:00.000Z', false]],
    'finished hosts end at their last change; only a succeeded host counts as verified');
  assert.deepEqual(decide(v, new Date('2026-12-05T01:05:00Z')), { kind: 'await-approval', wave: 1, gate: 'auto', since: '2026-12-05T01:00:00.000Z', readyAt: '2026-12-05T01:10:00.000Z', reason: 'the canary soaks for 10m' });
});

test('rolloutViewOf: a damaged stored spec is DOCUMENT_INVALID naming the rollout', () => {
  assert.throws(() => rolloutViewOf({ id: 'r9', spec: { ...spec, concurrency: 0 }, state: 'running', currentWave: 0 }, hosts, { approval: null, verified: new Set() }),
    (e: unknown) => isFerryError(e, 'DOCUMENT_INVALID') && e.message.includes('rollout r9 in the store') && e.message.includes('/concurrency'));
});

test('a RolloutSpec is plain JSON for the store (assignable to JsonValue, no cast)', () => {
  const stored: JsonValue = parseRolloutFlags({ canary: '2', window: 'Sat 01:00-05:00 UTC' });
  assert.ok(isJsonValue(stored));
});
