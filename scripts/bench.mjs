// `npm run bench`: runs every benchmark module bench/<name>.bench.mjs (sorted) in its own Node
// process, after `npm run build` has emitted dist/. Each module prints its own result lines.
// `node scripts/bench.mjs repodata lab` runs only the modules whose names contain one of the words; options
// (`--n=50`) are passed to every module run.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = resolve(import.meta.dirname, '..');
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const options = process.argv.slice(2).filter((a) => a.startsWith('-'));
const modules = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();
if (modules.length === 0) {
  console.error('no benchmark modules matched');
  process.exit(1);
}
let failed = 0;
for (const m of modules) {
  console.log(`## ${m.replace(/\.bench\.mjs$/, '')}`);
  const r = spawnSync(process.execPath, [join(root, 'bench', m), ...options], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) { failed++; console.log(`(${m} failed with status ${r.status ?? r.signal})`); }
}
process.exit(failed ? 1 : 0);
