/* global performance */
// `npm run bench -- prove`: the prove benches of issue 21.
//  (a) SBOM of a 1,500-package host in the three formats: the host is 1,500 real packages of the CentOS Stream 9
//      BaseOS + AppStream repodata of ../shared/data (newest per name.arch, with their vendor, license, source rpm
//      and requires resolved against the set, as the relations facts section resolves them); timed: the model,
//      each rendering and its JSON text, median of 5 runs. No reference SBOM tool (syft, trivy) is installed on
//      this machine: the rate is printed alone. Goal < 1 s.
//  (b) CVE matching of 10,000 stored hosts (bench/fleet-hosts.mjs: real CentOS 7.0–8 image package lists, varied)
//      against the full AlmaLinux OSV database: fleetExposure over Ferry's SQLite store (reading every snapshot and
//      matching it), CentOS 8 hosts against AlmaLinux 8's fixes; CentOS 7 hosts are "not covered" (AlmaLinux
//      publishes no EL7 feed), counted apart. Goal < 30 s.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateFleet, readManifests } from './fleet-hosts.mjs';

const root = resolve(import.meta.dirname, '..');
const shared = resolve(root, '..', 'shared', 'data');
const HOSTS = Number(process.env.FERRY_BENCH_PROVE_HOSTS ?? 10_000);
const s = (ms) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dist = (p) => import(join(root, 'dist', p));

async function benchSbom() {
  const repos = [join(shared, 'repodata', 'cs9-baseos-20220207'), join(shared, 'repodata', 'cs9-appstream-20250113')];
  if (!existsSync(repos[1])) return console.log('skipped: ../shared/data CS9 repodata is absent');
  const { openRepo, loadPackages } = await dist('rpm/repodata/index.js');
  const { compareEvr } = await dist('rpm/evr.js');
  const { resolveRelations, relationKey } = await dist('facts/index.js');
  const { sbomModelOf, renderSbom, SBOM_FORMATS } = await dist('report/sbom/index.js');
  const all = (await Promise.all(repos.map(async (r) => loadPackages(await openRepo(r))))).flat().filter((p) => p.arch === 'x86_64' || p.arch === 'noarch');
  const newest = new Map();
  for (const p of all) {
    const k = `${p.name}.${p.arch}`;
    if (!newest.has(k) || compareEvr(p, newest.get(k)) > 0) newest.set(k, p);
  }
  const chosen = [...newest.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).filter((_, i) => i % Math.max(1, Math.floor(newest.size / 1500)) === 0).slice(0, 1500);
  const packages = chosen.map((p) => ({ name: p.name, epoch: p.epoch, epochSet: true, version: p.version, release: p.release ?? '', arch: p.arch, vendor: p.vendor ?? 'CentOS', sourcerpm: p.sourcerpm, license: p.license, signature: { algorithm: 'RSA/SHA256', keyId: '05b555b38483c65d' } }));
  const relations = resolveRelations(chosen.map((p) => ({ key: relationKey(p), headerDigest: `sha256:${(p.checksum?.value ?? '0'.repeat(64)).slice(0, 64)}`, requires: p.requires.map((d) => d.name), provides: [...p.provides.map((d) => d.name), ...p.files] })), new Map());
  const facts = { formatVersion: 1, collectedAt: '2026-01-01T00:00:00.000Z', source: 'live', origin: 'bench', sections: {}, os: { id: 'centos', idLike: ['rhel'], versionId: '9', raw: {} }, packages, relations };
  const deps = relations.packages.reduce((n, r) => n + r.dependsOn.length, 0);
  const times = Object.fromEntries(SBOM_FORMATS.map((f) => [f, []]));
  const bytes = {};
  for (let run = 0; run < 5; run++) {
    for (const f of SBOM_FORMATS) {
      const t = performance.now();
      const text = JSON.stringify(renderSbom(sbomModelOf(facts, { hostName: 'bench', toolVersion: 'bench' }), f));
      times[f].push(performance.now() - t);
      bytes[f] = text.length;
    }
  }
  console.log(`host: ${packages.length} real CS9 packages, ${deps} resolved dependency relationships`);
  for (const f of SBOM_FORMATS) {
    const ms = median(times[f]);
    console.log(`ferry sbom ${f}: ${s(ms)} (${(packages.length / (ms / 1000)).toFixed(0)} packages/s, ${(bytes[f] / 1e6).toFixed(1)} MB); goal < 1 s: ${ms < 1000 ? 'met' : 'NOT met'}`);
  }
}

