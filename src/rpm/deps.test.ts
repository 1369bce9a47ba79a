import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { depFromEntry, formatDep, matchesDep, parseDep, type DepTag, type DepTree } from './deps.js';
import { formatEvr } from './evr.js';
import type { Dep, DepFlag } from './types.js';
import { skipUnlessTools } from '../../test/support/shared.js';

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

test("rpmbuild's version character check applies only with a tag (cases measured with rpmspec 4.18)", () => {
  const cases: Array<[string, boolean]> = [
    ['(a = 1..2)', false], ['a = 1..2', false], ['(a = 1*2)', false], ['(a = 1@2)', false], ['(a = 1/2)', false],
    ['(perl(Foo::Bar) = (1^git2 and pkg-c)', false], ['(b => 1^()git2 and a)', false],
    ['(a = 1%2)', true], ['(a = 1{2})', true], ['(a = 1_2+3~4^5)', true], ['(a = 2:1.0-1.el8)', true],
  ];
  for (const [text, ok] of cases) {
    if (ok) assert.doesNotThrow(() => parseDep(text, { tag: 'conflicts' }), text);
    else assert.throws(() => parseDep(text, { tag: 'conflicts' }), { code: 'DEP_PARSE' }, text);
  }
  // repodata is not rpmbuild: what a repository carries is read as it is
  for (const text of ['(a = 1..2)', '(a = 1*2)', 'a = 1@2']) assert.doesNotThrow(() => parseDep(text), text);
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

// ---- differential tests against rpm itself ----------------------------------------------------------

/** mulberry32, so a failing run reproduces from the printed seed. */
function prng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x6d2b79f5) >>> 0;
    let t = x;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seedFrom = (name: string): number =>
  process.env[name] !== undefined ? Number(process.env[name]) : Math.floor(Math.random() * 2 ** 32);

function richGen(rand: () => number) {
  const int = (n: number): number => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const NAMES = ['a', 'b', 'pkg-c', 'perl(Foo::Bar)', 'libc.so.6()(64bit)', '/usr/bin/sh', 'font(:lang=en)', 'x_y+z'];
  const OPS = ['=', '==', '<', '<=', '>', '>=', '=<', '=>'];
  const EVRS = ['1', '1.0-1', '2:3.4', '1.0~rc1', '1^git2', '3:1.2-4.el9', '10.0.1'];
  const ws = (): string => pick([' ', ' ', ' ', '  ', '\t', ' , ', ', ']);
  // rpmbuild refuses versioned file names ("Versioned file name not permitted"), a build-time rule only
  const simple = (): string =>
    (rand() < 0.5 ? pick(NAMES) : `${pick(NAMES.filter((n) => !n.startsWith('/')))} ${pick(OPS)} ${pick(EVRS)}`);
  const operand = (depth: number): string => (depth > 0 && rand() < 0.4 ? tree(depth - 1) : simple());
  const tree = (depth: number): string => {
    const r = rand();
    const kind = r < 0.25 ? 'and' : r < 0.45 ? 'or' : r < 0.6 ? 'with' : r < 0.7 ? 'without' : r < 0.85 ? 'if' : 'unless';
    const parts = [operand(depth)];
    if (kind === 'and' || kind === 'or' || kind === 'with') {
      for (let n = 1 + int(3); n > 0; n--) parts.push(kind, operand(depth));
    } else {
      parts.push(kind, operand(depth));
      if ((kind === 'if' || kind === 'unless') && rand() < 0.5) parts.push('else', operand(depth));
    }
    return `(${parts.join(ws())})`;
  };
  const mutate = (t: string): string => {
    const at = int(t.length + 1);
    const r = rand();
    if (r < 0.2) {
      const parens = [...t].flatMap((c, i) => (c === '(' || c === ')' ? [i] : []));
      const i = pick(parens);
      return t.slice(0, i) + t.slice(i + 1);
    }
    if (r < 0.35) return t.replace(/ (and|or|if|unless|with|without|else) /, () => ` ${pick(['xor', 'AND', 'else', 'and', 'or', 'if', 'with'])} `);
    if (r < 0.5) return t.replace(/ (and|or|if|unless|with|without) /, (m) => `${m}${pick(['and', 'if', 'else'])} `);
    if (r < 0.6) return t.slice(0, at) + pick(['(', ')', ',', ' ', '()']) + t.slice(at);
    if (r < 0.7) return t.slice(0, Math.max(1, at));
    if (r < 0.8) return t.replace(/(>=|<=|=|<|>) \S+/, (m) => m.split(' ')[0]);
    if (r < 0.9) return t.replace(pick(NAMES), `(${pick(NAMES)})`);
    return t.replace(/ (\d)/, ' x:$1');
  };
  return (): string => {
    const t = tree(int(3));
    return rand() < 0.6 ? t : mutate(rand() < 0.3 ? mutate(t) : t);
  };
}

function rpmspecQuery(tag: 'requires' | 'conflicts', deps: string[]): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-deps-'));
  try {
    const field = tag === 'requires' ? 'Requires' : 'Conflicts';
    const spec = ['Name: t', 'Version: 1', 'Release: 1', 'Summary: t', 'License: MIT',
      ...deps.map((d) => `${field}: ${d}`), '%description', 't', '%files', ''].join('\n');
    writeFileSync(join(dir, 't.spec'), spec);
    const res = spawnSync('rpmspec', ['-q', '--qf', '', `--${tag}`, join(dir, 't.spec')], { encoding: 'utf8' });
    return { status: res.status, stdout: res.stdout, stderr: res.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CANDIDATES = 400;

test(`rich-dep parser agrees with rpmbuild (rpmspec) on ${CANDIDATES} generated expressions`, { skip: skipUnlessTools('rpmspec') }, (t) => {
  const seed = seedFrom('FERRY_DEPS_SEED');
  t.diagnostic(`seed ${seed} (rerun with FERRY_DEPS_SEED=${seed})`);
  const gen = richGen(prng(seed));
  const problems: string[] = [];
  const tally = { accepted: 0, rejected: 0 };
  for (const tag of ['requires', 'conflicts'] as const) {
    const candidates = [...new Set(Array.from({ length: CANDIDATES / 2 }, gen))];
    const ours = new Map<string, DepTree | Error>();
    for (const c of candidates) {
      try {
        ours.set(c, parseDep(c, { tag }));
      } catch (err) {
        assert.equal((err as { code?: string }).code, 'DEP_PARSE', `${c}: ${String(err)}`);
        ours.set(c, err as Error);
      }
    }
    // everything we accept, in one spec: rpm must accept it all and print the same normalised set
    let accepted = candidates.filter((c) => !(ours.get(c) instanceof Error));
    tally.accepted += accepted.length;
    for (let round = 0; round < 20; round++) {
      const res = rpmspecQuery(tag, accepted);
      if (res.status === 0) {
        const rpmSet = new Set(res.stdout.split('\n').filter((l) => l !== '').map((l) => formatDep(parseDep(l))));
        const ourSet = new Set(accepted.map((c) => formatDep(ours.get(c) as DepTree)));
        for (const x of ourSet) if (!rpmSet.has(x)) problems.push(`${tag}: rpm printed no equivalent of ${x}`);
        for (const x of rpmSet) if (!ourSet.has(x)) problems.push(`${tag}: rpm printed ${x}, which we did not produce`);
        break;
      }
      const line = /line (\d+):/.exec(res.stderr);
      assert.ok(line, `rpmspec failed without a line number: ${res.stderr}`);
      const bad = accepted[Number(line[1]) - 6];
      problems.push(`${tag}: we accept ${JSON.stringify(bad)}, rpm says ${res.stderr.split('\n')[0]}`);
      accepted = accepted.filter((c) => c !== bad);
    }
    // everything we reject, one spec each: rpm must reject it too
    for (const c of candidates.filter((x) => ours.get(x) instanceof Error)) {
      tally.rejected++;
      const res = rpmspecQuery(tag, [c]);
      if (res.status !== 0) continue;
      const printed = res.stdout.split('\n').filter((l) => l !== '');
      const ourError = (ours.get(c) as Error).message;
      // a spec line may hold several dependencies; rpmbuild reads "(a) b)" as two where we see junk
      if (printed.length > 1 && /after the dependency/.test(ourError)) continue;
      // rpm's grammar accepts a bare "(a else b)"; rejected here on purpose (see deps.ts)
      if (/"else" without "if" or "unless"/.test(ourError)) continue;
      problems.push(`${tag}: we reject ${JSON.stringify(c)} (${ourError}), rpm accepts it as ${JSON.stringify(printed)}`);
    }
  }
  t.diagnostic(`accepted by both: ${tally.accepted - problems.length}, rejected by us: ${tally.rejected}`);
  assert.deepEqual(problems, [], `seed ${seed}`);
  assert.ok(tally.accepted > CANDIDATES * 0.2 && tally.rejected > CANDIDATES * 0.2, `degenerate generator: ${JSON.stringify(tally)}`);
});

const PYTHON = '/usr/bin/python3';
const pythonRpm = (): false | string =>
  spawnSync(PYTHON, ['-c', 'import rpm'], { stdio: 'ignore' }).status === 0 ? false : 'python3-rpm (librpm bindings) is not installed';

const MATCH_PAIRS = 20_000;

test(`matchesDep agrees with librpm's rpmdsCompare on ${MATCH_PAIRS} generated pairs`, { skip: pythonRpm() }, (t) => {
  const seed = seedFrom('FERRY_MATCH_SEED');
  t.diagnostic(`seed ${seed} (rerun with FERRY_MATCH_SEED=${seed})`);
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const FLAGS: Array<DepFlag | undefined> = [undefined, 'EQ', 'LT', 'LE', 'GT', 'GE'];
  const EPOCHS = [0, 0, 0, 1, 2];
  const VERSIONS = ['1', '1.0', '1.0.1', '1.0~rc1', '1.0^git1', '2', '0.9', '1.00', '1a'];
  const RELEASES = [undefined, undefined, '1', '2', '1.el9', '1~beta', '10'];
  const entry = (): Dep => {
    const flags = rand() < 0.05 ? undefined : pick(FLAGS.slice(1));
    if (flags === undefined) return { name: 'foo' };
    const release = pick(RELEASES);
    const evr = { epoch: pick(EPOCHS), version: pick(VERSIONS), ...(release === undefined ? {} : { release }) };
    return { name: 'foo', flags, evr };
  };
  const pairs = Array.from({ length: MATCH_PAIRS }, () => [entry(), entry()] as const);
  const SENSE_BITS: Record<DepFlag, number> = { EQ: 8, LT: 2, LE: 10, GT: 4, GE: 12 };
  const wire = (d: Dep): [string, number, string] =>
    [d.name, d.flags === undefined ? 0 : SENSE_BITS[d.flags], d.evr === undefined ? '' : formatEvr(d.evr, { alwaysEpoch: rand() < 0.3 })];
  const input = pairs.map(([p, r]) => JSON.stringify([wire(p), wire(r)])).join('\n');
  const script = [
    'import json, sys, rpm',
    'out = []',
    'for line in sys.stdin:',
    '    p, r = json.loads(line)',
    '    a = rpm.ds(tuple(p), rpm.RPMTAG_PROVIDENAME)',
    '    b = rpm.ds(tuple(r), rpm.RPMTAG_REQUIRENAME)',
    '    out.append("1" if a.Compare(b) else "0")',
    'print("".join(out))',
  ].join('\n');
  const res = spawnSync(PYTHON, ['-c', script], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(res.status, 0, res.stderr);
  const answers = res.stdout.trim();
  assert.equal(answers.length, pairs.length);
  const mismatches: string[] = [];
  let overlaps = 0;
  pairs.forEach(([p, r], i) => {
    const ours = matchesDep(p, r);
    if (ours) overlaps++;
    if (ours !== (answers[i] === '1')) {
      mismatches.push(`provide ${JSON.stringify(wire(p))} require ${JSON.stringify(wire(r))}: ours ${ours}, rpm ${answers[i]}`);
    }
  });
  t.diagnostic(`overlapping pairs: ${overlaps} of ${pairs.length}`);
  assert.equal(mismatches.length, 0, `seed ${seed}: ${mismatches.length} disagreements, first:\n${mismatches.slice(0, 10).join('\n')}`);
  assert.ok(overlaps > MATCH_PAIRS * 0.2 && overlaps < MATCH_PAIRS * 0.8, `degenerate generator: ${overlaps} overlaps`);
});
