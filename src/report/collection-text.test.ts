import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderCollection } from './collection-text.js';

test('renderCollection: counts per class, then a row per host that was not ok (escaped, one line)', () => {
  const text = renderCollection({
    hosts: [
      { host: 'web01', outcome: 'ok', attempts: 1 },
      { host: 'db01', outcome: 'unreachable', message: 'Could not connect to root@10.0.0.9:22: connect ECONNREFUSED', attempts: 3 },
      { host: 'evil\x1b]0;x\x07', outcome: 'auth', message: 'Authentication failed\n(tried: publickey)', attempts: 1 },
    ],
    counts: { ok: 1, unreachable: 1, auth: 1, timeout: 0 }, failed: 2, wallMs: 1234,
  });
  assert.equal(text, [
    'Collected 3 hosts in 1.2 s: 1 ok, 2 failed (unreachable 1, auth 1)',
    '',
    'HOST              CLASS        ATTEMPTS  MESSAGE',
    'db01              unreachable  3         Could not connect to root@10.0.0.9:22: connect ECONNREFUSED',
    'evil\\x1b]0;x\\x07  auth         1         Authentication failed (tried: publickey)',
  ].join('\n'));
  assert.equal(renderCollection({ hosts: [{ host: 'a', outcome: 'ok', attempts: 1 }], counts: { ok: 1 }, failed: 0, wallMs: 50 }), 'Collected 1 host in 0.1 s: 1 ok, 0 failed');
});
