// The cross-major recipe's own steps on a real lab root (the whole recipe runs in test/e2e/migrate-cross-major.test.ts):
// finalize (rpm --rebuilddb, /.autorelabel) applied twice leaves one result and verifies; its verify fails on an rpm
// database that does not answer; the download check refuses an empty download directory; the reboot step ends in a
// reboot and changes nothing itself; rpmdb-rebuild converts a Berkeley DB database to sqlite, and rollback gives the
// Berkeley DB files back byte for byte.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createLogger } from '../../core/index.js';
import { createLocalTransport } from '../../transport/local.js';
import type { Transport } from '../../transport/types.js';
import type { Step, StepContext } from '../types.js';
import { createLab, type Lab, type LabHost } from '../../../test/lab/lab.js';
import { skipUnlessTools } from '../../../test/support/shared.js';
import { journalPathFor } from '../journal.js';
import { rollback, runPlan } from '../runner.js';
import { convertRootToBerkeleyRpmdb } from '../../../test/lab/rpmdb-bdb.js';
import { rpmdbRebuildStep } from './rpmdb-rebuild.js';
import { STEP_RESTORERS } from './index.js';
import { checkDownloaded } from './download-packages.js';
import { finalizeStep } from './finalize.js';
import { rebootStep } from './reboot.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'dnf', 'rpm');

/** A step context for calling a step's verify on its own. */
function contextFor(transport: Transport, step: Step): StepContext {
  return { transport, executionId: 'mig-x', step, attempt: 1, stateDir: '/var/lib/ferry/mig-x', register: () => Promise.resolve(), output: () => undefined, log: createLogger({ write: () => undefined }) };
}

async function verifyOf(transport: Transport, step: Step): Promise<{ ok: boolean; detail?: string }> {
  const v = await step.verify?.(contextFor(transport, step));
  return typeof v === 'object' ? v : { ok: v === true };
}
let lab: Lab;
let host: LabHost;

before(async () => {
  if (skip) return;
  lab = await createLab();
  host = await lab.host({ from: 'centos-8' });
  process.env.HOME = host.env.HOME; // Debian rpm: %_dbpath from the lab HOME
});
after(async () => { await lab?.close(); });

test('finalize: rebuilds the rpm database (a new file, the same packages) and schedules the relabel; twice is once; nothing to roll back', { skip }, async () => {
  const t = createLocalTransport({ root: host.root });
  const db = join(host.root, 'var/lib/rpm/rpmdb.sqlite');
  const inode = statSync(db).ino;
  const step = finalizeStep({ rpmdbRebuild: true, autorelabel: true });
  for (const id of ['mig-finalize-1', 'mig-finalize-2']) {
    const res = await runPlan({ plan: { id: `plan-${id}`, steps: [step] }, transport: t, executionId: id });
    assert.equal(res.status, 'completed');
  }
  assert.notEqual(statSync(db).ino, inode, 'rpm --rebuilddb wrote a new database');
  assert.ok(existsSync(join(host.root, '.autorelabel')));
  const relabel = finalizeStep({ rpmdbRebuild: false, autorelabel: true });
  assert.equal((await verifyOf(t, relabel)).ok, true);
  rmSync(join(host.root, '.autorelabel'));
  const missing = await verifyOf(t, relabel);
  assert.ok(!missing.ok && /\/\.autorelabel is absent/.test(missing.detail ?? ''), JSON.stringify(missing));
  await t.close();
});

test('finalize verify: an rpm database that does not answer fails it, named', { skip }, async () => {
  const empty = join(lab.workDir, 'empty-root');
  mkdirSync(empty, { recursive: true });
  const t = createLocalTransport({ root: empty });
  const v = await verifyOf(t, finalizeStep({ rpmdbRebuild: false, autorelabel: false }));
  assert.ok(!v.ok && /rpm database does not answer rpm -qa/.test(v.detail ?? ''), JSON.stringify(v));
  await t.close();
});

test('download check: an empty download directory is refused, naming it', { skip }, async () => {
  const t = createLocalTransport({ root: host.root });
  mkdirSync(join(host.root, 'var/lib/ferry/mig-dl/packages'), { recursive: true });
  const r = await checkDownloaded(t, '/var/lib/ferry/mig-dl/packages', false);
  assert.deepEqual(r, { ok: false, detail: 'no package in /var/lib/ferry/mig-dl/packages' });
  await t.close();
});

test('reboot step: ends in a reboot, applies nothing itself; without a way to reboot the run is refused before it starts', { skip }, async () => {
  const step = rebootStep({ into: 'interim' });
  assert.equal(step.endsInReboot, true);
  assert.equal(step.title, 'Reboot into the interim phase');
  const t = createLocalTransport({ root: host.root });
  await assert.rejects(runPlan({ plan: { id: 'plan-reboot-x', steps: [finalizeStep({ rpmdbRebuild: false, autorelabel: false }), step] }, transport: t, executionId: 'mig-reboot-x' }),
    (e: Error & { code?: string }) => e.code === 'REBOOT_FAILED' && /Reboot into the interim phase .* ends in a reboot, which Ferry cannot do on local/.test(e.message));
  const journal = join(host.root, journalPathFor('mig-reboot-x'));
  assert.ok(!existsSync(journal) || readFileSync(journal, 'utf8') === '', 'nothing journaled: no step started');
  await t.close();
});

test('rpmdb-rebuild: a Berkeley DB database (as CentOS 8 keeps it) becomes rpmdb.sqlite with the same packages, verified; a second run is applied already; rollback gives back the Berkeley DB files byte for byte', { skip: skip || skipUnlessTools('db5.3_load') }, async () => {
  const h = await lab.host({ from: 'centos-8' });
  convertRootToBerkeleyRpmdb(h.root);
  const dir = join(h.root, 'var/lib/rpm');
  const files = (): Record<string, string> => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
  const names = (): string => spawnSync('rpm', ['--root', h.root, '-qa', '--qf', '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH} %{INSTALLTIME}\\n'], { env: h.env, encoding: 'utf8' }).stdout.split('\n').sort().join('\n');
  const bdb = files();
  const packages = names();
  assert.ok('Packages' in bdb && !('rpmdb.sqlite' in bdb), Object.keys(bdb).join(', '));
  const t = createLocalTransport({ root: h.root });
  const step = rpmdbRebuildStep({ from: 'bdb' });
  assert.equal((await verifyOf(t, step)).ok, false, 'a Berkeley DB database is not the target\'s');
  const res = await runPlan({ plan: { id: 'plan-rebuild', steps: [step] }, transport: t, executionId: 'mig-rebuild-1' });
  assert.equal(res.status, 'completed');
  const after = Object.keys(files());
  assert.ok(after.includes('rpmdb.sqlite') && !after.includes('Packages') && !after.includes('Name'), after.join(', '));
  assert.equal(names(), packages, 'the same packages, install times and all');
  assert.equal(await step.isApplied?.(contextFor(t, step)), true);
  await rollback({ transport: t, executionId: 'mig-rebuild-1', restorers: STEP_RESTORERS });
  assert.deepEqual(files(), bdb, 'the Berkeley DB database as it was');
  await t.close();
  h.dispose();
});
