import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../catalog/index.js';
import { createPool } from '../rpm/pool.js';
import { assessTargets } from './assess.js';
import { compareRanked, rankTargets, recommendFleetTarget, recommendHostTarget, type FleetRecommendation, type FleetResult } from './rank.js';
import { detectSourceRelease } from './source.js';
import { baseFacts, inst, pkg } from './testing/fixtures.js';
import type { TargetAssessment } from './types.js';

const catalog = loadCatalog();

test('detectSourceRelease maps os-release, release files and release packages to catalog ids', () => {
  const os = (id: string, versionId: string, name: string, more: { version?: string; platformId?: string } = {}) => ({ os: { id, idLike: [], versionId, name, ...more, raw: {} } });
  const rows: [Parameters<typeof baseFacts>[0], string | null][] = [
    [os('centos', '8', 'CentOS Linux'), 'centos-8'],
    [os('centos', '8', 'CentOS Stream'), 'centos-stream-8'],
    [os('centos', '7', 'CentOS Linux'), 'centos-7'],
    [os('rocky', '8.4', 'Rocky Linux'), 'rocky-8'],
    [os('ol', '8.6', 'Oracle Linux Server'), 'oraclelinux-8'],
    [os('openEuler', '22.03', 'openEuler'), 'openeuler-22.03'],
    [os('tencentos', '3.1', 'TencentOS Server'), 'tencentos-3.1'],
    // os-release as the research quotes it (successor-facts.md §2, §7.3–7.4)
    [os('OpenCloudOS', '8.6', 'OpenCloudOS', { platformId: 'platform:oc8' }), 'opencloudos-8'],
    [os('opencloudos', '9.0', 'OpenCloudOS', { platformId: 'platform:oc9.0' }), 'opencloudos-9'],
    [os('opencloudos', '23', 'OpenCloudOS Stream', { platformId: 'platform:ocs23' }), 'opencloudos-stream'],
    [os('TencentOS', '3.1', 'TencentOS', { platformId: 'platform:el3' }), 'tencentos-3.1'],
    [os('tlinux', '2.4', 'TencentOS Server'), 'tencentos-2.4'],
    [os('tencentos', '4.4', 'TencentOS Server'), 'tencentos-4'],
    [os('openEuler', '20.03', 'openEuler', { version: '20.03 (LTS-SP2)' }), 'openeuler-20.03-sp2'],
    [os('anolis', '8.8', 'Anolis OS', { platformId: 'platform:an8' }), 'anolis-8'],
    [os('anolis', '23', 'Anolis OS', { platformId: 'platform:an23' }), 'anolis-23'],
    [os('mystery', '1', 'Mystery', { platformId: 'platform:an23' }), 'anolis-23'],
    [os('mystery', '1', 'Mystery', { platformId: 'platform:el8' }), null],
    [os('centos', '5', 'CentOS'), null],
    [os('slackware', '15.0', 'Slackware'), null],
    [{ os: undefined, release: { redhatRelease: 'CentOS Linux release 7.8.2003 (Core)' } }, 'centos-7'],
    [{ os: undefined, packages: [inst('centos-release-7-8.2003.0.el7.centos.x86_64')] }, 'centos-7'],
    [{ os: undefined, packages: [inst('redhat-release-8.6-0.1.el8.x86_64'), inst('oraclelinux-release-8.6-1.0.el8.x86_64')] }, 'oraclelinux-8'],
    [{ os: undefined, packages: [] }, null],
  ];
  for (const [over, want] of rows) assert.equal(detectSourceRelease(baseFacts(over), catalog), want, JSON.stringify(over));
});

const stub = (target: string, over: Partial<TargetAssessment> = {}): Omit<TargetAssessment, 'score' | 'rank' | 'reasons'> => ({
  target, targetName: target, path: null, repositories: ['repo'], findings: [], inhibitors: [], fates: [],
  counts: { same: 10, upgrade: 0, downgrade: 0, replaced: 0, missing: 0, 'third-party': 0, erased: 0 }, ...over,
});

