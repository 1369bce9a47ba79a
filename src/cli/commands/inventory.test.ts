import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { openFerryStore } from '../../app/store.js';
import { skipUnlessPostgres, testPostgres } from '../../../test/support/postgres.js';
import { runCli as run } from '../testing.js';

const FIXTURES = resolve(import.meta.dirname, '../../../test/fixtures/inventories');

/** Each store kind: SQLite (embedded default) and PostgreSQL (a real server on a private port). */
const STORES: Array<{ kind: string; skip: false | string; location: () => Promise<string> }> = [
  { kind: 'SQLite', skip: false, location: () => Promise.resolve(join(mkdtempSync(join(tmpdir(), 'ferry-inv-cli-')), 'ferry.db')) },
  { kind: 'PostgreSQL', skip: skipUnlessPostgres(), location: async () => (await testPostgres()).createDatabase() },
];

for (const s of STORES) test(`inventory import records hosts (groups, vars, connection, source) and an audit entry; list filters by selector (${s.kind})`, { skip: s.skip }, async () => {
  const db = await s.location();
  const file = join(FIXTURES, 'tricky/hosts.ini');
  const prior = process.env.FERRY_OPERATOR;
  process.env.FERRY_OPERATOR = 'alice';
  try {
    const r = await run(['--json', 'inventory', 'import', file, '--store', db]);
    assert.equal(r.code, 0, r.err + r.out);
    const summary = JSON.parse(r.out) as { hosts: number; groups: number; files: Array<{ format: string; hosts: number }>; notices: string[] };
    assert.equal(summary.hosts, 14);
    assert.deepEqual(summary.files.map((f) => [f.format, f.hosts]), [['ini', 14]]);
    assert.ok(summary.notices.some((n) => /ansible_ssh_pass dropped on 1 host \(web20\)/.test(n)), summary.notices.join('\n'));
    assert.ok(!r.out.includes('hunter2'));
  } finally {
    if (prior === undefined) delete process.env.FERRY_OPERATOR; else process.env.FERRY_OPERATOR = prior;
  }
  const store = await openFerryStore(db);
  try {
    const web20 = await store.getHost('web20');
    assert.deepEqual(web20?.connection, { address: '10.0.1.20', port: 2222, user: 'webadmin', identityFile: '~/.ssh/fleet_ed25519' });
    assert.deepEqual(web20?.groups, ['frontend', 'prod', 'web']);
    assert.equal(web20?.source, file);
    assert.equal(web20?.vars.note, 'from host_vars');
    assert.equal(web20?.vars.ansible_ssh_pass, undefined);
    const audit = await store.listAudit({ subject: file });
    assert.deepEqual(audit.map((a) => [a.operator, a.action]), [['alice', 'inventory.import']]);
  } finally {
    await store.close();
  }

  const list = await run(['--json', 'inventory', 'list', 'web:&prod:!host:web2*', '--store', db]);
  assert.equal(list.code, 0, list.err);
  assert.deepEqual((JSON.parse(list.out) as Array<{ name: string }>).map((h) => h.name).sort(), ['web-a.example.com', 'web-b.example.com', 'web-c.example.com', 'web01', 'web04', 'web07', 'web10']);
  const table = await run(['inventory', 'list', 'db', '--store', db]);
  assert.match(table.out, /^NAME\s+ADDRESS\s+USER\s+GROUPS$/m);
  assert.match(table.out, /^db-02\s+10\.0\.2\.1:2201\s+pg\s+backend,db,prod$/m);

  const unknown = await run(['inventory', 'list', 'web:&prodd', '--store', db]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /SELECTOR_UNKNOWN.*"prodd".*did you mean prod/);

  // importing again updates the hosts in place and audits once more
  const again = await run(['--json', 'inventory', 'import', file, '--store', db]);
  assert.equal(again.code, 0, again.err);
  const store2 = await openFerryStore(db);
  try {
    assert.equal((await store2.listHosts()).length, 14);
    assert.equal((await store2.listAudit({ subject: file })).length, 2);
  } finally {
    await store2.close();
  }
});

test('inventory import of a broken file names file:line and stores nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-inv-bad-'));
  const file = join(dir, 'hosts.ini');
  writeFileSync(file, '[web]\nweb01\n[web:children]\nnope\n');
  const r = await run(['inventory', 'import', file, '--store', join(dir, 'ferry.db')]);
  assert.equal(r.code, 1);
  assert.match(r.err, new RegExp(`INVENTORY_INVALID\\]: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4: section \\[web:children\\] names group "nope"`));
  const store = await openFerryStore(join(dir, 'ferry.db'));
  try { assert.deepEqual(await store.listHosts(), []); } finally { await store.close(); }
});

for (const s of STORES) test(`inventory import again: "removed: N hosts: …", list shows them removed, fleet selectors skip them, --prune deletes them (${s.kind})`, { skip: s.skip }, async () => {
  const db = await s.location();
  const file = join(mkdtempSync(join(tmpdir(), 'ferry-inv-removed-cli-')), 'hosts.ini');
  writeFileSync(file, '[web]\nweb1 ansible_host=10.0.0.1\nweb2 ansible_host=10.0.0.2\nweb3 ansible_host=10.0.0.3\n');
  assert.equal((await run(['inventory', 'import', file, '--store', db])).code, 0);
  writeFileSync(file, '[web]\nweb1 ansible_host=10.0.0.1\n');
  const again = await run(['inventory', 'import', file, '--store', db]);
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, /^removed: 2 hosts: web2, web3 \(no longer listed: kept, marked removed; --prune deletes them\)$/m);

  const list = await run(['inventory', 'list', '--store', db]);
  assert.match(list.out, /^web1\s+10\.0\.0\.1\s+-\s+listed\s+web$/m);
  assert.match(list.out, /^web2\s+10\.0\.0\.2\s+-\s+removed \d{4}-\d\d-\d\d\s+web$/m);
  assert.match(list.out, /^3 hosts \(2 removed from their inventory: no selector picks them; ferry inventory import --prune deletes them\)$/m);
  const json = JSON.parse((await run(['--json', 'inventory', 'list', 'web', '--store', db])).out) as Array<{ name: string; removedAt: string | null }>;
  assert.deepEqual(json.map((h) => [h.name, h.removedAt === null]), [['web1', true], ['web2', false], ['web3', false]]);
  // What collect and assess select: the listed host alone (collecting it fails fast: nothing listens there).
  const collect = await run(['--json', 'fleet', 'collect', 'web', '--store', db, '--retries', '0', '--timeout', '2s']);
  assert.deepEqual((JSON.parse(collect.out) as { hosts: Array<{ host: string }> }).hosts.map((h) => h.host), ['web1']);

  const pruned = await run(['inventory', 'import', file, '--prune', '--store', db]);
  assert.equal(pruned.code, 0, pruned.err);
  assert.match(pruned.out, /^pruned: 2 hosts: web2, web3 \(deleted with their snapshots, assessments and collections\)$/m);
  assert.deepEqual((JSON.parse((await run(['--json', 'inventory', 'list', '--store', db])).out) as Array<{ name: string }>).map((h) => h.name), ['web1']);
});
