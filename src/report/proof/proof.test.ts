import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../../catalog/index.js';
import { buildFleetReport, renderFleetHtml, type FleetRow } from '../fleet/index.js';
import { buildProof, proofFileName, renderProofHtml, renderProofText, validateMigrationProof, type JournalIntegrity } from './index.js';

const base = {
  host: 'web01', executionId: 'mig-1', generatedAt: '2026-01-01T00:00:00.000Z',
  migration: { source: 'centos-8', target: 'almalinux-8', state: 'completed', ponrCrossed: true, steps: [] },
  verification: { status: 'passed' as const, checks: [{ id: 'release', ok: true, detail: 'almalinux-release installed' }] },
  support: { before: null, after: null, daysGained: null },
};

test('the proof\'s verdict: proven only with an intact journal, a passed verification and a completed migration; every document valid', () => {
  const tampered: JournalIntegrity = { status: 'tampered', entries: 9, entry: { seq: 4, event: 'step', at: '2026-01-01T00:00:00Z', step: 'swap' }, message: 'Journal h:/j line 4 fails its integrity check' };
  const rows: Array<[Partial<Parameters<typeof buildProof>[0]>, string, RegExp]> = [
    [{}, 'proven', /verdict: proven\n/],
    [{ journal: tampered }, 'not-proven', /journal: TAMPERED at entry 4 \(step swap, /],
    [{ journal: { status: 'unreadable', message: 'no migration recorded on web01' } }, 'not-proven', /journal: unreadable: no migration recorded/],
    [{ verification: { status: 'failed', checks: [{ id: 'leftovers', ok: false, detail: 'centos-gpg-keys left' }] } }, 'not-proven', /verification: failed; leftovers: centos-gpg-keys left/],
    [{ migration: { ...base.migration, state: 'failed' } }, 'not-proven', /migration failed/],
    [{ workload: { status: 'provided', ok: false, items: [{ title: 'httpd stopped', ok: false }] } }, 'not-proven', /workload: changed/],
  ];
  for (const [over, verdict, text] of rows) {
    const p = buildProof({ ...base, journal: { status: 'intact', entries: 9 }, ...over });
    assert.equal(p.verdict, verdict, JSON.stringify(over));
    assert.match(renderProofText(p), text);
    assert.deepEqual(validateMigrationProof(JSON.parse(JSON.stringify(p))), [], JSON.stringify(over));
  }
  const p = buildProof({ ...base, journal: tampered, host: '<script>x</script>' });
  assert.doesNotMatch(renderProofHtml(p), /<script>x/);
  assert.equal(p.workload.status, 'not-provided', 'the seam for the workload diff');
  assert.ok('status' in p.cve && 'status' in p.packages, 'not computed without inputs, and said so');
});

test('the fleet report links each host that has a proof page to it, escaped; hosts without one get no link', () => {
  const row = (hostName: string): FleetRow => ({ hostName, target: 'almalinux-8', readiness: 'ready', score: 40, blockers: [], missing: [] });
  const r = buildFleetReport([row('web1'), row('db"1')], { runId: 'fleet-1', catalog: loadCatalog(), today: '2026-06-01', generatedAt: '2026-06-01T12:00:00.000Z' });
  const html = renderFleetHtml(r, { proofHref: (host) => (host === 'web1' ? 'proofs/web1.html' : host === 'db"1' ? `proofs/${proofFileName(host)}` : undefined) });
  assert.match(html, /<td>web1 <a href="proofs\/web1.html">proof<\/a><\/td>/);
  assert.match(html, /<td>db&quot;1 <a href="proofs\/db_1.html">proof<\/a><\/td>/);
  assert.doesNotMatch(renderFleetHtml(r), /proof<\/a>/);
});
