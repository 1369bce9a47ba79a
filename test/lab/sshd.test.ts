import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, sshArgs, startSshd } from './sshd.js';
import { skipUnlessTools } from '../support/shared.js';

test('sshd on loopback accepts the generated key and runs a command; refuses another key', {
  skip: skipUnlessTools('ssh', 'ssh-keygen'),
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-sshd-test-'));
  const key = generateKeyPair(dir, 'client');
  const stranger = generateKeyPair(dir, 'stranger');
  const sshd = await startSshd({ authorizedKeys: [key.publicKey], dir: join(dir, 'server') });
  try {
    assert.match(sshd.hostKeyFingerprint, /^SHA256:/);
    assert.ok(sshd.port > 1024);
    const ok = spawnSync('ssh', [...sshArgs(sshd, key), 'true'], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr + sshd.log());
    const out = spawnSync('ssh', [...sshArgs(sshd, key), 'echo', 'hello', '$((40+2))'], { encoding: 'utf8' });
    assert.equal(out.stdout, 'hello 42\n');
    const denied = spawnSync('ssh', [...sshArgs(sshd, stranger), 'true'], { encoding: 'utf8' });
    assert.equal(denied.status, 255, 'a key not in authorized_keys must be refused');
    await sshd.stop();
    assert.throws(() => process.kill(sshd.pid, 0), /ESRCH/, 'sshd must be gone after stop()');
    const after = spawnSync('ssh', [...sshArgs(sshd, key), 'true'], { encoding: 'utf8' });
    assert.equal(after.status, 255);
  } finally {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
