// The runner (src/exec) mirroring its journal into the SQLite store (src/store), through a real
// local-with-root transport. Lives outside src/ because no single layer may import all three.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalTransport } from '../../src/transport/local.js';
import { readJournal } from '../../src/exec/journal.js';
import { rollback, runPlan } from '../../src/exec/runner.js';
import { buildFixturePlan, makeFixtureRoot } from '../../src/exec/testing/fixture.js';
import { openSqliteStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-exec-store-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('the runner mirrors its journal into the store, also across a failed run, a resume and a rollback', async () => {
  const s = openSqliteStore({ path: join(dir, 'store.sqlite') });
  await s.migrate();
  const root = join(dir, 'root');
  mkdirSync(root);
  makeFixtureRoot(root);
  const transport = createLocalTransport({ root });
  await assert.rejects(runPlan({ plan: buildFixturePlan({ counterFile: join(dir, 'c'), failStep: 2 }), transport, executionId: 'x1', sink: s }));
  assert.equal((await s.getExecution('x1'))?.state, 'failed');
  assert.equal((await s.getExecution('x1'))?.planId, 'plan-fixture');
  await rollback({ transport, executionId: 'x1', sink: s });
  assert.equal((await s.getExecution('x1'))?.state, 'rolled-back');
  assert.deepEqual(await s.listJournal('x1'), await readJournal(transport, 'x1'));

  // A journal written on the host while the store was not attached is mirrored on the next open.
  await runPlan({ plan: buildFixturePlan({ counterFile: join(dir, 'c') }), transport, executionId: 'x2' });
  assert.equal((await s.listJournal('x2')).length, 0);
  await runPlan({ plan: buildFixturePlan({ counterFile: join(dir, 'c') }), transport, executionId: 'x2', sink: s });
  assert.deepEqual(await s.listJournal('x2'), await readJournal(transport, 'x2'));
  assert.equal((await s.getExecution('x2'))?.state, 'completed');
  await s.close();
});