const missingFate = (name: string, via?: 'vendor-swap'): TargetAssessment['fates'][number] =>
  ({ installed: `${name}-1-1.el8.noarch`, name, arch: 'noarch', fate: 'missing', ...(via ? { via } : {}) });
const reason = (t: TargetAssessment, factor: string) => t.reasons.find((r) => r.factor === factor);

test('ranking: an inhibitor outweighs everything else, and every point has a reason', () => {
  const source = catalog.release('centos-8');
  const ranked = rankTargets([
    stub('rocky-8', { inhibitors: ['low-disk:/var'] }),
    stub('almalinux-8', { fates: ['a', 'b', 'c'].map((n) => missingFate(n)), counts: { same: 5, upgrade: 0, downgrade: 2, replaced: 0, missing: 3, 'third-party': 0, erased: 0 } }),
  ], { catalog, source, today: '2024-05-01' });
  assert.deepEqual(ranked.map((t) => [t.target, t.rank]), [['almalinux-8', 1], ['rocky-8', 2]]);
  for (const t of ranked) assert.equal(t.score, t.reasons.reduce((s, r) => s + r.points, 0));
  assert.deepEqual(reason(ranked[0], 'missing'), { factor: 'missing', points: -6, text: '3 packages with no counterpart' });
  assert.deepEqual(reason(ranked[0], 'downgrades'), { factor: 'downgrades', points: -6, text: '2 downgrades' });
  assert.equal(reason(ranked[1], 'blockers')?.points, -100);
  assert.match(reason(ranked[1], 'blockers')?.text ?? '', /low-disk:\/var/);
});

