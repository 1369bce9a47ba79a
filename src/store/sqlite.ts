/**
 * The SQLite store (better-sqlite3, compiled from source against the local Node headers at install).
 * better-sqlite3 is synchronous; the methods are async to match the Store interface a PostgreSQL adapter
 * will share. WAL mode and a busy timeout let several processes (CLI, API, workers) share one file; job
 * claims run in BEGIN IMMEDIATE transactions so two workers never claim the same job.
 */
import Database from 'better-sqlite3';
import { FerryError } from '../core/index.js';
import type { JournalEntry, JsonValue } from '../exec/types.js';
import { MIGRATIONS } from './migrations.js';
import type { AssessmentRecord, ExecutionRecord, ExecutionState, FactSnapshotRecord, HostRecord, JobRecord, PlanRecord, Store } from './types.js';

export interface OpenSqliteOptions {
  /** A file path, or ':memory:'. */
  path: string;
  /** Clock, for tests of leases and retries. */
  now?: () => Date;
}

type Row = Record<string, unknown>;

const json = (v: unknown): string => JSON.stringify(v);
const parse = <T>(v: unknown): T => JSON.parse(String(v)) as T;
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function hostFrom(r: Row): HostRecord {
  return { name: String(r.name), address: str(r.address), labels: parse(r.labels), groups: [], vars: {}, connection: {}, source: null, hostKeyFingerprint: null, machineId: null, createdAt: String(r.created_at), updatedAt: String(r.updated_at) };
}
function executionFrom(r: Row): ExecutionRecord {
  return { id: String(r.id), planId: str(r.plan_id), hostName: str(r.host_name), state: String(r.state) as ExecutionState, createdAt: String(r.created_at), updatedAt: String(r.updated_at) };
}
function jobFrom(r: Row): JobRecord {
  return {
    id: Number(r.id), kind: String(r.kind), hostName: str(r.host_name), rolloutId: null, payload: parse(r.payload), state: String(r.state) as JobRecord['state'],
    attempts: Number(r.attempts), maxAttempts: Number(r.max_attempts), runAfter: String(r.run_after), leaseOwner: str(r.lease_owner),
    leaseExpiresAt: str(r.lease_expires_at), lastError: str(r.last_error), result: r.result === null ? null : parse(r.result),
    createdAt: String(r.created_at), updatedAt: String(r.updated_at),
  };
}

/** Execution state implied by a journal event, if it changes it. */
function stateAfter(entry: JournalEntry): ExecutionState | undefined {
  if (entry.event === 'execution') return entry.phase === 'start' ? 'running' : entry.status;
  if (entry.event === 'step' && entry.phase === 'start') return 'running';
  if (entry.event === 'rollback') return entry.phase === 'start' ? 'rolling-back' : entry.phase === 'end' ? 'rolled-back' : 'rollback-incomplete';
  return undefined;
}

