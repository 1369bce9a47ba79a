/**
 * Ferry's demo (`npm run demo`): its main job on a small fleet built from real RPMs in the local lab.
 *
 *   1. builds the lab: rpmbuild + createrepo_c repos for CentOS 8 and four EL8 successors, dnf-installed
 *      CentOS-8-shaped roots, a loopback sshd (cached in .cache/lab; about 46 s from scratch);
 *   2. assesses every host against rocky-8, almalinux-8, oraclelinux-8 and opencloudos-8 with the real CLI
 *      (`node bin/ferry.js --json assess … --format html --out …`), prints a ranked table per host and
 *      records hosts and per-target assessments in a SQLite store (`<out>/ferry.db`);
 *   3. migrates the first hosts to their top-ranked target with `ferry migrate --yes --store <db>` (which
 *      records plan and execution and mirrors the journal), checks them with `ferry status` (from the host and
 *      `--from-store`) and with rpm itself; the other hosts get `ferry plan`;
 *   4. prints a fleet summary (or, with --json, a JSON summary on stdout; progress then goes to stderr).
 *
 * Options: --hosts N (1-3, default 3), --targets a,b (default the four above), --migrate N (default 2),
 * --out DIR (default .cache/demo), --lab-cache DIR (default .cache/lab; an empty one builds from scratch), --json. Exits 1 when any step fails. Every ferry call is a child process
 * whose argv is printed, so each step can be re-run by hand against the same lab paths.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Assessment, TargetAssessment } from '../src/assess/types.js';
import type { MigrateResult, MigrationPlan } from '../src/app/migrate.js';
import { storeHostName } from '../src/app/store.js';
import { journalPathFor, parseJournal } from '../src/exec/journal.js';
import { quoteArgv } from '../src/transport/quote.js';
import { openSqliteStore, type Store } from '../src/store/index.js';
import { createLab, type HostOptions, type Lab, type LabDistro, type LabHost, type LabSshHost } from '../test/lab/lab.js';

const PROJECT = resolve(import.meta.dirname, '..');
const FERRY = join(PROJECT, 'bin', 'ferry.js');
const ALL_TARGETS = ['rocky-8', 'almalinux-8', 'oraclelinux-8', 'opencloudos-8'];
/** Lifecycle scores are measured from this date, so the ranking does not drift from run to run. */
const TODAY = '2025-06-01';

interface FleetMember {
  name: string;
  shape: string;
  transport: 'ssh' | 'local root';
  lab: HostOptions;
}

/** The fleet: one clean host over the real sshd, then local roots with the shapes assessments care about. */
const FLEET: FleetMember[] = [
  { name: 'web-1', shape: 'clean CentOS 8', transport: 'ssh', lab: { from: 'centos-8' } },
  { name: 'build-2', shape: 'CentOS 8 + glibc.i686 + EPEL (htop)', transport: 'local root', lab: { from: 'centos-8', extras: ['glibc.i686'], epel: true } },
  { name: 'agent-3', shape: 'CentOS 8 + acme-agent from no repo', transport: 'local root', lab: { from: 'centos-8', noRepoPackage: true } },
];

export interface DemoHostSummary {
  name: string;
  shape: string;
  transport: string;
  /** `ssh://root@127.0.0.1:<port>` or `local:<root>` (both gone once the demo ends). */
  address: string;
  /** The lab root directory holding the host (removed at the end). */
  root: string;
  /** The host's name in the store: what `ferry migrate --store` records it under (storeHostName). */
  storeName: string;
  packages: number;
  ranking: { target: string; rank: number; score: number; inhibitors: number; counts: Record<string, number> }[];
  chosen: string | null;
  report: string;
  assessSeconds: number;
  migration: null | { target: string; executionId: string; status: string; verified: boolean; checks: { id: string; ok: boolean; detail: string }[];
    leftovers: string[]; state: string; storeState: string; journalEntries: number; storedJournalEntries: number; seconds: number;
    /** Asked of rpm directly on the lab root, not through Ferry: the target's release package and the package count. */
    rpm: { releasePackage: string | null; packages: number } };
  plan: null | { id: string; target: string; steps: number };
  /** Why this host's assessment, plan or migration failed (null when it did not). */
  error: string | null;
}

export interface DemoSummary {
  ok: boolean;
  targets: string[];
  out: string;
  db: string;
  seconds: { lab: number; assess: number; migrate: number; total: number };
  hosts: DemoHostSummary[];
  store: { hosts: number; assessments: number; plans: number; executions: { id: string; host: string | null; state: string }[] };
  failures: string[];
}

