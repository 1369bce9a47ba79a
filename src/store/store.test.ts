/**
 * The store's conformance suite: every test runs against each backend (SQLite here; PostgreSQL when its
 * harness finds the server binaries), so both dialects answer the same contract.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isFerryError } from '../core/index.js';
import { skipUnlessPostgres, testPostgres } from '../../test/support/postgres.js';
import type { JournalEntry } from '../exec/types.js';
import { MIGRATIONS, openSqliteStore, openStore, type RolloutState, type Store } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-store-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const dbPath = (): string => join(dir, `s${++n}.sqlite`);

interface Backend {
  name: string;
  skip: false | string;
  /** A new, empty database's location, as openStore takes it. */
  location(): Promise<string>;
  /** Stops the database server and starts it again (PostgreSQL). */
  restart?: { stop(): Promise<void>; start(): Promise<void> };
}

const pgSkip = skipUnlessPostgres();
const BACKENDS: Backend[] = [
  { name: 'sqlite', skip: false, location: async () => dbPath() },
  {
    name: 'postgres', skip: pgSkip && `${pgSkip} (the PostgreSQL half of the conformance suite is skipped)`,
    location: async () => (await testPostgres()).createDatabase(),
    restart: { stop: async () => (await testPostgres()).stop(), start: async () => (await testPostgres()).start() },
  },
];

/** A fresh, migrated store; `shared` opens another handle (another connection) on the same database. */
async function openFresh(backend: Backend, o: { now?: () => Date } = {}): Promise<{ store: Store; shared: () => Promise<Store>; location: string }> {
  const location = await backend.location();
  const store = openStore(location, o);
  await store.migrate();
  return { store, location, shared: async () => openStore(location, o) };
}

/** A rollout of `hosts` (created as store hosts first), each in the wave its index gives. */
async function rolloutOf(s: Store, id: string, hosts: string[], waves: number[] = hosts.map(() => 0)): Promise<void> {
  await s.upsertHosts(hosts.map((name) => ({ name })));
  await s.createRollout({ id, target: 'rocky-8', selector: 'group=web', spec: { canary: 1 }, createdBy: 'alice', hosts: hosts.map((hostName, i) => ({ hostName, wave: waves[i], capGroup: i % 2 ? 'pair-a' : undefined })) });
}

test('sqlite: migrations apply once, record their version, and refuse a newer schema', async () => {
  const path = dbPath();
  const s = openSqliteStore({ path });
  assert.equal(await s.migrate(), MIGRATIONS.length);
  assert.equal(await s.migrate(), MIGRATIONS.length);
  await s.close();
  const raw = new Database(path);
  const tables = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  for (const t of ['hosts', 'fact_snapshots', 'assessments', 'plans', 'executions', 'journal_entries', 'jobs', 'schema_migrations', 'collections',
    'assessment_documents', 'fleet_assessments', 'rollouts', 'rollout_hosts', 'audit_log']) assert.ok(tables.includes(t), t);
  assert.ok(!tables.includes('jobs_new'));
  assert.equal((raw.prepare('SELECT COUNT(*) AS c FROM schema_migrations').get() as { c: number }).c, MIGRATIONS.length);
  raw.prepare("INSERT INTO schema_migrations VALUES (999, 'future', 'x')").run();
  raw.close();
  const s2 = openSqliteStore({ path });
  await assert.rejects(s2.migrate(), (e) => isFerryError(e, 'USAGE') && e.message.includes('999') && e.message.includes(path));
  await s2.close();
});

