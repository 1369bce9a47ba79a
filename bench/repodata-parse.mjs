/* global performance */
// Child process of repodata.bench.mjs: parses one primary.xml with Ferry's compiled reader and prints
// {ms, cpuMs, packages, deps, files, maxRssKb} as JSON.
//   <file>            an uncompressed primary.xml, read with createReadStream (1 MiB chunks)
//   <file> --packed   a compressed one (any codec), through decompress() (gzip: zlib on the libuv pool,
//                     overlapping with parsing; bomb caps on)
//   --keep            retains every Package (the memory of a loaded repository)
import { createReadStream } from 'node:fs';
import { readPrimary } from '../dist/rpm/repodata/primary.js';
import { decompress } from '../dist/rpm/repodata/decompress.js';

const file = process.argv[2];
const keep = process.argv.includes('--keep');
const t0 = performance.now();
const c0 = process.cpuUsage();
const raw = createReadStream(file, { highWaterMark: 1 << 20 });
const source = process.argv.includes('--packed') ? await decompress(raw, { name: file }) : raw;
const kept = [];
let packages = 0;
let deps = 0;
let files = 0;
for await (const p of readPrimary(source, { name: file })) {
  packages++;
  deps += p.provides.length + p.requires.length + p.conflicts.length + p.obsoletes.length + p.recommends.length +
    p.suggests.length + p.supplements.length + p.enhances.length;
  files += p.files.length;
  if (keep) kept.push(p);
}
const ms = performance.now() - t0;
const c = process.cpuUsage(c0);
console.log(JSON.stringify({
  ms, cpuMs: (c.user + c.system) / 1000, packages, deps, files, kept: kept.length,
  maxRssKb: process.resourceUsage().maxRSS,
}));
