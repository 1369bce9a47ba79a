// The rollout controller against the real SQLite store: waves released as fleet decides, the stop threshold
// halting with later waves untouched, skip + resume completing, caps never exceeded, and two controllers
// advancing at once releasing each host once. Workers are played by claiming jobs and recording outcomes as
// src/app/worker.ts does (the worker itself runs against lab hosts in test/e2e/fleet.test.ts).
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { openSqliteStore, type Store } from '../store/index.js';
import { parseRolloutFlags } from '../fleet/rollout-spec.js';
import { advanceRollout, createRollout, pesRunOptions, MIGRATE_JOB, parseMigrateJobPayload, rolloutAction, rolloutStatus } from './rollout.js';
import { readPesFile } from '../catalog/index.js';

async function fleetStore(n: number): Promise<Store> {
  const store = openSqliteStore({ path: ':memory:' });
  await store.migrate();
  await store.upsertHosts(Array.from({ length: n }, (_, i) => ({
    name: `web${String(i + 1).padStart(2, '0')}`, groups: ['web', i % 2 ? 'centos8' : 'stream8'], vars: { ha_pair: `p${Math.floor(i / 2)}` },
  })));
  return store;
}

/** Plays a worker: claims every claimable job and finishes it with the outcome `fate` gives the host. */
async function work(store: Store, rolloutId: string, fate: (host: string) => 'succeeded' | 'failed' = () => 'succeeded'): Promise<string[]> {
  const done: string[] = [];
  for (;;) {
    const job = await store.claimJob({ worker: 'w1', leaseMs: 60_000, kinds: [MIGRATE_JOB] });
    if (!job) return done;
    const host = String(job.hostName);
    await store.updateRolloutHost(rolloutId, host, { state: 'running', jobId: job.id });
    const outcome = fate(host);
    await store.updateRolloutHost(rolloutId, host, { state: outcome, ...(outcome === 'failed' ? { lastError: 'dnf exited 1', failedStep: 'Distro-sync' } : {}) });
    await store.completeJob(job.id, 'w1', { outcome });
    await advanceRollout({ store, rolloutId });
    done.push(host);
  }
}

const states = async (store: Store, id: string): Promise<Record<string, string[]>> => {
  const out: Record<string, string[]> = {};
  for (const h of await store.listRolloutHosts(id)) (out[h.state] ??= []).push(h.hostName);
  return out;
};

test('rollout: canary 2, waves 30%,100% of 20 hosts → 2, 6, 12; a failure halts with later waves pending; skip + resume completes', async () => {
  const store = await fleetStore(20);
  const spec = parseRolloutFlags({ canary: '2', waves: '30%,100%', concurrency: '10', maxFailures: '1' });
  const { rollout } = await createRollout({ store, selector: 'web', target: 'rocky-8', spec, repos: ['rocky-8=/srv/rocky8'], gpgcheck: false, operator: 'alice' });
  const waves = (await rolloutStatus({ store, rolloutId: rollout.id })).waves.map((w) => w.hosts);
  assert.deepEqual(waves, [2, 6, 12]);
  assert.equal(rollout.state, 'created');
  assert.equal((await store.listJobs({ rolloutId: rollout.id })).length, 0, 'nothing released before start');

  await rolloutAction({ store, rolloutId: rollout.id, action: { kind: 'start' }, operator: 'alice' });
  const jobs = await store.listJobs({ rolloutId: rollout.id });
  assert.equal(jobs.length, 2, 'start releases the canary only');
  const payload = jobs[0].payload as Record<string, unknown>;
  assert.deepEqual({ target: payload.target, repos: payload.repos, gpgcheck: payload.gpgcheck }, { target: 'rocky-8', repos: ['rocky-8=/srv/rocky8'], gpgcheck: false });

  const hosts = await store.listRolloutHosts(rollout.id);
  const wave1 = hosts.filter((h) => h.wave === 1).map((h) => h.hostName);
  const victim = wave1[2];
  await work(store, rollout.id, (h) => (h === victim ? 'failed' : 'succeeded'));
  let r = await store.getRollout(rollout.id);
  assert.equal(r?.state, 'halted');
  const s = await states(store, rollout.id);
  assert.deepEqual(s.failed, [victim]);
  const wave2 = hosts.filter((h) => h.wave === 2).map((h) => h.hostName);
  assert.ok(wave2.every((h) => s.pending?.includes(h)), 'the wave after the failure is untouched');
  assert.equal((await store.listJobs({ rolloutId: rollout.id, state: 'queued' })).length, 0, 'nothing left queued after the halt');

  await assert.rejects(rolloutAction({ store, rolloutId: rollout.id, action: { kind: 'resume' }, operator: 'bob' }), /stop threshold/);
  await rolloutAction({ store, rolloutId: rollout.id, action: { kind: 'skip', host: victim }, operator: 'bob' });
  await rolloutAction({ store, rolloutId: rollout.id, action: { kind: 'resume' }, operator: 'bob' });
  await work(store, rollout.id);
  r = await store.getRollout(rollout.id);
  assert.equal(r?.state, 'completed');
  const end = await states(store, rollout.id);
  assert.equal(end.succeeded?.length, 19);
  assert.deepEqual(end.skipped, [victim]);
  const audit = (await store.listAudit({ subject: rollout.id })).map((a) => `${a.operator}:${a.action}`);
  for (const want of ['alice:rollout.create', 'alice:rollout.start', 'ferry:rollout.halt', 'bob:rollout.skip', 'bob:rollout.resume', 'ferry:rollout.complete']) {
    assert.ok(audit.includes(want), `audit has ${want}: ${audit.join(', ')}`);
  }
  await store.close();
});

