import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError } from '../../core/index.js';
import { STEP_KIND_NAMES, STEP_KINDS, type PlanStepSpec } from '../../plan/index.js';
import { rockyPlan } from '../../plan/testing/fixtures.js';
import { materializePlan, STEP_IMPLEMENTATIONS, stepFromSpec } from './index.js';

test('every kind of the plan registry has an implementation, and nothing else does', () => {
  assert.deepEqual(Object.keys(STEP_IMPLEMENTATIONS).sort(), [...STEP_KIND_NAMES].sort());
});

test('a plan materializes into steps with the plan\'s ids, titles and point of no return', () => {
  const plan = rockyPlan();
  const steps = materializePlan(plan).steps;
  assert.deepEqual(steps.map((s) => [s.kind, s.id, s.title]), plan.steps.map((s) => [s.kind, s.id, s.title]));
  for (const s of steps) assert.equal(s.pointOfNoReturn === true, STEP_KINDS[s.kind as keyof typeof STEP_KINDS].pointOfNoReturn, s.kind);
});

test('a step whose options do not validate is refused before it is built, with the JSON paths', () => {
  const spec = rockyPlan().steps[0];
  const bad = JSON.parse(JSON.stringify({ ...spec, options: { ...spec.options, diskMiB: { '/var': 'lots' } } })) as PlanStepSpec;
  assert.throws(() => stepFromSpec(bad), (e: unknown) => isFerryError(e, 'DOCUMENT_INVALID') && e.message.includes('/diskMiB/~1var: must be number'));
});
