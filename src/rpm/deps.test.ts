import { test } from 'node:test';
import assert from 'node:assert/strict';
import { depFromEntry, formatDep, matchesDep, parseDep, type DepTag, type DepTree } from './deps.js';
import type { Dep, DepFlag } from './types.js';

const s = (name: string, flags?: DepFlag, evr?: string): DepTree => {
  if (flags === undefined || evr === undefined) return { type: 'simple', name };
  const m = /^(?:(\d+):)?([^-]*)(?:-(.*))?$/.exec(evr);
  assert.ok(m, evr);
  const e = { epoch: m[1] === undefined ? 0 : Number(m[1]), version: m[2], ...(m[3] === undefined ? {} : { release: m[3] }) };
  return { type: 'simple', name, flags, evr: e };
};

const PARSE: Array<[string, DepTree, string?]> = [
  ['bash', s('bash')],
  ['/usr/bin/sh', s('/usr/bin/sh')],
  ['perl(Foo::Bar) >= 1.2', s('perl(Foo::Bar)', 'GE', '1.2')],
  ['glibc = 2:2.34-100.el9', s('glibc', 'EQ', '2:2.34-100.el9')],
  ['foo == 1', s('foo', 'EQ', '1'), 'foo = 1'],
  ['foo =< 1', s('foo', 'LE', '1'), 'foo <= 1'],
  ['foo => 1', s('foo', 'GE', '1'), 'foo >= 1'],
  ['foo < 1~rc1^git2', s('foo', 'LT', '1~rc1^git2')],
  ['foo > 0:1', s('foo', 'GT', '1'), 'foo > 1'],
  ['(a)', s('a'), 'a'],
  ['(a and b)', { type: 'and', operands: [s('a'), s('b')] }],
  ['(a and b and c)', { type: 'and', operands: [s('a'), s('b'), s('c')] }],
  ['(  a   or\tb ,or c or d )', { type: 'or', operands: [s('a'), s('b'), s('c'), s('d')] }, '(a or b or c or d)'],
  ['(a,and b)', { type: 'and', operands: [s('a'), s('b')] }, '(a and b)'],
  ['(a if b)', { type: 'if', left: s('a'), condition: s('b') }],
  ['(a if b else c)', { type: 'if', left: s('a'), condition: s('b'), otherwise: s('c') }],
  ['(a unless b)', { type: 'unless', left: s('a'), condition: s('b') }],
  ['(a unless b else c)', { type: 'unless', left: s('a'), condition: s('b'), otherwise: s('c') }],
  ['(a with b)', { type: 'with', operands: [s('a'), s('b')] }],
  ['(a with b with c)', { type: 'with', operands: [s('a'), s('b'), s('c')] }],
  ['(a without b)', { type: 'without', left: s('a'), right: s('b') }],
  ['(foo >= 1.0 with foo < 2.0)', { type: 'with', operands: [s('foo', 'GE', '1.0'), s('foo', 'LT', '2.0')] }],
  ['((a or b) with c)', { type: 'with', operands: [{ type: 'or', operands: [s('a'), s('b')] }, s('c')] }],
  ['(pkgA if (pkgB or pkgC) else (pkgD >= 2 and pkgE))', {
    type: 'if', left: s('pkgA'), condition: { type: 'or', operands: [s('pkgB'), s('pkgC')] },
    otherwise: { type: 'and', operands: [s('pkgD', 'GE', '2'), s('pkgE')] },
  }],
  ['(python3-foo if (python3 and (a or b)))', {
    type: 'if', left: s('python3-foo'),
    condition: { type: 'and', operands: [s('python3'), { type: 'or', operands: [s('a'), s('b')] }] },
  }],
  // rpm's tokenizer: a name may hold balanced parentheses; a token glued to ">=" is part of the name
  ['(perl(Foo::Bar) >= 1:2.0-3 or (c with d))', {
    type: 'or', operands: [s('perl(Foo::Bar)', 'GE', '1:2.0-3'), { type: 'with', operands: [s('c'), s('d')] }],
  }],
  ['(a>=1.0 and b)', { type: 'and', operands: [s('a>=1.0'), s('b')] }],
  ['(foo(bar and b)', { type: 'and', operands: [s('foo(bar'), s('b')] }],
  ['(kernel-uname-r = 5.14.0-427.el9.x86_64 if kernel)', {
    type: 'if', left: s('kernel-uname-r', 'EQ', '5.14.0-427.el9.x86_64'), condition: s('kernel'),
  }],
  ['(a >= 1:)', { type: 'simple', name: 'a', flags: 'GE', evr: { epoch: 1, version: '' } }, 'a >= 1:'],
];

