// The plan names the host's source release exactly as the assessment does (one detection rule).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../catalog/index.js';
import { isFerryError } from '../core/index.js';
import { detectSourceRelease } from '../assess/index.js';
import { baseFacts } from '../assess/testing/fixtures.js';
import { buildPlan, sourceReleaseOf } from './build.js';

test('sourceReleaseOf: the release assess detects; no os-release or an unknown one is refused', () => {
  const catalog = loadCatalog();
  const os = baseFacts().os!;
  const cases: [Partial<typeof os>, string][] = [
    [{}, 'centos-8'],
    [{ id: 'ol', name: 'Oracle Linux Server', versionId: '8.4' }, 'oraclelinux-8'],
    [{ id: 'centos', name: 'CentOS Stream', prettyName: 'CentOS Stream 8', versionId: '8' }, 'centos-stream-8'],
    [{ id: 'CentOS', versionId: '7' }, 'centos-7'], // IDs compared case-insensitively, as assess does
  ];
  for (const [over, want] of cases) {
    const facts = baseFacts({ os: { ...os, ...over } });
    assert.equal(sourceReleaseOf(facts, catalog).id, want, JSON.stringify(over));
    assert.equal(detectSourceRelease(facts, catalog), want);
  }
  assert.throws(() => sourceReleaseOf(baseFacts({ os: { ...os, id: 'plan9', versionId: '4' } }), catalog),
    (e: unknown) => isFerryError(e, 'CATALOG_UNKNOWN_RELEASE') && /plan9-4/.test(e.message));
  const noOs = baseFacts();
  delete noOs.os;
  assert.throws(() => sourceReleaseOf(noOs, catalog), (e: unknown) => isFerryError(e, 'PATH_UNSUPPORTED'));
});

test('the path\'s method decides the plan: TencentOS 3.1 from CentOS 8 and 2.4 from CentOS 7 are same-major swaps; a cross-major path is refused', () => {
  const catalog = loadCatalog();
  const os = baseFacts().os!;
  const repos = [{ id: 'ferry-t-0', baseurl: 'file:///srv/mirror' }];
  const cases: [string, string, string][] = [['8.5', 'tencentos-3.1', 'centos-8'], ['7', 'tencentos-2.4', 'centos-7']];
  for (const [versionId, target, source] of cases) {
    const facts = baseFacts({ os: { ...os, versionId } });
    assert.equal(catalog.path(source, target)?.method, 'same-major-swap', `${source} -> ${target} in the catalog`);
    const plan = buildPlan({ facts, catalog, target, repos, targetAvailable: ['tencentos-release', 'bash'], gpgcheck: false });
    assert.equal(plan.source, source);
    assert.equal(plan.method, 'same-major-swap', target);
    assert.ok(plan.swap.install.includes('tencentos-release'), `${target}: ${plan.swap.install.join(' ')}`);
    assert.ok(plan.steps.some((s) => s.kind === 'distro-sync' && s.pointOfNoReturn), target);
  }
  const el7 = baseFacts({ os: { ...os, versionId: '7' } });
  assert.equal(catalog.path('centos-7', 'rocky-8')?.method, 'cross-major-pes');
  assert.throws(() => buildPlan({ facts: el7, catalog, target: 'rocky-8', repos, targetAvailable: ['rocky-release'], gpgcheck: false }),
    (e: unknown) => isFerryError(e, 'PATH_UNSUPPORTED') && /cross-major/.test(e.message));
});
