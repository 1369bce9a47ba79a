// The journal on a real local root: each append is on the host when it resolves (synced or not), a torn
// last line (a crash mid-append) is dropped when the journal is opened, and appends continue after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError } from '../core/index.js';
import { createLocalTransport } from '../transport/local.js';
import {
  acquireHostLock, journalPathFor, LOCK_DIR, openJournal, readCurrentExecution, readJournal, writeCurrentExecution, type RecordedHead,
} from './journal.js';
import { defineStep, runPlan, unlock } from './runner.js';
import type { JournalEntry } from './types.js';
import { skipUnlessCanMount, withReadOnly } from '../../test/support/mount.js';

const base = mkdtempSync(join(tmpdir(), 'ferry-journal-'));
process.on('exit', () => rmSync(base, { recursive: true, force: true }));

test('journal: appends are on the host at once, with or without fsync; sync() then has nothing left to do', async () => {
  const t = createLocalTransport({ root: mkdtempSync(join(base, 'r')) });
  const j = await openJournal({ transport: t, executionId: 'e1' });
  await j.append({ event: 'execution', phase: 'start', planId: 'p', controller: 'c', steps: [] }, { sync: false });
  assert.equal((await readJournal(t, 'e1')).length, 1, 'an unsynced entry is already in the file');
  await j.append({ event: 'step', phase: 'start', stepId: 's', kind: 'k', attempt: 1 });
  await j.sync();
  const again = await openJournal({ transport: t, executionId: 'e1' });
  assert.deepEqual(again.entries().map((e) => e.seq), [1, 2]);
  await t.close();
});

test('journal: a torn last line is dropped on open and the next append follows the last whole entry', async () => {
  const root = mkdtempSync(join(base, 'r'));
  const t = createLocalTransport({ root });
  const j = await openJournal({ transport: t, executionId: 'e2' });
  await j.append({ event: 'execution', phase: 'start', planId: 'p', controller: 'c', steps: [] });
  const file = join(root, journalPathFor('e2'));
  appendFileSync(file, '{"v":1,"seq":2,"at":"2024-01-01T00:00:00Z","executionId":"e2","event":"st');
  const reopened = await openJournal({ transport: t, executionId: 'e2' });
  assert.equal(reopened.entries().length, 1);
  await reopened.append({ event: 'step', phase: 'start', stepId: 's', kind: 'k', attempt: 1 });
  const text = readFileSync(file, 'utf8');
  assert.ok(text.endsWith('\n') && !text.includes('"event":"st{'), text);
  assert.deepEqual((await readJournal(t, 'e2')).map((e) => [e.seq, e.event]), [[1, 'execution'], [2, 'step']]);
  await t.close();
});

// ---- hardening (issue 14) ----

test('local appendFile: a short write (file size limit) is an error, not a torn entry counted as written', { skip: !existsSync('/bin/sh') }, () => {
  // write(2) under RLIMIT_FSIZE writes up to the limit and returns a short count; the next call fails EFBIG.
  const dir = mkdtempSync(join(base, 'short'));
  const child = `
    import { createLocalTransport } from ${JSON.stringify(join(import.meta.dirname, '../transport/local.ts'))};
    const t = createLocalTransport({ root: ${JSON.stringify(dir)} });
    try { await t.appendFile('/j', 'x'.repeat(5000) + '\\n', { sync: 'file' }); console.log('WROTE'); } catch (e) { console.log('FAILED ' + e.code); }`;
  const r = spawnSync('sh', ['-c', 'trap "" XFSZ; ulimit -f 2; exec "$0" --import tsx --input-type=module -e "$1"', process.execPath, child], { encoding: 'utf8' });
  assert.match(r.stdout, /FAILED IO/, r.stdout + r.stderr);
  assert.ok(statSync(join(dir, 'j')).size < 5001, 'the limit did stop the write');
});

