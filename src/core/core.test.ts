import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FerryError, ERROR_CODES, ERROR_STATUS, errorStatus, assert as ferryAssert, isFerryError, redact } from './errors.js';
import { canonicalJson, contentId } from './canonical.js';

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
});

test('canonical JSON is key-order independent and ids are stable', () => {
  assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: undefined, e: null }] }), '{"a":[{"d":2,"e":null}],"b":1}');
  assert.equal(contentId('step', { x: 1, y: 2 }), contentId('step', { y: 2, x: 1 }));
  assert.notEqual(contentId('step', { x: 1 }), contentId('step', { x: 2 }));
  assert.match(contentId('plan', {}), /^plan-[0-9a-f]{16}$/);
});

test('every error code has an exit status and an HTTP status; the CLI and the API read them from one table', () => {
  for (const code of Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[]) {
    const s = ERROR_STATUS[code];
    assert.ok(s, `${code} has no statuses`);
    assert.ok([1, 2, 70].includes(s.exit), `${code}: exit ${s.exit}`);
    assert.ok(s.http >= 400 && s.http <= 599, `${code}: HTTP ${s.http}`);
  }
  assert.deepEqual(errorStatus(new FerryError('USAGE', 'x')), { exit: 2, http: 400 });
  assert.deepEqual(errorStatus(new FerryError('PLAN_INHIBITED', 'x')), { exit: 1, http: 409 });
  assert.deepEqual(errorStatus(new Error('boom')), { exit: 70, http: 500 });
});
