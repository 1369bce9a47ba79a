/**
 * Ferry's demo (`npm run demo`): its main job on a lab fleet built from real RPMs, on the embedded default
 * store (SQLite), every step a real `ferry` command (printed, so each can be re-run by hand):
 *
 *   1. the lab fleet (test/lab/fleet.ts): N hosts (default 50), each its own sshd on its own 127.0.1.x
 *      address in front of its own dnf-installed root — CentOS 8, Stream 8 and CentOS 7, with i686, EPEL,
 *      third-party and unsigned packages, an inhibited host, a low-disk host, three faulty hosts (unreachable,
 *      host key changed, refused auth) and one whose migration fails mid-way — written as an Ansible inventory;
 *   2. `ferry inventory import` of that inventory, `ferry fleet collect` (faulty hosts classified),
 *      `ferry fleet assess` against rocky-8, almalinux-8 and oraclelinux-8, the fleet report (text + HTML);
 *   3. `ferry rollout create` to rocky-8 of the hosts the assessment found ready (CentOS 7 left out with
 *      `!release:centos-7`: that is a cross-major upgrade, which the rollout would refuse) with a canary of 2, waves 30% and 100%, concurrency 10 and a stop threshold of 1,
 *      run by `ferry worker`: the failing host halts the rollout, later waves untouched; the operator skips it
 *      and resumes; the rollout completes; every migrated host is checked with rpm itself.
 *
 * Options: --hosts N (12-240, default 50), --out DIR (default .cache/demo), --lab-cache DIR (default
 * .cache/lab; an empty one builds from scratch), --json (a JSON summary on stdout; progress on stderr).
 * Exits 1 when any step does not do what it should.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { quoteArgv } from '../src/transport/quote.js';
import { createLab, type Lab } from '../test/lab/lab.js';
import { createLabFleet, type LabFleet } from '../test/lab/fleet.js';

const PROJECT = resolve(import.meta.dirname, '..');
const FERRY = join(PROJECT, 'bin', 'ferry.js');
const TARGETS = ['rocky-8', 'almalinux-8', 'oraclelinux-8'];
const ROLLOUT_TARGET = 'rocky-8';
/** Every host ready (or with risks only) for the target; CentOS 7 hosts left out when the fleet has any (rocky-8 is a cross-major upgrade from there). */
const selectorFor = (fleet: LabFleet): string => `readiness:${ROLLOUT_TARGET}=ready:readiness:${ROLLOUT_TARGET}=risks${fleet.hosts.some((h) => h.from === 'centos-7') ? ':!release:centos-7' : ''}`;

export interface DemoSummary {
  ok: boolean;
  failures: string[];
  hosts: number;
  inventory: string;
  db: string;
  reportHtml: string;
  collected: Record<string, number>;
  readiness: Array<{ target: string; ready: number; risks: number; blocked: number; notAssessed: number }>;
  recommendation: string | null;
  rollout: {
    id: string;
    selector: string;
    waves: number[];
    halted: { host: string; step: string | null; error: string | null } | null;
    untouchedAtHalt: number;
    final: Record<string, number>;
    state: string;
    verifiedByRpm: number;
  } | null;
  seconds: { fleet: number; collect: number; assess: number; rollout: number; total: number };
}

interface Args { hosts: number; out: string; json: boolean; labCache: string }

function parseCli(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv, options: {
      hosts: { type: 'string', default: '50' }, out: { type: 'string', default: join(PROJECT, '.cache', 'demo') },
      'lab-cache': { type: 'string', default: join(PROJECT, '.cache', 'lab') }, json: { type: 'boolean', default: false },
    },
  });
  const hosts = Number(values.hosts);
  if (!Number.isInteger(hosts) || hosts < 12 || hosts > 240) throw new Error(`--hosts ${values.hosts}: give a count from 12 to 240`);
  return { hosts, out: resolve(values.out), json: values.json, labCache: resolve(values['lab-cache']) };
}

const secs = (ms: number): number => Math.round(ms / 100) / 10;
const show = (p: string): string => (p.startsWith(PROJECT + '/') ? relative(PROJECT, p) : p);

interface Run { code: number; stdout: string; stderr: string }
const running = new Set<ChildProcess>();
let stopping = false;