test('journal: the lock removed mid-run and retaken by a second runner → the first runner\'s next append is refused; the journal stays one sequence', async () => {
  const root = mkdtempSync(join(base, 'r'));
  const t = createLocalTransport({ root });
  let second: Awaited<ReturnType<typeof acquireHostLock>> | undefined;
  const step = defineStep({ kind: 'test.steal', options: {}, title: 'lose the lock', async apply() {
    rmSync(join(root, LOCK_DIR), { recursive: true });
    second = await acquireHostLock({ transport: t, executionId: 'thief', heartbeatMs: 0 });
  } });
  await assert.rejects(runPlan({ plan: { id: 'p', steps: [step] }, transport: t, executionId: 'e3', lock: { heartbeatMs: 0 } }),
    (e) => isFerryError(e, 'JOURNAL_LOCKED') && /was taken by pid \d+ on .* \(execution thief/.test(e.message));
  assert.ok(existsSync(join(root, LOCK_DIR)), 'the second runner\'s lock is left alone');
  assert.deepEqual((await readJournal(t, 'e3')).map((e) => e.seq), [1, 2]);
  await second?.release();
});

test('journal: appends carry the expected size, so a second writer of the same journal is refused (native and command appends)', async () => {
  for (const native of [true, false]) {
    const root = mkdtempSync(join(base, 'r'));
    const local = createLocalTransport({ root });
    const t = native ? local : { ...local, appendFile: undefined };
    const a = await openJournal({ transport: t, executionId: 'e4' });
    await a.append({ event: 'execution', phase: 'start', planId: 'p', controller: 'c', steps: [] });
    const b = await openJournal({ transport: t, executionId: 'e4' });
    await b.append({ event: 'step', phase: 'start', stepId: 's', kind: 'k', attempt: 1 });
    await assert.rejects(a.append({ event: 'step', phase: 'start', stepId: 's', kind: 'k', attempt: 1 }),
      (e) => isFerryError(e, 'JOURNAL_LOCKED') && /another run is writing it/.test(e.message), `native ${native}`);
    assert.deepEqual((await readJournal(t, 'e4')).map((e) => e.seq), [1, 2]);
  }
});

test('journal: a journal that lost entries (emptied, cut before its recorded head, or another entry there) is refused', async () => {
  const cases: { name: string; damage: (file: string, text: string) => void; heads?: (entries: JournalEntry[]) => RecordedHead[] }[] = [
    { name: 'emptied', damage: (f) => writeFileSync(f, '') },
    { name: 'deleted', damage: (f) => rmSync(f) },
    { name: 'cut before the head', damage: (f, text) => writeFileSync(f, text.split('\n').slice(0, 2).join('\n') + '\n') },
    { name: 'store head beyond it', damage: () => {}, heads: (e) => [{ seq: e.length + 3, mac: null, where: 'Ferry\'s store' }] },
    { name: 'another entry at the store head', damage: () => {}, heads: () => [{ seq: 1, mac: 'f'.repeat(64), where: 'Ferry\'s store' }] },
  ];
  for (const c of cases) {
    const root = mkdtempSync(join(base, 'r'));
    const t = createLocalTransport({ root });
    mkdirSync(join(root, 'var/lib/ferry'), { recursive: true });
    await writeCurrentExecution(t, 'e5');
    const j = await openJournal({ transport: t, executionId: 'e5' });
    for (let i = 1; i <= 4; i++) await j.append({ event: 'step', phase: 'start', stepId: `s${i}`, kind: 'k', attempt: 1 });
    const current = await readCurrentExecution(t);
    assert.deepEqual(current?.head, { seq: 4, mac: j.entries()[3].mac }, 'the head is recorded in current');
    const file = join(root, journalPathFor('e5'));
    const entries = await readJournal(t, 'e5');
    c.damage(file, readFileSync(file, 'utf8'));
    const heads = c.heads?.(entries) ?? [];
    await assert.rejects(readJournal(t, 'e5', { heads }), (e) => isFerryError(e, 'JOURNAL_CORRUPT') && /it lost entries/.test(e.message), c.name);
    await assert.rejects(openJournal({ transport: t, executionId: 'e5', heads }), (e) => isFerryError(e, 'JOURNAL_CORRUPT'), c.name);
  }
});

test('ferry unlock: refused while the owner is alive here, or another controller\'s heartbeat is recent (unless forced); a dead owner\'s lock goes', async () => {
  const sleeper = spawn('sleep', ['30']);
  const dead = spawnSync('true').pid ?? 1;
  const cases: { name: string; owner: object; force?: boolean; removed: boolean; want?: RegExp }[] = [
    { name: 'alive here', owner: { pid: sleeper.pid, controller: hostname(), executionId: 'x', at: new Date().toISOString() }, removed: false, want: /which is alive/ },
    { name: 'dead here', owner: { pid: dead, controller: hostname(), executionId: 'x', at: new Date().toISOString() }, removed: true },
    { name: 'elsewhere, recent', owner: { pid: 1, controller: 'other-controller', executionId: 'x', at: new Date().toISOString() }, removed: false, want: /heartbeat is recent/ },
    { name: 'elsewhere, forced', owner: { pid: 1, controller: 'other-controller', executionId: 'x', at: new Date().toISOString() }, force: true, removed: true },
    { name: 'elsewhere, stale', owner: { pid: 1, controller: 'other-controller', executionId: 'x', at: new Date(Date.now() - 7_200_000).toISOString() }, removed: true },
  ];
  try {
    for (const c of cases) {
      const root = mkdtempSync(join(base, 'r'));
      mkdirSync(join(root, LOCK_DIR), { recursive: true });
      writeFileSync(join(root, LOCK_DIR, 'owner.json'), JSON.stringify(c.owner));
      const t = createLocalTransport({ root });
      if (c.removed) assert.equal((await unlock({ transport: t, force: c.force === true })).removed?.executionId, 'x', c.name);
      else await assert.rejects(unlock({ transport: t }), (e) => isFerryError(e, 'JOURNAL_LOCKED') && c.want!.test(e.message), c.name);
      assert.equal(existsSync(join(root, LOCK_DIR)), !c.removed, c.name);
    }
    assert.deepEqual(await unlock({ transport: createLocalTransport({ root: mkdtempSync(join(base, 'r')) }) }), { removed: undefined });
  } finally {
    sleeper.kill();
  }
});

test('the host lock names what stands in the way: a live owner by its pid; a dead owner\'s lock as stale, with its removal\'s error and ferry unlock; a read-only state directory as read-only', { skip: skipUnlessCanMount() }, async () => {
  const sleeper = spawn('sleep', ['30']);
  const dead = spawnSync('true').pid ?? 1;
  const cases: { name: string; owner?: object; readOnly: boolean; code: 'JOURNAL_LOCKED' | 'TRANSPORT_COMMAND'; want: RegExp; hint: RegExp; not?: RegExp }[] = [
    { name: 'alive here', owner: { pid: sleeper.pid, controller: hostname(), executionId: 'live', at: new Date().toISOString() }, readOnly: false,
      code: 'JOURNAL_LOCKED', want: new RegExp(`is locked by pid ${sleeper.pid} on .*execution live`), hint: /Wait for that run to finish/ },
    { name: 'dead here, read-only', owner: { pid: dead, controller: hostname(), executionId: 'old', at: new Date().toISOString() }, readOnly: true,
      code: 'JOURNAL_LOCKED', want: new RegExp(`lock /var/lib/ferry/lock is stale \\(left by pid ${dead} .*which is no longer running\\) but could not be removed: .*Read-only file system`),
      hint: /No run holds it\..*ferry unlock/, not: /is locked by/ },
    { name: 'elsewhere, old heartbeat, read-only', owner: { pid: 1, controller: 'other-controller', executionId: 'old', at: new Date(Date.now() - 7_200_000).toISOString() }, readOnly: true,
      code: 'JOURNAL_LOCKED', want: /is stale \(left by pid 1 on other-controller .*whose heartbeat is older than 3600 s\) but could not be removed/, hint: /ferry unlock/, not: /is locked by/ },
    { name: 'no lock, read-only', readOnly: true, code: 'TRANSPORT_COMMAND', want: /Could not create lock \/var\/lib\/ferry\/lock on local: .*Read-only file system/, hint: /^$/ },
  ];
  try {
    for (const c of cases) {
      const root = mkdtempSync(join(base, 'r'));
      mkdirSync(join(root, 'var/lib/ferry'), { recursive: true });
      if (c.owner) {
        mkdirSync(join(root, LOCK_DIR));
        writeFileSync(join(root, LOCK_DIR, 'owner.json'), JSON.stringify(c.owner));
      }
      const take = (): Promise<unknown> => acquireHostLock({ transport: createLocalTransport({ root }), executionId: 'new', heartbeatMs: 0 });
      const check = (e: unknown): boolean => {
        assert.ok(isFerryError(e, c.code), `${c.name}: ${String(e)}`);
        assert.match(e.message, c.want, c.name);
        assert.match(e.hint ?? '', c.hint, c.name);
        if (c.not) assert.doesNotMatch(e.message, c.not, c.name);
        return true;
      };
      if (c.readOnly) await withReadOnly(join(root, 'var/lib/ferry'), () => assert.rejects(take(), check));
      else await assert.rejects(take(), check);
    }
  } finally {
    sleeper.kill();
  }
});
