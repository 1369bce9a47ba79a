/**
 * The route fault matrix (`npm run bench -- faults --kind=route [--only=I,J]`): `ferry migrate --to rocky-9` on
 * the lab's CentOS 7 root (test/lab/el7-route.ts: CentOS 7 → Rocky 8 → Rocky 9, Rocky's events for each hop, the
 * reboots into the offline updates modelled by test/lab/boot.ts), SIGKILLed at every kill point the route's plan
 * gives (test/e2e/route-kill-points.ts routeKillPoints: each step's start and end of both hops, each reboot
 * waited for, the gate, between the hops), one fresh host a point; then `ferry resume` to the end. Each host
 * must end with the package set predicted before hop 1 (`rpm -qa` against the prediction), `rpm -Va` and
 * `dnf check` clean, on Rocky 9, every reboot journaled back, no lock or process left (killAndResume).
 * Prints one line a point and `route kill points: passed P/N`; `--only=I,J` runs points I and J (1-based) alone,
 * as a failure's replay line says. `--over=sshd`: each host an SSH lab host reached through its loopback sshd, which
 * each reboot stops for the boot (connections dropped, new ones hang) and restarts after (SIGHUP: re-executed).
 */
import type { Lab } from '../../test/lab/lab.js';
import { EL7_PES, el7Route } from '../../test/lab/el7-route.js';
import { killAndResume, routeKillPoints } from '../../test/e2e/route-kill-points.js';
import { planRoute } from '../../src/app/route.js';
import { createLocalTransport } from '../../src/transport/local.js';

export async function routeMatrix(lab: Lab, o: { only?: number[]; sshd: boolean }): Promise<boolean> {
  const { only } = o;
  const route = await el7Route(lab);
  const template = await route.host();
  const t = createLocalTransport({ root: template.root });
  const planned = await planRoute({ transport: t, target: 'rocky-9', repos: route.repos, gpgcheck: false, pes: route.pes });
  await t.close();
  template.dispose();
  const predicted = planned.hops.map((h, i) => {
    if (!h.predicted?.ok) throw new Error(`hop ${i + 1} (${h.from} → ${h.to}) has no prediction`);
    return h.predicted;
  });
  const points = routeKillPoints(planned);
  const chosen = only ?? points.map((_, i) => i + 1);
  console.log(`route ${planned.source} → ${planned.hops.map((h) => h.to).join(' → ')}${o.sshd ? ' over sshd (restarted at each reboot)' : ' on a local lab root'}: ${points.length} kill points (${planned.hops.map((h, i) => `hop ${i + 1} ${h.plan.steps.length} steps`).join(', ')}); running ${chosen.length}`);
  const wall = performance.now();
  const failed: { n: number; label: string; problems: string[] }[] = [];
  for (const n of chosen) {
    const p = points[n - 1];
    if (!p) throw new Error(`--only=${n}: the route has ${points.length} kill points`);
    const started = performance.now();
    const ssh = o.sshd ? await lab.sshHost({ from: 'centos-7', localPackages: EL7_PES }) : undefined;
    const host = ssh ?? await route.host();
    let problems: string[];
    try {
      problems = await killAndResume({ host, target: 'rocky-9', repos: route.repos, pes: route.pes, last: route.rocky9, predicted, points: [p],
        ...(ssh ? { sshd: { port: ssh.port, key: ssh.privateKeyPath, knownHosts: ssh.knownHostsPath, pid: ssh.sshd.pid, log: ssh.sshd.log } } : {}) });
    } catch (e) {
      problems = [`internal: ${String((e as Error)?.stack ?? e)}`];
    } finally {
      if (ssh) await ssh.stop(); else host.dispose();
    }
    if (problems.length) failed.push({ n, label: p.label, problems });
    console.log(`${String(n).padStart(3)}/${points.length} ${p.label.padEnd(46)} ${problems.length ? `FAILED: ${problems[0].slice(0, 300)}` : 'killed → resumed → predicted set, rpm -Va and dnf check clean'} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  console.log(`\nroute kill points: passed ${chosen.length - failed.length}/${chosen.length} (of ${points.length} the plan gives) in ${((performance.now() - wall) / 1000).toFixed(0)} s`);
  for (const f of failed) console.log(`FAILED ${f.n} (${f.label}):\n  ${f.problems.join('\n  ')}\n  replay: npm run bench -- faults --kind=route${o.sshd ? ' --over=sshd' : ''} --only=${f.n}`);
  return failed.length === 0;
}
