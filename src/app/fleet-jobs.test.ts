// Fleet jobs: enqueued with their payload checked (a bad selector or shape refused before anything is queued),
// run by runFleetJobs outside the caller, the outcome on the job record, the enqueue audited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError, type ErrorCode } from '../core/index.js';
import { openStore } from '../store/index.js';
import { ASSESS_JOB, COLLECT_JOB, enqueueFleetJob, runFleetJobs, type FleetJob } from './fleet-jobs.js';

test('an assessment job runs in the runner, not in enqueue: queued first, then done with the run id; audited with its operator', async () => {
  const store = openStore(':memory:');
  await store.migrate();
  await store.upsertHosts([{ name: 'db1', labels: { source: 'centos-8' } }]);
  const job = await enqueueFleetJob({ store, job: { kind: ASSESS_JOB, targets: ['rocky-8'] }, operator: 'alice (tok-1)', from: '127.0.0.1' });
  assert.equal((await store.getJob(job.id))?.state, 'queued');
  assert.deepEqual((await store.listAudit()).map((a) => [a.operator, a.action, a.subject]), [['alice (tok-1)', 'job.fleet-assess', `job-${job.id}`]]);
  const abort = new AbortController();
  const running = runFleetJobs({ store, worker: 'test', signal: abort.signal, pollMs: 10 });
  for (let i = 0; i < 500 && (await store.getJob(job.id))?.state !== 'done'; i++) await new Promise((r) => setTimeout(r, 10));
  abort.abort();
  await running;
  const done = await store.getJob(job.id);
  assert.equal(done?.state, 'done', JSON.stringify(done));
  assert.match(String((done?.result as { runId?: string }).runId), /^fleet-\d{4}-\d{2}-\d{2}-/);
  assert.deepEqual((done?.result as { notAssessed: number }).notAssessed, 1, 'no facts collected');
  await store.close();
});

test('refused at enqueue, nothing queued: a malformed selector, a payload of the wrong shape', async () => {
  const store = openStore(':memory:');
  await store.migrate();
  const cases: Array<[FleetJob, ErrorCode]> = [
    [{ kind: COLLECT_JOB, selector: 'group:' }, 'SELECTOR_INVALID'],
    [{ kind: ASSESS_JOB, targets: [] }, 'DOCUMENT_INVALID'],
  ];
  for (const [job, code] of cases) await assert.rejects(enqueueFleetJob({ store, job, operator: 'alice' }), (e) => isFerryError(e, code), JSON.stringify(job));
  assert.deepEqual(await store.listJobs(), []);
  await store.close();
});