/** Runs `node bin/ferry.js …`, echoing the command; `live` echoes its stderr lines as they come (worker progress). */
function ferry(argv: string[], say: (s: string) => void, live = false): Promise<Run> {
  say(`  $ ferry ${quoteArgv(argv)}`);
  return new Promise((done, fail) => {
    if (stopping) { fail(new Error('interrupted')); return; }
    const child = spawn(process.execPath, [FERRY, ...argv], { cwd: PROJECT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (!live) return;
      partial += c.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) say(`    ${l.length > 200 ? `${l.slice(0, 200)}…` : l}`);
    });
    child.on('error', fail);
    child.on('close', (code) => { running.delete(child); done({ code: code ?? 1, stdout, stderr }); });
  });
}

function jsonOf<T>(r: Run): T | undefined {
  try { return JSON.parse(r.stdout) as T; } catch { return undefined; }
}

function errorOf(r: Run): string {
  const e = jsonOf<{ error?: { code: string; message: string } }>(r)?.error;
  if (e) return `[${e.code}] ${e.message}`;
  return (r.stderr.trim().split('\n').slice(-5).join(' | ') || r.stdout.slice(0, 500)).trim();
}

interface RolloutStatusJson { rollout: { id: string; state: string }; counts: Record<string, number>; hosts: Array<{ hostName: string; wave: number; state: string; failedStep: string | null; lastError: string | null }> }

