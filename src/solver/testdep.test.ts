// testcase_str2dep / testcase_dep2str at the level of libsolv's ids (parseDepId, formatDepId) and `result genid`
// (genidLines), on vectors from libsolv's testcase/str2dep.t; each is also run through testsolv when installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testsolvText } from '../../test/support/testsolv.js';
import { genidLines, solveTestcase } from './result.js';
import { parseTestcase } from './testcase.js';
import { formatDepId, parseDepId, parseTestcaseDep } from './testdep.js';

const CASES: { dep: string; written: string; ids: string[] }[] = [
  { dep: '<NULL>', written: '<NULL>', ids: ['null'] },
  { dep: '\\00', written: '\\00', ids: ['lit '] },
  { dep: 'foo()bar\\29', written: 'foo\\28\\29bar\\29', ids: ['lit foo()bar)'] },
  { dep: 'namespace:foo(bar)', written: 'namespace:foo(bar)', ids: ['lit namespace:foo', 'lit bar', 'op <NAMESPACE>'] },
  { dep: 'foo:any', written: 'foo:any', ids: ['lit foo', 'lit any', 'op <MULTIARCH>'] },
  { dep: 'a <17> b', written: 'a | b', ids: ['lit a', 'lit b', 'op |'] },
  { dep: 'a | (b & c)', written: 'a | (b & c)', ids: ['lit a', 'lit b', 'lit c', 'op &', 'op |'] },
  { dep: '(a | b) | c', written: '(a | b) | c', ids: ['lit a', 'lit b', 'op |', 'lit c', 'op |'] },
  { dep: 'a > 1 compat >= 2', written: 'a > 1 compat >= 2', ids: ['lit a', 'lit 1', 'lit 2', 'op compat >=', 'op >'] },
];

for (const c of CASES) {
  test(`genid: "${c.dep}" is written "${c.written}"`, () => {
    const id = parseDepId(c.dep);
    assert.equal(formatDepId(id), c.written);
    assert.deepEqual(parseDepId(c.written), id, 'what formatDepId writes reads back to the same ids');
    const lines = genidLines(id);
    assert.deepEqual(lines, [`genid dep ${c.written}`, ...c.ids.map((l, k) => `genid ${String(k + 1).padStart(2)}: genid ${l}`)]);
    const text = `genid dep ${c.dep}\nresult genid <inline>\n`;
    assert.deepEqual(solveTestcase(parseTestcase(text, 'genid.t')), [...lines].sort());
    const ref = testsolvText(text);
    if (ref) assert.deepEqual(ref, [...lines].sort(), 'testsolv gives the same genid lines');
  });
}

test('genid: lit, null and op lines build a relation on the stack; an op with one operand is TESTCASE_INVALID', () => {
  const tc = parseTestcase('genid lit a\ngenid null\ngenid op <IF>\nresult genid <inline>\n', 'genid.t');
  assert.deepEqual(tc.sets[0].genids, [{ flags: 22, name: { lit: 'a' }, evr: null }]);
  assert.throws(() => parseTestcase('genid lit a\ngenid op &\n', 'bad.t'), /bad\.t:2: genid: out of stack/);
});

test('the solver\'s dependencies: an escaped name is its bytes, <NULL> and :any are not modelled', () => {
  assert.deepEqual(parseTestcaseDep('foo\\28x\\29 >= 1'), { type: 'simple', name: 'foo(x)', flags: 'GE', evr: { epoch: 0, version: '1' } });
  assert.throws(() => parseTestcaseDep('(a | <NULL>)'), /names <NULL>/);
  assert.throws(() => parseTestcaseDep('(a | b:any)'), /operator "<MULTIARCH>"/);
});
