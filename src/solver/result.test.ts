// `result rules` (ruleLines) and `result alternatives` (alternativeLines) as testsolv prints them; the lines below are
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

test('result alternatives: a requires with two providers and a recommends, the choices as testsolv 0.7.23 prints them', () => {
  const text = `repo test 0 testtags <inline>
#>=Pkg: A 1 1 noarch
#>=Req: X
#>=Rec: Y
#>=Pkg: B 1 1 noarch
#>=Prv: X
#>=Pkg: C 1 1 noarch
#>=Prv: X
#>=Pkg: D 1 1 noarch
#>=Prv: Y
#>=Pkg: E 1 1 noarch
#>=Prv: Y
system unset * system
job install name A
result transaction,problems,alternatives <inline>
`;
  const expected = [
    'alternative 8f2fa5fa  0 A-1-1.noarch@test requires X',
    'alternative 8f2fa5fa  1 + B-1-1.noarch@test',
    'alternative 8f2fa5fa  2   C-1-1.noarch@test',
    'alternative f04c0bbd  0 A-1-1.noarch@test recommends Y',
    'alternative f04c0bbd  1 + D-1-1.noarch@test',
    'alternative f04c0bbd  2   E-1-1.noarch@test',
    'install A-1-1.noarch@test',
    'install B-1-1.noarch@test',
    'install D-1-1.noarch@test',
  ];
  const ref = testsolvText(text);
  if (ref) assert.deepEqual(ref, expected);
  assert.deepEqual(solveTestcase(parseTestcase(text, 'alternatives.t')), expected);
});
