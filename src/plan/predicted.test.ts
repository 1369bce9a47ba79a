// The predicted transaction `ferry plan --json` publishes beside the plan: a real prediction (with a nested
// erasure chain) validates against the plan schema, outside the plan's content id; a malformed one is refused
// at its JSON path. test/e2e/predict-transaction.test.ts checks the printed JSON against the text and dnf.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictMigration } from '../assess/index.js';
import { inst, pkg } from '../assess/testing/fixtures.js';
import { planErrors } from './schema.js';
import { publishedPlan } from './predicted.js';
import { rockyPlan } from './testing/fixtures.js';

const deps = (nevra: string, provides: string[], requires: string[] = []) => ({ nevra, provides, requires, conflicts: [], obsoletes: [], files: [] });

function prediction() {
  const p = predictMigration({
    installed: [inst('centos-logos-80-1.el8.noarch'), inst('branding-1-1.noarch'), inst('theme-1-1.noarch')],
    dependencies: [deps('centos-logos-0:80-1.el8.noarch', ['centos-logos = 80-1.el8']), deps('branding-0:1-1.noarch', ['branding = 1-1'], ['centos-logos']),
      deps('theme-0:1-1.noarch', ['theme = 1-1'], ['branding'])],
    target: [pkg('rocky-logos-80-1.el8.noarch')], swap: { remove: ['centos-logos'], install: ['rocky-logos'] }, arch: 'x86_64',
  });
  assert.ok(p.ok);
  return p;
}

test('plan --json: the plan with its predicted transaction validates, its erasure chains nested; the plan id is unchanged', () => {
  const plan = rockyPlan();
  const p = prediction();
  const theme = p.changes.find((c) => c.name === 'theme');
  assert.equal(theme?.forcedBy?.kind === 'dependency' && theme.forcedBy.cause?.kind, 'dependency', 'a two-level chain');
  const doc = JSON.parse(JSON.stringify(publishedPlan(plan, p))) as unknown;
  assert.deepEqual(planErrors(doc), []);
  assert.deepEqual((doc as { predictedTransaction: unknown }).predictedTransaction, JSON.parse(JSON.stringify(p)));
  assert.deepEqual(planErrors(publishedPlan(plan, { ok: false, problems: ['the jobs cannot be satisfied together'] })), []);
  assert.equal(publishedPlan(plan, undefined), plan, 'not predicted: the plan alone');
});

test('plan --json: a malformed predicted transaction is refused at its JSON path', () => {
  const doc = JSON.parse(JSON.stringify(publishedPlan(rockyPlan(), prediction()))) as { predictedTransaction: { changes: Record<string, unknown>[] } };
  doc.predictedTransaction.changes[0].action = 'explode';
  assert.ok(planErrors(doc).some((e) => e.path === '/predictedTransaction/changes/0/action'), JSON.stringify(planErrors(doc)));
});
