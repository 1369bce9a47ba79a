// Rollout workers on real SSH lab hosts (each its own sshd, rpm and dnf against its lab root): a rollout's
// hosts migrated by `ferry worker` processes through the store, every host verified and its journal equal to
// the store's mirror; a worker SIGKILLed mid-wave, its hosts finished by another worker from their journals
// with no host migrated twice and nothing left running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessTools } from '../support/shared.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createRollout, rolloutStatus } from '../../src/app/rollout.js';
import { collectFleet } from '../../src/app/fleet-collect.js';
import { parseRolloutFlags } from '../../src/fleet/rollout-spec.js';
import { readCurrentExecution, readJournal } from '../../src/exec/journal.js';
import { openHost, hostOptionsFor } from '../../src/app/host.js';
import type { LabSshHost } from '../lab/lab.js';
import { createToken } from '../../src/app/tokens.js';
import { startServer } from '../../src/api/server.js';
import { labStore, sh, startWorker as startWorkerOn, useLab, type Worker } from './helpers.js';
import { skipUnlessPostgres, testPostgres } from '../support/postgres.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'sshd', 'ssh', 'setsid');
const labOf = useLab(skip);

function startWorker(store: string, hosts: readonly LabSshHost[], extra: string[] = []): Worker {
  return startWorkerOn(store, ['--concurrency', '4', ...hosts.flatMap((h) => ['--known-hosts', h.knownHostsPath]), ...extra]);
}

/** N SSH lab hosts recorded in a fresh store (a file in a temp dir, or `location`), all torn down after `fn`. */
async function withHosts(n: number, location: string | undefined, fn: (f: { hosts: LabSshHost[]; path: string; store: Store }) => Promise<void>): Promise<void> {
  const hosts = await fleetOf(n);
  const dir = mkdtempSync(join(tmpdir(), 'ferry-worker-'));
  try {
    const { path, store } = await storeWith(dir, hosts, location);
    await fn({ hosts, path, store });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await Promise.all(hosts.map((h) => h.stop()));
  }
}

async function fleetOf(n: number): Promise<LabSshHost[]> {
  return Promise.all(Array.from({ length: n }, () => labOf().sshHost({ from: 'centos-8' })));
}

async function storeWith(dir: string, hosts: readonly LabSshHost[], location?: string): Promise<{ path: string; store: Store }> {
  const path = location ?? join(dir, 'ferry.db');
  return { path, store: await labStore(path, hosts) };
}

/** Every host's journal, read over SSH as Ferry reads it, equals the store's mirror; returns each host's execution id. */
async function journalsAgree(store: Store, hosts: readonly LabSshHost[]): Promise<string[]> {
  const ids: string[] = [];
  for (const i of hosts.keys()) {
    const record = await store.getHost(`web${i + 1}`);
    assert.ok(record);
    const transport = await openHost(hostOptionsFor(record, { knownHostsFiles: hosts.map((x) => x.knownHostsPath) }));
    try {
      const current = await readCurrentExecution(transport);
      assert.ok(current, `web${i + 1} has a migration`);
      const onHost = await readJournal(transport, current.executionId);
      const inStore = await store.listJournal(current.executionId);
      assert.deepEqual(inStore.map((e) => [e.seq, e.event, e.mac]), onHost.map((e) => [e.seq, e.event, e.mac]), `web${i + 1}: store and host journal agree`);
      ids.push(current.executionId);
    } finally {
      await transport.close();
    }
  }
  return ids;
}

