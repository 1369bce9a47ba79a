// Issue 14's hostile inputs through the CLI, one row each: every error path exits with its FerryError code
// (never 70, never "internal error" or a stack trace) and names the thing at fault; nothing secret is printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERROR_STATUS, type ErrorCode } from '../../src/core/errors.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { journalPathFor, LOCK_DIR, openJournal, writeCurrentExecution } from '../../src/exec/journal.js';
import { makeFixtureRoot } from '../../src/exec/testing/fixture.js';
import { skipUnlessCanMount, withReadOnly } from '../support/mount.js';
import { ferry } from './cli.js';

const base = mkdtempSync(join(tmpdir(), 'ferry-hostile-exits-'));
process.on('exit', () => rmSync(base, { recursive: true, force: true }));
process.env.FERRY_HOME = join(base, 'home');
const HASH = `$6$rounds=5000$saltsalt$${'Q'.repeat(86)}`;
const SECRET = /saltsalt|Q{20}|hunter2pw|\u001b/;
let n = 0;

/** A fixture image with Ferry's state directory. */
function image(): string {
  const root = join(base, `img-${++n}`);
  mkdirSync(root, { recursive: true });
  makeFixtureRoot(root);
  mkdirSync(join(root, 'var/lib/ferry'), { recursive: true });
  return root;
}

/** An image whose journal this controller signed (two entries, head recorded in current). */
async function signedImage(id: string): Promise<string> {
  const root = image();
  const t = createLocalTransport({ root });
  await writeCurrentExecution(t, id);
  const j = await openJournal({ transport: t, executionId: id });
  await j.append({ event: 'execution', phase: 'start', planId: 'p', controller: 'c', steps: [{ id: 's1', kind: 'backup', title: 'backup', pointOfNoReturn: false }] });
  await j.append({ event: 'step', phase: 'start', stepId: 's1', kind: 'backup', attempt: 1 });
  return root;
}

function file(name: string, text: string | Buffer): string {
  const p = join(base, name);
  writeFileSync(p, text, { mode: 0o600 });
  return p;
}

interface Row {
  name: string;
  /** Prepares the input; returns the command line (without --json). */
  args: () => Promise<string[]> | string[];
  code: ErrorCode;
  /** What the message must name. */
  names: RegExp;
  /** Runs the command with this directory bind-mounted read-only. */
  readOnly?: (args: string[]) => string;
}

const manifestOf = (p: string): string[] => ['assess', '--manifest', p, '--to', 'rocky-8'];

