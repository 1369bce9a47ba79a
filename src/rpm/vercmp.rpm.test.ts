/**
 * Differential test: rpmvercmp, parseEvr and compareEvr against the real rpm (its embedded Lua), on
 * generated pairs including hostile shapes. One rpm process reads a file of hex-encoded pairs:
 * - `R a b`: rpmvercmp(a, b) itself, through `rpm.ver(nil, "x", a) <=> rpm.ver(nil, "x", b)` (rpmverCmp
 *   compares the releases with plain rpmvercmp, and a release may be any NUL-free string, even empty);
 * - `E a b`: `rpm.vercmp(a, b)`, which on rpm 4.18 parses both as `[epoch:]version[-release]` (rpmverParse)
 *   and compares with rpmverCmp, where a missing release sorts before any release.
 * Reproduce a failure with FERRY_VERCMP_SEED=<seed printed by the test>.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { compareEvr, formatEvr, parseEvr, rpmvercmp } from './evr.js';
import type { Evr } from './types.js';
import { skipUnlessTools } from '../../test/support/shared.js';

const PAIRS = 100_000;
const EVR_PAIRS = 20_000;

/** mulberry32: small, fast, good enough to drive a generator, and reproducible from one 32-bit seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Strings are "binary" (latin1): one char per byte, 1..255; written to rpm as bytes.
const ASCII_SEPS = [...' !"#$%&\'()*+,-./:;<=>?@[\\]_`{|}'];
const CONTROL = Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).concat('\x7f');
const HIGH = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i + 128));
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const WORDS = ['a', 'b', 'rc', 'beta', 'git', 'el', 'fc', 'Z', 'z', 'alpha', 'pre', 'post', 'aa', 'A'];

function makeGen(rand: () => number) {
  const int = (n: number): number => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const digits = (): string => {
    const r = rand();
    const len = r < 0.7 ? 1 + int(3) : r < 0.9 ? 4 + int(8) : 15 + int(30); // beyond 2^64 too
    let s = rand() < 0.15 ? '0'.repeat(1 + int(4)) : '';
    for (let i = 0; i < len; i++) s += String(int(10));
    return s;
  };
  const alpha = (): string => {
    if (rand() < 0.5) return pick(WORDS);
    let s = '';
    for (let i = 1 + int(5); i > 0; i--) s += LETTERS[int(LETTERS.length)];
    return s;
  };
  const sep = (): string => {
    const r = rand();
    if (r < 0.55) return '.';
    if (r < 0.7) return pick(ASCII_SEPS);
    if (r < 0.8) return pick(CONTROL);
    if (r < 0.9) return pick(HIGH);
    return pick(ASCII_SEPS).repeat(2 + int(3)); // runs of separators = empty segments
  };
  const piece = (): string => {
    const r = rand();
    if (r < 0.35) return digits();
    if (r < 0.6) return alpha();
    if (r < 0.8) return sep();
    if (r < 0.9) return '~';
    return '^';
  };
  const version = (): string => {
    const r = rand();
    if (r < 0.02) return '';
    let n = r < 0.03 ? 100 + int(600) : int(9); // a few very long strings
    let s = '';
    while (n-- > 0) s += piece();
    return s;
  };
  const mutate = (a: string): string => {
    const r = rand();
    const at = int(a.length + 1);
    if (r < 0.1) return a;
    if (r < 0.25) return a + piece();
    if (r < 0.35) return a.slice(0, at);
    if (r < 0.5) return a.slice(0, at) + pick(['~', '^', '.', '~~', '^^', '~^', '^~']) + a.slice(at);
    if (r < 0.6) return a.replace(/[^A-Za-z0-9~^]/, sep());
    if (r < 0.7) return a.replace(/\d+/, (d) => (rand() < 0.5 ? '0'.repeat(1 + int(3)) + d : String(BigInt(d) + 1n)));
    if (r < 0.8) return a.slice(0, at) + piece() + a.slice(at);
    if (r < 0.9) return a.replace(/[A-Za-z]/, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
    return a.slice(0, at) + a.slice(at + 1 + int(3));
  };
  const pair = (): [string, string] => {
    const a = version();
    return rand() < 0.7 ? [a, mutate(rand() < 0.3 ? mutate(a) : a)] : [a, version()];
  };
  /** Version or release text that survives "E:V-R" parsing: non-empty, no "-". */
  const part = (): string => {
    let s = '';
    while (s === '') s = (rand() < 0.5 ? pick(['1', '1.0', '2.3.4', '1.0~rc1', '1.0^git2', '10', '9']) : version())
      .replace(/-/g, '.');
    return s;
  };
  const evr = (): Evr => {
    const e = rand() < 0.7 ? 0 : pick([1, 2, 10, 99999]);
    return rand() < 0.85 ? { epoch: e, version: part(), release: part() } : { epoch: e, version: part() };
  };
  const evrPair = (): [Evr, Evr] => {
    const a = evr();
    if (rand() < 0.3) return [a, evr()];
    const b: Evr = { ...a };
    const r = rand();
    if (r < 0.2) b.epoch = a.epoch === 0 ? 1 : 0;
    else if (r < 0.5) b.version = mutate(a.version).replace(/-/g, '.') || '0';
    else if (r < 0.8 && a.release !== undefined) b.release = mutate(a.release).replace(/-/g, '.') || '0';
    else if (r < 0.9) delete b.release;
    return [a, b];
  };
  return { pair, evrPair };
}

const hex = (s: string): string => Buffer.from(s, 'latin1').toString('hex');

