/**
 * Ferry's store, written once over the SqlDriver port for SQLite and PostgreSQL. Every compare-and-set
 * (rollout state, wave release, job lease) is one conditional UPDATE inside a transaction, so it holds
 * under both SQLite's single writer and PostgreSQL's row locks; job claims add `FOR UPDATE SKIP LOCKED` on
 * PostgreSQL so concurrent workers pick different rows instead of queueing on one.
 */
import { assert, FerryError } from '../core/index.js';
import { executionStateAfter } from '../exec/execution-state.js';
import type { JournalEntry, JsonValue } from '../exec/types.js';
import { inList, type Row, type SqlDriver, type SqlExecutor, type SqlValue } from './driver.js';
import { HOST_SOURCE, MIGRATIONS } from './migrations.js';
import { API_ROLES } from './types.js';
import type {
  ApiTokenRecord, AssessmentRecord, AuditRecord, CollectionOutcome, CollectionRecord, ExecutionRecord, ExecutionState, FactSnapshotRecord,
  FleetAssessmentRecord, HostRecord, JobRecord, PlanRecord, RolloutHostRecord, RolloutRecord, RolloutState, Store,
} from './types.js';

export interface SqlStoreOptions {
  /** Names the store in messages (a path, or a URL without its password). */
  name: string;
  /** Clock, for tests of leases and retries. */
  now?: () => Date;
}

const json = (v: unknown): string => JSON.stringify(v);
const parse = <T>(v: unknown): T => JSON.parse(String(v)) as T;
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function hostFrom(r: Row): HostRecord {
  return {
    name: String(r.name), address: str(r.address), labels: parse(r.labels), groups: parse(r.groups), vars: parse(r.vars),
    connection: parse(r.connection), source: str(r.source), hostKeyFingerprint: str(r.host_key_fingerprint), machineId: str(r.machine_id),
    removedAt: str(r.removed_at), createdAt: String(r.created_at), updatedAt: String(r.updated_at),
  };
}
function snapshotFrom(r: Row): FactSnapshotRecord {
  return { id: Number(r.id), hostName: String(r.host_name), collectedAt: String(r.collected_at), facts: parse(r.facts) };
}
function collectionFrom(r: Row): CollectionRecord {
  return {
    id: Number(r.id), hostName: String(r.host_name), at: String(r.at), outcome: String(r.outcome) as CollectionOutcome, message: str(r.message),
    attempts: Number(r.attempts), durationMs: Number(r.duration_ms), factSnapshotId: num(r.fact_snapshot_id),
  };
}
function fleetAssessmentFrom(r: Row): FleetAssessmentRecord {
  return {
    runId: String(r.run_id), hostName: String(r.host_name), target: String(r.target), factSnapshotId: num(r.fact_snapshot_id),
    documentKey: String(r.document_key), readiness: String(r.readiness), score: num(r.score), blockers: parse(r.blockers), missing: parse(r.missing),
    targetIndex: Number(r.target_index),
  };
}
function planFrom(r: Row): PlanRecord {
  return { id: String(r.id), hostName: String(r.host_name), target: String(r.target), createdAt: String(r.created_at), plan: parse(r.plan) };
}
function executionFrom(r: Row): ExecutionRecord {
  return { id: String(r.id), planId: str(r.plan_id), hostName: str(r.host_name), state: String(r.state) as ExecutionState, createdAt: String(r.created_at), updatedAt: String(r.updated_at) };
}
function rolloutFrom(r: Row): RolloutRecord {
  return {
    id: String(r.id), name: str(r.name), target: String(r.target), selector: String(r.selector), spec: parse(r.spec), state: String(r.state) as RolloutState,
    currentWave: Number(r.current_wave), createdBy: String(r.created_by), createdAt: String(r.created_at), updatedAt: String(r.updated_at),
  };
}
function rolloutHostFrom(r: Row): RolloutHostRecord {
  return {
    rolloutId: String(r.rollout_id), hostName: String(r.host_name), wave: Number(r.wave), capGroup: str(r.cap_group),
    state: String(r.state) as RolloutHostRecord['state'], jobId: num(r.job_id), executionId: str(r.execution_id), failedStep: str(r.failed_step),
    lastError: str(r.last_error), logTail: str(r.log_tail), updatedAt: String(r.updated_at),
  };
}
function auditFrom(r: Row): AuditRecord {
  return { id: Number(r.id), at: String(r.at), operator: String(r.operator), action: String(r.action), subject: String(r.subject), details: parse(r.details) };
}
function apiTokenFrom(r: Row): ApiTokenRecord {
  const role = API_ROLES.find((x) => x === r.role);
  assert(role !== undefined, `api_tokens.role ${String(r.role)} outside its CHECK constraint`);
  return { id: String(r.id), name: String(r.name), role, createdBy: String(r.created_by), createdAt: String(r.created_at), revokedAt: str(r.revoked_at) };
}
function jobFrom(r: Row): JobRecord {
  return {
    id: Number(r.id), kind: String(r.kind), hostName: str(r.host_name), rolloutId: str(r.rollout_id), payload: parse(r.payload), state: String(r.state) as JobRecord['state'],
    attempts: Number(r.attempts), maxAttempts: Number(r.max_attempts), runAfter: String(r.run_after), leaseOwner: str(r.lease_owner),
    leaseExpiresAt: str(r.lease_expires_at), lastError: str(r.last_error), result: r.result === null ? null : parse(r.result),
    createdAt: String(r.created_at), updatedAt: String(r.updated_at),
  };
}

