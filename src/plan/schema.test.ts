import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isFerryError } from '../core/index.js';
import { checkPlan, parsePlan, planErrors, planSchema, routePlanSchema } from './schema.js';
import { compileSchema } from '../core/index.js';
import { rockyPlan } from './testing/fixtures.js';

const origin = { document: 'plan', from: 'host db1, /var/lib/ferry/mig-1/plan.json' };

test('the checked-in plan.schema.json is the schema built from the step kinds (regenerate: node --import tsx scripts/write-plan-schema.ts)', () => {
  const file = JSON.parse(readFileSync(join(import.meta.dirname, 'schema', 'plan.schema.json'), 'utf8')) as unknown;
  assert.deepEqual(file, JSON.parse(JSON.stringify(planSchema())));
});

test('the checked-in route-plan.schema.json is the multi-hop plan\'s schema; a route of built plans validates, a hop without its plan or of one hop does not', () => {
  const file = JSON.parse(readFileSync(join(import.meta.dirname, 'schema', 'route-plan.schema.json'), 'utf8')) as unknown;
  assert.deepEqual(file, JSON.parse(JSON.stringify(routePlanSchema())));
  const v = compileSchema(routePlanSchema());
  const hop = { from: 'centos-8', to: 'rocky-8', assessedOn: 'collected', plan: rockyPlan() };
  const doc = { formatVersion: 1, source: 'centos-8', target: 'rocky-8', hops: [hop, { ...hop, assessedOn: 'predicted' }] };
  assert.deepEqual(v.errors(doc), []);
  assert.deepEqual(v.errors({ ...doc, hops: [hop] }).map((e) => e.path), ['/hops']);
  assert.deepEqual(v.errors({ ...doc, hops: [hop, { ...hop, plan: { ...rockyPlan(), steps: [] } }] }).map((e) => e.path), ['/hops/1/plan/steps']);
});

test('a built plan validates, also after a JSON round trip', () => {
  const plan = rockyPlan();
  assert.deepEqual(planErrors(plan), []);
  assert.deepEqual(parsePlan(JSON.stringify(plan, null, 2), origin), plan);
});

test('a damaged plan is refused with every error at its JSON path', () => {
  type Doc = Record<string, unknown> & { steps: Record<string, unknown>[] };
  const cases: [string, (p: Doc) => void, string[]][] = [
    ['a step option of the wrong type', (p) => { ((p.steps[0].options as { dnf: { repos: Record<string, unknown>[] } }).dnf.repos[0]).baseurl = 7; },
      ['/steps/0/options/dnf/repos/0/baseurl: must be string']],
    ['an unknown kind', (p) => { p.steps[2].kind = 'rm-rf'; },
      ['/steps/2/kind: must be equal to one of the allowed values (preflight, backup, snapshot, disable-repos, import-gpg-keys, swap-vendor-packages, module-streams, distro-sync, download-packages, reboot, rpmdb-rebuild, upgrade-transaction, finalize, bootloader, remove-source-keys, verify)']],
    ['a missing field', (p) => { delete p.target; }, ["/: must have required property 'target'"]],
    ['two errors at once', (p) => { p.formatVersion = 2; delete p.steps[6].options; },
      ['/formatVersion: must be equal to constant (1)', "/steps/6: must have required property 'options'"]],
    ['a step id that is not its content id', (p) => { (p.steps[1].options as { files: string[] }).files.push('/etc/shadow'); },
      [/^\/steps\/1\/id: must be the content id of its kind and options \(step-[0-9a-f]{16}\)$/.source]],
    ['a plan id that is not its content id', (p) => { p.host = 'db2'; }, [/^\/id: must be the content id of host, source, target, steps and overrides \(plan-[0-9a-f]{16}\)$/.source]],
    ['the point of no return moved', (p) => { delete p.steps[6].pointOfNoReturn; p.steps[7].pointOfNoReturn = true; },
      ['/steps/6/pointOfNoReturn: must be true for distro-sync', '/steps/7/pointOfNoReturn: must be absent for bootloader']],
  ];
  for (const [name, change, want] of cases) {
    const doc = JSON.parse(JSON.stringify(rockyPlan())) as Doc;
    change(doc);
    const got = planErrors(doc).map((e) => `${e.path || '/'}: ${e.message}`);
    assert.equal(got.length, want.length, `${name}: ${got.join('; ')}`);
    for (const w of want) assert.ok(got.some((g) => g === w || new RegExp(w).test(g)), `${name}: no ${w} in ${got.join('; ')}`);
    assert.throws(() => checkPlan(doc, origin), (e: unknown) => isFerryError(e, 'DOCUMENT_INVALID') && e.message.includes('host db1, /var/lib/ferry/mig-1/plan.json')
      && want.every((w) => e.message.includes(w) || new RegExp(w.replace(/^\^|\$$/g, ''), 'm').test(e.message)), name);
  }
  assert.throws(() => parsePlan('{"formatVersion": 1,', origin), (e: unknown) => isFerryError(e, 'DOCUMENT_INVALID') && /is not JSON/.test(e.message));
});
