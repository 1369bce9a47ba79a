import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProgressEvent } from '../core/index.js';
import { renderProgress } from './progress-text.js';

const step = { id: 'step-1', title: 'Swap vendor packages', index: 2, total: 7 };

test('renderProgress: one line per event, by scope, host text escaped', () => {
  const rows: Array<[ProgressEvent, string]> = [
    [{ scope: 'facts', phase: 'run', message: 'running the facts script on web01' }, '[facts] running the facts script on web01'],
    [{ scope: 'repos', phase: 'read', message: 'reading /srv/m\u001b[2J' }, '[repos] reading /srv/m\\x1b[2J'],
    [{ scope: 'assess', phase: 'assess', message: 'assessing 3 packages against rocky-8' }, '[assess] assessing 3 packages against rocky-8'],
    [{ scope: 'step', phase: 'start', step }, '[3/7] Swap vendor packages'],
    [{ scope: 'step', phase: 'end', step }, '[3/7] done (applied)'],
    [{ scope: 'step', phase: 'end', step, status: 'already-applied' }, '[3/7] done (already-applied)'],
    [{ scope: 'step', phase: 'skipped', step, status: 'done' }, '[3/7] Swap vendor packages: already done'],
    [{ scope: 'step', phase: 'failed', step, detail: 'dnf exited 1' }, '[3/7] FAILED: dnf exited 1'],
    [{ scope: 'step', phase: 'would-run', step, detail: 'dnf swap a b\nrpm -e c' }, '[3/7] would run: Swap vendor packages\n      dnf swap a b\n      rpm -e c'],
    [{ scope: 'output', phase: 'line', stepId: 'step-1', message: 'Installing\u0007 bash' }, '      | Installing\\x07 bash'],
    [{ scope: 'restore', phase: 'failed', restorableId: 'r1', message: 'file /etc/yum.repos.d/x.repo', detail: 'EACCES' }, 'restore failed: file /etc/yum.repos.d/x.repo: EACCES'],
    [{ scope: 'restore', phase: 'end', restorableId: 'r1', message: 'file /etc/os-release' }, 'restore end: file /etc/os-release'],
    [{ scope: 'collect', phase: 'host', done: 3, total: 50, failed: 1, host: 'web03' }, '[collect] 3/50 (1 failed) web03'],
    [{ scope: 'collect', phase: 'end', done: 50, total: 50, failed: 0 }, '[collect] 50/50'],
  ];
  for (const [event, line] of rows) assert.equal(renderProgress(event), line, JSON.stringify(event));
});
