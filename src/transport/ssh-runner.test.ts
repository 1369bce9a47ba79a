import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError } from '../core/index.js';
import { connectSsh, type SshTransportOptions } from './ssh.js';
import { fitsInline, printfEscape, RUNNER_PRELUDE, RUNNER_STDIN_MAX } from './ssh-runner.js';
import { HOSTILE_ARGS } from './testing.js';
import { generateKeyPair, startSshd, type SshdHandle, type SshKeyPair } from '../../test/lab/sshd.js';
import { skipUnlessTools } from '../../test/support/shared.js';

const skip = skipUnlessTools('ssh-keygen') || (existsSync('/usr/sbin/sshd') ? false : 'no /usr/sbin/sshd');
let dir: string;
let key: SshKeyPair;
let sshd: SshdHandle;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'ferry-ssh-runner-t-'));
  key = generateKeyPair(dir, 'client');
  sshd = await startSshd({ authorizedKeys: [key.publicKey], dir: join(dir, 'sshd') });
});
after(async () => {
  if (skip) return;
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const opts = (): SshTransportOptions => ({
  host: '127.0.0.1', port: sshd.port, user: 'root', sshConfigPath: false,
  knownHostsFiles: [sshd.knownHostsPath], auth: { identityFiles: [key.privateKeyPath], agent: false },
});
const logins = (): number => (sshd.log().match(/Accepted publickey for root/g) ?? []).length;
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

test('printfEscape: every byte value survives printf in dash and bash', { skip: skipUnlessTools('dash', 'bash') }, () => {
  for (const sh of ['dash', 'bash']) {
    const res = spawnSync(sh, ['-c', `printf '${printfEscape(ALL_BYTES)}'`]);
    assert.equal(res.status, 0, `${sh}: ${res.stderr}`);
    assert.deepEqual(res.stdout, ALL_BYTES, sh);
  }
  assert.equal(printfEscape(Buffer.from("it's 100% a\\b")), 'it\\047s 100\\045 a\\134b');
  // data starting with '-' (an armored GPG key) must not be read as printf options
  const armored = Buffer.from('-----BEGIN PGP PUBLIC KEY BLOCK-----\n-v -- %s\n');
  for (const sh of ['dash', 'bash']) {
    const res = spawnSync(sh, ['-c', `printf '${printfEscape(armored)}'`]);
    assert.deepEqual([res.status, res.stdout.toString()], [0, armored.toString()], sh);
  }
  // The inline cap is on escaped text: plain text up to the cap fits, binary only up to a quarter of it.
  assert.equal(fitsInline(Buffer.alloc(RUNNER_STDIN_MAX, 0x61)), true);
  assert.equal(fitsInline(Buffer.alloc(RUNNER_STDIN_MAX + 1, 0x61)), false);
  assert.equal(fitsInline(Buffer.alloc(RUNNER_STDIN_MAX / 4, 0)), true);
  assert.equal(fitsInline(Buffer.alloc(RUNNER_STDIN_MAX / 4 + 1, 0)), false);
});

test('runner prelude in real dash and bash: the reply contract holds even after aliases and functions shadow its utilities', { skip: skipUnlessTools('dash', 'bash') }, () => {
  const shadow = ['mktemp() { echo /nonexistent; }', 'echo() { printf EVIL; }', 'printf() { :; }', 'wait() { return 3; }',
    'cat() { echo EVIL; }', 'wc() { echo 999; }', 'rm() { :; }', "alias cat='echo EVIL' rm='echo EVIL' wc='echo 999'"].join('\n');
  const id = 'a'.repeat(32);
  for (const sh of ['dash', 'bash']) {
    const script = [sh === 'bash' ? 'shopt -s expand_aliases' : ':', shadow, RUNNER_PRELUDE,
      `command printf 'FERRY-READY %s %s\\n' r "$__ferry_d"`,
      `command printf '${printfEscape(Buffer.from('-in\n'))}' >"$__ferry_d/${id}.i"; __ferry_run ${id} "$__ferry_d/${id}.i" sh -c 'cat; printf out; echo err >&2; exit 5'`,
      'ls "$__ferry_d" | command wc -l', ''].join('\n');
    const res = spawnSync(sh, ['-s'], { input: script });
    const text = res.stdout.toString();
    const m = /^FERRY-READY r (\/\S+)\n([\s\S]*)$/.exec(text);
    assert.ok(m, `${sh}: ${text} ${res.stderr}`);
    assert.deepEqual(m[2].split('\n').map((l) => l.trim()), [`${id} R 5`, '7', '4', '-in', 'outerr', '0', ''], sh);
    assert.equal(existsSync(m[1]), false, `${sh}: the runner's directory is removed when its shell exits`);
  }
});

test('ssh runner: 20 commands and file operations share ONE connection and ONE remote shell', { skip }, async () => {
  const before = logins();
  const t = await connectSsh(opts());
  try {
    // Each command's parent process is the shell that started it: a plain exec per command would give
    // 20 different parents (one login shell per sshd session); the runner gives the same one.
    const parents = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const res = await t.run(['sh', '-c', 'echo "$PPID"']);
      assert.equal(res.code, 0, res.stderr);
      parents.add(res.stdout.trim());
    }
    const file = join(dir, 'shared-conn');
    await t.writeFile(file, 'x\n');
    assert.equal((await t.readFile(file)).toString(), 'x\n');
    assert.equal(await t.exists(file), true);
    assert.equal(parents.size, 1, `commands ran under ${parents.size} different shells`);
    assert.equal(logins() - before, 1, 'sshd accepted exactly one login for this transport');
    const runnerPid = [...parents][0];
    assert.match(readFileSync(`/proc/${runnerPid}/cmdline`, 'utf8'), /-s/, 'the parent is the runner shell (`$SHELL -s`)');
  } finally {
    await t.close();
  }
});

test('ssh without runners (runners: false): every command is a plain exec started by sshd, and behaves the same', { skip }, async () => {
  const t = await connectSsh({ ...opts(), runners: false });
  try {
    // A plain exec's command is started by sshd's session itself (the login shell's `-c` execs it), where a
    // runner's would be a child of the runner shell (`$SHELL -s`).
    for (let i = 0; i < 3; i++) {
      const res = await t.run(['sh', '-c', 'tr "\\0" " " </proc/$PPID/cmdline']);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /^sshd: root@notty/, `command ${i}'s parent`);
    }
    const res = await t.run(['printf', '%s\\0', ...HOSTILE_ARGS]);
    assert.deepEqual(res.stdout.split('\0').slice(0, -1), HOSTILE_ARGS);
    const fail = await t.run(['sh', '-c', 'echo e >&2; exit 7']);
    assert.deepEqual([fail.code, fail.stderr], [7, 'e\n']);
  } finally {
    await t.close();
  }
});

