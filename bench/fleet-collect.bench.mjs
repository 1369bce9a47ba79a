/* global performance */
// Fleet bench, part (b): collecting a lab fleet, Ferry next to Ansible with the same forks on the same hosts.
// - The fleet: N lab SSH hosts (test/lab: each its own sshd on 127.0.0.1, its own key, a CentOS 7/8/Stream 8
//   root reached through the `ferry_root` variable), N = FERRY_BENCH_FLEET_HOSTS (default 50).
// - Ferry: collectFleet (the code `ferry fleet collect` runs) with concurrency = forks, in this process, into
//   a fresh SQLite store: the whole facts script per host (os, packages, repos, kernel, mounts, …), parsed and
//   stored. Controller CPU = this process's user+sys during the collection plus one `ferry --version`
//   start-up (measured with /usr/bin/time), so the figure is what the CLI would cost.
//   The hosts come from the same INI inventory Ansible reads, through `ferry inventory import`'s code.
// - Ansible: real `ansible all -i INVENTORY -m command -a 'rpm --root {{ ferry_root }} -qa' -f FORKS` (Debian
//   ansible-core, default configuration) on an INI inventory of the same hosts, under /usr/bin/time, whose
//   user+sys include every child (workers, ssh): less work per host than Ferry's (one rpm query).
// Both are checked: every host ok, and Ferry's package count per host equals the lines of Ansible's rpm -qa.
// FERRY_BENCH_FLEET_FORKS sets the forks (default 10); FERRY_BENCH_FROM_SRC=1 loads src/ through tsx.
// Goal: Ferry ≥ 5× faster (wall) and ≤ 20 ms controller CPU per host.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const { HOST_ROOT_VAR } = await load('app/host');
const { createLab } = await tsImport(join(root, 'test', 'lab', 'lab.ts'), import.meta.url);

/** Runs argv under /usr/bin/time: wall seconds and user+sys CPU seconds of the process and all its children. */
function timed(argv, env = process.env) {
  const r = spawnSync('/usr/bin/time', ['-f', 'FERRY-TIME %e %U %S', ...argv], { encoding: 'utf8', env, maxBuffer: 1 << 28 });
  const m = /FERRY-TIME (\S+) (\S+) (\S+)\s*$/.exec(r.stderr);
  if (!m) throw new Error(`${argv.join(' ')}: no timing (status ${r.status}): ${r.stderr.slice(-2000)}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]) };
}

const SHAPES = ['centos-8', 'centos-7', 'centos-stream-8'];
const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-fleet-'));
const lab = await createLab();
try {
  const t0 = performance.now();
  const hosts = [];
  for (let i = 0; i < N; i += 10) {
    hosts.push(...await Promise.all(Array.from({ length: Math.min(10, N - i) }, (_, j) => lab.sshHost({ from: SHAPES[(i + j) % SHAPES.length] }))));
  }
  const names = hosts.map((_, i) => `lab${String(i + 1).padStart(3, '0')}`);
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, hosts.map((h) => `${h.sshd.knownHostsLine}\n`).join(''));
  console.log(`fleet: ${N} lab sshd hosts (${SHAPES.join(', ')}) started in ${((performance.now() - t0) / 1000).toFixed(1)} s; forks ${FORKS}`);

  // The same hosts as an Ansible inventory (INI), and in Ferry's store.
  const inventory = join(dir, 'inventory.ini');
  writeFileSync(inventory, [
    '[lab]',
    ...hosts.map((h, i) => `${names[i]} ansible_host=127.0.0.1 ansible_port=${h.port} ansible_user=root ansible_ssh_private_key_file=${h.privateKeyPath} ferry_root=${h.root}`),
    '', '[all:vars]',
    `ansible_ssh_common_args='-o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes'`,
    'ansible_python_interpreter=/usr/bin/python3', '',
  ].join('\n'));
  const store = await openFerryStore(join(dir, 'ferry.db'));
  try {
    // Ferry reads the very inventory Ansible gets (ferry inventory import's code).
    await importInventory(store, [inventory]);
    const records = await store.listHosts();
    if (records.length !== N || records.some((r) => typeof r.vars[HOST_ROOT_VAR] !== 'string')) throw new Error(`the import gave ${records.length} hosts`);

    // Ferry, in process: CPU of this process over the collection, plus the CLI's start-up measured apart.
    const startup = timed([process.execPath, join(root, 'bin', 'ferry.js'), '--version']);
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    const result = await collectFleet({ store, hosts: records, concurrency: FORKS, knownHostsFiles: [knownHosts], timeoutMs: 60_000 });
    const ferryWall = (performance.now() - w0) / 1000 + startup.wall;
    const cpu = process.cpuUsage(cpu0);
    const ferryCpu = (cpu.user + cpu.system) / 1e6 + startup.cpu;
    if (result.counts.ok !== N) throw new Error(`Ferry collected ${result.counts.ok}/${N}: ${JSON.stringify(result.hosts.filter((h) => h.outcome !== 'ok'))}`);
    const ferryPackages = new Map();
    for (const n of names) ferryPackages.set(n, (await store.latestFactSnapshot(n)).facts.packages.length);

    // Ansible, default configuration, the same forks.
    const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'), ANSIBLE_HOME: join(dir, 'ansible-home'), ANSIBLE_DEPRECATION_WARNINGS: '0' };
    const ans = timed(['ansible', 'all', '-i', inventory, '-m', 'command', '-a', 'rpm --root {{ ferry_root }} -qa', '-f', String(FORKS), '-o'], env);
    if (ans.status !== 0) throw new Error(`ansible failed (${ans.status}): ${ans.stdout.slice(-2000)}${ans.stderr.slice(-2000)}`);
    const ansiblePackages = new Map();
    for (const line of ans.stdout.split('\n')) {
      const m = /^(\S+) \| CHANGED \| rc=0 \| \(stdout\) (.*)$/.exec(line);
      if (m) ansiblePackages.set(m[1], m[2].split('\\n').filter(Boolean).length);
    }
    const disagree = names.filter((n) => ansiblePackages.get(n) !== ferryPackages.get(n));
    if (disagree.length) throw new Error(`package counts differ on ${disagree.map((n) => `${n}: Ferry ${ferryPackages.get(n)}, Ansible ${ansiblePackages.get(n)}`).join('; ')}`);

    const perHost = (s) => `${((s / N) * 1000).toFixed(1)} ms/host`;
    console.log(`ferry   collect (full facts, stored): wall ${ferryWall.toFixed(2)} s, controller CPU ${ferryCpu.toFixed(2)} s = ${perHost(ferryCpu)} (CLI start-up ${startup.wall.toFixed(2)} s wall, ${startup.cpu.toFixed(2)} s CPU included)`);
    console.log(`ansible -m command rpm -qa:           wall ${ans.wall.toFixed(2)} s, controller CPU ${ans.cpu.toFixed(2)} s = ${perHost(ans.cpu)}`);
    console.log(`ratios: Ferry ${(ans.wall / ferryWall).toFixed(1)}x faster (goal ≥ 5x), ${(ans.cpu / ferryCpu).toFixed(1)}x less controller CPU; `
      + `Ferry ${perHost(ferryCpu)} (goal ≤ 20 ms/host); package counts agree on all ${N} hosts`);
  } finally {
    await store.close();
  }
} finally {
  await lab.close();
  rmSync(dir, { recursive: true, force: true });
}
