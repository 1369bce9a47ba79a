/**
 * SIGKILL of Ferry at the kill points of a multi-hop route (issue 20), for the route kill tests
 * (route-kills.test.ts) and the route fault matrix (`npm run bench -- faults --kind=route`):
 *
 * - routeKillPoints: every point the route's plan gives, in the order a run meets them — the route recorded
 *   (`hop:1`), then for each hop every step's start and end (migrate-child's `start:N` / `end:N` within the hop)
 *   with, in between, the first output line of a step that runs dnf or rpm (`output:N:1`) and the reboot of a step
 *   that ends in one waited for (`rebootwait:K`), and between two hops the
 *   gate before the next one (`gate:N`) and the next hop starting, its gate passed (`hop:N`).
 * - killAndResume: `ferry migrate --to TARGET` on a lab root, SIGKILLed at the points given (each resume killed
 *   at the next one), then `ferry resume` to the end; the problems the host shows then (none is the goal):
 *   a point not reached, a resume that did not complete, a package set other than the one predicted before
 *   hop 1, `rpm -Va` or `dnf check` not clean, a host lock or a process of the run left.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROUTE_FILE, type RouteDocument, type RoutePlan } from '../../src/app/route.js';
import { readJournal } from '../../src/exec/journal.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { materializePlan } from '../../src/exec/steps/index.js';
import { applyPrediction, bootFiles } from '../lab/el7-route.js';
import type { LabDistro, LabHost } from '../lab/lab.js';
import { packageSet, runChild, sh } from './helpers.js';

export interface RouteKillPoint {
  /** What the point is, for a report: `hop 2 end:6 upgrade-transaction`. */
  label: string;
  /** migrate-child's FERRY_E2E_STALL. */
  stall: string;
  /** migrate-child's FERRY_E2E_STALL_HOP: the hop whose steps `stall` counts. */
  hop?: number;
}

/** The steps that run dnf or rpm at length: killed at their first output line too, the tool still running. */
const RUNS_DNF = new Set(['download-packages', 'rpmdb-rebuild', 'upgrade-transaction']);

export function routeKillPoints(route: Pick<RoutePlan, 'hops'>): RouteKillPoint[] {
  const out: RouteKillPoint[] = [{ label: 'route recorded, hop 1 not started', stall: 'hop:1' }];
  for (const [h, hop] of route.hops.entries()) {
    const n = h + 1;
    if (n > 1) {
      out.push({ label: `gate before hop ${n}`, stall: `gate:${n}` }, { label: `hop ${n} starting (its gate passed)`, stall: `hop:${n}` });
    }
    let reboots = 0;
    for (const [i, step] of materializePlan(hop.plan).steps.entries()) {
      out.push({ label: `hop ${n} start:${i} ${step.kind}`, stall: `start:${i}`, hop: n });
      if (RUNS_DNF.has(step.kind)) out.push({ label: `hop ${n} output:${i} ${step.kind} (dnf or rpm running)`, stall: `output:${i}:1`, hop: n });
      if (step.endsInReboot) out.push({ label: `hop ${n} reboot ${++reboots} (${step.kind}) waited for`, stall: `rebootwait:${reboots}`, hop: n });
      out.push({ label: `hop ${n} end:${i} ${step.kind}`, stall: `end:${i}`, hop: n });
    }
  }
  return out;
}

export interface RouteKillRun {
  host: LabHost;
  target: string;
  repos: string[];
  pes: string[];
  /** The last hop's target distribution (dnf check runs against it). */
  last: LabDistro;
  /** The route's predicted changes, hop by hop, as planned before hop 1. */
  predicted: { changes: { action: string; nevra: string; from?: string }[] }[];
  points: RouteKillPoint[];
  /** Over the lab host's loopback sshd (migrate-child's FERRY_E2E_SSH): its reboots drop the connections and restart sshd. */
  sshd?: { port: number; key: string; knownHosts: string; pid: number; log(): string };
}