interface Args { hosts: number; targets: string[]; migrate: number; out: string; json: boolean; labCache: string }

function parseCli(argv: string[]): Args {
  const { values } = parseArgs({ args: argv, options: {
    hosts: { type: 'string', default: String(FLEET.length) },
    targets: { type: 'string', default: ALL_TARGETS.join(',') },
    migrate: { type: 'string', default: '2' },
    out: { type: 'string', default: join(PROJECT, '.cache', 'demo') },
    json: { type: 'boolean', default: false },
    'lab-cache': { type: 'string', default: join(PROJECT, '.cache', 'lab') },
  }, strict: true });
  const hosts = Number(values.hosts);
  const migrate = Number(values.migrate);
  if (!Number.isInteger(hosts) || hosts < 1 || hosts > FLEET.length) throw new Error(`--hosts ${values.hosts}: give 1 to ${FLEET.length}`);
  if (!Number.isInteger(migrate) || migrate < 0) throw new Error(`--migrate ${values.migrate}: give a count >= 0`);
  const targets = values.targets.split(',').map((t) => t.trim()).filter(Boolean);
  const unknown = targets.filter((t) => !ALL_TARGETS.includes(t));
  if (targets.length === 0 || unknown.length) throw new Error(`--targets: ${unknown.join(', ') || '(none)'} not among ${ALL_TARGETS.join(', ')}`);
  return { hosts, targets, migrate: Math.min(migrate, hosts), out: resolve(values.out), json: values.json, labCache: resolve(values['lab-cache']) };
}

const secs = (ms: number): number => Math.round(ms / 100) / 10;
/** A path relative to the project when inside it, else absolute. */
const show = (p: string): string => (p.startsWith(PROJECT + '/') ? relative(PROJECT, p) : p);

