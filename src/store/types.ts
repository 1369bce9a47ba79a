/**
 * Ferry's store: one async interface over SQLite (default) and PostgreSQL (sql-store.ts, one set of
 * queries; open.ts picks the dialect from the location). Records carry JSON documents (facts,
 * assessments, plans) as produced by their layers; the store does not interpret them beyond the columns
 * it indexes.
 */
import type { ExecutionState, JournalEntry, JournalSink, JsonValue } from '../exec/types.js';
import type { RolloutHostState, RolloutState } from '../fleet/rollout-spec.js';

/** How to reach a host, as the inventory gave it (Ansible's ansible_host/port/user/ssh_private_key_file). Never a secret. */
export interface HostConnection {
  address?: string;
  port?: number;
  user?: string;
  identityFile?: string;
}

export interface HostRecord {
  name: string;
  address: string | null;
  labels: Record<string, string>;
  /** Inventory groups the host belongs to (all ancestors included, 'all' and 'ungrouped' excluded). */
  groups: string[];
  /** Inventory variables after Ansible's precedence, secrets (password-like names) dropped. */
  vars: Record<string, JsonValue>;
  connection: HostConnection;
  /** The inventory file (or 'cli') the host came from; null for hosts recorded by single-host commands. */
  source: string | null;
  /** Identity as last collected: the SSH host key fingerprint (SHA256:…) and /etc/machine-id. */
  hostKeyFingerprint: string | null;
  machineId: string | null;
  /**
   * When a re-import of its source (the inventory it came from) no longer listed it: out of every selection
   * (collect, assess, rollouts) until an import lists it again or it is pruned. null while listed.
   */
  removedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type CollectionOutcome = 'ok' | 'unreachable' | 'auth' | 'host-key-changed' | 'timeout' | 'command-failed' | 'identity-changed';
export interface CollectionRecord {
  id: number;
  hostName: string;
  at: string;
  outcome: CollectionOutcome;
  message: string | null;
  attempts: number;
  durationMs: number;
  factSnapshotId: number | null;
}

/** One host × target line of a fleet assessment; the full document is shared by every host with the same package set. */
export interface FleetAssessmentRecord {
  runId: string;
  hostName: string;
  target: string;
  factSnapshotId: number | null;
  /** Key of the shared assessment document (content hash of target + assessed inputs). */
  documentKey: string;
  /** Readiness of the host for this target: ready | risks | blocked | not-assessed. */
  readiness: string;
  score: number | null;
  /** Check keys of the blocking findings. */
  blockers: string[];
  /** Installed package names with no counterpart in the target. */
  missing: string[];
  /** The target's position in the run's targets as given (`--to`): rows are listed in that order, which decides ties. Default 0. */
  targetIndex?: number;
}

/** The rollout and rollout-host states are src/fleet's vocabulary (its state machine owns them). */
export type { RolloutHostState, RolloutState };
export interface RolloutRecord {
  id: string;
  name: string | null;
  target: string;
  /** The selector as the operator wrote it. */
  selector: string;
  /** The rollout's settings (canary, waves, caps, threshold, gate, window) as src/fleet defines them. */
  spec: JsonValue;
  state: RolloutState;
  /** Index of the newest released wave (0 = canary), -1 before the first. */
  currentWave: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface RolloutHostRecord {
  rolloutId: string;
  hostName: string;
  wave: number;
  /** Group key for per-group caps (e.g. the HA pair), null when none. */
  capGroup: string | null;
  state: RolloutHostState;
  jobId: number | null;
  executionId: string | null;
  failedStep: string | null;
  lastError: string | null;
  logTail: string | null;
  updatedAt: string;
}

export interface AuditRecord { id: number; at: string; operator: string; action: string; subject: string; details: JsonValue }

/** Roles of API tokens, least to most: viewer reads, operator acts on rollouts and jobs, admin also manages tokens. */
export const API_ROLES = ['viewer', 'operator', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];
/** An API token as listed: never its secret nor its hash. */
export interface ApiTokenRecord { id: string; name: string; role: ApiRole; createdBy: string; createdAt: string; revokedAt: string | null }
/** A dashboard session: the token it was opened with, the hash of its CSRF token, when it ends. */
export interface ApiSessionRecord { tokenId: string; csrfHash: string; expiresAt: string; token: ApiTokenRecord }

/** A page of the host list: filtered on the narrow columns, sorted, cut to offset/limit. */
export interface HostPageQuery {
  /** Case-insensitive substring of the name or address. */
  search?: string;
  /** The host's source release label (`unknown` for hosts never collected). */
  source?: string;
  /** With target: only hosts whose newest fleet assessment for it has this readiness. */
  readiness?: string;
  target?: string;
  sort?: 'name' | 'address' | 'source';
  descending?: boolean;
  offset: number;
  limit: number;
}
export interface HostSummary {
  name: string;
  address: string | null;
  source: string | null;
  groups: string[];
  /** Readiness per target in the newest fleet assessment run (empty when none assessed the host). */
  readiness: Record<string, string>;
  /** When its inventory stopped listing it (ferry inventory import), null while listed. */
  removedAt: string | null;
}

export interface FactSnapshotRecord { id: number; hostName: string; collectedAt: string; facts: JsonValue }
export interface AssessmentRecord { id: number; hostName: string; target: string; factSnapshotId: number | null; createdAt: string; result: JsonValue }
export interface PlanRecord { id: string; hostName: string; target: string; createdAt: string; plan: JsonValue }

export type { ExecutionState } from '../exec/types.js';
export interface ExecutionReportRecord { executionId: string; kind: string; createdAt: string; report: JsonValue }
export interface ExecutionRecord { id: string; planId: string | null; hostName: string | null; state: ExecutionState; createdAt: string; updatedAt: string }

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export interface JobRecord {
  id: number;
  kind: string;
  hostName: string | null;
  rolloutId: string | null;
  payload: JsonValue;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  /** Not claimable before this instant (retry back-off). */
  runAfter: string;
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  lastError: string | null;
  result: JsonValue | null;
  createdAt: string;
  updatedAt: string;
}

export interface Store extends JournalSink {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies pending numbered migrations; returns the schema version now in place. */
  migrate(): Promise<number>;
  /** The store's own consistency check (SQLite: PRAGMA quick_check): the problems found, none when sound. */
  checkIntegrity(): Promise<string[]>;
  close(): Promise<void>;