async function benchCve() {
  const tarball = join(shared, 'security', 'almalinux-osv-database', 'advisories.tar.xz');
  const manifests = join(shared, 'manifests', 'docker-repo-info-2020');
  if (!existsSync(tarball) || !existsSync(manifests)) return console.log('skipped: ../shared/data (AlmaLinux OSV, image manifests) is absent');
  const work = mkdtempSync(join(tmpdir(), 'ferry-bench-prove-'));
  try {
    const osv = join(work, 'osv');
    mkdirSync(osv);
    const x = spawnSync('tar', ['-xJf', tarball, '-C', osv]);
    if (x.status !== 0) return console.log('skipped: tar -xJ failed (xz missing?)');
    const { readPackageListFile } = await dist('facts/index.js');
    const { openSqliteStore } = await dist('store/index.js');
    const { loadOsvFeeds, fleetExposure } = await dist('app/prove-cve.js');
    let t = performance.now();
    const hosts = generateFleet(readManifests(manifests), HOSTS);
    // One facts document per distinct list, read as `ferry cve --manifest` reads it.
    const lists = new Map();
    for (const list of new Set(hosts.map((h) => h.list))) {
      const file = join(work, `list-${lists.size}.txt`);
      writeFileSync(file, list);
      lists.set(list, await readPackageListFile(file));
    }
    const store = openSqliteStore({ path: join(work, 'ferry.db') });
    await store.migrate();
    await store.upsertHosts(hosts.map((h) => ({ name: h.name, source: 'bench' })));
    for (const h of hosts) await store.saveFactSnapshot({ hostName: h.name, facts: { ...lists.get(h.list), origin: `bench:${h.name}` } });
    console.log(`fleet: ${hosts.length} hosts from ${lists.size} distinct package lists stored in ${s(performance.now() - t)}`);
    t = performance.now();
    const feeds = await loadOsvFeeds(join(osv, 'advisories'));
    const loadMs = performance.now() - t;
    const advisories = feeds.reduce((n, f) => n + f.feed.advisories.length, 0);
    const cpu0 = process.cpuUsage();
    t = performance.now();
    const r = await fleetExposure({ feeds, successor: 'almalinux', store });
    const ms = performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    await store.close();
    const packages = hosts.reduce((n, h) => n + h.list.split('\n').filter(Boolean).length, 0);
    console.log(`OSV database: ${advisories} security advisories in ${feeds.length} feeds (${feeds.map((f) => f.feed.info.id).join(', ')}) read in ${s(loadMs)}`);
    console.log(`ferry cve --fleet: ${hosts.length} stored hosts (${packages} installed packages) in ${s(ms)} wall, ${s((cpu.user + cpu.system) / 1000)} CPU `
      + `(${(hosts.length / (ms / 1000)).toFixed(0)} hosts/s, ${(packages / (ms / 1000) / 1e6).toFixed(2)} M packages/s): ${r.totals.covered} matched against AlmaLinux 8, `
      + `${r.totals.notCovered} not covered (CentOS 7: no AlmaLinux 7 feed), ${r.totals.advisories} advisories and ${r.totals.cves} CVEs open; goal < 30 s: ${ms + loadMs < 30_000 ? 'met' : 'NOT met'} (with the feed load); `
      + `load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

console.log('### (a) SBOM of a 1,500-package host');
await benchSbom();
console.log('### (b) CVE matching of 10,000 stored hosts against the AlmaLinux OSV database');
await benchCve();
