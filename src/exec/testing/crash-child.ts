/**
 * Test helper process: runs the fixture plan on FERRY_TEST_ROOT and freezes (blocks its event loop) at
 * the boundary named by FERRY_TEST_STALL (`start:N`, `end:N`, `mid:N`), printing STALLED so the parent
 * test can SIGKILL it there. Without FERRY_TEST_STALL it runs to the end.
 */
import { writeSync } from 'node:fs';
import { createLocalTransport } from '../../transport/local.js';
import { runPlan } from '../runner.js';
import { buildFixturePlan } from './fixture.js';

const root = process.env.FERRY_TEST_ROOT ?? '';
const executionId = process.env.FERRY_TEST_EXECUTION ?? 'exec-test';
const counterFile = process.env.FERRY_TEST_COUNTER ?? '';
const [where, n] = (process.env.FERRY_TEST_STALL ?? '').split(':');
const stallIndex = n === undefined ? -1 : Number(n);

function freeze(): void {
  writeSync(1, 'STALLED\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // blocks until killed
}

const plan = buildFixturePlan({ counterFile, ...(where === 'mid' ? { stallMidStep: stallIndex, onStall: freeze } : {}) });
await runPlan({
  plan,
  transport: createLocalTransport({ root }),
  executionId,
  onProgress(e) {
    if (e.scope === 'step' && e.step.index === stallIndex && e.phase === where) freeze();
  },
});
writeSync(1, 'DONE\n');