  /** Creates or updates; fields left undefined keep their stored value. Giving `source` also clears removedAt (listed again). */
  upsertHost(host: { name: string; address?: string; labels?: Record<string, string>; groups?: string[]; vars?: Record<string, JsonValue>; connection?: HostConnection; source?: string }): Promise<HostRecord>;
  /** Many hosts in one transaction (inventory import of thousands). */
  upsertHosts(hosts: ReadonlyArray<Parameters<Store['upsertHost']>[0]>): Promise<number>;
  getHost(name: string): Promise<HostRecord | undefined>;
  /** Every host, removed ones included (removedAt says which). */
  listHosts(): Promise<HostRecord[]>;
  /** Marks the named hosts removed (removedAt = now) unless they already are; returns how many it marked. */
  markHostsRemoved(names: readonly string[]): Promise<number>;
  /**
   * Deletes the named hosts and every record that belongs to them (snapshots, collections, assessments, plans,
   * their lines in finished rollouts), in one transaction; executions and their journals are kept (a migration's
   * evidence). HOST_IN_ROLLOUT, deleting nothing, when one of them is in a rollout still under way (its line
   * pending, queued or running) or has a queued or running job; NOT_FOUND for a name the store does not have.
   */
  deleteHosts(names: readonly string[]): Promise<number>;
  /** Records the identity seen at collection (host key fingerprint, machine-id); NOT_FOUND for an unknown host. */
  setHostIdentity(name: string, identity: { hostKeyFingerprint?: string; machineId?: string }): Promise<void>;

  saveFactSnapshot(s: { hostName: string; facts: JsonValue; collectedAt?: string }): Promise<FactSnapshotRecord>;
  latestFactSnapshot(hostName: string): Promise<FactSnapshotRecord | undefined>;
  /** The newest snapshot of every host that has one (fleet assessment input). */
  latestFactSnapshots(hostNames?: readonly string[]): Promise<FactSnapshotRecord[]>;
  recordCollection(c: Omit<CollectionRecord, 'id' | 'at'> & { at?: string }): Promise<CollectionRecord>;
  /** The newest collection result per host. */
  latestCollections(): Promise<CollectionRecord[]>;

  /** Idempotent: the same key is stored once. */
  saveAssessmentDocument(key: string, document: JsonValue): Promise<void>;
  getAssessmentDocument(key: string): Promise<JsonValue | undefined>;
  saveFleetAssessments(rows: readonly FleetAssessmentRecord[]): Promise<void>;
  /** Rows of one run, or of the newest run when runId is omitted. */
  listFleetAssessments(runId?: string): Promise<FleetAssessmentRecord[]>;
  saveAssessment(a: { hostName: string; target: string; factSnapshotId?: number; result: JsonValue }): Promise<AssessmentRecord>;
  listAssessments(hostName: string): Promise<AssessmentRecord[]>;
  savePlan(p: { id: string; hostName: string; target: string; plan: JsonValue }): Promise<PlanRecord>;
  getPlan(id: string): Promise<PlanRecord | undefined>;

  createExecution(e: { id: string; planId?: string; hostName?: string }): Promise<ExecutionRecord>;
  getExecution(id: string): Promise<ExecutionRecord | undefined>;
  /** What a run found on the host (kind: `workload`, `config-drift`), one document per kind; saving a kind again replaces it. */
  saveExecutionReport(r: { executionId: string; kind: string; report: JsonValue }): Promise<void>;
  listExecutionReports(executionId: string): Promise<ExecutionReportRecord[]>;
  /** Idempotent on (executionId, seq): re-mirroring a journal after a crash inserts only what is missing. */
  appendJournalEntry(entry: JournalEntry): Promise<void>;
  listJournal(executionId: string): Promise<JournalEntry[]>;

