/* global performance, setTimeout */
// Fleet bench, part (b): collecting the lab fleet, Ferry next to Ansible with the same forks on the same inventory.
// - The fleet: test/lab's createLabFleet, N hosts (FERRY_BENCH_FLEET_HOSTS, default 50), each its own sshd on its
//   own 127.0.1.x address in front of its own CentOS 8 / Stream 8 / 7 root (the inventory's `ferry_root`),
//   written as a real Ansible INI inventory; 3 of them are faulty (unreachable, host key changed, auth refused).
// - Ferry: the real CLI, `ferry fleet collect --concurrency FORKS --retries 0` (Ansible retries nothing) as its own
//   process under /usr/bin/time, into a fresh SQLite store that `ferry inventory import` filled from that inventory
//   (untimed): start-up, the whole facts script per host (os, packages with signatures, rpmdb health, repos,
//   kernel, mounts, …: a superset of rpm -qa), parsing and storing, so wall and CPU are what an operator pays.
// - Ansible: real `ansible all -i INVENTORY -m command -a 'rpm --root {{ ferry_root }} -qa' -f FORKS` (Debian
//   ansible-core, default configuration) under /usr/bin/time, whose user+sys include every child (workers, ssh),
//   plus its ssh ControlMasters' CPU (they leave its process tree: see closeMasters).
// - Each forks setting (FERRY_BENCH_FLEET_FORKS, default "10,50"): both warmed once, then RUNS (FERRY_BENCH_FLEET_RUNS,
//   default 3) alternating runs each; the medians are printed, with their ratio.
// - Host side: the CPU the lab hosts spent (every sshd listener's own and reaped children's time, from /proc: the
//   sessions, shells and commands), per host. The hosts run on the controller's own 2 cores, so with many forks
//   the wall time is bounded by both sides' CPU together.
// - Where Ferry's time goes: one serial pass over the reachable hosts in this process, per host (medians):
//   connect (TCP, key exchange, publickey auth), the facts script's round trip (one exec), parsing, storing.
// Every run is checked: the same hosts ok and the same ones failed on both, and Ferry's package count per host
// equals the lines of Ansible's rpm -qa. Goal: Ferry ≥ 5× faster (wall) and ≤ 20 ms controller CPU per host.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = resolve(import.meta.dirname, '..');
const N = Number(process.env.FERRY_BENCH_FLEET_HOSTS ?? 50);
const FORKS = (process.env.FERRY_BENCH_FLEET_FORKS ?? '10,50').split(',').map(Number);
const RUNS = Math.max(3, Number(process.env.FERRY_BENCH_FLEET_RUNS ?? 3));
const tools = ['ansible', 'ssh', 'ssh-keygen', 'rpm', 'createrepo_c', 'dnf'];
const missing = tools.filter((t) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', t]).status !== 0);
if (missing.length || !existsSync('/usr/sbin/sshd') || !existsSync('/usr/bin/time')) {
  console.log(`skipped: needs ${[...missing, ...(existsSync('/usr/sbin/sshd') ? [] : ['sshd']), ...(existsSync('/usr/bin/time') ? [] : ['/usr/bin/time'])].join(', ')}`);
  process.exit(0);
}
const ferryBin = join(root, 'bin', 'ferry.js');
const mod = (p) => join(root, 'dist', `${p}.js`);
if (!existsSync(mod('cli/main'))) {
  console.log(`skipped: ${mod('cli/main')} is absent (run npm run build)`);
  process.exit(0);
}
const load = (p) => import(pathToFileURL(mod(p)).href);
const { openFerryStore } = await load('app/store');
const { importInventory } = await load('app/inventory');
const { openHost, hostOptionsFor } = await load('app/host');
const { collectFacts } = await load('facts/index');
const { toJsonValue } = await load('core/index');
const { createLab } = await tsImport(join(root, 'test', 'lab', 'lab.ts'), import.meta.url);
const { createLabFleet } = await tsImport(join(root, 'test', 'lab', 'fleet.ts'), import.meta.url);

/** Runs argv under /usr/bin/time: wall seconds and user+sys CPU seconds of the process and all its children. */
function timed(argv, env = process.env) {
  const r = spawnSync('/usr/bin/time', ['-f', 'FERRY-TIME %e %U %S', ...argv], { encoding: 'utf8', env, maxBuffer: 1 << 28 });
  const m = /FERRY-TIME (\S+) (\S+) (\S+)\s*$/.exec(r.stderr);
  if (!m) throw new Error(`${argv.join(' ')}: no timing (status ${r.status}): ${r.stderr.slice(-2000)}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]) };
}

const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
/** CPU seconds of `pid` and of its children it has reaped (utime, stime, cutime, cstime of /proc/PID/stat). */
function cpuOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICK;
  } catch { return 0; }
}
/** CPU seconds a live process has run so far, to the nanosecond (/proc/PID/schedstat: its own, not its children's). */
function runTimeOf(pid) {
  try { return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9; } catch { return 0; }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const ms = (s) => `${(s * 1000).toFixed(1)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-fleet-'));
const lab = await createLab();
const fleet = await createLabFleet(lab, { size: N });
try {
  const names = fleet.hosts.map((h) => h.name);
  const faulty = new Set([fleet.faulty.unreachable, fleet.faulty.hostKeyChanged, fleet.faulty.auth]);
  const inventory = fleet.inventoryPath;
  const knownHosts = fleet.knownHostsPath;
  const sshdPids = fleet.hosts.flatMap((h) => (h.sshd ? [h.sshd.pid] : []));
  const hostCpu = () => sshdPids.reduce((sum, pid) => sum + cpuOf(pid), 0);
  const load1 = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  console.log(`fleet: ${N} lab sshd hosts on 127.0.1.x (${faulty.size} faulty) built in ${(fleet.timings.totalMs / 1000).toFixed(1)} s; forks ${FORKS.join(', ')}; `
    + `${RUNS} runs each after a warm-up, medians; load average ${load1()} at the start`);
  console.log('work: Ferry runs its whole facts script per host (os-release, every package with vendor, signature, install time, '
    + 'size and summary, rpmdb health, repos, modules, kernel, mounts, …: a superset of rpm -qa), parses it and stores a snapshot; '
    + "Ansible runs `rpm --root ROOT -qa`");

  let runNo = 0;
  const ferryPackages = new Map();
  /** One `ferry fleet collect` run into a fresh store (imported untimed); checks the outcome and the packages. */
  async function ferryRun(forks) {
    const db = join(dir, `ferry-${runNo++}.db`);
    const store = await openFerryStore(db);
    try { await importInventory(store, [inventory]); } finally { await store.close(); }
    const cpu0 = hostCpu();
    const t = timed([process.execPath, ferryBin, 'fleet', 'collect', '--store', db, '--concurrency', String(forks), '--retries', '0',
      '--timeout', '60s', '--known-hosts', knownHosts, '--json']);
    await settle();
    const host = hostCpu() - cpu0;
    if (t.status !== 1) throw new Error(`ferry fleet collect exited ${t.status} (1 expected: 3 faulty hosts): ${t.stderr.slice(-2000)}`);
    const result = JSON.parse(t.stdout);
    const failed = result.hosts.filter((h) => h.outcome !== 'ok').map((h) => h.host).sort();
    if (failed.join() !== [...faulty].sort().join()) throw new Error(`Ferry failed on ${JSON.stringify(result.hosts.filter((h) => h.outcome !== 'ok'))}, expected ${[...faulty]}`);
    const check = await openFerryStore(db);
    try {
      for (const n of names) if (!faulty.has(n)) ferryPackages.set(n, (await check.latestFactSnapshot(n)).facts.packages.length);
    } finally { await check.close(); }
    return { wall: t.wall, cpu: t.cpu, host };
  }

  /**
   * Ansible's ssh keeps a ControlMaster per host for 60 s after the run (ControlPersist, its default): that master
   * did the run's key exchange and encryption, but it has left ansible's process tree, so /usr/bin/time misses its
   * CPU, and a next run within 60 s would reuse its connection. Each run gets its own control directory (every
   * run connects afresh, as Ferry's does); afterwards each master's CPU is read and the master told to exit.
   */
  function closeMasters(controlDir) {
    let cpu = 0;
    let sockets = [];
    try { sockets = readdirSync(controlDir); } catch { return 0; }
    for (const s of sockets) {
      const path = join(controlDir, s);
      const check = spawnSync('ssh', ['-o', `ControlPath=${path}`, '-O', 'check', 'ferry-bench'], { encoding: 'utf8' });
      const pid = /pid=(\d+)/.exec(check.stderr)?.[1];
      if (pid) cpu += runTimeOf(Number(pid));
      spawnSync('ssh', ['-o', `ControlPath=${path}`, '-O', 'exit', 'ferry-bench'], { encoding: 'utf8' });
    }
    return cpu;
  }
  const settle = () => new Promise((r) => setTimeout(r, 300)); // the hosts' sshd reap their sessions

  /** One ansible run, default configuration; its package counts must equal Ferry's. */
  async function ansibleRun(forks) {
    const controlDir = join(dir, `ansible-cp-${runNo++}`);
    const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'), ANSIBLE_HOME: join(dir, 'ansible-home'),
      ANSIBLE_DEPRECATION_WARNINGS: '0', ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir };
    const cpu0 = hostCpu();
    const t = timed(['ansible', 'all', '-i', inventory, '-m', 'command', '-a', 'rpm --root {{ ferry_root }} -qa', '-f', String(forks), '-o'], env);
    const masters = closeMasters(controlDir);
    await settle();
    const host = hostCpu() - cpu0;
    // Ansible exits 4 when a host was unreachable (host key and auth failures are "unreachable" to it too).
    if (t.status !== 0 && t.status !== 4) throw new Error(`ansible failed (${t.status}): ${t.stdout.slice(-2000)}${t.stderr.slice(-2000)}`);
    const counts = new Map();
    for (const line of t.stdout.split('\n')) {
      const m = /^(\S+) \| CHANGED \| rc=0 \| \(stdout\) (.*)$/.exec(line);
      if (m) counts.set(m[1], m[2].split('\\n').filter(Boolean).length);
    }
    const disagree = names.filter((n) => counts.get(n) !== ferryPackages.get(n));
    if (disagree.length) throw new Error(`results differ on ${disagree.map((n) => `${n}: Ferry ${ferryPackages.get(n) ?? 'failed'}, Ansible ${counts.get(n) ?? 'failed'}`).join('; ')}`);
    return { wall: t.wall, cpu: t.cpu + masters, host, masters };
  }

  const startups = [1, 2, 3].map(() => timed([process.execPath, ferryBin, '--version']));
  const rows = [];
  for (const forks of FORKS) {
    await ferryRun(forks);
    await ansibleRun(forks);
    const f = [];
    const a = [];
    for (let i = 0; i < RUNS; i++) { f.push(await ferryRun(forks)); a.push(await ansibleRun(forks)); }
    const med = (rs, k) => median(rs.map((r) => r[k]));
    const row = { forks, load: load1(), ferry: { wall: med(f, 'wall'), cpu: med(f, 'cpu'), host: med(f, 'host') }, ansible: { wall: med(a, 'wall'), cpu: med(a, 'cpu'), host: med(a, 'host'), masters: med(a, 'masters') },
      walls: { ferry: f.map((r) => r.wall), ansible: a.map((r) => r.wall) } };
    rows.push(row);
    const perHost = (s) => `${ms(s / N)}/host`;
    console.log(`forks ${forks} (load ${row.load}):`);
    console.log(`  ferry fleet collect (full facts, stored): wall ${row.ferry.wall.toFixed(2)} s [${row.walls.ferry.map((w) => w.toFixed(2)).join(', ')}], `
      + `controller CPU ${row.ferry.cpu.toFixed(2)} s = ${perHost(row.ferry.cpu)}, host side ${perHost(row.ferry.host)}`);
    console.log(`  ansible -m command rpm -qa:              wall ${row.ansible.wall.toFixed(2)} s [${row.walls.ansible.map((w) => w.toFixed(2)).join(', ')}], `
      + `controller CPU ${row.ansible.cpu.toFixed(2)} s = ${perHost(row.ansible.cpu)} (${row.ansible.masters.toFixed(2)} s of it its ssh ControlMasters), host side ${perHost(row.ansible.host)}`);
    console.log(`  ratios: Ferry ${(row.ansible.wall / row.ferry.wall).toFixed(1)}x faster (goal ≥ 5x), ${(row.ansible.cpu / row.ferry.cpu).toFixed(1)}x less controller CPU, `
      + `${(row.ansible.host / row.ferry.host).toFixed(1)}x less host CPU; Ferry ${perHost(row.ferry.cpu)} controller CPU (goal ≤ 20 ms/host); `
      + `same ${faulty.size} hosts failed on both, package counts agree on the other ${N - faulty.size}`);
  }
  console.log(`  (Ferry's CLI start-up, included above: ${median(startups.map((s) => s.wall)).toFixed(2)} s wall, ${median(startups.map((s) => s.cpu)).toFixed(2)} s CPU, for ferry --version)`);

  // Where Ferry's time goes, host by host (serial, in this process, the code ferry fleet collect runs).
  const store = await openFerryStore(join(dir, 'profile.db'));
  try {
    await importInventory(store, [inventory]);
    const phases = { connect: [], script: [], parse: [], store: [] };
    for (const h of await store.listHosts()) {
      if (faulty.has(h.name)) continue;
      const t0 = performance.now();
      const transport = await openHost({ ...hostOptionsFor(h, { knownHostsFiles: [knownHosts] }), singleCommand: true });
      const t1 = performance.now();
      let scriptMs = 0;
      const timedTransport = { ...transport, run: async (...args) => { const s = performance.now(); try { return await transport.run(...args); } finally { scriptMs += performance.now() - s; } } };
      const facts = await collectFacts(timedTransport);
      const t2 = performance.now();
      await transport.close();
      const t3 = performance.now();
      await store.saveFactSnapshot({ hostName: h.name, facts: toJsonValue(facts), collectedAt: facts.collectedAt });
      await store.recordCollection({ hostName: h.name, outcome: 'ok', message: null, attempts: 1, durationMs: Math.round(t3 - t0), factSnapshotId: null });
      phases.connect.push(t1 - t0);
      phases.script.push(scriptMs);
      phases.parse.push(t2 - t1 - scriptMs);
      phases.store.push(performance.now() - t3);
    }
    console.log(`where Ferry's time goes per reachable host (serial, medians): ${Object.entries(phases).map(([k, v]) => `${k} ${median(v).toFixed(1)} ms`).join(', ')}`);
  } finally {
    await store.close();
  }
} finally {
  await fleet.stop();
  await lab.close();
  rmSync(dir, { recursive: true, force: true });
}
