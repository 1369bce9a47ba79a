/* global performance */
// Fleet bench, part (b): collecting the lab fleet, Ferry next to Ansible with the same forks on the same inventory.
// - The fleet: test/lab's createLabFleet, N hosts (FERRY_BENCH_FLEET_HOSTS, default 50), each its own sshd on its
//   own 127.0.1.x address in front of its own CentOS 8 / Stream 8 / 7 root (the inventory's `ferry_root`),
//   written as a real Ansible INI inventory; 3 of them are faulty (unreachable, host key changed, auth refused).
// - Ferry: collectFleet (the code `ferry fleet collect` runs) with concurrency = forks and no retries (Ansible
//   retries nothing), in this process, into a fresh SQLite store, on the hosts `ferry inventory import`'s code
//   reads from that inventory: the whole facts script per host (os, packages, repos, kernel, mounts, …), parsed
//   and stored. Controller CPU = this process's user+sys during the collection plus one `ferry --version`
//   start-up (measured with /usr/bin/time), so the figure is what the CLI would cost.
// - Ansible: real `ansible all -i INVENTORY -m command -a 'rpm --root {{ ferry_root }} -qa' -f FORKS` (Debian
//   ansible-core, default configuration) under /usr/bin/time, whose user+sys include every child (workers,
//   ssh): less work per host than Ferry's (one rpm query).
// Both are checked: the same hosts ok and the same ones failed, and Ferry's package count per host equals the
// lines of Ansible's rpm -qa. FERRY_BENCH_FLEET_FORKS sets the forks (default 10); FERRY_BENCH_FROM_SRC=1 loads
// src/ through tsx. Goal: Ferry ≥ 5× faster (wall) and ≤ 20 ms controller CPU per host.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = resolve(import.meta.dirname, '..');
const N = Number(process.env.FERRY_BENCH_FLEET_HOSTS ?? 50);
const FORKS = Number(process.env.FERRY_BENCH_FLEET_FORKS ?? 10);
const tools = ['ansible', 'ssh', 'ssh-keygen', 'rpm', 'createrepo_c', 'dnf'];
const missing = tools.filter((t) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', t]).status !== 0);
if (missing.length || !existsSync('/usr/sbin/sshd') || !existsSync('/usr/bin/time')) {
  console.log(`skipped: needs ${[...missing, ...(existsSync('/usr/sbin/sshd') ? [] : ['sshd']), ...(existsSync('/usr/bin/time') ? [] : ['/usr/bin/time'])].join(', ')}`);
  process.exit(0);
}
const fromSrc = process.env.FERRY_BENCH_FROM_SRC === '1';
const mod = (p) => (fromSrc ? join(root, 'src', `${p}.ts`) : join(root, 'dist', `${p}.js`));
if (!existsSync(mod('app/fleet-collect'))) {
  console.log(`skipped: ${mod('app/fleet-collect')} is absent (run npm run build)`);
  process.exit(0);
}
const load = (p) => (fromSrc ? tsImport(mod(p), import.meta.url) : import(pathToFileURL(mod(p)).href));
const { collectFleet } = await load('app/fleet-collect');
const { openFerryStore } = await load('app/store');
const { importInventory } = await load('app/inventory');
const { createLab } = await tsImport(join(root, 'test', 'lab', 'lab.ts'), import.meta.url);
const { createLabFleet } = await tsImport(join(root, 'test', 'lab', 'fleet.ts'), import.meta.url);

/** Runs argv under /usr/bin/time: wall seconds and user+sys CPU seconds of the process and all its children. */
function timed(argv, env = process.env) {
  const r = spawnSync('/usr/bin/time', ['-f', 'FERRY-TIME %e %U %S', ...argv], { encoding: 'utf8', env, maxBuffer: 1 << 28 });
  const m = /FERRY-TIME (\S+) (\S+) (\S+)\s*$/.exec(r.stderr);
  if (!m) throw new Error(`${argv.join(' ')}: no timing (status ${r.status}): ${r.stderr.slice(-2000)}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]) };
}

const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-fleet-'));
const lab = await createLab();
const fleet = await createLabFleet(lab, { size: N });
try {
  const names = fleet.hosts.map((h) => h.name);
  const faulty = new Set([fleet.faulty.unreachable, fleet.faulty.hostKeyChanged, fleet.faulty.auth]);
  const inventory = fleet.inventoryPath;
  const knownHosts = fleet.knownHostsPath;
  console.log(`fleet: ${N} lab sshd hosts on 127.0.1.x (${faulty.size} faulty) built in ${(fleet.timings.totalMs / 1000).toFixed(1)} s; forks ${FORKS}`);

  const store = await openFerryStore(join(dir, 'ferry.db'));
  try {
    // Ferry reads the very inventory Ansible gets (ferry inventory import's code).
    await importInventory(store, [inventory]);
    const records = await store.listHosts();
    if (records.length !== N) throw new Error(`the import gave ${records.length} hosts`);

    // Ferry, in process: CPU of this process over the collection, plus the CLI's start-up measured apart.
    const startup = timed([process.execPath, join(root, 'bin', 'ferry.js'), '--version']);
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    const result = await collectFleet({ store, hosts: records, concurrency: FORKS, retries: 0, knownHostsFiles: [knownHosts], timeoutMs: 60_000 });
    const ferryWall = (performance.now() - w0) / 1000 + startup.wall;
    const cpu = process.cpuUsage(cpu0);
    const ferryCpu = (cpu.user + cpu.system) / 1e6 + startup.cpu;
    const ferryFailed = result.hosts.filter((h) => h.outcome !== 'ok').map((h) => h.host).sort();
    if (ferryFailed.join() !== [...faulty].sort().join()) throw new Error(`Ferry failed on ${JSON.stringify(result.hosts.filter((h) => h.outcome !== 'ok'))}, expected ${[...faulty]}`);
    const ferryPackages = new Map();
    for (const n of names) if (!faulty.has(n)) ferryPackages.set(n, (await store.latestFactSnapshot(n)).facts.packages.length);

    // Ansible, default configuration, the same forks.
    const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'), ANSIBLE_HOME: join(dir, 'ansible-home'), ANSIBLE_DEPRECATION_WARNINGS: '0' };
    const ans = timed(['ansible', 'all', '-i', inventory, '-m', 'command', '-a', 'rpm --root {{ ferry_root }} -qa', '-f', String(FORKS), '-o'], env);
    // Ansible exits 4 when a host was unreachable (host key and auth failures are "unreachable" to it too).
    if (ans.status !== 0 && ans.status !== 4) throw new Error(`ansible failed (${ans.status}): ${ans.stdout.slice(-2000)}${ans.stderr.slice(-2000)}`);
    const ansiblePackages = new Map();
    for (const line of ans.stdout.split('\n')) {
      const m = /^(\S+) \| CHANGED \| rc=0 \| \(stdout\) (.*)$/.exec(line);
      if (m) ansiblePackages.set(m[1], m[2].split('\\n').filter(Boolean).length);
    }
    const disagree = names.filter((n) => ansiblePackages.get(n) !== ferryPackages.get(n));
    if (disagree.length) throw new Error(`results differ on ${disagree.map((n) => `${n}: Ferry ${ferryPackages.get(n) ?? 'failed'}, Ansible ${ansiblePackages.get(n) ?? 'failed'}`).join('; ')}`);

    const perHost = (s) => `${((s / N) * 1000).toFixed(1)} ms/host`;
    console.log(`ferry   collect (full facts, stored): wall ${ferryWall.toFixed(2)} s, controller CPU ${ferryCpu.toFixed(2)} s = ${perHost(ferryCpu)} (CLI start-up ${startup.wall.toFixed(2)} s wall, ${startup.cpu.toFixed(2)} s CPU included)`);
    console.log(`ansible -m command rpm -qa:           wall ${ans.wall.toFixed(2)} s, controller CPU ${ans.cpu.toFixed(2)} s = ${perHost(ans.cpu)}`);
    console.log(`ratios: Ferry ${(ans.wall / ferryWall).toFixed(1)}x faster (goal ≥ 5x), ${(ans.cpu / ferryCpu).toFixed(1)}x less controller CPU; `
      + `Ferry ${perHost(ferryCpu)} (goal ≤ 20 ms/host); same ${faulty.size} hosts failed on both, package counts agree on the other ${N - faulty.size}`);
  } finally {
    await store.close();
  }
} finally {
  await fleet.stop();
  await lab.close();
  rmSync(dir, { recursive: true, force: true });
}
