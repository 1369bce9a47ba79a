import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CollectProgressEvent } from '../app/fleet-collect.js';
import { createProgressRenderer, formatEta, progressLine } from './progress.js';

const ev = (phase: CollectProgressEvent['phase'], done: number, failed = 0, host?: string, message?: string): CollectProgressEvent =>
  ({ scope: 'collect', phase, done, total: 10, failed, ...(host ? { host, message } : {}) });

test('formatEta and progressLine: counts ok/failed/remaining, rate, ETA', () => {
  assert.deepEqual([formatEta(0), formatEta(12.4), formatEta(185), formatEta(3720)], ['0s', '12s', '3m05s', '1h02m']);
  assert.equal(progressLine(ev('host', 4, 1), 2000, 10), '[####------] 4/10 · ok 3 · failed 1 · remaining 6 · 2.0 hosts/s · ETA 3s');
  assert.equal(progressLine(ev('end', 10, 1), 5000, 10), '[##########] 10/10 · ok 9 · failed 1 · remaining 0 · 2.0 hosts/s');
  assert.equal(progressLine(ev('start', 0), 0, 4), '[----] 0/10 · ok 0 · failed 0 · remaining 10 · 0.0 hosts/s');
});

test('createProgressRenderer: a terminal gets one redrawn line (throttled, final one drawn); a log gets a line per host, escaped', () => {
  let clock = 0;
  let tty = '';
  const onTty = createProgressRenderer({ write: (s) => void (tty += s), tty: true, width: 4, now: () => clock });
  onTty(ev('start', 0));
  clock = 50; onTty(ev('host', 1, 0, 'a', 'ok'));
  clock = 200; onTty(ev('host', 2, 0, 'b', 'ok'));
  clock = 210; onTty(ev('end', 2));
  assert.equal(tty.split('\r').length - 1, 3, 'start, the host at 200 ms and the end; the host at 50 ms is throttled');
  assert.ok(tty.endsWith('\x1b[K\n'));
  let log = '';
  const onLog = createProgressRenderer({ write: (s) => void (log += s), tty: false, now: () => 1000 });
  onLog(ev('start', 0));
  onLog(ev('host', 1, 1, 'evil\x1b[31m', 'auth: refused'));
  onLog(ev('end', 1, 1));
  const lines = log.trimEnd().split('\n');
  assert.equal(lines[0], '[1/10] evil\\x1b[31m: auth: refused');
  assert.match(lines[1], /^\[#+-+\] 1\/10 · ok 0 · failed 1/);
  assert.doesNotMatch(log, /\r|\x1b/);
});
