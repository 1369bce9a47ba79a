// The detached runner on a real local root (setsid, flock, sh): completion is an event (the run's lock), output
// streams while the run is alive, a run killed without an exit status fails, and a second attempt waits for
// the first attempt's still-running process. Also the duplicate-package rule distro-sync's verify uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError, silentLogger } from '../../core/index.js';
import { createLocalTransport } from '../../transport/local.js';
import { skipUnlessTools } from '../../../test/support/shared.js';
import { stateDirFor } from '../journal.js';
import { defineStep } from '../runner.js';
import type { Step, StepContext } from '../types.js';
import { duplicatePackages } from './rpmdb.js';
import { runDetached } from './detached.js';

const skip = skipUnlessTools('setsid', 'flock');
const base = mkdtempSync(join(tmpdir(), 'ferry-detached-'));
process.on('exit', () => rmSync(base, { recursive: true, force: true }));

function context(root: string, attempt: number, lines: string[]): StepContext {
  const transport = createLocalTransport({ root });
  const step: Step = defineStep({ kind: 'test', title: 'test', options: null, apply: () => Promise.resolve() });
  return { transport, executionId: 'e1', step, attempt, stateDir: stateDirFor('e1'), output: (l) => lines.push(l), log: silentLogger,
    register: () => Promise.reject(new Error('Assertion failed: no register here')) };
}

test('runDetached: exit status and output; lines stream before the run ends; status from the run', { skip }, async () => {
  const root = mkdtempSync(join(base, 'r'));
  const lines: string[] = [];
  const ctx = context(root, 1, lines);
  const rc = join(root, stateDirFor('e1'), 'run', `${ctx.step.id.slice(0, 24)}-probe-1.rc`);
  let endedBeforeOne: boolean | undefined;
  const res = await runDetached({ ...ctx, output: (l) => { if (l === 'one') endedBeforeOne = existsSync(rc); lines.push(l); } },
    ['sh', '-c', 'echo one; sleep 1.5; echo two >&2; exit 3'], 'probe', { waitSeconds: 0.2 });
  assert.equal(res.code, 3);
  assert.equal(res.output, 'one\ntwo\n');
  assert.match(lines[0], /^started probe \(pid \d+\)$/);
  assert.deepEqual(lines.slice(1), ['one', 'two']);
  assert.equal(endedBeforeOne, false, 'the first line streamed while the run was alive');
  await ctx.transport.close();
});

test('runDetached: a run killed (no exit status) fails the step; the next attempt waits for a still-running earlier run', { skip }, async () => {
  const root = mkdtempSync(join(base, 'r'));
  const ctx1 = context(root, 1, []);
  const killed = runDetached(ctx1, ['sh', '-c', 'kill -9 $PPID; sleep 3'], 'killed'); // the wrapper that would write the status dies
  await assert.rejects(killed, (e) => isFerryError(e, 'STEP_FAILED') && /was killed before it wrote its exit status to \S+killed-1\.rc/.test(e.message));

  // Attempt 1 starts a run and is abandoned (Ferry killed); attempt 2 must wait for it before starting its own.
  const marker = join(root, 'order');
  const first = runDetached(context(root, 1, []), ['sh', '-c', `sleep 1; echo first >> ${marker}`], 'slow');
  await new Promise((r) => setTimeout(r, 300));
  const lines: string[] = [];
  const second = await runDetached(context(root, 2, lines), ['sh', '-c', `echo second >> ${marker}`], 'slow');
  assert.equal(second.code, 0);
  assert.match(lines[0], /^waiting for slow \(pid \d+\) started by an earlier attempt$/);
  assert.equal(readFileSync(marker, 'utf8'), 'first\nsecond\n');
  assert.equal((await first).code, 0);
});

test('duplicatePackages: a name.arch installed twice is reported unless install-only (the set given) or gpg-pubkey', () => {
  const installOnly = new Set(['kernel', 'kernel-core', 'kernel-uek-core', 'kernel-devel']);
  const cases: [string[], string[]][] = [
    [['bash.x86_64', 'glibc.x86_64', 'glibc.i686'], []],
    [['bash.x86_64', 'bash.x86_64', 'zlib.x86_64'], ['bash.x86_64']],
    [['kernel-core.x86_64', 'kernel-core.x86_64', 'kernel.x86_64', 'kernel.x86_64', 'gpg-pubkey.(none)', 'gpg-pubkey.(none)'], []],
    [['kernel-uek-core.x86_64', 'kernel-uek-core.x86_64', 'nodejs.x86_64', 'nodejs.x86_64', 'npm.x86_64', 'npm.x86_64', ''], ['nodejs.x86_64', 'npm.x86_64']],
    // kernel-headers is not install-only: two of them are an unfinished transaction.
    [['kernel-devel.x86_64', 'kernel-devel.x86_64', 'kernel-headers.x86_64', 'kernel-headers.x86_64'], ['kernel-headers.x86_64']],
  ];
  for (const [input, want] of cases) assert.deepEqual(duplicatePackages(input, installOnly), want, input.join(' '));
});

test('runDetached: a run whose exit status cannot be written (its filesystem full) is named as such, not as killed', { skip: skip || (process.getuid?.() !== 0 ? 'needs root to mount a tmpfs' : false) }, async () => {
  const root = mkdtempSync(join(base, 'r'));
  const run = join(root, stateDirFor('e1'), 'run');
  mkdirSync(run, { recursive: true });
  assert.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', run]).status, 0);
  try {
    const ctx = context(root, 1, []);
    // The command fills the filesystem its exit status goes to (after the pid file is written), then succeeds.
    await assert.rejects(runDetached(ctx, ['sh', '-c', `sleep 0.3; head -c 1M /dev/zero > ${run}/fill 2>/dev/null; exit 0`], 'full'), (e) => {
      assert.ok(isFerryError(e, 'STEP_FAILED'), String(e));
      assert.match(e.message, /^full \(pid \d+\) on local ended, but its exit status could not be written to \S+full-1\.rc: .*No space left on device/);
      assert.match(e.hint ?? '', /Free space in .*run on the host, then run ferry resume/);
      return true;
    });
    await ctx.transport.close();
  } finally {
    spawnSync('umount', ['-l', run]);
  }
});
