// Runs every *.test.ts under src/ and test/ with node's test runner (through tsx).
// Node 20's `--test` takes no globs, so the files are listed here. Extra args are passed through,
// e.g. `node scripts/run-tests.mjs src/rpm` runs only tests under src/rpm.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const roots = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
// The end-to-end and lab files first: they are the long ones (a minute or more each, real rpm, dnf and sshd),
// so with --test-concurrency the run does not end on one of them while the other slot sits idle; the short
// unit files fill in after. Alphabetical within each group.
const slow = (f) => /^test[\\/](e2e|lab|integration)[\\/]/.test(f);
const files = (roots.length ? roots : ['src', 'test', 'scripts']).flatMap((r) =>
  r.endsWith('.ts') ? [r] : walk(r, [])).sort().sort((a, b) => Number(slow(b)) - Number(slow(a)));
if (files.length === 0) { console.error('no test files found'); process.exit(1); }
const res = spawnSync(process.execPath, [
  '--import', 'tsx', '--test', `--test-concurrency=${process.env.FERRY_TEST_CONCURRENCY ?? 2}`,
  '--test-reporter=spec', ...flags, ...files,
], { stdio: 'inherit' });
process.exit(res.status ?? 1);
