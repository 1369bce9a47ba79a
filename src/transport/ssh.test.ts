import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError } from '../core/index.js';
import { connectSsh, type SshTransportOptions } from './ssh.js';
import { HOSTILE_ARGS } from './testing.js';
import { generateKeyPair, startSshd, type SshdHandle, type SshKeyPair } from '../../test/lab/sshd.js';
import { skipUnlessTools } from '../../test/support/shared.js';

const skip = skipUnlessTools('ssh-keygen', 'ssh-agent', 'ssh-add') || (existsSync('/usr/sbin/sshd') ? false : 'no /usr/sbin/sshd');
let dir: string;
let key: SshKeyPair;
let stranger: SshKeyPair;
let a: SshdHandle;
let b: SshdHandle;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'ferry-ssh-t-'));
  key = generateKeyPair(dir, 'client');
  stranger = generateKeyPair(dir, 'stranger');
  [a, b] = await Promise.all([
    startSshd({ authorizedKeys: [key.publicKey], dir: join(dir, 'a') }),
    startSshd({ authorizedKeys: [key.publicKey], dir: join(dir, 'b') }),
  ]);
});
after(async () => {
  if (skip) return;
  await Promise.all([a?.stop(), b?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const base = (s: SshdHandle, extra: Partial<SshTransportOptions> = {}): SshTransportOptions => ({
  host: '127.0.0.1', port: s.port, user: 'root', sshConfigPath: false,
  knownHostsFiles: [s.knownHostsPath], auth: { identityFiles: [key.privateKeyPath], agent: false }, ...extra,
});

test('ssh: key auth; hostile argv reaches the remote process as single, unchanged arguments', { skip }, async () => {
  const t = await connectSsh(base(a));
  try {
    const res = await t.run(['printf', '%s\\0', ...HOSTILE_ARGS]);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(res.stdout.split('\0').slice(0, -1), HOSTILE_ARGS);
    assert.equal(existsSync('/tmp/ferry-pwned'), false);
    const env = await t.run(['sh', '-c', 'printf %s "$FERRY_X"'], { env: { FERRY_X: '$(id);`id`' } });
    assert.equal(env.stdout, '$(id);`id`');
    const bin = await t.run(['cat'], { stdin: Buffer.from([0, 1, 2, 255]), encoding: 'buffer' });
    assert.deepEqual(bin.stdout, Buffer.from([0, 1, 2, 255]));
    const fail = await t.run(['sh', '-c', 'echo e >&2; exit 7']);
    assert.deepEqual([fail.code, fail.stderr], [7, 'e\n']);
    assert.equal((await t.run(['ferry-no-such-command'])).code, 127);
    assert.match(t.describe(), /^ssh root@127\.0\.0\.1:\d+$/);
    assert.doesNotMatch(t.describe(), /client|BEGIN/);
  } finally {
    await t.close();
  }
});

test('ssh: root prefix for file operations (readFile, writeFile, exists, upload)', { skip }, async () => {
  const root = join(dir, 'lab-root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', 'os-release'), 'ID="centos"\n');
  const t = await connectSsh(base(a, { root }));
  try {
    assert.equal((await t.readFile('/etc/os-release')).toString(), 'ID="centos"\n');
    assert.equal(await t.exists('/etc/os-release'), true);
    assert.equal(await t.exists('/etc/nothing'), false);
    await assert.rejects(t.readFile('/etc/nothing'), (e) => isFerryError(e, 'NOT_FOUND'));
    await t.writeFile("/etc/we'ird $(name)", 'data\n', { mode: 0o644 });
    assert.equal(readFileSync(join(root, 'etc', "we'ird $(name)"), 'utf8'), 'data\n');
    await t.upload(join(root, 'etc', 'os-release'), '/etc/copied');
    assert.equal(readFileSync(join(root, 'etc', 'copied'), 'utf8'), 'ID="centos"\n');
    assert.match(t.describe(), /\(root /);
  } finally {
    await t.close();
  }
  await assert.rejects(t.run(['true']), (e) => isFerryError(e, 'TRANSPORT_DISCONNECTED'));
});

test('ssh: unknown and mismatched host keys are refused with TRANSPORT_HOSTKEY naming host and fingerprint', { skip }, async () => {
  const empty = join(dir, 'kh-empty');
  writeFileSync(empty, '');
  await assert.rejects(connectSsh(base(a, { knownHostsFiles: [empty] })), (e) =>
    isFerryError(e, 'TRANSPORT_HOSTKEY') && e.message.includes(`[127.0.0.1]:${a.port}`) && e.message.includes(a.hostKeyFingerprint));
  // b's key recorded under a's name: a man in the middle.
  const wrong = join(dir, 'kh-wrong');
  writeFileSync(wrong, b.knownHostsLine.replace(`:${b.port}`, `:${a.port}`) + '\n');
  await assert.rejects(connectSsh(base(a, { knownHostsFiles: [wrong] })), (e) =>
    isFerryError(e, 'TRANSPORT_HOSTKEY') && /different key/.test(e.message) && e.message.includes(a.hostKeyFingerprint));
  // A hashed known_hosts (ssh-keygen -H) is accepted.
  const hashed = join(dir, 'kh-hashed');
  writeFileSync(hashed, a.knownHostsLine + '\n');
  assert.equal(spawnSync('ssh-keygen', ['-H', '-f', hashed]).status, 0);
  assert.match(readFileSync(hashed, 'utf8'), /^\|1\|/);
  const t = await connectSsh(base(a, { knownHostsFiles: [hashed] }));
  assert.equal((await t.run(['true'])).code, 0);
  await t.close();
});

test('ssh: a key not in authorized_keys → TRANSPORT_AUTH; no credentials → TRANSPORT_AUTH', { skip }, async () => {
  await assert.rejects(connectSsh(base(a, { auth: { identityFiles: [stranger.privateKeyPath], agent: false } })), (e) => isFerryError(e, 'TRANSPORT_AUTH'));
  await assert.rejects(connectSsh(base(a, { auth: { identityFiles: [], agent: false } })), (e) => isFerryError(e, 'TRANSPORT_AUTH'));
});

test('ssh: agent authentication through a real ssh-agent', { skip }, async () => {
  const sock = join(dir, 'agent.sock');
  const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
    const add = spawnSync('ssh-add', [key.privateKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock }, encoding: 'utf8' });
    assert.equal(add.status, 0, add.stderr);
    const t = await connectSsh(base(a, { auth: { identityFiles: [], agent: sock } }));
    assert.equal((await t.run(['echo', 'via agent'])).stdout, 'via agent\n');
    await t.close();
  } finally {
    agent.kill();
  }
});

test('ssh: command timeout → TRANSPORT_TIMEOUT; connect timeout against a silent server → TRANSPORT_TIMEOUT', { skip }, async () => {
  const t = await connectSsh(base(a));
  await assert.rejects(t.run(['sleep', '20'], { timeoutMs: 300 }), (e) => isFerryError(e, 'TRANSPORT_TIMEOUT') && /sleep/.test(e.message));
  assert.equal((await t.run(['echo', 'still usable'])).stdout, 'still usable\n');
  await t.close();
  const silent: Server = createServer(() => { /* accept, never speak */ });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as { port: number }).port;
  try {
    const started = Date.now();
    await assert.rejects(connectSsh({ ...base(a), port, connectTimeoutMs: 400 }), (e) => isFerryError(e, 'TRANSPORT_TIMEOUT'));
    assert.ok(Date.now() - started < 5000);
  } finally {
    silent.close();
  }
  await assert.rejects(connectSsh({ ...base(a), port: 1 }), (e) => isFerryError(e, 'TRANSPORT_CONNECT'));
});

/** sshd's per-connection children: processes whose parent is the listener. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((p) => {
    try { return Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === pid; } catch { return false; }
  });
}

test('ssh: killing the session mid-command → TRANSPORT_DISCONNECTED, later calls too', { skip }, async () => {
  const s = await startSshd({ authorizedKeys: [key.publicKey], dir: join(dir, 'c') });
  try {
    const t = await connectSsh(base(s));
    const running = t.run(['sleep', '30']);
    await new Promise((r) => setTimeout(r, 300));
    const kids = childrenOf(s.pid);
    assert.ok(kids.length > 0, 'the session process exists');
    for (const k of kids) process.kill(k, 'SIGKILL');
    await assert.rejects(running, (e) => isFerryError(e, 'TRANSPORT_DISCONNECTED'));
    await assert.rejects(t.run(['true']), (e) => isFerryError(e, 'TRANSPORT_DISCONNECTED'));
    await t.close();
  } finally {
    await s.stop();
  }
});

test('ssh: ProxyJump through another sshd, configured by ~/.ssh/config-style file with aliases', { skip }, async () => {
  const kh = join(dir, 'kh-both');
  writeFileSync(kh, `${a.knownHostsLine}\n${b.knownHostsLine}\n`);
  const cfg = join(dir, 'ssh_config');
  writeFileSync(cfg, [
    'Host target',
    '  HostName 127.0.0.1',
    `  Port ${b.port}`,
    '  ProxyJump bastion',
    'Host bastion',
    '  HostName 127.0.0.1',
    `  Port ${a.port}`,
    'Host *',
    '  User root',
    `  IdentityFile ${key.privateKeyPath}`,
    `  UserKnownHostsFile ${kh}`,
    '',
  ].join('\n'));
  const t = await connectSsh({ host: 'target', sshConfigPath: cfg, auth: { agent: false } });
  try {
    assert.equal(t.describe(), `ssh root@127.0.0.1:${b.port} via root@127.0.0.1:${a.port}`);
    const res = await t.run(['printf', '%s\\0', ...HOSTILE_ARGS]);
    assert.deepEqual(res.stdout.split('\0').slice(0, -1), HOSTILE_ARGS);
    // The session really lives on b: its listener has a child now, reached through a's forwarding.
    assert.ok(childrenOf(b.pid).length > 0);
    assert.match(a.log() + b.log(), /Accepted publickey/);
  } finally {
    await t.close();
  }
  // The jump host's key is checked too.
  writeFileSync(kh, `${b.knownHostsLine}\n`);
  await assert.rejects(connectSsh({ host: 'target', sshConfigPath: cfg, auth: { agent: false } }), (e) =>
    isFerryError(e, 'TRANSPORT_HOSTKEY') && e.message.includes(`[127.0.0.1]:${a.port}`));
});

test('ssh: hostile host names never reach ssh2', { skip }, async () => {
  for (const host of ['-oProxyCommand=touch /tmp/ferry-pwned', 'h;id', 'a b']) {
    await assert.rejects(connectSsh({ ...base(a), host }), (e) => isFerryError(e, 'HOST_INVALID'));
  }
});

test('ssh: password authentication against the real sshd (a throwaway user); a wrong password → TRANSPORT_AUTH', {
  skip: skip || (process.getuid?.() !== 0 ? 'needs root to create a user' : false) || skipUnlessTools('useradd', 'chpasswd', 'userdel'),
}, async () => {
  const user = `ferrypw${process.pid % 100000}`;
  const password = `pw-${process.pid}-'"$(x)`;
  const made = spawnSync('useradd', ['-M', '-d', '/nonexistent', '-s', '/bin/sh', user], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const s = await startSshd({ authorizedKeys: [], dir: join(dir, 'pw'), extraConfig: [`Match User ${user}`, '  PasswordAuthentication yes'] });
  try {
    assert.equal(spawnSync('chpasswd', [], { input: `${user}:${password}\n`, encoding: 'utf8' }).status, 0);
    const t = await connectSsh(base(s, { user, auth: { identityFiles: [], agent: false, password } }));
    assert.equal((await t.run(['id', '-un'])).stdout, `${user}\n`);
    await t.close();
    await assert.rejects(connectSsh(base(s, { user, auth: { identityFiles: [], agent: false, password: 'wrong' } })), (e) => isFerryError(e, 'TRANSPORT_AUTH'));
  } finally {
    await s.stop();
    spawnSync('userdel', [user]);
  }
});

test('ssh: forwardRemote — a connection to the host-side port reaches the controller, ends with close(); AllowTcpForwarding no → TRANSPORT_FORWARD_REFUSED', { skip: skip || skipUnlessTools('curl') }, async () => {
  const t = await connectSsh(base(a));
  try {
    assert.ok(t.forwardRemote);
    const fwd = await t.forwardRemote((stream) => {
      stream.once('data', () => { stream.end('HTTP/1.0 200 OK\r\ncontent-length: 8\r\n\r\nforwards'); });
    });
    assert.ok(fwd.port > 0);
    const got = await t.run(['curl', '-s', `http://127.0.0.1:${fwd.port}/`]);
    assert.equal(got.stdout, 'forwards', got.stderr);
    await fwd.close();
    await fwd.closed;
    const after = await t.run(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${fwd.port}/`]);
    assert.notEqual(after.stdout, '200', 'nothing listens there once closed');
  } finally {
    await t.close();
  }
  const closedWithConnection = await connectSsh(base(a));
  const fwd = await closedWithConnection.forwardRemote?.(() => {});
  await closedWithConnection.close();
  await fwd?.closed; // resolves: the forward ends with its connection

  const refusing = await startSshd({ authorizedKeys: [key.publicKey], dir: join(dir, 'no-forwarding'), extraConfig: ['AllowTcpForwarding no'] });
  const r = await connectSsh(base(refusing));
  try {
    await assert.rejects(r.forwardRemote?.(() => {}) ?? Promise.resolve(), (e: unknown) => isFerryError(e, 'TRANSPORT_FORWARD_REFUSED')
      && e.message.includes(`root@127.0.0.1:${refusing.port}`) && /AllowTcpForwarding/.test(e.hint ?? ''));
  } finally {
    await r.close();
    await refusing.stop();
  }
});
