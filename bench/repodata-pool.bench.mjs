// Columnar pool build (src/rpm/columnar.ts) vs libsolv's rpmmd2solv on the real CentOS Stream 9 AppStream
// primary (17,649 packages), and loading the pool's binary cache vs parsing. Each side in its own process,
// timed by /usr/bin/time (wall, user+sys, max RSS), alternating run after run so both see the same load.
// Ferry keeps the whole pool in memory until it exits (its RSS is "with the pool kept"); rpmmd2solv
// parses, interns and writes a .solv to /dev/null. Medians of FERRY_BENCH_RUNS (default 5) runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');
const repodata = resolve(root, '..', 'shared', 'data', 'repodata', 'cs9-appstream-20250113', 'repodata');
const RUNS = Number(process.env.FERRY_BENCH_RUNS ?? 5);
if (!existsSync(repodata)) {
  console.log('skipped: ../shared/data/repodata/cs9-appstream-20250113 is absent');
  process.exit(0);
}
if (spawnSync('rpmmd2solv', ['-h'], { stdio: 'ignore' }).error) {
  console.log('skipped: rpmmd2solv (Debian libsolv-tools) is not installed');
  process.exit(0);
}
const gz = join(repodata, 'c03bb2ebc33bbee3046da091b45d90717273a43d3641a9d84e6eede05637bc8a-primary.xml.gz');
const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-pool-'));
const xml = join(dir, 'primary.xml');
const cache = join(dir, 'pool.cache');
writeFileSync(xml, gunzipSync(readFileSync(gz)));
const child = join(root, 'bench', 'repodata-pool-child.mjs');

function time(argv) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  const [wall, user, sys, rss] = r.stderr.toString().trim().split('\n').pop().split(' ').map(Number);
  return { wall: wall * 1000, cpu: (user + sys) * 1000, rss: rss / 1024 };
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const summary = (runs) => ({ wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)), rss: Math.max(...runs.map((r) => r.rss)) });
const fmt = (s) => `wall ${s.wall.toFixed(0)} ms, cpu ${s.cpu.toFixed(0)} ms, peak RSS ${s.rss.toFixed(0)} MB`;

console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (shared machine); ${RUNS} runs each`);
time([process.execPath, child, 'parse', xml, '--write', cache]);
const sides = {
  'ferry pool from .xml': [process.execPath, child, 'parse', xml],
  'rpmmd2solv < .xml': ['sh', '-c', `rpmmd2solv < '${xml}' > /dev/null`],
  'ferry pool from .xml.gz': [process.execPath, child, 'parse', gz, '--packed'],
  'gzip -dc .xml.gz | rpmmd2solv': ['sh', '-c', `gzip -dc '${gz}' | rpmmd2solv > /dev/null`],
  'ferry pool from cache': [process.execPath, child, 'load', cache, 'bench'],
};
const runs = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
for (let i = 0; i < RUNS; i++) for (const [k, argv] of Object.entries(sides)) runs[k].push(time(argv));
const s = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, summary(v)]));
for (const [k, v] of Object.entries(s)) console.log(`${k.padEnd(32)} ${fmt(v)}`);
const ratio = (a, b) => (s[b].wall / s[a].wall).toFixed(2);
console.log(`pool build .xml    vs rpmmd2solv: ${ratio('ferry pool from .xml', 'rpmmd2solv < .xml')}x wall (goal >= 2x), peak RSS ${s['ferry pool from .xml'].rss.toFixed(0)} MB (goal <= 150)`);
console.log(`pool build .xml.gz vs rpmmd2solv: ${ratio('ferry pool from .xml.gz', 'gzip -dc .xml.gz | rpmmd2solv')}x wall, peak RSS ${s['ferry pool from .xml.gz'].rss.toFixed(0)} MB`);
console.log(`cache load vs parse .xml: ${ratio('ferry pool from cache', 'ferry pool from .xml')}x wall (goal >= 10x)`);
rmSync(dir, { recursive: true, force: true });
