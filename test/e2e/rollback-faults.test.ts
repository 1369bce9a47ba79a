// A rollback interrupted by SIGKILL is finished from its journal (issue 15 item 6): before the point of no
// return, Ferry killed at the start of the rollback and after each restore it journaled, or in the middle of a
// restore (what it replaces removed, its archive not unpacked yet), each time continued by `ferry resume` (and
// `ferry rollback` again), never running the migration forward; the host ends as before the migration (package
// set, /etc, rpm database) and every restore is journaled exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { LabHost } from '../lab/lab.js';
import { skipUnlessTools } from '../support/shared.js';
import { migrationStatus, resume } from '../../src/app/migrate.js';
import { isFerryError } from '../../src/core/index.js';
import { readJournal } from '../../src/exec/journal.js';
import { createLocalTransport } from '../../src/transport/local.js';
import type { Transport } from '../../src/transport/types.js';
import { hostState, runChild, sh, useLab } from './helpers.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'setsid', 'gpg', 'pgrep');
const labOf = useLab(skip);

/** The module-streams step: the last before distro-sync, the point of no return. */
const BEFORE_PONR = 5;

/** Migrates `host` to rocky-8 in a child killed after the last step before the point of no return. */
async function migratedBeforePonr(env: NodeJS.ProcessEnv, transport: Transport): Promise<number> {
  const migrated = await runChild({ ...env, FERRY_E2E_MODE: 'migrate' }, `end:${BEFORE_PONR}`);
  assert.ok(migrated.killed, migrated.out);
  const { status } = await migrationStatus({ transport });
  assert.equal(status.ponrCrossed, false);
  assert.ok(status.restorables.length > 5, `${status.restorables.length} restorables`);
  return status.restorables.length;
}

/** The execution is rolled back: no step after the rollback started, each restorable restored and journaled once; the host as `original`. */
async function assertFinished(transport: Transport, host: LabHost, original: ReturnType<typeof hostState>): Promise<number> {
  const st = await migrationStatus({ transport });
  assert.equal(st.status.state, 'rolled-back');
  const journal = await readJournal(transport, st.status.executionId);
  const rollbackAt = journal.findIndex((e) => e.event === 'rollback');
  assert.deepEqual(journal.slice(rollbackAt).filter((e) => e.event === 'step').map((e) => e.event === 'step' && `${e.phase} ${e.stepId}`), [], 'no step ran after the rollback started');
  const restored = journal.flatMap((e) => (e.event === 'restore' && e.phase === 'end' ? [e.restorableId] : []));
  assert.equal(new Set(restored).size, restored.length, 'each restore journaled once');
  assert.deepEqual(new Set(restored), new Set(st.status.restorables.map((r) => r.id)), 'every restorable restored');
  assert.equal(journal.filter((e) => e.event === 'rollback' && e.phase === 'end').length, 1);
  const now = hostState(host.root, host.env);
  assert.deepEqual(now.packages, original.packages, 'package set');
  assert.deepEqual(now.etc, original.etc, '/etc');
  assert.equal(now.rpmdb, original.rpmdb, 'rpm database records');
  assert.equal(sh(['rpm', '--root', host.root, '-Va'], host.env).stdout, '', 'rpm -Va clean');
  return journal.length;
}

test('SIGKILL during a rollback before the point of no return (at its start and after each restore): ferry resume finishes it from the journal, never migrating forward; the host ends as before', { skip, timeout: 900_000 }, async () => {
  const d = await labOf().distro('rocky-8');
  const host = await labOf().host({ from: 'centos-8', extras: ['nodejs'] });
  const env = { ...process.env, FERRY_E2E_ROOT: host.root, FERRY_E2E_TARGET: 'rocky-8', FERRY_E2E_REPO: `rocky-8=${d.repoDir}` };
  const transport = createLocalTransport({ root: host.root });
  try {
    const original = hostState(host.root, host.env);
    const restorables = await migratedBeforePonr(env, transport);
    assert.notDeepEqual(hostState(host.root, host.env).packages, original.packages, 'the swap changed the package set');

    // Killed after the rollback's start entry, before its first restore; then after each journaled restore.
    const first = await runChild({ ...env, FERRY_E2E_MODE: 'rollback' }, 'restore-start:0');
    assert.ok(first.killed, first.out);
    assert.equal((await migrationStatus({ transport })).status.rollbackStarted, true);
    let runs = 0;
    let last = { code: null as number | null, out: '', killed: true };
    while (last.killed) {
      assert.ok(runs++ <= restorables, `the rollback made no progress after ${runs} runs: ${last.out}`);
      // Every third continuation is `ferry rollback` again, the others `ferry resume`.
      last = await runChild({ ...env, FERRY_E2E_MODE: runs % 3 === 0 ? 'rollback' : 'resume' }, 'restore-end:0');
    }
    assert.match(last.out, /DONE/, last.out);
    assert.ok(runs >= restorables - 1, `the rollback was interrupted ${runs} times for ${restorables} restorables`);
    const entries = await assertFinished(transport, host, original);
    const st = await migrationStatus({ transport });

    // A finished rollback is not resumed: nothing runs.
    await assert.rejects(resume({ transport }), (e: unknown) => isFerryError(e, 'USAGE') && /was rolled back; it cannot be resumed/.test(e.message));
    assert.equal((await readJournal(transport, st.status.executionId)).length, entries);
    console.log(`rollback of ${restorables} restorables interrupted ${runs} times, finished by resume/rollback`);
  } finally {
    await transport.close();
    host.dispose();
  }
});

test('SIGKILL in the middle of each restore that unpacks an archive (what it replaces already removed): ferry resume restores it again and finishes; the host ends as before', { skip, timeout: 900_000 }, async () => {
  const d = await labOf().distro('rocky-8');
  const host = await labOf().host({ from: 'centos-8' });
  const env = { ...process.env, FERRY_E2E_ROOT: host.root, FERRY_E2E_TARGET: 'rocky-8', FERRY_E2E_REPO: `rocky-8=${d.repoDir}` };
  const transport = createLocalTransport({ root: host.root });
  try {
    const original = hostState(host.root, host.env);
    const restorables = await migratedBeforePonr(env, transport);
    // Each resume redoes the restore the last run was cut in (its first unpack) and is cut in the next (its second).
    let cuts = 0;
    let last = await runChild({ ...env, FERRY_E2E_MODE: 'rollback' }, 'untar:0');
    assert.ok(last.killed, last.out);
    // The cut is real: the newest restorable is the swap's files (LIFO); its restore removed the target's files
    // (rocky-release's) and had not unpacked the source's (centos-release's) yet.
    for (const f of ['etc/rocky-release', 'etc/centos-release']) assert.throws(() => lstatSync(join(host.root, f)), /ENOENT/, `${f} absent mid-restore`);
    while (last.killed) {
      cuts++;
      assert.ok(cuts <= restorables, `no progress after ${cuts} cuts: ${last.out}`);
      last = await runChild({ ...env, FERRY_E2E_MODE: 'resume' }, 'untar:1');
    }
    assert.match(last.out, /RESULT rolled-back/, last.out);
    assert.ok(cuts >= 3, `${cuts} restores cut in the middle`);
    await assertFinished(transport, host, original);
    console.log(`${cuts} restores cut in the middle, each redone by resume`);
  } finally {
    await transport.close();
    host.dispose();
  }
});
