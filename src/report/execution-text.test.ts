// Plan and status renderings escape what came from the host (a package or host name with escape codes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MigrationPlan } from '../plan/index.js';
import { renderPlan, renderStatus } from './execution-text.js';

const ESC = '\u001b]0;pwned\u0007';
const plan: MigrationPlan = {
  formatVersion: 1, id: 'plan-x', host: `local (root /srv/${ESC})`, source: 'centos-8', sourceName: 'CentOS Linux', target: 'rocky-8', targetName: 'Rocky Linux',
  method: 'same-major-swap', dnf: { releasever: '8', modulePlatformId: null, repos: [{ id: 'r', baseurl: 'file:///srv/r' }], gpgcheck: false },
  overrides: [{ findingKey: 'k', reason: `because ${ESC}` }], swap: { remove: [], install: [] }, notes: [],
  steps: [{ id: 'step-1', kind: 'swap-vendor-packages', title: `Swap ${ESC}centos-release → rocky-release`, options: {}, pointOfNoReturn: true }],
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
