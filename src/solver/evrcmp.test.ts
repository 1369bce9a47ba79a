// The testcase reader's `evrcmp` (pool_evrcmp, EVRCMP_COMPARE, over rpm's ~ and ^) against libsolv's own caret
// testcase: the order of every pair as the case's result states it, and as testsolv prints it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FerryError } from '../core/errors.js';
import { sharedPath, skipUnlessShared, skipUnlessTools } from '../../test/support/shared.js';
import { compareEvrStrings } from './testcase.js';
import { spawnSync } from 'node:child_process';

const CASE = join(sharedPath('test-vectors', 'libsolv-testcases'), 'evrcmp', 'caret.t');
const bad = (what: string): FerryError => new FerryError('TESTCASE_INVALID', what);
const op = (a: string, b: string): string => { const r = compareEvrStrings(a, b, bad); return r < 0 ? '<' : r > 0 ? '>' : '='; };
const JOB = /^job noop provides (\S+) ([<=>]) (\S+)$/;

test('evrcmp: the caret testcase\'s own result', { skip: skipUnlessShared('test-vectors', 'libsolv-testcases') }, () => {
  const lines = readFileSync(CASE, 'utf8').split('\n').map((l) => l.replace(/^#>/, '')).filter((l) => JOB.test(l));
  assert.ok(lines.length >= 30, `only ${lines.length} comparisons`);
  for (const l of lines) {
    const [, a, want, b] = JOB.exec(l) as RegExpExecArray;
    assert.equal(op(a, b), want, l);
  }
});

test('evrcmp: what testsolv prints for the caret testcase', { skip: skipUnlessShared('test-vectors', 'libsolv-testcases') || skipUnlessTools('testsolv') }, () => {
  const out = spawnSync('testsolv', ['-r', CASE], { encoding: 'utf8' }).stdout.split('\n').filter((l) => JOB.test(l));
  assert.ok(out.length >= 30, `testsolv printed ${out.length} comparisons`);
  for (const l of out) {
    const [, a, want, b] = JOB.exec(l) as RegExpExecArray;
    assert.equal(op(a, b), want, l);
  }
});

test('evrcmp: a missing release sorts before a present one, epochs first', () => {
  assert.equal(op('1.0', '1.0-1'), '<');
  assert.equal(op('1:1.0', '2.0'), '>');
  assert.equal(op('1.0-2', '1.0-10'), '<');
  assert.throws(() => op('x:1', '1'), /TESTCASE_INVALID|epoch/);
});
