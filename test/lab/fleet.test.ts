// The lab fleet against the real tools: OpenSSH's client per host, dnf's transaction check, Ferry's
// assess over SSH, ansible-inventory and ansible. Size from FERRY_LAB_FLEET_SIZE (default 50); the roots
// come from the lab's template cache, so a warm run builds the 50 hosts in a few seconds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapLimit } from './build.js';
import { descendantsOf, sshArgs } from './sshd.js';
import { createLab, type Lab } from './lab.js';
import { createLabFleet, ferryHostArgs, GROUP_VARS, REGISTRATION_FILE, type LabFleet, type LabFleetHost } from './fleet.js';
import { skipUnlessTools } from '../support/shared.js';
import { ferry } from '../e2e/cli.js';
import type { Assessment } from '../../src/assess/index.js';

const skip = process.getuid?.() !== 0 ? 'needs root (sshd logins as root, unshare --mount)'
  : skipUnlessTools('ssh', 'ssh-keygen', 'rpm', 'dnf', 'unshare', 'ansible', 'ansible-inventory');

let lab: Lab | undefined;
let fleet: LabFleet | undefined;
const get = (): LabFleet => {
  assert.ok(fleet, 'the fleet is used before it was built');
  return fleet;
};

before(async () => {
  if (skip) return;
  // host copies on a tmpfs where there is one: this disk takes ~10 s to delete 50 roots
  lab = await createLab(existsSync('/dev/shm') ? { tmpDir: '/dev/shm' } : {});
  fleet = await createLabFleet(lab);
  const t = fleet.timings;
  console.log(`lab fleet: ${fleet.hosts.length} hosts in ${(t.totalMs / 1000).toFixed(1)} s (roots ${(t.rootsMs / 1000).toFixed(1)} s, sshd ${(t.sshdMs / 1000).toFixed(1)} s)`);
});
after(async () => {
  await fleet?.stop();
  await lab?.close();
});

interface Ran { status: number | null; stdout: string; stderr: string }
function runAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** The OpenSSH client to one fleet host exactly as the inventory describes it (its address and port). */
function ssh(f: LabFleet, h: LabFleetHost, ...command: string[]): Promise<Ran> {
  return runAsync('ssh', [...sshArgs({ host: h.address, port: h.port, knownHostsPath: f.knownHostsPath }, f), ...command]);
}

/** Runs Ferry in-process with HOME at the fleet's, where Debian's rpm finds %_dbpath for local reads. */
async function withFleetHome<T>(f: LabFleet, fn: () => Promise<T>): Promise<T> {
  const home = process.env.HOME;
  process.env.HOME = f.home;
  try { return await fn(); } finally { process.env.HOME = home; }
}