test('parseDep: table of valid expressions, and formatDep round-trips', () => {
  for (const [text, tree, printed] of PARSE) {
    const got = parseDep(text);
    assert.deepEqual(got, tree, text);
    const formatted = formatDep(got);
    assert.equal(formatted, printed ?? text, `formatDep of ${text}`);
    assert.deepEqual(parseDep(formatted), got, `re-parse of ${formatted}`);
  }
});

const BAD: Array<[string, RegExp, number]> = [
  ['', /empty dependency/, 0],
  ['   ', /empty dependency/, 3],
  ['()', /empty rich dependency/, 1],
  ['(a and)', /missing operand after "and"/, 6],
  ['(a and ', /missing operand/, 7],
  ['(a and b', /unterminated rich dependency/, 8],
  ['((a and b)', /unterminated/, 10],
  ['(a and b))', /unexpected "\)"/, 9],
  ['(a and b) foo', /unexpected "foo"/, 10],
  ['(a xor b)', /unknown rich dependency operator "xor"/, 3],
  ['(a, b)', /unknown rich dependency operator "b"/, 4],
  ['(a and,b)', /unknown rich dependency operator "and,b"/, 3],
  ['(a >=)', /version required/, 5],
  ['(a >= 1 2)', /unknown rich dependency operator "2"/, 8],
  ['(a and b or c)', /cannot chain "or" after "and"/, 9],
  ['(a if b if c)', /only "and", "or" and "with" can be chained/, 8],
  ['(a if b else c else d)', /only "and", "or" and "with" can be chained/, 15],
  ['(a without b without c)', /only "and", "or" and "with"/, 13],
  ['(a with b without c)', /cannot chain "without" after "with"/, 10],
  ['(a and b else c)', /cannot chain "else" after "and"/, 9],
  ['(a else b)', /"else" without "if" or "unless"/, 3],
  ['((a and b) with c)', /may only combine names/, 0],
  ['((a if b) without c)', /may only combine names/, 0],
  ['(((a and b) or c) with d)', /may only combine names/, 0],
  ['(a >= x:1)', /epoch must be an unsigned integer/, 6],
  ['(a = 1-2-3)', /more than one "-"/, 5],
  ['foo bar', /unexpected "bar"/, 4],
  ['foo >=', /version required/, 6],
  ['foo >= 1 2', /unexpected "2"/, 9],
  ['foo ~> 1', /unexpected "~> 1"/, 4],
];

test('malformed expressions are DEP_PARSE naming the input and the position', () => {
  for (const [text, why, at] of BAD) {
    assert.throws(() => parseDep(text), (err: Error & { code?: string; details?: Record<string, unknown> }) => {
      assert.equal(err.code, 'DEP_PARSE', text);
      assert.match(err.message, why, text);
      assert.ok(err.message.includes(`"${text}"`), `message quotes the input: ${err.message}`);
      assert.equal(err.details?.position, at, `position for ${JSON.stringify(text)}: ${err.message}`);
      return true;
    }, JSON.stringify(text));
  }
});

