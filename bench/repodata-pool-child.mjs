// Child process of repodata-pool.bench.mjs. Keeps the pool alive until it has printed.
//   parse <primary.xml>            columnar pool straight from the uncompressed file
//   parse <primary.xml.gz> --packed   the same through decompress()
//   parse <file> --write <cache>   also writes the binary cache
//   load <cache> <key>             the pool from its verified cache
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { buildColumnarPool, loadColumnarCache } from '../dist/rpm/columnar.js';
import { decompress } from '../dist/rpm/repodata/decompress.js';

const [mode, file, key] = process.argv.slice(2);
let pool;
if (mode === 'parse') {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const source = process.argv.includes('--packed') ? await decompress(raw, { name: file }) : raw;
  pool = await buildColumnarPool([{ repo: 'appstream', primary: source, name: file }]);
  const w = process.argv.indexOf('--write');
  if (w > 0) writeFileSync(process.argv[w + 1], pool.serialize('bench'));
} else {
  const r = loadColumnarCache(readFileSync(file), key);
  if (!r.pool) throw new Error(r.reason);
  pool = r.pool;
}
console.log(JSON.stringify({ solvables: pool.solvableCount, deps: pool.depCount }));
