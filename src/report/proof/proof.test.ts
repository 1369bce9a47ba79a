import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../../catalog/index.js';
import { buildFleetReport, renderFleetHtml, type FleetRow } from '../fleet/index.js';
import { buildProof, configurationSection, proofFileName, workloadSection, renderProofHtml, renderProofText, validateMigrationProof, type JournalIntegrity } from './index.js';

const base = {
  host: 'web01', executionId: 'mig-1', generatedAt: '2026-01-01T00:00:00.000Z',
  migration: { source: 'centos-8', target: 'almalinux-8', state: 'completed', ponrCrossed: true, steps: [] },
  verification: { status: 'passed' as const, checks: [{ id: 'release', ok: true, detail: 'almalinux-release installed' }] },
  support: { before: null, after: null, daysGained: null },
};

const workload = {
  ok: false,
  findings: [{ key: 'workload-diff:listener-gone:tcp:80', severity: 'high' as const, title: 'Port 80/tcp no longer listening', summary: 'httpd' },
    { key: 'workload-diff:crontab-changed:/etc/cron.d/app', severity: 'medium' as const, title: 'The crontab /etc/cron.d/app was changed', summary: 'digest' }],
  notCompared: [{ item: 'units', why: 'not collected after' }],
};
const rpmnew = { path: '/etc/app.conf.rpmnew', kind: 'rpmnew' as const, file: '/etc/app.conf', package: 'app', guidance: 'kept yours', merge: { clean: true, conflicts: 0 } };

test('the proof\'s verdict: proven only with an intact journal, a passed verification and a completed migration; every document valid', () => {
  const tampered: JournalIntegrity = { status: 'tampered', entries: 9, entry: { seq: 4, event: 'step', at: '2026-01-01T00:00:00Z', step: 'swap' }, message: 'Journal h:/j line 4 fails its integrity check' };
  const rows: Array<[Partial<Parameters<typeof buildProof>[0]>, string, RegExp]> = [
    [{}, 'proven', /verdict: proven\n/],
    [{ journal: tampered }, 'not-proven', /journal: TAMPERED at entry 4 \(step swap, /],
    [{ journal: { status: 'unreadable', message: 'no migration recorded on web01' } }, 'not-proven', /journal: unreadable: no migration recorded/],
    [{ verification: { status: 'failed', checks: [{ id: 'leftovers', ok: false, detail: 'centos-gpg-keys left' }] } }, 'not-proven', /verification: failed; leftovers: centos-gpg-keys left/],
    [{ migration: { ...base.migration, state: 'failed' } }, 'not-proven', /migration failed/],
    [{ workload: workloadSection(workload, 'store') }, 'not-proven', /workload: NOT OK: 2 finding\(s\), 1 high, from the store; not compared: units: not collected after\n {4}workload: \[high\] Port 80\/tcp no longer listening — httpd\n {4}workload: \[medium\] The crontab \/etc\/cron.d\/app was changed — digest\n/],
    [{ workload: workloadSection({ ...workload, ok: true, findings: [] }, 'host') }, 'proven', /workload: ok: 0 finding\(s\), 0 high, from the host's state dir/],
    [{ configuration: configurationSection({ items: [rpmnew] }, 'host') }, 'proven', /configuration: ok: 1 finding\(s\), 0 high, from the host's state dir\n {4}configuration: \[medium\] \/etc\/app.conf.rpmnew \(app\) — kept yours \(three-way merge: clean\)\n/],
    [{ configuration: configurationSection({ items: [rpmnew, { path: '/etc/b.conf.rpmsave', kind: 'rpmsave', file: '/etc/b.conf', guidance: 'yours moved aside', merge: { clean: false, conflicts: 2 } }] }, 'store') }, 'not-proven',
      /configuration diff not ok.*\n(.*\n)* {4}configuration: \[high\] \/etc\/b.conf.rpmsave — yours moved aside \(three-way merge: 2 conflict\(s\)\)\n/],
    [{ sectionsReason: 'no migration recorded on web01' }, 'proven', /workload: not provided \(no migration recorded on web01\)\n {2}configuration: not provided \(no migration recorded on web01\)/],
  ];
  for (const [over, verdict, text] of rows) {
    const p = buildProof({ ...base, journal: { status: 'intact', entries: 9 }, ...over });
    assert.equal(p.verdict, verdict, JSON.stringify(over));
    assert.match(renderProofText(p), text);
    assert.deepEqual(validateMigrationProof(JSON.parse(JSON.stringify(p))), [], JSON.stringify(over));
  }
  const p = buildProof({ ...base, journal: tampered, host: '<script>x</script>' });
  assert.doesNotMatch(renderProofHtml(p), /<script>x/);
  assert.equal(p.workload.status, 'not-provided', 'no workload diff given: not provided, and said so');
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