/** A search matching at most this many hosts fetches them by the trigram index and sorts them; more are read in index order. */
const FETCH_MATCHES_UP_TO = 1000;

/** Host columns an upsert may set, in the interface's names. */
const HOST_FIELDS = [
  ['address', 'address'], ['labels', 'labels'], ['groups', 'groups'], ['vars', 'vars'], ['connection', 'connection'], ['source', 'source'],
] as const;
type HostInput = Parameters<Store['upsertHost']>[0];

/**
 * Upserts of hosts that give the same fields, several rows per statement: the INSERT carries every column
 * (defaults for the absent ones); on conflict only the fields the caller gave are updated, so the
 * statement's text depends on which fields are defined. Callers keep names unique within one statement
 * (PostgreSQL refuses to update a row twice in one INSERT).
 */
function hostsUpsert(hosts: readonly HostInput[], at: string, store: string, returning: boolean): { sql: string; params: SqlValue[] } {
  for (const h of hosts) {
    if (typeof h.name !== 'string' || h.name.trim() === '') {
      throw new FerryError('HOST_INVALID', `A host for the Ferry store ${store} has no name (${JSON.stringify(h.name) ?? 'undefined'})`, { hint: 'Name every host in the inventory.' });
    }
  }
  const given = givenHostColumns(hosts[0]);
  // A host its source lists again is no longer removed.
  const set = [...given.map((c) => `${c} = excluded.${c}`), ...(given.includes('source') ? ['removed_at = NULL'] : []), 'updated_at = excluded.updated_at'].join(', ');
  return {
    sql: `INSERT INTO hosts (name, address, labels, groups, vars, connection, source, created_at, updated_at)
      VALUES ${hosts.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
      ON CONFLICT (name) DO UPDATE SET ${set}${returning ? ' RETURNING *' : ''}`,
    params: hosts.flatMap((h) => [h.name, h.address ?? null, json(h.labels ?? {}), json(h.groups ?? []), json(h.vars ?? {}), json(h.connection ?? {}), h.source ?? null, at, at]),
  };
}
const givenHostColumns = (h: HostInput): string[] => HOST_FIELDS.filter(([field]) => h[field] !== undefined).map(([, column]) => column);

/** Consecutive runs of hosts with the same given fields and no repeated name, at most `size` long, in order. */
function hostBatches(hosts: readonly HostInput[], size: number): HostInput[][] {
  const batches: HostInput[][] = [];
  let current: HostInput[] = [];
  let shape = '';
  let names = new Set<string>();
  for (const h of hosts) {
    const s = givenHostColumns(h).join(',');
    if (current.length === size || (current.length > 0 && (s !== shape || names.has(h.name)))) {
      batches.push(current);
      current = [];
      names = new Set();
    }
    current.push(h);
    names.add(h.name);
    shape = s;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Rows per multi-row INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const ROWS_PER_INSERT = 500;

/** Names in groups small enough for one `IN (…)` each (SQLite's default bound is 32,766 parameters). */
function chunks(names: readonly string[], size = 500): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < names.length; i += size) out.push(names.slice(i, i + size));
  return out;
}

/** Thrown inside a transaction to roll it back when a compare-and-set lost its race. */
class LostRace extends Error {}