test('rollout: --concurrency and --group-cap hold while releasing; two controllers advancing at once release each host once', async () => {
  const store = await fleetStore(12);
  const spec = parseRolloutFlags({ concurrency: '4', groupCap: 'ha_pair=1' });
  const { rollout } = await createRollout({ store, selector: 'web', target: 'rocky-8', spec, operator: 'alice', start: true });
  await Promise.all([advanceRollout({ store, rolloutId: rollout.id }), advanceRollout({ store, rolloutId: rollout.id }), advanceRollout({ store, rolloutId: rollout.id })]);
  const active = (await store.listRolloutHosts(rollout.id)).filter((h) => h.state === 'queued' || h.state === 'running');
  assert.equal(active.length, 4, 'the rollout cap');
  assert.equal(new Set(active.map((h) => h.capGroup)).size, active.length, 'at most one host of each HA pair at a time');
  assert.equal((await store.listJobs({ rolloutId: rollout.id })).length, 4, 'one job per released host');
  await work(store, rollout.id);
  assert.equal((await store.getRollout(rollout.id))?.state, 'completed');
  const jobs = await store.listJobs({ rolloutId: rollout.id });
  assert.equal(jobs.length, 12);
  assert.equal(new Set(jobs.map((j) => j.hostName)).size, 12, 'no host got two jobs');
  await store.close();
});

test('rollout: a manual gate holds the waves after the canary until approved, with the approver recorded; abort cancels queued hosts', async () => {
  const store = await fleetStore(6);
  const spec = parseRolloutFlags({ canary: '1', gate: 'manual' });
  const { rollout } = await createRollout({ store, selector: 'web', target: 'rocky-8', spec, operator: 'alice', start: true });
  await work(store, rollout.id);
  assert.equal((await store.getRollout(rollout.id))?.state, 'awaiting-approval');
  assert.match((await rolloutStatus({ store, rolloutId: rollout.id })).next, /approv/i);
  await rolloutAction({ store, rolloutId: rollout.id, action: { kind: 'approve', operator: 'carol' }, operator: 'carol' });
  assert.ok((await store.listAudit({ subject: rollout.id })).some((a) => a.action === 'rollout.approve' && a.operator === 'carol'));
  assert.equal((await store.getRollout(rollout.id))?.state, 'running');
  assert.ok((await store.listJobs({ rolloutId: rollout.id, state: 'queued' })).length > 0, 'the waves are released after approval');
  // Each job names who released its host (the migration's `by`, journaled on the host): the starter for the canary, the approver after.
  const released = (await store.listJobs({ rolloutId: rollout.id })).map((j) => [j.hostName, parseMigrateJobPayload(j.payload, j.id).by]);
  assert.deepEqual(released, [[released[0][0], 'alice'], ...released.slice(1).map(([h]) => [h, 'carol'])]);
  await rolloutAction({ store, rolloutId: rollout.id, action: { kind: 'abort' }, operator: 'carol' });
  assert.equal((await store.getRollout(rollout.id))?.state, 'aborted');
  assert.equal((await store.listJobs({ rolloutId: rollout.id, state: 'queued' })).length, 0);
  assert.ok((await store.listRolloutHosts(rollout.id)).some((h) => h.state === 'cancelled'));
  await assert.rejects(rolloutAction({ store, rolloutId: rollout.id, action: { kind: 'start' }, operator: 'carol' }), (e: Error & { code?: string }) => e.code === 'USAGE');
  await store.close();
});

