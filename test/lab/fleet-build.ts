// Builds a lab fleet and prints how long it took: `node --import tsx test/lab/fleet-build.ts [--fresh] [--size N]`.
// --fresh builds into an empty temp cache (every distribution, repo and root template from scratch),
// then builds the same fleet again from that cache (warm); without it, the default cache is used once.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab } from './lab.js';
import { createLabFleet } from './fleet.js';

const args = process.argv.slice(2);
const fresh = args.includes('--fresh');
const sizeAt = args.indexOf('--size');
const size = sizeAt >= 0 ? Number(args[sizeAt + 1]) : 50;
const cacheDir = fresh ? mkdtempSync(join(tmpdir(), 'ferry-lab-fresh-')) : undefined;
const secs = (ms: number): string => (ms / 1000).toFixed(1);
try {
  for (const pass of fresh ? ['cold', 'warm'] : ['cache']) {
    const t = Date.now();
    const lab = await createLab(cacheDir ? { cacheDir } : {});
    const fleet = await createLabFleet(lab, { size });
    const shapes = new Set(fleet.hosts.map((h) => h.shape)).size;
    const built = (sub: string): number => (existsSync(join(lab.cacheDir, sub)) ? readdirSync(join(lab.cacheDir, sub)).length : 0);
    console.log(`${pass}: ${fleet.hosts.length} hosts (${shapes} shapes) in ${secs(Date.now() - t)} s: roots ${secs(fleet.timings.rootsMs)} s, sshd ${secs(fleet.timings.sshdMs)} s; ` +
      `cache now holds ${built('rpms')} source builds, ${built('repos')} repos, ${built('roots')} root templates`);
    await fleet.stop();
    await lab.close();
  }
} finally {
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
}
