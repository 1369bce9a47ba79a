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

test('renderResult of a dry run: the predicted transaction per package, obsoleted ones under their replacement, each removal with its verdict; host text escaped', () => {
  const transaction = {
    allowRemove: ['acme-*'], stops: true,
    packages: [
      { action: 'install' as const, name: 'rocky-release', arch: 'noarch', evr: '8.4-1.el8', repo: 'r', replacing: [{ name: 'centos-release', arch: 'x86_64', evr: '8.2-2.el8' }] },
      { action: 'upgrade' as const, name: 'openssl-libs', arch: 'x86_64', evr: '1:1.1.1c-15.el8_4', repo: 'r', replacing: [] },
      { action: 'remove-dependent' as const, name: 'acme-tool', arch: 'noarch', evr: '1-1', repo: '@System', replacing: [] },
      { action: 'remove' as const, name: `evil${ESC}`, arch: 'noarch', evr: '1-1', repo: '@System', replacing: [] },
    ],
    removals: [
      { name: 'centos-release', evr: '8.2-2.el8', why: 'obsoleted' as const, by: 'rocky-release-8.4-1.el8.noarch', verdict: 'replaced' as const },
      { name: 'acme-tool', evr: '1-1', why: 'dependent' as const, verdict: 'approved' as const },
      { name: `evil${ESC}`, evr: '1-1', why: 'removed' as const, verdict: 'unapproved' as const, because: `requires centos-logos${ESC}` },
    ],
  };
  const text = renderResult({ plan, result: { executionId: 'mig-1', planId: 'plan-x', status: 'dry-run', applied: [], skipped: [], wouldRun: [{ stepId: 'step-1', title: 'Swap', actions: [], transaction }] } });
  assert.doesNotMatch(text, /\u001b|\u0007/);
  assert.match(text, /^Transaction dnf predicts for "Swap" \(the vendor swap, then distro-sync\): 4 package\(s\), 3 leaving the rpm database; approved: acme-\*$/m);
  assert.match(text, /^ {2}install {3}rocky-release-8\.4-1\.el8\.noarch {2}\(r\)\n {2}obsolete {2}centos-release-8\.2-2\.el8\.x86_64 {2}\(replaced by rocky-release\)$/m);
  assert.match(text, /^ {2}upgrade {3}openssl-libs-1:1\.1\.1c-15\.el8_4\.x86_64 {2}\(r\)$/m);
  assert.match(text, /^ {2}remove {4}acme-tool-1-1\.noarch {2}\(@System\) {3}approved \(--allow-remove\)$/m);
  assert.match(text, /^ {2}remove {4}evil\\x1b.* NOT APPROVED: requires centos-logos\\x1b.*; the migration would stop here$/m);
  assert.match(text, /would stop here, before the vendor swap: --allow-remove evil\\x1b/);
});