/** Leapp's format: yum-utils replaced by dnf-utils from 7.9 to 8.0 (the shape of Rocky's event 915). */
const EVENT_915 = { packageinfo: [{ id: 915, action: 3, architectures: [], in_packageset: { package: [{ name: 'yum-utils', repository: 'rhel7-base' }] },
  out_packageset: { package: [{ name: 'dnf-utils', repository: 'baseos' }] }, initial_release: { major_version: 7, minor_version: 9 }, release: { major_version: 8, minor_version: 0 } }] };

test('rollout --pes on a multi-hop route: CentOS 7 hosts to rocky-9 take one events file per cross-major hop (TARGET=FILE), each recorded by digest; a hop without one is refused naming it; a CentOS 8 host in the same rollout takes only its own hop\'s; a file no host takes is PES_UNUSED', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-rollout-route-'));
  const store = await fleetStore(2);
  try {
    for (const name of ['web01', 'web02']) await store.upsertHost({ name, labels: { source: 'centos-7' } });
    const spec = parseRolloutFlags({});
    const events = EVENT_915;
    const el8 = join(dir, 'pes-8.json');
    const el9 = join(dir, 'pes-9.json');
    writeFileSync(el8, JSON.stringify(events));
    writeFileSync(el9, JSON.stringify({ ...events, timestamp: 'el9' }));
    await assert.rejects(createRollout({ store, selector: 'web', target: 'rocky-9', spec, pes: [`rocky-8=${el8}`] }),
      (e: Error & { code?: string }) => e.code === 'PATH_UNSUPPORTED' && /2 of the 2 hosts .*web01 \(hop 2 of 2 \(rocky-8 → rocky-9\) of the route centos-7 → rocky-8 → rocky-9: rocky-8 → rocky-9 is a cross-major upgrade/.test(e.message));
    await assert.rejects(createRollout({ store, selector: 'web', target: 'rocky-9', spec, pes: [`rocky-8=${el8}`, `rocky-9=${el9}`, `almalinux-9=${el9}`] }),
      (e: Error & { code?: string }) => e.code === 'PES_UNUSED' && e.message.includes(`almalinux-9=${el9}`));
    assert.equal((await store.listRollouts()).length, 0, 'nothing stored by a refused create');
    await store.upsertHost({ name: 'web02', labels: { source: 'centos-8' } });
    const { rollout } = await createRollout({ store, selector: 'web', target: 'rocky-9', spec, pes: [`rocky-8=${el8}`, `rocky-9=${el9}`], start: true });
    const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');
    const refs = [{ target: 'rocky-8', file: el8, sha256: sha(el8) }, { target: 'rocky-9', file: el9, sha256: sha(el9) }];
    const jobs = await store.listJobs({ rolloutId: rollout.id });
    assert.equal(jobs.length, 2);
    for (const j of jobs) assert.deepEqual(parseMigrateJobPayload(j.payload, j.id).pes, refs, 'every job carries the files and their digests; the worker gives each host the ones its route takes');
    assert.deepEqual(pesRunOptions(refs), { pes: [`rocky-8=${el8}`, `rocky-9=${el9}`], pesDigests: { [el8]: sha(el8), [el9]: sha(el9) } });
    // One bare file serves both hops of a CentOS 7 host (and the CentOS 8 host's one).
    assert.ok(await createRollout({ store, selector: 'web', target: 'rocky-9', spec, pes: [el9] }));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rollout: a selector matching nothing, an unknown target, and hosts the target is a cross-major upgrade for are refused before anything is stored', async () => {
  const store = await fleetStore(2);
  const spec = parseRolloutFlags({});
  await store.upsertHost({ name: 'web02', labels: { source: 'centos-7' } });
  await assert.rejects(createRollout({ store, selector: 'web', target: 'rocky-8', spec }),
    (e: Error & { code?: string }) => e.code === 'PATH_UNSUPPORTED' && /1 of the 2 hosts .* web02 \(centos-7 → rocky-8 is a cross-major upgrade/.test(e.message));
  await store.upsertHost({ name: 'web02', labels: { source: 'centos-8' } });
  await assert.rejects(createRollout({ store, selector: 'web', target: 'rocky-88', spec }), (e: Error & { code?: string }) => e.code === 'TARGET_UNKNOWN');
  await assert.rejects(createRollout({ store, selector: 'db', target: 'rocky-8', spec }), (e: Error & { code?: string }) => e.code === 'SELECTOR_UNKNOWN' || e.code === 'NOT_FOUND');
  assert.equal((await store.listRollouts()).length, 0);
  assert.ok(await createRollout({ store, selector: 'web', target: 'rocky-8', spec }), 'same-major from the collected release is taken');
  await store.close();
});

test('rollout --pes: CentOS 7 hosts to rocky-8 are taken with the events, recorded by digest in the spec and each job; a worker refuses a changed file; a bad file fails the create', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-rollout-pes-'));
  const store = await fleetStore(2);
  try {
    for (const name of ['web01', 'web02']) await store.upsertHost({ name, labels: { source: 'centos-7' } });
    const spec = parseRolloutFlags({});
    const events = EVENT_915;
    const file = join(dir, 'pes-events.json');
    writeFileSync(file, JSON.stringify(events));
    await assert.rejects(createRollout({ store, selector: 'web', target: 'rocky-8', spec }),
      (e: Error & { code?: string }) => e.code === 'PATH_UNSUPPORTED' && /2 of the 2 hosts .*cross-major upgrade: its target package set comes from rocky-8's package-evolution events/.test(e.message));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"packageinfo": [{"id": 1, "action": 9}]}');
    await assert.rejects(createRollout({ store, selector: 'web', target: 'rocky-8', spec, pes: [bad] }), (e: Error & { code?: string }) => e.code === 'PES_INVALID' && e.message.includes(bad));
    await assert.rejects(createRollout({ store, selector: 'web', target: 'rocky-8', spec, pes: [join(dir, 'absent.json')] }), (e: Error & { code?: string }) => e.code === 'PES_INVALID');
    assert.equal((await store.listRollouts()).length, 0, 'nothing stored by a refused create');

    const { rollout } = await createRollout({ store, selector: 'web', target: 'rocky-8', spec, pes: [file], start: true });
    const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
    const stored = (await store.getRollout(rollout.id))?.spec as unknown as { migrate: { pes?: unknown } };
    assert.deepEqual(stored.migrate.pes, [{ file, sha256 }], 'the spec in the store names the file and its digest');
    const jobs = await store.listJobs({ rolloutId: rollout.id });
    assert.equal(jobs.length, 2);
    const payload = parseMigrateJobPayload(jobs[0].payload, jobs[0].id);
    assert.deepEqual(payload.pes, [{ file, sha256 }]);
    const run = pesRunOptions(payload.pes ?? []);
    assert.deepEqual(run, { pes: [file], pesDigests: { [file]: sha256 } });
    assert.equal(readPesFile(file, run.pesDigests[file]).events.length, 1, 'the same bytes: the worker plans with the file');
    // A worker's plan reads the file once, against the digest: other bytes are refused before they are parsed.
    writeFileSync(file, JSON.stringify({ ...events, timestamp: 'later' }));
    assert.throws(() => readPesFile(file, sha256), (e: Error & { code?: string }) => e.code === 'PES_CHANGED' && e.message.includes(file) && e.message.includes(sha256.slice(0, 12)));
    writeFileSync(file, '{ not json, and not what was recorded');
    assert.throws(() => readPesFile(file, sha256), (e: Error & { code?: string }) => e.code === 'PES_CHANGED' && !e.message.includes('not json'));
    rmSync(file);
    assert.throws(() => readPesFile(file, sha256), (e: Error & { code?: string }) => e.code === 'PES_INVALID' && e.message.includes('cannot be read'));
    // A job and a spec stored by Ferry before routes carried one `pes` object: read as a list of one.
    assert.deepEqual(parseMigrateJobPayload({ ...(jobs[0].payload as object), pes: { file, sha256 } }, jobs[0].id).pes, [{ file, sha256 }]);
    assert.throws(() => parseMigrateJobPayload({ ...(jobs[0].payload as object), pes: { file } }, jobs[0].id), (e: Error & { code?: string }) => e.code === 'DOCUMENT_INVALID');
    // a same-major rollout refuses events it would not use
    for (const name of ['web01', 'web02']) await store.upsertHost({ name, labels: { source: 'centos-8' } });
    writeFileSync(file, JSON.stringify(events));
    await assert.rejects(createRollout({ store, selector: 'web', target: 'rocky-8', spec, pes: [file] }), (e: Error & { code?: string }) => e.code === 'PES_UNUSED' && e.message.includes(file) && /no host "web" selects takes it to rocky-8/.test(e.message));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
