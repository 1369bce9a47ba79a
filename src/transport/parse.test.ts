import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError } from '../core/index.js';
import { parseHostSpec } from './host-spec.js';
import { quoteArgv } from './quote.js';
import { resolveSshConfig } from './ssh-config.js';
import { findKnownHostKeys, fingerprintSha256, matchKnownHostKeys, readKnownHostsFile, verifyHostKey } from './known-hosts.js';
import { skipUnlessTools } from '../../test/support/shared.js';
import { HOSTILE_ARGS } from './testing.js';


test('quoteArgv round-trips hostile arguments through real POSIX shells byte-for-byte', () => {
  for (const shell of ['sh', 'bash', 'dash'].filter((s) => skipUnlessTools(s) === false)) {
    const cmd = `printf '%s\\0' ${quoteArgv(HOSTILE_ARGS)}`;
    const res = spawnSync(shell, ['-c', cmd], { encoding: 'utf8' });
    assert.equal(res.status, 0, `${shell}: ${res.stderr}`);
    assert.deepEqual(res.stdout.split('\0').slice(0, -1), HOSTILE_ARGS, shell);
  }
  assert.throws(() => quoteArgv(['a\0b']), (e) => isFerryError(e, 'USAGE'));
});

test('parseHostSpec accepts the documented forms', () => {
  const cases: [string, ReturnType<typeof parseHostSpec>][] = [
    ['local', { kind: 'local' }],
    ['db1.example.com', { kind: 'ssh', host: 'db1.example.com' }],
    ['root@db1', { kind: 'ssh', host: 'db1', user: 'root' }],
    ['ssh://admin@10.0.0.5:2222', { kind: 'ssh', host: '10.0.0.5', user: 'admin', port: 2222 }],
    ['ssh://[::1]:2200', { kind: 'ssh', host: '::1', port: 2200 }],
    ['ssh://host/', { kind: 'ssh', host: 'host' }],
    ['admin@10.0.0.5:2222', { kind: 'ssh', host: '10.0.0.5', user: 'admin', port: 2222 }],
    ['db1:22', { kind: 'ssh', host: 'db1', port: 22 }],
    ['[::1]:2200', { kind: 'ssh', host: '::1', port: 2200 }],
    ['root@[fe80::1]', { kind: 'ssh', host: 'fe80::1', user: 'root' }],
    ['fe80::1', { kind: 'ssh', host: 'fe80::1' }],
    // OpenSSH 9.2's `ssh -G ssh://us%65r@h` logs in as "user": the user of an ssh:// URL is percent-decoded.
    ['ssh://us%65r@h', { kind: 'ssh', host: 'h', user: 'user' }],
  ];
  for (const [spec, want] of cases) assert.deepEqual(parseHostSpec(spec), want, spec);
  assert.deepEqual(parseHostSpec('local', { root: '/srv/img/' }), { kind: 'local', root: '/srv/img' });
  assert.deepEqual(parseHostSpec('', { root: '/srv/img' }), { kind: 'local', root: '/srv/img' });
});

test('parseHostSpec rejects hostile or malformed hosts with HOST_INVALID', () => {
  for (const bad of ['-oProxyCommand=touch /tmp/x', '-oProxyCommand=id', 'host;id', 'host name', 'host\nid', 'a@-b',
    '-l@host', 'ssh://host:99999', 'host:99999', 'host:0', 'host:', 'host:ab', '[::1]:x', 'u@-x:22', 'ssh://host/path', 'http://host', 'host$(id)', '`id`', 'ho|st', '', 'ssh://-x:22', 'user;id@host',
    // A malformed %-escape (`ssh -G` refuses it too); a % outside a URL is literal, and no login name has one.
    'ssh://us%zzr@h', 'ssh://us%@h', 'us%65r@h', 'a%@h']) {
    assert.throws(() => parseHostSpec(bad), (e) => isFerryError(e, 'HOST_INVALID'), JSON.stringify(bad));
  }
  assert.throws(() => parseHostSpec('local', { root: 'relative/dir' }), (e) => isFerryError(e, 'HOST_INVALID'));
});