const LUA = (input: string, output: string): string => `
local function unhex(h) return (h:gsub('..', function(x) return string.char(tonumber(x, 16)) end)) end
local out = assert(io.open(${JSON.stringify(output)}, 'wb'))
for line in io.lines(${JSON.stringify(input)}) do
  local kind, ha, hb = line:match('^(%a) (%x*) (%x*)$')
  local a, b = unhex(ha), unhex(hb)
  local c
  if kind == 'R' then
    local va, vb = rpm.ver(nil, 'x', a), rpm.ver(nil, 'x', b)
    if va < vb then c = -1 elseif va == vb then c = 0 else c = 1 end
  else
    local ok, r = pcall(rpm.vercmp, a, b)
    c = ok and r or 'error'
  end
  out:write(tostring(c), '\\n')
end
out:close()
`;

function runRpm(lines: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-vercmp-'));
  try {
    const input = join(dir, 'pairs.txt');
    const output = join(dir, 'out.txt');
    const script = join(dir, 'vercmp.lua');
    writeFileSync(input, lines.join('\n') + '\n');
    writeFileSync(script, LUA(input, output));
    const res = spawnSync('rpm', ['--eval', `%{lua: dofile(${JSON.stringify(script)})}`], { encoding: 'utf8' });
    assert.equal(res.status, 0, `rpm --eval failed: ${res.stderr}`);
    const got = readFileSync(output, 'utf8').split('\n').slice(0, -1);
    assert.equal(got.length, lines.length, `rpm answered ${got.length} of ${lines.length} pairs: ${res.stderr}`);
    return got;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const show = (s: string): string => (s.length > 120 ? `${JSON.stringify(s.slice(0, 120))}…(${s.length} chars)` : JSON.stringify(s));

test(`rpmvercmp and compareEvr agree with rpm on ${PAIRS} + ${EVR_PAIRS} generated pairs`, { skip: skipUnlessTools('rpm') }, (t) => {
  const seed = process.env.FERRY_VERCMP_SEED !== undefined
    ? Number(process.env.FERRY_VERCMP_SEED)
    : Math.floor(Math.random() * 2 ** 32);
  t.diagnostic(`seed ${seed} (rerun with FERRY_VERCMP_SEED=${seed})`);
  const gen = makeGen(prng(seed));

  // rpm's documented corner cases first, so a broken harness cannot pass by accident
  const fixed: Array<[string, string, number]> = [
    ['1.0', '1.0~rc1', 1], ['1.0^', '1.0', 1], ['1.0^git1', '1.0.1', -1], ['', '~', 1], ['', '', 0],
    ['1.0', '1.0', 0], ['a', '1', -1], ['18446744073709551616', '18446744073709551615', 1],
  ];
  const pairs: Array<[string, string]> = fixed.map(([a, b]) => [a, b]);
  while (pairs.length < PAIRS) pairs.push(gen.pair());
  const evrPairs: Array<[Evr, Evr]> = [];
  while (evrPairs.length < EVR_PAIRS) evrPairs.push(gen.evrPair());
  const evrText = evrPairs.map(([a, b]) => [formatEvr(a, { alwaysEpoch: true }), formatEvr(b, { alwaysEpoch: true })]);

  const answers = runRpm([
    ...pairs.map(([a, b]) => `R ${hex(a)} ${hex(b)}`),
    ...evrText.map(([a, b]) => `E ${hex(a)} ${hex(b)}`),
  ]);
  fixed.forEach(([a, b, want], i) => assert.equal(Number(answers[i]), want, `rpm itself on ${a} vs ${b}`));

  const mismatches: string[] = [];
  const tally = { '-1': 0, '0': 0, '1': 0 };
  pairs.forEach(([a, b], i) => {
    const ours = rpmvercmp(a, b);
    tally[String(ours) as keyof typeof tally]++;
    if (String(ours) !== answers[i]) mismatches.push(`rpmvercmp(${show(a)}, ${show(b)}) = ${ours}, rpm says ${answers[i]}`);
  });
  let releaseOnlyOneSide = 0;
  evrText.forEach(([a, b], k) => {
    const rpmSays = answers[pairs.length + k];
    const pa = parseEvr(a);
    const pb = parseEvr(b);
    assert.deepEqual(pa, evrPairs[k][0], `parseEvr(formatEvr(x)) for ${show(a)}`);
    let want = Number(rpmSays);
    // compareEvr's documented dependency semantics: an unspecified release matches any release, where
    // rpmverCmp sorts a missing release first.
    if ((pa.release === undefined) !== (pb.release === undefined)) {
      releaseOnlyOneSide++;
      if (pa.epoch === pb.epoch && rpmvercmp(pa.version, pb.version) === 0) want = 0;
    }
    const ours = compareEvr(pa, pb);
    if (rpmSays === 'error' || ours !== want) mismatches.push(`compareEvr(${show(a)}, ${show(b)}) = ${ours}, rpm.vercmp says ${rpmSays}`);
  });
  t.diagnostic(`rpmvercmp results: ${JSON.stringify(tally)}; EVR pairs with one release missing: ${releaseOnlyOneSide}`);
  assert.equal(mismatches.length, 0,
    `seed ${seed}: ${mismatches.length} disagreements with rpm, first ones:\n${mismatches.slice(0, 15).join('\n')}`);
  for (const [k, v] of Object.entries(tally)) assert.ok(v > PAIRS * 0.1, `generator is degenerate: only ${v} results of ${k}`);
});
