/* global performance */
// Primary parse throughput: Ferry's readPrimary vs libsolv's rpmmd2solv on the real CentOS Stream 9
// AppStream primary.xml (17,649 packages). Fairness: both read the SAME already-decompressed XML from
// a temp file (so gzip is out of the picture), each in its own process, best of N runs. Ferry's time is
// its whole process (Node start-up and module loading included), like rpmmd2solv's; its parse-only
// time is shown too. libsolv additionally writes a .solv file (to /dev/null), which is part of its job.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');
const repodata = resolve(root, '..', 'shared', 'data', 'repodata', 'cs9-appstream-20250113', 'repodata');
const RUNS = Number(process.env.FERRY_BENCH_RUNS ?? 5);
if (!existsSync(repodata)) {
  console.log('skipped: ../shared/data/repodata/cs9-appstream-20250113 is absent');
  process.exit(0);
}
const gz = readFileSync(join(repodata, 'c03bb2ebc33bbee3046da091b45d90717273a43d3641a9d84e6eede05637bc8a-primary.xml.gz'));
const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-'));
const xml = join(dir, 'primary.xml');
writeFileSync(xml, gunzipSync(gz));
const mb = statSync(xml).size / 1e6;

function time(argv, stdinFile) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', ...argv], {
    stdio: [stdinFile ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    input: stdinFile ? readFileSync(stdinFile) : undefined, maxBuffer: 1 << 28,
  });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  const last = r.stderr.toString().trim().split('\n').pop().split(' ').map(Number);
  return { wallMs: last[0] * 1000 || wallMs, cpuMs: (last[1] + last[2]) * 1000, maxRssKb: last[3], stdout: r.stdout.toString() };
}

try {
  const hasSolv = spawnSync('sh', ['-c', 'command -v rpmmd2solv']).status === 0;
  const ferry = [];
  const solv = [];
  for (let i = 0; i < RUNS; i++) {
    // Interleaved so both see the same machine load.
    const f = time([process.execPath, join(root, 'bench', 'repodata-parse.mjs'), xml]);
    ferry.push({ ...f, inner: JSON.parse(f.stdout) });
    if (hasSolv) solv.push(time(['sh', '-c', `rpmmd2solv < '${xml}' > /dev/null`]));
  }
  const kept = time([process.execPath, join(root, 'bench', 'repodata-parse.mjs'), xml, '--keep']);
  const best = (xs, k) => Math.min(...xs.map((x) => x[k]));
  const fWall = best(ferry, 'wallMs');
  const fCpu = best(ferry, 'cpuMs');
  const fParse = Math.min(...ferry.map((x) => x.inner.ms));
  const fRss = Math.max(...ferry.map((x) => x.maxRssKb)) / 1024;
  const inner = ferry[0].inner;
  console.log(`input: AppStream primary.xml, ${mb.toFixed(1)} MB uncompressed, ${inner.packages} packages, ` +
    `${inner.deps} provides+requires; both read the same decompressed temp file; best of ${RUNS}`);
  console.log(`ferry   readPrimary   ${(mb / (fWall / 1000)).toFixed(1)} MB/s whole process (${fWall.toFixed(0)} ms wall, ` +
    `${fCpu.toFixed(0)} ms cpu), ${(mb / (fParse / 1000)).toFixed(1)} MB/s parse only (${fParse.toFixed(0)} ms); ` +
    `peak RSS ${fRss.toFixed(0)} MB streaming`);
  console.log(`ferry   readPrimary   peak RSS ${(kept.maxRssKb / 1024).toFixed(0)} MB with all ${inner.packages} packages kept in memory`);
  if (hasSolv) {
    const sWall = best(solv, 'wallMs');
    const sCpu = best(solv, 'cpuMs');
    console.log(`libsolv rpmmd2solv    ${(mb / (sWall / 1000)).toFixed(1)} MB/s whole process (${sWall.toFixed(0)} ms wall, ` +
      `${sCpu.toFixed(0)} ms cpu); peak RSS ${(Math.max(...solv.map((x) => x.maxRssKb)) / 1024).toFixed(0)} MB`);
    console.log(`ratio ferry/libsolv: ${(sWall / fWall).toFixed(2)}x wall, ${(sCpu / fCpu).toFixed(2)}x cpu ` +
      `(target >= 2x, peak RSS <= 150 MB: ${sWall / fWall >= 2 && fRss <= 150 ? 'met' : 'NOT met'})`);
  } else {
    console.log('libsolv rpmmd2solv    not installed (apt-get install libsolv-tools): no ratio');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
