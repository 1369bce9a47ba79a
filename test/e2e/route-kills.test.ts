// Issue 20's Must-show for routes: Ferry SIGKILLed at the kill points of `ferry migrate --to rocky-9` on the lab's
// CentOS 7 root (7 → 8 → 9), then `ferry resume` completes with the package set predicted before hop 1, rpm -Va
// and dnf check clean. The full matrix, every kill point the plan gives on a fresh host each, is
// `npm run bench -- faults --kind=route`; here the point between recording the route and starting its first hop,
// and a seeded sample of the others, killed one after the other on one host (FERRY_ROUTE_KILLS_SEED replays a
// sample; the default changes daily).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRoute, type RoutePlan } from '../../src/app/route.js';
import { prng } from '../../src/solver/scenario.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { el7Route, type El7Route } from '../lab/el7-route.js';
import { skipUnlessShared, skipUnlessTools } from '../support/shared.js';
import { useLab } from './helpers.js';
import { killAndResume, routeKillPoints, type RouteKillPoint } from './route-kill-points.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'dnf', 'rpm', 'setsid', 'pgrep') || skipUnlessShared('leapp', 'pes-events.rocky.json');
const lab = useLab(skip);
const SAMPLE = 4;

let planned: { route: El7Route; plan: RoutePlan } | undefined;
async function route(): Promise<{ route: El7Route; plan: RoutePlan }> {
  if (planned) return planned;
  const r = await el7Route(lab());
  const h = await r.host();
  const t = createLocalTransport({ root: h.root });
  try {
    planned = { route: r, plan: await planRoute({ transport: t, target: 'rocky-9', repos: r.repos, gpgcheck: false, pes: r.pes }) };
  } finally {
    await t.close();
    h.dispose();
  }
  return planned;
}

async function run(points: RouteKillPoint[]): Promise<string[]> {
  const { route: r, plan } = await route();
  const predicted = plan.hops.map((h) => { assert.ok(h.predicted?.ok, `hop ${h.from} → ${h.to} predicted`); return h.predicted; });
  const host = await r.host();
  try {
    return await killAndResume({ host, target: 'rocky-9', repos: r.repos, pes: r.pes, last: r.rocky9, predicted, points });
  } finally {
    host.dispose();
  }
}

test('the route\'s kill points are the plan\'s: each step\'s start and end of both hops, dnf or rpm running, each reboot, the gate and between the hops, in run order', { skip }, async () => {
  const { plan } = await route();
  const points = routeKillPoints(plan);
  const steps = plan.hops.map((h) => h.plan.steps.length);
  const dnf = plan.hops.map((h) => h.plan.steps.filter((s) => ['download-packages', 'rpmdb-rebuild', 'upgrade-transaction'].includes(s.kind)).length);
  assert.deepEqual(dnf, [2, 3], 'hop 1 downloads and upgrades; hop 2 also converts the rpm database');
  assert.equal(points.length, 1 + steps[0] * 2 + dnf[0] + 1 + 2 + steps[1] * 2 + dnf[1] + 1, points.map((p) => p.label).join('\n'));
  const labels = points.map((p) => p.label);
  const at = (l: string): number => { const i = labels.indexOf(l); assert.ok(i >= 0, `${l} in\n${labels.join('\n')}`); return i; };
  const up1 = plan.hops[0].plan.steps.findIndex((s) => s.kind === 'upgrade-transaction');
  assert.ok(at(`hop 1 start:${up1} upgrade-transaction`) < at(`hop 1 output:${up1} upgrade-transaction (dnf or rpm running)`) && at(`hop 1 output:${up1} upgrade-transaction (dnf or rpm running)`) < at('hop 1 reboot 1 (upgrade-transaction) waited for') && at('hop 1 reboot 1 (upgrade-transaction) waited for') < at(`hop 1 end:${up1} upgrade-transaction`));
  assert.ok(at(`hop 1 end:${steps[0] - 1} verify`) < at('gate before hop 2') && at('gate before hop 2') < at('hop 2 starting (its gate passed)') && at('hop 2 starting (its gate passed)') < at('hop 2 start:0 preflight'));
  assert.deepEqual(points.filter((p) => p.stall.startsWith('rebootwait:')).map((p) => [p.stall, p.hop]), [['rebootwait:1', 1], ['rebootwait:1', 2]]);
});

test('SIGKILL once the route is recorded, before hop 1 started: ferry resume starts hop 1 from the route file and completes the route as predicted', { skip }, async () => {
  const { plan } = await route();
  const first = routeKillPoints(plan)[0];
  assert.equal(first.stall, 'hop:1');
  assert.deepEqual(await run([first]), []);
});

test(`SIGKILL at a seeded sample of ${SAMPLE} of the route's kill points, each resume killed at the next, then resumed: completes as predicted, rpm -Va and dnf check clean`, { skip }, async (t) => {
  const { plan } = await route();
  const points = routeKillPoints(plan).slice(1);
  const seed = Number(process.env.FERRY_ROUTE_KILLS_SEED ?? Math.floor(Date.now() / 86_400_000));
  const rnd = prng(seed);
  const picked = new Set<number>();
  while (picked.size < SAMPLE) picked.add(Math.floor(rnd() * points.length));
  const sample = [...picked].sort((a, b) => a - b).map((i) => points[i]);
  t.diagnostic(`seed ${seed}: ${sample.map((p) => p.label).join('; ')}`);
  assert.deepEqual(await run(sample), [], `FERRY_ROUTE_KILLS_SEED=${seed} replays: ${sample.map((p) => p.label).join('; ')}`);
});
