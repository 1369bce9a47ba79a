/* global performance */
// Child process of repodata.bench.mjs: parses one decompressed primary.xml with Ferry's compiled
// reader and prints {ms, cpuMs, packages, deps, maxRssKb} as JSON. `--keep` retains every Package.
import { createReadStream } from 'node:fs';
import { readPrimary } from '../dist/rpm/repodata/primary.js';

const file = process.argv[2];
const keep = process.argv.includes('--keep');
const t0 = performance.now();
const c0 = process.cpuUsage();
const kept = [];
let packages = 0;
let deps = 0;
for await (const p of readPrimary(createReadStream(file, { highWaterMark: 1 << 20 }), { name: file })) {
  packages++;
  deps += p.provides.length + p.requires.length;
  if (keep) kept.push(p);
}
const ms = performance.now() - t0;
const c = process.cpuUsage(c0);
console.log(JSON.stringify({
  ms, cpuMs: (c.user + c.system) / 1000, packages, deps, kept: kept.length, maxRssKb: process.resourceUsage().maxRSS,
}));
