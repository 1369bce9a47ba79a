// The plan names the host's source release exactly as the assessment does (one detection rule).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../catalog/index.js';
import { isFerryError } from '../core/index.js';
import { detectSourceRelease } from '../assess/index.js';
import { baseFacts } from '../assess/testing/fixtures.js';
import { sourceReleaseOf } from './build.js';

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