/** Problems found (none: every point was reached, killed there, and the resume completed as predicted). */
export async function killAndResume(o: RouteKillRun): Promise<string[]> {
  const problems: string[] = [];
  const before = packageSet(o.host.root, o.host.env);
  const expected = o.predicted.reduce((set, p) => applyPrediction(set, p.changes), before);
  const boot = bootFiles();
  const env = { ...o.host.env, ...boot, FERRY_E2E_ROOT: o.host.root, FERRY_E2E_TARGET: o.target, FERRY_E2E_REPO: o.repos.join('\n'), FERRY_E2E_PES: o.pes.join('\n'),
    ...(o.sshd ? { FERRY_E2E_SSH: JSON.stringify({ port: o.sshd.port, key: o.sshd.key, knownHosts: o.sshd.knownHosts, sshdPid: o.sshd.pid, restart: true }) } : {}) };
  let mode = 'migrate';
  for (const p of o.points) {
    const bootId = readFileSync(boot.FERRY_E2E_BOOT_ID_FILE, 'utf8');
    const r = await runChild({ ...env, FERRY_E2E_MODE: mode, ...(p.hop ? { FERRY_E2E_STALL_HOP: String(p.hop) } : {}) }, p.stall);
    if (!r.killed) return [...problems, `${p.label}: not reached (${mode} ended with ${r.code}): ${r.out.slice(-1500)}`];
    mode = 'resume';
    // Killed while the host reboots: it boots on without Ferry, which reaches it again once it is back.
    if (p.stall.startsWith('rebootwait:') && !await waitUntil(() => readFileSync(boot.FERRY_E2E_BOOT_ID_FILE, 'utf8') !== bootId, 120_000)) {
      return [...problems, `${p.label}: the lab host did not come back from its reboot`];
    }
    // Over sshd, back means sshd listening again after its restart (the boot id changes first): one listen at its
    // start and one a reboot requested. (A connection while it restarts is reset: TRANSPORT_CONNECT, as it should be.)
    if (p.stall.startsWith('rebootwait:') && o.sshd) {
      const sshd = o.sshd;
      const requested = (await journaledReboots(o.host.root)).flat().filter((x) => x === 'requested').length;
      if (!await waitUntil(() => (sshd.log().match(/Server listening/g)?.length ?? 0) >= 1 + requested, 120_000)) return [...problems, `${p.label}: sshd did not listen again after the reboot`];
    }
  }
  const done = await runChild({ ...env, FERRY_E2E_MODE: mode });
  if (!/RESULT completed/.test(done.out)) return [...problems, `resume after ${o.points.at(-1)?.label ?? 'no kill'} did not complete (exit ${done.code}): ${done.out.slice(-1500)}`];
  const after = packageSet(o.host.root, o.host.env);
  const unexpected = after.filter((x) => !expected.includes(x));
  const missing = expected.filter((x) => !after.includes(x));
  if (unexpected.length || missing.length) problems.push(`package set not the predicted one: not predicted ${unexpected.join(' ') || '-'}; predicted but absent ${missing.join(' ') || '-'}`);
  const va = sh(['rpm', '--root', o.host.root, '-Va'], o.host.env);
  if (va.stdout !== '') problems.push(`rpm -Va: ${va.stdout.slice(0, 800)}`);
  const check = sh(['dnf', ...o.host.dnfArgs(o.last), 'check'], o.host.env);
  if (check.status !== 0) problems.push(`dnf check (exit ${check.status}): ${(check.stdout + check.stderr).slice(0, 800)}`);
  if (!new RegExp(`^VERSION_ID="${o.last.releasever}`, 'm').test(readFileSync(join(o.host.root, 'etc/os-release'), 'utf8'))) problems.push(`/etc/os-release is not ${o.last.id}'s`);
  if (existsSync(join(o.host.root, 'var/lib/ferry/lock'))) problems.push('the host lock is left');
  const procs = spawnSync('pgrep', ['-a', '-f', '--', o.host.root], { encoding: 'utf8' }).stdout.trim();
  if (procs) problems.push(`processes left: ${procs.split('\n').join('; ')}`);
  // Each hop rebooted into its offline update, and every reboot requested was journaled back.
  let requested = 0;
  for (const [i, reboots] of (await journaledReboots(o.host.root)).entries()) {
    if (reboots.length === 0 || reboots.join(' ') !== Array.from({ length: reboots.length / 2 }, () => 'requested returned').join(' ')) problems.push(`hop ${i + 1}'s reboots journaled: ${reboots.join(' ') || 'none'}`);
    requested += reboots.filter((r) => r === 'requested').length;
  }
  // Each reboot restarted sshd (its log says so), so every resume reached the host through a new sshd.
  const restarts = o.sshd?.log().match(/Received SIGHUP; restarting/g)?.length ?? 0;
  if (o.sshd && restarts !== requested) problems.push(`sshd restarted ${restarts} times for ${requested} reboots`);
  return problems;
}

/** The reboot records (`requested`, `returned`) of each hop's execution on the root, hop by hop (none for a hop not started). */
async function journaledReboots(root: string): Promise<string[][]> {
  const route = JSON.parse(readFileSync(join(root, ROUTE_FILE), 'utf8')) as RouteDocument;
  const t = createLocalTransport({ root });
  try {
    const out: string[][] = [];
    for (const hop of route.hops) out.push(hop.executionId ? (await readJournal(t, hop.executionId)).filter((e) => e.event === 'reboot').map((e) => e.phase) : []);
    return out;
  } finally {
    await t.close();
  }
}

async function waitUntil(ok: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