export async function runDemo(args: Args): Promise<DemoSummary> {
  const say = (s: string): void => { (args.json ? process.stderr : process.stdout).write(s + '\n'); };
  const started = Date.now();
  const failures: string[] = [];
  const fail = (h: DemoHostSummary | undefined, what: string): void => {
    failures.push(what);
    if (h) h.error ??= what;
    say(`  FAILED: ${what}`);
  };
  const reportsDir = join(args.out, 'reports');
  const dbPath = join(args.out, 'ferry.db');
  mkdirSync(reportsDir, { recursive: true });
  for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) rmSync(f, { force: true });

  let lab: Lab | undefined;
  let store: Store | undefined;
  const hosts: DemoHostSummary[] = [];
  const timing = { lab: 0, assess: 0, migrate: 0 };
  // Interrupted: stop the running ferry child first (it writes into a lab root), then tear the lab down.
  const onSignal = (sig: NodeJS.Signals): void => {
    stopping = true;
    say(`demo: ${sig}: stopping ${running.size} ferry process(es), then the lab`);
    void (async () => {
      await Promise.all([...running].map((c) => new Promise<void>((done) => {
        if (c.exitCode !== null || c.signalCode !== null) { done(); return; }
        c.once('close', () => done());
        c.kill('SIGTERM');
      })));
      try { await lab?.close(); } catch (e) { say(`demo: teardown: ${(e as Error).message}`); }
      process.exit(sig === 'SIGINT' ? 130 : 143);
    })();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // 1. The lab.
    say(`== 1. Lab: real RPM repositories and CentOS 8 hosts (cache ${args.labCache}) ==`);
    let t = Date.now();
    lab = await createLab({ cacheDir: args.labCache });
    const distros: LabDistro[] = [];
    for (const id of ['centos-8', ...args.targets]) {
      const t1 = Date.now();
      const d = await lab.distro(id);
      if (id !== 'centos-8') distros.push(d);
      say(`  repo ${id.padEnd(14)} ${secs(Date.now() - t1).toFixed(1).padStart(5)} s  ${show(d.repoDir)}`);
    }
    const members = FLEET.slice(0, args.hosts);
    const labHosts: Array<LabHost | LabSshHost> = [];
    for (const m of members) {
      const t1 = Date.now();
      const h = m.transport === 'ssh' ? await lab.sshHost(m.lab) : await lab.host(m.lab);
      labHosts.push(h);
      say(`  host ${m.name.padEnd(8)} ${secs(Date.now() - t1).toFixed(1).padStart(5)} s  ${m.shape}; ${'port' in h ? `sshd on 127.0.0.1:${h.port}, ` : ''}root ${h.root}`);
    }
    timing.lab = Date.now() - t;
    say(`  lab ready in ${secs(timing.lab).toFixed(1)} s`);

    store = openSqliteStore({ path: dbPath });
    const schema = await store.migrate();
    say(`  store ${show(dbPath)} (SQLite, schema v${schema})`);

    const repoFlags = distros.flatMap((d) => ['--repo', `${d.id}=${d.repoDir}`]);
    // Debian's rpm keeps its database in ~/.rpmdb: the lab HOME's .rpmmacros points it at /var/lib/rpm, as on EL.
    const env = { ...process.env, HOME: labHosts[0].env.HOME };
    const hostSpec = (h: LabHost | LabSshHost): string => ('port' in h ? `ssh://root@127.0.0.1:${h.port}` : 'local');
    const hostArgs = (h: LabHost | LabSshHost): string[] => 'port' in h
      ? [hostSpec(h), '--root', h.root, '--identity', h.privateKeyPath, '--known-hosts', h.knownHostsPath]
      : [hostSpec(h), '--root', h.root];
    const storeFlags = ['--store', dbPath];

    // 2. Assess.
    say(`\n== 2. Assess each host against ${args.targets.join(', ')} ==`);
    t = Date.now();
    for (const [i, m] of members.entries()) {
      const h = labHosts[i];
      const report = join(reportsDir, `${m.name}.html`);
      const t1 = Date.now();
      const argv = ['--json', 'assess', ...hostArgs(h), '--to', args.targets.join(','), ...repoFlags, '--today', TODAY, '--format', 'html', '--out', report, ...storeFlags, '--no-progress'];
      const r = await ferry(argv, env, say, false);
      const address = 'port' in h ? `ssh://root@127.0.0.1:${h.port}` : `local:${h.root}`;
      const storeName = storeHostName({ host: hostSpec(h), root: h.root });
      const summary: DemoHostSummary = { name: m.name, shape: m.shape, transport: m.transport, address, root: h.root, storeName, packages: 0, ranking: [], chosen: null,
        report, assessSeconds: secs(Date.now() - t1), migration: null, plan: null, error: null };
      hosts.push(summary);
      if (r.code !== 0) { fail(summary, `assess ${m.name}: exit ${r.code}: ${errorOf(r)}`); continue; }
      const a = JSON.parse(r.stdout) as Assessment;
      const ranked = [...a.targets].sort((x, y) => x.rank - y.rank);
      summary.packages = ranked[0]?.fates.length ?? 0;
      summary.ranking = ranked.map((x) => ({ target: x.target, rank: x.rank, score: x.score, inhibitors: x.inhibitors.length, counts: { ...x.counts } }));
      summary.chosen = ranked.find((x) => x.inhibitors.length === 0)?.target ?? null;
      say(`\n${m.name} (${m.shape}, ${m.transport}): ${a.sourceName ?? a.sourceRelease} [${a.sourceRelease}], ${summary.packages} packages, ${summary.assessSeconds} s`);
      say(renderRanking(ranked));
      if (ranked[0]) say(`  why ${ranked[0].target}: ${ranked[0].reasons.filter((x) => x.points !== 0).map((x) => `${x.points > 0 ? '+' : ''}${x.points} ${x.text}`).join('; ')}`);
      say(`  → ${summary.chosen ? `best target ${summary.chosen}` : 'every target is inhibited'}; report ${show(report)}`);
      const prior = await store.getHost(storeName);
      await store.upsertHost({ name: storeName, address,
        labels: { ...(prior?.labels ?? {}), 'demo.name': m.name, 'demo.shape': m.shape, 'demo.transport': m.transport } });
      if (!summary.chosen) fail(summary, `assess ${m.name}: no target without inhibitors`);
    }
    timing.assess = Date.now() - t;

    // 3. Migrate the first hosts to their best target; plan the others.
    say(`\n== 3. Migrate ${args.migrate} host(s) to their top-ranked target; plan the others ==`);
    t = Date.now();
    for (const [i, s] of hosts.entries()) {
      const h = labHosts[i];
      if (!s.chosen) continue;
      const target = distros.find((d) => d.id === s.chosen)!;
      const common = [...hostArgs(h), '--to', target.id, '--repo', `${target.id}=${target.repoDir}`, '--nogpgcheck'];
      if (i >= args.migrate) {
        const r = await ferry(['--json', 'plan', ...common, ...storeFlags], env, say, false);
        if (r.code !== 0) { fail(s, `plan ${s.name}: exit ${r.code}: ${errorOf(r)}`); continue; }
        const plan = JSON.parse(r.stdout) as MigrationPlan;
        s.plan = { id: plan.id, target: plan.target, steps: plan.steps.length };
        say(`${s.name}: planned ${plan.source} → ${plan.target} in ${plan.steps.length} steps (${plan.id}); not migrated`);
        continue;
      }
      say(`\n${s.name}: ${target.id}`);
      const t1 = Date.now();
      const r = await ferry(['--json', 'migrate', ...common, ...storeFlags, '--yes'], env, say, true);
      let res: MigrateResult;
      try {
        res = JSON.parse(r.stdout) as MigrateResult;
        if (!res.plan || !res.result) throw new Error('not a migration result');
      } catch {
        fail(s, `migrate ${s.name}: exit ${r.code}: ${errorOf(r)}`);
        continue;
      }
      // The state as the host's journal says (over its transport), then as the store says (no host contact).
      const stateOf = (x: Run): string => (x.code === 0 ? (JSON.parse(x.stdout) as { status: { state: string } }).status.state : `failed: ${errorOf(x)}`);
      const status = stateOf(await ferry(['--json', 'status', ...hostArgs(h)], env, say, false));
      const storeState = stateOf(await ferry(['--json', 'status', hostSpec(h), '--root', h.root, '--from-store', ...storeFlags], env, say, false));
      // The host journal file (on the lab root, also for the SSH host) against what ferry mirrored into the store.
      const journal = parseJournal(readFileSync(join(h.root, journalPathFor(res.result.executionId)), 'utf8'), journalPathFor(res.result.executionId));
      const stored = await store.listJournal(res.result.executionId);
      const rpm = await rpmCheck(h, target.releasePackage);
      const verified = Boolean(res.verify?.ok);
      s.migration = { target: target.id, executionId: res.result.executionId, status: res.result.status, verified, state: status,
        checks: res.verify?.checks.map((c) => ({ id: c.id, ok: c.ok, detail: c.detail })) ?? [],
        leftovers: res.verify?.leftovers.map((l) => l.nevra) ?? [], storeState, journalEntries: journal.length, storedJournalEntries: stored.length, seconds: secs(Date.now() - t1), rpm };
      say(`  ${res.result.executionId}: ${res.result.status}, ${res.result.applied.length} steps applied, ${s.migration.seconds} s; ferry status: ${status}; from the store: ${storeState}`);
      say(`  verification ${verified ? 'passed' : 'FAILED'}:`);
      for (const c of s.migration.checks) say(`    ${c.ok ? 'ok  ' : 'FAIL'} ${c.id}: ${c.detail}`);
      if (s.migration.leftovers.length) say(`    left installed (as on a real host): ${s.migration.leftovers.join(', ')}`);
      say(`  rpm --root (outside Ferry): ${rpm.releasePackage ?? `${target.releasePackage} NOT installed`}, ${rpm.packages} packages`);
      say(`  journal: ${journal.length} entries on the host, ${stored.length} mirrored into the store`);
      if (r.code !== 0 || res.result.status !== 'completed' || !verified || status !== 'completed' || storeState !== 'completed'
        || !rpm.releasePackage || stored.length !== journal.length) {
        fail(s, `migrate ${s.name}: exit ${r.code}, ${res.result.status}, verification ${verified ? 'passed' : 'failed'}, status ${status} (store: ${storeState}), `
          + `${target.releasePackage} ${rpm.releasePackage ? 'installed' : 'not installed'}, journal ${journal.length} entries (store: ${stored.length})`);
      }
    }
    timing.migrate = Date.now() - t;

    // 4. Fleet summary, from the store.
    const storedHosts = await store.listHosts();
    let assessments = 0;
    for (const h of storedHosts) assessments += (await store.listAssessments(h.name)).length;
    const executions: DemoSummary['store']['executions'] = [];
    let plans = 0;
    for (const s of hosts) {
      if (s.plan && await store.getPlan(s.plan.id)) plans++;
      if (!s.migration) continue;
      const e = await store.getExecution(s.migration.executionId);
      if (e?.planId && await store.getPlan(e.planId)) plans++;
      if (e) executions.push({ id: e.id, host: e.hostName === s.storeName ? s.name : e.hostName, state: e.state });
      if (e?.state !== 'completed') fail(s, `store: execution ${s.migration.executionId} of ${s.name} is ${e?.state ?? 'absent'}`);
    }
    const summary: DemoSummary = { ok: failures.length === 0, targets: args.targets, out: args.out, db: dbPath,
      seconds: { lab: secs(timing.lab), assess: secs(timing.assess), migrate: secs(timing.migrate), total: secs(Date.now() - started) },
      hosts, store: { hosts: storedHosts.length, assessments, plans, executions }, failures };
    say(`\n== 4. Fleet summary ==`);
    say(renderFleet(summary));
    return summary;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store?.close();
    await lab?.close(); // stops sshd, removes the host roots; the lab cache stays
  }
}