export async function runDemo(args: Args): Promise<DemoSummary> {
  const say = (s: string): void => { (args.json ? process.stderr : process.stdout).write(s + '\n'); };
  const started = Date.now();
  const failures: string[] = [];
  const fail = (what: string): void => { failures.push(what); say(`  FAILED: ${what}`); };
  mkdirSync(args.out, { recursive: true });
  const db = join(args.out, 'ferry.db');
  const reportHtml = join(args.out, 'fleet-report.html');
  for (const f of [db, `${db}-wal`, `${db}-shm`, reportHtml]) rmSync(f, { force: true });
  const seconds = { fleet: 0, collect: 0, assess: 0, rollout: 0, total: 0 };
  const summary: DemoSummary = {
    ok: false, failures, hosts: args.hosts, inventory: '', db, reportHtml, collected: {}, readiness: [], recommendation: null, rollout: null, seconds,
  };

  let lab: Lab | undefined;
  let fleet: LabFleet | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    stopping = true;
    say(`demo: ${sig}: stopping ${running.size} ferry process(es), then the lab fleet`);
    void (async () => {
      for (const c of running) c.kill('SIGTERM');
      try { await fleet?.stop(); await lab?.close(); } catch (e) { say(`demo: teardown: ${(e as Error).message}`); }
      process.exit(sig === 'SIGINT' ? 130 : 143);
    })();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    say(`== 1. The lab fleet: ${args.hosts} hosts, each its own sshd on 127.0.1.x (lab cache ${show(args.labCache)}) ==`);
    let t = Date.now();
    lab = await createLab({ cacheDir: args.labCache, ...(existsSync('/dev/shm') ? { tmpDir: '/dev/shm' } : {}) });
    const fleetDir = join(args.out, 'fleet');
    rmSync(fleetDir, { recursive: true, force: true });
    fleet = await createLabFleet(lab, { size: args.hosts, dir: fleetDir });
    summary.inventory = fleet.inventoryPath;
    seconds.fleet = secs(Date.now() - t);
    say(`  ${fleet.hosts.length} hosts in ${seconds.fleet} s; inventory ${show(fleet.inventoryPath)}`);
    say(`  faulty: ${Object.entries(fleet.faulty).map(([k, v]) => `${v} (${k})`).join(', ')}; inhibited: ${Object.entries(fleet.inhibited).map(([k, v]) => `${v} (${k})`).join(', ')}`);
    const store = ['--store', db];
    const keys = ['-i', fleet.privateKeyPath, '--known-hosts', fleet.knownHostsPath];

    say('\n== 2. Inventory, collection, assessment ==');
    const imp = await ferry(['--json', 'inventory', 'import', fleet.inventoryPath, ...store], say);
    if (imp.code !== 0) fail(`inventory import: ${errorOf(imp)}`);
    else say(`  imported ${jsonOf<{ hosts: number }>(imp)?.hosts ?? '?'} hosts into ${show(db)} (SQLite)`);
    t = Date.now();
    const col = await ferry(['--json', 'fleet', 'collect', ...store, ...keys, '--timeout', '60s'], say);
    seconds.collect = secs(Date.now() - t);
    const collected = jsonOf<{ counts: Record<string, number>; hosts: Array<{ host: string; outcome: string; message?: string | null }> }>(col);
    if (!collected) fail(`fleet collect: ${errorOf(col)}`);
    else {
      summary.collected = Object.fromEntries(Object.entries(collected.counts).filter(([, n]) => n > 0));
      say(`  collected in ${seconds.collect} s: ${Object.entries(summary.collected).map(([k, n]) => `${n} ${k}`).join(', ')}`);
      for (const h of collected.hosts.filter((x) => x.outcome !== 'ok')) say(`    ${h.host}: ${h.outcome}${h.message ? ` — ${h.message.slice(0, 120)}` : ''}`);
      const expect: Array<[string, string]> = [[fleet.faulty.unreachable, 'unreachable'], [fleet.faulty.hostKeyChanged, 'host-key-changed'], [fleet.faulty.auth, 'auth']];
      for (const [host, outcome] of expect) {
        const got = collected.hosts.find((x) => x.host === host)?.outcome;
        if (got !== outcome) fail(`fleet collect: ${host} should be ${outcome}, got ${got ?? 'nothing'}`);
      }
    }
    t = Date.now();
    const repoFlags = (await Promise.all(TARGETS.map(async (x) => ['--repo', `${x}=${(await lab?.distro(x))?.repoDir ?? ''}`]))).flat();
    const assess = await ferry(['--json', 'fleet', 'assess', '--to', TARGETS.join(','), ...repoFlags, ...store, '--no-progress'], say);
    seconds.assess = secs(Date.now() - t);
    const assessed = jsonOf<{ report: { readiness: DemoSummary['readiness']; recommendation: { target?: string | null } } }>(assess);
    if (assess.code !== 0 || !assessed) fail(`fleet assess: ${errorOf(assess)}`);
    else {
      summary.readiness = assessed.report.readiness;
      summary.recommendation = assessed.report.recommendation.target ?? null;
    }
    const text = await ferry(['fleet', 'report', ...store], say);
    if (text.code !== 0) fail(`fleet report: ${errorOf(text)}`);
    else say(text.stdout.split('\n').map((l) => `  ${l}`).join('\n'));
    const html = await ferry(['fleet', 'report', '--format', 'html', '--out', reportHtml, ...store], say);
    if (html.code !== 0) fail(`fleet report --format html: ${errorOf(html)}`);

    say(`\n== 3. Rollout to ${ROLLOUT_TARGET}: canary 2, waves 30% and 100%, concurrency 10, stop threshold 1 ==`);
    t = Date.now();
    const selector = selectorFor(fleet);
    const created = await ferry(['--json', 'rollout', 'create', selector, '--to', ROLLOUT_TARGET, ...repoFlags.slice(0, 2), '--nogpgcheck',
      '--canary', '2', '--waves', '30%,100%', '--concurrency', '10', '--max-failures', '1', '--start', ...store], say);
    const c = jsonOf<{ rollout: { id: string }; hosts: Array<{ hostName: string; wave: number }> }>(created);
    if (created.code !== 0 || !c) {
      fail(`rollout create: ${errorOf(created)}`);
      return summary;
    }
    const id = c.rollout.id;
    const waves: number[] = [];
    for (const h of c.hosts) waves[h.wave] = (waves[h.wave] ?? 0) + 1;
    summary.rollout = { id, selector, waves, halted: null, untouchedAtHalt: 0, final: {}, state: 'created', verifiedByRpm: 0 };
    say(`  rollout ${id}: ${c.hosts.length} hosts in waves of ${waves.join(', ')}`);
    const worker = ['worker', ...store, ...keys, '--concurrency', '10', '--exit-when-idle'];
    const w1 = await ferry(worker, say, true);
    if (w1.code !== 0) fail(`worker: exit ${w1.code}`);
    const st1 = await ferry(['--json', 'rollout', 'status', id, ...store], say);
    const s1 = jsonOf<RolloutStatusJson>(st1);
    const failed = s1?.hosts.filter((h) => h.state === 'failed') ?? [];
    if (s1?.rollout.state !== 'halted' || failed.length !== 1 || failed[0].hostName !== fleet.faulty.migrationFails) {
      fail(`the rollout should halt on ${fleet.faulty.migrationFails}: it is ${s1?.rollout.state ?? '?'} with failed ${failed.map((h) => h.hostName).join(', ') || 'none'}`);
    } else {
      const wave = failed[0].wave;
      summary.rollout.halted = { host: failed[0].hostName, step: failed[0].failedStep, error: failed[0].lastError };
      summary.rollout.untouchedAtHalt = s1.hosts.filter((h) => h.wave > wave && h.state === 'pending').length;
      if (summary.rollout.untouchedAtHalt !== s1.hosts.filter((h) => h.wave > wave).length) fail('hosts of the waves after the failure were started');
      say((await ferry(['rollout', 'status', id, ...store], say)).stdout.split('\n').map((l) => `  ${l}`).join('\n'));
    }
    say('  the operator skips the failed host and resumes:');
    for (const step of [['rollout', 'skip', id, fleet.faulty.migrationFails], ['rollout', 'resume', id]]) {
      const r = await ferry([...step, ...store], say);
      if (r.code !== 0) fail(`${step.slice(0, 2).join(' ')}: ${errorOf(r)}`);
    }
    const w2 = await ferry(worker, say, true);
    if (w2.code !== 0) fail(`worker: exit ${w2.code}`);
    seconds.rollout = secs(Date.now() - t);
    const s2 = jsonOf<RolloutStatusJson>(await ferry(['--json', 'rollout', 'status', id, ...store], say));
    summary.rollout.state = s2?.rollout.state ?? '?';
    summary.rollout.final = s2?.counts ?? {};
    if (s2?.rollout.state !== 'completed') fail(`the rollout should complete after the skip: it is ${s2?.rollout.state ?? '?'}`);
    // rpm itself on each migrated root, so the demo does not take Ferry's verification on trust.
    for (const h of s2?.hosts.filter((x) => x.state === 'succeeded') ?? []) {
      const lh = fleet.host(h.hostName);
      const q = spawnSync('rpm', ['--root', lh.root, '-q', 'rocky-release'], { env: lh.env, encoding: 'utf8' });
      if (q.status === 0) summary.rollout.verifiedByRpm++;
      else fail(`${h.hostName}: rpm -q rocky-release: ${q.stdout.trim() || q.stderr.trim()}`);
    }
    say((await ferry(['rollout', 'status', id, ...store], say)).stdout.split('\n').map((l) => `  ${l}`).join('\n'));
    return summary;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    seconds.total = secs(Date.now() - started);
    summary.ok = failures.length === 0;
    say(`\n== Summary ==\n${render(summary)}`);
    await fleet?.stop();
    await lab?.close();
  }
}

