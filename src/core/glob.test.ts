import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globToRegExp, isGlob } from './glob.js';

test('globToRegExp: fnmatch semantics, anchored; nocase is FNM_CASEFOLD', () => {
  const cases: [string, string, boolean, boolean][] = [
    // pattern, subject, case-sensitive match, case-folded match
    ['kernel*', 'kernel-core', true, true],
    ['kernel*', 'Kernel-core', false, true],
    ['py?hon', 'python', true, true],
    ['lib[!x]dn', 'libidn', true, true],
    ['lib[!x]dn', 'libxdn', false, false],
    ['a.b', 'axb', false, false],
    ['[', '[', true, true],
    ['x*', 'ax', false, false],
  ];
  for (const [p, s, sensitive, folded] of cases) {
    assert.equal(globToRegExp(p).test(s), sensitive, `${p} ~ ${s}`);
    assert.equal(globToRegExp(p, { nocase: true }).test(s), folded, `${p} ~ ${s} (nocase)`);
  }
  assert.equal(isGlob('a*'), true);
  assert.equal(isGlob('plain'), false);
});
