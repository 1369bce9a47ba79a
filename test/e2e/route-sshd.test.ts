// Issue 20's route over the lab's loopback sshd (an SSH lab host: Ferry reaches its root through sshd, each reboot
// into an offline update modelled by test/lab/boot.ts, dropping the SSH connections). Ferry runs as its own process
// (migrate-child.ts over SSH) and is SIGKILLed at a kill point; the recovery is the ferry CLI over sshd:
// - `ferry rollback --route` before hop 1's point of no return: the host as before the route;
// - `ferry resume`, stopped by a new inhibitor at the gate before hop 2, then `ferry resume --override KEY=REASON`,
//   killed while hop 2's reboot is waited for, then `ferry resume`, with sshd restarted (stopped for the boot, so
//   connections hang, then re-executed) across both route reboots: the route completes with the package set
//   predicted before hop 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planRoute, type RouteDocument } from '../../src/app/route.js';
import { readJournal } from '../../src/exec/journal.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { applyPrediction, bootFiles, EL7_PES, el7Route } from '../lab/el7-route.js';
import { labBootLog } from '../lab/boot.js';
import type { LabSshHost } from '../lab/lab.js';
import { skipUnlessShared, skipUnlessTools } from '../support/shared.js';
import { ferry } from './cli.js';
import { hostState, killAtRebootWait, packageSet, runChild, sh, useLab } from './helpers.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'dnf', 'rpm', 'setsid', 'sshd', 'pkill') || skipUnlessShared('leapp', 'pes-events.rocky.json');
const lab = useLab(skip);

/** migrate-child's environment for the route on `h` over its sshd (restarted at each reboot with `restart`). */
function childEnv(h: LabSshHost, repos: string[], pes: string[], restart: boolean): NodeJS.ProcessEnv & ReturnType<typeof bootFiles> {
  return { ...h.env, ...bootFiles(), FERRY_E2E_ROOT: h.root, FERRY_E2E_TARGET: 'rocky-9', FERRY_E2E_REPO: repos.join('\n'), FERRY_E2E_PES: pes.join('\n'),
    FERRY_E2E_SSH: JSON.stringify({ port: h.port, key: h.privateKeyPath, knownHosts: h.knownHostsPath, sshdPid: h.sshd.pid, restart }) };
}

/** The CLI's host arguments for `h` over its sshd. */
const hostArgs = (h: LabSshHost): string[] => [`root@127.0.0.1:${h.port}`, '--root', h.root, '-i', h.privateKeyPath, '--known-hosts', h.knownHostsPath];


