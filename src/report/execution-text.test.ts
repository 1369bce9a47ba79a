// Plan and status renderings escape what came from the host (a package or host name with escape codes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MigrationPlan } from '../plan/index.js';
import { renderPlan, renderResult, renderStatus } from './execution-text.js';

const ESC = '\u001b]0;pwned\u0007';
const plan: MigrationPlan = {
  formatVersion: 1, id: 'plan-x', host: `local (root /srv/${ESC})`, source: 'centos-8', sourceName: 'CentOS Linux', target: 'rocky-8', targetName: 'Rocky Linux',
  method: 'same-major-swap', dnf: { releasever: '8', modulePlatformId: null, repos: [{ id: 'r', baseurl: 'file:///srv/r' }], gpgcheck: false },
  overrides: [{ findingKey: 'k', reason: `because ${ESC}` }], swap: { remove: [], install: [] }, notes: [],
  steps: [{ id: 'step-1', kind: 'swap-vendor-packages', title: `Swap ${ESC}centos-release → rocky-release`, options: { remove: [], install: ['rocky-release'], allowRemove: [], dnf: { releasever: '8', modulePlatformId: null, repos: [], gpgcheck: false } }, pointOfNoReturn: true }],
};

test('renderPlan and renderStatus show control characters as \\xNN, never raw', () => {
  const text = renderPlan(plan);
  assert.doesNotMatch(text, /\u001b|\u0007/);
  assert.match(text, /Swap \\x1b\]0;pwned\\x07centos-release/);
  assert.match(text, /← point of no return/);
  const status = renderStatus({ plan, status: { executionId: 'mig-1', planId: 'plan-x', state: 'running', interrupted: true, ponrCrossed: false,
    steps: [{ id: 'step-1', kind: 'swap-vendor-packages', title: plan.steps[0].title, state: 'running', attempts: 2 }], restorables: [], overrides: [], entries: 3, rollbackStarted: false, transactions: [] } });
  assert.doesNotMatch(status, /\u001b/);
  assert.match(status, /interrupted: ferry resume continues it/);
  assert.match(status, /\(2 attempts\)/);
});

test('renderStatus: an unfinished rollback advises rollback, never resume; a transaction still running is named with its pid and step', () => {
  const step = { id: 'step-0123456789abcdef0123456789', kind: 'swap-vendor-packages', title: 'Swap vendor packages', state: 'running' as const, attempts: 1 };
  const base = { executionId: 'mig-1', planId: 'plan-x', ponrCrossed: false, steps: [step], restorables: [], overrides: [], entries: 9 };
  const partial = renderStatus({ plan, status: { ...base, state: 'rollback-incomplete', interrupted: false, rollbackStarted: true,
    transactions: [{ executionId: 'mig-1', stepIdPrefix: step.id.slice(0, 24), label: 'swap', pid: 4242 }] } });
  assert.match(partial, /rollback unfinished: ferry rollback continues it/);
  assert.doesNotMatch(partial, /ferry resume/);
  assert.match(partial, /still running on the host: the swap transaction \(pid 4242\) of step Swap vendor packages/);
  const done = renderStatus({ plan, status: { ...base, state: 'rolled-back', interrupted: false, rollbackStarted: true, transactions: [] } });
  assert.doesNotMatch(done, /continues it/);
});

test('renderStatus lists the snapshots kept with their own size; renderResult shows the health gate and the rollback it started', () => {
  const status = { executionId: 'mig-1', planId: 'plan-x', state: 'completed' as const, interrupted: false, rollbackStarted: false, ponrCrossed: true, steps: [], restorables: [], overrides: [], entries: 30, transactions: [] };
  const text = renderStatus({ plan, status, snapshots: [
    { restorableId: 'r1', provider: 'btrfs', name: 'ferry-snapshots/mig-1', createdAt: '2026-12-02T16:15:00.000Z', exclusiveBytes: 3 * 2 ** 20 + 2 ** 19 },
    { restorableId: 'r2', provider: 'command', name: `snap-${ESC}`, createdAt: '2026-12-02T16:15:00.000Z', exclusiveBytes: null },
  ] });
  assert.match(text, /snapshot kept: btrfs ferry-snapshots\/mig-1 of 2026-12-02T16:15:00.000Z, 3\.5 MiB of its own \(ferry finish removes it\)/);
  assert.match(text, /snapshot kept: command snap-\\x1b.*size unknown/);
  assert.doesNotMatch(text, /\u001b/);
  const kept = renderStatus({ plan, status, expired: ['snapshot ferry-snapshots/mig-0'], snapshots: [
    { restorableId: 'r1', provider: 'btrfs', name: 'ferry-snapshots/mig-1', createdAt: '2026-12-02T16:15:00.000Z', expiresAt: '2026-12-09T16:15:00.000Z', exclusiveBytes: 2 ** 20 },
  ] });
  assert.match(kept, /snapshot expired and removed: snapshot ferry-snapshots\/mig-0\n/);
  assert.match(kept, /1\.0 MiB of its own \(expires 2026-12-09T16:15:00\.000Z: ferry status --expire removes it then, ferry finish now\)/);
  const result = renderResult({ plan, result: { executionId: 'mig-1', planId: 'plan-x', status: 'completed', applied: ['a'], skipped: [] },
    gate: { ok: false, checks: [{ id: 'verification', ok: true, detail: '9 checks passed' }, { id: 'url:http://db1/health', ok: false, detail: 'HTTP 503' }] },
    rolledBack: { executionId: 'mig-1', restored: ['r1'], alreadyRestored: [] } });
  assert.match(result, /Health gate: FAILED\n {2}ok {3}verification: 9 checks passed\n {2}FAIL url:http:\/\/db1\/health: HTTP 503\nRolled back mig-1: restored 1/);
});
