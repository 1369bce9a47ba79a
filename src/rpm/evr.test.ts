import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compareEvr, formatEvr, parseEvr, rpmvercmp } from './evr.js';
import { sharedPath, skipUnlessShared } from '../../test/support/shared.js';

const VECTORS = ['test-vectors', 'rpm-4.18.0-rpmvercmp.tsv'];

test("rpm's own rpmvercmp vectors", { skip: skipUnlessShared(...VECTORS) }, () => {
  const lines = readFileSync(sharedPath(...VECTORS), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  let n = 0;
  for (const line of lines) {
    const [a, b, expected] = line.split('\t');
    if (expected === undefined || !/^-?[01]$/.test(expected.trim())) continue;
    assert.equal(rpmvercmp(a, b), Number(expected.trim()), `rpmvercmp(${JSON.stringify(a)}, ${JSON.stringify(b)})`);
    n++;
  }
  assert.ok(n >= 80, `expected rpm's ~91 vectors, read ${n}`);
});

test('tilde and caret', () => {
  assert.equal(rpmvercmp('1.0~rc1', '1.0'), -1);
  assert.equal(rpmvercmp('1.0^', '1.0'), 1);
  assert.equal(rpmvercmp('1.0^git1', '1.0.1'), -1);
  assert.equal(rpmvercmp('1.0~rc1^git1', '1.0~rc1'), 1);
});

test('compareEvr: epoch first, unspecified release matches any', () => {
  assert.equal(compareEvr(parseEvr('1:1.0-1'), parseEvr('2.0-1')), 1);
  assert.equal(compareEvr(parseEvr('1.0'), parseEvr('1.0-5')), 0);
  assert.equal(compareEvr(parseEvr('1.0-4'), parseEvr('1.0-5')), -1);
});

test('parseEvr and formatEvr round-trip; bad input is EVR_INVALID', () => {
  assert.deepEqual(parseEvr('2:1.2.3-4.el8'), { epoch: 2, version: '1.2.3', release: '4.el8' });
  assert.deepEqual(parseEvr('1.2'), { epoch: 0, version: '1.2' });
  assert.equal(formatEvr(parseEvr('0:1.2-3')), '1.2-3');
  assert.equal(formatEvr(parseEvr('3:1.2-3')), '3:1.2-3');
  assert.throws(() => parseEvr('x:1.0'), { code: 'EVR_INVALID' });
  assert.throws(() => parseEvr('1:-3'), { code: 'EVR_INVALID' });
});

test('rpmvercmp reads up to the first NUL, like rpm on C strings; non-ASCII is a separator', () => {
  assert.equal(rpmvercmp('1.0\0zzz', '1.0'), 0);
  assert.equal(rpmvercmp('1.0\0', '1.0.1'), -1);
  assert.equal(rpmvercmp('1é0', '1.0'), 0);
  assert.equal(rpmvercmp('1.é', '1'), 0); // trailing separators do not count
  assert.equal(rpmvercmp('00000000000000000000000000001', '1'), 0);
  assert.equal(rpmvercmp('18446744073709551617', '18446744073709551616'), 1);
});
