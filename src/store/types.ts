/**
 * Ferry's store: one async interface, so a PostgreSQL adapter (later) can sit beside the SQLite one
 * (default). Records carry JSON documents (facts, assessments, plans) as produced by their layers; the
 * store does not interpret them beyond the columns it indexes.
 */
import type { JournalEntry, JournalSink, JsonValue } from '../exec/types.js';

export interface HostRecord {
  name: string;
  address: string | null;
  labels: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface FactSnapshotRecord { id: number; hostName: string; collectedAt: string; facts: JsonValue }
export interface AssessmentRecord { id: number; hostName: string; target: string; factSnapshotId: number | null; createdAt: string; result: JsonValue }
export interface PlanRecord { id: string; hostName: string; target: string; createdAt: string; plan: JsonValue }

export type ExecutionState = 'running' | 'completed' | 'failed' | 'rolling-back' | 'rolled-back' | 'rollback-incomplete';
export interface ExecutionRecord { id: string; planId: string | null; hostName: string | null; state: ExecutionState; createdAt: string; updatedAt: string }

export type JobState = 'queued' | 'running' | 'done' | 'failed';
export interface JobRecord {
  id: number;
  kind: string;
  hostName: string | null;
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
  readonly kind: 'sqlite';
  /** Applies pending numbered migrations; returns the schema version now in place. */
  migrate(): Promise<number>;
  close(): Promise<void>;

  upsertHost(host: { name: string; address?: string; labels?: Record<string, string> }): Promise<HostRecord>;
  getHost(name: string): Promise<HostRecord | undefined>;
  listHosts(): Promise<HostRecord[]>;

  saveFactSnapshot(s: { hostName: string; facts: JsonValue; collectedAt?: string }): Promise<FactSnapshotRecord>;
  latestFactSnapshot(hostName: string): Promise<FactSnapshotRecord | undefined>;
  saveAssessment(a: { hostName: string; target: string; factSnapshotId?: number; result: JsonValue }): Promise<AssessmentRecord>;
  listAssessments(hostName: string): Promise<AssessmentRecord[]>;
  savePlan(p: { id: string; hostName: string; target: string; plan: JsonValue }): Promise<PlanRecord>;
  getPlan(id: string): Promise<PlanRecord | undefined>;

  createExecution(e: { id: string; planId?: string; hostName?: string }): Promise<ExecutionRecord>;
  getExecution(id: string): Promise<ExecutionRecord | undefined>;
  /** Idempotent on (executionId, seq): re-mirroring a journal after a crash inserts only what is missing. */
  appendJournalEntry(entry: JournalEntry): Promise<void>;
  listJournal(executionId: string): Promise<JournalEntry[]>;

  enqueueJob(j: { kind: string; payload: JsonValue; hostName?: string; maxAttempts?: number; runAfter?: string }): Promise<JobRecord>;
  /**
   * Atomically claims the oldest runnable job (queued and due, or running with an expired lease) for
   * `worker` until now + leaseMs, counting an attempt. A job whose lease expired on its last attempt is
   * failed instead of claimed.
   */
  claimJob(c: { worker: string; leaseMs: number; kinds?: string[] }): Promise<JobRecord | undefined>;
  /** Extends the lease; false when the worker no longer holds it. */
  heartbeatJob(id: number, worker: string, leaseMs: number): Promise<boolean>;
  completeJob(id: number, worker: string, result?: JsonValue): Promise<boolean>;
  /** Requeues after retryDelayMs while attempts remain, else marks failed. False when not the holder. */
  failJob(id: number, worker: string, error: string, opts?: { retryDelayMs?: number }): Promise<boolean>;
  getJob(id: number): Promise<JobRecord | undefined>;
}