test('sqlite: migration 2 rebuilds jobs keeping its rows, ids and index, and admits rollout_id and cancelled', async () => {
  const path = dbPath();
  const raw = new Database(path);
  raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  raw.exec(MIGRATIONS[0].sql('sqlite'));
  raw.prepare("INSERT INTO schema_migrations VALUES (1, 'initial', 'x')").run();
  raw.prepare("INSERT INTO hosts (name, labels, created_at, updated_at) VALUES ('db1', '{\"wave\":\"1\"}', 'x', 'x')").run();
  for (const id of [1, 7]) raw.prepare("INSERT INTO jobs (id, kind, payload, state, run_after, created_at, updated_at) VALUES (?, 'assess', '{}', 'queued', 'x', 'x', 'x')").run(id);
  assert.throws(() => raw.prepare("UPDATE jobs SET state = 'cancelled' WHERE id = 1").run(), /CHECK/);
  raw.close();

  const s = openSqliteStore({ path });
  assert.equal(await s.migrate(), MIGRATIONS[MIGRATIONS.length - 1].version);
  assert.deepEqual((await s.listJobs()).map((j) => [j.id, j.state, j.rolloutId]), [[1, 'queued', null], [7, 'queued', null]]);
  assert.equal((await s.enqueueJob({ kind: 'assess', payload: {} })).id, 8, 'AUTOINCREMENT continues past the copied ids');
  const h = await s.getHost('db1');
  assert.deepEqual([h?.labels, h?.groups, h?.vars, h?.connection, h?.source], [{ wave: '1' }, [], {}, {}, null]);
  await s.close();
  const check = new Database(path);
  assert.ok((check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs'").all() as { name: string }[]).some((r) => r.name === 'jobs_claim'));
  check.prepare("UPDATE jobs SET state = 'cancelled' WHERE id = 1").run();
  check.close();
});

test('sqlite: the store file and its WAL and shared-memory files are created 0600', async () => {
  const path = dbPath();
  const s = openSqliteStore({ path });
  await s.migrate();
  await s.upsertHost({ name: 'db1' });
  for (const f of [path, `${path}-wal`, `${path}-shm`]) assert.equal(statSync(f).mode & 0o777, 0o600, f);
  await s.close();
});

test('sqlite: a write lock held past the busy timeout is a STORE_UNAVAILABLE naming the store, and the store recovers', async () => {
  const path = dbPath();
  const s = openSqliteStore({ path, busyTimeoutMs: 50 });
  await s.migrate();
  const other = new Database(path);
  other.exec('BEGIN IMMEDIATE');
  await assert.rejects(s.upsertHost({ name: 'a' }), (e) => isFerryError(e, 'STORE_UNAVAILABLE') && e.message.includes(path) && e.message.includes('locked'));
  await assert.rejects(s.claimJob({ worker: 'w1', leaseMs: 1000 }), (e) => isFerryError(e, 'STORE_UNAVAILABLE'));
  other.exec('ROLLBACK');
  other.close();
  assert.equal((await s.upsertHost({ name: 'a' })).name, 'a');
  await s.close();
});

test('openStore: a postgres:// URL is the PostgreSQL store, anything else a SQLite file', async () => {
  const sqlite = openStore(dbPath());
  assert.equal(sqlite.kind, 'sqlite');
  await sqlite.close();
  for (const url of ['postgres://ferry@127.0.0.1:1/ferry', 'postgresql://ferry@127.0.0.1:1/ferry']) {
    const pgStore = openStore(url);
    assert.equal(pgStore.kind, 'postgres', url);
    await pgStore.close();
  }
});

test('postgres: an unreachable server is a STORE_UNAVAILABLE naming the store without its password', async () => {
  // Port 1 on loopback refuses connections: no server is needed to reach this failure.
  const s = openStore('postgres://ferry:hunter2@127.0.0.1:1/fleet');
  await assert.rejects(s.migrate(), (e) => isFerryError(e, 'STORE_UNAVAILABLE') && e.message.includes('127.0.0.1:1/fleet') && !e.message.includes('hunter2')
    && !String(e.hint).includes('hunter2') && /retried/.test(String(e.hint)));
  await s.close();
});

test('sqlite: a store that cannot be opened is a STORE_UNAVAILABLE naming it', () => {
  const path = join(dir, 'no-such-dir', 'ferry.db');
  assert.throws(() => openSqliteStore({ path }), (e) => isFerryError(e, 'STORE_UNAVAILABLE') && e.message.includes(path) && e.hint !== undefined);
});

for (const backend of BACKENDS) {
  describe(`store conformance: ${backend.name}`, { skip: backend.skip }, () => {
    test('hosts: upsert keeps the fields left undefined; inventory fields and identity round-trip', async () => {
      const { store: s } = await openFresh(backend);
      await s.upsertHost({ name: 'db1', address: '10.0.0.5', labels: { wave: '1' }, groups: ['db', 'prod'], vars: { ansible_python_interpreter: '/usr/bin/python3' },
        connection: { address: '10.0.0.5', port: 2222, user: 'root', identityFile: '/keys/id' }, source: 'inventory.ini' });
      const h = await s.upsertHost({ name: 'db1', labels: { wave: '2' } });
      assert.deepEqual({ ...h, createdAt: undefined, updatedAt: undefined }, {
        name: 'db1', address: '10.0.0.5', labels: { wave: '2' }, groups: ['db', 'prod'], vars: { ansible_python_interpreter: '/usr/bin/python3' },
        connection: { address: '10.0.0.5', port: 2222, user: 'root', identityFile: '/keys/id' }, source: 'inventory.ini',
        hostKeyFingerprint: null, machineId: null, removedAt: null, createdAt: undefined, updatedAt: undefined,
      });
      await s.setHostIdentity('db1', { hostKeyFingerprint: 'SHA256:abc' });
      await s.setHostIdentity('db1', { machineId: '0123' });
      assert.deepEqual([(await s.getHost('db1'))?.hostKeyFingerprint, (await s.getHost('db1'))?.machineId], ['SHA256:abc', '0123']);
      await assert.rejects(s.setHostIdentity('nope', { machineId: 'x' }), (e) => isFerryError(e, 'NOT_FOUND') && e.message.includes('nope'));
      assert.equal(await s.getHost('nope'), undefined);
      await s.close();
    });

    test('hosts: upsertHosts stores 10,000 hosts in one transaction, all or none', async () => {
      const { store: s } = await openFresh(backend);
      const hosts = Array.from({ length: 10_000 }, (_, i) => ({ name: `web${String(i).padStart(5, '0')}`, groups: ['web'], labels: { rack: String(i % 40) }, source: 'hosts.yml' }));
      const started = Date.now();
      assert.equal(await s.upsertHosts(hosts), 10_000);
      const elapsed = Date.now() - started;
      const listed = await s.listHosts();
      assert.equal(listed.length, 10_000);
      assert.deepEqual([listed[9_999].name, listed[9_999].labels, listed[9_999].groups], ['web09999', { rack: '39' }, ['web']]);
      assert.ok(elapsed < 60_000, `${elapsed} ms`);
      // In one call, a repeated host updates in order and fields left undefined keep their value.
      assert.equal(await s.upsertHosts([{ name: 'web00001', labels: { rack: 'a' } }, { name: 'web00001', groups: ['db'] }, { name: 'web00001', labels: { rack: 'b' } }]), 3);
      assert.deepEqual([(await s.getHost('web00001'))?.labels, (await s.getHost('web00001'))?.groups, (await s.getHost('web00001'))?.source], [{ rack: 'b' }, ['db'], 'hosts.yml']);
      // One invalid host (no name) rolls back the whole batch, updates of earlier hosts included.
      const broken = [{ name: 'web00000', labels: { rack: 'moved' } }, { name: 'fresh1' }, { name: ' ' }];
      await assert.rejects(s.upsertHosts(broken), (e) => isFerryError(e, 'HOST_INVALID'));
      assert.deepEqual((await s.getHost('web00000'))?.labels, { rack: '0' });
      assert.equal(await s.getHost('fresh1'), undefined);
      await s.close();
    });

    test('fact snapshots and collections: the newest per host, optionally of named hosts', async () => {
      const { store: s } = await openFresh(backend);
      await s.upsertHosts([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
      await s.saveFactSnapshot({ hostName: 'a', facts: { v: 1 }, collectedAt: '2024-01-01T00:00:00.000Z' });
      const a2 = await s.saveFactSnapshot({ hostName: 'a', facts: { v: 2 }, collectedAt: '2024-02-01T00:00:00.000Z' });
      await s.saveFactSnapshot({ hostName: 'b', facts: { v: 3 }, collectedAt: '2024-01-15T00:00:00.000Z' });
      assert.deepEqual((await s.latestFactSnapshots()).map((f) => [f.hostName, f.facts]), [['a', { v: 2 }], ['b', { v: 3 }]]);
      assert.deepEqual((await s.latestFactSnapshots(['a', 'c'])).map((f) => f.id), [a2.id]);
      assert.deepEqual(await s.latestFactSnapshots([]), []);
      assert.deepEqual((await s.latestFactSnapshot('a'))?.facts, { v: 2 });

      const c1 = await s.recordCollection({ hostName: 'a', outcome: 'ok', message: null, attempts: 1, durationMs: 120, factSnapshotId: a2.id, at: '2024-02-01T00:00:00.000Z' });
      assert.deepEqual({ ...c1, id: 0 }, { id: 0, hostName: 'a', at: '2024-02-01T00:00:00.000Z', outcome: 'ok', message: null, attempts: 1, durationMs: 120, factSnapshotId: a2.id });
      await s.recordCollection({ hostName: 'a', outcome: 'timeout', message: 'rpm -qa timed out after 30 s', attempts: 3, durationMs: 90_000, factSnapshotId: null, at: '2024-03-01T00:00:00.000Z' });
      await s.recordCollection({ hostName: 'b', outcome: 'host-key-changed', message: 'SHA256:x != SHA256:y', attempts: 1, durationMs: 40, factSnapshotId: null });
      assert.deepEqual((await s.latestCollections()).map((c) => [c.hostName, c.outcome, c.attempts]), [['a', 'timeout', 3], ['b', 'host-key-changed', 1]]);
      await assert.rejects(s.saveFactSnapshot({ hostName: 'nope', facts: {} }), /FOREIGN KEY|foreign key/);
      await s.close();
    });

    test('assessments: documents are stored once per key; fleet rows list by run, the newest by default', async () => {
      let t = Date.parse('2024-05-01T00:00:00.000Z');
      const { store: s } = await openFresh(backend, { now: () => new Date(t) });
      await s.upsertHosts([{ name: 'a' }, { name: 'b' }]);
      await s.saveAssessmentDocument('k1', { findings: ['first'] });
      await s.saveAssessmentDocument('k1', { findings: ['second'] });
      assert.deepEqual(await s.getAssessmentDocument('k1'), { findings: ['first'] });
      assert.equal(await s.getAssessmentDocument('k2'), undefined);
      assert.deepEqual(await s.listFleetAssessments(), []);
      const row = { runId: 'r1', hostName: 'a', target: 'rocky-8', factSnapshotId: null, documentKey: 'k1', readiness: 'blocked', score: 42.5, blockers: ['i686'], missing: ['foo', 'bar'], targetIndex: 0 };
      await s.saveFleetAssessments([row, { ...row, hostName: 'b', readiness: 'ready', score: null, blockers: [], missing: [] }]);
      t += 1000;
      const many = Array.from({ length: 1_201 }, (_, i) => ({ ...row, runId: 'r2', target: `t${i}` }));
      await s.saveFleetAssessments(many);
      await s.saveFleetAssessments([{ ...row, runId: 'r2', target: 't0', readiness: 'risks' }]);
      const newest = await s.listFleetAssessments();
      assert.equal(newest.length, 1_201);
      assert.deepEqual(newest.find((r) => r.target === 't0'), { ...row, runId: 'r2', target: 't0', readiness: 'risks' });
      assert.deepEqual(await s.listFleetAssessments('r1'), [row, { ...row, hostName: 'b', readiness: 'ready', score: null, blockers: [], missing: [] }]);
      // A host's rows come in the order the targets were given (--to), not by name: that order decides ties.
      await s.saveFleetAssessments([{ ...row, runId: 'r3', target: 'rocky-8', targetIndex: 0 }, { ...row, runId: 'r3', target: 'almalinux-8', targetIndex: 1 }, { ...row, runId: 'r3', target: 'oraclelinux-8', targetIndex: 2 }]);
      assert.deepEqual((await s.listFleetAssessments('r3')).map((r) => [r.target, r.targetIndex]), [['rocky-8', 0], ['almalinux-8', 1], ['oraclelinux-8', 2]]);
      await s.close();
    });

    test('rollouts: created pending; setRolloutState is a compare-and-set on its from-states', async () => {
      const { store: s } = await openFresh(backend);
      await rolloutOf(s, 'r1', ['web1', 'web2'], [0, 1]);
      const r = await s.getRollout('r1');
      assert.deepEqual([r?.state, r?.currentWave, r?.spec, r?.createdBy, r?.name], ['created', -1, { canary: 1 }, 'alice', null]);
      assert.deepEqual((await s.listRolloutHosts('r1')).map((h) => [h.hostName, h.wave, h.capGroup, h.state, h.jobId]), [['web1', 0, null, 'pending', null], ['web2', 1, 'pair-a', 'pending', null]]);
      const cases: Array<{ from: RolloutState[]; to: RolloutState; wave?: number; ok: boolean; state: RolloutState; currentWave: number }> = [
        { from: ['running'], to: 'paused', ok: false, state: 'created', currentWave: -1 },
        { from: ['created'], to: 'running', wave: 0, ok: true, state: 'running', currentWave: 0 },
        { from: ['created'], to: 'running', ok: false, state: 'running', currentWave: 0 },
        { from: [], to: 'aborted', ok: false, state: 'running', currentWave: 0 },
        { from: ['paused', 'running'], to: 'awaiting-approval', ok: true, state: 'awaiting-approval', currentWave: 0 },
        { from: ['awaiting-approval'], to: 'running', wave: 1, ok: true, state: 'running', currentWave: 1 },
      ];
      for (const c of cases) {
        assert.equal(await s.setRolloutState('r1', c.from, c.to, c.wave === undefined ? undefined : { currentWave: c.wave }), c.ok, JSON.stringify(c));
        const now = await s.getRollout('r1');
        assert.deepEqual([now?.state, now?.currentWave], [c.state, c.currentWave], JSON.stringify(c));
      }
      assert.equal(await s.setRolloutState('nope', ['running'], 'paused'), false);
      await s.createRollout({ id: 'r0', name: 'second', target: 'alma-8', selector: 'all', spec: {}, createdBy: 'bob', hosts: [] });
      assert.deepEqual((await s.listRollouts()).map((x) => x.id).sort(), ['r0', 'r1']);
      await s.close();
    });

    test('rollouts: updateRolloutHost patches the given fields only', async () => {
      const { store: s } = await openFresh(backend);
      await rolloutOf(s, 'r1', ['web1']);
      await s.updateRolloutHost('r1', 'web1', { state: 'failed', failedStep: 'distro-sync', lastError: 'dnf exited 1', logTail: 'Error: transaction check' });
      await s.updateRolloutHost('r1', 'web1', { executionId: 'e1' });
      const [h] = await s.listRolloutHosts('r1');
      assert.deepEqual([h.state, h.failedStep, h.lastError, h.logTail, h.executionId, h.jobId], ['failed', 'distro-sync', 'dnf exited 1', 'Error: transaction check', 'e1', null]);
      await assert.rejects(s.updateRolloutHost('r1', 'web9', { state: 'skipped' }), (e) => isFerryError(e, 'NOT_FOUND') && e.message.includes('web9'));
      await s.close();
    });

    test('rollouts: releaseRolloutHosts queues pending hosts with their jobs; lost races change nothing', async () => {
      const { store: s, shared } = await openFresh(backend);
      await rolloutOf(s, 'r1', ['web1', 'web2', 'web3', 'web4'], [0, 1, 1, 1]);
      const payload = (h: string) => ({ kind: 'migrate', payload: { host: h }, hostName: h });
      const canary = await s.releaseRolloutHosts({ rolloutId: 'r1', expectWave: -1, wave: 0, expectActive: 0, hosts: [payload('web1')] });
      assert.deepEqual(canary?.map((j) => [j.hostName, j.rolloutId, j.kind, j.state, j.payload]), [['web1', 'r1', 'migrate', 'queued', { host: 'web1' }]]);
      assert.equal((await s.getRollout('r1'))?.currentWave, 0);
      const snapshot = async () => ({ rollout: (await s.getRollout('r1'))?.currentWave, hosts: await s.listRolloutHosts('r1'), jobs: await s.listJobs({ rolloutId: 'r1' }) });
      const before = await snapshot();
      assert.deepEqual(before.hosts.map((h) => [h.hostName, h.state, h.jobId]), [['web1', 'queued', canary?.[0].id], ['web2', 'pending', null], ['web3', 'pending', null], ['web4', 'pending', null]]);
      // A stale wave and a stale active count both lose, leaving the wave, the hosts and the jobs as they were.
      assert.equal(await s.releaseRolloutHosts({ rolloutId: 'r1', expectWave: -1, wave: 0, hosts: [payload('web2')] }), undefined);
      assert.equal(await s.releaseRolloutHosts({ rolloutId: 'r1', expectWave: 0, wave: 1, expectActive: 0, hosts: [payload('web2')] }), undefined);
      assert.deepEqual(await snapshot(), before);
      // A host no longer pending (skipped by an operator) is not queued again; the others are.
      await s.updateRolloutHost('r1', 'web3', { state: 'skipped' });
      const wave1 = await s.releaseRolloutHosts({ rolloutId: 'r1', expectWave: 0, wave: 1, expectActive: 1, hosts: [payload('web1'), payload('web2'), payload('web3')] });
      assert.deepEqual(wave1?.map((j) => j.hostName), ['web2']);
      assert.deepEqual((await s.listRolloutHosts('r1')).map((h) => h.state), ['queued', 'queued', 'skipped', 'pending']);
      assert.equal((await s.listJobs({ rolloutId: 'r1' })).length, 2);
      // Two controllers (two connections) deciding from the same view: exactly one releases.
      const other = await shared();
      const both = await Promise.all([s, other].map((x) => x.releaseRolloutHosts({ rolloutId: 'r1', expectWave: 1, wave: 1, expectActive: 2, hosts: [payload('web4')] })));
      assert.equal(both.filter((b) => b !== undefined).length, 1, JSON.stringify(both));
      assert.equal((await s.listJobs({ rolloutId: 'r1' })).filter((j) => j.hostName === 'web4').length, 1);
      await other.close();
      await s.close();
    });

    test('audit: appended in order, listed by subject, the newest `limit` in order', async () => {
      const { store: s } = await openFresh(backend);
      await s.appendAudit({ operator: 'alice', action: 'rollout.start', subject: 'rollout:r1', details: { canary: 2 } });
      await s.appendAudit({ operator: 'bob', action: 'rollout.approve', subject: 'rollout:r1' });
      await s.appendAudit({ operator: 'alice', action: 'inventory.import', subject: 'inventory:hosts.ini', details: { hosts: 50 } });
      assert.deepEqual((await s.listAudit()).map((a) => a.action), ['rollout.start', 'rollout.approve', 'inventory.import']);
      assert.deepEqual((await s.listAudit({ subject: 'rollout:r1' })).map((a) => [a.operator, a.details]), [['alice', { canary: 2 }], ['bob', null]]);
      assert.deepEqual((await s.listAudit({ limit: 2 })).map((a) => a.action), ['rollout.approve', 'inventory.import']);
      await s.close();
    });

    test('jobs: claim is exclusive, leases expire and are reclaimed, failures retry then fail', async () => {
      let t = Date.parse('2024-05-01T00:00:00.000Z');
      const { store: s } = await openFresh(backend, { now: () => new Date(t) });
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
      // A host busy with a live run: requeued with the attempt given back, again and again, never failed.
      for (let i = 0; i < 4; i++) {
        assert.equal(await s.failJob(m2!.id, 'w1', 'host locked by a live run', { retryDelayMs: 1000, refund: true }), true);
        const waiting = await s.getJob(m2!.id);
        assert.equal(waiting?.state, 'queued');
        assert.equal(waiting?.attempts, 1, 'the claim\'s attempt is refunded');
        t += 1000;
        assert.equal((await s.claimJob({ worker: 'w1', leaseMs: 1000 }))?.attempts, 2);
      }
      assert.equal(await s.completeJob(m2!.id, 'w1', { ok: true }), true);
      assert.deepEqual((await s.getJob(m2!.id))?.result, { ok: true });

      // A lease that expires on the last attempt fails the job instead of handing it out again.
      const last = await s.enqueueJob({ kind: 'assess', payload: {}, maxAttempts: 1 });
      assert.equal((await s.claimJob({ worker: 'w1', leaseMs: 1000 }))?.id, last.id);
      t += 2000;
      assert.equal(await s.claimJob({ worker: 'w2', leaseMs: 1000 }), undefined);
      assert.match((await s.getJob(last.id))?.lastError ?? '', /lease of w1 expired on attempt 1 of 1/);
      await s.close();
    });

    test('jobs: cancelJobs cancels a rollout\'s queued jobs only, and cancelled jobs are never claimed', async () => {
      const { store: s } = await openFresh(backend);
      await rolloutOf(s, 'r1', ['web1', 'web2', 'web3']);
      await rolloutOf(s, 'r2', ['db1']);
      const jobs = await s.releaseRolloutHosts({ rolloutId: 'r1', expectWave: -1, wave: 0, hosts: ['web1', 'web2', 'web3'].map((hostName) => ({ hostName, kind: 'migrate', payload: { hostName } })) });
      const other = await s.enqueueJob({ kind: 'migrate', payload: {}, rolloutId: 'r2' });
      const running = await s.claimJob({ worker: 'w1', leaseMs: 60_000 });
      assert.equal(running?.id, jobs?.[0].id);
      assert.equal(await s.cancelJobs({ rolloutId: 'r1' }), 2);
      assert.deepEqual((await s.listJobs({ rolloutId: 'r1' })).map((j) => j.state), ['running', 'cancelled', 'cancelled']);
      assert.deepEqual((await s.listJobs({ state: 'cancelled' })).length, 2);
      assert.equal((await s.claimJob({ worker: 'w2', leaseMs: 60_000 }))?.id, other.id);
      assert.equal(await s.claimJob({ worker: 'w2', leaseMs: 60_000 }), undefined);
      await s.close();
    });

    test('jobs: two store handles (as two workers) never claim the same job', async () => {
      const { store: s1, shared } = await openFresh(backend);
      const s2 = await shared();
      for (let i = 0; i < 20; i++) await s1.enqueueJob({ kind: 'assess', payload: { i } });
      const claimed: number[] = [];
      for (let i = 0; i < 12; i++) {
        const got = await Promise.all([[s1, 'w1'], [s2, 'w2']].map(([s, w]) => (s as Store).claimJob({ worker: w as string, leaseMs: 60_000 })));
        for (const j of got) if (j) claimed.push(j.id);
      }
      assert.equal(claimed.length, 20);
      assert.equal(new Set(claimed).size, 20);
      await s1.close();
      await s2.close();
    });

    test('migrate: handles migrating one new database at once both end at the latest version', async () => {
      const location = await backend.location();
      const handles = [openStore(location), openStore(location), openStore(location)];
      assert.deepEqual(await Promise.all(handles.map((h) => h.migrate())), handles.map(() => MIGRATIONS.length));
      await handles[0].upsertHost({ name: 'a' });
      assert.equal((await handles[2].listHosts()).length, 1);
      for (const h of handles) await h.close();
    });

    test('jobs: 4 workers on their own connections, 3 claims in flight each, claim 60 jobs exactly once', async () => {
      const { store: s, shared } = await openFresh(backend);
      for (let i = 0; i < 60; i++) await s.enqueueJob({ kind: 'migrate', payload: { i } });
      const workers = await Promise.all([1, 2, 3, 4].map(() => shared()));
      const claims = new Map<number, string>();
      const twice: number[] = [];
      await Promise.all(workers.flatMap((w, wi) => [1, 2, 3].map(async (slot) => {
        const worker = `w${wi}.${slot}`;
        for (;;) {
          const job = await w.claimJob({ worker, leaseMs: 60_000 });
          if (!job) return;
          if (claims.has(job.id)) twice.push(job.id);
          claims.set(job.id, worker);
          assert.equal(await w.completeJob(job.id, worker, { by: worker }), true);
        }
      })));
      assert.deepEqual(twice, []);
      assert.equal(claims.size, 60);
      const done = await s.listJobs({ state: 'done' });
      assert.equal(done.length, 60);
      assert.ok(done.every((j) => j.attempts === 1 && (j.result as { by: string }).by === claims.get(j.id)));
      assert.ok(new Set(claims.values()).size > 1, 'the claims were spread over several workers');
      for (const w of workers) await w.close();
      await s.close();
    });

    if (backend.restart) {
      const server = backend.restart;
      test('a server restarted under the store: operations fail fast as STORE_UNAVAILABLE while it is down, then reconnect', async () => {
        const { store: s } = await openFresh(backend);
        await s.upsertHost({ name: 'a' });
        await server.stop();
        try {
          const started = Date.now();
          await assert.rejects(s.listHosts(), (e) => isFerryError(e, 'STORE_UNAVAILABLE') && /retried/.test(String(e.hint)));
          await assert.rejects(s.claimJob({ worker: 'w1', leaseMs: 1000 }), (e) => isFerryError(e, 'STORE_UNAVAILABLE'));
          assert.ok(Date.now() - started < 15_000, 'no hang');
        } finally {
          await server.start();
        }
        // The pool dropped the connections the server closed; the next operations use new ones.
        assert.deepEqual((await s.listHosts()).map((h) => h.name), ['a']);
        const job = await s.enqueueJob({ kind: 'migrate', payload: {} });
        assert.equal((await s.claimJob({ worker: 'w1', leaseMs: 1000 }))?.id, job.id);
        await s.close();
      });
    }

    if (backend.restart) {
      const server = backend.restart;
      test('workers claiming while the server restarts: only STORE_UNAVAILABLE meanwhile, then every job done, none completed twice', async () => {
        const { store: s, shared } = await openFresh(backend);
        const total = 40;
        for (let i = 0; i < total; i++) await s.enqueueJob({ kind: 'migrate', payload: { i } });
        const workers = await Promise.all([1, 2, 3].map(() => shared()));
        const completedBy = new Map<number, string[]>();
        const unexpected: unknown[] = [];
        let unavailable = 0;
        let done = 0;
        let restarted: Promise<void> | undefined;
        const deadline = Date.now() + 60_000;
        const loop = async (w: Store, worker: string): Promise<void> => {
          while (Date.now() < deadline) {
            try {
              if ((await w.listJobs({ state: 'done' })).length === total) return;
              // A short lease: a claim whose answer the restart swallowed is handed out again soon.
              const job = await w.claimJob({ worker, leaseMs: 1500 });
              if (!job) { await new Promise((r) => setTimeout(r, 50)); continue; }
              if (await w.completeJob(job.id, worker)) {
                completedBy.set(job.id, [...(completedBy.get(job.id) ?? []), worker]);
                if (++done === 10) restarted = server.stop().then(() => new Promise((r) => setTimeout(r, 500))).then(() => server.start());
              }
            } catch (e) {
              if (isFerryError(e, 'STORE_UNAVAILABLE')) { unavailable++; await new Promise((r) => setTimeout(r, 50)); } else { unexpected.push(e); return; }
            }
          }
        };
        await Promise.all(workers.flatMap((w, i) => [loop(w, `w${i}a`), loop(w, `w${i}b`)]));
        await restarted;
        assert.deepEqual(unexpected, []);
        assert.ok(unavailable > 0, 'the restart was seen by the workers');
        assert.equal((await s.listJobs({ state: 'done' })).length, total);
        assert.deepEqual([...completedBy].filter(([, by]) => by.length > 1), []);
        for (const w of workers) await w.close();
        await s.close();
      });
    }

    test('executions: the journal is mirrored once per seq, and only the newest entry sets the state', async () => {
      const { store: s } = await openFresh(backend);
      await s.upsertHost({ name: 'db1' });
      const base = { v: 1 as const, executionId: 'e1', at: '2024-05-01T00:00:00.000Z' };
      const entries: JournalEntry[] = [
        { ...base, seq: 1, event: 'execution', phase: 'start', planId: 'p1', steps: [{ id: 's1', kind: 'distro-sync', title: 'distro-sync', pointOfNoReturn: true }], controller: 'c1' },
        { ...base, seq: 2, event: 'step', phase: 'start', stepId: 's1', kind: 'distro-sync', attempt: 1 },
        { ...base, seq: 3, event: 'step', phase: 'failed', stepId: 's1', attempt: 1, error: { code: 'STEP_FAILED', message: 'dnf exited 1' } },
        { ...base, seq: 4, event: 'execution', phase: 'end', status: 'failed' },
      ];
      const states: string[] = [];
      for (const e of entries) {
        await s.appendJournalEntry(e);
        states.push(String((await s.getExecution('e1'))?.state));
      }
      assert.deepEqual(states, ['running', 'running', 'running', 'failed']);
      // Re-mirroring after a crash: entries already there are not duplicated, and an old one does not roll the state back.
      for (const e of entries.slice(0, 2)) await s.appendJournalEntry({ ...e, at: 'changed' });
      assert.deepEqual(await s.listJournal('e1'), entries);
      const exec = await s.createExecution({ id: 'e1', hostName: 'db1' });
      assert.deepEqual([exec.planId, exec.hostName, exec.state], ['p1', 'db1', 'failed']);
      const fresh = await s.createExecution({ id: 'e2', planId: 'p2', hostName: 'db1' });
      assert.deepEqual([fresh.planId, fresh.state, await s.listJournal('e2')], ['p2', 'running', []]);
      assert.equal(await s.getExecution('e3'), undefined);
      await s.close();
    });

    test('execution reports: one document per execution and kind, saved again it is replaced', async () => {
      const { store: s } = await openFresh(backend);
      await s.createExecution({ id: 'e1', hostName: 'db1' });
      await s.saveExecutionReport({ executionId: 'e1', kind: 'workload', report: { findings: [] } });
      await s.saveExecutionReport({ executionId: 'e1', kind: 'config-drift', report: { items: [{ path: '/etc/a.conf' }] } });
      await s.saveExecutionReport({ executionId: 'e1', kind: 'workload', report: { findings: [{ key: 'workload-diff:sshd:port' }] } });
      assert.deepEqual((await s.listExecutionReports('e1')).map((r) => [r.kind, r.report]),
        [['config-drift', { items: [{ path: '/etc/a.conf' }] }], ['workload', { findings: [{ key: 'workload-diff:sshd:port' }] }]]);
      assert.deepEqual(await s.listExecutionReports('e2'), []);
    });

    test('hosts removed from their inventory: marked once, listed again by an upsert naming a source, deleted with their records; a rollout under way refuses', async () => {
      let t = Date.parse('2024-06-01T00:00:00.000Z');
      const { store: s } = await openFresh(backend, { now: () => new Date(t) });
      await s.upsertHosts(['a', 'b', 'c', 'd'].map((name) => ({ name, source: '/inv/hosts.ini' })));
      assert.equal(await s.markHostsRemoved(['a', 'b', 'a']), 2);
      t += 60_000;
      assert.equal(await s.markHostsRemoved(['b', 'c']), 1, 'b is already removed: its removedAt stays');
      assert.deepEqual((await s.listHosts()).map((h) => [h.name, h.removedAt]),
        [['a', '2024-06-01T00:00:00.000Z'], ['b', '2024-06-01T00:00:00.000Z'], ['c', '2024-06-01T00:01:00.000Z'], ['d', null]]);
      await s.upsertHost({ name: 'a', address: '10.0.0.1' });
      assert.equal((await s.getHost('a'))?.removedAt, '2024-06-01T00:00:00.000Z', 'an upsert without a source does not list it again');
      await s.upsertHosts([{ name: 'a', source: '/inv/hosts.ini' }]);
      assert.equal((await s.getHost('a'))?.removedAt, null, 'its source lists it again');

      // b has history; c is in a rollout under way, d has a queued job of its own.
      const snap = await s.saveFactSnapshot({ hostName: 'b', facts: { v: 1 } });
      await s.recordCollection({ hostName: 'b', outcome: 'ok', message: null, attempts: 1, durationMs: 5, factSnapshotId: snap.id });
      await s.saveAssessment({ hostName: 'b', target: 'rocky-8', factSnapshotId: snap.id, result: {} });
      await s.saveAssessmentDocument('kb', {});
      await s.saveFleetAssessments([{ runId: 'r1', hostName: 'b', target: 'rocky-8', factSnapshotId: snap.id, documentKey: 'kb', readiness: 'ready', score: 1, blockers: [], missing: [] }]);
      await s.savePlan({ id: 'plan-b', hostName: 'b', target: 'rocky-8', plan: {} });
      await s.createExecution({ id: 'exec-b', planId: 'plan-b', hostName: 'b' });
      await s.createRollout({ id: 'done-1', target: 'rocky-8', selector: 'all', spec: {}, createdBy: 'alice', hosts: [{ hostName: 'b', wave: 0 }] });
      await s.updateRolloutHost('done-1', 'b', { state: 'succeeded' });
      assert.ok(await s.setRolloutState('done-1', ['created'], 'completed'));
      await s.createRollout({ id: 'live-1', target: 'rocky-8', selector: 'all', spec: {}, createdBy: 'alice', hosts: [{ hostName: 'c', wave: 0 }] });
      assert.ok(await s.setRolloutState('live-1', ['created'], 'running'));
      const job = await s.enqueueJob({ kind: 'migrate', payload: {}, hostName: 'd' });

      const refused: [string[], RegExp][] = [
        [['b', 'c'], /c is pending in rollout live-1 \(running\)/],
        [['d'], new RegExp(`d has job ${job.id} queued`)],
      ];
      for (const [names, why] of refused) {
        await assert.rejects(s.deleteHosts(names), (e) => isFerryError(e, 'HOST_IN_ROLLOUT') && why.test(e.message) && /ferry rollout skip/.test(e.hint ?? ''), names.join());
      }
      assert.ok(await s.getHost('b'), 'a refused delete deletes nothing');
      await assert.rejects(s.deleteHosts(['b', 'zz']), (e) => isFerryError(e, 'NOT_FOUND') && e.message.includes('zz'));

      assert.equal(await s.deleteHosts(['b']), 1);
      assert.equal(await s.getHost('b'), undefined);
      assert.equal(await s.latestFactSnapshot('b'), undefined);
      assert.deepEqual([await s.listAssessments('b'), await s.getPlan('plan-b'), (await s.latestCollections()).filter((c) => c.hostName === 'b')], [[], undefined, []]);
      assert.deepEqual((await s.listFleetAssessments()).filter((r) => r.hostName === 'b'), []);
      assert.deepEqual(await s.listRolloutHosts('done-1'), [], 'its line in the finished rollout goes with it');
      assert.equal((await s.getExecution('exec-b'))?.hostName, 'b', 'the execution (a migration\'s evidence) stays');

      await s.updateRolloutHost('live-1', 'c', { state: 'skipped' });
      assert.equal(await s.deleteHosts(['c']), 1, 'skipped in its rollout: nothing under way any more');
      await s.close();
    });

    test('hosts, fact snapshots, assessments and plans round-trip', async () => {
      const { store: s } = await openFresh(backend);
      await s.upsertHost({ name: 'db1', address: '10.0.0.5', labels: { wave: '1' } });
      const snap = await s.saveFactSnapshot({ hostName: 'db1', facts: { os: 'centos-8', packages: 412 } });
      await s.saveAssessment({ hostName: 'db1', target: 'rocky-8', factSnapshotId: snap.id, result: { inhibitors: 0 } });
      assert.equal((await s.listAssessments('db1'))[0].factSnapshotId, snap.id);
      await s.savePlan({ id: 'plan-1', hostName: 'db1', target: 'rocky-8', plan: { steps: [] } });
      await s.savePlan({ id: 'plan-1', hostName: 'db1', target: 'rocky-8', plan: { steps: ['changed'] } });
      assert.deepEqual((await s.getPlan('plan-1'))?.plan, { steps: [] });
      assert.equal(await s.getPlan('plan-2'), undefined);
      await s.close();
    });

    test('api tokens: found by hash until revoked; revoking ends their sessions; expired sessions are not found', async () => {
      let clock = new Date('2026-01-01T00:00:00Z');
      const { store: s } = await openFresh(backend, { now: () => clock });
      const t = await s.createApiToken({ id: 'tok-1', name: 'ci', role: 'operator', hash: 'h1', createdBy: 'alice' });
      assert.deepEqual(t, { id: 'tok-1', name: 'ci', role: 'operator', createdBy: 'alice', createdAt: '2026-01-01T00:00:00.000Z', revokedAt: null });
      assert.equal((await s.findApiToken('h1'))?.id, 'tok-1');
      assert.equal(await s.findApiToken('h2'), undefined);
      await s.createApiSession({ hash: 's1', tokenId: 'tok-1', csrfHash: 'c1', expiresAt: '2026-01-01T01:00:00.000Z' });
      assert.deepEqual([(await s.findApiSession('s1'))?.token.role, (await s.findApiSession('s1'))?.csrfHash], ['operator', 'c1']);
      clock = new Date('2026-01-01T02:00:00Z');
      assert.equal(await s.findApiSession('s1'), undefined, 'expired');
      await s.createApiSession({ hash: 's2', tokenId: 'tok-1', csrfHash: 'c2', expiresAt: '2026-01-01T03:00:00.000Z' });
      assert.equal(await s.revokeApiToken('tok-1'), true);
      assert.equal(await s.revokeApiToken('tok-1'), false, 'already revoked');
      assert.deepEqual([await s.findApiToken('h1'), await s.findApiSession('s2')], [undefined, undefined]);
      assert.equal((await s.listApiTokens())[0].revokedAt, '2026-01-01T02:00:00.000Z');
      await s.close();
    });

    test('hosts page: search (wildcards literal), source and readiness filters, sorts, counts by source', async () => {
      const { store: s } = await openFresh(backend);
      await s.upsertHosts([
        { name: 'web1', address: '10.0.0.1', labels: { source: 'centos-8' }, groups: ['web'] },
        { name: 'web_2', address: '10.0.0.2', labels: { source: 'centos-7' } },
        { name: 'DB1', address: '10.0.1.1', labels: { source: 'centos-8' } },
        { name: 'new1' },
      ]);
      await s.saveAssessmentDocument('k', {});
      await s.saveFleetAssessments([
        { runId: 'r1', hostName: 'web1', target: 'rocky-8', factSnapshotId: null, documentKey: 'k', readiness: 'ready', score: 1, blockers: [], missing: [] },
        { runId: 'r1', hostName: 'DB1', target: 'rocky-8', factSnapshotId: null, documentKey: 'k', readiness: 'blocked', score: 0, blockers: ['x'], missing: [] },
      ]);
      const page = async (q: Partial<Parameters<Store['queryHosts']>[0]>): Promise<[number, string[]]> => {
        const r = await s.queryHosts({ offset: 0, limit: 10, ...q });
        return [r.total, r.hosts.map((h) => h.name)];
      };
      const cases: Array<[Partial<Parameters<Store['queryHosts']>[0]>, [number, string[]]]> = [
        [{}, [4, ['DB1', 'new1', 'web1', 'web_2']]],
        [{ search: 'db' }, [1, ['DB1']]],
        [{ search: '_' }, [1, ['web_2']]],
        [{ search: '10.0.0' }, [2, ['web1', 'web_2']]],
        [{ source: 'centos-8' }, [2, ['DB1', 'web1']]],
        [{ source: 'unknown' }, [1, ['new1']]],
        [{ target: 'rocky-8', readiness: 'blocked' }, [1, ['DB1']]],
        [{ sort: 'name', descending: true, limit: 2 }, [4, ['web_2', 'web1']]],
        [{ offset: 3 }, [4, ['web_2']]],
      ];
      for (const [q, want] of cases) assert.deepEqual(await page(q), want, JSON.stringify(q));
      const first = (await s.queryHosts({ offset: 0, limit: 1, search: 'web1' })).hosts[0];
      assert.deepEqual(first, { name: 'web1', address: '10.0.0.1', source: 'centos-8', groups: ['web'], readiness: { 'rocky-8': 'ready' }, removedAt: null });
      assert.deepEqual(await s.countHostsBySource(), [{ source: 'centos-8', count: 2 }, { source: null, count: 1 }, { source: 'centos-7', count: 1 }]);
      assert.equal(await s.newestFleetRun(), 'r1');
      // A removed host stays in the list (marked) and leaves the counts.
      await s.markHostsRemoved(['DB1']);
      const removed = (await s.queryHosts({ offset: 0, limit: 10, search: 'DB1' })).hosts.map((h) => [h.name, typeof h.removedAt]);
      assert.deepEqual(removed, [['DB1', 'string']]);
      assert.deepEqual(await s.countHostsBySource(), [{ source: null, count: 1 }, { source: 'centos-7', count: 1 }, { source: 'centos-8', count: 1 }]);
      assert.deepEqual(await s.listRemovedHostNames(), ['DB1']);
      await s.close();
    });

    test('hosts page: searches answer what a substring match of name or address does (the index kept in step with upserts, renames of addresses and deletes)', async () => {
      const { store: s } = await openFresh(backend);
      const SOURCES = ['centos-7', 'centos-8', 'centos-stream-8'];
      const hosts = Array.from({ length: 1200 }, (_, i) => ({
        name: `Host${String(i).padStart(4, '0')}.dc${i % 4}.example.com`, address: `10.0.${(i >> 8) & 255}.${i & 255}`, labels: { source: SOURCES[i % 3] },
      }));
      await s.upsertHosts(hosts);
      // Changes after the first write: addresses changed, hosts deleted, one added, one with wildcards and a quote.
      await s.upsertHosts(hosts.slice(0, 50).map((h) => ({ name: h.name, address: `192.168.7.${hosts.indexOf(h)}` })));
      await s.deleteHosts(hosts.slice(100, 120).map((h) => h.name));
      await s.upsertHost({ name: 'odd_%"host', address: '172.16.0.1', labels: { source: 'centos-8' } });
      const expected = new Map<string, { address: string | null; source: string }>();
      for (const [i, h] of hosts.entries()) if (i < 100 || i >= 120) expected.set(h.name, { address: i < 50 ? `192.168.7.${i}` : h.address, source: h.labels.source });
      expected.set('odd_%"host', { address: '172.16.0.1', source: 'centos-8' });
      const searches = ['host', 'HOST0', 'ost00', 'dc3.', '.dc1.example', '192.168.7', '10.0.0.', '10.0.0.1', '7.4', 'ho', '_%"', '"h', 'nothing-like-it', 'st0119'];
      for (const search of searches) {
        for (const sort of ['name', 'source'] as const) {
          const want = [...expected].filter(([n, h]) => n.toLowerCase().includes(search.toLowerCase()) || (h.address ?? '').toLowerCase().includes(search.toLowerCase()))
            .sort(([a, x], [b, y]) => (sort === 'source' && x.source !== y.source ? (x.source < y.source ? -1 : 1) : a < b ? -1 : a > b ? 1 : 0)).map(([n]) => n);
          for (const offset of [0, 150, 900]) {
            const r = await s.queryHosts({ offset, limit: 100, search, sort });
            assert.deepEqual([r.total, r.hosts.map((h) => h.name)], [want.length, want.slice(offset, offset + 100)], `search ${JSON.stringify(search)} sort ${sort} offset ${offset}`);
          }
        }
      }
      await s.close();
    });
  });
}
