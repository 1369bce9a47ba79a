import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FerryError } from '../core/index.js';
import type { HostRecord, Store } from '../store/index.js';
import { createLab, type Lab, type LabSshHost } from '../../test/lab/lab.js';
import { freePort, generateKeyPair, startSshd, type SshdHandle, type SshKeyPair } from '../../test/lab/sshd.js';
import { skipUnlessTools } from '../../test/support/shared.js';
import { classifyFailure, collectFleet, identityChanges, type CollectProgressEvent, type FleetCollectOptions } from './fleet-collect.js';
import { HOST_ROOT_VAR } from './host.js';
import { openFerryStore } from './store.js';

const skip = skipUnlessTools('ssh-keygen', 'rpm', 'createrepo_c', 'dnf') || (existsSync('/usr/sbin/sshd') ? false : 'no /usr/sbin/sshd');

let dir: string;
let lab: Lab;
let good: LabSshHost[];
let key: SshKeyPair;
let stranger: SshKeyPair;
const faulty: SshdHandle[] = [];
const servers: Server[] = [];
let knownHosts: string;
let refusedPort: number;

/** A TCP listener that accepts and never speaks (ssh2 waits for the server's version line). */
async function silentListener(): Promise<number> {
  const srv = createServer(() => { /* hold the socket open, say nothing */ });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = srv.address();
  assert(addr && typeof addr === 'object');
  return addr.port;
}

/** A TCP proxy to `port` that counts the connections open through it at once, across every proxy made with `gauge`. */
async function countingProxy(port: number, gauge: { now: number; max: number }): Promise<number> {
  const srv = createServer((client: Socket) => {
    gauge.now++;
    gauge.max = Math.max(gauge.max, gauge.now);
    const upstream = new (client.constructor as typeof Socket)();
    upstream.connect(port, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    let closed = false;
    const close = (): void => { if (closed) return; closed = true; gauge.now--; client.destroy(); upstream.destroy(); };
    client.on('close', close); upstream.on('close', close); client.on('error', close); upstream.on('error', close);
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = srv.address();
  assert(addr && typeof addr === 'object');
  return addr.port;
}

function record(name: string, c: Partial<HostRecord['connection']> & { port: number }): Parameters<Store['upsertHost']>[0] {
  return { name, address: '127.0.0.1', connection: { address: '127.0.0.1', user: 'root', ...c } };
}

function labRecord(name: string, h: LabSshHost, port = h.port): Parameters<Store['upsertHost']>[0] {
  return { ...record(name, { port, identityFile: h.privateKeyPath }), vars: { [HOST_ROOT_VAR]: h.root } };
}

async function freshStore(): Promise<Store> {
  return openFerryStore(join(mkdtempSync(join(dir, 'store-')), 'ferry.db'));
}

async function hostsOf(store: Store, names: string[]): Promise<HostRecord[]> {
  const all = await store.listHosts();
  return names.map((n) => { const h = all.find((x) => x.name === n); assert(h, n); return h; });
}

const base = (store: Store, hosts: HostRecord[], extra: Partial<FleetCollectOptions> = {}): FleetCollectOptions =>
  ({ store, hosts, knownHostsFiles: [knownHosts], identityFiles: [key.privateKeyPath], timeoutMs: 4000, backoffMs: 20, ...extra });

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'ferry-fleet-collect-'));
  key = generateKeyPair(dir, 'client');
  stranger = generateKeyPair(dir, 'stranger');
  lab = await createLab();
  good = await Promise.all([lab.sshHost({ from: 'centos-8' }), lab.sshHost({ from: 'centos-7' }), lab.sshHost({ from: 'centos-stream-8' })]);
  const [refusesKey, forceFalse, forceSleep, wrongKey] = await Promise.all([
    startSshd({ authorizedKeys: [stranger.publicKey], dir: join(dir, 'auth') }),
    startSshd({ authorizedKeys: [key.publicKey], dir: join(dir, 'false'), extraConfig: ['ForceCommand /bin/false'] }),
    startSshd({ authorizedKeys: [key.publicKey], dir: join(dir, 'sleep'), extraConfig: ['ForceCommand sleep 600'] }),
    startSshd({ authorizedKeys: [key.publicKey], dir: join(dir, 'wrongkey') }),
  ]);
  faulty.push(refusesKey, forceFalse, forceSleep, wrongKey);
  refusedPort = await freePort();
  // known_hosts trusts every host's real key, except wrongKey's port, which it pins to another host's key.
  const lines = [...good.map((h) => h.sshd.knownHostsLine), refusesKey.knownHostsLine, forceFalse.knownHostsLine, forceSleep.knownHostsLine,
    `[127.0.0.1]:${wrongKey.port} ${refusesKey.knownHostsLine.split(' ').slice(1).join(' ')}`];
  knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, lines.map((l) => `${l}\n`).join(''));
});

