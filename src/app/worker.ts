/**
 * The fleet worker (`ferry worker`): claims migration jobs from the store with a lease, keeps the lease alive
 * with heartbeats while the host migrates, and records the outcome on the rollout. Several workers (one
 * machine on SQLite, several on PostgreSQL) share the queue; the store's claim is the only coordination.
 *
 * The host's journal is the truth about a host, not the job: a job claimed again after its worker died
 * (lease expired) finds the interrupted execution on the host and resumes it, and a job whose host already
 * completed that migration records it as done without running anything — so no host is migrated twice. The
 * journal lock on the host stops two workers that hold the same host at once (a lease lost to a stall).
 */
import { hostname } from 'node:os';
import { backoffDelay } from '../core/backoff.js';
import { isFerryError, redact, type ProgressEvent } from '../core/index.js';
import { readCurrentExecution } from '../exec/journal.js';
import type { JobRecord, Store } from '../store/index.js';
import { classifyFailure } from './fleet-collect.js';
import type { RebootConfig, RebootWait } from '../exec/reboot.js';
import { hostOptionsFor, openHost, type HostOptions, type Transport } from './host.js';
import { rebootWaitFor } from './reboot.js';
import { hostProgress, migrateRoute, resumeRoute } from './route.js';
import { createRepoCache, type RepoCache } from './repos.js';
import { advanceRollout, advanceRollouts, deferReason, pesRunOptions, MIGRATE_JOB, parseMigrateJobPayload, type MigrateJobPayload } from './rollout.js';

export interface WorkerOptions {
  store: Store;
  /** Unique per worker process; default host:pid. */
  id?: string;
  /** Jobs run at once by this worker (default 10). */
  concurrency?: number;
  /** Lease length; heartbeats renew it every third of it (default 60 s). */
  leaseMs?: number;
  /** How long to sleep when the queue is empty (default 1 s). */
  pollMs?: number;
  /** Stop claiming and return once the queue stays empty and nothing runs (default: run until aborted). */
  exitWhenIdle?: boolean;
  signal?: AbortSignal;
  /** Keys and known_hosts for hosts whose inventory names none. */
  hostDefaults?: Pick<HostOptions, 'identityFiles' | 'knownHostsFiles'>;
  /** The operator the worker acts for in the audit log and overrides. */
  operator?: string;
  onEvent?: (e: WorkerEvent) => void;
  /** Opens a host; default openHost (tests of the loop pass a fake only for pure loop behaviour). */
  open?: typeof openHost;
  /** How a host reboots and proves it did, for plans with a step that ends in a reboot (cross-major); default rebootConfig's. */
  reboot?: Partial<RebootConfig>;
}

export type WorkerEvent =
  | { type: 'claimed'; job: number; host: string; attempt: number }
  | { type: 'finished'; job: number; host: string; outcome: HostOutcome['state']; detail?: string }
  | { type: 'retry'; job: number; host: string; error: string; inMs: number }
  | { type: 'lease-lost'; job: number; host: string }
  /** Claimed but not started: its rollout was paused or its window closed since it was queued. */
  | { type: 'deferred'; job: number; host: string; why: string }
  /** The store could not be reached; the worker waits and goes on (a host's journal stays the truth meanwhile). */
  | { type: 'store-unavailable'; error: string; inMs: number };

export interface HostOutcome {
  state: 'succeeded' | 'failed';
  executionId?: string;
  failedStep?: string;
  error?: string;
  logTail?: string;
  /** How the host was reached this attempt: a fresh migration, a resumed one, or one found already done. */
  how: 'migrated' | 'resumed' | 'already-done' | 'not-started';
}

const LOG_TAIL_LINES = 20;
const LIVE_TAIL_MS = 1000;
/**
 * Failures worth another attempt later: the transport failures collection retries (classifyFailure, the one
 * answer to which connection failures are transient), and a journal lock another run still holds.
 */
function isTransient(e: unknown): boolean {
  return isFerryError(e) && (e.code === 'JOURNAL_LOCKED' || classifyFailure(e)?.transient === true);
}

/**
 * The host's lock is held by a run that is alive (not a stale lock): another worker, or this one, still
 * migrating the host after its lease was lost to a stall. Waiting for it costs no attempt: the job is
 * requeued with its attempt refunded, and once that run ends the job finds the host done or interrupted.
 */
function isHeldByLiveRun(e: unknown): boolean {
  return isFerryError(e, 'JOURNAL_LOCKED') && e.details?.holder != null && e.details.stale !== true;
}

/** The pause before a transient failure's retry, and before the worker asks a store that dropped again. */
const RETRY_BACKOFF = { baseMs: 2000, maxMs: 60_000 };
const STORE_BACKOFF_MAX_MS = 30_000;

