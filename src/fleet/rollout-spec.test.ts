import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError, isJsonValue, type JsonValue } from '../core/index.js';
import { failureLimit, parseRolloutFlags, parseRolloutSpec, type RolloutFlags, type RolloutSpec } from './rollout-spec.js';

const ISSUE_FLAGS: RolloutFlags = { canary: '2', waves: '30%,100%', concurrency: '10', maxFailures: '1' };

test('parseRolloutFlags: the issue\'s rollout and the defaults', () => {
  const want: RolloutSpec = {
    formatVersion: 1,
    canary: { value: 2, unit: 'hosts' },
    waves: [{ value: 30, unit: 'percent' }, { value: 100, unit: 'percent' }],
    concurrency: 10, waveConcurrency: null, groupCap: null,
    maxFailures: { value: 1, unit: 'hosts' },
    gate: 'none', soakSeconds: 0, windows: [], cutoffSeconds: 0,
  };
  assert.deepEqual(parseRolloutFlags(ISSUE_FLAGS), want);
  assert.deepEqual(parseRolloutFlags({}), { ...want, canary: null, waves: [], concurrency: null }, 'defaults: one wave, no caps, halt on the first failure');
});

test('parseRolloutFlags: each flag\'s accepted forms', () => {
  const cases: { flags: RolloutFlags; want: Partial<RolloutSpec> }[] = [
    { flags: { canary: '5%' }, want: { canary: { value: 5, unit: 'percent' } } },
    { flags: { waves: '1, 5 ,10%' }, want: { waves: [{ value: 1, unit: 'hosts' }, { value: 5, unit: 'hosts' }, { value: 10, unit: 'percent' }] } },
    { flags: { waveConcurrency: '3' }, want: { waveConcurrency: 3 } },
    { flags: { groupCap: 'ha_pair=1' }, want: { groupCap: { by: 'ha_pair', max: 1 } } },
    { flags: { groupCap: '2', capGroupBy: 'rack' }, want: { groupCap: { by: 'rack', max: 2 } } },
    { flags: { groupCap: 'rack=2', capGroupBy: 'rack' }, want: { groupCap: { by: 'rack', max: 2 } } },
    { flags: { maxFailures: '5%' }, want: { maxFailures: { value: 5, unit: 'percent' } } },
    { flags: { canary: '2', gate: 'manual' }, want: { gate: 'manual', soakSeconds: 0 } },
    { flags: { canary: '2', gate: 'auto', soak: '10m' }, want: { gate: 'auto', soakSeconds: 600 } },
    { flags: { canary: '2', soak: '1h30m' }, want: { gate: 'auto', soakSeconds: 5400 } },
    { flags: { canary: '2', gate: 'auto' }, want: { gate: 'auto', soakSeconds: 0 } },
    { flags: { cutoff: '30m', window: 'Sat 01:00-05:00 UTC' }, want: { cutoffSeconds: 1800 } },
  ];
  for (const c of cases) {
    const got = parseRolloutFlags(c.flags);
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k as keyof RolloutSpec], v, `${JSON.stringify(c.flags)}: ${k}`);
  }
});