test('ssh runner: concurrent commands (more than the pool) all answer correctly, hostile argv intact', { skip }, async () => {
  const t = await connectSsh(opts());
  try {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      t.run(['printf', '%s\\0', String(i), ...HOSTILE_ARGS], { env: { FERRY_I: String(i) } })));
    results.forEach((res, i) => {
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual(res.stdout.split('\0').slice(0, -1), [String(i), ...HOSTILE_ARGS]);
    });
    const codes = await Promise.all([3, 0, 42].map((c) => t.run(['sh', '-c', `echo out; echo err >&2; exit ${c}`])));
    assert.deepEqual(codes.map((r) => [r.code, r.stdout, r.stderr]), [[3, 'out\n', 'err\n'], [0, 'out\n', 'err\n'], [42, 'out\n', 'err\n']]);
  } finally {
    await t.close();
  }
});

test('ssh runner: binary stdin inline and above RUNNER_STDIN_MAX, large and truncated output', { skip }, async () => {
  const t = await connectSsh(opts());
  try {
    const small = await t.run(['cat'], { stdin: ALL_BYTES, encoding: 'buffer' });
    assert.deepEqual(small.stdout, ALL_BYTES);
    const big = Buffer.alloc(RUNNER_STDIN_MAX + 4096);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
    const bigRes = await t.run(['cat'], { stdin: big, encoding: 'buffer' });
    assert.deepEqual(bigRes.stdout, big);
    // Routing, seen from the host: inline stdin runs under the runner shell, oversized stdin under its own exec.
    const parent = async (stdin: Buffer): Promise<string> =>
      (await t.run(['sh', '-c', 'cat >/dev/null; echo "$PPID"'], { stdin })).stdout.trim();
    const [runnerPid, inlinePid, execPid] = [await parent(Buffer.alloc(0)), await parent(ALL_BYTES), await parent(big)];
    assert.equal(inlinePid, runnerPid);
    assert.notEqual(execPid, runnerPid);
    const many = await t.run(['head', '-c', '3000000', '/dev/zero'], { encoding: 'buffer' });
    assert.equal(many.stdout.length, 3_000_000);
    assert.equal(many.truncated, false);
    const cut = await t.run(['sh', '-c', 'head -c 1000 /dev/zero; echo oops >&2'], { maxOutputBytes: 10, encoding: 'buffer' });
    assert.deepEqual([cut.stdout.length, cut.stderr, cut.truncated], [10, 'oops\n', true]);
    // The runner keeps answering in order after all of that.
    assert.equal((await t.run(['echo', 'after'])).stdout, 'after\n');
  } finally {
    await t.close();
  }
});