test("rpmbuild's context rules apply only with a tag", () => {
  const cases: Array<[string, DepTag, boolean]> = [
    ['(a unless b)', 'requires', false],
    ['(a unless b else c)', 'requires', false],
    ['(a unless b)', 'conflicts', true],
    ['(a if b)', 'conflicts', false],
    ['(a if b)', 'supplements', false],
    ['(a if b)', 'requires', true],
    ['((a if b) or c)', 'requires', false],
    ['((a if b) and c)', 'requires', true],
    ['(a or (b unless c))', 'requires', true],
    ['(a or (b if c))', 'requires', false],
    ['(a if (b or c) else d)', 'requires', true],
    ['(a if b else (c unless d))', 'requires', false],
    ['(c if (a unless b))', 'requires', true],
    ['((a unless b) and c)', 'recommends', false],
  ];
  for (const [text, tag, ok] of cases) {
    assert.doesNotThrow(() => parseDep(text), `${text} without a tag`);
    if (ok) assert.doesNotThrow(() => parseDep(text, { tag }), `${text} as ${tag}`);
    else assert.throws(() => parseDep(text, { tag }), { code: 'DEP_PARSE', message: /illegal context/ }, `${text} as ${tag}`);
  }
});

test('depFromEntry: repodata entries, rich ones carry the whole text in name', () => {
  assert.deepEqual(depFromEntry({ name: 'glibc', flags: 'GE', evr: { epoch: 0, version: '2.34', release: '1' } }),
    s('glibc', 'GE', '2.34-1'));
  assert.deepEqual(depFromEntry({ name: 'bash' }), s('bash'));
  assert.deepEqual(depFromEntry({ name: '(a if b)', pre: true }), { type: 'if', left: s('a'), condition: s('b') });
  assert.throws(() => depFromEntry({ name: '(a if b' }), { code: 'DEP_PARSE' });
  assert.throws(() => depFromEntry({ name: '' }), { code: 'DEP_PARSE' });
});

const dep = (text: string): Dep => {
  const t = parseDep(text);
  assert.equal(t.type, 'simple');
  return t.type === 'simple' ? { name: t.name, flags: t.flags, evr: t.evr } : { name: '' };
};

test('matchesDep: rpmdsCompare range overlap', () => {
  const cases: Array<[string, string, boolean]> = [
    ['foo', 'foo >= 1', true],
    ['foo = 1.0-1', 'foo', true],
    ['foo = 1.0-1', 'bar', false],
    ['foo = 1.0-1', 'foo >= 1.0', true],
    ['foo = 1.0-1', 'foo = 1.0', true], // unspecified release matches any
    ['foo = 1.0-1', 'foo <= 1.0', true],
    ['foo = 1.0-1', 'foo < 1.0', false],
    ['foo = 1.0-1', 'foo > 1.0', false],
    ['foo = 1.0', 'foo > 1.0-1', true], // the side without release has EQUAL: overlap
    ['foo = 1.0', 'foo < 1.0-1', true],
    ['foo = 1.0-2', 'foo = 1.0-1', false],
    ['foo = 1.0-2', 'foo > 1.0-1', true],
    ['foo = 1:0.5', 'foo >= 1.0', true], // epoch wins
    ['foo = 0.5', 'foo >= 0:1.0', false],
    ['foo = 1.0~rc1', 'foo >= 1.0', false],
    ['foo = 1.0^git1', 'foo > 1.0', true],
    ['foo >= 2', 'foo < 3', true], // two ranges intersect
    ['foo > 2', 'foo < 2', false],
    ['foo >= 2', 'foo <= 2', true],
    ['foo < 2', 'foo < 1', true],
    ['foo > 2', 'foo > 3', true],
    ['foo = 1.0', 'foo = 1.0', true],
  ];
  for (const [p, r, want] of cases) {
    assert.equal(matchesDep(dep(p), dep(r)), want, `${p} satisfies ${r}`);
    assert.equal(matchesDep(dep(r), dep(p)), want, `overlap is symmetric: ${r} / ${p}`);
  }
  assert.equal(matchesDep({ name: '(a or b)' }, { name: 'a' }), false);
});
