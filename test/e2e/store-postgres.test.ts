// `--store postgres://…` through the CLI: the command opens and migrates the PostgreSQL store (a real
// server from test/support/postgres.ts) and reads from it; an unreachable server is STORE_UNAVAILABLE
// naming the store without the URL's password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { CURRENT_EXECUTION_LABEL, storeHostName } from '../../src/app/store.js';
import { skipUnlessPostgres, testPostgres } from '../support/postgres.js';
import { ferry } from './cli.js';

test('ferry status --from-store --store postgres://…: migrates the store, then answers from it', { skip: skipUnlessPostgres() }, async () => {
  const url = await (await testPostgres()).createDatabase();
  const root = '/srv/lab/db1';
  const empty = await ferry(['status', 'local', '--root', root, '--store', url, '--from-store']);
  assert.equal(empty.code, 1, empty.err);
  assert.match(empty.err, new RegExp(`NOT_FOUND.*holds no migration of ${storeHostName({ host: 'local', root })}`));

  // The CLI migrated the store: the same data written through openStore is what the next command reads.
  const store = openStore(url);
  assert.equal(await store.migrate(), MIGRATIONS[MIGRATIONS.length - 1].version);
  await store.upsertHost({ name: storeHostName({ host: 'local', root }), labels: { [CURRENT_EXECUTION_LABEL]: 'e-missing' } });
  await store.close();
  const named = await ferry(['status', 'local', '--root', root, '--store', url, '--from-store']);
  assert.equal(named.code, 1, named.err);
  assert.match(named.err, /NOT_FOUND.*no execution e-missing/);
});

test('ferry --store postgres://user:password@unreachable: STORE_UNAVAILABLE without the password', async () => {
  const res = await ferry(['status', 'local', '--root', '/srv/lab/db1', '--store', 'postgres://ferry:hunter2@127.0.0.1:1/fleet', '--from-store']);
  assert.equal(res.code, 1, res.err);
  assert.match(res.err, /STORE_UNAVAILABLE/);
  assert.match(res.err, /127\.0\.0\.1:1\/fleet/);
  assert.doesNotMatch(res.err + res.out, /hunter2/);
});