export function openSqliteStore(options: OpenSqliteOptions): Store {
  const now = options.now ?? (() => new Date());
  const iso = (offsetMs = 0): string => new Date(now().getTime() + offsetMs).toISOString();
  let db: Database.Database;
  try {
    db = new Database(options.path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
  } catch (e) {
    throw new FerryError('IO', `Could not open the Ferry store ${options.path}: ${(e as Error).message}`, { cause: e });
  }

  const todo = (what: string) => async (): Promise<never> => { throw new Error(`TEMPORARY (branch fleet-store): ${what} is not implemented yet`); };
  const store: Store = {
    kind: 'sqlite',
    upsertHosts: todo('upsertHosts'), setHostIdentity: todo('setHostIdentity'), latestFactSnapshots: todo('latestFactSnapshots'),
    recordCollection: todo('recordCollection'), latestCollections: todo('latestCollections'), saveAssessmentDocument: todo('saveAssessmentDocument'),
    getAssessmentDocument: todo('getAssessmentDocument'), saveFleetAssessments: todo('saveFleetAssessments'), listFleetAssessments: todo('listFleetAssessments'),
    createRollout: todo('createRollout'), getRollout: todo('getRollout'), listRollouts: todo('listRollouts'), setRolloutState: todo('setRolloutState'),
    listRolloutHosts: todo('listRolloutHosts'), updateRolloutHost: todo('updateRolloutHost'), releaseRolloutHosts: todo('releaseRolloutHosts'),
    appendAudit: todo('appendAudit'), listAudit: todo('listAudit'), listJobs: todo('listJobs'), cancelJobs: todo('cancelJobs'),
    async migrate() {
      db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const current = Number((db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as Row).v);
      const latest = MIGRATIONS.at(-1)?.version ?? 0;
      if (current > latest) {
        throw new FerryError('USAGE', `The Ferry store ${options.path} has schema version ${current}, newer than this Ferry (${latest})`, { hint: 'Upgrade Ferry.' });
      }
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        db.transaction(() => {
          db.exec(m.sql);
          db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, iso());
        }).immediate();
      }
      return latest;
    },
    async close() { if (db.open) db.close(); },

    async upsertHost(h) {
      const at = iso();
      db.prepare(`INSERT INTO hosts (name, address, labels, created_at, updated_at) VALUES (@name, @address, @labels, @at, @at)
        ON CONFLICT(name) DO UPDATE SET address = COALESCE(excluded.address, hosts.address), labels = excluded.labels, updated_at = excluded.updated_at`)
        .run({ name: h.name, address: h.address ?? null, labels: json(h.labels ?? {}), at });
      return hostFrom(db.prepare('SELECT * FROM hosts WHERE name = ?').get(h.name) as Row);
    },
    async getHost(name) {
      const r = db.prepare('SELECT * FROM hosts WHERE name = ?').get(name) as Row | undefined;
      return r && hostFrom(r);
    },
    async listHosts() { return (db.prepare('SELECT * FROM hosts ORDER BY name').all() as Row[]).map(hostFrom); },

    async saveFactSnapshot(s) {
      const collectedAt = s.collectedAt ?? iso();
      const id = Number(db.prepare('INSERT INTO fact_snapshots (host_name, collected_at, facts) VALUES (?, ?, ?)').run(s.hostName, collectedAt, json(s.facts)).lastInsertRowid);
      return { id, hostName: s.hostName, collectedAt, facts: s.facts };
    },
    async latestFactSnapshot(hostName) {
      const r = db.prepare('SELECT * FROM fact_snapshots WHERE host_name = ? ORDER BY collected_at DESC, id DESC LIMIT 1').get(hostName) as Row | undefined;
      return r && ({ id: Number(r.id), hostName: String(r.host_name), collectedAt: String(r.collected_at), facts: parse<JsonValue>(r.facts) } satisfies FactSnapshotRecord);
    },
    async saveAssessment(a) {
      const createdAt = iso();
      const id = Number(db.prepare('INSERT INTO assessments (host_name, target, fact_snapshot_id, created_at, result) VALUES (?, ?, ?, ?, ?)')
        .run(a.hostName, a.target, a.factSnapshotId ?? null, createdAt, json(a.result)).lastInsertRowid);
      return { id, hostName: a.hostName, target: a.target, factSnapshotId: a.factSnapshotId ?? null, createdAt, result: a.result };
    },
    async listAssessments(hostName) {
      return (db.prepare('SELECT * FROM assessments WHERE host_name = ? ORDER BY id').all(hostName) as Row[]).map((r): AssessmentRecord => ({
        id: Number(r.id), hostName: String(r.host_name), target: String(r.target), factSnapshotId: r.fact_snapshot_id === null ? null : Number(r.fact_snapshot_id),
        createdAt: String(r.created_at), result: parse(r.result),
      }));
    },
    async savePlan(p) {
      const createdAt = iso();
      // Plans are content-addressed: saving the same id again keeps the first record.
      db.prepare('INSERT INTO plans (id, host_name, target, created_at, plan) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING')
        .run(p.id, p.hostName, p.target, createdAt, json(p.plan));
      return (await store.getPlan(p.id)) as PlanRecord;
    },
    async getPlan(id) {
      const r = db.prepare('SELECT * FROM plans WHERE id = ?').get(id) as Row | undefined;
      return r && { id: String(r.id), hostName: String(r.host_name), target: String(r.target), createdAt: String(r.created_at), plan: parse<JsonValue>(r.plan) };
    },

    async createExecution(e) {
      const at = iso();
      db.prepare(`INSERT INTO executions (id, plan_id, host_name, state, created_at, updated_at) VALUES (?, ?, ?, 'running', ?, ?)
        ON CONFLICT(id) DO UPDATE SET plan_id = COALESCE(executions.plan_id, excluded.plan_id), host_name = COALESCE(executions.host_name, excluded.host_name)`)
        .run(e.id, e.planId ?? null, e.hostName ?? null, at, at);
      return (await store.getExecution(e.id)) as ExecutionRecord;
    },
    async getExecution(id) {
      const r = db.prepare('SELECT * FROM executions WHERE id = ?').get(id) as Row | undefined;
      return r && executionFrom(r);
    },
    async appendJournalEntry(entry) {
      db.transaction(() => {
        const at = iso();
        const planId = entry.event === 'execution' && entry.phase === 'start' ? entry.planId : null;
        db.prepare(`INSERT INTO executions (id, plan_id, host_name, state, created_at, updated_at) VALUES (?, ?, NULL, 'running', ?, ?)
          ON CONFLICT(id) DO UPDATE SET plan_id = COALESCE(executions.plan_id, excluded.plan_id)`).run(entry.executionId, planId, at, at);
        const res = db.prepare('INSERT INTO journal_entries (execution_id, seq, at, event, entry) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
          .run(entry.executionId, entry.seq, entry.at, entry.event, json(entry));
        const state = stateAfter(entry);
        // Only the newest entry decides the state, so a re-mirrored older entry cannot roll it back.
        const newest = Number((db.prepare('SELECT MAX(seq) AS s FROM journal_entries WHERE execution_id = ?').get(entry.executionId) as Row).s);
        if (res.changes > 0 && state && newest === entry.seq) {
          db.prepare('UPDATE executions SET state = ?, updated_at = ? WHERE id = ?').run(state, at, entry.executionId);
        }
      }).immediate();
    },
    async listJournal(executionId) {
      return (db.prepare('SELECT entry FROM journal_entries WHERE execution_id = ? ORDER BY seq').all(executionId) as Row[]).map((r) => parse<JournalEntry>(r.entry));
    },

    async enqueueJob(j) {
      const at = iso();
      const id = Number(db.prepare(`INSERT INTO jobs (kind, host_name, payload, state, attempts, max_attempts, run_after, created_at, updated_at)
        VALUES (?, ?, ?, 'queued', 0, ?, ?, ?, ?)`).run(j.kind, j.hostName ?? null, json(j.payload), j.maxAttempts ?? 3, j.runAfter ?? at, at, at).lastInsertRowid);
      return (await store.getJob(id)) as JobRecord;
    },
    async claimJob(c) {
      return db.transaction((): JobRecord | undefined => {
        const at = iso();
        const kinds = c.kinds ?? [];
        const kindFilter = kinds.length ? `AND kind IN (${kinds.map(() => '?').join(', ')})` : '';
        const pick = db.prepare(`SELECT * FROM jobs WHERE ((state = 'queued' AND run_after <= ?) OR (state = 'running' AND lease_expires_at < ?)) ${kindFilter}
          ORDER BY run_after, id LIMIT 1`);
        for (;;) {
          const r = pick.get(at, at, ...kinds) as Row | undefined;
          if (!r) return undefined;
          const job = jobFrom(r);
          if (job.state === 'running' && job.attempts >= job.maxAttempts) {
            db.prepare(`UPDATE jobs SET state = 'failed', lease_owner = NULL, lease_expires_at = NULL, last_error = ?, updated_at = ? WHERE id = ?`)
              .run(`lease of ${job.leaseOwner ?? '?'} expired on attempt ${job.attempts} of ${job.maxAttempts}`, at, job.id);
            continue;
          }
          db.prepare(`UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ?, updated_at = ? WHERE id = ?`)
            .run(c.worker, iso(c.leaseMs), at, job.id);
          return jobFrom(db.prepare('SELECT * FROM jobs WHERE id = ?').get(job.id) as Row);
        }
      }).immediate();
    },
    async heartbeatJob(id, worker, leaseMs) {
      return db.prepare(`UPDATE jobs SET lease_expires_at = ?, updated_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`)
        .run(iso(leaseMs), iso(), id, worker).changes === 1;
    },
    async completeJob(id, worker, result) {
      return db.prepare(`UPDATE jobs SET state = 'done', result = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`)
        .run(result === undefined ? null : json(result), iso(), id, worker).changes === 1;
    },
    async failJob(id, worker, error, opts = {}) {
      return db.prepare(`UPDATE jobs SET state = CASE WHEN attempts < max_attempts THEN 'queued' ELSE 'failed' END,
          run_after = ?, last_error = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
        WHERE id = ? AND state = 'running' AND lease_owner = ?`)
        .run(iso(opts.retryDelayMs ?? 0), error, iso(), id, worker).changes === 1;
    },
    async getJob(id) {
      const r = db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
      return r && jobFrom(r);
    },
  };
  return store;
}
