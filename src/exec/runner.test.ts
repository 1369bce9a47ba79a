import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError } from '../core/index.js';
import { createLocalTransport } from '../transport/local.js';
import { acquireHostLock, journalPathFor, parseJournal, readJournal } from './journal.js';
import { defineStep, deriveStatus, rollback, runPlan, status } from './runner.js';
import { buildFixturePlan, makeFixtureRoot, treeHash } from './testing/fixture.js';
import type { ProgressEvent } from '../core/index.js';
import type { JournalEntry } from './types.js';
import type { TransactionReport } from './package-manager/transaction-summary.js';

const base = mkdtempSync(join(tmpdir(), 'ferry-exec-'));
process.on('exit', () => rmSync(base, { recursive: true, force: true }));
let n = 0;

function fresh(): { root: string; counter: string } {
  const dir = join(base, String(++n));
  const root = join(dir, 'root');
  mkdirSync(root, { recursive: true });
  makeFixtureRoot(root);
  return { root, counter: join(dir, 'applies.log') };
}

function applies(counter: string): Map<string, number> {
  const m = new Map<string, number>();
  if (!existsSync(counter)) return m;
  for (const id of readFileSync(counter, 'utf8').split('\n').filter(Boolean)) m.set(id, (m.get(id) ?? 0) + 1);
  return m;
}

const plan0 = buildFixturePlan({ counterFile: '/dev/null' });
const stepIds = plan0.steps.map((s) => s.id);
const initialHash = (() => { const { root } = fresh(); return treeHash(root); })();

// The tree a complete, uninterrupted run produces: the reference for every resumed run.
const { referenceHash, referenceEntries } = await (async () => {
  const { root, counter } = fresh();
  const events: ProgressEvent[] = [];
  const res = await runPlan({ plan: buildFixturePlan({ counterFile: counter }), transport: createLocalTransport({ root }), executionId: 'ref', onProgress: (e) => events.push(e) });
  assert.equal(res.status, 'completed');
  assert.deepEqual(res.applied, stepIds);
  assert.equal(events.filter((e) => e.scope === 'step' && e.phase === 'end').length, 7);
  return { referenceHash: treeHash(root), referenceEntries: await readJournal(createLocalTransport({ root }), 'ref') };
})();

test('a complete run applies every step once, journals start and end, and a re-run skips them all', async () => {
  const { root, counter } = fresh();
  const transport = createLocalTransport({ root });
  await runPlan({ plan: buildFixturePlan({ counterFile: counter }), transport, executionId: 'e1' });
  assert.equal(treeHash(root), referenceHash);
  assert.notEqual(referenceHash, initialHash);
  assert.equal(readFileSync(join(root, 'etc/os-release'), 'utf8'), 'NAME="Rocky Linux"\nVERSION_ID="8.9"\n');
  assert.deepEqual([...applies(counter).values()], [1, 1, 1, 1, 1, 1, 1]);
  const entries = await readJournal(transport, 'e1');
  for (const id of stepIds) {
    assert.equal(entries.filter((e) => e.event === 'step' && e.stepId === id && e.phase === 'start').length, 1);
    assert.equal(entries.filter((e) => e.event === 'step' && e.stepId === id && e.phase === 'end').length, 1);
  }
  assert.equal(entries.filter((e) => e.event === 'restorable').length, 8);
  assert.ok(entries.some((e) => e.event === 'ponr' && e.stepId === stepIds[5]));
  assert.ok(existsSync(join(root, 'var/lib/ferry/e1/journal.jsonl')));
  assert.ok(!existsSync(join(root, 'var/lib/ferry/lock')), 'lock released');
  const again = await runPlan({ plan: buildFixturePlan({ counterFile: counter }), transport, executionId: 'e1' });
  assert.deepEqual(again.skipped, stepIds);
  assert.deepEqual(again.applied, []);
  assert.deepEqual([...applies(counter).values()], [1, 1, 1, 1, 1, 1, 1]);
  const st = await status({ transport, executionId: 'e1' });
  assert.equal(st.state, 'completed');
  assert.ok(st.steps.every((s) => s.state === 'done'));
  assert.equal(referenceEntries.length, entries.length);
});

