import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWindows, windowAt } from './window.js';

// 2026-12-05 is a Saturday, 2026-12-06 a Sunday, 2026-12-07 a Monday.
const iso = (d: Date | null) => d?.toISOString().replace(':00.000Z', 'Z') ?? null;

test('parseWindows: days, times across midnight, zones', () => {
  const [sat, night, weekend, daily, paris, dated] = parseWindows([
    'Sat 01:00-05:00 UTC', 'Mon-Fri 22:00-02:00 UTC', 'sat,SUN 00:00-24:00', '01:00-03:00', 'Fri-Mon 23:30-00:30 UTC+01:00', '2026-12-05T01:00Z/2026-12-05T05:00+02:00',
  ]);
  assert.deepEqual([sat.days, sat.startMinute, sat.minutes, sat.utcOffsetMinutes], [[6], 60, 240, 0]);
  assert.deepEqual([night.days, night.startMinute, night.minutes], [[1, 2, 3, 4, 5], 1320, 240], 'an end before the start is the next day');
  assert.deepEqual([weekend.days, weekend.minutes], [[0, 6], 1440]);
  assert.deepEqual([daily.days, daily.minutes], [[0, 1, 2, 3, 4, 5, 6], 120], 'no days = daily, no zone = UTC');
  assert.deepEqual([paris.days, paris.minutes, paris.utcOffsetMinutes], [[0, 1, 5, 6], 60, 60], 'a day range wraps over the week end');
  assert.deepEqual([dated.days, dated.minutes, dated.from, dated.to], [null, 120, '2026-12-05T01:00Z', '2026-12-05T05:00+02:00']);
  const zones: [string, number][] = [['UTC', 0], ['utc', 0], ['Z', 0], ['UTC+2', 120], ['+0530', 330], ['UTC-03:30', -210], ['GMT+14', 840]];
  for (const [zone, want] of zones) assert.equal(parseWindows([`Sat 01:00-05:00 ${zone}`])[0].utcOffsetMinutes, want, zone);
  assert.throws(() => parseWindows(['Sat 01:00-05:00 UTC+15']), /beyond ±14:00/);
});

test('windowAt: open until the cutoff, closed with the next opening', () => {
  const cases: { windows: string[]; cutoff?: number; now: string; want: { open: boolean; at: string | null } ; why: string }[] = [
    { windows: ['Sat 01:00-05:00 UTC'], now: '2026-12-05T02:00Z', want: { open: true, at: '2026-12-05T05:00Z' }, why: 'inside' },
    { windows: ['Sat 01:00-05:00 UTC'], now: '2026-12-05T01:00Z', want: { open: true, at: '2026-12-05T05:00Z' }, why: 'the start is inside' },
    { windows: ['Sat 01:00-05:00 UTC'], now: '2026-12-05T05:00Z', want: { open: false, at: '2026-12-12T01:00Z' }, why: 'the end is outside: next Saturday' },
    { windows: ['Sat 01:00-05:00 UTC'], now: '2026-12-02T13:00Z', want: { open: false, at: '2026-12-05T01:00Z' }, why: 'Wednesday: this Saturday' },
    { windows: ['Sat 01:00-05:00 UTC'], cutoff: 1800, now: '2026-12-05T04:29Z', want: { open: true, at: '2026-12-05T05:00Z' }, why: 'before the cutoff' },
    { windows: ['Sat 01:00-05:00 UTC'], cutoff: 1800, now: '2026-12-05T04:30Z', want: { open: false, at: '2026-12-12T01:00Z' }, why: 'at the cutoff, nothing starts' },
    { windows: ['Fri 23:00-02:00 UTC'], now: '2026-12-05T01:30Z', want: { open: true, at: '2026-12-05T02:00Z' }, why: 'across midnight: Friday\'s window on Saturday morning' },
    { windows: ['Fri 23:00-02:00 UTC'], now: '2026-12-04T22:59Z', want: { open: false, at: '2026-12-04T23:00Z' }, why: 'a minute before' },
    { windows: ['Sun 23:00-01:00 UTC'], now: '2026-12-07T00:30Z', want: { open: true, at: '2026-12-07T01:00Z' }, why: 'across the week end: Sunday\'s window on Monday' },
    { windows: ['Sun 23:00-01:00 UTC'], now: '2026-12-07T01:00Z', want: { open: false, at: '2026-12-13T23:00Z' }, why: 'after it: next Sunday' },
    { windows: ['Sat 01:00-05:00 UTC+02:00'], now: '2026-12-04T23:30Z', want: { open: true, at: '2026-12-05T03:00Z' }, why: 'Saturday 01:30 at +02:00 is Friday 23:30 UTC' },
    { windows: ['Sat 01:00-05:00 -05:00'], now: '2026-12-05T05:00Z', want: { open: false, at: '2026-12-05T06:00Z' }, why: 'a negative offset' },
    { windows: ['Sat 01:00-05:00 UTC', 'Sat 04:00-08:00 UTC'], cutoff: 1800, now: '2026-12-05T04:45Z', want: { open: true, at: '2026-12-05T08:00Z' }, why: 'overlapping windows: the later end' },
    { windows: ['Mon-Fri 22:00-02:00 UTC', 'Sat 01:00-05:00 UTC'], now: '2026-12-05T01:30Z', want: { open: true, at: '2026-12-05T05:00Z' }, why: 'Friday night and Saturday both hold: the later end' },
    { windows: ['2026-12-05T01:00Z/2026-12-05T05:00Z'], now: '2026-12-05T03:00Z', want: { open: true, at: '2026-12-05T05:00Z' }, why: 'dated, inside' },
    { windows: ['2026-12-05T01:00Z/2026-12-05T05:00Z'], now: '2026-12-01T00:00Z', want: { open: false, at: '2026-12-05T01:00Z' }, why: 'dated, before' },
    { windows: ['2026-12-05T01:00Z/2026-12-05T05:00Z'], now: '2026-12-06T00:00Z', want: { open: false, at: null }, why: 'dated, past: never again' },
    { windows: [], cutoff: 0, now: '2026-12-06T00:00Z', want: { open: true, at: null }, why: 'no windows: any time' },
  ];
  for (const c of cases) {
    const w = windowAt(parseWindows(c.windows), c.cutoff ?? 0, new Date(c.now));
    assert.deepEqual({ open: w.open, at: iso(w.open ? w.closesAt : w.opensAt) }, c.want, `${c.windows.join(' + ')} at ${c.now}: ${c.why}`);
    if (w.open && w.closesAt) assert.equal(w.startBy?.getTime(), w.closesAt.getTime() - (c.cutoff ?? 0) * 1000, 'startBy = end - cutoff');
  }
});