test('ranking: an unknown fact is said to be unknown and scored neutrally (the mean of the known), never as the worst', () => {
  const source = catalog.release('centos-8');
  // rocky-8 measured with 5 missing (−10); almalinux-8 not compared (no repository given)
  const ranked = rankTargets([
    stub('rocky-8', { fates: ['a', 'b', 'c', 'd', 'e'].map((n) => missingFate(n)) }),
    stub('almalinux-8', { repositories: [], counts: { same: 0, upgrade: 0, downgrade: 0, replaced: 0, missing: 0, 'third-party': 0, erased: 0 } }),
  ], { catalog, source, today: '2024-05-01' });
  const alma = ranked.find((t) => t.target === 'almalinux-8')!;
  assert.equal(reason(alma, 'missing')?.points, -10);
  assert.match(reason(alma, 'missing')?.text ?? '', /not compared.*unknown, scored neutrally \(-10, the mean/);
  // no end-of-life date and no tier (opencloudos-stream): the others' mean, not 0
  const oc = rankTargets([stub('rocky-8'), stub('opencloudos-stream')], { catalog, source, today: '2024-05-01' });
  const ocs = oc.find((t) => t.target === 'opencloudos-stream')!;
  const rocky = oc.find((t) => t.target === 'rocky-8')!;
  assert.equal(reason(ocs, 'lifecycle')?.points, reason(rocky, 'lifecycle')?.points);
  assert.match(reason(ocs, 'lifecycle')?.text ?? '', /no end-of-life date in the catalog: unknown, scored neutrally/);
  // nothing known anywhere: 0
  const alone = rankTargets([stub('opencloudos-7.9')], { catalog, source, today: '2024-05-01' });
  assert.equal(reason(alone[0], 'lifecycle')?.points, 0);
});

test('ranking: the kernel line the target repositories ship beats the catalog\'s claim', () => {
  const source = catalog.release('centos-8');
  assert.equal(catalog.release('opencloudos-8').kernel.value, '5.4', 'the catalog says 5.4');
  const [measured] = rankTargets([stub('opencloudos-8')], { catalog, source, today: '2024-05-01', sourceKernel: '4.18', targetKernels: { 'opencloudos-8': '4.18' } });
  assert.deepEqual(reason(measured, 'kernel')?.points, 0);
  assert.match(reason(measured, 'kernel')?.text ?? '', /same kernel line 4\.18 \(its repositories ship 4\.18; the catalog's 5\.4 is not what they carry\)/);
  const [claimed] = rankTargets([stub('opencloudos-8', { repositories: [] })], { catalog, source, today: '2024-05-01', sourceKernel: '4.18' });
  assert.match(reason(claimed, 'kernel')?.text ?? '', /kernel jump 4\.18 → 5\.4 \(the catalog's figure; no repository read\)/);
});

test('ranking: what the vendor swap removes on purpose is not missing', () => {
  const [t] = rankTargets([stub('opencloudos-8', { fates: [missingFate('centos-indexhtml', 'vendor-swap'), missingFate('lab-orphan')] })], { catalog, source: null, today: '2024-05-01' });
  assert.deepEqual(reason(t, 'missing'), { factor: 'missing', points: -2, text: '1 package with no counterpart (1 more removed on purpose by the vendor swap: not missing)' });
});

test('ranking: a tie is a tie (same rank, said so, the caller\'s order), and a tie-breaker names the deciding factor', () => {
  const opts = { catalog, source: catalog.release('centos-8'), today: '2024-05-01' };
  const a = rankTargets([stub('rocky-8'), stub('almalinux-8')], opts);
  const b = rankTargets([stub('almalinux-8'), stub('rocky-8')], opts);
  assert.equal(a[0].score, a[1].score, 'rocky-8 and almalinux-8 score the same');
  assert.deepEqual(a.map((t) => [t.target, t.rank]), [['rocky-8', 1], ['almalinux-8', 1]]);
  assert.deepEqual(b.map((t) => [t.target, t.rank]), [['almalinux-8', 1], ['rocky-8', 1]], 'never by name');
  assert.match(reason(a[0], 'tie')?.text ?? '', /tied with almalinux-8 \(same score, inhibitors, missing packages and support left\)/);
  // the same score, one with a package left behind (−2), the other with a medium finding (−2): missing packages decide
  const medium = { key: 'x', check: 'x', severity: 'medium' as const, groups: [], title: 'x', summary: 'x' };
  const c = rankTargets([stub('rocky-8', { fates: [missingFate('a')] }), stub('almalinux-8', { findings: [medium] })], opts);
  assert.deepEqual(c.map((t) => [t.target, t.rank]), [['almalinux-8', 1], ['rocky-8', 2]]);
  assert.equal(c[0].score, c[1].score);
  assert.match(reason(c[0], 'tie')?.text ?? '', /ahead of rocky-8 at the same score on missing packages/);
  assert.match(reason(c[1], 'tie')?.text ?? '', /behind almalinux-8 at the same score on missing packages/);
});

test('ranking: a finding every target has alike is host-level: not scored, said once', () => {
  const unsigned = { key: 'unsigned-packages', check: 'unsigned-packages', severity: 'medium' as const, groups: [], title: '23 unsigned packages', summary: 'the same' };
  const own = { key: 'missing-packages', check: 'missing-packages', severity: 'medium' as const, groups: [], title: 'in rocky-8', summary: 'rocky-8' };
  const ranked = rankTargets([stub('rocky-8', { findings: [unsigned, own] }), stub('almalinux-8', { findings: [unsigned] })], { catalog, source: null, today: '2024-05-01' });
  const rocky = ranked.find((t) => t.target === 'rocky-8')!;
  const alma = ranked.find((t) => t.target === 'almalinux-8')!;
  assert.deepEqual(rocky.reasons.filter((r) => r.factor === 'findings').map((r) => r.points), [-2, 0]);
  assert.deepEqual(alma.reasons.filter((r) => r.factor === 'findings').map((r) => [r.points, r.text]), [[0, '1 host-level finding (the same for every target): listed once, not scored']]);
  assert.equal(rocky.score + 2, alma.score);
});

test('ranking: lifecycle, kernel jump and tier explain a cross-major choice', () => {
  const source = catalog.release('centos-7');
  const ranked = rankTargets([stub('rocky-8'), stub('rocky-9')], { catalog, source, today: '2024-05-01', sourceKernel: '3.10', targetKernels: { 'rocky-9': '5.14' } });
  const r9 = ranked.find((t) => t.target === 'rocky-9')!;
  assert.match(reason(r9, 'kernel')?.text ?? '', /kernel jump 3\.10 → 5\.14/);
  assert.match(reason(ranked.find((t) => t.target === 'rocky-8')!, 'kernel')?.text ?? '', /kernel jump 3\.10 → 4\.18/, 'catalog figure for rocky-8');
  const life = (t: TargetAssessment) => t.reasons.find((r) => r.factor === 'lifecycle')!;
  assert.ok(life(r9).points > life(ranked.find((t) => t.target === 'rocky-8')!).points, 'rocky-9 has more support left');
  assert.match(life(r9).text, /years of support left/);
  assert.ok(ranked.every((t) => t.reasons.some((r) => r.factor === 'tier')));
  const past = rankTargets([stub('centos-8')], { catalog, source: null, today: '2024-05-01' });
  assert.deepEqual(past[0].reasons.find((r) => r.factor === 'lifecycle')?.points, -50);
});

test('assessTargets: fates against a repo, findings per target, ranked, inhibitors listed', () => {
  const facts = baseFacts({
    packages: [inst('bash-4.4.19-10.el8.x86_64', { vendor: 'CentOS' }), inst('centos-release-8.2-2.2004.0.1.el8.x86_64', { vendor: 'CentOS' }),
      inst('lab-orphan-0.9-1.el8.noarch', { vendor: 'CentOS' }), inst('htop-3.2.1-1.el8.x86_64', { vendor: 'Fedora Project' }), inst('gpg-pubkey-8483c65d-5ccc5b19.(none)')],
    os: { id: 'centos', idLike: ['rhel'], name: 'CentOS Linux', prettyName: 'CentOS Linux 8', versionId: '8', raw: {} },
  });
  const pool = createPool([pkg('bash-4.4.20-1.el8.x86_64'), pkg('rocky-release-8.4-35.el8.noarch')]);
  const a = assessTargets({ facts, catalog, today: '2024-05-01', now: new Date('2024-05-01T12:00:00Z'),
    targets: [{ release: 'rocky-8', repo: { release: 'rocky-8', locations: ['/repos/rocky-8'], pool } }, { release: 'openeuler-22.03' }] });
  assert.equal(a.sourceRelease, 'centos-8');
  assert.equal(a.sourceName, 'CentOS Linux 8');
  assert.equal(a.assessedAt, '2024-05-01T12:00:00.000Z');
  const rocky = a.targets.find((t) => t.target === 'rocky-8')!;
  assert.deepEqual(rocky.counts, { same: 0, upgrade: 1, downgrade: 0, replaced: 1, missing: 1, 'third-party': 1, erased: 0 });
  assert.deepEqual(rocky.path, { method: 'same-major-swap', source: 'code:migrate2rocky' });
  assert.deepEqual(rocky.findings.map((f) => f.key).sort(), ['missing-packages', 'third-party-packages', 'unsigned-packages']);
  assert.equal(rocky.rank, 1);
  const oe = a.targets.find((t) => t.target === 'openeuler-22.03')!;
  assert.deepEqual(oe.inhibitors, ['unsupported-path']);
  assert.equal(oe.rank, 2);
  assert.deepEqual(oe.fates, []);
  assert.equal(oe.path, null);
});

test('compareRanked orders as rankTargets; recommendHostTarget and recommendFleetTarget follow their rules', () => {
  const today = '2026-06-01';
  const source = catalog.release('centos-8');
  const ranked = rankTargets([stub('rocky-8'), stub('almalinux-8', { inhibitors: ['x'] }), stub('oraclelinux-8', { fates: ['a', 'b', 'c'].map((n) => missingFate(n)) })], { catalog, source, today });
  const keys = ranked.map((t) => ({ target: t.target, score: t.score, inhibitors: t.inhibitors.length, missing: t.fates.filter((f) => f.fate === 'missing').length }));
  assert.deepEqual([...keys].reverse().sort((a, b) => compareRanked(a, b, { catalog, today })).map((k) => k.target), ranked.map((t) => t.target));

  const r = (host: string, target: string, readiness: FleetResult['readiness'], score = 0): FleetResult => ({ host, target, readiness, score, inhibitors: readiness === 'blocked' ? 1 : 0, missing: 0 });
  assert.equal(recommendHostTarget([r('h', 'rocky-8', 'ready', 10), r('h', 'almalinux-8', 'ready', 20)], { catalog, today }), 'almalinux-8');
  assert.equal(recommendHostTarget([r('h', 'rocky-8', 'not-assessed')], { catalog, today }), null);
  type Want = [string | null, FleetRecommendation['decidedBy'], string[]];
  const given = ['rocky-8', 'almalinux-8'];
  const rows: Array<[string, FleetResult[], Want, string[]?]> = [
    ['most hosts ready', [r('a', 'rocky-8', 'ready'), r('b', 'rocky-8', 'ready'), r('a', 'almalinux-8', 'ready'), r('b', 'almalinux-8', 'risks')], ['rocky-8', 'ready', []]],
    ['tie on ready: fewer blocked', [r('a', 'rocky-8', 'ready'), r('b', 'rocky-8', 'blocked'), r('a', 'almalinux-8', 'ready'), r('b', 'almalinux-8', 'risks')], ['almalinux-8', 'unblocked', []]],
    ['tie on both: the most hosts ranking it first', [r('a', 'rocky-8', 'risks', 1), r('a', 'almalinux-8', 'risks', 5)], ['almalinux-8', 'recommendedFor', []]],
    // rocky-8 and almalinux-8 tie for the host: its first in the order given, never by name
    ['equal scores: a tie for the host, the order the targets were given', [r('a', 'rocky-8', 'risks', 5), r('a', 'almalinux-8', 'risks', 5)], ['rocky-8', 'recommendedFor', []]],
    ['equal scores, the other order', [r('a', 'almalinux-8', 'risks', 5), r('a', 'rocky-8', 'risks', 5)], ['almalinux-8', 'recommendedFor', []]],
    // One host each: equal on all three counts, a tie shown as one; the first target given wins, whatever its name.
    ['a fleet tie: the first target given', [r('a', 'rocky-8', 'risks', 5), r('a', 'almalinux-8', 'risks', 1), r('b', 'rocky-8', 'risks', 1), r('b', 'almalinux-8', 'risks', 5)], ['rocky-8', 'tie', ['almalinux-8']]],
    ['a fleet tie, --to in the other order', [r('a', 'rocky-8', 'risks', 5), r('a', 'almalinux-8', 'risks', 1), r('b', 'rocky-8', 'risks', 1), r('b', 'almalinux-8', 'risks', 5)], ['almalinux-8', 'tie', ['rocky-8']], ['almalinux-8', 'rocky-8']],
    ['one target: nothing to decide', [r('a', 'rocky-8', 'ready')], ['rocky-8', null, []], ['rocky-8']],
    ['nothing assessed', [r('a', 'rocky-8', 'not-assessed')], [null, null, []]],
  ];
  for (const [what, results, want, targets = given] of rows) {
    const best = new Map([...new Set(results.map((x) => x.host))].map((h) => [h, recommendHostTarget(results.filter((x) => x.host === h), { catalog, today })]));
    const got = recommendFleetTarget(targets, results, best);
    assert.deepEqual([got.target, got.decidedBy, got.tiedWith], want, what);
  }
});

test('assessTargets: the document names a mirror and its error without the URL\'s credentials (it is printed, stored and served)', () => {
  const facts = baseFacts({ packages: [inst('bash-4.4.19-10.el8.x86_64', { vendor: 'CentOS' })] });
  const pool = createPool([pkg('bash-4.4.20-1.el8.x86_64')]);
  const a = assessTargets({ facts, catalog, today: '2024-05-01', now: new Date('2024-05-01T12:00:00Z'), targets: [
    { release: 'rocky-8', repo: { release: 'rocky-8', locations: ['https://deploy:hunter2pw@mirror.example/rocky8/'], pool } },
    { release: 'almalinux-8', repoUnreadable: 'REPO_FETCH: https://deploy:hunter2pw@mirror.example/alma8/repodata/repomd.xml: HTTP 404' },
  ] });
  assert.doesNotMatch(JSON.stringify(a), /hunter2pw/);
  assert.deepEqual(a.targets.find((t) => t.target === 'rocky-8')?.repositories, ['https://***@mirror.example/rocky8/']);
  assert.match(a.targets.find((t) => t.target === 'almalinux-8')?.notAssessed?.find((n) => n.check === 'missing-packages')?.reason ?? '',
    /REPO_FETCH: https:\/\/\*\*\*@mirror\.example\/alma8\//);
});

test('assessTargets: a transaction the solver cannot find is said (not assessed: predicted-transaction), and the fates fall back to the rules', () => {
  // the vendor swap installs rocky-release, whose only build requires rocky-repos, which nothing provides: no
  // erasure --allowerasing may make satisfies the install job, so there is no transaction.
  const installed = [inst('bash-4.4.19-10.el8.x86_64', { vendor: 'CentOS' }), inst('centos-release-8.2-2.2004.0.1.el8.x86_64', { vendor: 'CentOS' }),
    inst('lib-1-1.el8.x86_64', { vendor: 'CentOS' }), inst('app-1-1.el8.x86_64', { vendor: 'CentOS' })];
  const dependencies = installed.map((p) => ({ nevra: `${p.name}-${p.epoch}:${p.version}-${p.release}.${p.arch}`, provides: [`${p.name} = ${p.epoch}:${p.version}-${p.release}`],
    requires: p.name === 'app' ? ['lib = 0:1-1.el8'] : [], conflicts: [], obsoletes: [], files: [] }));
  const facts = baseFacts({ packages: installed, dependencies, os: { id: 'centos', idLike: ['rhel'], name: 'CentOS Linux', prettyName: 'CentOS Linux 8', versionId: '8', raw: {} } });
  const target = [pkg('bash-4.4.20-1.el8.x86_64'), pkg('lib-2-1.el8.x86_64'), { ...pkg('app-2-1.el8.x86_64'), requires: [{ name: 'libnew' }] }];
  const broken = createPool([...target, { ...pkg('rocky-release-8.4-35.el8.noarch'), requires: [{ name: 'rocky-repos' }] }]);
  const pool = createPool([...target, pkg('rocky-release-8.4-35.el8.noarch')]);
  const a = assessTargets({ facts, catalog, today: '2024-05-01', targets: [{ release: 'rocky-8', repo: { release: 'rocky-8', locations: ['/repos/rocky-8'], pool: broken } }] });
  const rocky = a.targets[0];
  const said = rocky.notAssessed?.find((n) => n.check === 'predicted-transaction');
  assert.match(said?.reason ?? '', /^the solver found no transaction \(.+\): the package fates follow Ferry's rules/, JSON.stringify(rocky.notAssessed));
  assert.equal(rocky.fates.find((f) => f.name === 'app')?.fate, 'upgrade', 'the rules\' answer');
  // solvable: nothing said
  const ok = assessTargets({ facts: baseFacts({ ...facts, packages: installed.slice(0, 2), dependencies: dependencies.slice(0, 2) }), catalog, today: '2024-05-01',
    targets: [{ release: 'rocky-8', repo: { release: 'rocky-8', locations: ['/repos/rocky-8'], pool } }] });
  assert.equal(ok.targets[0].notAssessed?.some((n) => n.check === 'predicted-transaction') ?? false, false);
});
