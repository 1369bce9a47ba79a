import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareNevra, formatNevr, formatNevra, parseNevr, parseNevra, parseRpmFilename } from './nevra.js';
import type { Nevra } from './types.js';

const n = (name: string, epoch: number, version: string, release: string, arch: string): Nevra =>
  ({ name, epoch, version, release, arch });

const PARSE: Array<[string, Nevra]> = [
  ['bash-5.1.8-6.el9.x86_64', n('bash', 0, '5.1.8', '6.el9', 'x86_64')],
  ['bash-0:5.1.8-6.el9.x86_64', n('bash', 0, '5.1.8', '6.el9', 'x86_64')],
  ['bash-(none):5.1.8-6.el9.x86_64', n('bash', 0, '5.1.8', '6.el9', 'x86_64')],
  ['1:bash-5.1.8-6.el9.x86_64', n('bash', 1, '5.1.8', '6.el9', 'x86_64')],
  ['java-1.8.0-openjdk-headless-1:1.8.0.402.b06-2.el8.x86_64',
    n('java-1.8.0-openjdk-headless', 1, '1.8.0.402.b06', '2.el8', 'x86_64')],
  ['python3-dnf-plugin-post-transaction-actions-4.3.0-13.el9.noarch',
    n('python3-dnf-plugin-post-transaction-actions', 0, '4.3.0', '13.el9', 'noarch')],
  ['glibc-2.34-100.el9.src', n('glibc', 0, '2.34', '100.el9', 'src')],
  ['kernel-5.14.0-427.el9.nosrc', n('kernel', 0, '5.14.0', '427.el9', 'nosrc')],
  ['perl-Net-SSLeay-1.92-2.el9.x86_64', n('perl-Net-SSLeay', 0, '1.92', '2.el9', 'x86_64')],
  ['libstdc++-devel-11.4.1-3.el9.i686', n('libstdc++-devel', 0, '11.4.1', '3.el9', 'i686')],
  ['NetworkManager-1:1.46.0-1.el9.x86_64', n('NetworkManager', 1, '1.46.0', '1.el9', 'x86_64')],
  ['foo-1.0~rc1^git3-1.x86_64', n('foo', 0, '1.0~rc1^git3', '1', 'x86_64')],
  ['a-1-1.x', n('a', 0, '1', '1', 'x')],
];

test('parseNevra: table', () => {
  for (const [text, expected] of PARSE) assert.deepEqual(parseNevra(text), expected, text);
});

test('formatNevra round-trips what parseNevra read (canonical forms)', () => {
  for (const [text, parsed] of PARSE) {
    const again = parseNevra(formatNevra(parsed));
    assert.deepEqual(again, parsed, text);
    assert.deepEqual(parseNevra(formatNevra(parsed, { alwaysEpoch: true })), parsed, text);
  }
  assert.equal(formatNevra(n('bash', 0, '5.1', '1', 'x86_64')), 'bash-5.1-1.x86_64');
  assert.equal(formatNevra(n('bash', 0, '5.1', '1', 'x86_64'), { alwaysEpoch: true }), 'bash-0:5.1-1.x86_64');
  assert.equal(formatNevra(n('bash', 2, '5.1', '1', 'x86_64')), 'bash-2:5.1-1.x86_64');
});

test('parseNevr: no arch, dotted release kept whole', () => {
  assert.deepEqual(parseNevr('gpg-pubkey-8483c65d-5ccc5b19'),
    { name: 'gpg-pubkey', epoch: 0, version: '8483c65d', release: '5ccc5b19' });
  assert.deepEqual(parseNevr('bash-1:5.1.8-6.el9'), { name: 'bash', epoch: 1, version: '5.1.8', release: '6.el9' });
  assert.equal(formatNevr(parseNevr('bash-1:5.1.8-6.el9')), 'bash-1:5.1.8-6.el9');
});

test('malformed NEVRAs are NEVRA_INVALID and quote the input', () => {
  const bad = [
    '', 'bash', 'bash.x86_64', 'bash-5.1.x86_64', '-5.1-1.x86_64', 'bash--1.x86_64', 'bash-5.1-.x86_64',
    'bash-5.1-1.', 'bash-x:5.1-1.x86_64', 'bash-1:2:5.1-1.x86_64', 'bash-5.1-1.x86-64', 'ba sh-5.1-1.x86_64',
    'bash-5.1-1\n.x86_64', '1:2:bash-5.1-1.x86_64', 'bash-99999999999999999999:1-1.x86_64', 'bash-5.1-1:2.x86_64',
  ];
  for (const text of bad) {
    assert.throws(() => parseNevra(text), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'NEVRA_INVALID', text);
      assert.ok(err.message.includes(`"${text}"`), `message quotes the input: ${err.message}`);
      return true;
    }, JSON.stringify(text));
  }
  assert.throws(() => parseNevr('bash-5.1'), { code: 'NEVRA_INVALID' });
});

test('parseRpmFilename', () => {
  assert.deepEqual(parseRpmFilename('foo-1.0-1.el8.x86_64.rpm'), n('foo', 0, '1.0', '1.el8', 'x86_64'));
  assert.deepEqual(parseRpmFilename('/srv/repo/Packages/b/bash-5.1.8-6.el9.src.rpm'),
    n('bash', 0, '5.1.8', '6.el9', 'src'));
  assert.throws(() => parseRpmFilename('foo-1.0-1.el8.x86_64'), { code: 'NEVRA_INVALID' });
  assert.throws(() => parseRpmFilename('foo-1:1.0-1.el8.x86_64.rpm'), { code: 'NEVRA_INVALID' });
  assert.throws(() => parseRpmFilename('foo.rpm'), { code: 'NEVRA_INVALID' });
});

test('compareNevra: name, then EVR, then arch', () => {
  const sorted = [
    'a-1-1.x86_64', 'a-1.0~rc1-1.x86_64', 'a-1.0-1.i686', 'a-1.0-1.x86_64', 'a-1.0^post1-1.x86_64',
    'a-1.0.1-1.noarch', 'a-1:0.1-1.noarch', 'b-0.1-1.noarch',
  ].map(parseNevra);
  const shuffled = [sorted[5], sorted[7], sorted[0], sorted[3], sorted[6], sorted[1], sorted[4], sorted[2]];
  assert.deepEqual([...shuffled].sort(compareNevra), sorted);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = 0; j < sorted.length; j++) {
      assert.equal(compareNevra(sorted[i], sorted[j]), Math.sign(i - j), `${i} vs ${j}`);
    }
  }
});