  createRollout(r: { id: string; name?: string; target: string; selector: string; spec: JsonValue; createdBy: string; hosts: ReadonlyArray<{ hostName: string; wave: number; capGroup?: string }> }): Promise<RolloutRecord>;
  getRollout(id: string): Promise<RolloutRecord | undefined>;
  listRollouts(): Promise<RolloutRecord[]>;
  /** Compare-and-set: changes state (and currentWave when given) only if the state is still `from`; false otherwise. */
  setRolloutState(id: string, from: readonly RolloutState[], to: RolloutState, opts?: { currentWave?: number }): Promise<boolean>;
  listRolloutHosts(rolloutId: string): Promise<RolloutHostRecord[]>;
  /** Sets the given fields only; NOT_FOUND when the host is not in the rollout. */
  updateRolloutHost(rolloutId: string, hostName: string, patch: Partial<Pick<RolloutHostRecord, 'state' | 'jobId' | 'executionId' | 'failedStep' | 'lastError' | 'logTail'>>): Promise<void>;
  /**
   * Atomically releases hosts: only when the rollout's currentWave is still `expectWave`, sets it to `wave`,
   * moves the named pending hosts to queued and enqueues one job each (kind, payload from the caller, rolloutId set).
   * With expectActive, also only when the rollout's queued + running host count is still that (so two
   * controllers deciding from the same view cannot both release past a concurrency cap).
   * Returns the jobs created, or undefined when another controller released first.
   */
  releaseRolloutHosts(r: { rolloutId: string; expectWave: number; wave: number; expectActive?: number; hosts: ReadonlyArray<{ hostName: string; kind: string; payload: JsonValue; maxAttempts?: number }> }): Promise<JobRecord[] | undefined>;

  /** API tokens: the hash is SHA-256 of the secret (the secret itself is never stored). */
  createApiToken(t: { id: string; name: string; role: ApiRole; hash: string; createdBy: string }): Promise<ApiTokenRecord>;
  /** The token with this hash, unless revoked. */
  findApiToken(hash: string): Promise<(ApiTokenRecord & { hash: string }) | undefined>;
  listApiTokens(): Promise<ApiTokenRecord[]>;
  /** Revokes the token and ends its sessions; false when no unrevoked token has this id. */
  revokeApiToken(id: string): Promise<boolean>;
  createApiSession(s: { hash: string; tokenId: string; csrfHash: string; expiresAt: string }): Promise<void>;
  /** The session with this hash while it has not expired and its token is not revoked. */
  findApiSession(hash: string): Promise<ApiSessionRecord | undefined>;
  deleteApiSession(hash: string): Promise<void>;

  queryHosts(q: HostPageQuery): Promise<{ total: number; hosts: HostSummary[] }>;
  /** How many hosts carry each source release label (null: none recorded), most first, then by label (null first); removed hosts are not counted. */
  countHostsBySource(): Promise<Array<{ source: string | null; count: number }>>;
  /** The hosts their inventory no longer lists, by name. */
  listRemovedHostNames(): Promise<string[]>;
  /** The newest fleet assessment run's id, undefined before the first. */
  newestFleetRun(): Promise<string | undefined>;

  appendAudit(a: { operator: string; action: string; subject: string; details?: JsonValue; at?: string }): Promise<AuditRecord>;
  /** Oldest first; with limit, the newest `limit` records (still oldest first). */
  listAudit(opts?: { subject?: string; limit?: number }): Promise<AuditRecord[]>;

  enqueueJob(j: { kind: string; payload: JsonValue; hostName?: string; rolloutId?: string; maxAttempts?: number; runAfter?: string }): Promise<JobRecord>;
  /**
   * Atomically claims the oldest runnable job (queued and due, or running with an expired lease) for
   * `worker` until now + leaseMs, counting an attempt. A job whose lease expired on its last attempt is
   * failed instead of claimed.
   */
  claimJob(c: { worker: string; leaseMs: number; kinds?: string[] }): Promise<JobRecord | undefined>;
  /** Extends the lease; false when the worker no longer holds it. */
  heartbeatJob(id: number, worker: string, leaseMs: number): Promise<boolean>;
  completeJob(id: number, worker: string, result?: JsonValue): Promise<boolean>;
  /**
   * Requeues after retryDelayMs while attempts remain, else marks failed. False when not the holder. With
   * `refund`, the claim's attempt is given back (nothing ran: the host was busy with a live run), so a job
   * waiting for a host never runs out of attempts while it waits.
   */
  failJob(id: number, worker: string, error: string, opts?: { retryDelayMs?: number; refund?: boolean }): Promise<boolean>;
  getJob(id: number): Promise<JobRecord | undefined>;
  listJobs(opts?: { rolloutId?: string; state?: JobState }): Promise<JobRecord[]>;
  /** Cancels queued jobs (abort); running ones are left to their worker. Returns how many. */
  cancelJobs(opts: { rolloutId: string }): Promise<number>;
}