test('dry run calls no apply, changes nothing on the host and lists what would run', async () => {
  const { root, counter } = fresh();
  const res = await runPlan({ plan: buildFixturePlan({ counterFile: counter }), transport: createLocalTransport({ root }), executionId: 'dry', dryRun: true });
  assert.equal(res.status, 'dry-run');
  assert.deepEqual(res.wouldRun?.map((w) => w.stepId), stepIds);
  assert.equal(treeHash(root, []), initialHash);
  assert.equal(applies(counter).size, 0);
});

test('dry run: a step\'s preview (its predicted transaction) is carried in wouldRun; a step the journal shows done is not previewed', async () => {
  const { root } = fresh();
  const transport = createLocalTransport({ root });
  const report: TransactionReport = { packages: [{ action: 'remove', name: 'acme', arch: 'noarch', evr: '1-1', repo: '@System', replacing: [] }], allowRemove: [], removals: [{ name: 'acme', evr: '1-1', why: 'removed', verdict: 'unapproved', because: 'x' }], stops: true };
  const previewed: string[] = [];
  const step = (name: string) => defineStep({
    kind: 'test.previewed', options: { name }, title: name,
    async apply(ctx) { await ctx.transport.writeFile(`/${name}`, name); },
    async preview(t) { assert.equal(t, transport); previewed.push(name); return report; },
  });
  const dry = await runPlan({ plan: { id: 'plan-p', steps: [step('a'), step('b')] }, transport, executionId: 'pv', dryRun: true });
  assert.deepEqual(dry.wouldRun?.map((w) => [w.title, w.transaction?.stops]), [['a', true], ['b', true]]);
  assert.deepEqual(previewed, ['a', 'b']);
  await assert.rejects(readFile(join(root, 'a')), /ENOENT/, 'nothing applied');
  // Step a done for real (a plan of its own would mismatch: the same plan, stopped after a by a failing b).
  previewed.length = 0;
  const failing = defineStep({ ...step('b'), apply: () => Promise.reject(new Error('stop')) });
  await assert.rejects(runPlan({ plan: { id: 'plan-p', steps: [step('a'), failing] }, transport, executionId: 'pv' }), /stop/);
  const again = await runPlan({ plan: { id: 'plan-p', steps: [step('a'), failing] }, transport, executionId: 'pv', dryRun: true });
  assert.deepEqual(again.skipped.length, 1);
  assert.deepEqual(previewed, ['b'], 'the done step is not previewed');
});

test('overrides are journaled once, with who made them', async () => {
  const { root, counter } = fresh();
  const transport = createLocalTransport({ root });
  const overrides = [{ findingKey: 'inhibitor.third-party-kmod', by: 'alice', reason: 'module rebuilt for target' }];
  await runPlan({ plan: buildFixturePlan({ counterFile: counter }), transport, executionId: 'ov', overrides });
  await runPlan({ plan: buildFixturePlan({ counterFile: counter }), transport, executionId: 'ov', overrides });
  const st = await status({ transport, executionId: 'ov' });
  assert.equal(st.overrides.length, 1);
  assert.equal(st.overrides[0].findingKey, 'inhibitor.third-party-kmod');
  assert.equal(st.overrides[0].by, 'alice');
});

test('rollback after the point of no return is refused and changes nothing', async () => {
  const { root, counter } = fresh();
  const transport = createLocalTransport({ root });
  await runPlan({ plan: buildFixturePlan({ counterFile: counter }), transport, executionId: 'past' });
  await assert.rejects(rollback({ transport, executionId: 'past' }), (e) => isFerryError(e, 'ROLLBACK_PAST_PONR') && e.message.includes(stepIds[5]));
  assert.equal(treeHash(root), referenceHash);
});

