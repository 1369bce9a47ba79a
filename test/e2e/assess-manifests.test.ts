// The real CentOS 7 and 8 container image manifests (docker-library/repo-info, 2020) assessed against
// the real CentOS Stream 9 BaseOS + AppStream repodata. Figures are documented in docs/assess-manifests.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessHost } from '../../src/app/assess.js';
import { createRepoCache } from '../../src/app/repos.js';
import type { Assessment, TargetAssessment } from '../../src/assess/types.js';
import { renderAssessmentHtml } from '../../src/report/assessment-html.js';
import { renderAssessmentMarkdown } from '../../src/report/assessment-markdown.js';
import { validateAssessment } from '../../src/report/assessment-schema.js';
import { sharedPath, skipUnlessShared } from '../support/shared.js';

const MANIFESTS = 'manifests/docker-repo-info-2020';
const skip = skipUnlessShared(MANIFESTS, 'centos_7.txt') || skipUnlessShared('repodata/cs9-baseos-20220207') || skipUnlessShared('repodata/cs9-appstream-20250113');
const cache = createRepoCache();
const CS9 = [sharedPath('repodata/cs9-baseos-20220207'), sharedPath('repodata/cs9-appstream-20250113')];

async function assessManifest(file: string): Promise<Assessment> {
  const a = await assessHost({ manifest: sharedPath(MANIFESTS, file), targets: ['centos-stream-9', 'rocky-9'], repos: { 'centos-stream-9': CS9 }, today: '2024-06-01', repoCache: cache });
  assert.deepEqual(validateAssessment(a), []);
  // every renderer copes with a real report
  assert.match(renderAssessmentHtml(a), /<svg class="chart"/);
  assert.match(renderAssessmentMarkdown(a), /## Ranking/);
  return a;
}

const target = (a: Assessment, id: string): TargetAssessment => {
  const t = a.targets.find((x) => x.target === id);
  assert.ok(t);
  return t;
};

export function summarise(t: TargetAssessment): string {
  return `${t.target}: rank ${t.rank}, score ${t.score}, ${t.fates.length} packages: ${Object.entries(t.counts).map(([k, v]) => `${k} ${v}`).join(', ')}; inhibitors: ${t.inhibitors.join(', ') || 'none'}`;
}

// minFound: EL7 → EL9 loses more (python2, yum and friends are gone in EL9) than EL8 → EL9.
for (const [file, source, minUpgrade, minFound] of [['centos_7.txt', 'centos-7', 0.6, 0.8], ['centos_8.txt', 'centos-8', 0.5, 0.85]] as const) {
  test(`${file} → CentOS Stream 9: sensible fates, the release package swapped or flagged, CentOS 7 reached by a route (no direct path)`, { skip }, async () => {
    const a = await assessManifest(file);
    assert.equal(a.host.source, 'manifest');
    assert.equal(a.sourceRelease, source);
    const cs9 = target(a, 'centos-stream-9');
    if (source === 'centos-7') {
      // No direct path from CentOS 7 to CentOS Stream 9 (Leapp goes 7 → 8 only), but a route through an EL8 release
      // ELevate takes on to Stream 9: assessed hop by hop, as the plan's gate judges it. No EL8 repodata is given
      // (../shared has none), so hop 1's transaction is not predicted and hop 2 not assessed: said, not guessed.
      assert.equal(cs9.path, null);
      const route = cs9.findings.find((f) => f.key === 'multi-hop-route');
      assert.match(route?.title ?? '', /^Reached in 2 hops: centos-7 → \S+-8 → centos-stream-9$/, cs9.findings.map((f) => f.key).join(', '));
      assert.ok(!cs9.findings.some((f) => f.groups.includes('inhibitor') && /path/.test(f.key)), cs9.findings.map((f) => f.key).join(', '));
      const el8 = cs9.route?.[1] ?? '';
      assert.deepEqual(cs9.hops?.map((h) => [h.hop, h.from, h.to, h.assessedOn, h.repositories.length]), [[1, 'centos-7', el8, 'collected', 0], [2, el8, 'centos-stream-9', 'not-assessed', 2]]);
      assert.deepEqual(cs9.hops?.[1].notAssessed, [{ check: 'route', reason: `Ferry could not predict the package set hop 1 (centos-7 → ${el8}) leaves (no repository of ${el8} was given)` }]);
      assert.deepEqual([cs9.inhibitors, cs9.fates.length], [[], 0]);
      assert.ok(cs9.reasons.some((r) => r.factor === 'missing' && r.text.startsWith(`package fates not compared (hop 1 (centos-7 → ${el8}) without a repository)`)), JSON.stringify(cs9.reasons));
      return;
    }
    const n = cs9.fates.length;
    assert.ok(n >= 140, `${n} packages`);
    const found = n - cs9.counts.missing - cs9.counts['third-party'];
    assert.ok(found / n >= minFound, `only ${found}/${n} packages have a counterpart: ${summarise(cs9)}`);
    assert.ok(cs9.counts.upgrade / n >= minUpgrade, `implausibly few upgrades: ${summarise(cs9)}`);
    assert.equal(cs9.counts['third-party'], 0, 'a package list has no vendor: nothing is called third-party');
    // A downgrade from an EL7/EL8 base to EL9 would be a sign of a wrong comparison.
    assert.ok(cs9.counts.downgrade <= 3, summarise(cs9));
    const release = cs9.fates.find((f) => f.name === 'centos-release');
    assert.ok(release, 'centos-release is in the manifest');
    assert.ok(release.fate === 'replaced' || cs9.findings.some((f) => JSON.stringify(f).includes('centos-release')), `centos-release neither replaced nor flagged: ${JSON.stringify(release)}`);
    // CentOS 8 → Stream 9 is ELevate's el9 repomap path: cross-major by PES, no missing-path inhibitor.
    assert.deepEqual(cs9.path, { method: 'cross-major-pes', source: 'leapp-repomap:centos-el9' });
    assert.ok(!cs9.findings.some((f) => f.groups.includes('inhibitor') && /path/.test(f.key)), cs9.findings.map((f) => f.key).join(', '));
    // rocky-9 had no repository: no fates, and the report says so
    const r9 = target(a, 'rocky-9');
    assert.equal(r9.fates.length, 0);
    assert.deepEqual(r9.repositories, []);
    // well-known packages: bash is an upgrade, yum/dnf-era differences surface
    assert.equal(cs9.fates.find((f) => f.name === 'bash')?.fate, 'upgrade');
    if (process.env.FERRY_PRINT_FIGURES) console.log(`${file}\n  ${a.targets.map(summarise).join('\n  ')}\n  findings: ${cs9.findings.map((f) => `${f.key}(${f.severity})`).join(', ')}\n  missing: ${cs9.fates.filter((f) => f.fate === 'missing').map((f) => f.name).join(' ')}\n  replaced: ${cs9.fates.filter((f) => f.fate === 'replaced').map((f) => `${f.name}→${(f.target ?? []).join('+')}(${f.via})`).join(' ')}\n  downgrade: ${cs9.fates.filter((f) => f.fate === 'downgrade').map((f) => `${f.installed}→${(f.target ?? []).join('+')}`).join(' ')}`);
  });
}
