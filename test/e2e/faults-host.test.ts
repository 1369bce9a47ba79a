// The faults of issue 15 item 6 on lab migrations, each followed by a look at the host (its package set with
// rpm -qa, /etc's repo and release files, rpm -Va, dnf check) and at its journal: a disk that fills during
// distro-sync, a read-only /var/lib/ferry (from the start, and from a step boundary on), a journal truncated
// (a torn last append, and one cut inside the entries the head recorded), and a corrupted journal. The store
// locked or damaged: test/e2e/store-faults.test.ts. Each ends with a clear error naming what is at fault,
// the host as the journal says it is, and the migration resumable (or refused, touching nothing, where the
// journal cannot be trusted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessTools } from '../support/shared.js';
import { migrate, migrationStatus, resume, rollback } from '../../src/app/migrate.js';
import { isFerryError, type ProgressEvent } from '../../src/core/index.js';
import { journalPathFor, LOCK_DIR, readCurrentExecution, readJournal } from '../../src/exec/journal.js';
import type { JournalEntry } from '../../src/exec/types.js';
import { createLocalTransport } from '../../src/transport/local.js';
import type { LabHost } from '../lab/lab.js';
import { fillDisk, hostSnapshot, packageSet, runChild, sh, useLab } from './helpers.js';
import { mountReadOnly } from '../support/mount.js';

const skip = process.getuid?.() !== 0 ? 'needs root (mount)' : skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'setsid', 'gpg', 'mount', 'umount');
const labOf = useLab(skip);
const DISTRO_SYNC = 6;

/** Runs `fn` once, at the `phase` of step `index`. */
function atStep(index: number, phase: 'start' | 'end', fn: () => void): (e: ProgressEvent) => void {
  let done = false;
  return (e) => {
    if (!done && e.scope === 'step' && e.step.index === index && e.phase === phase) { done = true; fn(); }
  };
}

/** A host whose root is a tmpfs of its own (its files copied in), so it can be filled or remounted. */
function onTmpfs(host: LabHost, size: string): () => void {
  const keep = mkdtempSync(join(tmpdir(), 'ferry-fault-root-'));
  execFileSync('cp', ['-a', `${host.root}/.`, keep]);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'ferry-fault', host.root]);
  execFileSync('cp', ['-a', `${keep}/.`, host.root]);
  rmSync(keep, { recursive: true, force: true });
  return () => { spawnSync('umount', ['-l', host.root]); };
}

/** The ids of the steps the journal says ended (applied or already applied). */
function stepEnds(entries: readonly JournalEntry[]): string[] {
  return entries.flatMap((e) => (e.event === 'step' && e.phase === 'end' ? [e.stepId] : []));
}

/** The host after a failed run: no dnf half-done (dnf check), no duplicate package (a transaction interrupted). */
function assertConsistent(host: LabHost): void {
  const check = sh(['dnf', '--installroot', host.root, '--setopt=reposdir=/nonexistent', '--disableplugin=*', '-q', 'check'], host.env);
  assert.equal(check.status, 0, `dnf check: ${check.stdout}${check.stderr}`);
  const names = packageSet(host.root, host.env).map((n) => n.replace(/-\d+:.*$/, '')).filter((n) => !n.startsWith('kernel'));
  assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [], 'no package installed twice');
}