export function createSqlStore(db: SqlDriver, options: SqlStoreOptions): Store {
  const now = options.now ?? (() => new Date());
  const iso = (offsetMs = 0): string => new Date(now().getTime() + offsetMs).toISOString();
  const one = async (q: SqlExecutor, sql: string, params: readonly SqlValue[] = []): Promise<Row | undefined> => (await q.query(sql, params))[0];
  /** The row a write with RETURNING (or a read of a row just written) must give. */
  const row = async (q: SqlExecutor, sql: string, params: readonly SqlValue[] = []): Promise<Row> => {
    const r = await one(q, sql, params);
    assert(r !== undefined, `no row from: ${sql.trim().split('\n')[0]}`);
    return r;
  };

  const insertJob = async (q: SqlExecutor, j: Parameters<Store['enqueueJob']>[0]): Promise<JobRecord> => {
    const at = iso();
    const r = await row(q, `INSERT INTO jobs (kind, host_name, rollout_id, payload, state, attempts, max_attempts, run_after, created_at, updated_at)
      VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?) RETURNING *`, [j.kind, j.hostName ?? null, j.rolloutId ?? null, json(j.payload), j.maxAttempts ?? 3, j.runAfter ?? at, at, at]);
    return jobFrom(r);
  };

  const newestRun = async (): Promise<string | undefined> =>
    str((await one(db, 'SELECT run_id FROM fleet_assessments ORDER BY created_at DESC, run_id DESC LIMIT 1'))?.run_id) ?? undefined;
  const sourceLabel = HOST_SOURCE[db.dialect];

  const store: Store = {
    kind: db.dialect,
    async migrate() {
      const latest = MIGRATIONS.at(-1)?.version ?? 0;
      // Each migration in its own transaction; PostgreSQL processes starting together wait on one advisory lock.
      const step = (): Promise<boolean> => db.transaction(async (tx) => {
        if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7302046)');
        await tx.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
        const current = Number((await one(tx, 'SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations'))?.v);
        if (current > latest) {
          throw new FerryError('USAGE', `The Ferry store ${options.name} has schema version ${current}, newer than this Ferry (${latest})`, { hint: 'Upgrade Ferry.' });
        }
        const next = MIGRATIONS.find((m) => m.version > current);
        if (!next) return false;
        await tx.exec(next.sql(tx.dialect));
        await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [next.version, next.name, iso()]);
        return true;
      });
      while (await step());
      return latest;
    },
    async checkIntegrity() {
      // SQLite's own page and index check; a PostgreSQL server guards its pages itself (no portable check here).
      if (db.dialect !== 'sqlite') return [];
      return (await db.query('PRAGMA quick_check(20)')).map((r) => String(r.quick_check)).filter((r) => r !== 'ok');
    },
    close: () => db.close(),

    async upsertHost(h) {
      const { sql, params } = hostsUpsert([h], iso(), options.name, true);
      return hostFrom(await row(db, sql, params));
    },
    async upsertHosts(hosts) {
      const at = iso();
      return db.transaction(async (tx) => {
        for (const batch of hostBatches(hosts, ROWS_PER_INSERT)) {
          const { sql, params } = hostsUpsert(batch, at, options.name, false);
          await tx.run(sql, params);
        }
        return hosts.length;
      });
    },
    async getHost(name) {
      const r = await one(db, 'SELECT * FROM hosts WHERE name = ?', [name]);
      return r && hostFrom(r);
    },
    async listHosts() { return (await db.query('SELECT * FROM hosts ORDER BY name')).map(hostFrom); },
    async markHostsRemoved(names) {
      const at = iso();
      return db.transaction(async (tx) => {
        let marked = 0;
        for (const chunk of chunks([...new Set(names)])) {
          marked += await tx.run(`UPDATE hosts SET removed_at = ?, updated_at = ? WHERE removed_at IS NULL AND name IN ${inList(chunk.length)}`, [at, at, ...chunk]);
        }
        return marked;
      });
    },
    async deleteHosts(names) {
      const unique = [...new Set(names)];
      return db.transaction(async (tx) => {
        const known = new Set<string>();
        const busy: string[] = [];
        for (const chunk of chunks(unique)) {
          const where = `IN ${inList(chunk.length)}`;
          for (const r of await tx.query(`SELECT name FROM hosts WHERE name ${where}`, chunk)) known.add(String(r.name));
          for (const r of await tx.query(`SELECT rh.host_name, rh.rollout_id, rh.state, r.state AS rollout_state FROM rollout_hosts rh JOIN rollouts r ON r.id = rh.rollout_id
              WHERE rh.host_name ${where} AND rh.state IN ('pending', 'queued', 'running') AND r.state NOT IN ('completed', 'aborted') ORDER BY rh.host_name, rh.rollout_id`, chunk)) {
            busy.push(`${String(r.host_name)} is ${String(r.state)} in rollout ${String(r.rollout_id)} (${String(r.rollout_state)})`);
          }
          for (const r of await tx.query(`SELECT id, host_name, rollout_id, state FROM jobs WHERE host_name ${where} AND state IN ('queued', 'running') ORDER BY host_name, id`, chunk)) {
            busy.push(`${String(r.host_name)} has job ${String(r.id)} ${String(r.state)}${r.rollout_id === null ? '' : ` for rollout ${String(r.rollout_id)}`}`);
          }
        }
        const unknown = unique.filter((n) => !known.has(n));
        if (unknown.length) {
          throw new FerryError('NOT_FOUND', `Not in the Ferry store ${options.name}: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}`);
        }
        if (busy.length) {
          throw new FerryError('HOST_IN_ROLLOUT', `Not deleting any host: ${[...new Set(busy)].slice(0, 10).join('; ')}${busy.length > 10 ? '; …' : ''}`, {
            hint: 'Let the rollout finish, skip the host in it (ferry rollout skip ROLLOUT HOST) or abort the rollout, then prune again.',
          });
        }
        for (const chunk of chunks(unique)) {
          const where = `host_name IN ${inList(chunk.length)}`;
          // Rows that point at a host's snapshots first, then the snapshots, then the hosts.
          for (const table of ['fleet_assessments', 'collections', 'assessments', 'plans', 'rollout_hosts', 'fact_snapshots']) await tx.run(`DELETE FROM ${table} WHERE ${where}`, chunk);
          await tx.run(`DELETE FROM hosts WHERE name IN ${inList(chunk.length)}`, chunk);
        }
        return unique.length;
      });
    },
    async setHostIdentity(name, identity) {
      const set: string[] = ['updated_at = ?'];
      const params: SqlValue[] = [iso()];
      if (identity.hostKeyFingerprint !== undefined) { set.push('host_key_fingerprint = ?'); params.push(identity.hostKeyFingerprint); }
      if (identity.machineId !== undefined) { set.push('machine_id = ?'); params.push(identity.machineId); }
      if ((await db.run(`UPDATE hosts SET ${set.join(', ')} WHERE name = ?`, [...params, name])) === 0) {
        throw new FerryError('NOT_FOUND', `No host ${name} in the Ferry store ${options.name}`, { hint: 'Import the inventory (ferry inventory import) first.' });
      }
    },

    async saveFactSnapshot(s) {
      const collectedAt = s.collectedAt ?? iso();
      const r = await row(db, 'INSERT INTO fact_snapshots (host_name, collected_at, facts) VALUES (?, ?, ?) RETURNING id', [s.hostName, collectedAt, json(s.facts)]);
      return { id: Number(r.id), hostName: s.hostName, collectedAt, facts: s.facts };
    },
    async latestFactSnapshot(hostName) {
      const r = await one(db, 'SELECT * FROM fact_snapshots WHERE host_name = ? ORDER BY collected_at DESC, id DESC LIMIT 1', [hostName]);
      return r && snapshotFrom(r);
    },
    async latestFactSnapshots(hostNames) {
      const filter = hostNames ? `WHERE host_name IN ${inList(hostNames.length)}` : '';
      // Ranked on the narrow columns (the index), then the chosen rows' documents read once.
      const rows = await db.query(`SELECT f.id, f.host_name, f.collected_at, f.facts FROM fact_snapshots f JOIN (
          SELECT id, ROW_NUMBER() OVER (PARTITION BY host_name ORDER BY collected_at DESC, id DESC) AS newest FROM fact_snapshots ${filter}
        ) ranked ON ranked.id = f.id AND ranked.newest = 1 ORDER BY f.host_name`, hostNames ?? []);
      return rows.map(snapshotFrom);
    },
    async recordCollection(c) {
      const r = await row(db, `INSERT INTO collections (host_name, at, outcome, message, attempts, duration_ms, fact_snapshot_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        [c.hostName, c.at ?? iso(), c.outcome, c.message, c.attempts, c.durationMs, c.factSnapshotId]);
      return collectionFrom(r);
    },
    async latestCollections() {
      const rows = await db.query(`SELECT * FROM (
          SELECT *, ROW_NUMBER() OVER (PARTITION BY host_name ORDER BY at DESC, id DESC) AS newest FROM collections
        ) ranked WHERE newest = 1 ORDER BY host_name`);
      return rows.map(collectionFrom);
    },

    async saveAssessmentDocument(key, document) {
      await db.run('INSERT INTO assessment_documents (key, document, created_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING', [key, json(document), iso()]);
    },
    async getAssessmentDocument(key) {
      const r = await one(db, 'SELECT document FROM assessment_documents WHERE key = ?', [key]);
      return r && parse<JsonValue>(r.document);
    },
    async saveFleetAssessments(rows) {
      const at = iso();
      await db.transaction(async (tx) => {
        for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
          const chunk = rows.slice(i, i + ROWS_PER_INSERT);
          await tx.run(`INSERT INTO fleet_assessments (run_id, host_name, target, fact_snapshot_id, document_key, readiness, score, blockers, missing, created_at, target_index)
            VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
            ON CONFLICT (run_id, host_name, target) DO UPDATE SET fact_snapshot_id = excluded.fact_snapshot_id, document_key = excluded.document_key,
              readiness = excluded.readiness, score = excluded.score, blockers = excluded.blockers, missing = excluded.missing, target_index = excluded.target_index`,
          chunk.flatMap((r) => [r.runId, r.hostName, r.target, r.factSnapshotId, r.documentKey, r.readiness, r.score, json(r.blockers), json(r.missing), at, r.targetIndex ?? 0]));
        }
      });
    },
    async listFleetAssessments(runId) {
      const run = runId ?? await newestRun();
      if (run === undefined) return [];
      return (await db.query('SELECT * FROM fleet_assessments WHERE run_id = ? ORDER BY host_name, target_index, target', [run])).map(fleetAssessmentFrom);
    },
    async saveAssessment(a) {
      const createdAt = iso();
      const r = await row(db, 'INSERT INTO assessments (host_name, target, fact_snapshot_id, created_at, result) VALUES (?, ?, ?, ?, ?) RETURNING id',
        [a.hostName, a.target, a.factSnapshotId ?? null, createdAt, json(a.result)]);
      return { id: Number(r.id), hostName: a.hostName, target: a.target, factSnapshotId: a.factSnapshotId ?? null, createdAt, result: a.result };
    },
    async listAssessments(hostName) {
      return (await db.query('SELECT * FROM assessments WHERE host_name = ? ORDER BY id', [hostName])).map((r): AssessmentRecord => ({
        id: Number(r.id), hostName: String(r.host_name), target: String(r.target), factSnapshotId: num(r.fact_snapshot_id), createdAt: String(r.created_at), result: parse(r.result),
      }));
    },
    async savePlan(p) {
      // Plans are content-addressed: saving the same id again keeps the first record.
      await db.run('INSERT INTO plans (id, host_name, target, created_at, plan) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
        [p.id, p.hostName, p.target, iso(), json(p.plan)]);
      return planFrom(await row(db, 'SELECT * FROM plans WHERE id = ?', [p.id]));
    },
    async getPlan(id) {
      const r = await one(db, 'SELECT * FROM plans WHERE id = ?', [id]);
      return r && planFrom(r);
    },

    async createExecution(e) {
      const at = iso();
      const r = await row(db, `INSERT INTO executions (id, plan_id, host_name, state, created_at, updated_at) VALUES (?, ?, ?, 'running', ?, ?)
        ON CONFLICT (id) DO UPDATE SET plan_id = COALESCE(executions.plan_id, excluded.plan_id), host_name = COALESCE(executions.host_name, excluded.host_name) RETURNING *`,
      [e.id, e.planId ?? null, e.hostName ?? null, at, at]);
      return executionFrom(r);
    },
    async getExecution(id) {
      const r = await one(db, 'SELECT * FROM executions WHERE id = ?', [id]);
      return r && executionFrom(r);
    },
    async saveExecutionReport(r) {
      await db.run(`INSERT INTO execution_reports (execution_id, kind, created_at, report) VALUES (?, ?, ?, ?)
        ON CONFLICT (execution_id, kind) DO UPDATE SET report = excluded.report, created_at = excluded.created_at`, [r.executionId, r.kind, iso(), json(r.report)]);
    },
    async listExecutionReports(executionId) {
      return (await db.query('SELECT * FROM execution_reports WHERE execution_id = ? ORDER BY kind', [executionId])).map((x) => ({
        executionId: String(x.execution_id), kind: String(x.kind), createdAt: String(x.created_at), report: parse<JsonValue>(x.report),
      }));
    },
    async appendJournalEntry(entry) {
      await db.transaction(async (tx) => {
        const at = iso();
        const planId = entry.event === 'execution' && entry.phase === 'start' ? entry.planId : null;
        await tx.run(`INSERT INTO executions (id, plan_id, host_name, state, created_at, updated_at) VALUES (?, ?, NULL, 'running', ?, ?)
          ON CONFLICT (id) DO UPDATE SET plan_id = COALESCE(executions.plan_id, excluded.plan_id)`, [entry.executionId, planId, at, at]);
        const inserted = await tx.run('INSERT INTO journal_entries (execution_id, seq, at, event, entry) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
          [entry.executionId, entry.seq, entry.at, entry.event, json(entry)]);
        const state = executionStateAfter(entry);
        // Only the newest entry decides the state, so a re-mirrored older entry cannot roll it back.
        const newest = Number((await one(tx, 'SELECT MAX(seq) AS s FROM journal_entries WHERE execution_id = ?', [entry.executionId]))?.s);
        if (inserted > 0 && state && newest === entry.seq) {
          await tx.run('UPDATE executions SET state = ?, updated_at = ? WHERE id = ?', [state, at, entry.executionId]);
        }
      });
    },
    async listJournal(executionId) {
      return (await db.query('SELECT entry FROM journal_entries WHERE execution_id = ? ORDER BY seq', [executionId])).map((r) => parse<JournalEntry>(r.entry));
    },

    async createRollout(r) {
      const at = iso();
      return db.transaction(async (tx) => {
        const created = await row(tx, `INSERT INTO rollouts (id, name, target, selector, spec, state, current_wave, created_by, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, 'created', -1, ?, ?, ?) RETURNING *`, [r.id, r.name ?? null, r.target, r.selector, json(r.spec), r.createdBy, at, at]);
        for (let i = 0; i < r.hosts.length; i += ROWS_PER_INSERT) {
          const chunk = r.hosts.slice(i, i + ROWS_PER_INSERT);
          await tx.run(`INSERT INTO rollout_hosts (rollout_id, host_name, wave, cap_group, state, updated_at) VALUES ${chunk.map(() => "(?, ?, ?, ?, 'pending', ?)").join(', ')}`,
            chunk.flatMap((h) => [r.id, h.hostName, h.wave, h.capGroup ?? null, at]));
        }
        return rolloutFrom(created);
      });
    },
    async getRollout(id) {
      const r = await one(db, 'SELECT * FROM rollouts WHERE id = ?', [id]);
      return r && rolloutFrom(r);
    },
    async listRollouts() { return (await db.query('SELECT * FROM rollouts ORDER BY created_at, id')).map(rolloutFrom); },
    async setRolloutState(id, from, to, opts = {}) {
      const wave = opts.currentWave === undefined ? '' : ', current_wave = ?';
      const params: SqlValue[] = [to, iso(), ...(opts.currentWave === undefined ? [] : [opts.currentWave]), id, ...from];
      return (await db.run(`UPDATE rollouts SET state = ?, updated_at = ?${wave} WHERE id = ? AND state IN ${inList(from.length)}`, params)) === 1;
    },
    async listRolloutHosts(rolloutId) {
      return (await db.query('SELECT * FROM rollout_hosts WHERE rollout_id = ? ORDER BY wave, host_name', [rolloutId])).map(rolloutHostFrom);
    },
    async updateRolloutHost(rolloutId, hostName, patch) {
      const columns = { state: 'state', jobId: 'job_id', executionId: 'execution_id', failedStep: 'failed_step', lastError: 'last_error', logTail: 'log_tail' } as const;
      const given = (Object.keys(columns) as (keyof typeof columns)[]).filter((k) => patch[k] !== undefined);
      const set = ['updated_at = ?', ...given.map((k) => `${columns[k]} = ?`)].join(', ');
      const changed = await db.run(`UPDATE rollout_hosts SET ${set} WHERE rollout_id = ? AND host_name = ?`,
        [iso(), ...given.map((k) => patch[k] ?? null), rolloutId, hostName]);
      if (changed === 0) throw new FerryError('NOT_FOUND', `No host ${hostName} in rollout ${rolloutId} of the Ferry store ${options.name}`);
    },
    async releaseRolloutHosts(r) {
      try {
        return await db.transaction(async (tx) => {
          const at = iso();
          // The conditional UPDATE takes the rollout's row lock first: a second controller waits here, then sees the new wave or count.
          if ((await tx.run('UPDATE rollouts SET current_wave = ?, updated_at = ? WHERE id = ? AND current_wave = ?', [r.wave, at, r.rolloutId, r.expectWave])) === 0) {
            throw new LostRace();
          }
          if (r.expectActive !== undefined) {
            const active = Number((await one(tx, "SELECT COUNT(*) AS c FROM rollout_hosts WHERE rollout_id = ? AND state IN ('queued', 'running')", [r.rolloutId]))?.c);
            if (active !== r.expectActive) throw new LostRace();
          }
          const jobs: JobRecord[] = [];
          for (const h of r.hosts) {
            // A host another controller already moved on (queued, skipped, cancelled…) is not queued again.
            if ((await tx.run("UPDATE rollout_hosts SET state = 'queued', updated_at = ? WHERE rollout_id = ? AND host_name = ? AND state = 'pending'", [at, r.rolloutId, h.hostName])) === 0) continue;
            const job = await insertJob(tx, { kind: h.kind, payload: h.payload, hostName: h.hostName, rolloutId: r.rolloutId, maxAttempts: h.maxAttempts });
            await tx.run('UPDATE rollout_hosts SET job_id = ? WHERE rollout_id = ? AND host_name = ?', [job.id, r.rolloutId, h.hostName]);
            jobs.push(job);
          }
          return jobs;
        });
      } catch (e) {
        if (e instanceof LostRace) return undefined;
        throw e;
      }
    },

    async createApiToken(t) {
      return apiTokenFrom(await row(db, 'INSERT INTO api_tokens (id, name, role, hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
        [t.id, t.name, t.role, t.hash, t.createdBy, iso()]));
    },
    async findApiToken(hash) {
      const r = await one(db, 'SELECT * FROM api_tokens WHERE hash = ? AND revoked_at IS NULL', [hash]);
      return r && { ...apiTokenFrom(r), hash: String(r.hash) };
    },
    async listApiTokens() { return (await db.query('SELECT * FROM api_tokens ORDER BY created_at, id')).map(apiTokenFrom); },
    async revokeApiToken(id) {
      return db.transaction(async (tx) => {
        if ((await tx.run('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [iso(), id])) === 0) return false;
        await tx.run('DELETE FROM api_sessions WHERE token_id = ?', [id]);
        return true;
      });
    },
    async createApiSession(s) {
      await db.run('INSERT INTO api_sessions (hash, token_id, csrf_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [s.hash, s.tokenId, s.csrfHash, iso(), s.expiresAt]);
    },
    async findApiSession(hash) {
      const r = await one(db, `SELECT s.token_id AS session_token_id, s.csrf_hash, s.expires_at, t.* FROM api_sessions s JOIN api_tokens t ON t.id = s.token_id
        WHERE s.hash = ? AND s.expires_at > ? AND t.revoked_at IS NULL`, [hash, iso()]);
      return r && { tokenId: String(r.session_token_id), csrfHash: String(r.csrf_hash), expiresAt: String(r.expires_at), token: apiTokenFrom(r) };
    },
    async deleteApiSession(hash) { await db.run('DELETE FROM api_sessions WHERE hash = ?', [hash]); },

    async queryHosts(q) {
      const where: string[] = [];
      const params: SqlValue[] = [];
      // Written as the bare indexed expression (a COALESCE around it would not use the index).
      if (q.source === 'unknown') where.push(`(${sourceLabel} IS NULL OR ${sourceLabel} = 'unknown')`);
      else if (q.source !== undefined) { where.push(`${sourceLabel} = ?`); params.push(q.source); }
      const run = q.readiness !== undefined || q.target !== undefined ? await newestRun() : undefined;
      if (q.readiness !== undefined && q.target !== undefined) {
        where.push('name IN (SELECT host_name FROM fleet_assessments WHERE run_id = ? AND target = ? AND readiness = ?)');
        params.push(run ?? '', q.target, q.readiness);
      }
      // The search is a substring match with the wildcards escaped, case-insensitive: SQLite's LIKE is (for
      // ASCII), PostgreSQL's ILIKE. ESCAPE only when the text has a wildcard to escape (it halves SQLite's LIKE speed).
      const scan = { where: [...where], params: [...params] };
      let matches: { where: string[]; params: SqlValue[] } = scan;
      if (q.search) {
        const like = db.dialect === 'postgres' ? 'ILIKE' : 'LIKE';
        const escape = /[\\%_]/.test(q.search) ? " ESCAPE '\\'" : '';
        const pattern = `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        scan.where.push(`(name ${like} ?${escape} OR address ${like} ?${escape})`);
        scan.params.push(pattern, pattern);
        // On SQLite, a search of 3 characters or more is answered by the trigram index (migration h3-hosts-search):
        // its phrase matches the same substrings of name or address, read from the index instead of every row;
        // the LIKE stays on the rows it yields, so the answer is LIKE's.
        if (db.dialect === 'sqlite' && [...q.search].length >= 3) {
          matches = {
            where: ['rowid IN (SELECT rowid FROM hosts_fts WHERE hosts_fts MATCH ?)', ...scan.where],
            params: [`"${q.search.replace(/"/g, '""')}"`, ...scan.params],
          };
        }
      }
      const filter = (w: string[]): string => (w.length ? `WHERE ${w.join(' AND ')}` : '');
      const column = { name: 'name', address: 'address', source: sourceLabel }[q.sort ?? 'name'];
      const direction = q.descending ? 'DESC' : 'ASC';
      const total = Number((await one(db, `SELECT COUNT(*) AS c FROM hosts ${filter(matches.where)}`, matches.params))?.c);
      // Few matches are fetched from the index and sorted; many are read in the sort's index order, which stops
      // at the page instead of sorting them all.
      const page = total <= FETCH_MATCHES_UP_TO ? matches : scan;
      const rows = await db.query(`SELECT name, address, ${sourceLabel} AS source, groups, removed_at FROM hosts ${filter(page.where)}
        ORDER BY ${column === 'name' ? '' : `${column} ${direction}, `}name ${direction} LIMIT ? OFFSET ?`, [...page.params, q.limit, q.offset]);
      const readiness = new Map<string, Record<string, string>>(rows.map((r) => [String(r.name), {}]));
      const newest = run ?? await newestRun();
      if (newest !== undefined && rows.length > 0) {
        const names = [...readiness.keys()];
        for (const r of await db.query(`SELECT host_name, target, readiness FROM fleet_assessments WHERE run_id = ? AND host_name IN ${inList(names.length)}`, [newest, ...names])) {
          const of = readiness.get(String(r.host_name));
          if (of) of[String(r.target)] = String(r.readiness);
        }
      }
      return {
        total,
        hosts: rows.map((r) => ({
          name: String(r.name), address: str(r.address), source: str(r.source), groups: parse(r.groups), readiness: readiness.get(String(r.name)) ?? {},
          removedAt: str(r.removed_at),
        })),
      };
    },
    async countHostsBySource() {
      const rows = await db.query(`SELECT ${sourceLabel} AS source, COUNT(*) AS c FROM hosts WHERE removed_at IS NULL GROUP BY ${sourceLabel} ORDER BY COUNT(*) DESC, COALESCE(${sourceLabel}, '')`);
      return rows.map((r) => ({ source: str(r.source), count: Number(r.c) }));
    },
    async listRemovedHostNames() {
      return (await db.query('SELECT name FROM hosts WHERE removed_at IS NOT NULL ORDER BY name')).map((r) => String(r.name));
    },
    newestFleetRun: () => newestRun(),

    async appendAudit(a) {
      const r = await row(db, 'INSERT INTO audit_log (at, operator, action, subject, details) VALUES (?, ?, ?, ?, ?) RETURNING *',
        [a.at ?? iso(), a.operator, a.action, a.subject, json(a.details ?? null)]);
      return auditFrom(r);
    },
    async listAudit(opts = {}) {
      const where = opts.subject === undefined ? '' : 'WHERE subject = ?';
      const limit = opts.limit === undefined ? '' : 'LIMIT ?';
      const rows = await db.query(`SELECT * FROM audit_log ${where} ORDER BY id DESC ${limit}`,
        [...(opts.subject === undefined ? [] : [opts.subject]), ...(opts.limit === undefined ? [] : [opts.limit])]);
      return rows.map(auditFrom).reverse();
    },

    enqueueJob: (j) => insertJob(db, j),
    async claimJob(c) {
      return db.transaction(async (tx): Promise<JobRecord | undefined> => {
        const at = iso();
        const kinds = c.kinds ?? [];
        const kindFilter = kinds.length ? `AND kind IN ${inList(kinds.length)}` : '';
        const lock = tx.dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
        for (;;) {
          const r = await one(tx, `SELECT * FROM jobs WHERE ((state = 'queued' AND run_after <= ?) OR (state = 'running' AND lease_expires_at < ?)) ${kindFilter}
            ORDER BY run_after, id LIMIT 1 ${lock}`, [at, at, ...kinds]);
          if (!r) return undefined;
          const job = jobFrom(r);
          if (job.state === 'running' && job.attempts >= job.maxAttempts) {
            await tx.run(`UPDATE jobs SET state = 'failed', lease_owner = NULL, lease_expires_at = NULL, last_error = ?, updated_at = ? WHERE id = ?`,
              [`lease of ${job.leaseOwner ?? '?'} expired on attempt ${job.attempts} of ${job.maxAttempts}`, at, job.id]);
            continue;
          }
          const claimed = await row(tx, `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ?, updated_at = ? WHERE id = ? RETURNING *`,
            [c.worker, iso(c.leaseMs), at, job.id]);
          return jobFrom(claimed);
        }
      });
    },
    async heartbeatJob(id, worker, leaseMs) {
      return (await db.run(`UPDATE jobs SET lease_expires_at = ?, updated_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`, [iso(leaseMs), iso(), id, worker])) === 1;
    },
    async completeJob(id, worker, result) {
      return (await db.run(`UPDATE jobs SET state = 'done', result = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`,
        [result === undefined ? null : json(result), iso(), id, worker])) === 1;
    },
    async failJob(id, worker, error, opts = {}) {
      // SET reads the row's old values: the state is decided on the attempts left after the refund.
      const refund = opts.refund ? 1 : 0;
      return (await db.run(`UPDATE jobs SET state = CASE WHEN attempts - ? < max_attempts THEN 'queued' ELSE 'failed' END,
          attempts = attempts - ?, run_after = ?, last_error = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
        WHERE id = ? AND state = 'running' AND lease_owner = ?`, [refund, refund, iso(opts.retryDelayMs ?? 0), error, iso(), id, worker])) === 1;
    },
    async getJob(id) {
      const r = await one(db, 'SELECT * FROM jobs WHERE id = ?', [id]);
      return r && jobFrom(r);
    },
    async listJobs(opts = {}) {
      const where: string[] = [];
      const params: SqlValue[] = [];
      if (opts.rolloutId !== undefined) { where.push('rollout_id = ?'); params.push(opts.rolloutId); }
      if (opts.state !== undefined) { where.push('state = ?'); params.push(opts.state); }
      return (await db.query(`SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`, params)).map(jobFrom);
    },
    async cancelJobs(opts) {
      return db.run(`UPDATE jobs SET state = 'cancelled', updated_at = ? WHERE rollout_id = ? AND state = 'queued'`, [iso(), opts.rolloutId]);
    },
  };
  return store;
}