test('parseRolloutFlags: a bad flag is USAGE naming the flag and its accepted forms', () => {
  const cases: [RolloutFlags, string, RegExp][] = [
    [{ canary: 'two' }, '--canary', /host count \(2\) or a percentage/],
    [{ canary: '0' }, '--canary', /from 1/],
    [{ waves: '30%,,100%' }, '--waves', /comma-separated/],
    [{ waves: '150%' }, '--waves', /at most 100%/],
    [{ waves: '12.5%' }, '--waves', /whole number/],
    [{ concurrency: '0' }, '--concurrency', /whole number of hosts from 1/],
    [{ waveConcurrency: '-1' }, '--wave-concurrency', /whole number/],
    [{ groupCap: 'ha_pair' }, '--group-cap', /KEY=N/],
    [{ groupCap: '1' }, '--group-cap', /--cap-group-by KEY/],
    [{ groupCap: 'a=1', capGroupBy: 'b' }, '--group-cap', /KEY=N/],
    [{ capGroupBy: 'rack' }, '--cap-group-by', /--group-cap/],
    [{ maxFailures: '1.5' }, '--max-failures', /host count/],
    [{ gate: 'manual' }, '--gate', /--canary/],
    [{ soak: '10m' }, '--soak', /a gate holds the waves after a canary/],
    [{ canary: '1', gate: 'sometimes' }, '--gate', /manual .* auto/],
    [{ canary: '1', gate: 'manual', soak: '10m' }, '--soak', /--gate auto/],
    [{ canary: '1', soak: 'ten minutes' }, '--soak', /90s, 10m, 1h30m/],
    [{ cutoff: '30m' }, '--cutoff', /--window/],
    [{ window: 'Sat 01:00-01:20 UTC', cutoff: '30m' }, '--cutoff', /not longer than the cutoff/],
    [{ window: 'Sat 1am-5am' }, '--window', /DAYS HH:MM-HH:MM ZONE/],
    [{ window: 'Caturday 01:00-05:00 UTC' }, '--window', /'Caturday' is not a day/],
    [{ window: 'Sat 25:00-05:00 UTC' }, '--window', /00:00 to 23:59/],
    [{ window: 'Sat 01:00-05:00 Europe/Paris' }, '--window', /not UTC or a fixed offset/],
    [{ window: '2026-12-05T05:00Z/2026-12-05T01:00Z' }, '--window', /end is not after the start/],
    [{ window: '2026-12-05 01:00/2026-12-05 05:00' }, '--window', /ISO 8601 with offsets/],
  ];
  for (const [flags, flag, accepted] of cases) {
    assert.throws(() => parseRolloutFlags(flags), (e: unknown) => {
      assert.ok(isFerryError(e, 'USAGE'), `${JSON.stringify(flags)}: ${String(e)}`);
      assert.ok(e.message.startsWith(`${flag} '`), `${JSON.stringify(flags)} names ${flag}: ${e.message}`);
      assert.match(e.message, accepted, JSON.stringify(flags));
      assert.ok(e.hint, 'with a hint');
      return true;
    });
  }
});

test('failureLimit: a count as given, a percentage of the total truncated as serial (min 1)', () => {
  const cases: [string, number, number][] = [['1', 50, 1], ['3', 10, 3], ['5%', 200, 10], ['5%', 50, 2], ['5%', 10, 1], ['10%', 0, 1], ['100%', 7, 7]];
  for (const [flag, total, want] of cases) assert.equal(failureLimit(parseRolloutFlags({ maxFailures: flag }), total), want, `${flag} of ${total}`);
});

test('parseRolloutSpec: a stored spec round-trips; a damaged one is DOCUMENT_INVALID with JSON paths', () => {
  const spec = parseRolloutFlags({ ...ISSUE_FLAGS, groupCap: 'ha_pair=1', canary: '2', gate: 'auto', soak: '10m', window: ['Sat 01:00-05:00 UTC', '2026-12-05T01:00Z/2026-12-05T05:00Z'], cutoff: '30m' });
  const origin = { document: 'rollout spec', from: 'rollout r1 in the store' };
  assert.deepEqual(parseRolloutSpec(JSON.parse(JSON.stringify(spec)), origin), spec);
  assert.throws(() => parseRolloutSpec({ ...spec, waves: [{ value: 0, unit: 'percent' }], gate: 'later' }, origin), (e: unknown) =>
    isFerryError(e, 'DOCUMENT_INVALID') && e.message.includes('rollout r1 in the store') && e.message.includes('/waves/0/value') && e.message.includes('/gate'));
});

test('a RolloutSpec is plain JSON for the store (assignable to JsonValue, no cast)', () => {
  const stored: JsonValue = parseRolloutFlags({ canary: '2', window: 'Sat 01:00-05:00 UTC' });
  assert.ok(isJsonValue(stored));
});