for (const variant of ['its own filesystem', 'the filled filesystem'] as const) {
  test(`the disk fills during distro-sync (/var/lib/ferry on ${variant}): the run fails naming it, the host keeps its pre-sync packages, the journal claims no distro-sync; freed, resume completes`, { skip }, async () => {
    const d = await labOf().distro('rocky-8');
    const host = await labOf().host({ from: 'centos-8' });
    // the catalog documents 1836 MiB needed on / (the assessment and the pre-flight check it): a tmpfs just above
    const unmounts = [onTmpfs(host, '1950m')];
    if (variant === 'its own filesystem') {
      const state = join(host.root, 'var/lib/ferry');
      mkdirSync(state, { recursive: true });
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m,mode=0755', 'ferry-fault-state', state]);
      unmounts.unshift(() => { spawnSync('umount', ['-l', state]); });
    }
    const transport = createLocalTransport({ root: host.root });
    const filler = join(host.root, 'filler');
    let afterSwap: string[] = [];
    try {
      const onProgress = atStep(DISTRO_SYNC, 'start', () => { afterSwap = packageSet(host.root, host.env); fillDisk(filler); });
      const err = await migrate({ transport, target: 'rocky-8', repos: [d.repoDir], gpgcheck: false, onProgress }).then(() => undefined, (e: unknown) => e);
      assert.ok(isFerryError(err), String(err));
      assert.ok(afterSwap.length > 0, 'the disk was filled at the start of distro-sync');
      // what is at fault is named: the write Ferry could not make, or dnf's own words about the space it lacks
      assert.match(err.message, variant === 'the filled filesystem' ? /\/var\/lib\/ferry\/\S+ on local failed: ENOSPC/ : /^dnf distro-sync --allowerasing on local ran out of disk space \(\[Errno 28\] No space left on device\)/);
      rmSync(filler);
      assert.deepEqual(packageSet(host.root, host.env), afterSwap, 'rpm left the packages as they were before distro-sync');
      assertConsistent(host);
      const current = await readCurrentExecution(transport);
      assert.ok(current);
      const entries = await readJournal(transport, current.executionId);
      const sync = entries.find((e) => e.event === 'step' && e.phase === 'start' && e.kind === 'distro-sync');
      if (sync && sync.event === 'step') assert.deepEqual(stepEnds(entries).filter((id) => id === sync.stepId), [], 'the journal claims no distro-sync done');
      const st = await migrationStatus({ transport });
      assert.notEqual(st.status.state, 'completed');
      const res = await resume({ transport });
      assert.equal(res.result.status, 'completed');
      assert.ok(res.verify?.ok, JSON.stringify(res.verify?.checks));
      assert.equal(sh(['rpm', '--root', host.root, '-Va'], host.env).stdout, '', 'rpm -Va clean');
      assert.ok(!existsSync(join(host.root, LOCK_DIR)), 'no lock left');
      console.log(`${variant}: ${err.code}: ${err.message.slice(0, 200)}`);
    } finally {
      await transport.close();
      for (const u of unmounts) u();
      host.dispose();
    }
  });
}

test('a read-only /var/lib/ferry from the start: refused naming it before anything changes on the host, no journal', { skip }, async () => {
  const d = await labOf().distro('rocky-8');
  const host = await labOf().host({ from: 'centos-8' });
  const before = hostSnapshot(host.root, host.env);
  const undo = mountReadOnly(join(host.root, 'var/lib/ferry'));
  const transport = createLocalTransport({ root: host.root });
  try {
    const err = await migrate({ transport, target: 'rocky-8', repos: [d.repoDir], gpgcheck: false }).then(() => undefined, (e: unknown) => e);
    assert.ok(isFerryError(err), String(err));
    assert.match(err.message, /\/var\/lib\/ferry\b.*(EROFS|read-only)/i);
    assert.deepEqual(hostSnapshot(host.root, host.env), before, 'packages, repo and release files as before');
    assert.equal(await readCurrentExecution(transport), undefined, 'no execution recorded on the host');
  } finally {
    await transport.close();
    undo();
    host.dispose();
  }
});

