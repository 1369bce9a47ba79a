// State read back from an image is untrusted input: `ferry rollback local --root IMG` on an image whose
// journal was planted or edited runs nothing and touches nothing outside the root. A planted journal is
// refused by the integrity check (this controller's key in $FERRY_HOME/journal.key); one accepted with
// --trust-journal still has every restorable checked against what Ferry's steps register.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentId, isFerryError } from '../../src/core/index.js';
import { ERROR_STATUS } from '../../src/core/errors.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { journalPathFor, openJournal, writeCurrentExecution } from '../../src/exec/journal.js';
import { journalKeyFrom, loadJournalKey } from '../../src/exec/journal-key.js';
import { rollback, runPlan } from '../../src/exec/runner.js';
import { buildFixturePlan, makeFixtureRoot, treeHash } from '../../src/exec/testing/fixture.js';
import type { JsonValue } from '../../src/exec/types.js';
import { ferry } from './cli.js';

const base = mkdtempSync(join(tmpdir(), 'ferry-hostile-'));
process.on('exit', () => rmSync(base, { recursive: true, force: true }));
process.env.FERRY_HOME = join(base, 'home');
let n = 0;

/** An image with a fixture tree, a marker path outside it, and `current` naming execution `id`. */
function image(id: string): { root: string; outside: string; marker: string } {
  const dir = join(base, String(++n));
  const root = join(dir, 'img');
  mkdirSync(root, { recursive: true });
  makeFixtureRoot(root);
  mkdirSync(join(root, 'var/lib/ferry'), { recursive: true });
  writeFileSync(join(root, 'var/lib/ferry/current'), `${id}\n`);
  return { root, outside: dir, marker: join(dir, 'pwned') };
}

const STEP = 'step-planted';
const restorableId = (kind: string, key: string): string => contentId('restorable', { stepId: STEP, kind, key });
const start = { v: 1, seq: 1, at: '2026-01-01T00:00:00Z', executionId: 'x', event: 'execution', phase: 'start', planId: 'plan-p', controller: 'c',
  steps: [{ id: STEP, kind: 'backup', title: 'backup', pointOfNoReturn: false }] };

/** A journal as an attacker writes it: entries in Ferry's shape, no integrity check. */
function plant(root: string, id: string, restorables: { kind: string; key: string; data: JsonValue }[]): void {
  const entries = [{ ...start, executionId: id }, ...restorables.map((r, i) => ({
    v: 1, seq: i + 2, at: '2026-01-01T00:00:01Z', executionId: id, event: 'restorable', id: restorableId(r.kind, r.key), stepId: STEP,
    kind: r.kind, key: r.key, description: `${r.kind} ${r.key}`, data: r.data,
  }))];
  mkdirSync(join(root, 'var/lib/ferry', id), { recursive: true });
  writeFileSync(join(root, journalPathFor(id)), entries.map((e) => JSON.stringify(e) + '\n').join(''));
}

