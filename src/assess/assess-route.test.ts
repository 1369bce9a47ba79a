// A route assessed hop by hop (assessRoute): hop 1 on the host's facts, hop 2 on the end state hop 1's solver
// transaction leaves (predictedFacts), each with its findings, fates and transaction; the target's verdict the worst.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../catalog/index.js';
import { assessRoute, assessTargets } from './assess.js';
import { predictedFacts } from './predicted-facts.js';
import { targetReadiness } from './readiness.js';
import * as routeFixture from './testing/route-fixture.js';

const catalog = loadCatalog();
const { centos7, rocky8, rocky9, LIBIDN } = routeFixture;
const TODAY = '2026-12-01';

test('assessRoute: hop 1 on the host\'s facts, hop 2 on exactly the facts hop 1\'s predicted transaction leaves; the soname Rocky 9 lacks inhibits hop 2 only', () => {
  const facts = centos7();
  const walk = assessRoute({ facts, catalog, today: TODAY }, [{ release: 'rocky-8', repo: rocky8, pesEvents: [] }, { release: 'rocky-9', repo: rocky9, pesEvents: [] }]);
  assert.equal(walk.unpredicted, undefined);
  assert.deepEqual(walk.hops.map((h) => [h.hop, h.from, h.to, h.assessedOn, h.target.path?.method, h.target.inhibitors]), [
    [1, 'centos-7', 'rocky-8', 'collected', 'cross-major-pes', []],
    [2, 'rocky-8', 'rocky-9', 'predicted', 'cross-major-pes', ['third-party-sonames:acme-idn.x86_64']],
  ]);
  const [hop1, hop2] = walk.hops;
  assert.equal(hop1.facts, facts);
  assert.ok(hop1.prediction?.ok);
  assert.deepEqual(hop1.prediction.changes.filter((c) => c.name === 'libidn').map((c) => [c.action, c.nevra]), [['upgrade', 'libidn-1.34-5.el8.x86_64']]);
  assert.deepEqual(hop2.facts, predictedFacts({ facts, prediction: hop1.prediction, target: rocky8.pool.packages, release: catalog.release('rocky-8') }));
  assert.deepEqual(hop2.facts.packages?.map((p) => `${p.name}-${p.version}-${p.release}`).sort(), ['acme-idn-1.0-1', 'bash-4.4.20-4.el8', 'libidn-1.34-5.el8']);
  const soname = hop2.target.findings.find((f) => f.key === 'third-party-sonames:acme-idn.x86_64');
  assert.deepEqual(soname?.details, { package: 'acme-idn-1.0-1.x86_64', sonames: [LIBIDN], providers: ['libidn-0:1.34-5.el8.x86_64'] });
  assert.ok(hop2.prediction?.ok, 'the last hop\'s transaction is predicted too');
});

test('assessRoute: a hop whose transaction is not predicted (no repositories) stops the walk, saying which hop and why', () => {
  const walk = assessRoute({ facts: centos7(), catalog, today: TODAY }, [{ release: 'rocky-8', pesEvents: [] }, { release: 'rocky-9', repo: rocky9, pesEvents: [] }]);
  assert.deepEqual(walk.hops.map((h) => [h.hop, h.to, h.prediction]), [[1, 'rocky-8', undefined]]);
  assert.deepEqual(walk.unpredicted, { hop: 2, from: 'rocky-8', to: 'rocky-9', reason: 'Ferry could not predict the package set hop 1 (centos-7 → rocky-8) leaves (no repository of rocky-8 was given)' });
  const unreadable = assessRoute({ facts: centos7(), catalog, today: TODAY }, [{ release: 'rocky-8', repoUnreadable: 'REPO_FETCH: down', pesEvents: [] }, { release: 'rocky-9' }]);
  assert.match(unreadable.unpredicted?.reason ?? '', /\(no repository of rocky-8 was readable\)$/);
  // A cross-major hop without events: the solver is not asked (Leapp's events decide what is renamed or removed).
  const noPes = assessRoute({ facts: centos7(), catalog, today: TODAY }, [{ release: 'rocky-8', repo: rocky8 }, { release: 'rocky-9', repo: rocky9 }]);
  assert.equal(noPes.unpredicted?.hop, 2);
});

test('assessTargets with a route\'s hops: the target is blocked by hop 2\'s inhibitor, named with its hop in the route finding and the ranking; a direct target beside it is ranked as before', () => {
  const facts = centos7();
  const a = assessTargets({ facts, catalog, today: TODAY, targets: [
    { release: 'rocky-9', repo: rocky9, pesEvents: [], hops: [{ release: 'rocky-8', repo: rocky8, pesEvents: [] }, { release: 'rocky-9', repo: rocky9, pesEvents: [] }] },
    { release: 'rocky-8', repo: rocky8, pesEvents: [] },
  ] });
  const r9 = a.targets.find((t) => t.target === 'rocky-9');
  const r8 = a.targets.find((t) => t.target === 'rocky-8');
  assert.ok(r9 && r8);
  assert.deepEqual([r9.route, r9.path, r9.inhibitors, targetReadiness(r9)], [['centos-7', 'rocky-8', 'rocky-9'], null, ['third-party-sonames:acme-idn.x86_64'], 'blocked']);
  assert.deepEqual(r9.hops?.map((h) => [h.hop, h.assessedOn, h.inhibitors.length, h.predictedTransaction?.ok]), [[1, 'collected', 0, true], [2, 'predicted', 1, true]]);
  const route = r9.findings.find((f) => f.key === 'multi-hop-route');
  assert.match(route?.summary ?? '', /Inhibited on hop 2 \(rocky-8 → rocky-9\): third-party-sonames:acme-idn\.x86_64\.$/);
  assert.deepEqual(r9.reasons.find((x) => x.factor === 'blockers'), { factor: 'blockers', points: -100, text: '1 inhibitor: third-party-sonames:acme-idn.x86_64 (hop 2: rocky-8 → rocky-9)' });
  // Hop 1 is the direct rocky-8 target's assessment, finding for finding.
  assert.deepEqual(r9.hops?.[0].findings, r8.findings);
  assert.deepEqual(r9.fates, r8.fates, 'the route\'s fates are its first hop\'s: the host\'s packages as they are now');
  assert.deepEqual([r8.inhibitors, r8.rank, r9.rank], [[], 1, 2]);
  // The libidn Rocky 9 lacks stays behind on hop 2: counted once over the route.
  assert.deepEqual(r9.hops?.[1].fates.find((f) => f.name === 'libidn')?.fate, 'missing');
});
