/**
 * Fleet collection and assessment as jobs in the store's queue, so a front end (the HTTP API) only
 * enqueues and a runner does the work outside any request: `enqueueFleetJob` checks the payload and
 * records it, `runFleetJobs` claims jobs of these kinds with a lease and runs collectFleet / assessFleet.
 */
import { checkDocument, compileSchema, FerryError, redact, toJsonValue } from '../core/index.js';
import type { JobRecord, Store } from '../store/index.js';
import { assessFleet } from './fleet-assess.js';
import { collectFleet } from './fleet-collect.js';
import type { HostOptions } from './host.js';
import { listInventory } from './inventory.js';
import { parseRepoFlags } from './repos.js';

export const COLLECT_JOB = 'fleet-collect';
export const ASSESS_JOB = 'fleet-assess';

export type FleetJob =
  | { kind: typeof COLLECT_JOB; selector?: string }
  | { kind: typeof ASSESS_JOB; targets: string[]; repos?: string[]; selector?: string };

const validator = compileSchema<FleetJob>({
  oneOf: [
    { type: 'object', required: ['kind'], additionalProperties: false, properties: { kind: { const: COLLECT_JOB }, selector: { type: 'string' } } },
    {
      type: 'object', required: ['kind', 'targets'], additionalProperties: false,
      properties: { kind: { const: ASSESS_JOB }, targets: { type: 'array', minItems: 1, items: { type: 'string' } }, repos: { type: 'array', items: { type: 'string' } }, selector: { type: 'string' } },
    },
  ],
});

/** Checks what can be checked before the job runs (the selector parses, the repos flags read), then enqueues. Audited. */
export async function enqueueFleetJob(o: { store: Store; job: FleetJob; operator: string; from?: string }): Promise<JobRecord> {
  const job = checkDocument(validator, o.job, { document: 'fleet job', from: 'the request' });
  if (job.selector !== undefined) await listInventory(o.store, job.selector);
  if (job.kind === ASSESS_JOB) parseRepoFlags(job.repos ?? []);
  const record = await o.store.enqueueJob({ kind: job.kind, payload: toJsonValue(job), maxAttempts: 1 });
  await o.store.appendAudit({ operator: o.operator, action: `job.${job.kind}`, subject: `job-${record.id}`, details: toJsonValue({ ...job, ...(o.from ? { from: o.from } : {}) }) });
  return record;
}

async function runOne(store: Store, record: JobRecord, hostDefaults: Pick<HostOptions, 'identityFiles' | 'knownHostsFiles'>): Promise<Record<string, string | number>> {
  const job = checkDocument(validator, record.payload, { document: 'fleet job payload', from: `the Ferry store, job ${record.id}` });
  const hosts = await listInventory(store, job.selector);
  if (job.kind === COLLECT_JOB) {
    const r = await collectFleet({ store, hosts, ...(hostDefaults.identityFiles ? { identityFiles: hostDefaults.identityFiles } : {}), ...(hostDefaults.knownHostsFiles ? { knownHostsFiles: hostDefaults.knownHostsFiles } : {}) });
    return { hosts: r.hosts.length, failed: r.hosts.filter((h) => h.outcome !== 'ok').length };
  }
  const s = await assessFleet({ store, targets: job.targets, repos: parseRepoFlags(job.repos ?? []), ...(job.selector !== undefined ? { hostNames: hosts.map((h) => h.name) } : {}) });
  return { runId: s.runId, hosts: s.hosts, notAssessed: s.notAssessed.length };
}

/** Claims and runs fleet jobs one at a time until aborted. */
export async function runFleetJobs(o: { store: Store; worker: string; signal: AbortSignal; hostDefaults?: Pick<HostOptions, 'identityFiles' | 'knownHostsFiles'>; pollMs?: number; leaseMs?: number }): Promise<void> {
  const leaseMs = o.leaseMs ?? 600_000;
  while (!o.signal.aborted) {
    const job = await o.store.claimJob({ worker: o.worker, leaseMs, kinds: [COLLECT_JOB, ASSESS_JOB] }).catch(() => undefined);
    if (!job) {
      await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
      continue;
    }
    try {
      await o.store.completeJob(job.id, o.worker, toJsonValue(await runOne(o.store, job, o.hostDefaults ?? {})));
    } catch (e) {
      if (!(e instanceof FerryError)) throw e;
      await o.store.failJob(job.id, o.worker, redact(e.message));
    }
  }
}
