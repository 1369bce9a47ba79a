import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executionStateAfter, executionStateOf } from './execution-state.js';
import { deriveStatus } from './runner.js';
import type { ExecutionState, JournalEntry } from './types.js';

const at = '2026-01-01T00:00:00Z';
let seq = 0;
const entry = (e: Record<string, unknown>): JournalEntry => ({ v: 1, seq: ++seq, at, executionId: 'x', ...e }) as JournalEntry;
const start = entry({ event: 'execution', phase: 'start', planId: 'p', controller: 'c', steps: [{ id: 's1', kind: 'k', title: 't', pointOfNoReturn: false }] });
const stepStart = entry({ event: 'step', phase: 'start', stepId: 's1', kind: 'k', attempt: 1 });
const stepEnd = entry({ event: 'step', phase: 'end', stepId: 's1', attempt: 1, status: 'applied' });
const stepFailed = entry({ event: 'step', phase: 'failed', stepId: 's1', attempt: 1, error: { code: 'X', message: 'boom' } });
const failed = entry({ event: 'execution', phase: 'end', status: 'failed' });
const completed = entry({ event: 'execution', phase: 'end', status: 'completed' });
const override = entry({ event: 'override', findingKey: 'k', by: 'me' });
const ponr = entry({ event: 'ponr', stepId: 's1' });
const rbStart = entry({ event: 'rollback', phase: 'start' });
const rbEnd = entry({ event: 'rollback', phase: 'end' });
const rbFailed = entry({ event: 'rollback', phase: 'failed', failures: [] });
const restored = entry({ event: 'restore', restorableId: 'r', phase: 'end' });

test('executionStateAfter: the state each journal event leaves an execution in', () => {
  const rows: Array<[JournalEntry, ExecutionState | undefined]> = [
    [start, 'running'], [stepStart, 'running'], [stepEnd, undefined], [stepFailed, undefined], [failed, 'failed'], [completed, 'completed'],
    [override, undefined], [ponr, undefined], [rbStart, 'rolling-back'], [rbEnd, 'rolled-back'], [rbFailed, 'rollback-incomplete'], [restored, undefined],
  ];
  for (const [e, want] of rows) assert.equal(executionStateAfter(e), want, JSON.stringify(e));
});

test('executionStateOf folds a journal; deriveStatus reports the same state (a rollback under way as running, rollbackStarted)', () => {
  const rows: Array<[JournalEntry[], ExecutionState]> = [
    [[], 'not-started'],
    [[start, override, stepStart, ponr, stepEnd, completed], 'completed'],
    [[start, stepStart, stepFailed, failed], 'failed'],
    [[start, stepStart, stepFailed, failed, stepStart], 'running'],
    [[start, stepStart, stepFailed, failed, rbStart, restored], 'rolling-back'],
    [[start, stepStart, stepFailed, failed, rbStart, restored, rbEnd], 'rolled-back'],
    [[start, stepStart, stepFailed, failed, rbStart, rbFailed], 'rollback-incomplete'],
    [[start, stepStart, stepFailed, failed, rbStart, rbFailed, rbStart, rbEnd], 'rolled-back'],
  ];
  for (const [entries, want] of rows) {
    const what = entries.map((e) => `${e.event}:${'phase' in e ? e.phase : ''}`).join(' ');
    assert.equal(executionStateOf(entries), want, what);
    const st = deriveStatus(entries, 'x');
    assert.deepEqual([st.state, st.rollbackStarted], want === 'rolling-back' ? ['running', true] : [want, entries.some((e) => e.event === 'rollback')], what);
  }
});
