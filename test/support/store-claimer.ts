// A worker process for the store's multi-process tests: `store-claimer.ts LOCATION WORKER MODE N LEASE_MS`.
// MODE `drain`: prints {"ready": true}, waits for a line on stdin (so that every process starts together),
// then keeps 4 claims in flight, each job "worked" 10 ms and completed with {by: WORKER}, until N jobs are
// done; prints {"completed": [ids]}. MODE `hold`: claims one job, prints {"held": id} and waits to be killed.
import { once } from 'node:events';
import { openStore } from '../../src/store/index.js';

const [location, worker, mode, n, leaseMs] = process.argv.slice(2);
const store = openStore(location);
const lease = Number(leaseMs);

if (mode === 'hold') {
  const job = await store.claimJob({ worker, leaseMs: lease });
  process.stdout.write(`${JSON.stringify({ held: job?.id ?? null })}\n`);
  setInterval(() => undefined, 60_000);
} else {
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  await once(process.stdin, 'data');
  process.stdin.pause();
  const completed: number[] = [];
  const deadline = Date.now() + 60_000;
  const loop = async (): Promise<void> => {
    while (Date.now() < deadline) {
      const job = await store.claimJob({ worker, leaseMs: lease });
      if (job) {
        await new Promise((r) => setTimeout(r, 10));
        if (await store.completeJob(job.id, worker, { by: worker })) completed.push(job.id);
        continue;
      }
      if ((await store.listJobs({ state: 'done' })).length >= Number(n)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await Promise.all([loop(), loop(), loop(), loop()]);
  await store.close();
  process.stdout.write(`${JSON.stringify({ completed })}\n`);
}
