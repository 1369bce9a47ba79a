import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FerryError, ERROR_CODES, ERROR_STATUS, errorStatus, assert as ferryAssert, isFerryError, excerpt, redact, redactJson } from './errors.js';
import { canonicalJson, contentId } from './canonical.js';
import { STATUS_CODES } from 'node:http';

test('FerryError carries a registered code, a hint and JSON form', () => {
  const err = new FerryError('REPO_CHECKSUM', 'primary.xml.gz: sha256 mismatch', { hint: 'refetch' });
  assert.equal(err.code, 'REPO_CHECKSUM');
  assert.ok(err.code in ERROR_CODES);
  assert.deepEqual(err.toJSON(), { code: 'REPO_CHECKSUM', message: 'primary.xml.gz: sha256 mismatch', hint: 'refetch' });
  assert.ok(isFerryError(err, 'REPO_CHECKSUM'));
  assert.ok(!isFerryError(err, 'IO'));
  assert.ok(!isFerryError(new Error('x')));
});

test('error codes are UPPER_SNAKE', () => {
  for (const code of Object.keys(ERROR_CODES)) assert.match(code, /^[A-Z][A-Z0-9_]*$/);
});

test('assert throws an assertion error only when false', () => {
  assert.doesNotThrow(() => ferryAssert(true, 'fine'));
  assert.throws(() => ferryAssert(false, 'broken'), /^Error: Assertion failed: broken$/);
});

test('redact hides passwords, URL credentials and private keys', () => {
  assert.equal(redact('password=hunter2 ok'), 'password=[REDACTED] ok');
  assert.equal(redact('https://bob:s3cret@mirror/x'), 'https://***@mirror/x');
  assert.equal(redact('"baseurl": "ftp://u:@m/x", ssh://root@db1:22'), '"baseurl": "ftp://***@m/x", ssh://root@db1:22');
  assert.equal(redact('a -----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY----- b'), 'a [REDACTED KEY] b');
  // /etc/shadow lines: crypt(5) hashes (yescrypt, sha512crypt with rounds, bcrypt, md5crypt) go, the rest stays.
  for (const [line, want] of [
    ['root:$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7:19000:0:99999:7:::', 'root:[REDACTED HASH]:19000:0:99999:7:::'],
    ['bob:$6$rounds=5000$saltsalt$' + 'a'.repeat(86) + ':19000::', 'bob:[REDACTED HASH]:19000::'],
    ['"pw": "$2b$10$' + 'b'.repeat(53) + '"', '"pw": "[REDACTED HASH]"'],
    ['old:$1$abcdefgh$' + 'c'.repeat(22) + ':1', 'old:[REDACTED HASH]:1'],
    ['dnf: $releasever and $basearch stay; cost $5', 'dnf: $releasever and $basearch stay; cost $5'],
  ]) assert.equal(redact(line), want, line);
});

test('canonical JSON is key-order independent and ids are stable', () => {
  assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: undefined, e: null }] }), '{"a":[{"d":2,"e":null}],"b":1}');
  assert.equal(contentId('step', { x: 1, y: 2 }), contentId('step', { y: 2, x: 1 }));
  assert.notEqual(contentId('step', { x: 1 }), contentId('step', { x: 2 }));
  assert.match(contentId('plan', {}), /^plan-[0-9a-f]{16}$/);
});

test('every registered code has an exit status a shell passes through and a real HTTP error status, and nothing else has one', () => {
  assert.deepEqual(Object.keys(ERROR_STATUS).sort(), Object.keys(ERROR_CODES).sort());
  for (const [code, { exit, http }] of Object.entries(ERROR_STATUS)) {
    assert.ok([1, 2, 70].includes(exit), `${code}: exit ${exit} (2 usage, 70 internal, 1 any other failure)`);
    assert.ok(http >= 400 && http <= 599 && STATUS_CODES[http] !== undefined, `${code}: HTTP ${http} is not an HTTP error status`);
  }
});

test('errorStatus answers each error as every front end does; anything but a FerryError is internal', () => {
  const cases: [unknown, number, number][] = [
    [new FerryError('USAGE', 'unknown option --frob'), 2, 400],
    [new FerryError('NOT_FOUND', '/srv/x does not exist'), 1, 404],
    [new FerryError('PLAN_INHIBITED', 'db1: 2 inhibitors'), 1, 409],
    [new FerryError('JOURNAL_LOCKED', 'db1: locked'), 1, 409],
    [new FerryError('REPO_TIMEOUT', 'mirror timed out'), 1, 504],
    [new FerryError('TRANSPORT_CONNECT', 'db1: refused'), 1, 502],
    [new FerryError('INTERNAL', 'wrapped'), 70, 500],
    [new Error('Assertion failed: impossible'), 70, 500],
    [new TypeError('x is undefined'), 70, 500],
    ['a thrown string', 70, 500],
    [undefined, 70, 500],
  ];
  for (const [err, exit, http] of cases) assert.deepEqual(errorStatus(err), { exit, http }, String(err));
});

test('redactJson redacts every string of an error document, details included', () => {
  const doc = { code: 'X', message: 'see https://u:pw@m/', details: { cause: 'root:$6$salt$' + 'h'.repeat(86) + ':1', n: 3, list: ['token=abc', null] } };
  assert.deepEqual(redactJson(doc), { code: 'X', message: 'see https://***@m/', details: { cause: 'root:[REDACTED HASH]:1', n: 3, list: ['token=[REDACTED]', null] } });
});

test('excerpt: the one quoting of file content in a message — redacted, short, escaped', () => {
  const cases: Array<[unknown, number | undefined, string]> = [
    ['bash-4.4', undefined, '"bash-4.4"'],
    ['x'.repeat(100), undefined, JSON.stringify(`${'x'.repeat(80)}…`)],
    ['evil \u001b[2J\nline', undefined, '"evil \\u001b[2J\\nline"'],
    [`root:$6$salt$${'h'.repeat(86)}:19000`, 20, '"root:[REDACTED HASH]…"'],
    // a key cut before its END line is redacted to the end, whatever the cut
    [`-----BEGIN OPENSSH PRIVATE KEY-----\n${'A'.repeat(200)}`, 40, '"[REDACTED KEY]"'],
    [{ op: 'rm', path: '/' }, undefined, JSON.stringify('{"op":"rm","path":"/"}')],
  ];
  for (const [value, max, want] of cases) assert.equal(excerpt(value, max), want, String(value));
});
