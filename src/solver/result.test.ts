// `result rules` (ruleLines): the package and job rules the solver made, as testsolv prints them; the lines below are
// testsolv's (libsolv 0.7.23) for the case, and testsolv is asked again when installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError } from '../core/errors.js';
import { testsolvText } from '../../test/support/testsolv.js';
import { solveTestcase } from './result.js';
import { parseTestcase } from './testcase.js';

const REPO = `repo available 0 testtags <inline>
#>=Pkg: A 1 1 x86_64
#>=Req: B
#>=Con: C
#>=Pkg: B 1 1 x86_64
#>=Pkg: B 2 1 x86_64
#>=Pkg: C 1 1 x86_64
`;

test('result rules: a requires, a conflict, the same-name rule and the job rule, each literal a line under its md5', () => {
  const text = `${REPO}system x86_64 rpm\njob install name A\nresult transaction,problems,rules <inline>\n`;
  const expected = [
    'install A-1-1.x86_64@available',
    'install B-2-1.x86_64@available',
    'rule job 300db6ce502dde94261e267a8c535441  A-1-1.x86_64@available',
    'rule pkg 259280788474b9a2e19ee2709f45da12  B-1-1.x86_64@available',
    'rule pkg 259280788474b9a2e19ee2709f45da12  B-2-1.x86_64@available',
    'rule pkg 259280788474b9a2e19ee2709f45da12 -A-1-1.x86_64@available',
    'rule pkg 790f21e2440fffb8a2b295efeb924bcb -A-1-1.x86_64@available',
    'rule pkg 790f21e2440fffb8a2b295efeb924bcb -C-1-1.x86_64@available',
    'rule pkg e07844f023390140c3ed4893759f4787 -B-1-1.x86_64@available',
    'rule pkg e07844f023390140c3ed4893759f4787 -B-2-1.x86_64@available',
  ];
  assert.deepEqual(solveTestcase(parseTestcase(text, 'rules.t')), expected);
  const ref = testsolvText(text);
  if (ref) assert.deepEqual(ref, expected);
});

test('result rules: a reused solver keeps the previous set\'s package rules (nextjob reusesolver)', () => {
  const text = `${REPO}system x86_64 rpm\njob install name A\nresult rules <inline>\nnextjob reusesolver\njob install name C\nresult rules <inline>\n`;
  const lines = solveTestcase(parseTestcase(text, 'reuse.t'));
  const second = lines.slice(lines.indexOf('test 2:') + 1);
  assert.ok(second.includes('rule pkg 259280788474b9a2e19ee2709f45da12 -A-1-1.x86_64@available'), 'A\'s requires rule stays');
  assert.ok(!lines.slice(0, lines.indexOf('test 2:')).some((l) => l.startsWith('rule job') && l.endsWith('C-1-1.x86_64@available')));
  const ref = testsolvText(text);
  if (ref) assert.deepEqual(ref, lines);
});

test('result rules with an installed repository is SOLVER_UNSUPPORTED (libsolv\'s feature and update rules)', () => {
  const text = `${REPO}system x86_64 rpm available\njob install name A\nresult rules <inline>\n`;
  assert.throws(() => solveTestcase(parseTestcase(text, 'installed.t')), (err) => isFerryError(err, 'SOLVER_UNSUPPORTED') && /installed repository/.test(err.message));
});
