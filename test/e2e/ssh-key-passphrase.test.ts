// An encrypted private key given with -i: without its passphrase the failure names the key file and says
// where a passphrase comes from (FERRY_SSH_KEY_PASSPHRASE or ssh-agent, never argv); with it, Ferry logs in;
// a wrong one is named as such. The passphrase appears in no output.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type SshdHandle } from '../lab/sshd.js';
import { skipUnlessTools } from '../support/shared.js';
import { ferry } from './cli.js';

const skip = skipUnlessTools('sshd', 'ssh-keygen');
const passphrase = `pp-${process.pid}-$(touch /tmp/ferry-pp-pwned)`;
let dir: string;
let key: string;
let sshd: SshdHandle;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'ferry-pp-'));
  key = join(dir, 'id_encrypted');
  const made = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-f', key], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  sshd = await startSshd({ authorizedKeys: [readFileSync(`${key}.pub`, 'utf8')], dir: join(dir, 'sshd') });
  mkdirSync(join(dir, 'root'));
});
after(async () => {
  await sshd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const status = (): Promise<{ code: number; out: string; err: string }> =>
  ferry(['--json', 'status', `ssh://root@127.0.0.1:${sshd.port}`, '-i', key, '--known-hosts', sshd.knownHostsPath, '--root', join(dir, 'root')]);

test('an encrypted -i key: no passphrase → TRANSPORT_AUTH naming the key file with the way to give one; FERRY_SSH_KEY_PASSPHRASE logs in; a wrong one is named', { skip }, async () => {
  const agent = process.env.SSH_AUTH_SOCK;
  delete process.env.SSH_AUTH_SOCK;
  try {
    const none = await status();
    assert.equal(none.code, 1, none.err + none.out);
    const e = JSON.parse(none.out) as { error: { code: string; message: string; hint?: string } };
    assert.equal(e.error.code, 'TRANSPORT_AUTH');
    assert.match(e.error.message, new RegExp(`the private key ${key.replace(/[.]/g, '\\.')} is encrypted and no passphrase was given`));
    assert.match(e.error.hint ?? '', /FERRY_SSH_KEY_PASSPHRASE .*never on the command line.*ssh-add/);

    process.env.FERRY_SSH_KEY_PASSPHRASE = 'wrong';
    const wrong = await status();
    assert.match(JSON.parse(wrong.out).error.message, /could not be decrypted with the passphrase given/);

    process.env.FERRY_SSH_KEY_PASSPHRASE = passphrase;
    const ok = await status();
    // Logged in: the host answers that it has no migration.
    assert.equal(JSON.parse(ok.out).error.code, 'NOT_FOUND', ok.out);
    for (const r of [none, wrong, ok]) assert.doesNotMatch(r.out + r.err, new RegExp(`pp-${process.pid}`));
  } finally {
    delete process.env.FERRY_SSH_KEY_PASSPHRASE;
    if (agent !== undefined) process.env.SSH_AUTH_SOCK = agent;
  }
});