test('resolveSshConfig: first value wins, patterns, negation, %h, ~, ProxyJump', () => {
  const text = [
    '# comment',
    'Host db-* !db-test',
    '  HostName %h.internal.example',
    '  User dba',
    '  Port 2222',
    '  IdentityFile ~/.ssh/db_key',
    '  ProxyJump bastion',
    'Host db-test',
    '  User tester',
    'Host *',
    '  User fallback',
    '  Port 22',
    '  IdentityFile ~/.ssh/id_all',
    '  UserKnownHostsFile ~/.ssh/kh_%h',
    'Match host foo',
    '  User never',
  ].join('\n');
  const db = resolveSshConfig(text, 'db-1', { home: '/home/u' });
  assert.equal(db.hostName, 'db-1.internal.example');
  assert.equal(db.user, 'dba');
  assert.equal(db.port, 2222);
  assert.deepEqual(db.identityFiles, ['/home/u/.ssh/db_key', '/home/u/.ssh/id_all']);
  assert.equal(db.proxyJump, 'bastion');
  assert.deepEqual(db.userKnownHostsFiles, ['/home/u/.ssh/kh_db-1.internal.example']);
  assert.deepEqual(db.ignored, ['Match at line 15']);
  const t = resolveSshConfig(text, 'db-test', { home: '/home/u' });
  assert.equal(t.user, 'tester');
  assert.equal(t.hostName, undefined);
  assert.equal(t.port, 22);
});

test('known_hosts: plain, [host]:port, hashed (made by ssh-keygen -H), mismatch and revoked', { skip: skipUnlessTools('ssh-keygen') }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-kh-'));
  try {
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'a')]);
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'b')]);
    const [typeA, b64A] = readFileSync(join(dir, 'a.pub'), 'utf8').split(' ');
    const [, b64B] = readFileSync(join(dir, 'b.pub'), 'utf8').split(' ');
    const keyA = Buffer.from(b64A, 'base64');
    const keyB = Buffer.from(b64B, 'base64');
    const kh = join(dir, 'known_hosts');
    writeFileSync(kh, `web1,10.1.1.1 ${typeA} ${b64A}\n[web2]:2222 ${typeA} ${b64A}\n@revoked web3 ${typeA} ${b64B}\n`);
    const plain = readFileSync(kh, 'utf8');
    assert.equal(findKnownHostKeys(plain, 'web1', 22).length, 1);
    assert.equal(findKnownHostKeys(plain, '10.1.1.1', 22).length, 1);
    assert.equal(findKnownHostKeys(plain, 'web2', 2222).length, 1);
    assert.equal(findKnownHostKeys(plain, 'web2', 22).length, 0);
    assert.deepEqual(verifyHostKey(findKnownHostKeys(plain, 'web1', 22), keyA), { ok: true });
    const mismatch = verifyHostKey(findKnownHostKeys(plain, 'web1', 22), keyB);
    assert.equal(mismatch.ok === false && mismatch.reason, 'mismatch');
    const unknown = verifyHostKey(findKnownHostKeys(plain, 'nohost', 22), keyA);
    assert.equal(unknown.ok === false && unknown.reason, 'unknown');
    const revoked = verifyHostKey(findKnownHostKeys(plain, 'web3', 22), keyB);
    assert.equal(revoked.ok === false && revoked.reason, 'revoked');
    // The fingerprint format is exactly ssh-keygen's.
    const fp = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'a.pub')], { encoding: 'utf8' }).stdout.split(/\s+/)[1];
    assert.equal(fingerprintSha256(keyA), fp);
    // Hash the file with the real tool and look the same names up again.
    assert.equal(spawnSync('ssh-keygen', ['-H', '-f', kh]).status, 0);
    const hashed = readFileSync(kh, 'utf8');
    assert.match(hashed, /^\|1\|/m);
    assert.doesNotMatch(hashed, /web1/);
    assert.equal(findKnownHostKeys(hashed, 'web1', 22).length, 1);
    assert.equal(findKnownHostKeys(hashed, '10.1.1.1', 22).length, 1);
    assert.equal(findKnownHostKeys(hashed, 'web2', 2222).length, 1);
    assert.equal(findKnownHostKeys(hashed, 'web9', 22).length, 0);
    // The file is parsed once per process (the same entries for every host), and again once it changed.
    const first = readKnownHostsFile(kh);
    assert.ok(first);
    assert.equal(readKnownHostsFile(kh), first);
    assert.equal(matchKnownHostKeys(first, 'web1', 22).length, 1);
    writeFileSync(kh, `web9 ${typeA} ${b64B}\n`);
    const changed = readKnownHostsFile(kh);
    assert.notEqual(changed, first);
    assert.equal(matchKnownHostKeys(changed ?? [], 'web1', 22).length, 0);
    assert.deepEqual(verifyHostKey(matchKnownHostKeys(changed ?? [], 'web9', 22), keyB), { ok: true });
    assert.equal(readKnownHostsFile(join(dir, 'absent')), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
