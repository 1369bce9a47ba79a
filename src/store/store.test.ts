import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isFerryError } from '../core/index.js';
import { MIGRATIONS, openSqliteStore } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-store-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const dbPath = (): string => join(dir, `s${++n}.sqlite`);

test('migrations apply once, record their version, and refuse a newer schema', async () => {
  const path = dbPath();
  const s = openSqliteStore({ path });
  assert.equal(await s.migrate(), MIGRATIONS.length);
  assert.equal(await s.migrate(), MIGRATIONS.length);
  await s.close();
  const raw = new Database(path);
  const tables = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  for (const t of ['hosts', 'fact_snapshots', 'assessments', 'plans', 'executions', 'journal_entries', 'jobs', 'schema_migrations']) assert.ok(tables.includes(t), t);
  assert.equal((raw.prepare('SELECT COUNT(*) AS c FROM schema_migrations').get() as { c: number }).c, MIGRATIONS.length);
  raw.prepare("INSERT INTO schema_migrations VALUES (999, 'future', 'x')").run();
  raw.close();
  const s2 = openSqliteStore({ path });
  await assert.rejects(s2.migrate(), (e) => isFerryError(e, 'USAGE') && e.message.includes('999'));
  await s2.close();
});

test('hosts, fact snapshots, assessments and plans round-trip', async () => {
  const s = openSqliteStore({ path: dbPath() });
  await s.migrate();
  await s.upsertHost({ name: 'db1', address: '10.0.0.5', labels: { wave: '1' } });
  const h = await s.upsertHost({ name: 'db1', labels: { wave: '2' } });
  assert.equal(h.address, '10.0.0.5');
  assert.deepEqual(h.labels, { wave: '2' });
  await s.saveFactSnapshot({ hostName: 'db1', facts: { os: 'centos-8' }, collectedAt: '2024-01-01T00:00:00.000Z' });
  const snap = await s.saveFactSnapshot({ hostName: 'db1', facts: { os: 'centos-8', packages: 412 }, collectedAt: '2024-02-01T00:00:00.000Z' });
  assert.deepEqual((await s.latestFactSnapshot('db1'))?.facts, { os: 'centos-8', packages: 412 });
  await s.saveAssessment({ hostName: 'db1', target: 'rocky-8', factSnapshotId: snap.id, result: { inhibitors: 0 } });
  assert.equal((await s.listAssessments('db1'))[0].factSnapshotId, snap.id);
  await s.savePlan({ id: 'plan-1', hostName: 'db1', target: 'rocky-8', plan: { steps: [] } });
  await s.savePlan({ id: 'plan-1', hostName: 'db1', target: 'rocky-8', plan: { steps: ['changed'] } });
  assert.deepEqual((await s.getPlan('plan-1'))?.plan, { steps: [] });
  await assert.rejects(s.saveFactSnapshot({ hostName: 'nope', facts: {} }), /FOREIGN KEY/);
  await s.close();
});

test('jobs: claim is exclusive, leases expire and are reclaimed, failures retry then fail', async () => {
  let t = Date.parse('2024-05-01T00:00:00.000Z');
  const s = openSqliteStore({ path: dbPath(), now: () => new Date(t) });
  await s.migrate();
  const a = await s.enqueueJob({ kind: 'assess', payload: { host: 'db1' }, maxAttempts: 2 });
  await s.enqueueJob({ kind: 'migrate', payload: { host: 'db2' } });
  const c1 = await s.claimJob({ worker: 'w1', leaseMs: 1000, kinds: ['assess'] });
  assert.equal(c1?.id, a.id);
  assert.equal(c1?.attempts, 1);
  assert.equal(await s.claimJob({ worker: 'w2', leaseMs: 1000, kinds: ['assess'] }), undefined);
  assert.equal(await s.heartbeatJob(a.id, 'w2', 1000), false);
  t += 2000; // w1's lease expired
  const c2 = await s.claimJob({ worker: 'w2', leaseMs: 1000, kinds: ['assess'] });
  assert.equal(c2?.leaseOwner, 'w2');
  assert.equal(c2?.attempts, 2);
  assert.equal(await s.completeJob(a.id, 'w1', { late: true }), false, 'a worker that lost its lease cannot complete');
  assert.equal(await s.failJob(a.id, 'w2', 'dnf exited 1', { retryDelayMs: 5000 }), true);
  const failed = await s.getJob(a.id);
  assert.equal(failed?.state, 'failed', 'no attempts left');
  assert.equal(failed?.lastError, 'dnf exited 1');

  const m = await s.claimJob({ worker: 'w1', leaseMs: 1000 });
  assert.equal(m?.kind, 'migrate');
  assert.equal(await s.failJob(m!.id, 'w1', 'ssh dropped', { retryDelayMs: 5000 }), true);
  assert.equal((await s.getJob(m!.id))?.state, 'queued');
  assert.equal(await s.claimJob({ worker: 'w1', leaseMs: 1000 }), undefined, 'back-off not over');
  t += 5000;
  const m2 = await s.claimJob({ worker: 'w1', leaseMs: 1000 });
  assert.equal(m2?.attempts, 2);
  assert.equal(await s.completeJob(m2!.id, 'w1', { ok: true }), true);
  assert.deepEqual((await s.getJob(m2!.id))?.result, { ok: true });
  await s.close();
});

test('two store handles (as two workers) never claim the same job', async () => {
  const path = dbPath();
  const s1 = openSqliteStore({ path });
  await s1.migrate();
  const s2 = openSqliteStore({ path });
  for (let i = 0; i < 20; i++) await s1.enqueueJob({ kind: 'assess', payload: { i } });
  const claimed: number[] = [];
  for (let i = 0; i < 12; i++) {
    for (const [s, w] of [[s1, 'w1'], [s2, 'w2']] as const) {
      const j = await s.claimJob({ worker: w, leaseMs: 60_000 });
      if (j) claimed.push(j.id);
    }
  }
  assert.equal(claimed.length, 20);
  assert.equal(new Set(claimed).size, 20);
  await s1.close();
  await s2.close();
});