function render(s: DemoSummary): string {
  const r = s.rollout;
  return [
    `  fleet: ${s.hosts} hosts; collected ${Object.entries(s.collected).map(([k, n]) => `${n} ${k}`).join(', ') || '-'}`,
    ...s.readiness.map((x) => `  ${x.target.padEnd(14)} ready ${x.ready}, risks ${x.risks}, blocked ${x.blocked}, not assessed ${x.notAssessed}`),
    `  recommended for the fleet: ${s.recommendation ?? '-'}; report ${show(s.reportHtml)}`,
    r ? `  rollout ${r.id} to ${ROLLOUT_TARGET}: waves ${r.waves.join(', ')}; halted on ${r.halted?.host ?? '-'} (${r.untouchedAtHalt} hosts of later waves untouched); `
      + `after skip + resume ${r.state}: ${Object.entries(r.final).map(([k, n]) => `${n} ${k}`).join(', ')}; rpm confirms ${r.verifiedByRpm} hosts on Rocky` : '  no rollout',
    `  store ${show(s.db)} (SQLite); time: fleet ${s.seconds.fleet} s, collect ${s.seconds.collect} s, assess ${s.seconds.assess} s, rollout ${s.seconds.rollout} s, total ${s.seconds.total} s`,
    s.ok ? 'demo OK' : `demo FAILED:\n${s.failures.map((f) => `  - ${f}`).join('\n')}`,
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  let args: Args;
  try {
    args = parseCli(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`demo: ${(e as Error).message}\n`);
    process.exit(2);
  }
  runDemo(args).then((s) => {
    if (args.json) process.stdout.write(JSON.stringify(s, null, 2) + '\n');
    process.exitCode = s.ok ? 0 : 1;
  }, (e: unknown) => {
    process.stderr.write(`demo: failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
