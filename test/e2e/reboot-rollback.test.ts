// The reboot boundary over a real sshd: a lab host whose root is Btrfs (test/lab/btrfs.ts), migrated to rocky-8
// past the point of no return, then `ferry rollback` over SSH returns it to its snapshot and reboots into it
// through the journaled boundary (src/exec/reboot-boundary.ts). The reboot is the lab's simulation
// (labRebootScript: connections dropped, sshd unreachable or answering the old boot, the root remounted, a new
// boot id); the wait, the reconnection, the identity check and the journal are Ferry's, for real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessTools } from '../support/shared.js';
import { migrate, migrationStatus } from '../../src/app/migrate.js';
import { readJournal } from '../../src/exec/journal.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { btrfsUnavailable, createBtrfsHost, labRebootScript, labRebootStarted, type BtrfsLabHost } from '../lab/btrfs.js';
import type { LabSshHost } from '../lab/lab.js';
import { ferry } from './cli.js';
import { cutSshSessions, hostSnapshot, hostState, sh, useLab } from './helpers.js';

const skip = btrfsUnavailable() || skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'sshd', 'setsid', 'gpg', 'pkill', 'pgrep');
const lab = useLab(skip);
const FERRY = join(import.meta.dirname, '..', '..', 'bin', 'ferry.js');

interface Rig { h: LabSshHost; b: BtrfsLabHost; dir: string; bootIdFile: string; before: Record<string, string>; state: ReturnType<typeof hostState>; args: (script: string, ...more: string[]) => string[] }

/** A CentOS 8 lab host behind sshd, copied onto Btrfs and migrated to rocky-8 (snapshot taken); torn down after `fn`. */
async function migratedBtrfsSshHost(fn: (r: Rig) => Promise<void>): Promise<void> {
  const d = await lab().distro('rocky-8');
  const h = await lab().sshHost({ from: 'centos-8' });
  const b = createBtrfsHost(h);
  const dir = mkdtempSync(join(tmpdir(), 'ferry-reboot-'));
  const bootIdFile = join(dir, 'boot_id');
  writeFileSync(bootIdFile, `${randomUUID()}\n`);
  const local = createLocalTransport({ root: b.root });
  try {
    const before = hostSnapshot(b.root, h.env);
    const state = hostState(b.root, h.env);
    const res = await migrate({ transport: local, target: 'rocky-8', repos: [`rocky-8=${d.repoDir}`], gpgcheck: false });
    assert.equal(res.result.status, 'completed');
    assert.equal(sh(['rpm', '--root', b.root, '-q', 'rocky-release'], h.env).status, 0, 'migrated');
    const args = (script: string, ...more: string[]): string[] => [
      'rollback', `root@127.0.0.1:${h.port}`, '--root', b.root, '-i', h.privateKeyPath, '--known-hosts', h.knownHostsPath,
      '--reboot-command', JSON.stringify(['sh', script]), '--boot-id-file', bootIdFile, ...more,
    ];
    await fn({ h, b, dir, bootIdFile, before, state, args });
  } finally {
    await local.close();
    b.stop();
    await h.stop();
  }
}

/** The host is on its snapshot, identical to before the migration, and its journal records the rollback and the boundary. */
async function assertRolledBack(r: Rig): Promise<void> {
  assert.deepEqual(hostSnapshot(r.b.root, r.h.env), r.before, 'package set, repo and release files as before');
  assert.equal(sh(['rpm', '--root', r.b.root, '-q', 'rocky-release'], r.h.env).status, 1, 'rocky-release is gone');
  assert.equal(sh(['rpm', '--root', r.b.root, '-q', 'centos-release'], r.h.env).status, 0, 'on the source release again');
  const t = createLocalTransport({ root: r.b.root });
  try {
    const st = await migrationStatus({ transport: t });
    assert.equal(st.status.state, 'rolled-back');
    const reboots = (await readJournal(t, st.status.executionId)).filter((e) => e.event === 'reboot');
    assert.ok(reboots.some((e) => e.phase === 'requested'), 'the request is journaled');
    assert.equal(reboots.at(-1)?.phase, 'returned', `the journal ends the boundary with the return: ${JSON.stringify(reboots)}`);
  } finally {
    await t.close();
  }
}

const bootId = (file: string): string => readFileSync(file, 'utf8').trim();

/**
 * `ferry rollback` as its own process, SIGKILLed once it reports the reboot wait; then waits for the lab host to
 * come back by itself (the reboot was issued) with a new boot id.
 */
async function killedInTheWait(r: Pick<Rig, 'bootIdFile' | 'args'>, script: string): Promise<void> {
  const old = bootId(r.bootIdFile);
  const child = spawn(process.execPath, [FERRY, ...r.args(script, '--reboot-timeout', '2m')], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  let err = '';
  const waiting = new Promise<void>((resolve) => {
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); if (/waiting for .* to come back/.test(err)) resolve(); });
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(signal ? -1 : code)));
  await Promise.race([waiting, closed]);
  assert.match(err, /waiting for .* to come back/, `the child reached the wait: ${err}`);
  child.kill('SIGKILL');
  assert.equal(await closed, -1, 'Ferry was killed during the wait');
  for (let i = 0; i < 100 && bootId(r.bootIdFile) === old; i++) await new Promise((res) => setTimeout(res, 200));
  assert.notEqual(bootId(r.bootIdFile), old, 'the lab host rebooted');
  await new Promise((res) => setTimeout(res, 500));
}

