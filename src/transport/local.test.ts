import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError } from '../core/index.js';
import { createLocalTransport } from './local.js';
import { HOSTILE_ARGS } from './testing.js';
import { skipUnlessCanMount, withReadOnly } from '../../test/support/mount.js';

test('local transport: argv reaches the process unchanged, no shell is involved', async () => {
  const t = createLocalTransport();
  const res = await t.run(['printf', '%s\\0', ...HOSTILE_ARGS]);
  assert.equal(res.code, 0);
  assert.deepEqual(res.stdout.split('\0').slice(0, -1), HOSTILE_ARGS);
  assert.equal(existsSync('/tmp/ferry-pwned'), false);
  const env = await t.run(['sh', '-c', 'printf %s "$FERRY_X"'], { env: { FERRY_X: '$(id) ;x' } });
  assert.equal(env.stdout, '$(id) ;x');
  const stdin = await t.run(['cat'], { stdin: 'piped\0bytes', encoding: 'buffer' });
  assert.deepEqual(stdin.stdout, Buffer.from('piped\0bytes'));
  const missing = await t.run(['ferry-no-such-command']);
  assert.equal(missing.code, 127);
  const fail = await t.run(['sh', '-c', 'echo oops >&2; exit 3']);
  assert.deepEqual([fail.code, fail.stderr], [3, 'oops\n']);
  const capped = await t.run(['head', '-c', '100000', '/dev/zero'], { maxOutputBytes: 1000 });
  assert.equal(capped.stdout.length, 1000);
  assert.equal(capped.truncated, true);
  await assert.rejects(t.run(['sleep', '5'], { timeoutMs: 200 }), (e) => isFerryError(e, 'TRANSPORT_TIMEOUT'));
  await t.close();
  await assert.rejects(t.run(['true']), (e) => isFerryError(e, 'TRANSPORT_DISCONNECTED'));
});

test('local transport with a root prefix keeps file operations below the root', async () => {
  const root = mkdtempSync(join(tmpdir(), 'ferry-root-'));
  try {
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc', 'os-release'), 'ID=centos\n');
    const t = createLocalTransport({ root });
    assert.equal(t.root, root);
    assert.equal((await t.readFile('/etc/os-release')).toString(), 'ID=centos\n');
    assert.equal((await t.readFile('/../../etc/os-release')).toString(), 'ID=centos\n', '.. cannot climb out of the root');
    assert.equal(await t.exists('/etc/os-release'), true);
    assert.equal(await t.exists('/etc/passwd'), false);
    await assert.rejects(t.readFile('/etc/missing'), (e) => isFerryError(e, 'NOT_FOUND') && e.message.includes(root));
    await t.writeFile('/etc/ferry.conf', 'x=1\n', { mode: 0o640 });
    assert.equal(readFileSync(join(root, 'etc', 'ferry.conf'), 'utf8'), 'x=1\n');
    assert.equal(statSync(join(root, 'etc', 'ferry.conf')).mode & 0o777, 0o640);
    await t.upload(join(root, 'etc', 'os-release'), '/etc/copy', { mode: 0o644 });
    assert.equal(readFileSync(join(root, 'etc', 'copy'), 'utf8'), 'ID=centos\n');
    assert.match(t.describe(), /root/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('local transport: appendFile and mkdir work below the root, with the modes asked for', async () => {
  const root = mkdtempSync(join(tmpdir(), 'ferry-root-'));
  try {
    const t = createLocalTransport({ root });
    await t.mkdir!('/var/lib/ferry/x/y', { mode: 0o700 });
    assert.equal(statSync(join(root, 'var/lib/ferry/x/y')).mode & 0o777, 0o700);
    await t.mkdir!('/var/lib/ferry/x/y', { mode: 0o700 }); // exists: fine, like mkdir -p
    await t.appendFile!('/var/lib/ferry/x/y/j.jsonl', 'a\n', { sync: 'dir' });
    await t.appendFile!('/var/lib/ferry/x/y/j.jsonl', 'b\n', { sync: 'none' });
    await t.appendFile!('/var/lib/ferry/x/y/j.jsonl', '', { sync: 'file' });
    assert.equal(readFileSync(join(root, 'var/lib/ferry/x/y/j.jsonl'), 'utf8'), 'a\nb\n');
    assert.equal(statSync(join(root, 'var/lib/ferry/x/y/j.jsonl')).mode & 0o777, 0o600);
    assert.equal(existsSync('/var/lib/ferry/x/y/j.jsonl'), false, 'nothing outside the root');
    await assert.rejects(t.appendFile!('/no/such/dir/j', 'a', { sync: 'none' }), (e) => isFerryError(e, 'IO') && /no\/such\/dir/.test(String(e)));
    writeFileSync(join(root, 'file'), '');
    await assert.rejects(t.mkdir!('/file/sub', { mode: 0o700 }), (e) => isFerryError(e, 'IO'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('local transport: a write below a read-only directory names that directory as read-only, never ENOENT', { skip: skipUnlessCanMount() }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'ferry-local-ro-'));
  try {
    mkdirSync(join(root, 'var/lib/ferry'), { recursive: true });
    writeFileSync(join(root, 'var/lib/ferry/journal.jsonl'), '');
    const t = createLocalTransport({ root });
    const cases: [string, () => Promise<unknown>][] = [
      ['mkdir of a missing level', () => t.mkdir!('/var/lib/ferry/mig-1/run', { mode: 0o700 })],
      ['writeFile', () => t.writeFile('/var/lib/ferry/current', 'x\n')],
      ['appendFile', () => t.appendFile!('/var/lib/ferry/journal.jsonl', '{}\n', { sync: 'file' })],
      ['upload', () => t.upload(join(root, 'var/lib/ferry/journal.jsonl'), '/var/lib/ferry/copy')],
    ];
    await withReadOnly(join(root, 'var/lib'), async () => {
      for (const [name, op] of cases) {
        await assert.rejects(op(), (e) => {
          assert.ok(isFerryError(e, 'IO'), `${name}: ${String(e)}`);
          assert.match(e.message, new RegExp(`on local failed: ${root}/var/lib(/ferry)? is on a read-only file system$`), name);
          assert.doesNotMatch(e.message, /ENOENT|no such file/i, name);
          assert.match(e.hint ?? '', /make \S+ writable/, name);
          return true;
        });
      }
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