test('a failed step → STEP_FAILED; rollback restores the tree byte for byte (file, absent file, symlink, dir, command)', async () => {
  const { root, counter } = fresh();
  const transport = createLocalTransport({ root });
  await assert.rejects(
    runPlan({ plan: buildFixturePlan({ counterFile: counter, failStep: 4 }), transport, executionId: 'fail' }),
    (e) => isFerryError(e, 'STEP_FAILED') && e.message.includes('injected failure in step 4'));
  assert.equal((await status({ transport, executionId: 'fail' })).state, 'failed');
  assert.ok(existsSync(join(root, 'etc/ferry-marker')));
  assert.notEqual(treeHash(root), initialHash);
  const events: ProgressEvent[] = [];
  const res = await rollback({ transport, executionId: 'fail', onProgress: (e) => events.push(e) });
  assert.equal(res.restored.length, 6);
  assert.equal(treeHash(root), initialHash);
  // LIFO: the command restorable of step 4 first, os-release of step 0 last.
  const order = events.flatMap((e) => (e.scope === 'restore' && e.phase === 'end' ? [e.message] : []));
  assert.equal(order[0], 'remove /etc/ferry-marker');
  assert.equal(order.at(-1), 'file /etc/os-release');
  assert.equal((await status({ transport, executionId: 'fail' })).state, 'rolled-back');
  assert.deepEqual((await rollback({ transport, executionId: 'fail' })).restored, []);
  await assert.rejects(runPlan({ plan: buildFixturePlan({ counterFile: counter }), transport, executionId: 'fail' }), (e) => isFerryError(e, 'USAGE'));
});

test('rollback keeps going past a failed restore, reports it, and a second rollback retries only that one', async () => {
  const { root, counter } = fresh();
  const transport = createLocalTransport({ root });
  await assert.rejects(runPlan({ plan: buildFixturePlan({ counterFile: counter, failStep: 4 }), transport, executionId: 'bad' }));
  const st = await status({ transport, executionId: 'bad' });
  const osRelease = st.restorables.find((r) => r.key === '/etc/os-release');
  assert.ok(osRelease);
  const backup = join(root, 'var/lib/ferry/bad/backup', osRelease.id, 'content');
  const original = readFileSync(backup);
  writeFileSync(backup, 'tampered\n');
  await assert.rejects(rollback({ transport, executionId: 'bad' }), (e) => {
    assert.ok(isFerryError(e, 'ROLLBACK_INCOMPLETE'));
    const failures = e.details?.failures as { description: string }[];
    assert.deepEqual(failures.map((f) => f.description), ['file /etc/os-release']);
    assert.match(e.message, /sha256/);
    return true;
  });
  assert.equal((await status({ transport, executionId: 'bad' })).state, 'rollback-incomplete');
  assert.ok(existsSync(join(root, 'etc/yum.repos.d/CentOS-Base.repo')), 'later restores still ran');
  writeFileSync(backup, original);
  const res = await rollback({ transport, executionId: 'bad' });
  assert.deepEqual(res.restored, [osRelease.id]);
  assert.equal(res.alreadyRestored.length, 5);
  assert.equal(treeHash(root), initialHash);
});

// ---- SIGKILL at every step boundary ----

interface Killed { root: string; counter: string; last: JournalEntry }

async function runAndKill(stall: string, executionId: string): Promise<Killed> {
  const { root, counter } = fresh();
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'testing/crash-child.ts')], {
    env: { ...process.env, FERRY_TEST_ROOT: root, FERRY_TEST_COUNTER: counter, FERRY_TEST_STALL: stall, FERRY_TEST_EXECUTION: executionId },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('STALLED')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`child exited ${code} before stalling at ${stall}: ${out}${err}`)));
  });
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;
  const entries = parseJournal(readFileSync(join(root, journalPathFor(executionId)), 'utf8'), 'journal');
  return { root, counter, last: entries[entries.length - 1] };
}