async function waitFor(ok: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const readRouteFile = (h: LabSshHost): RouteDocument => JSON.parse(readFileSync(join(h.root, 'var/lib/ferry/route.json'), 'utf8')) as RouteDocument;

test('CentOS 7 → Rocky 9 over sshd, Ferry SIGKILLed after hop 1\'s download (before its point of no return): ferry rollback --route over sshd gives back the host as before the route', { skip }, async () => {
  const r = await el7Route(lab());
  const h = await lab().sshHost({ from: 'centos-7', localPackages: EL7_PES });
  try {
    const original = hostState(h.root, h.env);
    const local = createLocalTransport({ root: h.root });
    const planned = await planRoute({ transport: local, target: 'rocky-9', repos: r.repos, gpgcheck: false, pes: r.pes });
    await local.close();
    const steps = planned.hops[0].plan.steps;
    const download = steps.findIndex((s) => s.kind === 'download-packages');
    assert.ok(download >= 0 && download < steps.findIndex((s) => s.pointOfNoReturn), steps.map((s) => s.kind).join(' '));
    const killed = await runChild({ ...childEnv(h, r.repos, r.pes, false), FERRY_E2E_MODE: 'migrate', FERRY_E2E_STALL_HOP: '1' }, `end:${download}`);
    assert.ok(killed.killed, killed.out);
    assert.notEqual(hostState(h.root, h.env).rpmdb, original.rpmdb, 'hop 1 imported the Rocky 8 keys');

    const back = await ferry(['rollback', ...hostArgs(h), '--route']);
    assert.equal(back.code, 0, `${back.out}\n${back.err}`);
    assert.match(back.out, /^Route centos-7 → rocky-8 → rocky-9 rolled back: the host runs centos-7/m, back.out);
    assert.deepEqual(hostState(h.root, h.env), original, 'packages, /etc and the rpm database as before the route');
    assert.equal(sh(['rpm', '--root', h.root, '-Va'], h.env).stdout, '', 'rpm -Va clean');
    const route = readRouteFile(h);
    assert.deepEqual(route.rollback?.hops.map((x) => [x.hop, x.outcome]), [[1, 'rolled-back']]);
    assert.equal(route.hops[1].executionId, null, 'hop 2 never started');
    const t = createLocalTransport({ root: h.root });
    const journal = await readJournal(t, route.hops[0].executionId ?? '');
    await t.close();
    assert.deepEqual(journal.filter((e) => e.event === 'rollback').map((e) => e.event === 'rollback' && e.phase), ['start', 'end'], 'hop 1\'s rollback journaled in its execution');
  } finally {
    await h.stop();
  }
});

test('CentOS 7 → Rocky 9 over sshd restarted at each reboot: SIGKILLed at the gate before hop 2, a new inhibitor stops ferry resume there; ferry resume --override KEY=REASON over sshd, SIGKILLed while hop 2\'s reboot is waited for, then ferry resume completes the route with the predicted package set', { skip }, async () => {
  const r = await el7Route(lab());
  const h = await lab().sshHost({ from: 'centos-7', localPackages: EL7_PES });
  try {
    const before = packageSet(h.root, h.env);
    const local = createLocalTransport({ root: h.root });
    const planned = await planRoute({ transport: local, target: 'rocky-9', repos: r.repos, gpgcheck: false, pes: r.pes });
    await local.close();
    const [p1, p2] = planned.hops.map((x) => x.predicted);
    assert.ok(p1?.ok && p2?.ok);
    const env = childEnv(h, r.repos, r.pes, true);
    // Hop 1 through its reboot (sshd stopped for the boot, restarted after), killed as the gate before hop 2 starts.
    const killed = await runChild({ ...env, FERRY_E2E_MODE: 'migrate' }, 'gate:2');
    assert.ok(killed.killed, killed.out);
    assert.match(readFileSync(join(h.root, 'etc/os-release'), 'utf8'), /^VERSION_ID="8/m, 'hop 1 left the host on Rocky 8');
    // Registered to Spacewalk after hop 1 (its systemid alone).
    mkdirSync(join(h.root, 'etc/sysconfig/rhn'), { recursive: true });
    writeFileSync(join(h.root, 'etc/sysconfig/rhn/systemid'), '<?xml version="1.0"?><params/>\n');

    const reboot = ['--reboot-command', JSON.stringify(['sh', join(env.FERRY_E2E_BOOT_ID_FILE, '..', 'lab-boot', 'lab-reboot.sh')]), '--boot-id-file', env.FERRY_E2E_BOOT_ID_FILE, '--reboot-timeout', '1m'];
    const stopped = await ferry(['resume', ...hostArgs(h), ...reboot]);
    assert.notEqual(stopped.code, 0, stopped.out);
    assert.match(stopped.err, /PLAN_INHIBITED.*stopped before hop 2 of 2 \(rocky-8 → rocky-9\).*management-agents:spacewalk/s, stopped.err);
    assert.equal(readRouteFile(h).hops[1].executionId, null, 'hop 2 not started');

    // ferry resume --override, its own process, SIGKILLed while hop 2's reboot is waited for (sshd stopped for the boot).
    const bootId = readFileSync(env.FERRY_E2E_BOOT_ID_FILE, 'utf8');
    const err = await killAtRebootWait(['resume', ...hostArgs(h), ...reboot, '--override', 'management-agents:spacewalk=the Spacewalk channel carries Rocky 9'], { ...process.env, FERRY_FROM_SOURCE: '1' });
    assert.match(err, /passed: rocky-8 → rocky-9 .*its inhibitors overridden by .*: management-agents:spacewalk/, err);
    await waitFor(() => readFileSync(env.FERRY_E2E_BOOT_ID_FILE, 'utf8') !== bootId, 120_000, 'the lab host to come back from hop 2\'s offline update');
    // And its sshd listening again, restarted after that boot (its start, and one restart a reboot).
    await waitFor(() => (h.sshd.log().match(/Server listening/g)?.length ?? 0) >= 3, 60_000, 'sshd to listen again');
    const done = await ferry(['resume', ...hostArgs(h), ...reboot]);
    assert.equal(done.code, 0, `${done.out}\n${done.err}`);
    assert.match(done.err, /came back from the reboot requested earlier/, done.err);
    assert.deepEqual(packageSet(h.root, h.env), applyPrediction(applyPrediction(before, p1.changes), p2.changes), 'exactly the package set Ferry predicted before hop 1');
    assert.match(readFileSync(join(h.root, 'etc/os-release'), 'utf8'), /^VERSION_ID="9/m);
    const check = sh(['dnf', ...h.dnfArgs(r.rocky9), 'check'], h.env);
    assert.equal(check.status, 0, `dnf check: ${check.stdout}${check.stderr}`);
    assert.equal(sh(['rpm', '--root', h.root, '-Va'], h.env).stdout, '', 'rpm -Va clean');
    const route = readRouteFile(h);
    assert.deepEqual(route.gates.at(-1)?.overridden?.map((x) => [x.findingKey, x.reason]), [['management-agents:spacewalk', 'the Spacewalk channel carries Rocky 9']]);
    // Each hop rebooted once into its offline update, journaled back; sshd restarted at each (it says so in its log).
    const t = createLocalTransport({ root: h.root });
    for (const hop of route.hops) {
      const reboots = (await readJournal(t, hop.executionId ?? '')).filter((e) => e.event === 'reboot').map((e) => e.phase);
      assert.deepEqual(reboots, ['requested', 'returned'], `${hop.from} → ${hop.to}`);
    }
    await t.close();
    assert.deepEqual(labBootLog(join(env.FERRY_E2E_BOOT_ID_FILE, '..', 'lab-boot')).map((b) => b.target), ['system-update.target', 'default.target', 'system-update.target', 'default.target']);
    assert.equal(h.sshd.log().match(/Received SIGHUP; restarting/g)?.length, 2, h.sshd.log());
  } finally {
    await h.stop();
  }
});
