// The journal on a real local root: each append is on the host when it resolves (synced or not), a torn
// last line (a crash mid-append) is dropped when the journal is opened, and appends continue after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalTransport } from '../transport/local.js';
import { journalPathFor, openJournal, readJournal } from './journal.js';

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
