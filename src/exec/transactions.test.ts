// A detached transaction that outlives its Ferry (killed during the vendor swap) is seen by rollback,
// status, a new run and unlock, with real setsid/flock runs on a local root: rollback waits for it (bounded)
// and restores after it ends, or refuses naming its pid and step; nothing restores on top of a running one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError } from '../core/index.js';
import { createLocalTransport } from '../transport/local.js';
import { skipUnlessTools } from '../../test/support/shared.js';
import { defineStep, rollback, runPlan, status, unlock } from './runner.js';
import { leaveTransactionRunning } from './testing/fixture.js';
import type { ProgressEvent } from '../core/index.js';

const skip = skipUnlessTools('setsid', 'flock', 'realpath');
const base = mkdtempSync(join(tmpdir(), 'ferry-tx-'));
process.on('exit', () => rmSync(base, { recursive: true, force: true }));
let n = 0;
const leaveRunning = (seconds: number, executionId: string): ReturnType<typeof leaveTransactionRunning> => {
  const root = join(base, String(++n));
  mkdirSync(root);
  return leaveTransactionRunning({ root, seconds, executionId });
};

test('rollback waits for a transaction still running and restores after it ended (the release file is the original)', { skip }, async () => {
  const { root, run } = await leaveRunning(1.5, 'wait');
  const transport = createLocalTransport({ root });
  const st = await status({ transport, executionId: 'wait' });
  assert.equal(st.transactions.length, 1);
  assert.equal(st.transactions[0].label, 'swap');
  const events: ProgressEvent[] = [];
  const res = await rollback({ transport, executionId: 'wait', onProgress: (e) => events.push(e) });
  assert.equal(res.restored.length, 1);
  assert.ok(events.some((e) => e.scope === 'output' && /waiting for the swap transaction \(pid \d+\) to end before restoring/.test(e.message)));
  assert.equal((await run).code, 0);
  assert.equal(readFileSync(join(root, 'etc/os-release'), 'utf8'), 'NAME="CentOS Linux"\nVERSION_ID="8"\n', 'restored after the transaction, not under it');
});

test('a transaction running past the wait: rollback, a new run and unlock refuse naming its pid and step; nothing is restored', { skip }, async () => {
  const { root, run, title } = await leaveRunning(4, 'busy');
  const transport = createLocalTransport({ root });
  await assert.rejects(rollback({ transport, executionId: 'busy', waitForTransactionsMs: 300 }), (e) => {
    assert.ok(isFerryError(e, 'JOURNAL_LOCKED'), String(e));
    assert.match(e.message, /A swap transaction \(pid \d+\) of execution busy, step swap the release package \(step-/);
    assert.match(e.message, /rollback waits for it to end/);
    return true;
  });
  assert.equal((await status({ transport, executionId: 'busy' })).rollbackStarted, false, 'no rollback was journaled');
  const other = defineStep({ kind: 'test.noop', options: {}, title: title, async apply() {} });
  await assert.rejects(runPlan({ plan: { id: 'plan-other', steps: [other] }, transport, executionId: 'other' }),
    (e) => isFerryError(e, 'JOURNAL_LOCKED') && /execution busy/.test(e.message) && /a new run waits for it/.test(e.message));
  await assert.rejects(unlock({ transport }), (e) => isFerryError(e, 'JOURNAL_LOCKED') && /the lock stays until it ends/.test(e.message));
  await run;
  const res = await rollback({ transport, executionId: 'busy' });
  assert.equal(res.restored.length, 1);
  assert.equal(readFileSync(join(root, 'etc/os-release'), 'utf8'), 'NAME="CentOS Linux"\nVERSION_ID="8"\n');
});