test('rollback over SSH into the Btrfs snapshot: a host that never returns is REBOOT_TIMEOUT naming host and timeout; Ferry SIGKILLed during the wait, rollback again completes', { skip }, async () => {
  await migratedBtrfsSshHost(async (r) => {
    // A reboot command that does not reboot: the wait gives up, naming the host and the timeout; the journal stays resumable.
    const never = join(r.dir, 'never.sh');
    writeFileSync(never, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const timedOut = await ferry(r.args(never, '--reboot-timeout', '4s'));
    assert.equal(timedOut.code, 1, timedOut.err);
    assert.match(timedOut.err, new RegExp(`REBOOT_TIMEOUT|root@127\\.0\\.0\\.1:${r.h.port} did not come back from its reboot within 4 s`), timedOut.err);
    assert.match(timedOut.err, /did not come back from its reboot within 4 s/);
    console.log(`never returns → ${timedOut.err.split('\n').find((l) => /did not come back/.test(l))}`);

    // The lab's reboot: unreachable for 6 s. Ferry is SIGKILLed while it waits.
    const script = labRebootScript({ b: r.b, sshdPid: r.h.sshd.pid, bootIdFile: r.bootIdFile, downSeconds: 6, unreachable: true, dir: r.dir });
    // The host comes back by itself (the reboot was issued); then the operator runs the rollback again.
    await killedInTheWait(r, script);
    const again = await ferry(r.args(script));
    assert.equal(again.code, 0, again.err);
    assert.match(again.err, /came back from the reboot requested earlier/, again.err);
    console.log(`after SIGKILL during the wait → ${again.out.trim()} (${again.err.split('\n').find((l) => /came back/.test(l))?.trim()})`);
    await assertRolledBack(r);
  });
});

test('rollback over SSH into the Btrfs snapshot: sshd restarted and its connections cut mid-wait → the wait reconnects and the rollback completes', { skip }, async () => {
  await migratedBtrfsSshHost(async (r) => {
    // Reachable throughout on the old boot for 5 s (Ferry keeps reconnecting and sees "still boot …"); sshd restarted meanwhile.
    const script = labRebootScript({ b: r.b, sshdPid: r.h.sshd.pid, bootIdFile: r.bootIdFile, downSeconds: 5, unreachable: false, dir: r.dir });
    let restarted = 0;
    // The cut comes 2.5 s into the wait (the host "reboots" for 5 s), however long ferry took to get there.
    const stop = new AbortController();
    const cut = labRebootStarted(script, { signal: stop.signal }).then(() => new Promise((r) => setTimeout(r, 2500))).then(() => {
      if (stop.signal.aborted) return;
      restarted = cutSshSessions(r.h.sshd.pid) + 1;
      process.kill(r.h.sshd.pid, 'SIGHUP');
    }, () => undefined);
    const res = await ferry(r.args(script, '--reboot-timeout', '2m'));
    stop.abort();
    await cut;
    assert.ok(restarted > 0, 'sshd was restarted during the wait');
    assert.equal(res.code, 0, res.err);
    assert.match(res.err, /is back: boot/, res.err);
    console.log(`sshd restarted mid-wait → ${res.out.trim()} (${res.err.split('\n').find((l) => /is back/.test(l))?.trim()})`);
    await assertRolledBack(r);
  });
});

test('rollback over SSH into the Btrfs snapshot, Ferry SIGKILLed during the reboot wait: ferry resume finishes the rollback from the journal, never migrating forward', { skip }, async () => {
  await migratedBtrfsSshHost(async (r) => {
    const script = labRebootScript({ b: r.b, sshdPid: r.h.sshd.pid, bootIdFile: r.bootIdFile, downSeconds: 4, unreachable: true, dir: r.dir });
    await killedInTheWait(r, script);
    // resume, with the same host flags: the execution's rollback started, so resume finishes it.
    const res = await ferry(['resume', ...r.args(script).slice(1)]);
    assert.equal(res.code, 0, res.err);
    assert.match(res.err, /was being rolled back .*: resume finishes the rollback/, res.err);
    assert.match(res.err, /came back from the reboot requested earlier/, res.err);
    assert.match(res.out, /: rolled-back; applied 0, skipped 0\nRolled back /, res.out);
    await assertRolledBack(r);
    const now = hostState(r.b.root, r.h.env);
    assert.deepEqual(now.packages, r.state.packages, 'package set');
    assert.deepEqual(now.etc, r.state.etc, '/etc');
    assert.equal(now.rpmdb, r.state.rpmdb, 'rpm database records');
    const t = createLocalTransport({ root: r.b.root });
    try {
      const journal = await readJournal(t, (await migrationStatus({ transport: t })).status.executionId);
      const from = journal.findIndex((e) => e.event === 'rollback');
      assert.deepEqual(journal.slice(from).filter((e) => e.event === 'step'), [], 'no step ran after the rollback started');
    } finally {
      await t.close();
    }
  });
});