after(async () => {
  if (skip) return;
  for (const s of servers) s.close();
  await Promise.all(faulty.map((s) => s.stop()));
  await lab?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('classifyFailure: transport codes map to the collection classes, transient only for connect/drop/timeout; other codes are not a host failure', () => {
  const rows: [string, { outcome: string; transient: boolean } | undefined][] = [
    ['TRANSPORT_CONNECT', { outcome: 'unreachable', transient: true }], ['TRANSPORT_DISCONNECTED', { outcome: 'unreachable', transient: true }],
    ['TRANSPORT_TIMEOUT', { outcome: 'timeout', transient: true }], ['HOST_INVALID', { outcome: 'unreachable', transient: false }],
    ['TRANSPORT_AUTH', { outcome: 'auth', transient: false }], ['TRANSPORT_HOSTKEY', { outcome: 'host-key-changed', transient: false }],
    ['TRANSPORT_COMMAND', { outcome: 'command-failed', transient: false }], ['FACTS_PARSE', { outcome: 'command-failed', transient: false }],
    ['USAGE', undefined], ['INTERNAL', undefined],
  ];
  for (const [code, want] of rows) assert.deepEqual(classifyFailure(new FerryError(code as 'USAGE', 'x')), want, code);
});


test('identityChanges: a change is a stored value that differs from the one seen; nothing stored is no change', () => {
  const stored = { hostKeyFingerprint: 'SHA256:a', machineId: 'm1' };
  assert.deepEqual(identityChanges(stored, { hostKeyFingerprint: 'SHA256:a', machineId: 'm1' }), []);
  assert.deepEqual(identityChanges({ hostKeyFingerprint: null, machineId: null }, { hostKeyFingerprint: 'SHA256:b', machineId: 'm2' }), []);
  assert.deepEqual(identityChanges(stored, { hostKeyFingerprint: 'SHA256:b', machineId: 'm1' }), ['host key SHA256:a → SHA256:b']);
  assert.deepEqual(identityChanges(stored, { hostKeyFingerprint: 'SHA256:a', machineId: 'm2' }), ['machine-id m1 → m2']);
});

test('collectFleet: real lab hosts are collected and stored; each faulty host gets its class, retried only when transient', { skip, timeout: 120_000 }, async () => {
  const store = await freshStore();
  try {
    const silent = await silentListener();
    const [refusesKey, forceFalse, forceSleep, wrongKey] = faulty;
    await store.upsertHost(labRecord('c8', good[0]));
    await store.upsertHost(labRecord('c7', good[1]));
    await store.upsertHost(labRecord('s8', good[2]));
    await store.upsertHost(record('refused', { port: refusedPort }));
    await store.upsertHost(record('auth', { port: refusesKey.port }));
    await store.upsertHost(record('hostkey', { port: wrongKey.port }));
    await store.upsertHost(record('silent', { port: silent }));
    await store.upsertHost(record('sleeps', { port: forceSleep.port }));
    await store.upsertHost(record('false', { port: forceFalse.port }));
    await store.upsertHost(record('hostile', { port: 22, address: '-oProxyCommand=touch /tmp/ferry-pwned' }));
    const names = ['c8', 'c7', 's8', 'refused', 'auth', 'hostkey', 'silent', 'sleeps', 'false', 'hostile'];
    const events: CollectProgressEvent[] = [];
    const r = await collectFleet(base(store, await hostsOf(store, names), { timeoutMs: 2500, retries: 1, onProgress: (e) => events.push(e) }));
    const by = new Map(r.hosts.map((h) => [h.host, h]));
    const want: [string, string, number][] = [
      ['c8', 'ok', 1], ['c7', 'ok', 1], ['s8', 'ok', 1],
      ['refused', 'unreachable', 2], ['silent', 'timeout', 2], ['sleeps', 'timeout', 2],
      ['auth', 'auth', 1], ['hostkey', 'host-key-changed', 1], ['false', 'command-failed', 1], ['hostile', 'unreachable', 1],
    ];
    for (const [name, outcome, attempts] of want) {
      const got = by.get(name);
      assert.deepEqual([got?.outcome, got?.attempts], [outcome, attempts], `${name}: ${got?.message ?? ''}`);
    }
    assert.match(by.get('hostkey')?.message ?? '', /Host key of \[127\.0\.0\.1\]:\d+ was refused/);
    assert.match(by.get('false')?.message ?? '', /facts script did not run/);
    assert.deepEqual([r.counts.ok, r.failed], [3, 7]);
    assert.equal(existsSync('/tmp/ferry-pwned'), false);
    // What was stored: one snapshot per ok host with its facts, one collection record per host, the identity seen.
    const c8 = await store.getHost('c8');
    assert.equal(c8?.hostKeyFingerprint, good[0].hostKeyFingerprint);
    const snap = await store.latestFactSnapshot('c8');
    assert.equal((snap?.facts as { os?: { id?: string } }).os?.id, 'centos');
    assert.equal(by.get('c8')?.factSnapshotId, snap?.id);
    assert.equal(await store.latestFactSnapshot('auth'), undefined);
    const recorded = new Map((await store.latestCollections()).map((c) => [c.hostName, c]));
    for (const [name, outcome, attempts] of want) assert.deepEqual([recorded.get(name)?.outcome, recorded.get(name)?.attempts], [outcome, attempts], name);
    // Progress: a start, one event per host with running counts, an end.
    assert.deepEqual(events.map((e) => e.phase), ['start', ...names.map(() => 'host'), 'end']);
    assert.deepEqual(events.at(-1), { scope: 'collect', phase: 'end', done: 10, total: 10, failed: 7 });
  } finally {
    await store.close();
  }
});

test('collectFleet: transient failures are retried after an exponential backoff; auth never is', { skip, timeout: 30_000 }, async () => {
  const store = await freshStore();
  try {
    await store.upsertHost(record('refused', { port: refusedPort }));
    await store.upsertHost(record('auth', { port: faulty[0].port }));
    // random 0: the smallest jitter, so the waits are exactly 150 and 300 ms
    const r = await collectFleet(base(store, await hostsOf(store, ['refused', 'auth']), { retries: 2, backoffMs: 300, random: () => 0 }));
    const [refused, auth] = r.hosts;
    assert.deepEqual([refused.outcome, refused.attempts], ['unreachable', 3]);
    assert.ok(refused.durationMs >= 450, `waited ${refused.durationMs} ms`);
    assert.deepEqual([auth.outcome, auth.attempts], ['auth', 1], 'a refused key is not retried');
  } finally {
    await store.close();
  }
});

test('collectFleet: concurrency bounds the hosts connected at once', { skip, timeout: 60_000 }, async () => {
  const store = await freshStore();
  try {
    const gauge = { now: 0, max: 0 };
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      const h = good[i % good.length];
      names.push(`h${i}`);
      await store.upsertHost(labRecord(`h${i}`, h, await countingProxy(h.port, gauge)));
    }
    // The proxies listen on their own ports: known_hosts must name them too.
    const kh = join(dir, 'known_hosts_proxied');
    const hosts = await hostsOf(store, names);
    writeFileSync(kh, hosts.map((h, i) => `[127.0.0.1]:${h.connection.port} ${good[i % good.length].sshd.knownHostsLine.split(' ').slice(1).join(' ')}\n`).join(''));
    const r = await collectFleet(base(store, hosts, { concurrency: 2, knownHostsFiles: [kh] }));
    assert.equal(r.counts.ok, 6, JSON.stringify(r.hosts));
    assert.equal(gauge.max, 2);
  } finally {
    await store.close();
  }
});

test('collectFleet: a new host key (trusted in known_hosts) or a new machine-id since the last collection flags identity-changed', { skip, timeout: 60_000 }, async () => {
  const store = await freshStore();
  const moved = await lab.sshHost({ from: 'centos-8' });
  let rekeyed: SshdHandle | undefined;
  try {
    writeFileSync(join(moved.root, 'etc/machine-id'), '0123456789abcdef0123456789abcdef\n');
    await store.upsertHost(labRecord('m', moved));
    const kh = join(dir, 'known_hosts_identity');
    writeFileSync(kh, `${moved.sshd.knownHostsLine}\n`);
    const first = await collectFleet(base(store, await hostsOf(store, ['m']), { knownHostsFiles: [kh] }));
    assert.deepEqual([first.hosts[0].outcome, first.hosts[0].machineId], ['ok', '0123456789abcdef0123456789abcdef']);
    const again = await collectFleet(base(store, await hostsOf(store, ['m']), { knownHostsFiles: [kh] }));
    assert.equal(again.hosts[0].outcome, 'ok', 'the same identity is not a change');

    // machine-id changed (a re-imaged or cloned host)
    writeFileSync(join(moved.root, 'etc/machine-id'), 'fedcba9876543210fedcba9876543210\n');
    const cloned = await collectFleet(base(store, await hostsOf(store, ['m']), { knownHostsFiles: [kh] }));
    assert.equal(cloned.hosts[0].outcome, 'identity-changed');
    assert.match(cloned.hosts[0].message ?? '', /machine-id 0123456789abcdef0123456789abcdef → fedcba9876543210fedcba9876543210/);
    assert.equal(typeof cloned.hosts[0].factSnapshotId, 'number', 'the snapshot is kept, linked to the flagged record');
    assert.equal((await store.getHost('m'))?.machineId, 'fedcba9876543210fedcba9876543210');

    // host key changed: sshd restarted with a new host key, which the operator trusted in known_hosts
    await moved.sshd.stop();
    rekeyed = await startSshd({ authorizedKeys: [`environment="HOME=${moved.env.HOME}" ${readFileSync(`${moved.privateKeyPath}.pub`, 'utf8').trim()}`],
      dir: join(dir, 'rekeyed'), extraConfig: ['PermitUserEnvironment yes'] });
    assert.notEqual(rekeyed.hostKeyFingerprint, moved.hostKeyFingerprint);
    writeFileSync(kh, `${rekeyed.knownHostsLine}\n`);
    await store.upsertHost(labRecord('m', moved, rekeyed.port));
    const rekey = await collectFleet(base(store, await hostsOf(store, ['m']), { knownHostsFiles: [kh] }));
    assert.equal(rekey.hosts[0].outcome, 'identity-changed');
    assert.equal(rekey.hosts[0].message, `The identity of m changed since its last collection: host key ${moved.hostKeyFingerprint} → ${rekeyed.hostKeyFingerprint}`);
    const latest = (await store.latestCollections()).find((c) => c.hostName === 'm');
    assert.equal(latest?.outcome, 'identity-changed');
  } finally {
    await rekeyed?.stop();
    await moved.stop();
    await store.close();
  }
});