const boundaries = [
  ...stepIds.flatMap((_, i) => [`start:${i}`, `end:${i}`]),
  'mid:0', // write-file has isApplied: the resumed run sees the effect and does not apply again
  'mid:1', // swap-repos has none: applied again, idempotently
];

test('Ferry SIGKILLed at every step boundary (and mid-step) resumes to the same tree', async () => {
  const queue = [...boundaries];
  const worker = async (): Promise<void> => {
    for (let stall = queue.shift(); stall !== undefined; stall = queue.shift()) {
      const [where, idx] = stall.split(':');
      const i = Number(idx);
      const id = `kill-${where}-${i}`;
      const k = await runAndKill(stall, id);
      // The journal shows exactly the boundary we killed at.
      if (where === 'end') assert.ok(k.last.event === 'step' && k.last.phase === 'end' && k.last.stepId === stepIds[i], stall);
      else assert.ok(k.last.event === 'step' && k.last.phase === 'start' || k.last.event === 'restorable', `${stall}: ${JSON.stringify(k.last)}`);
      assert.ok(existsSync(join(k.root, 'var/lib/ferry/lock')), 'the killed run left its lock behind');
      const transport = createLocalTransport({ root: k.root });
      assert.equal((await status({ transport, executionId: id })).interrupted, true);
      const res = await runPlan({ plan: buildFixturePlan({ counterFile: k.counter }), transport, executionId: id });
      assert.equal(res.status, 'completed', stall);
      assert.equal(treeHash(k.root), referenceHash, stall);
      const counts = applies(k.counter);
      for (const [j, sid] of stepIds.entries()) {
        const expected = where === 'mid' && j === i && i === 1 ? 2 : 1;
        assert.equal(counts.get(sid) ?? 0, expected, `${stall}: step ${j} applied ${counts.get(sid)} times`);
      }
      assert.deepEqual(res.skipped.slice(0, where === 'end' ? i + 1 : i), stepIds.slice(0, where === 'end' ? i + 1 : i), stall);
    }
  };
  await Promise.all([worker(), worker()]);
});

test('SIGKILL before the point of no return, then rollback → tree identical to before', async () => {
  const k = await runAndKill('mid:3', 'kill-rb');
  const transport = createLocalTransport({ root: k.root });
  await rollback({ transport, executionId: 'kill-rb' });
  assert.equal(treeHash(k.root), initialHash);
});

test('SIGKILL once the point-of-no-return step has started → rollback refused', async () => {
  const k = await runAndKill('start:5', 'kill-ponr');
  await assert.rejects(rollback({ transport: createLocalTransport({ root: k.root }), executionId: 'kill-ponr' }), (e) => isFerryError(e, 'ROLLBACK_PAST_PONR'));
});

// ---- lock ----

test('a second run against a locked host fails with JOURNAL_LOCKED naming the holder', async () => {
  const { root, counter } = fresh();
  const transport = createLocalTransport({ root });
  const lock = await acquireHostLock({ transport, executionId: 'holder', heartbeatMs: 0 });
  await assert.rejects(runPlan({ plan: buildFixturePlan({ counterFile: counter }), transport, executionId: 'other' }),
    (e) => isFerryError(e, 'JOURNAL_LOCKED') && e.message.includes(`pid ${process.pid}`) && e.message.includes('execution holder'));
  await assert.rejects(rollback({ transport, executionId: 'other' }), (e) => isFerryError(e, 'JOURNAL_LOCKED'));
  await lock.release();
  assert.equal((await runPlan({ plan: buildFixturePlan({ counterFile: counter }), transport, executionId: 'other' })).status, 'completed');
});