const ROWS: Row[] = [
  { name: 'host spec with a malformed %-escape in the user', args: () => ['assess', 'ssh://us%zzr@h', '--to', 'rocky-8'], code: 'HOST_INVALID', names: /us%zzr/ },
  { name: 'host spec that is an ssh option', args: () => ['assess', '-oProxyCommand=touch /tmp/x', '--to', 'rocky-8'], code: 'HOST_INVALID', names: /-oProxyCommand/ },
  { name: '--repo with a newline', args: () => ['assess', '--manifest', file('ok.txt', 'bash-4.4.19-10.el8.x86_64\n'), '--to', 'rocky-8', '--repo', 'rocky-8=http://m/x\ngpgcheck=0'], code: 'REPO_URL_INVALID', names: /--repo/ },
  { name: 'manifest symlinked to a shadow file', args: () => {
    const link = join(base, 'shadow-link.txt');
    symlinkSync(file('shadow', `root:${HASH}:19000:0:99999:7:::\n`), link);
    return manifestOf(link);
  }, code: 'MANIFEST_INVALID', names: /shadow-link\.txt:1: .*root:\[REDACTED HASH\]/ },
  { name: 'manifest holding a private key', args: () => manifestOf(file('key.txt', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n')), code: 'MANIFEST_INVALID', names: /key\.txt:1/ },
  { name: 'binary manifest', args: () => manifestOf(file('bin.txt', Buffer.from([0x62, 0x61, 0, 0x73, 0x68]))), code: 'MANIFEST_INVALID', names: /bin\.txt is not a text file/ },
  { name: 'manifest that is a FIFO', args: () => {
    const fifo = join(base, 'fifo');
    spawnSync('mkfifo', [fifo]);
    return manifestOf(fifo);
  }, code: 'MANIFEST_INVALID', names: /fifo is not a regular file \(a FIFO\)/ },
  { name: 'manifest with escape bytes', args: () => manifestOf(file('esc.txt', '\u001b[2J\u001b]0;pwned\u0007-1-1.x86_64 junk\n')), code: 'MANIFEST_INVALID', names: /esc\.txt:1/ },
  { name: 'root that does not exist', args: () => ['status', 'local', '--root', join(base, 'no-such-root')], code: 'NOT_FOUND', names: /no-such-root/ },
  { name: 'planted (unsigned) journal', args: () => {
    const root = image();
    writeFileSync(join(root, 'var/lib/ferry/current'), 'planted\n');
    mkdirSync(join(root, 'var/lib/ferry/planted'));
    writeFileSync(join(root, journalPathFor('planted')), `${JSON.stringify({ v: 1, seq: 1, at: '2026-01-01T00:00:00Z', executionId: 'planted', event: 'execution', phase: 'start', planId: 'p', controller: 'c', steps: [] })}\n`);
    return ['rollback', 'local', '--root', root];
  }, code: 'JOURNAL_CORRUPT', names: /planted\/journal\.jsonl line 1/ },
  { name: 'journal line with escape bytes and a hash', args: async () => {
    const root = await signedImage('esc');
    writeFileSync(join(root, journalPathFor('esc')), `\u001b[31m{broken root:${HASH}\n{"v":1}\n`);
    return ['rollback', 'local', '--root', root];
  }, code: 'JOURNAL_CORRUPT', names: /esc\/journal\.jsonl line 1 is not JSON: "\\u001b\[31m\{broken root:\[REDACTED HASH\]/ },
  { name: 'journal emptied after its head was recorded', args: async () => {
    const root = await signedImage('lost');
    truncateSync(join(root, journalPathFor('lost')), 0);
    return ['rollback', 'local', '--root', root];
  }, code: 'JOURNAL_CORRUPT', names: /lost entries/ },
  { name: 'current symlinked to a secret file', args: () => {
    const root = image();
    symlinkSync(file('shadow2', `root:${HASH}:1\n`), join(root, 'var/lib/ferry/current'));
    return ['rollback', 'local', '--root', root];
  }, code: 'JOURNAL_CORRUPT', names: /current is a symbolic link/ },
  { name: 'symlinked /var/lib/ferry', args: async () => {
    const root = await signedImage('moved');
    const outside = join(base, `state-${n}`);
    spawnSync('mv', [join(root, 'var/lib/ferry'), outside]);
    symlinkSync(outside, join(root, 'var/lib/ferry'));
    return ['rollback', 'local', '--root', root];
  }, code: 'JOURNAL_CORRUPT', names: /outside the root/ },
  { name: 'a live lock', args: async () => {
    const root = await signedImage('held');
    mkdirSync(join(root, LOCK_DIR));
    writeFileSync(join(root, LOCK_DIR, 'owner.json'), JSON.stringify({ pid: process.pid, controller: 'other-controller', executionId: 'held', at: new Date().toISOString() }));
    return ['rollback', 'local', '--root', root];
  }, code: 'JOURNAL_LOCKED', names: new RegExp(`locked by pid ${process.pid} on other-controller`) },
  { name: 'a dead run\'s lock on a read-only state directory', args: async () => {
    const root = await signedImage('stale');
    mkdirSync(join(root, LOCK_DIR));
    writeFileSync(join(root, LOCK_DIR, 'owner.json'), JSON.stringify({ pid: spawnSync('true').pid, controller: hostname(), executionId: 'stale', at: new Date().toISOString() }));
    return ['rollback', 'local', '--root', root];
  }, readOnly: (args) => join(args[3], 'var/lib/ferry'), code: 'JOURNAL_LOCKED', names: /is stale .*no longer running.*Read-only file system/ },
  { name: 'rollback on a read-only image', args: async () => ['rollback', 'local', '--root', await signedImage('ro')],
    readOnly: (args) => join(args[3], 'var/lib/ferry'), code: 'TRANSPORT_COMMAND', names: /lock \/var\/lib\/ferry\/lock .*Read-only file system/ },
  { name: 'report --out into a read-only directory', args: () => {
    mkdirSync(join(base, 'ro-out'));
    return ['assess', '--manifest', file('out.txt', 'bash-4.4.19-10.el8.x86_64\n'), '--to', 'rocky-8', '--format', 'html', '--out', join(base, 'ro-out', 'r.html')];
  }, readOnly: () => join(base, 'ro-out'), code: 'IO', names: /ro-out\/r\.html.*read-only/i },
  { name: 'a store that is not a database', args: () => ['inventory', 'list', '--store', file('damaged.db', `SQLite format 3\0${'x'.repeat(4000)}`)], code: 'STORE_CORRUPT', names: /damaged\.db/ },
  { name: 'a store in a read-only directory', args: () => {
    mkdirSync(join(base, 'ro-store'));
    return ['inventory', 'list', '--store', join(base, 'ro-store', 'ferry.db')];
  }, readOnly: () => join(base, 'ro-store'), code: 'STORE_UNAVAILABLE', names: /ro-store\/ferry\.db/ },
  { name: 'a store URL with a password, unreachable', args: () => ['inventory', 'list', '--store', 'postgres://ferry:hunter2pw@127.0.0.1:1/ferry'], code: 'STORE_UNAVAILABLE', names: /postgres:\/\/\*\*\*@127\.0\.0\.1:1/ },
];

test('every hostile input of issue 14 exits with its FerryError code naming the thing at fault, never 70, never an internal error or a secret', async (t) => {
  const cannotMount = skipUnlessCanMount();
  for (const row of ROWS) {
    if (row.readOnly && cannotMount) {
      t.diagnostic(`${row.name}: skipped (${cannotMount})`);
      continue;
    }
    const args = await row.args();
    const runBoth = async (): Promise<{ json: { code: number; out: string; err: string }; text: { code: number; out: string; err: string } }> =>
      ({ json: await ferry(['--json', ...args]), text: await ferry(args) });
    const dir = row.readOnly?.(args);
    const { json, text } = dir ? await withReadOnly(dir, runBoth) : await runBoth();
    for (const r of [json, text]) {
      assert.notEqual(r.code, 70, `${row.name}: exit 70\n${r.out}${r.err}`);
      assert.equal(r.code, ERROR_STATUS[row.code].exit, `${row.name}: exit ${r.code}\n${r.out}${r.err}`);
      assert.doesNotMatch(r.out + r.err, /internal error|INTERNAL|\n\s+at .*:\d+:\d+/, row.name);
      assert.doesNotMatch(r.out + r.err, SECRET, `${row.name}: a secret or a raw escape byte is printed`);
    }
    const body = JSON.parse(json.out) as { error: { code: string; message: string } };
    assert.equal(body.error.code, row.code, `${row.name}: ${json.out}`);
    assert.match(body.error.message, row.names, row.name);
    assert.match(text.err, new RegExp(`^ferry: error \\[${row.code}\\]: `, 'm'), row.name);
  }
});