test('/var/lib/ferry turns read-only at a step boundary: the run stops there naming it, the journal ends with the last step done; writable again, resume completes', { skip }, async () => {
  const d = await labOf().distro('rocky-8');
  const host = await labOf().host({ from: 'centos-8' });
  const before = hostSnapshot(host.root, host.env);
  const state = join(host.root, 'var/lib/ferry');
  const undo: Array<() => void> = [];
  const transport = createLocalTransport({ root: host.root });
  try {
    // at the end of step 3 (the GPG keys), before the vendor swap (the first step that changes packages)
    const onProgress = atStep(3, 'end', () => { undo.push(mountReadOnly(state)); });
    const err = await migrate({ transport, target: 'rocky-8', repos: [d.repoDir], gpgcheck: false, onProgress }).then(() => undefined, (e: unknown) => e);
    assert.ok(isFerryError(err), String(err));
    assert.match(err.message, /\/var\/lib\/ferry\/\S+.*(EROFS|read-only)/i);
    assert.equal(packageSet(host.root, host.env).join('\n'), before.packages, 'no package changed: the swap never started');
    undo.pop()?.();
    const current = await readCurrentExecution(transport);
    assert.ok(current);
    const entries = await readJournal(transport, current.executionId);
    const started = entries.flatMap((e) => (e.event === 'step' && e.phase === 'start' ? [e.kind] : []));
    assert.ok(!started.includes('swap-vendor-packages'), `the journal claims no swap: ${started.join(', ')}`);
    assert.equal(stepEnds(entries).length, 4, 'steps 0-3 done, as journaled');
    const res = await resume({ transport });
    assert.equal(res.result.status, 'completed');
    assert.ok(res.verify?.ok, JSON.stringify(res.verify?.checks));
    assert.equal(sh(['rpm', '--root', host.root, '-Va'], host.env).stdout, '', 'rpm -Va clean');
  } finally {
    await transport.close();
    for (const u of undo) u();
    host.dispose();
  }
});

/** An interrupted migration on a fresh lab host: ferry SIGKILLed at the end of step `at`. */
async function interrupted(at: number): Promise<{ host: LabHost; executionId: string; journal: string }> {
  const d = await labOf().distro('rocky-8');
  const host = await labOf().host({ from: 'centos-8' });
  const r = await runChild({ ...process.env, FERRY_E2E_ROOT: host.root, FERRY_E2E_TARGET: 'rocky-8', FERRY_E2E_REPO: `rocky-8=${d.repoDir}`, FERRY_E2E_MODE: 'migrate' }, `end:${at}`);
  assert.ok(r.killed, r.out);
  const t = createLocalTransport({ root: host.root });
  const current = await readCurrentExecution(t);
  await t.close();
  assert.ok(current);
  return { host, executionId: current.executionId, journal: join(host.root, journalPathFor(current.executionId)) };
}

test('a torn last append (a crash mid-write): dropped, resume completes; a journal cut inside what its head recorded, or with an edited byte: resume and rollback refused naming file and line, nothing run, journal untouched', { skip }, async () => {
  // torn: an entry half written after the last one the head recorded
  const torn = await interrupted(5);
  try {
    writeFileSync(torn.journal, readFileSync(torn.journal, 'utf8') + '{"seq":999,"executionId":"' );
    const t = createLocalTransport({ root: torn.host.root });
    const res = await resume({ transport: t });
    await t.close();
    assert.equal(res.result.status, 'completed');
    assert.ok(res.verify?.ok, JSON.stringify(res.verify?.checks));
    assert.equal(sh(['rpm', '--root', torn.host.root, '-Va'], torn.host.env).stdout, '', 'rpm -Va clean');
  } finally {
    torn.host.dispose();
  }
  const damages: Array<{ name: string; damage: (text: string) => string; want: RegExp }> = [
    { name: 'cut inside the recorded entries', damage: (t) => t.slice(0, t.lastIndexOf('\n', t.length - 2) - 40), want: /line \d+ is not JSON|lost entries/ },
    { name: 'an edited byte', damage: (t) => t.replace('"applied"', '"aqplied"'), want: /line \d+ (fails its integrity check|is not a journal entry)/ },
  ];
  for (const c of damages) {
    const h = await interrupted(5);
    try {
      const damaged = c.damage(readFileSync(h.journal, 'utf8'));
      writeFileSync(h.journal, damaged);
      const snap = hostSnapshot(h.host.root, h.host.env);
      const t = createLocalTransport({ root: h.host.root });
      for (const op of [() => resume({ transport: t }), () => rollback({ transport: t })]) {
        await assert.rejects(op(), (e: unknown) => isFerryError(e, 'JOURNAL_CORRUPT') && e.message.includes(journalPathFor(h.executionId)) && c.want.test(e.message), c.name);
      }
      await t.close();
      assert.deepEqual(hostSnapshot(h.host.root, h.host.env), snap, `${c.name}: nothing run on the host`);
      assert.equal(readFileSync(h.journal, 'utf8'), damaged, `${c.name}: the journal is left as found`);
      assertConsistent(h.host);
    } finally {
      h.host.dispose();
    }
  }
});
