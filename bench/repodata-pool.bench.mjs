// Columnar pool build (src/rpm/columnar.ts, scanned by columnar-scan.ts) vs libsolv's rpmmd2solv on the
// real CentOS Stream 9 AppStream primary (17,649 packages, 51.8 MB), loading the pool's binary cache vs
// parsing, and the same on the path assess and `ferry repo query` take (openRepo + loadPackages + createPool).
// Each side in its own process, timed by /usr/bin/time (wall, user+sys, max RSS), alternating run after run
// so both see the same load (the machine is shared: medians of FERRY_BENCH_RUNS, default 5). Ferry keeps
// what it built until it exits (its RSS is "with the pool kept"); rpmmd2solv parses, interns and writes a
// .solv to /dev/null. Between two Ferry sides, the ratio is also given without Node's start-up and module
// loading (the children's own timer, `in-process`): the same for both, it is no part of loading a pool.
// The pool builds get the open-size repomd declares as their size hint, as loadRepoPool passes it.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { dir, gzFile, hasRpmmd2solv, median, primaryOpenSize, repoDir, root, time, xml } from './appstream-primary.mjs';

const RUNS = Number(process.env.FERRY_BENCH_RUNS ?? 5);
if (!hasRpmmd2solv) {
  console.log('skipped: rpmmd2solv (Debian libsolv-tools) is not installed');
  process.exit(0);
}
const cache = join(dir, 'pool.cache');
const cacheDir = join(dir, 'pool-cache');
mkdirSync(cacheDir);
const child = join(root, 'bench', 'repodata-pool-child.mjs');
const node = process.execPath;

console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (shared machine); ${RUNS} runs each`);
time([node, child, 'parse', xml, '--write', cache]);
time([node, child, 'repo', repoDir, cacheDir]); // writes the repository's cache the timed runs read
const sides = {
  'ferry pool from .xml': [node, child, 'parse', xml, '--size-hint', String(primaryOpenSize)],
  'rpmmd2solv < .xml': ['sh', '-c', `rpmmd2solv < '${xml}' > /dev/null`],
  'ferry pool from .xml.gz': [node, child, 'parse', gzFile, '--packed', '--size-hint', String(primaryOpenSize)],
  'gzip -dc .xml.gz | rpmmd2solv': ['sh', '-c', `gzip -dc '${gzFile}' | rpmmd2solv > /dev/null`],
  'ferry pool from cache': [node, child, 'load', cache, 'bench'],
  'repository load, readPrimary': [node, child, 'repo', repoDir],
  'repository load, pool cache': [node, child, 'repo', repoDir, cacheDir],
};
const runs = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
for (let i = 0; i < RUNS; i++) {
  for (const [k, argv] of Object.entries(sides)) {
    const r = time(argv);
    runs[k].push({ ...r, ms: argv[0] === node ? JSON.parse(r.stdout).ms : undefined });
  }
}
const s = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, {
  wall: median(v.map((r) => r.wallMs)), cpu: median(v.map((r) => r.cpuMs)), rss: Math.max(...v.map((r) => r.maxRssKb)) / 1024,
  ms: v[0].ms === undefined ? undefined : median(v.map((r) => r.ms)),
}]));
for (const [k, v] of Object.entries(s)) {
  console.log(`${k.padEnd(32)} wall ${v.wall.toFixed(0)} ms, cpu ${v.cpu.toFixed(0)} ms, peak RSS ${v.rss.toFixed(0)} MB` +
    (v.ms === undefined ? '' : `; in-process ${v.ms.toFixed(0)} ms`));
}
const ratio = (a, b) => (s[b].wall / s[a].wall).toFixed(2);
const inner = (a, b) => (s[b].ms / s[a].ms).toFixed(1);
console.log(`pool build .xml    vs rpmmd2solv: ${ratio('ferry pool from .xml', 'rpmmd2solv < .xml')}x wall (goal >= 2x), peak RSS ${s['ferry pool from .xml'].rss.toFixed(0)} MB (goal <= 150)`);
console.log(`pool build .xml.gz vs rpmmd2solv: ${ratio('ferry pool from .xml.gz', 'gzip -dc .xml.gz | rpmmd2solv')}x wall, peak RSS ${s['ferry pool from .xml.gz'].rss.toFixed(0)} MB`);
console.log(`cache load vs parse .xml: ${ratio('ferry pool from cache', 'ferry pool from .xml')}x wall, ${inner('ferry pool from cache', 'ferry pool from .xml')}x in-process (goal >= 10x)`);
console.log(`repository load (openRepo, loadPackages, createPool) with the pool cache vs readPrimary: ${ratio('repository load, pool cache', 'repository load, readPrimary')}x wall, ` +
  `${inner('repository load, pool cache', 'repository load, readPrimary')}x in-process`);
