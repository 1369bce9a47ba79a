// The shared preamble of the primary.xml benchmarks (repodata.bench.mjs, repodata-pool.bench.mjs): the real
// CentOS Stream 9 AppStream repodata in ../shared (17,649 packages, 51.8 MB of primary.xml), its primary
// decompressed once into a temp file so both sides of a comparison read the same bytes, and the one way
// every side is timed: its own process under /usr/bin/time (wall, user+sys of it and its children, max RSS).
// A module that imports this exits 0 with a "skipped" line when the data is absent.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const root = resolve(import.meta.dirname, '..');
export const repoDir = resolve(root, '..', 'shared', 'data', 'repodata', 'cs9-appstream-20250113');
const repodata = join(repoDir, 'repodata');
if (!existsSync(repodata)) {
  console.log('skipped: ../shared/data/repodata/cs9-appstream-20250113 is absent');
  process.exit(0);
}
export const gzFile = join(repodata, 'c03bb2ebc33bbee3046da091b45d90717273a43d3641a9d84e6eede05637bc8a-primary.xml.gz');
/** A temp directory removed at exit; primary.xml decompressed in it. */
export const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
export const xml = join(dir, 'primary.xml');
writeFileSync(xml, gunzipSync(readFileSync(gzFile)));
/** The open-size repomd.xml declares for primary (what the real load path passes the pool build as its size hint). */
export const primaryOpenSize = Number(/<data type="primary">[\s\S]*?<open-size>(\d+)<\/open-size>/.exec(readFileSync(join(repodata, 'repomd.xml'), 'utf8'))?.[1] ?? 0);
/** Uncompressed size in MB. */
export const mb = statSync(xml).size / 1e6;

/** Runs argv under /usr/bin/time: {wallMs, cpuMs, maxRssKb, stdout}; a failed run throws with its stderr. */
export function time(argv) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', ...argv], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  const last = r.stderr.toString().trim().split('\n').pop().split(' ').map(Number);
  return { wallMs: last[0] * 1000, cpuMs: (last[1] + last[2]) * 1000, maxRssKb: last[3], stdout: r.stdout.toString() };
}

export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

/** rpmmd2solv (Debian's libsolv-tools) is on PATH. */
export const hasRpmmd2solv = spawnSync('sh', ['-c', 'command -v rpmmd2solv']).status === 0;
