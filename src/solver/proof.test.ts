// `result proof` (proof.ts) of a problem libsolv finds before its first choice: the lines below are testsolv's
// (libsolv 0.7.23) for the case, asked again when testsolv is installed; a problem after a choice is not modelled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError } from '../core/errors.js';
import { testsolvText } from '../../test/support/testsolv.js';
import { solveTestcase } from './result.js';
import { parseTestcase } from './testcase.js';

test('result proof: two job rules, the requires they propagate and the conflict, in decision order', () => {
  const text = `repo available 0 testtags <inline>
#>=Pkg: A 1 1 noarch
#>=Req: C
#>=Pkg: B 1 1 noarch
#>=Con: C
#>=Pkg: C 1 1 noarch
system noarch rpm
job install name A
job install name B
result proof <inline>
`;
  const expected = [
    'proof 7cc9e040   0 job 78018aa4620f94175ee7c64e70577e37',
    'proof 7cc9e040   0: -->  A-1-1.noarch@available',
    'proof 7cc9e040   1 job 9e889253b7a91761b9a787546cfe84d8',
    'proof 7cc9e040   1: -->  B-1-1.noarch@available',
    'proof 7cc9e040   2 pkg 77aee7e08f87dc455839348cc92adac3',
    'proof 7cc9e040   2:     -A-1-1.noarch@available',
    'proof 7cc9e040   2: -->  C-1-1.noarch@available',
    'proof 7cc9e040   3 pkg ea4b74e898f0ecb13ff4cd4f926f72fd',
    'proof 7cc9e040   3:     -B-1-1.noarch@available',
    'proof 7cc9e040   3:     -C-1-1.noarch@available',
  ];
  assert.deepEqual(solveTestcase(parseTestcase(text, 'proof.t')), expected);
  const ref = testsolvText(text);
  if (ref) assert.deepEqual(ref, expected);
});

test('result proof of a solvable job set is empty; of a problem found after a choice SOLVER_UNSUPPORTED', () => {
  const repo = 'repo available 0 testtags <inline>\n#>=Pkg: A 1 1 noarch\n#>=Req: X\n#>=Pkg: B 1 1 noarch\n#>=Prv: X\n#>=Con: D\n#>=Pkg: C 1 1 noarch\n#>=Prv: X\n#>=Con: D\n#>=Pkg: D 1 1 noarch\nsystem noarch rpm\n';
  assert.deepEqual(solveTestcase(parseTestcase(`${repo}job install name A\nresult proof <inline>\n`, 'ok.t')), []);
  // P needs X1 or X2, Q needs Y1 or Y2, every X conflicts with every Y: propagation alone finds no conflict,
  // libsolv chooses and learns a rule first
  const pigeons = 'repo available 0 testtags <inline>\n#>=Pkg: P 1 1 noarch\n#>=Req: X\n#>=Pkg: Q 1 1 noarch\n#>=Req: Y\n'
    + '#>=Pkg: X1 1 1 noarch\n#>=Prv: X\n#>=Con: Y\n#>=Pkg: X2 1 1 noarch\n#>=Prv: X\n#>=Con: Y\n#>=Pkg: Y1 1 1 noarch\n#>=Prv: Y\n#>=Pkg: Y2 1 1 noarch\n#>=Prv: Y\nsystem noarch rpm\n';
  const choice = `${pigeons}job install name P\njob install name Q\nresult proof <inline>\n`;
  assert.throws(() => solveTestcase(parseTestcase(choice, 'choice.t')), (err) => isFerryError(err, 'SOLVER_UNSUPPORTED') && /after a choice/.test(err.message));
});
