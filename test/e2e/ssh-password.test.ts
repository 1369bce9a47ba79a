// SSH password authentication end to end: `ferry assess` and `ferry status` reach a real sshd as a user that
// has only a password (a throwaway account), from --password-file or FERRY_SSH_PASSWORD; a wrong one is
// TRANSPORT_AUTH, and the password never appears in any output.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type SshdHandle } from '../lab/sshd.js';
import { skipUnlessTools } from '../support/shared.js';
import { ferry } from './cli.js';

const skip = skipUnlessTools('sshd', 'useradd', 'chpasswd', 'userdel') || (process.getuid?.() !== 0 ? 'needs root to create a user' : false);
const user = `ferrypwe${process.pid % 100000}`;
const password = `s3cret-${process.pid}-$(touch /tmp/ferry-pw-pwned)`;
let dir: string;
let sshd: SshdHandle;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'ferry-pw-'));
  const made = spawnSync('useradd', ['-M', '-d', '/nonexistent', '-s', '/bin/sh', user], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  assert.equal(spawnSync('chpasswd', [], { input: `${user}:${password}\n` }).status, 0);
  sshd = await startSshd({ authorizedKeys: [], dir: join(dir, 'sshd'), extraConfig: [`Match User ${user}`, '  PasswordAuthentication yes'] });
  writeFileSync(join(dir, 'good'), `${password}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'bad'), 'wrong\n', { mode: 0o600 });
});
after(async () => {
  if (skip) return;
  await sshd?.stop();
  spawnSync('userdel', [user]);
  rmSync(dir, { recursive: true, force: true });
});

const hostArgs = (): string[] => [`ssh://${user}@127.0.0.1:${sshd.port}`, '--known-hosts', sshd.knownHostsPath];

test('ferry assess over SSH with --password-file, and with FERRY_SSH_PASSWORD', { skip }, async () => {
  const r = await ferry(['--json', 'assess', ...hostArgs(), '--password-file', join(dir, 'good'), '--to', 'rocky-8', '--no-progress']);
  assert.equal(r.code, 0, r.err + r.out.slice(0, 500));
  const a = JSON.parse(r.out) as { host: { source: string; origin?: string } };
  assert.equal(a.host.source, 'live');
  assert.match(JSON.stringify(a.host), new RegExp(user));
  process.env.FERRY_SSH_PASSWORD = password;
  try {
    const e = await ferry(['--json', 'assess', ...hostArgs(), '--to', 'rocky-8', '--no-progress']);
    assert.equal(e.code, 0, e.err + e.out.slice(0, 500));
  } finally {
    delete process.env.FERRY_SSH_PASSWORD;
  }
  assert.equal(spawnSync('test', ['-e', '/tmp/ferry-pw-pwned']).status, 1, 'the password is data, never shell');
});

test('a wrong password is TRANSPORT_AUTH for assess and status; the password is never printed', { skip }, async () => {
  for (const args of [['assess', ...hostArgs(), '--to', 'rocky-8', '--no-progress'], ['status', ...hostArgs()]]) {
    const r = await ferry(['--json', ...args, '--password-file', join(dir, 'bad')]);
    assert.notEqual(r.code, 0);
    assert.match(r.out + r.err, /TRANSPORT_AUTH/);
    assert.doesNotMatch(r.out + r.err, /wrong|s3cret/);
  }
  const missing = await ferry(['--json', 'assess', ...hostArgs(), '--password-file', join(dir, 'nope'), '--to', 'rocky-8']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.out + missing.err, /SSH password file .*nope/);
});