/** Pids of processes whose argv is exactly `argv`. */
function pidsRunning(argv: string[]): number[] {
  const want = argv.join('\0') + '\0';
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((p) => {
    try { return readFileSync(`/proc/${p}/cmdline`, 'utf8') === want; } catch { return false; }
  });
}

test('ssh runner: a timed-out command is killed on the host, and the transport stays usable', { skip }, async () => {
  const t = await connectSsh(opts());
  const argv = ['sleep', '31.25'];
  try {
    await assert.rejects(t.run(argv, { timeoutMs: 300 }), (e) => isFerryError(e, 'TRANSPORT_TIMEOUT'));
    let left = pidsRunning(argv);
    for (let i = 0; i < 100 && left.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = pidsRunning(argv);
    }
    assert.deepEqual(left, [], 'the remote sleep was killed');
    assert.equal((await t.run(['echo', 'ok'])).stdout, 'ok\n');
  } finally {
    await t.close();
  }
  await assert.rejects(t.run(['true']), (e) => isFerryError(e, 'TRANSPORT_DISCONNECTED'));
});

test('ssh runner: runner shells that die while idle are replaced (more deaths than the pool holds)', { skip }, async () => {
  const t = await connectSsh(opts());
  try {
    for (let i = 0; i < 6; i++) {
      const runnerPid = Number((await t.run(['sh', '-c', 'echo "$PPID"'])).stdout.trim());
      assert.match(readFileSync(`/proc/${runnerPid}/cmdline`, 'utf8'), /-s/);
      process.kill(runnerPid, 'SIGKILL');
      for (let w = 0; w < 100 && existsSync(`/proc/${runnerPid}`); w++) await new Promise((r) => setTimeout(r, 20));
      // Let sshd's channel close reach the client: a command sent to a shell that is dying is a dropped
      // connection by contract (nobody can tell whether it ran), which is not what this test is about.
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal((await t.run(['echo', 'still here'])).stdout, 'still here\n');
  } finally {
    await t.close();
  }
});

test('ssh runner: when its output files cannot be created the command runs by plain exec, and a fresh runner takes over', { skip }, async () => {
  const t = await connectSsh({ ...opts(), commandTimeoutMs: 20_000 }); // a malformed reply fails fast, not after 10 min
  try {
    const first = (await t.run(['sh', '-c', 'echo "$PPID"'])).stdout.trim();
    // A command that removes the runner's directory (found through its own stdout file) gets a
    // well-formed, empty reply instead of a hang.
    const gone = await t.run(['sh', '-c', 'rm -rf "$(dirname "$(readlink /proc/$$/fd/1)")"; echo lost; echo lost >&2']);
    assert.deepEqual([gone.code, gone.stdout, gone.stderr], [0, '', '']);
    const fallback = await t.run(['sh', '-c', 'echo "$PPID"; echo via exec >&2']);
    assert.equal(fallback.stderr, 'via exec\n');
    assert.notEqual(fallback.stdout.trim(), first);
    assert.doesNotMatch(readFileSync(`/proc/${fallback.stdout.trim()}/cmdline`, 'utf8'), /-s/, 'not a runner shell');
    const next = (await t.run(['sh', '-c', 'echo "$PPID"'])).stdout.trim();
    assert.notEqual(next, first);
    assert.match(readFileSync(`/proc/${next}/cmdline`, 'utf8'), /-s/, 'a new runner shell');
  } finally {
    await t.close();
  }
});
