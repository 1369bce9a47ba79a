import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError } from '../core/index.js';
import { assessmentDay } from './assess.js';

test('assessmentDay: --today as given, else the current UTC day; anything but a real YYYY-MM-DD is USAGE naming it', () => {
  assert.equal(assessmentDay('2026-01-01'), '2026-01-01');
  assert.equal(assessmentDay(undefined, () => new Date('2026-12-02T23:59:59Z')), '2026-12-02');
  for (const bad of ['2026-1-01', '01/01/2026', '2026-13-40', 'today', '']) {
    assert.throws(() => assessmentDay(bad), (e: unknown) => isFerryError(e, 'USAGE') && e.message.includes(JSON.stringify(bad)), bad);
  }
});