test('stale locks: another controller\'s lock is broken only once its heartbeat is old', async () => {
  const { root } = fresh();
  const transport = createLocalTransport({ root });
  mkdirSync(join(root, 'var/lib/ferry/lock'), { recursive: true });
  const owner = (at: Date) => JSON.stringify({ pid: 1, controller: `${hostname()}-elsewhere`, executionId: 'x', at: at.toISOString() });
  writeFileSync(join(root, 'var/lib/ferry/lock/owner.json'), owner(new Date()));
  await assert.rejects(acquireHostLock({ transport, executionId: 'y', heartbeatMs: 0 }), (e) => isFerryError(e, 'JOURNAL_LOCKED'));
  writeFileSync(join(root, 'var/lib/ferry/lock/owner.json'), owner(new Date(Date.now() - 2 * 3_600_000)));
  const lock = await acquireHostLock({ transport, executionId: 'y', heartbeatMs: 0 });
  assert.equal(JSON.parse(readFileSync(join(root, 'var/lib/ferry/lock/owner.json'), 'utf8')).executionId, 'y');
  await lock.release();
});

// ---- journal corruption ----

test('journal: a truncated last line is tolerated; garbage is JOURNAL_CORRUPT naming the file and line', async () => {
  const text = referenceEntries.map((e) => JSON.stringify(e) + '\n').join('');
  const torn = text + JSON.stringify({ ...referenceEntries[0], seq: referenceEntries.length + 1 }).slice(0, 20);
  assert.equal(parseJournal(torn, 'j').length, referenceEntries.length);
  const lines = text.split('\n');
  lines[2] = '{"v":1,garbage';
  assert.throws(() => parseJournal(lines.join('\n'), 'host:/var/lib/ferry/x/journal.jsonl'),
    (e) => isFerryError(e, 'JOURNAL_CORRUPT') && e.message.includes('host:/var/lib/ferry/x/journal.jsonl line 3'));
  assert.throws(() => parseJournal('{"a":1}\n', 'j'), (e) => isFerryError(e, 'JOURNAL_CORRUPT'));
  const { root } = fresh();
  mkdirSync(join(root, 'var/lib/ferry/junk'), { recursive: true });
  writeFileSync(join(root, 'var/lib/ferry/junk/journal.jsonl'), 'not json at all\n');
  await assert.rejects(status({ transport: createLocalTransport({ root }), executionId: 'junk' }),
    (e) => isFerryError(e, 'JOURNAL_CORRUPT') && e.message.includes('/var/lib/ferry/junk/journal.jsonl'));
});

test('deriveStatus: a rollback that started and did not end is not "interrupted" (resume refuses it): rollbackStarted says rollback continues it', () => {
  const at = '2026-01-01T00:00:00Z';
  const entries: JournalEntry[] = [
    { v: 1, seq: 1, at, executionId: 'x', event: 'execution', phase: 'start', planId: 'p', controller: 'c', steps: [] },
    { v: 1, seq: 2, at, executionId: 'x', event: 'execution', phase: 'end', status: 'failed' },
    { v: 1, seq: 3, at, executionId: 'x', event: 'rollback', phase: 'start' },
  ];
  const cases: [JournalEntry[], { state: string; interrupted: boolean; rollbackStarted: boolean }][] = [
    [entries.slice(0, 2), { state: 'failed', interrupted: false, rollbackStarted: false }],
    [entries, { state: 'running', interrupted: false, rollbackStarted: true }],
    [[...entries, { v: 1, seq: 4, at, executionId: 'x', event: 'rollback', phase: 'failed', failures: [] }], { state: 'rollback-incomplete', interrupted: false, rollbackStarted: true }],
    [entries.slice(0, 1), { state: 'running', interrupted: true, rollbackStarted: false }],
  ];
  for (const [input, want] of cases) {
    const st = deriveStatus(input, 'x');
    assert.deepEqual({ state: st.state, interrupted: st.interrupted, rollbackStarted: st.rollbackStarted }, want, JSON.stringify(input.map((e) => e.event)));
  }
});