test('ferry worker: a rollout of 4 SSH lab hosts to rocky-8 (canary 1, then 100%) migrates and verifies every host; journals equal the store', { skip, timeout: 600_000 }, async () => {
  await withHosts(4, undefined, async ({ hosts, path, store }) => {
    const rocky = await labOf().distro('rocky-8');
    const spec = parseRolloutFlags({ canary: '1', waves: '100%', concurrency: '3', maxFailures: '1' });
    const { rollout } = await createRollout({ store, selector: 'web', target: 'rocky-8', spec, repos: [`rocky-8=${rocky.repoDir}`], gpgcheck: false, operator: 'e2e', start: true });
    await store.close();
    const w = startWorker(path, hosts);
    assert.equal(await w.done, 0, w.log());
    const s2 = openStore(path);
    const st = await rolloutStatus({ store: s2, rolloutId: rollout.id });
    assert.equal(st.rollout.state, 'completed', w.log());
    assert.deepEqual(st.counts, { succeeded: 4 });
    for (const h of hosts) assert.equal(sh(['rpm', '--root', h.root, '-q', 'rocky-release'], h.env).status, 0, `${h.root} is Rocky now`);
    const ids = await journalsAgree(s2, hosts);
    assert.equal(new Set(ids).size, 4);
    await s2.close();
  });
});