/** Alive and not a zombie (a reaped or exited process is not). */
function running(pid: number): boolean {
  try { return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

function localCount(h: LabFleetHost): number {
  const r = spawnSync('rpm', ['--root', h.root, '-qa'], { env: h.env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).length;
}

test('the fleet: >= 50 hosts, each its own sshd on its own 127.0.1.x address, mixed shapes, one known_hosts line per key', { skip }, () => {
  const f = get();
  assert.ok(f.hosts.length >= 50 || process.env.FERRY_LAB_FLEET_SIZE !== undefined, `${f.hosts.length} hosts`);
  assert.equal(new Set(f.hosts.map((h) => h.address)).size, f.hosts.length, 'one address per host');
  assert.ok(f.hosts.every((h) => /^127\.0\.1\.\d+$/.test(h.address)));
  assert.equal(new Set(f.hosts.map((h) => h.root)).size, f.hosts.length, 'one root copy per host');
  const froms = new Map<string, number>();
  for (const h of f.hosts) froms.set(h.from, (froms.get(h.from) ?? 0) + 1);
  assert.ok((froms.get('centos-8') ?? 0) > f.hosts.length / 2, `CentOS 8 is most: ${[...froms].join(' ')}`);
  assert.ok((froms.get('centos-stream-8') ?? 0) > 0 && (froms.get('centos-7') ?? 0) > 0, `Stream 8 and CentOS 7 too: ${[...froms].join(' ')}`);
  for (const part of ['i686', 'epel', 'acme']) assert.ok(f.hosts.some((h) => h.shape.split('+').includes(part)), `some host has ${part}`);
  const pids = f.hosts.flatMap((h) => (h.sshd ? [h.sshd.pid] : []));
  assert.equal(new Set(pids).size, f.hosts.length - 1, 'an sshd per host but the unreachable one');
  assert.equal(f.hosts.filter((h) => h.sshd).length, f.hosts.length - 1);
});

test('every reachable host answers over its own address: remote rpm --root -qa counts what the root holds', { skip }, async () => {
  const f = get();
  const reachable = f.hosts.filter((h) => h.fault !== 'unreachable' && h.fault !== 'host-key-changed' && h.fault !== 'auth');
  const t = Date.now();
  const counts = await mapLimit(reachable, 10, async (h) => {
    const r = await ssh(f, h, 'rpm', '--root', h.root, '-qa');
    assert.equal(r.status, 0, `${h.name} (${h.address}:${h.port}): ${r.stderr}${h.sshd?.log() ?? ''}`);
    return r.stdout.split('\n').filter(Boolean).length;
  });
  console.log(`ssh rpm -qa on ${reachable.length} hosts, 10 at a time: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  for (const [i, h] of reachable.entries()) {
    assert.equal(counts[i], localCount(h), `${h.name}: remote count equals rpm --root on this machine`);
    assert.ok(counts[i] > 10, `${h.name}: ${counts[i]} packages`);
  }
  // the session runs on the address it was asked for: sshd sees the client connect to that address
  const h = reachable[reachable.length - 1];
  const conn = await ssh(f, h, 'echo "$SSH_CONNECTION"'); // one word: the remote shell expands it
  assert.equal(conn.stdout.trim().split(' ').slice(2).join(' '), `${h.address} ${h.port}`);
});

test('each faulty host fails the way real ssh says', { skip }, async () => {
  const f = get();
  const rows: Array<[string, RegExp]> = [
    [f.faulty.unreachable, /Connection refused/],
    [f.faulty.hostKeyChanged, /REMOTE HOST IDENTIFICATION HAS CHANGED[\s\S]*Host key verification failed/],
    [f.faulty.auth, /Permission denied \(publickey\)/],
  ];
  for (const [name, message] of rows) {
    const r = await ssh(f, f.host(name), 'true');
    assert.equal(r.status, 255, `${name}: ssh exit status`);
    assert.match(r.stderr, message, name);
  }
  const m = await ssh(f, f.host(f.faulty.migrationFails), 'true');
  assert.equal(m.status, 0, 'the host whose migration fails is reachable');
});

test('the migration-fails host: ferry migrate --to rocky-8 fails in distro-sync on rpm\'s file-conflict check; a healthy host\'s transaction passes', { skip }, async () => {
  const f = get();
  const l = lab;
  assert.ok(l);
  const rocky = await l.distro('rocky-8');
  const h = f.host(f.faulty.migrationFails);
  const r = await withFleetHome(f, () => ferry(['--json', 'migrate', ...ferryHostArgs(f, h), '--to', 'rocky-8', '--repo', `rocky-8=${rocky.repoDir}`, '--nogpgcheck', '--yes', '--store', join(f.dir, 'migrate.db')]));
  assert.equal(r.code, 1, r.err.slice(-2000));
  const out = JSON.parse(r.out) as { error?: { code: string; message: string } };
  assert.equal(out.error?.code, 'STEP_FAILED');
  assert.match(out.error?.message ?? '', /^dnf distro-sync --allowerasing on root@127\.0\.1\.\d+:\d+ exited 1/);
  assert.match(out.error?.message ?? '', /file \/usr\/bin\/lab-utils from install of lab-utils-2\.0-1\.el8\S* conflicts with file from package acme-utils-compat-1\.0-1\.x86_64/);
  // mid-way: the steps before distro-sync ran (the vendor swap among them)
  assert.match(r.err, /Swap vendor packages[\s\S]*done \(applied\)[\s\S]*distro-sync/i);
  // the same transaction on a plain CentOS 8 host passes rpm's test (tsflags=test changes nothing)
  const healthy = f.healthy().find((x) => x.shape === 'c8');
  assert.ok(healthy, 'a plain CentOS 8 host');
  const good = spawnSync('dnf', [...healthy.lab.dnfArgs(rocky), '--setopt=tsflags=test', 'distro-sync', '--allowerasing'], { env: healthy.env, encoding: 'utf8' });
  assert.equal(good.status, 0, good.stderr + good.stdout);
});

test('Ferry assess over SSH: low disk and the Uyuni registration are rocky-8 inhibitors on their hosts, absent on a healthy one', { skip }, async () => {
  const f = get();
  const l = lab;
  assert.ok(l);
  const rocky = await l.distro('rocky-8');
  const inhibitors = async (h: LabFleetHost): Promise<string[]> => {
    const r = await withFleetHome(f, () => ferry(['--json', 'assess', ...ferryHostArgs(f, h), '--to', 'rocky-8', '--repo', `rocky-8=${rocky.repoDir}`, '--today', '2024-06-01', '--no-progress']));
    assert.equal(r.code, 0, `${h.name}: ${r.err}`);
    const a = JSON.parse(r.out) as Assessment;
    return [...a.targets[0].inhibitors].sort();
  };
  const healthy = f.healthy().find((h) => h.shape === 'c8');
  assert.ok(healthy);
  const rows: Array<[LabFleetHost, RegExp]> = [
    [f.host(f.inhibited.lowDisk), /^low-disk:\/boot$/],
    [f.host(f.inhibited.registration), /^management-agents:uyuni-salt$/],
  ];
  for (const [h, want] of rows) {
    const got = await inhibitors(h);
    assert.ok(got.some((k) => want.test(k)), `${h.name}: ${want} in ${got.join(', ')}`);
  }
  const clean = await inhibitors(healthy);
  assert.ok(!clean.some((k) => k.startsWith('low-disk') || k.startsWith('management-agents')), `${healthy.name}: ${clean.join(', ')}`);
  // the tmpfs is only in the low-disk sshd's namespace: this machine still sees the root's own /boot
  assert.ok(existsSync(join(f.host(f.inhibited.registration).root, REGISTRATION_FILE)));
});

test('inventory.ini is what ansible-inventory --list reads: groups, ranges, children, host vars, all:vars, group_vars', { skip }, () => {
  const f = get();
  const r = spawnSync('ansible-inventory', ['-i', f.inventoryPath, '--list'], { encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
  assert.equal(r.status, 0, r.stderr);
  const inv = JSON.parse(r.stdout) as Record<string, { hosts?: string[]; children?: string[] }> & { _meta: { hostvars: Record<string, Record<string, unknown>> } };
  const groupsOf = (g: string): string[] => [...(inv[g]?.hosts ?? [])].sort();
  const names = (pred: (h: LabFleetHost) => boolean): string[] => f.hosts.filter(pred).map((h) => h.name).sort();
  for (const g of ['centos8', 'stream8', 'centos7', 'web', 'db']) assert.deepEqual(groupsOf(g), names((h) => h.groups.includes(g)), g);
  assert.deepEqual([...(inv.prod?.children ?? [])].sort(), ['db', 'web']);
  assert.deepEqual([...(inv.all?.children ?? [])].filter((g) => g !== 'ungrouped').sort(), ['centos7', 'centos8', 'prod', 'stream8']);
  assert.deepEqual(Object.keys(inv._meta.hostvars).sort(), names(() => true));
  for (const h of f.hosts) {
    const group = h.groups.includes('db') ? { ...GROUP_VARS.prod, ...GROUP_VARS.db } : GROUP_VARS.prod;
    const want: Record<string, unknown> = { ...h.vars, ansible_port: h.port, ...group, ansible_user: 'root', ansible_ssh_private_key_file: f.privateKeyPath,
      ansible_ssh_common_args: `-F /dev/null -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${f.knownHostsPath}`,
      ansible_python_interpreter: '/usr/bin/python3' };
    assert.deepEqual(inv._meta.hostvars[h.name], want, h.name);
  }
  assert.deepEqual(names((h) => h.vars.ha_pair === 'db-a'), ['db01', 'db02']);
});

test('real ansible runs rpm -qa on every healthy host through the inventory (-f 10); the faulty ones are UNREACHABLE', { skip }, async () => {
  const f = get();
  const t = Date.now();
  const r = await runAsync('ansible', ['all', '-i', f.inventoryPath, '-m', 'command', '-a', 'rpm --root {{ ferry_root }} -qa', '-f', '10', '-o'],
    { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_HOME: join(f.dir, 'ansible'), ANSIBLE_LOCAL_TEMP: join(f.dir, 'ansible', 'tmp') });
  console.log(`ansible -m command rpm -qa, ${f.hosts.length} hosts, -f 10: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const lines = new Map<string, string>();
  for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) {
    const m = /^(\S+) \| (CHANGED|SUCCESS|UNREACHABLE!|FAILED!?)/.exec(line);
    if (m) lines.set(m[1], line);
  }
  const down = new Set([f.faulty.unreachable, f.faulty.hostKeyChanged, f.faulty.auth]);
  for (const h of f.hosts) {
    const line = lines.get(h.name) ?? '';
    if (down.has(h.name)) { assert.match(line, /UNREACHABLE!/, `${h.name}: ${line}`); continue; }
    assert.match(line, /\| CHANGED \| rc=0 \|/, `${h.name}: ${line}\n${r.stderr.slice(0, 2000)}`);
    // -o puts stdout on one line with literal \n separators
    const listed = (/\(stdout\) (.*)$/.exec(line)?.[1] ?? '').split('\\n').filter(Boolean).length;
    assert.equal(listed, localCount(h), `${h.name}: ansible's rpm -qa lists the root's packages`);
  }
  assert.notEqual(r.status, 0, 'ansible exits non-zero with unreachable hosts');
});

test('identity changes: changeMachineId rewrites /etc/machine-id; changeHostKey makes the host refused with known_hosts unchanged', { skip }, async () => {
  const f = get();
  assert.equal(new Set(f.hosts.map((h) => h.machineId)).size, f.hosts.length, 'one machine-id per host');
  const h = f.healthy()[f.healthy().length - 1];
  const machineId = async (): Promise<string> => (await ssh(f, h, 'cat', `${h.root}/etc/machine-id`)).stdout.trim();
  assert.equal(await machineId(), h.machineId);
  const before = h.machineId;
  f.changeMachineId(h.name);
  assert.match(h.machineId, /^[0-9a-f]{32}$/);
  assert.notEqual(h.machineId, before);
  assert.equal(await machineId(), h.machineId, 'the session reads the new machine-id');
  await f.changeHostKey(h.name);
  const r = await ssh(f, h, 'true');
  assert.equal(r.status, 255);
  assert.match(r.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
});

test('stop() leaves no sshd running and nothing listening', { skip }, async () => {
  const f = get();
  const pids = f.hosts.flatMap((h) => (h.sshd ? [h.sshd.pid] : []));
  // the sessions ansible's ControlPersist masters still hold open, and what runs in them
  const sessions = pids.flatMap((pid) => descendantsOf(pid));
  assert.ok(sessions.length > 0, 'ansible left persistent sessions to end');
  await f.stop();
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, `sshd ${pid} must be gone`);
  const deadline = Date.now() + 5000;
  while (sessions.some(running) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(sessions.filter(running), [], 'no session process outlives stop()');
  const h = f.healthy()[0];
  const r = await ssh(f, h, 'true');
  assert.equal(r.status, 255);
  assert.match(r.stderr, /Connection refused/);
  assert.ok(!existsSync(f.dir), 'the fleet directory is removed');
});

test('timeoutHost: a host that accepts TCP and never sends a banner times out in real ssh; stop() closes it', { skip }, async () => {
  const l = lab;
  assert.ok(l);
  const small = await createLabFleet(l, { size: 12, timeoutHost: true });
  try {
    const name = small.faulty.timeout;
    assert.ok(name, 'the timeout host is named');
    const h = small.host(name);
    assert.equal(h.fault, 'timeout');
    assert.equal(small.hosts.filter((x) => x.fault).length, 5, 'the four faults and the timeout');
    const t = Date.now();
    const r = await ssh(small, h, 'true');
    assert.equal(r.status, 255);
    assert.match(r.stderr, /timed out during banner exchange/);
    assert.ok(Date.now() - t >= 4000, 'ssh waited for its ConnectTimeout (5 s)');
  } finally {
    await small.stop();
  }
  const r = await ssh(small, small.host(small.faulty.timeout ?? ''), 'true');
  assert.match(r.stderr, /Connection refused/, 'nothing listens after stop()');
});