/** The hop a route's gate stopped before (route.ts continueRoute's PLAN_INHIBITED names it), if that is what stopped the host. */
function gateHop(e: unknown): number | undefined {
  return isFerryError(e, 'PLAN_INHIBITED') && typeof e.details?.hop === 'number' ? e.details.hop : undefined;
}

export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}`;
}

/** Runs one migration job to its outcome on the host; never throws for host-side failures (they are the outcome). */
export async function runMigrationJob(o: { store: Store; job: JobRecord; payload: MigrateJobPayload; hostDefaults?: WorkerOptions['hostDefaults']; repoCache?: RepoCache; open?: typeof openHost; operator?: string; reboot?: Partial<RebootConfig> }): Promise<HostOutcome & { transient?: boolean; hostBusy?: boolean }> {
  const host = await o.store.getHost(o.payload.hostName);
  if (!host) return { state: 'failed', how: 'not-started', error: `${o.payload.hostName} is not in the store` };
  const tail: string[] = [];
  let step: string | undefined;
  const onProgress = (e: ProgressEvent): void => {
    if (e.scope === 'step') {
      if (e.phase === 'start') step = e.step.title;
      if (e.phase === 'end' && step === e.step.title) step = undefined;
      tail.push(`${e.phase} ${e.step.title}${e.detail ? `: ${e.detail}` : ''}`);
    } else if (e.scope === 'output') tail.push(e.message);
    if (tail.length > LOG_TAIL_LINES) tail.splice(0, tail.length - LOG_TAIL_LINES);
    flushTail();
  };
  // The tail reaches the rollout host's record while the host migrates (at most every LIVE_TAIL_MS), so the
  // store — and `ferry serve`'s event streams, which read it — show progress lines live; best effort.
  let lastFlush = 0;
  let flushing: Promise<void> = Promise.resolve();
  const flushTail = (): void => {
    if (Date.now() - lastFlush < LIVE_TAIL_MS) return;
    lastFlush = Date.now();
    const logTail = redact(tail.join('\n'));
    flushing = flushing.then(() => o.store.updateRolloutHost(o.payload.rolloutId, o.payload.hostName, { logTail })).catch(() => undefined);
  };
  let transport: Transport;
  let rebootWait: RebootWait | undefined;
  try {
    const options = hostOptionsFor(host, o.hostDefaults);
    const opened = await (o.open ?? openHost)(options);
    // An SSH host on a connection the reboot boundary can replace, as ferry migrate opens it (app/reboot.ts).
    const boundary = rebootWaitFor(opened, options, o.reboot ?? {}, onProgress);
    transport = boundary?.transport ?? opened;
    rebootWait = boundary?.rebootWait;
  } catch (e) {
    return { state: 'failed', how: 'not-started', error: redact((e as Error).message), transient: isTransient(e), ...(isHeldByLiveRun(e) ? { hostBusy: true } : {}) };
  }
  try {
    // The host must be the one collected and assessed: a host key other than the one recorded at collection
    // (known_hosts updated since, a reinstalled or swapped machine) is refused before anything is read.
    if (host.hostKeyFingerprint && transport.hostKeyFingerprint && transport.hostKeyFingerprint !== host.hostKeyFingerprint) {
      return {
        state: 'failed', how: 'not-started',
        error: `${host.name} presented host key ${transport.hostKeyFingerprint}, not ${host.hostKeyFingerprint} recorded when it was collected; refused (collect it again once the change is explained: ferry fleet collect ${host.name})`,
      };
    }
    const common = { transport, store: o.store, storeHost: host.name, onProgress, ...(rebootWait ? { rebootWait } : {}) };
    // What the host has done toward the target (its journal and route file are the truth, not the job).
    const progress = await hostProgress({ transport, target: o.payload.target, store: o.store });
    if (progress.state === 'done') {
      return { state: progress.verified ? 'succeeded' : 'failed', how: 'already-done', executionId: progress.executionId, ...(progress.verified ? {} : { error: 'verification failed' }) };
    }
    const how: HostOutcome['how'] = progress.state === 'resume' ? 'resumed' : 'migrated';
    // The rollout's events files: each plan reads them once and refuses bytes other than those the rollout recorded
    // (a resumed route plans its next hop with the digests its route file recorded from these).
    const pes = o.payload.pes ? pesRunOptions(o.payload.pes) : undefined;
    const by = o.payload.by ?? o.operator;
    // The same route code `ferry migrate` and `ferry resume` run: a multi-hop target goes hop by hop behind its gates.
    const run = progress.state === 'resume'
      ? await resumeRoute({ ...common, ...(by ? { by } : {}) })
      : await migrateRoute({
        ...common, target: o.payload.target, repos: o.payload.repos, gpgcheck: o.payload.gpgcheck, repoCache: o.repoCache,
        ...(pes ? { ...pes, pesScope: 'fleet' as const } : {}), ...(by ? { by } : {}),
      });
    const result = run.hops[run.hops.length - 1];
    const verified = result.verify?.ok !== false;
    return {
      state: verified ? 'succeeded' : 'failed', how, executionId: result.result.executionId,
      ...(verified ? {} : { error: 'verification failed', logTail: tail.join('\n') }),
    };
  } catch (e) {
    const code = isFerryError(e) ? e.code : 'INTERNAL';
    const current = await readCurrentExecution(transport).catch(() => undefined);
    return {
      state: 'failed', how: 'migrated', error: redact((e as Error).message), logTail: redact(tail.join('\n')),
      ...(step ? { failedStep: step } : gateHop(e) !== undefined ? { failedStep: `the gate before hop ${gateHop(e)}` } : {}), ...(current ? { executionId: current.executionId } : {}),
      // Only a failure before the host was touched is retried; a failed step waits for the operator. A store
      // that missed journal entries (it dropped during the run) is retried too: the next attempt finds the host's
      // execution done or interrupted and mirrors its journal while reading it.
      transient: (isTransient(e) && !current) || code === 'STORE_UNAVAILABLE',
      ...(isHeldByLiveRun(e) ? { hostBusy: true } : {}),
    };
  } finally {
    await flushing;
    await transport.close();
  }
}

/** The worker loop. Resolves when aborted (after running jobs finish) or, with exitWhenIdle, once idle. */
export async function runWorker(o: WorkerOptions): Promise<{ claimed: number; succeeded: number; failed: number }> {
  const id = o.id ?? defaultWorkerId();
  const concurrency = o.concurrency ?? 10;
  const leaseMs = o.leaseMs ?? 60_000;
  const pollMs = o.pollMs ?? 1000;
  const repoCache = createRepoCache();
  const running = new Set<Promise<void>>();
  const counts = { claimed: 0, succeeded: 0, failed: 0 };
  const emit = (e: WorkerEvent): void => o.onEvent?.(e);

  // Jobs and hosts this worker is running now: a job whose lease this worker lost to a stall and then claimed
  // again is left to the run still holding it, and a second job for a host this worker migrates waits.
  const runningJobs = new Set<number>();
  const runningHosts = new Set<string>();
  const requeueBusy = async (job: JobRecord, payload: MigrateJobPayload, why: string): Promise<void> => {
    const inMs = Math.max(1000, Math.floor(leaseMs / 3));
    emit({ type: 'retry', job: job.id, host: payload.hostName, error: why, inMs });
    await o.store.updateRolloutHost(payload.rolloutId, payload.hostName, { state: 'queued', lastError: why });
    await o.store.failJob(job.id, id, why, { retryDelayMs: inMs, refund: true });
  };

  const runJob = async (job: JobRecord): Promise<void> => {
    let payload: MigrateJobPayload;
    try {
      payload = parseMigrateJobPayload(job.payload, job.id);
    } catch (e) {
      await o.store.completeJob(job.id, id, { outcome: 'failed', error: redact((e as Error).message) });
      return;
    }
    const deferred = await deferReason({ store: o.store, rolloutId: payload.rolloutId });
    if (deferred) {
      // Not started: back to pending (the controller releases it again on resume or when the window opens).
      await o.store.updateRolloutHost(payload.rolloutId, payload.hostName, { state: 'pending', jobId: null });
      await o.store.completeJob(job.id, id, { outcome: 'deferred', why: deferred });
      emit({ type: 'deferred', job: job.id, host: payload.hostName, why: deferred });
      return;
    }
    if (runningHosts.has(payload.hostName)) {
      await requeueBusy(job, payload, `${payload.hostName} is being migrated by another job of this worker (${id})`);
      return;
    }
    emit({ type: 'claimed', job: job.id, host: payload.hostName, attempt: job.attempts });
    runningJobs.add(job.id);
    runningHosts.add(payload.hostName);
    await o.store.updateRolloutHost(payload.rolloutId, payload.hostName, { state: 'running', jobId: job.id });
    let lost = false;
    const beat = setInterval(() => {
      o.store.heartbeatJob(job.id, id, leaseMs).then((held) => {
        if (!held && !lost) { lost = true; emit({ type: 'lease-lost', job: job.id, host: payload.hostName }); }
      }, () => undefined);
    }, Math.max(1000, Math.floor(leaseMs / 3)));
    try {
      const out = await runMigrationJob({ store: o.store, job, payload, repoCache, ...(o.hostDefaults ? { hostDefaults: o.hostDefaults } : {}), ...(o.open ? { open: o.open } : {}), ...(o.operator ? { operator: o.operator } : {}), ...(o.reboot ? { reboot: o.reboot } : {}) });
      if (out.hostBusy) {
        await requeueBusy(job, payload, out.error ?? `${payload.hostName} is locked by a live run`);
        return;
      }
      if (out.transient && job.attempts < job.maxAttempts) {
        const inMs = backoffDelay(job.attempts, RETRY_BACKOFF);
        emit({ type: 'retry', job: job.id, host: payload.hostName, error: out.error ?? '', inMs });
        await o.store.updateRolloutHost(payload.rolloutId, payload.hostName, { state: 'queued', lastError: out.error ?? null });
        await o.store.failJob(job.id, id, out.error ?? 'failed', { retryDelayMs: inMs });
        return;
      }
      await o.store.updateRolloutHost(payload.rolloutId, payload.hostName, {
        state: out.state, executionId: out.executionId ?? null, failedStep: out.failedStep ?? null, lastError: out.error ?? null, logTail: out.logTail ?? null,
      });
      await o.store.completeJob(job.id, id, { outcome: out.state, how: out.how, ...(out.executionId ? { executionId: out.executionId } : {}) });
      if (out.state === 'succeeded') counts.succeeded++; else counts.failed++;
      emit({ type: 'finished', job: job.id, host: payload.hostName, outcome: out.state, ...(out.error ? { detail: out.error } : {}) });
    } finally {
      clearInterval(beat);
      runningJobs.delete(job.id);
      runningHosts.delete(payload.hostName);
      await advanceRollout({ store: o.store, rolloutId: payload.rolloutId }).catch(() => undefined);
    }
  };

  // A store that drops (a PostgreSQL restart, a SQLite write lock held long) pauses claiming, never ends the
  // worker: what it was recording is recorded on the host, and a job whose outcome did not reach the store is
  // claimed again once its lease expires and found done on the host.
  let storeDown = 0;
  const storeCall = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      const v = await fn();
      storeDown = 0;
      return v;
    } catch (e) {
      if (!isFerryError(e, 'STORE_UNAVAILABLE')) throw e;
      const inMs = backoffDelay(Math.min(++storeDown, 6), { baseMs: pollMs, maxMs: STORE_BACKOFF_MAX_MS });
      emit({ type: 'store-unavailable', error: redact(e.message), inMs });
      await new Promise((r) => setTimeout(r, inMs));
      return undefined;
    }
  };

  for (;;) {
    if (o.signal?.aborted) break;
    let job: JobRecord | undefined;
    if (running.size < concurrency) {
      job = await storeCall(() => o.store.claimJob({ worker: id, leaseMs, kinds: [MIGRATE_JOB] }));
      // The claim failed and storeCall waited: try again (at capacity nothing is claimed, so never loop here without waiting).
      if (storeDown > 0) continue;
    }
    if (job && runningJobs.has(job.id)) {
      // Our own lease ran out while the run went on (a stalled event loop, a slow store) and we claimed the
      // job again: the claim renewed the lease for the run still holding it, which finishes the job.
      continue;
    }
    if (job) {
      counts.claimed++;
      const p: Promise<void> = runJob(job).catch((e: unknown) => {
        // The outcome did not reach the store: the job's lease runs out and it is claimed again (then found done on the host).
        if (isFerryError(e, 'STORE_UNAVAILABLE')) emit({ type: 'store-unavailable', error: redact(e.message), inMs: leaseMs });
        else emit({ type: 'finished', job: job.id, host: job.hostName ?? '?', outcome: 'failed', detail: redact((e as Error).message) });
      }).finally(() => running.delete(p));
      running.add(p);
      continue;
    }
    // Idle: soak timers and windows move on without a job finishing.
    await storeCall(() => advanceRollouts({ store: o.store }));
    // Idle means no job of any worker left to run: a job leased by a dead worker keeps us until its lease expires and we take it.
    if (o.exitWhenIdle && running.size === 0) {
      const left = await storeCall(async () => [...await o.store.listJobs({ state: 'queued' }), ...await o.store.listJobs({ state: 'running' })].filter((j) => j.kind === MIGRATE_JOB));
      if (left?.length === 0) break;
    }
    await Promise.race([new Promise((r) => setTimeout(r, pollMs)), ...running]);
  }
  await Promise.all(running);
  return counts;
}