test('ferry worker SIGKILLed mid-wave: another worker finishes its hosts from their journals, none migrated twice, nothing left running', { skip, timeout: 900_000 }, async () => {
  await withHosts(4, undefined, async ({ hosts, path, store }) => {
    const rocky = await labOf().distro('rocky-8');
    const spec = parseRolloutFlags({ waves: '100%', concurrency: '4' });
    const { rollout } = await createRollout({ store, selector: 'web', target: 'rocky-8', spec, repos: [`rocky-8=${rocky.repoDir}`], gpgcheck: false, operator: 'e2e', start: true });
    await store.close();
    // A short lease, so the second worker takes the dead one's hosts over within seconds.
    const first = startWorker(path, hosts, ['--lease', '3', '--id', 'first']);
    // Killed once every host is migrating and at least one has a step under way (its journal has entries).
    for (let i = 0; ; i++) {
      assert.ok(i < 600, `the first worker never got going: ${first.log()}`);
      const migrating = (first.log().match(/: migrating \(job/g) ?? []).length;
      if (migrating === 4 && hosts.some((h) => sh(['sh', '-c', 'ls "$1"/var/lib/ferry/*/journal.jsonl 2>/dev/null | head -1', 'sh', h.root], h.env).stdout.trim())) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    first.child.kill('SIGKILL');
    await first.done;
    const second = startWorker(path, hosts, ['--lease', '3', '--id', 'second']);
    assert.equal(await second.done, 0, second.log());
    const s2 = openStore(path);
    const st = await rolloutStatus({ store: s2, rolloutId: rollout.id });
    assert.equal(st.rollout.state, 'completed', `${first.log()}\n---\n${second.log()}`);
    assert.deepEqual(st.counts, { succeeded: 4 });
    assert.match(second.log(), /migrating/, 'the second worker took hosts over');
    const jobs = await s2.listJobs({ rolloutId: rollout.id });
    assert.equal(jobs.length, 4, 'one job per host');
    assert.ok(jobs.some((j) => j.attempts > 1), 'a job claimed again after its worker died');
    // One execution per host: resumed, never started again.
    const ids = await journalsAgree(s2, hosts);
    for (const [i, h] of hosts.entries()) {
      // A run killed before its first journal entry leaves only its plan behind; every run that changed anything journals.
      const runs = readdirSync(join(h.root, 'var/lib/ferry')).filter((d) => d.startsWith('mig-') && existsSync(join(h.root, 'var/lib/ferry', d, 'journal.jsonl')));
      assert.deepEqual(runs, [ids[i]], `web${i + 1} was migrated by one execution`);
      assert.equal(sh(['rpm', '--root', h.root, '-q', 'rocky-release'], h.env).status, 0);
      assert.equal(sh(['rpm', '--root', h.root, '-q', 'centos-release'], h.env).status, 1, 'the source release is gone');
    }
    const executions = new Set<string>();
    for (const j of jobs) executions.add(String((j.result as { executionId?: string } | null)?.executionId));
    assert.equal(executions.size, 4, 'each host has one execution');
    // Nothing left running: no dnf of these roots, no lock held.
    for (const h of hosts) {
      const ps = spawnSync('pgrep', ['-f', `--installroot ${h.root}`], { encoding: 'utf8' });
      assert.equal(ps.stdout.trim(), '', `no dnf left on ${h.root}`);
    }
    await s2.close();
  });
});

/** Waits until the worker's log shows `n` hosts claimed and one of them has a journal (a step under way). */
async function untilMigrating(w: Worker, hosts: readonly LabSshHost[], n: number): Promise<void> {
  for (let i = 0; ; i++) {
    assert.ok(i < 900, `the worker never got going: ${w.log()}`);
    const migrating = (w.log().match(/: migrating \(job/g) ?? []).length;
    if (migrating >= n && hosts.some((h) => sh(['sh', '-c', 'ls "$1"/var/lib/ferry/*/journal.jsonl 2>/dev/null | head -1', 'sh', h.root], h.env).stdout.trim())) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('PostgreSQL: two ferry worker processes share a rollout; one SIGKILLed mid-wave and the server restarted mid-rollout, the other finishes every host once', { skip: skip || skipUnlessPostgres(), timeout: 900_000 }, async () => {
  const pg = await testPostgres();
  const url = await pg.createDatabase();
  await withHosts(6, url, async ({ hosts, store }) => {
    const rocky = await labOf().distro('rocky-8');
    const spec = parseRolloutFlags({ canary: '1', waves: '100%', concurrency: '6' });
    const { rollout } = await createRollout({ store, selector: 'web', target: 'rocky-8', spec, repos: [`rocky-8=${rocky.repoDir}`], gpgcheck: false, operator: 'e2e', start: true });
    await store.close();
    const a = startWorker(url, hosts, ['--lease', '3', '--id', 'a', '--concurrency', '3']);
    const b = startWorker(url, hosts, ['--lease', '3', '--id', 'b', '--concurrency', '3']);
    await untilMigrating(a, hosts, 1);
    // Wait for the waves after the canary so both workers hold hosts, then kill one.
    for (let i = 0; (a.log().match(/: migrating \(job/g) ?? []).length < 2 && i < 900; i++) await new Promise((r) => setTimeout(r, 100));
    a.child.kill('SIGKILL');
    await a.done;
    await pg.stop();
    await new Promise((r) => setTimeout(r, 2000));
    await pg.start();
    const code = await b.done;
    if (process.env.FERRY_E2E_LOG) console.log(b.log());
    assert.equal(code, 0, `${a.log()}\n---\n${b.log()}`);
    const s2 = openStore(url);
    const st = await rolloutStatus({ store: s2, rolloutId: rollout.id });
    assert.equal(st.rollout.state, 'completed', `${a.log()}\n---\n${b.log()}`);
    assert.deepEqual(st.counts, { succeeded: 6 });
    assert.match(a.log(), /migrating/);
    assert.match(b.log(), /store unavailable/, 'the restart reached the surviving worker');
    const ids = await journalsAgree(s2, hosts);
    for (const [i, h] of hosts.entries()) {
      const runs = readdirSync(join(h.root, 'var/lib/ferry')).filter((d) => d.startsWith('mig-') && existsSync(join(h.root, 'var/lib/ferry', d, 'journal.jsonl')));
      assert.deepEqual(runs, [ids[i]], `web${i + 1} was migrated by one execution`);
      assert.equal(sh(['rpm', '--root', h.root, '-q', 'rocky-release'], h.env).status, 0);
      assert.equal(spawnSync('pgrep', ['-f', `--installroot ${h.root}`], { encoding: 'utf8' }).stdout.trim(), '', `no dnf left on ${h.root}`);
    }
    await s2.close();
  });
});

test('host key changed between collect and migrate: that host is refused, the rest go on', { skip, timeout: 600_000 }, async () => {
  await withHosts(4, undefined, async ({ hosts, path, store }) => {
    const collected = await collectFleet({ store, hosts: await store.listHosts(), knownHostsFiles: hosts.map((h) => h.knownHostsPath) });
    assert.equal(collected.failed, 0, JSON.stringify(collected.hosts));
    // web2: the machine answering is another one and known_hosts was updated to trust it (its recorded key differs);
    // web3: known_hosts still holds the collected key but the host now presents another (web4's key at web3's address).
    await store.setHostIdentity('web2', { hostKeyFingerprint: hosts[3].hostKeyFingerprint });
    writeFileSync(hosts[2].knownHostsPath, readFileSync(hosts[3].knownHostsPath, 'utf8').replace(`[${hosts[3].host}]:${hosts[3].port}`, `[${hosts[2].host}]:${hosts[2].port}`));
    const rocky = await labOf().distro('rocky-8');
    const { rollout } = await createRollout({ store, selector: 'web', target: 'rocky-8', spec: parseRolloutFlags({ maxFailures: '3' }), repos: [`rocky-8=${rocky.repoDir}`], gpgcheck: false, operator: 'e2e', start: true });
    await store.close();
    const w = startWorker(path, hosts);
    assert.equal(await w.done, 0, w.log());
    const s2 = openStore(path);
    const st = await rolloutStatus({ store: s2, rolloutId: rollout.id });
    const by = new Map(st.hosts.map((h) => [h.hostName, h]));
    assert.equal(by.get('web1')?.state, 'succeeded');
    assert.equal(by.get('web4')?.state, 'succeeded');
    assert.equal(by.get('web2')?.state, 'failed');
    assert.match(by.get('web2')?.lastError ?? '', /presented host key SHA256:\S+, not SHA256:\S+ recorded when it was collected; refused/);
    assert.equal(by.get('web3')?.state, 'failed');
    assert.match(by.get('web3')?.lastError ?? '', /host key/i);
    for (const i of [1, 2]) assert.equal(sh(['rpm', '--root', hosts[i].root, '-q', 'centos-release'], hosts[i].env).status, 0, `web${i + 1} untouched`);
    assert.equal(existsSync(join(hosts[1].root, 'var/lib/ferry/current')), false, 'nothing written on the refused host');
    await s2.close();
  });
});

test('the host journal names who released it: the canary the operator who started the rollout, the gated wave the approver (token alice via the API)', { skip, timeout: 600_000 }, async () => {
  await withHosts(2, undefined, async ({ hosts, path, store }) => {
    const rocky = await labOf().distro('rocky-8');
    const spec = parseRolloutFlags({ canary: '1', waves: '100%', concurrency: '2', maxFailures: '1', gate: 'manual' });
    const { rollout } = await createRollout({ store, selector: 'web', target: 'rocky-8', spec, repos: [`rocky-8=${rocky.repoDir}`], gpgcheck: false, operator: 'carol', start: true });
    const canary = startWorker(path, hosts);
    assert.equal(await canary.done, 0, canary.log());
    assert.equal((await rolloutStatus({ store, rolloutId: rollout.id })).rollout.state, 'awaiting-approval', canary.log());
    const alice = (await createToken({ store, name: 'alice', role: 'operator', operator: 'e2e' })).secret;
    const server = await startServer({ store, listen: '127.0.0.1:0', dashboardDir: null, jobs: false });
    try {
      const res = await fetch(`${server.url}/api/rollouts/${rollout.id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${alice}` } });
      assert.equal(res.status, 200, await res.text());
    } finally {
      await server.close();
    }
    const rest = startWorker(path, hosts);
    assert.equal(await rest.done, 0, rest.log());
    assert.equal((await rolloutStatus({ store, rolloutId: rollout.id })).rollout.state, 'completed', rest.log());
    const ids = await journalsAgree(store, hosts);
    const byOf = async (id: string): Promise<unknown> => (await store.listJournal(id)).find((e) => e.event === 'execution' && e.phase === 'start')?.by;
    const canaryHost = (await store.listRolloutHosts(rollout.id)).find((h) => h.wave === 0)?.hostName;
    assert.ok(canaryHost);
    const [canaryBy, approvedBy] = canaryHost === 'web1' ? [await byOf(ids[0]), await byOf(ids[1])] : [await byOf(ids[1]), await byOf(ids[0])];
    assert.equal(canaryBy, 'carol');
    assert.match(String(approvedBy), /^alice \(tok-/);
    await store.close();
  });
});
