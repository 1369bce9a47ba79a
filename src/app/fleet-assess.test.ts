import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError, type JsonValue } from '../core/index.js';
import { writeLabLeappData } from '../../test/lab/pes-fixture.js';
import { loadCatalog } from '../catalog/index.js';
import { readPackageListFile, type HostFacts } from '../facts/index.js';
import { assessTargets, targetReadiness, type AssessTargetsInput } from '../assess/index.js';
import { baseFacts, inst, pkg } from '../assess/testing/fixtures.js';
import * as routeFixture from '../assess/testing/route-fixture.js';
import type { Store } from '../store/index.js';
import { assessHost } from './assess.js';
import { assessFleet, loadFleetReport } from './fleet-assess.js';
import { openFerryStore } from './store.js';
import { createRepoCache, type RepoCache } from './repos.js';
import { renderFleetHtml, renderFleetText, validateFleetReport } from '../report/fleet/index.js';

const catalog = loadCatalog();
const TODAY = '2026-06-01';

const dir = mkdtempSync(join(tmpdir(), 'ferry-fleet-assess-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let stores = 0;

/** Runs `fn` on a fresh SQLite store holding `snapshots` (undefined: a host without one), closed afterwards. */
async function withFleetStore(snapshots: Record<string, JsonValue | undefined>, fn: (store: Store) => Promise<void>): Promise<void> {
  const store = await openFerryStore(join(dir, `ferry-${++stores}.db`));
  try {
    for (const [name, facts] of Object.entries(snapshots)) {
      await store.upsertHost({ name });
      if (facts !== undefined) await store.saveFactSnapshot({ hostName: name, facts });
    }
    await fn(store);
  } finally {
    await store.close();
  }
}

const json = (f: HostFacts): JsonValue => JSON.parse(JSON.stringify(f)) as JsonValue;

/** Target repositories as in-memory locations in a repo cache (both assessHost and assessFleet read it). */
function fixtureRepos(): { cache: RepoCache; repos: Record<string, string[]> } {
  const cache = createRepoCache();
  const rocky = [pkg('bash-4.4.20-1.el8.x86_64'), pkg('rocky-release-8.6-2.el8.noarch', { obsoletes: ['centos-release'] }), pkg('kernel-core-4.18.0-372.el8.x86_64')];
  const alma = [pkg('bash-4.4.19-10.el8.x86_64'), pkg('almalinux-release-8.6-1.el8.x86_64', { obsoletes: ['centos-release'] })];
  cache.packages.set('mem://rocky-8', Promise.resolve({ packages: rocky }));
  cache.packages.set('mem://almalinux-8', Promise.resolve({ packages: alma }));
  return { cache, repos: { 'rocky-8': ['mem://rocky-8'], 'almalinux-8': ['mem://almalinux-8'] } };
}

/** Three package sets; hosts of the same set differ only in what the assessment does not read. */
function fleetFacts(): Record<string, HostFacts> {
  const sets = [
    [],
    [inst('nodejs-10.21.0-3.module_el8.2.0+391+8da3adc6.x86_64', { vendor: 'CentOS' })],
    [inst('glibc-2.28-101.el8.i686', { vendor: 'CentOS' }), inst('acme-agent-2.0-1.x86_64', { vendor: 'Acme' })],
  ];
  const out: Record<string, HostFacts> = {};
  for (let i = 0; i < 9; i++) {
    const f = baseFacts({ collectedAt: `2026-05-0${i + 1}T00:00:00Z`, origin: `ssh://root@host${i}:22` });
    f.system = { hostname: `host${i}.example`, arch: 'x86_64' };
    f.packages = [...(f.packages ?? []), ...sets[i % 3]].map((p) => ({ ...p, installTime: 1_700_000_000 + i })).sort((a, b) => (a.name < b.name ? -1 : 1));
    out[`host${i}`] = f;
  }
  return out;
}

const field = (v: JsonValue | undefined, key: string): JsonValue | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v[key] : undefined);

test('assessFleet: identical package sets assessed once; every host × target equals its single-host assessment', async () => {
  const facts = fleetFacts();
  await withFleetStore({ ...Object.fromEntries(Object.entries(facts).map(([h, f]) => [h, json(f)])), broken: { formatVersion: 99 }, never: undefined }, async (store) => {
    const { cache, repos } = fixtureRepos();
    let calls = 0;
    const assess = (input: AssessTargetsInput) => { calls++; return assessTargets(input); };
    const targets = ['rocky-8', 'almalinux-8', 'oraclelinux-8'];
    const summary = await assessFleet({ store, targets, repos, repoCache: cache, catalog, today: TODAY, assess, batchSize: 4 });
    assert.equal(calls, 3, 'one assessment per distinct package set');
    assert.equal(summary.distinctInputs, 3);
    assert.equal(summary.assessments, 9);
    assert.equal(summary.hosts, 11);
    assert.deepEqual(summary.notAssessed.map((n) => n.host).sort(), ['broken', 'never']);
    assert.match(summary.notAssessed.find((n) => n.host === 'broken')?.reason ?? '', /facts format 99/);
    const rows = await store.listFleetAssessments(summary.runId);
    assert.equal(rows.length, 11 * 3);
    assert.equal(new Set(rows.filter((r) => r.readiness !== 'not-assessed').map((r) => r.documentKey)).size, 9, 'one document per distinct set × target');

    const report = await loadFleetReport({ store, catalog, runId: summary.runId });
    // Stored and read back in the order given (--to), not by name: the order that breaks ties.
    assert.deepEqual(report.targets, targets);
    assert.ok(report.hosts.every((h) => h.results.map((r) => r.target).join() === targets.join()), 'every host\'s results in the order given');
    for (const [host, f] of Object.entries(facts)) {
      const single = await assessHost({ facts: f, targets, repos, repoCache: cache, catalog, today: TODAY });
      for (const t of single.targets) {
        const row = rows.find((r) => r.hostName === host && r.target === t.target);
        assert.ok(row, `${host} ${t.target}`);
        const doc = await store.getAssessmentDocument(row.documentKey);
        // As stored (JSON: -0 points read back as 0); the rank is the one among the run's targets.
        assert.deepEqual(doc, JSON.parse(JSON.stringify({ formatVersion: single.formatVersion, assessedAt: field(doc, 'assessedAt'), sourceRelease: single.sourceRelease, sourceName: single.sourceName, ...t })));
        assert.equal(row.readiness, targetReadiness(t));
        assert.equal(row.score, t.score);
        assert.deepEqual(row.blockers, t.inhibitors);
        assert.deepEqual(row.missing, t.fates.filter((x) => x.fate === 'missing').map((x) => x.name));
      }
      assert.equal(report.hosts.find((h) => h.host === host)?.recommended, single.targets[0].target, `${host}: the recommendation is the ranking's first`);
    }
    assert.deepEqual(report.hosts.find((h) => h.host === 'never')?.results.map((r) => r.readiness), ['not-assessed', 'not-assessed', 'not-assessed']);
    assert.equal(report.hosts.find((h) => h.host === 'never')?.recommended, null);

    const why = await store.getAssessmentDocument(rows.find((r) => r.hostName === 'broken')?.documentKey ?? '');
    assert.match(JSON.stringify(why), /facts format 99/, 'a host not assessed has a document saying why');

    // A second run over the same inputs reuses the same documents; the newest run is the default.
    const again = await assessFleet({ store, targets, repos, repoCache: cache, catalog, today: TODAY });
    assert.notEqual(again.runId, summary.runId);
    const keys = (rs: typeof rows) => rs.map((r) => `${r.hostName} ${r.target} ${r.documentKey}`).sort();
    const newest = await store.listFleetAssessments();
    assert.ok(newest.every((r) => r.runId === again.runId));
    assert.deepEqual(keys(newest), keys(rows));
  });
});

test('assessFleet refuses unknown targets and host names before reading anything', async () => {
  await withFleetStore({ web1: json(baseFacts()) }, async (store) => {
    await assert.rejects(assessFleet({ store, targets: ['rocky-88'], catalog, today: TODAY }), { code: 'TARGET_UNKNOWN' });
    await assert.rejects(assessFleet({ store, targets: ['rocky-8'], hostNames: ['web1', 'web2'], catalog, today: TODAY }), (e: Error & { code?: string }) => e.code === 'NOT_FOUND' && /web2/.test(e.message));
    assert.deepEqual(await store.listFleetAssessments(), []);
  });
});

const shared = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
const CS9 = [join(shared, 'repodata', 'cs9-baseos-20220207'), join(shared, 'repodata', 'cs9-appstream-20250113')];

test('assessFleet on real package lists and real CentOS Stream 9 repodata equals ferry assess per host', { skip: !existsSync(CS9[1]) && '../shared/data absent' }, async () => {
  const lists = ['centos_8.txt', 'centos_7.8.2003.txt', 'centos_7.txt'];
  const facts: Record<string, HostFacts> = {};
  for (const l of lists) facts[l] = await readPackageListFile(join(shared, 'manifests', 'docker-repo-info-2020', l));
  const cache = createRepoCache();
  const targets = ['centos-stream-9', 'rocky-8'];
  const repos = { 'centos-stream-9': CS9 };
  await withFleetStore(Object.fromEntries(Object.entries(facts).map(([h, f]) => [h, json(f)])), async (store) => {
    const { runId } = await assessFleet({ store, targets, repos, repoCache: cache, catalog, today: TODAY });
    const rows = await store.listFleetAssessments(runId);
    for (const [host, f] of Object.entries(facts)) {
      const single = await assessHost({ facts: f, targets, repos, repoCache: cache, catalog, today: TODAY });
      for (const t of single.targets) {
        const row = rows.find((r) => r.hostName === host && r.target === t.target);
        assert.ok(row);
        const doc = await store.getAssessmentDocument(row.documentKey);
        assert.deepEqual(field(doc, 'fates'), JSON.parse(JSON.stringify(t.fates)), `${host} ${t.target}`);
        assert.deepEqual(field(doc, 'findings'), JSON.parse(JSON.stringify(t.findings)), `${host} ${t.target}`);
        assert.equal(field(doc, 'score'), t.score);
      }
    }
  });
});

test('assessFleet and the fleet report on a multi-hop route: a CentOS 7 host against rocky-9 is not blocked for want of a direct path; its document and its report row name the route Ferry plans', async () => {
  const facts = baseFacts({ os: { id: 'centos', idLike: ['rhel', 'fedora'], versionId: '7', name: 'CentOS Linux', prettyName: 'CentOS Linux 7 (Core)', raw: {} } });
  await withFleetStore({ el7: json(facts), el8: json(baseFacts()) }, async (store) => {
    await store.upsertHost({ name: 'el7', labels: { source: 'centos-7' } });
    await store.upsertHost({ name: 'el8', labels: { source: 'centos-8' } });
    const run = await assessFleet({ store, targets: ['rocky-9'], today: TODAY });
    const rows = await store.listFleetAssessments(run.runId);
    const el7 = rows.find((r) => r.hostName === 'el7');
    assert.ok(el7 && !el7.blockers.includes('unsupported-path'), JSON.stringify(el7));
    const doc = await store.getAssessmentDocument(el7.documentKey);
    assert.deepEqual(field(doc, 'route'), ['centos-7', 'rocky-8', 'rocky-9']);
    const report = await loadFleetReport({ store, runId: run.runId, catalog });
    const results = Object.fromEntries(report.hosts.map((h) => [h.host, h.results[0]]));
    assert.deepEqual(results.el7.route, ['centos-7', 'rocky-8', 'rocky-9']);
    assert.equal(results.el8.route, undefined, 'CentOS 8 → Rocky 9 is a direct path');
    assert.deepEqual(validateFleetReport(JSON.parse(JSON.stringify(report))), [], 'the published report with a route validates against its schema');
    assert.match(renderFleetText(report), /el7 {2}rocky-9 \([a-z-]+, score [\d.-]+; route centos-7 → rocky-8 → rocky-9\)/);
  });
});

test('assessFleet on a route, hop by hop: a CentOS 7 host whose second hop Rocky 9 refuses is blocked on rocky-9 before anything runs, named with the hop in its document, the report\'s inhibitors and its host line; per-hop --pes and --repo of the intermediate release', async () => {
  const cache = createRepoCache();
  cache.packages.set('mem://r8', Promise.resolve({ packages: [...routeFixture.rocky8.pool.packages] }));
  cache.packages.set('mem://r9', Promise.resolve({ packages: [...routeFixture.rocky9.pool.packages] }));
  // One harmless event (a package no host has): the hops are cross-major, and their transactions are predicted from events.
  const pes = join(dir, 'pes-events.json');
  writeFileSync(pes, JSON.stringify({ packageinfo: [{ id: 1, action: 1, in_packageset: { package: [{ name: 'nothing-installed', repository: 'base' }] }, out_packageset: null,
    initial_release: { major_version: 7, minor_version: 9 }, release: { major_version: 8, minor_version: 0 } }] }));
  await withFleetStore({ el7: json(routeFixture.centos7()) }, async (store) => {
    await store.upsertHost({ name: 'el7', labels: { source: 'centos-7' } });
    const repos = { 'rocky-8': ['mem://r8'], 'rocky-9': ['mem://r9'] };
    const run = await assessFleet({ store, targets: ['rocky-9'], repos, repoCache: cache, pes: [`rocky-8=${pes}`, `rocky-9=${pes}`], catalog, today: TODAY });
    const [row] = await store.listFleetAssessments(run.runId);
    assert.deepEqual([row.readiness, row.blockers], ['blocked', ['third-party-sonames:acme-idn.x86_64']]);
    const doc = await store.getAssessmentDocument(row.documentKey);
    const hops = field(doc, 'hops') as { hop: number; assessedOn: string; inhibitors: string[] }[];
    assert.deepEqual(hops.map((h) => [h.hop, h.assessedOn, h.inhibitors]), [[1, 'collected', []], [2, 'predicted', ['third-party-sonames:acme-idn.x86_64']]]);
    // The same walk as one host's assessment: the fleet's document is assessHost's target.
    const single = await assessHost({ facts: routeFixture.centos7(), targets: ['rocky-9'], repos, repoCache: cache, pes: [`rocky-8=${pes}`, `rocky-9=${pes}`], catalog, today: TODAY });
    assert.deepEqual(JSON.parse(JSON.stringify(single.targets[0].hops)), hops);
    const report = await loadFleetReport({ store, runId: run.runId, catalog });
    assert.deepEqual(validateFleetReport(JSON.parse(JSON.stringify(report))), []);
    assert.deepEqual(report.inhibitors.map((i) => [i.key, i.target, i.hops]), [['third-party-sonames:acme-idn.x86_64', 'rocky-9', ['hop 2: rocky-8 → rocky-9']]]);
    assert.deepEqual(report.hosts[0].results[0].hops?.map((h) => [h.hop, h.blockers]), [[1, []], [2, ['third-party-sonames:acme-idn.x86_64']]]);
    const text = renderFleetText(report);
    assert.match(text, /^ {7}1 {2}third-party-sonames:acme-idn\.x86_64 on rocky-9 \(hop 2: rocky-8 → rocky-9\): el7$/m);
    assert.match(text, /^ {6}rocky-9 blocked on hop 2: rocky-8 → rocky-9: third-party-sonames:acme-idn\.x86_64$/m);
    assert.match(renderFleetHtml(report), /blocked on hop 2: rocky-8 → rocky-9: <code>third-party-sonames:acme-idn\.x86_64<\/code>/);
    // Without hop 1's events its transaction is not predicted: hop 2 not assessed, the host at risk, not ready.
    const unpredicted = await assessFleet({ store, targets: ['rocky-9'], repos, repoCache: cache, pes: [`rocky-9=${pes}`], catalog, today: TODAY });
    const [risk] = await store.listFleetAssessments(unpredicted.runId);
    assert.deepEqual([risk.readiness, risk.blockers], ['risks', []]);
  });
});

test('assessFleet with --pes for a path the catalog has no repomap for (CentOS 7 → OpenCloudOS 8): refused without a repomap beside the events (REPOMAP_REQUIRED, as ferry assess); with one, assessed', async () => {
  const base = baseFacts({ origin: 'ssh://root@el7:22' });
  const os = baseFacts().os!;
  const el7: HostFacts = { ...base, os: { ...os, versionId: '7' } };
  await withFleetStore({ el7: json(el7) }, async (store) => {
    const data = writeLabLeappData(mkdtempSync(join(dir, 'leapp-')));
    const bare = mkdtempSync(join(dir, 'bare-'));
    copyFileSync(data.pes, join(bare, 'pes-events.json'));
    await assert.rejects(assessFleet({ store, targets: ['opencloudos-8'], catalog, today: TODAY, pes: join(bare, 'pes-events.json') }),
      (e: unknown) => isFerryError(e, 'REPOMAP_REQUIRED') && e.message.startsWith('centos-7 → opencloudos-8: the catalog has no Leapp repomap'));
    const summary = await assessFleet({ store, targets: ['opencloudos-8'], catalog, today: TODAY, pes: data.pes });
    assert.equal(summary.assessments, 1);
  });
});
