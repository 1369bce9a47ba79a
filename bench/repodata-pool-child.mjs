/* global performance */
// Child process of repodata-pool.bench.mjs. Keeps what it built alive until it has printed
// {solvables, deps, ms}: ms is the work alone (after Node's start-up and module loading).
//   parse <primary.xml>               columnar pool straight from the uncompressed file
//   parse <primary.xml.gz> --packed   the same through decompress()
//   parse <file> --write <cache>      also writes the binary cache (not timed)
//   parse <file> --size-hint <bytes>  the uncompressed size repomd declares, as loadRepoPool passes it
//   load <cache> <key>                the pool from its verified cache
//   repo <repository dir> [<cache dir>]  what assess and `ferry repo query` do with a repository: openRepo,
//                                     loadPackages (with the pool cache in <cache dir> when given, else
//                                     readPrimary), createPool
// Each mode imports only the modules it uses (module loading is part of each side's wall time).
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';

const [mode, file, key] = process.argv.slice(2);
let kept;
let out;
let t0 = 0;
if (mode === 'parse') {
  const { buildColumnarPool } = await import('../dist/rpm/columnar.js');
  const { decompress } = await import('../dist/rpm/repodata/decompress.js');
  t0 = performance.now();
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const source = process.argv.includes('--packed') ? await decompress(raw, { name: file }) : raw;
  const h = process.argv.indexOf('--size-hint');
  const hint = h > 0 ? { sizeHint: Number(process.argv[h + 1]) } : {};
  kept = await buildColumnarPool([{ repo: 'appstream', primary: source, name: file, ...hint }]);
  out = { solvables: kept.solvableCount, deps: kept.depCount };
} else if (mode === 'load') {
  const { loadColumnarCache } = await import('../dist/rpm/columnar.js');
  t0 = performance.now();
  const r = loadColumnarCache(readFileSync(file), key);
  if (!r.pool) throw new Error(r.reason);
  kept = r.pool;
  out = { solvables: kept.solvableCount, deps: kept.depCount };
} else if (mode === 'repo') {
  const { loadPackages, openRepo } = await import('../dist/rpm/repodata/index.js');
  const { createPool } = await import('../dist/rpm/pool.js');
  t0 = performance.now();
  const repo = await openRepo(file);
  kept = createPool(await loadPackages(repo, key ? { poolCache: { dir: key, warn: (m) => { throw new Error(m); } } } : {}));
  out = { solvables: kept.packages.length };
} else {
  throw new Error(`unknown mode ${mode}`);
}
const ms = performance.now() - t0;
const w = process.argv.indexOf('--write');
if (w > 0) writeFileSync(process.argv[w + 1], kept.serialize('bench'));
console.log(JSON.stringify({ ...out, ms }));
