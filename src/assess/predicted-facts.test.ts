// The facts a predicted transaction leaves: what a multi-hop route's later hop is assessed and planned on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../catalog/index.js';
import type { HostFacts, PackageDependencies } from '../facts/index.js';
import { predictedFacts } from './predicted-facts.js';
import { predictMigration } from './predict.js';
import { detectSourceRelease, osReleaseFor } from './source.js';
import { baseFacts, inst, pkg } from './testing/fixtures.js';

const catalog = loadCatalog();
const deps = (nevra: string, d: Partial<PackageDependencies> = {}): PackageDependencies => ({ nevra, provides: [], requires: [], conflicts: [], obsoletes: [], files: [], ...d });

test('osReleaseFor: every catalog release reads back as itself (detectSourceRelease), openEuler service packs too', () => {
  const wrong = catalog.releases().filter((r) => detectSourceRelease({ ...baseFacts(), os: osReleaseFor(r), packages: [] }, catalog) !== r.id).map((r) => r.id);
  assert.deepEqual(wrong, []);
  for (const id of ['rocky-8', 'rocky-9', 'almalinux-8', 'almalinux-9', 'centos-stream-9', 'oraclelinux-8', 'opencloudos-8']) {
    assert.equal(detectSourceRelease({ ...baseFacts(), os: osReleaseFor(catalog.release(id)), packages: [] }, catalog), id, id);
  }
});

test('predictedFacts: the predicted changes applied (erased, upgraded, installed), new packages as the target describes them, the target\'s os-release; the sections it cannot tell marked', () => {
  const installed = [inst('lib-1.0-1.el7.x86_64', { vendor: 'CentOS' }), inst('old-1.0-1.el7.x86_64', { vendor: 'CentOS' }), inst('acme-1-1.x86_64', { vendor: 'ACME' })];
  const dependencies = [deps('lib-0:1.0-1.el7.x86_64', { provides: ['lib = 1.0-1.el7'] }), deps('old-0:1.0-1.el7.x86_64', { provides: ['old = 1.0-1.el7'] }), deps('acme-0:1-1.x86_64', { provides: ['acme = 1-1'], requires: ['lib', '/usr/bin/new'] })];
  const target = [{ ...pkg('lib-2.0-1.el8.x86_64'), vendor: 'Rocky', provides: [{ name: 'lib', flags: 'EQ' as const, evr: { epoch: 0, version: '2.0', release: '1.el8' } }] },
    { ...pkg('new-1.0-1.el8.x86_64'), vendor: 'Rocky', files: ['/usr/bin/new', '/usr/share/new'] }];
  const facts: HostFacts = { ...baseFacts(), packages: installed, dependencies };
  const prediction = predictMigration({ installed, dependencies, target, swap: { remove: ['old'], install: ['new'] }, arch: 'x86_64' });
  assert.ok(prediction.ok);
  const after = predictedFacts({ facts, prediction, target, release: catalog.release('rocky-8') });
  assert.ok(after);
  assert.deepEqual(after.packages?.map((p) => `${p.name}-${p.version}-${p.release} ${p.vendor ?? ''}`), ['acme-1-1 ACME', 'lib-2.0-1.el8 Rocky', 'new-1.0-1.el8 Rocky']);
  assert.deepEqual(after.dependencies?.map((d) => [d.nevra, d.provides, d.files]), [['acme-0:1-1.x86_64', ['acme = 1-1'], []], ['lib-0:2.0-1.el8.x86_64', ['lib = 2.0-1.el8'], []], ['new-0:1.0-1.el8.x86_64', ['new = 1.0-1.el8'], ['/usr/bin/new']]]);
  assert.equal(detectSourceRelease(after, catalog), 'rocky-8');
  // Relations by the section's own rule: acme's requires resolve to the upgraded lib and to new (by its file).
  assert.deepEqual(after.relations?.packages.find((r) => r.nevra === 'acme-0:1-1.x86_64')?.dependsOn, ['lib-0:2.0-1.el8.x86_64', 'new-0:1.0-1.el8.x86_64']);
  assert.deepEqual(after.relations?.unresolved, []);
  assert.equal(after.release, undefined);
  assert.equal(after.sections.release?.status, 'not-applicable');
  assert.equal(after.system, facts.system, 'what the transaction does not change is the host\'s');
  // Nothing predicted, nothing to assess.
  assert.equal(predictedFacts({ facts, prediction: { ok: false, problems: ['x'] }, target, release: catalog.release('rocky-8') }), undefined);
  assert.equal(predictedFacts({ facts, prediction: undefined, target, release: catalog.release('rocky-8') }), undefined);
});
