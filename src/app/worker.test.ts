// The worker loop's own rules on the real SQLite store (hosts are never opened here: `open` fails the test if
// called). Migrations by the worker on real SSH lab hosts are test/e2e/worker.test.ts and test/e2e/fleet.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FerryError } from '../core/index.js';
import { openSqliteStore, type Store } from '../store/index.js';
import { parseRolloutFlags } from '../fleet/rollout-spec.js';
import { createRollout, deferReason, rolloutAction } from './rollout.js';
import { runWorker, type WorkerEvent } from './worker.js';

async function fleetStore(n: number): Promise<Store> {
  const store = openSqliteStore({ path: ':memory:' });
  await store.migrate();
  await store.upsertHosts(Array.from({ length: n }, (_, i) => ({ name: `web${i + 1}`, groups: ['web'] })));
  return store;
}

test('worker: hosts queued before a pause are handed back to pending, not started; resume releases them again', async () => {
  const store = await fleetStore(3);
  const { rollout } = await createRollout({ store, selector: 'web', target: 'rocky-8', spec: parseRolloutFlags({}), operator: 'alice', start: true });
  assert.equal((await store.listJobs({ rolloutId: rollout.id, state: 'queued' })).length, 3);
  await rolloutAction({ store, rolloutId: rollout.id, action: { kind: 'pause' }, operator: 'alice' });
  const events: WorkerEvent[] = [];
  const counts = await runWorker({
    store, exitWhenIdle: true, pollMs: 10, onEvent: (e) => events.push(e),
    open: () => { throw new Error('a host of a paused rollout was opened'); },
  });
  assert.equal(counts.claimed, 3);
  assert.deepEqual(events.map((e) => e.type), ['deferred', 'deferred', 'deferred']);
  assert.match(events[0].type === 'deferred' ? events[0].why : '', /is paused/);
  assert.deepEqual((await store.listRolloutHosts(rollout.id)).map((h) => h.state), ['pending', 'pending', 'pending']);
  await rolloutAction({ store, rolloutId: rollout.id, action: { kind: 'resume' }, operator: 'alice' });
  assert.equal((await store.listJobs({ rolloutId: rollout.id, state: 'queued' })).length, 3, 'released again on resume');
  await store.close();
});

test('deferReason: a window that closed (or reached its cutoff) since the host was queued defers it', async () => {
  const store = await fleetStore(1);
  const spec = parseRolloutFlags({ window: 'daily 01:00-05:00 UTC', cutoff: '30m' });
  const { rollout } = await createRollout({ store, selector: 'web', target: 'rocky-8', spec, operator: 'alice', start: true });
  const at = (hhmm: string): Date => new Date(`2026-12-02T${hhmm}:00Z`);
  assert.equal(await deferReason({ store, rolloutId: rollout.id, now: at('02:00') }), null);
  assert.match(await deferReason({ store, rolloutId: rollout.id, now: at('04:45') }) ?? '', /outside .* maintenance window \(opens 2026-12-03T01:00:00.000Z\)/);
  assert.match(await deferReason({ store, rolloutId: 'ro-nope' }) ?? '', /gone/);
  await store.close();
});

test('worker: the store dropping while every slot is busy makes it wait, never spin (the running migration still finishes)', { timeout: 20_000 }, async () => {
  const real = await fleetStore(2);
  const { rollout } = await createRollout({ store: real, selector: 'web', target: 'rocky-8', spec: parseRolloutFlags({ maxFailures: '3' }), operator: 'alice', start: true });
  let drops = 2;
  // The real store, with listRollouts (the idle tick's read) refused twice as a restarting PostgreSQL refuses it.
  const store = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === 'listRollouts' && drops > 0) return async () => { drops--; throw new FerryError('STORE_UNAVAILABLE', 'The Ferry store t1 is unreachable'); };
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const events: WorkerEvent[] = [];
  const counts = await runWorker({
    store, exitWhenIdle: true, pollMs: 20, concurrency: 1, onEvent: (e) => events.push(e),
    // Each host "fails to open" after a while: the slot stays busy meanwhile, which is what the test needs.
    open: () => new Promise((_, reject) => setTimeout(() => reject(new FerryError('HOST_INVALID', 'not a lab host')), 200)),
  });
  assert.equal(drops, 0, 'the store was refused while the slot was busy');
  assert.ok(events.some((e) => e.type === 'store-unavailable'));
  assert.equal(counts.claimed, 2);
  assert.deepEqual((await real.listRolloutHosts(rollout.id)).map((h) => h.state), ['failed', 'failed']);
  await real.close();
});

test('worker: a malformed job payload in the store is refused with the JSON path at fault, nothing opened', async () => {
  const store = await fleetStore(1);
  const job = await store.enqueueJob({ kind: 'rollout-migrate', hostName: 'web1', payload: { rolloutId: 'ro-x', hostName: 'web1', target: 'rocky-8', repos: [7], gpgcheck: true } });
  await runWorker({ store, exitWhenIdle: true, pollMs: 10, open: () => { throw new Error('opened a host for a malformed job'); } });
  const done = await store.getJob(job.id);
  assert.equal(done?.state, 'done');
  assert.match(String((done?.result as { error?: string } | null)?.error), /migration job payload.*job \d+.*repos\/0/s);
  await store.close();
});

test('worker: a host locked by a live run waits without spending attempts; a stale lock or another failure still counts', { timeout: 30_000 }, async () => {
  const store = await fleetStore(1);
  const { rollout } = await createRollout({ store, selector: 'web', target: 'rocky-8', spec: parseRolloutFlags({}), operator: 'alice', start: true });
  const [job] = await store.listJobs({ rolloutId: rollout.id });
  assert.equal(job.maxAttempts, 3);
  // Five opens find the host locked by a live run (more than the job's 3 attempts), then one a stale lock,
  // then the host is not a lab host: only the last two spend attempts.
  const holder = { pid: 4242, controller: 'ctl1', executionId: 'ex-1', at: new Date().toISOString() };
  let opens = 0;
  const events: WorkerEvent[] = [];
  await runWorker({
    store, exitWhenIdle: true, pollMs: 10, leaseMs: 3000, onEvent: (e) => events.push(e),
    open: () => {
      opens++;
      if (opens <= 5) throw new FerryError('JOURNAL_LOCKED', 'Host web1 is locked by pid 4242 on ctl1', { details: { holder } });
      if (opens === 6) throw new FerryError('JOURNAL_LOCKED', 'Host web1 lock is stale but could not be removed', { details: { holder, stale: true } });
      throw new FerryError('HOST_INVALID', 'not a lab host');
    },
  });
  assert.equal(opens, 7);
  const retries = events.filter((e) => e.type === 'retry');
  assert.equal(retries.length, 6, 'five waits for the live run and one retry of the stale lock');
  const done = await store.getJob(job.id);
  assert.equal(done?.attempts, 2, 'the waits for the live run cost no attempt');
  assert.deepEqual((await store.listRolloutHosts(rollout.id)).map((h) => [h.state, h.lastError]), [['failed', 'not a lab host']]);
  await store.close();
});
