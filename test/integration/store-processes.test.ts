// The store shared by worker processes (as `ferry worker` runs them): separate processes claiming from one
// SQLite file or one PostgreSQL database each complete every job exactly once, and a job held by a process
// killed with SIGKILL is claimed again by another once its lease expires, its attempt counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { skipUnlessPostgres, testPostgres } from '../support/postgres.js';

const CLAIMER = join(import.meta.dirname, '..', 'support', 'store-claimer.ts');
const dir = mkdtempSync(join(tmpdir(), 'ferry-store-procs-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

interface Claimer {
  /** The next JSON line the process prints. */
  next(): Promise<Record<string, unknown>>;
  go(): void;
  kill(): void;
}

function claimer(location: string, worker: string, mode: 'drain' | 'hold', n: number, leaseMs: number): Claimer {
  const child = spawn(process.execPath, ['--import', 'tsx', CLAIMER, location, worker, mode, String(n), String(leaseMs)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let exited: string | undefined;
  const waiting: Array<() => void> = [];
  const wake = (): void => { for (const w of waiting.splice(0)) w(); };
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); wake(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  child.once('exit', (code, signal) => { exited = String(code ?? signal); wake(); });
  return {
    async next() {
      for (;;) {
        const nl = out.indexOf('\n');
        if (nl >= 0) {
          const line = out.slice(0, nl);
          out = out.slice(nl + 1);
          return JSON.parse(line) as Record<string, unknown>;
        }
        if (exited !== undefined) throw new Error(`${worker} exited ${exited}: ${err}`);
        await new Promise<void>((r) => waiting.push(r));
      }
    },
    go: () => { child.stdin.end('go\n'); },
    kill: () => { child.kill('SIGKILL'); },
  };
}

const backends: Array<{ name: string; skip: false | string; location: () => Promise<string> }> = [
  { name: 'sqlite', skip: false, location: async () => join(dir, `s${Date.now()}.db`) },
  { name: 'postgres', skip: skipUnlessPostgres(), location: async () => (await testPostgres()).createDatabase() },
];

for (const b of backends) {
  test(`${b.name}: three worker processes complete 90 jobs exactly once; a SIGKILLed holder's job is reclaimed after its lease`, { skip: b.skip }, async () => {
    const location = await b.location();
    const store = openStore(location);
    await store.migrate();
    const total = 90;
    for (let i = 0; i < total; i++) await store.enqueueJob({ kind: 'migrate', payload: { i } });

    const holder = claimer(location, 'doomed', 'hold', total, 1500);
    const held = (await holder.next()).held as number;
    holder.kill();
    const drains = ['w1', 'w2', 'w3'].map((w) => claimer(location, w, 'drain', total, 60_000));
    for (const d of drains) assert.deepEqual(await d.next(), { ready: true });
    for (const d of drains) d.go();
    const outputs = await Promise.all(drains.map((d) => d.next()));

    const completed = outputs.flatMap((o) => o.completed as number[]);
    assert.equal(completed.length, total, JSON.stringify(outputs));
    assert.equal(new Set(completed).size, total);
    assert.ok(outputs.filter((o) => (o.completed as number[]).length > 0).length > 1, 'several processes took part');
    const jobs = await store.listJobs();
    assert.ok(jobs.every((j) => j.state === 'done'));
    const reclaimed = jobs.find((j) => j.id === held);
    assert.equal(reclaimed?.attempts, 2, 'the killed holder\'s attempt is counted');
    assert.notEqual((reclaimed?.result as { by: string }).by, 'doomed');
    assert.ok(jobs.filter((j) => j.id !== held).every((j) => j.attempts === 1));
    await store.close();
  });
}