function renderRanking(ranked: TargetAssessment[]): string {
  const head = ['rank', 'target', 'score', 'inhib', 'same', 'upgr', 'down', 'repl', 'miss', '3rd'];
  const rows = ranked.map((x) => [String(x.rank), x.target, String(x.score), String(x.inhibitors.length), ...['same', 'upgrade', 'downgrade', 'replaced', 'missing', 'third-party']
    .map((k) => String((x.counts as Record<string, number>)[k] ?? 0))]);
  return table([head, ...rows]);
}

function renderFleet(s: DemoSummary): string {
  const rows = s.hosts.map((h) => [h.name, h.transport, String(h.packages), h.chosen ?? '-',
    h.migration ? `${h.migration.status}, verify ${h.migration.verified ? 'ok' : 'FAILED'}` : h.plan ? `planned (${h.plan.steps} steps)` : h.error ? 'FAILED' : '-',
    show(h.report)]);
  return [
    table([['host', 'via', 'pkgs', 'chosen target', 'migration', 'HTML report'], ...rows]),
    `store ${s.db}: ${s.store.hosts} hosts, ${s.store.assessments} assessments, ${s.store.plans} plans, ${s.store.executions.length} executions (${s.store.executions.map((e) => `${e.host} ${e.state}`).join(', ') || 'none'})`,
    `time: lab ${s.seconds.lab} s, assess ${s.seconds.assess} s, migrate ${s.seconds.migrate} s, total ${s.seconds.total} s`,
    s.ok ? 'demo OK' : `demo FAILED:\n${s.failures.map((f) => `  - ${f}`).join('\n')}`,
  ].join('\n');
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => '  ' + r.map((v, c) => v.padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

interface Run { code: number; stdout: string; stderr: string }

/** The ferry children still running (stopped before the lab is torn down on a signal). */
const running = new Set<ChildProcess>();
/** Set on SIGINT/SIGTERM: no further ferry process starts. */
let stopping = false;

/** rpm itself on the lab root (with the lab's dbpath), so the demo does not take Ferry's verification on trust. */
async function rpmCheck(h: LabHost, releasePackage: string): Promise<{ releasePackage: string | null; packages: number }> {
  const rpm = (args: string[]): Promise<Run> => new Promise((done, fail) => {
    const child = spawn('rpm', ['--root', h.root, ...args], { env: h.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
  const q = await rpm(['-q', '--qf', '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\\n', releasePackage]);
  const all = await rpm(['-qa']);
  return { releasePackage: q.code === 0 ? q.stdout.trim() : null, packages: all.stdout.split('\n').filter((l) => l && !l.startsWith('gpg-pubkey-')).length };
}

function errorOf(r: Run): string {
  try {
    const e = (JSON.parse(r.stdout) as { error?: { code: string; message: string } }).error;
    if (e) return `[${e.code}] ${e.message}`;
  } catch { /* not JSON */ }
  return (r.stderr.trim().split('\n').slice(-5).join(' | ') || r.stdout.slice(0, 500)).trim();
}

/** Runs `node bin/ferry.js …`, echoing the command and (with `steps`) its step progress lines. */
function ferry(argv: string[], env: NodeJS.ProcessEnv, say: (s: string) => void, steps: boolean): Promise<Run> {
  say(`  $ ferry ${quoteArgv(argv)}`);
  return new Promise((done, fail) => {
    if (stopping) { fail(new Error('interrupted')); return; }
    const child = spawn(process.execPath, [FERRY, ...argv], { cwd: PROJECT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (!steps) return;
      partial += c.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      // Step starts and failures; dnf's own output stays in the child's stderr.
      for (const l of lines) if (/^\[\d+\/\d+\] (?!done)/.test(l) || /FAILED/.test(l)) say(`    ${l}`);
    });
    child.on('error', fail);
    child.on('close', (code) => { running.delete(child); done({ code: code ?? 1, stdout, stderr }); });
  });
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
