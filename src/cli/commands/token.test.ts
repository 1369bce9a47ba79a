// ferry token create|list|revoke on a store file: the secret printed once (stdout), never listed; a bad role is a usage error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../testing.js';

test('ferry token: create prints the secret once, list never shows it, revoke ends it; a bad role exits 2, an unknown id 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-token-'));
  try {
    const store = ['--store', join(dir, 'ferry.db')];
    const created = await runCli(['token', 'create', '--role', 'operator', '--name', 'ci', ...store]);
    assert.equal(created.code, 0, created.err);
    const secret = created.out.trim();
    assert.match(secret, /^ferry_[\w-]{43}$/);
    const id = /token (tok-\w+) \(ci, operator\) created/.exec(created.err)?.[1];
    assert.ok(id, created.err);
    const listed = await runCli(['token', 'list', '--json', ...store]);
    assert.deepEqual((JSON.parse(listed.out) as Array<{ id: string; role: string }>).map((t) => [t.id, t.role]), [[id, 'operator']]);
    assert.ok(!listed.out.includes(secret) && !listed.out.includes('hash'));
    assert.equal((await runCli(['token', 'revoke', id, ...store])).code, 0);
    const again = await runCli(['token', 'revoke', id, ...store]);
    assert.deepEqual([again.code, /No active API token tok-\w+/.test(again.err)], [1, true]);
    const bad = await runCli(['token', 'create', '--role', 'root', ...store]);
    assert.deepEqual([bad.code, /--role "root" is not one of viewer, operator, admin/.test(bad.err)], [2, true]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
