/* global performance */
// Part (a) of `npm run bench -- fleet`: a fleet assessment of FERRY_BENCH_FLEET_HOSTS (default 10,000) hosts × 3
// targets from facts stored in Ferry's SQLite store, next to `ferry assess` run per host.
//  - hosts: bench/fleet-hosts.mjs (real CentOS 7/8 image package lists, varied as real fleets are); each distinct
//    package list is written to a file and read as `ferry assess --manifest` reads it, so both sides see the same facts;
//  - targets: centos-stream-9 with the real CentOS Stream 9 BaseOS + AppStream repodata of ../shared/data, and the
//    lab's rocky-8 and almalinux-8 repositories (test/lab);
//  - Ferry: `assessFleet` in a child process (so its peak RSS is its own: process.resourceUsage().maxRSS), wall
//    time of the whole child (node start, repositories, assessment, storing) and its CPU time (the machine is
//    shared: CPU is the figure load does not inflate);
//  - reference: the real CLI, `node bin/ferry.js assess --manifest FILE --to the 3 targets --repo …`, on a sample of
//    FERRY_BENCH_FLEET_SAMPLE (default 20) hosts one after another (wall, and CPU from GNU time), extrapolated to
//    every host; its scores are compared with the fleet's rows for the same hosts (a differential, printed).
// Goal (issue 16): < 60 s wall and < 2 GB peak RSS for 10,000 hosts on this 2-core machine.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { generateFleet, readManifests } from './fleet-hosts.mjs';

const root = resolve(import.meta.dirname, '..');
const shared = resolve(root, '..', 'shared', 'data');
const HOSTS = Number(process.env.FERRY_BENCH_FLEET_HOSTS ?? 10_000);
const SAMPLE = Number(process.env.FERRY_BENCH_FLEET_SAMPLE ?? 20);
const TODAY = new Date().toISOString().slice(0, 10);
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
const TIME = '/usr/bin/time';

export async function benchFleetAssess() {
  const cs9 = [join(shared, 'repodata', 'cs9-baseos-20220207'), join(shared, 'repodata', 'cs9-appstream-20250113')];
  const manifests = join(shared, 'manifests', 'docker-repo-info-2020');
  if (!existsSync(cs9[1]) || !existsSync(manifests)) {
    console.log('skipped: ../shared/data (CS9 repodata, image manifests) is absent');
    return;
  }
  if (spawnSync('sh', ['-c', `command -v rpmbuild && command -v createrepo_c && test -x ${TIME}`]).status !== 0) {
    console.log(`skipped: rpmbuild or createrepo_c (the lab targets need them) or ${TIME} is not installed`);
    return;
  }
  const { createLab } = await tsImport(join(root, 'test', 'lab', 'lab.ts'), import.meta.url);
  const lab = await createLab();
  const repos = { 'centos-stream-9': cs9, 'rocky-8': [(await lab.distro('rocky-8')).repoDir], 'almalinux-8': [(await lab.distro('almalinux-8')).repoDir] };
  await lab.close();
  const targets = Object.keys(repos);
  const { readPackageListFile } = await import(join(root, 'dist', 'facts', 'index.js'));
  const { openSqliteStore } = await import(join(root, 'dist', 'store', 'index.js'));

  const work = mkdtempSync(join(tmpdir(), 'ferry-bench-fleet-'));
  try {
    let t = performance.now();
    const hosts = generateFleet(readManifests(manifests), HOSTS);
    const lists = new Map();
    mkdirSync(join(work, 'lists'));
    for (const h of hosts) {
      if (!lists.has(h.list)) {
        const file = join(work, 'lists', `set-${lists.size}.txt`);
        writeFileSync(file, h.list);
        lists.set(h.list, { file, facts: await readPackageListFile(file) });
      }
    }
    const storePath = join(work, 'ferry.db');
    const store = openSqliteStore({ path: storePath });
    await store.migrate();
    await store.upsertHosts(hosts.map((h) => ({ name: h.name, labels: { bench: 'fleet' }, source: 'bench' })));
    for (const h of hosts) {
      const { facts } = lists.get(h.list);
      await store.saveFactSnapshot({ hostName: h.name, facts: { ...facts, origin: `bench:${h.name}`, system: { ...facts.system, hostname: h.name } } });
    }
    await store.close();
    console.log(`fleet: ${hosts.length} hosts from ${lists.size} distinct package lists (real CentOS 7.0–8 image manifests, varied), stored in ${s(performance.now() - t)}`);

    t = performance.now();
    const child = spawnSync(process.execPath, [join(root, 'bench', 'fleet-assess-child.mjs'), JSON.stringify({ storePath, targets, repos, today: TODAY })],
      { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
    const wall = performance.now() - t;
    if (child.status !== 0) throw new Error(`the fleet assessment failed (${child.status ?? child.signal}): ${child.stderr}`);
    const result = JSON.parse(child.stdout);
    const rows = result.sampleRows;

    const sample = Array.from({ length: Math.min(SAMPLE, hosts.length) }, (_, i) => hosts[Math.floor((i * hosts.length) / Math.min(SAMPLE, hosts.length))]);
    const repoFlags = Object.entries(repos).flatMap(([target, locations]) => locations.flatMap((l) => ['--repo', `${target}=${l}`]));
    let single = 0;
    let singleCpu = 0;
    let agree = 0;
    for (const h of sample) {
      const started = performance.now();
      // GNU time writes the child's user and system CPU seconds to the file, apart from its JSON on stdout.
      const timeFile = join(work, 'time.txt');
      const r = spawnSync(TIME, ['-f', '%U %S', '-o', timeFile, process.execPath, join(root, 'bin', 'ferry.js'), 'assess', '--manifest', lists.get(h.list).file, '--to', targets.join(','), ...repoFlags,
        '--today', TODAY, '--json', '--no-progress'], { cwd: root, encoding: 'utf8', maxBuffer: 256 << 20 });
      single += performance.now() - started;
      singleCpu += readFileSync(timeFile, 'utf8').trim().split(/\s+/).reduce((sum, x) => sum + Number(x) * 1000, 0);
      if (r.status !== 0) throw new Error(`ferry assess failed for ${h.name}: ${r.stderr}`);
      const scores = Object.fromEntries(JSON.parse(r.stdout).targets.map((x) => [x.target, x.score]));
      if (targets.every((target) => rows[h.name]?.[target] === scores[target])) agree++;
    }
    const perHost = single / sample.length;
    const extrapolated = perHost * hosts.length;
    const rssMiB = result.maxRssKiB / 1024;
    console.log(`Ferry fleet assess: ${hosts.length} hosts × ${targets.length} targets in ${s(wall)} wall, ${s(result.cpuMs)} CPU (assessment ${s(result.durationMs)}: `
      + `${result.summary.distinctInputs} distinct sets, ${result.summary.assessments} target assessments), peak RSS ${rssMiB.toFixed(0)} MiB`);
    console.log(`ferry assess per host: ${s(perHost)} wall, ${s(singleCpu / sample.length)} CPU each (mean of ${sample.length}, 3 targets per run) → ${s(extrapolated)} for ${hosts.length} hosts`);
    console.log(`ratio: ${(extrapolated / wall).toFixed(0)}× less wall and ${((singleCpu / sample.length) * hosts.length / result.cpuMs).toFixed(0)}× less CPU than ferry assess per host; goal < 60 s wall: ${wall < 60_000 ? 'met' : 'NOT met'}, `
      + `< 2 GB RSS: ${rssMiB < 2048 ? 'met' : 'NOT met'}; sample scores equal to ferry assess: ${agree}/${sample.length}; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