test('a planted command restorable: rollback refuses the unsigned journal, and with --trust-journal refuses the restorable; nothing runs, nothing outside the root changes', async () => {
  const { root, outside, marker } = image('planted');
  const hostile: { kind: string; key: string; data: JsonValue }[] = [
    // The form of an older Ferry's command restorable: an argv, run as root on this machine.
    { kind: 'command', key: 'x', data: { restoreArgv: ['sh', '-c', `echo pwned > ${marker}`] } },
    { kind: 'file', key: '/etc/os-release', data: { path: '/etc/os-release', type: 'absent' } },
  ];
  plant(root, 'planted', hostile);
  const before = treeHash(root, []);
  const refused = await ferry(['rollback', 'local', '--root', root, '--store', join(outside, 'ferry.db')]);
  assert.equal(refused.code, ERROR_STATUS.JOURNAL_CORRUPT.exit, refused.err);
  assert.match(refused.err, /JOURNAL_CORRUPT/);
  assert.match(refused.err, /journal\.jsonl line 1 carries no integrity check/);
  assert.match(refused.err, /--trust-journal/);
  const trusted = await ferry(['rollback', 'local', '--root', root, '--store', join(outside, 'ferry.db'), '--trust-journal']);
  assert.equal(trusted.code, ERROR_STATUS.JOURNAL_CORRUPT.exit, trusted.err);
  assert.match(trusted.err, /line 2: restorable .* is not one Ferry's steps register: command .* is not an inverse command/);
  assert.match(trusted.err, /nothing was restored/);
  assert.ok(!existsSync(marker), 'the planted command did not run');
  assert.equal(treeHash(root, []), before, 'not even the valid-looking file restorable was restored');
  assert.ok(existsSync(join(root, 'etc/os-release')));
});

test('trusted planted restorables are each checked: paths, backups, package-set roots, ids (table)', async () => {
  const cases: { name: string; kind: string; key: string; data: JsonValue; want: RegExp }[] = [
    { name: 'a path climbing out', kind: 'file', key: '/etc/../../x', data: { path: '/etc/../../x', type: 'absent' }, want: /not a normalised absolute path/ },
    { name: 'a relative path', kind: 'dir', key: 'etc', data: { path: 'etc', existed: false }, want: /not a normalised absolute path/ },
    { name: 'a backup outside its backup dir', kind: 'file', key: '/etc/issue', want: /is not the restorable's backup/,
      data: { path: '/etc/issue', type: 'file', mode: 420, uid: 0, gid: 0, sha256: 'a'.repeat(64), backup: '/etc/shadow' } },
    { name: 'Ferry\'s own state', kind: 'file', key: '/var/lib/ferry/current', data: { path: '/var/lib/ferry/current', type: 'absent' }, want: /Ferry's state directory/ },
    { name: 'another root', kind: 'packageSet', key: 'rpmdb', want: /package set root/,
      data: { root: '/', list: '/x', sha256: 'a'.repeat(64), count: 1, env: null } },
    { name: 'an unknown kind', kind: 'exec', key: 'x', data: { argv: ['true'] }, want: /no restorer of kind "exec"/ },
    { name: 'a key that is not the path', kind: 'file', key: '/etc/motd', data: { path: '/etc/issue', type: 'absent' }, want: /key "\/etc\/motd" is not its path/ },
  ];
  for (const c of cases) {
    const id = `case-${++n}`;
    const { root } = image(id);
    plant(root, id, [{ kind: c.kind, key: c.key, data: c.data }]);
    const before = treeHash(root, []);
    await assert.rejects(rollback({ transport: createLocalTransport({ root }), executionId: id, journal: { trust: true } }),
      (e) => isFerryError(e, 'JOURNAL_CORRUPT') && c.want.test(e.message) && e.message.includes(`${journalPathFor(id)} line 2`), c.name);
    assert.equal(treeHash(root, []), before, c.name);
  }
  // A restorable whose id is not its step's, kind's and key's.
  const { root } = image('forged-id');
  plant(root, 'forged-id', [{ kind: 'file', key: '/etc/issue', data: { path: '/etc/issue', type: 'absent' } }]);
  const file = join(root, journalPathFor('forged-id'));
  writeFileSync(file, readFileSync(file, 'utf8').replace(restorableId('file', '/etc/issue'), restorableId('file', '/etc/motd')));
  await assert.rejects(rollback({ transport: createLocalTransport({ root }), executionId: 'forged-id', journal: { trust: true } }),
    (e) => isFerryError(e, 'JOURNAL_CORRUPT') && /its id is not the id of its step, kind and key/.test(e.message));
});

test('a journal this controller signed: an edited entry fails the check at its line; another controller\'s journal is refused with a hint', async () => {
  const { root } = image('signed');
  const transport = createLocalTransport({ root });
  await assert.rejects(runPlan({ plan: buildFixturePlan({ counterFile: '/dev/null', failStep: 4 }), transport, executionId: 'signed' }));
  const file = join(root, journalPathFor('signed'));
  const original = readFileSync(file, 'utf8');
  const lines = original.split('\n');
  const at = lines.findIndex((l) => l.includes('"kind":"file"') && l.includes('/etc/os-release'));
  assert.ok(at > 0);
  lines[at] = lines[at].replace('"/etc/os-release"', '"/etc/passwd"');
  writeFileSync(file, lines.join('\n'));
  await assert.rejects(rollback({ transport, executionId: 'signed' }),
    (e) => isFerryError(e, 'JOURNAL_CORRUPT') && e.message.includes(`line ${at + 1} fails its integrity check`));
  writeFileSync(file, original);
  const other = journalKeyFrom(Buffer.alloc(32, 7));
  await assert.rejects(rollback({ transport, executionId: 'signed', journal: { key: other } }),
    (e) => isFerryError(e, 'JOURNAL_CORRUPT') && /line 1 is signed by another controller's key/.test(e.message) && /--trust-journal/.test(e.hint ?? ''));
  // Trusted, the other controller still gets a checked rollback of Ferry's own restorables.
  const res = await rollback({ transport, executionId: 'signed', journal: { key: other, trust: true } });
  assert.equal(res.restored.length, 6);
  assert.equal(loadJournalKey().id.length, 16);
});

test('below a root, restores and state never go through a symlink out of it; a symlinked current is not echoed', async () => {
  // A trusted journal removing /etc/x, where the image's /etc/sub is a symlink to a directory outside it.
  const { root, outside } = image('escape');
  mkdirSync(join(outside, 'victim'));
  writeFileSync(join(outside, 'victim/x'), 'keep\n');
  symlinkSync(join(outside, 'victim'), join(root, 'etc/sub'));
  const transport = createLocalTransport({ root });
  const j = await openJournal({ transport, executionId: 'escape' });
  await j.append({ event: 'execution', phase: 'start', planId: 'p', controller: 'c', steps: [{ id: STEP, kind: 'backup', title: 'backup', pointOfNoReturn: false }] });
  await j.append({ event: 'restorable', id: restorableId('file', '/etc/sub/x'), stepId: STEP, kind: 'file', key: '/etc/sub/x', description: 'file /etc/sub/x', data: { path: '/etc/sub/x', type: 'absent' } });
  await assert.rejects(rollback({ transport, executionId: 'escape' }), (e) => isFerryError(e, 'ROLLBACK_INCOMPLETE') && /resolves to .*outside the root/.test(e.message));
  assert.equal(readFileSync(join(outside, 'victim/x'), 'utf8'), 'keep\n');

  // A symlinked /var/lib/ferry would put the journal and the backups outside the image.
  const img2 = image('unused');
  rmSync(join(img2.root, 'var/lib/ferry'), { recursive: true });
  mkdirSync(join(img2.outside, 'state'));
  symlinkSync(join(img2.outside, 'state'), join(img2.root, 'var/lib/ferry'));
  await assert.rejects(runPlan({ plan: buildFixturePlan({ counterFile: '/dev/null' }), transport: createLocalTransport({ root: img2.root }), executionId: 'e' }),
    (e) => isFerryError(e, 'JOURNAL_CORRUPT') && /Ferry's state directory .* outside the root/.test(e.message));
  assert.deepEqual(readdirSync(join(img2.outside, 'state')), []);

  // current → a secret file on this machine: refused, its content never in the message.
  const img3 = image('unused');
  const secret = join(img3.outside, 'shadow');
  writeFileSync(secret, 'root:$6$secrethash:19000:0:99999:7:::\n');
  rmSync(join(img3.root, 'var/lib/ferry/current'));
  symlinkSync(secret, join(img3.root, 'var/lib/ferry/current'));
  const st = await ferry(['status', 'local', '--root', img3.root, '--json']);
  assert.equal(st.code, ERROR_STATUS.JOURNAL_CORRUPT.exit, st.err + st.out);
  assert.match(st.err + st.out, /is a symbolic link/);
  assert.doesNotMatch(st.err + st.out, /secrethash/);
  // A regular current with junk is quoted as a short escaped excerpt only.
  rmSync(join(img3.root, 'var/lib/ferry/current'));
  writeFileSync(join(img3.root, 'var/lib/ferry/current'), `${'\u001b[31m'.repeat(40)}root:$6$secrethash\n`);
  const junk = await ferry(['status', 'local', '--root', img3.root]);
  assert.match(junk.err, /does not name an execution/);
  assert.doesNotMatch(junk.err, /secrethash|\u001b/);
  await writeCurrentExecution(createLocalTransport({ root: img3.root }), 'fine');
});
