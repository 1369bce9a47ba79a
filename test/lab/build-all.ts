// Builds every lab distribution (plus the EPEL-like repo, the signed Rocky 8 repo and one installed
// CentOS 8 host) and prints the timings. `--fresh` builds into an empty temporary cache (the
// from-scratch figure); without it the shared cache .cache/lab is used (the cached figure).
//   node --import tsx test/lab/build-all.ts [--fresh]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab } from './lab.js';
import { mapLimit, PARALLEL } from './build.js';

async function main(): Promise<void> {
  const fresh = process.argv.includes('--fresh');
  const cacheDir = fresh ? mkdtempSync(join(tmpdir(), 'ferry-lab-fresh-')) : undefined;
  const t0 = performance.now();
  const lab = await createLab(cacheDir ? { cacheDir } : {});
  try {
    const ids = lab.distroIds();
    // Two distros at a time; each builds its sources PARALLEL-wide, so rpmbuild keeps both cores busy.
    const timings = await mapLimit(ids, 2, async (id) => {
      const t = performance.now();
      const d = await lab.distro(id);
      return { id, ms: performance.now() - t, repoDir: d.repoDir };
    });
    const tRepos = performance.now();
    await lab.epel();
    await lab.distro('rocky-8', { signed: true });
    const tSigned = performance.now();
    const h = await lab.host({ from: 'centos-8' });
    h.dispose();
    const tEnd = performance.now();
    for (const t of timings) console.log(`${t.id.padEnd(18)} ${(t.ms / 1000).toFixed(1).padStart(6)} s  ${t.repoDir}`);
    console.log(`distros: ${ids.length}, parallel=${PARALLEL}, cache=${lab.cacheDir}`);
    console.log(`all distro repos: ${((tRepos - t0) / 1000).toFixed(1)} s`);
    console.log(`+ epel + signed rocky-8: ${((tSigned - tRepos) / 1000).toFixed(1)} s`);
    console.log(`+ centos-8 host: ${((tEnd - tSigned) / 1000).toFixed(1)} s`);
    console.log(`total (${fresh ? 'from scratch' : 'with cache'}): ${((tEnd - t0) / 1000).toFixed(1)} s`);
  } finally {
    await lab.close();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  }
}

await main();
