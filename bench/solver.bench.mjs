// Distro-sync of a 1,500-package installed set against CentOS Stream 9 BaseOS (20220207) + AppStream
// (20250113), solved by Ferry's depsolver (src/solver) and by Debian's testsolv (libsolv 0.7.23) on the same
// testcase, which Ferry writes (writeTestcase) from the real primary.xml files. Each side runs in its own
// process on the testcase file (read + solve), alternating run after run; medians of FERRY_BENCH_RUNS (default 3).
// The installed set: for every name with several versions in the repositories the oldest one (so the sync
// upgrades it), then the latest of further names, 1,500 in all. Only x86_64 and noarch packages are written:
// Ferry does not model libsolv's infarch rules, which i686 packages would bring in.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readPrimary } from '../dist/rpm/repodata/primary.js';
import { decompress } from '../dist/rpm/repodata/decompress.js';
import { depFromEntry } from '../dist/rpm/deps.js';
import { compareEvr } from '../dist/rpm/evr.js';
import { writeTestcase } from '../dist/solver/testcase.js';
import { normaliseReference } from '../dist/solver/result.js';

const root = resolve(import.meta.dirname, '..');
const data = resolve(root, '..', 'shared', 'data', 'repodata');
const REPOS = [['baseos', 'cs9-baseos-20220207'], ['appstream', 'cs9-appstream-20250113']];
const RUNS = Number(process.env.FERRY_BENCH_RUNS ?? 3);
const INSTALLED = 1500;
if (!REPOS.every(([, d]) => existsSync(join(data, d, 'repodata')))) {
  console.log('skipped: ../shared/data/repodata/cs9-baseos-20220207 or cs9-appstream-20250113 is absent');
  process.exit(0);
}
if (spawnSync('testsolv', ['-h'], { stdio: 'ignore' }).error) {
  console.log('skipped: testsolv (Debian libsolv-tools) is not installed');
  process.exit(0);
}

async function packagesOf(dir) {
  const repodata = join(data, dir, 'repodata');
  const file = join(repodata, readdirSync(repodata).find((f) => f.endsWith('-primary.xml.gz')));
  const out = [];
  for await (const p of readPrimary(await decompress(createReadStream(file), { name: file }), { name: file })) {
    if (p.arch !== 'x86_64' && p.arch !== 'noarch') continue;
    out.push({
      name: p.name, evr: { epoch: p.epoch, version: p.version, release: p.release }, arch: p.arch,
      provides: [...p.provides, ...p.files.map((f) => ({ name: f }))],
      obsoletes: p.obsoletes,
      requires: p.requires.map(depFromEntry), conflicts: p.conflicts.map(depFromEntry),
      recommends: p.recommends.map(depFromEntry), suggests: p.suggests.map(depFromEntry),
      supplements: p.supplements.map(depFromEntry), enhances: p.enhances.map(depFromEntry),
    });
  }
  return out;
}

const repos = [];
for (const [name, dir] of REPOS) repos.push({ name, priority: 0, packages: await packagesOf(dir) });
const byName = new Map();
for (const r of repos) for (const p of r.packages) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
const names = [...byName.keys()].sort();
const oldest = (ps) => ps.reduce((a, b) => (compareEvr(a.evr, b.evr) <= 0 ? a : b));
const latest = (ps) => ps.reduce((a, b) => (compareEvr(a.evr, b.evr) >= 0 ? a : b));
const installed = names.filter((n) => byName.get(n).length > 1).slice(0, INSTALLED).map((n) => oldest(byName.get(n)));
const upgradable = installed.length;
for (const n of names) {
  if (installed.length >= INSTALLED) break;
  if (byName.get(n).length === 1) installed.push(latest(byName.get(n)));
}
const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-solver-'));
const file = join(dir, 'distro-sync.t');
const text = writeTestcase({ repos: [{ name: 'system', priority: 0, packages: installed }, ...repos], arch: 'x86_64', jobs: ['distupgrade all packages'] });
writeFileSync(file, text);
// FERRY_BENCH_SOLVER_OUT=FILE keeps a copy of the testcase (to rerun testsolv -v on it)
if (process.env.FERRY_BENCH_SOLVER_OUT) writeFileSync(process.env.FERRY_BENCH_SOLVER_OUT, text);

function time(argv) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', ...argv], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  const [wall, user, sys, rss] = r.stderr.toString().trim().split('\n').pop().split(' ').map(Number);
  return { wall: wall * 1000, cpu: (user + sys) * 1000, rss: rss / 1024, stdout: r.stdout.toString() };
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

const pkgs = repos.reduce((n, r) => n + r.packages.length, 0);
console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (shared machine); ${RUNS} runs each`);
console.log(`testcase: ${installed.length} installed (${upgradable} with another version in the repositories), ${pkgs} repository packages (x86_64, noarch), job distupgrade all packages`);
const runs = { ferry: [], testsolv: [] };
let mine;
let ref;
for (let i = 0; i < RUNS; i++) {
  const f = time([process.execPath, join(root, 'bench', 'solver-child.mjs'), file]);
  const inner = JSON.parse(f.stdout);
  mine = inner.lines;
  runs.ferry.push({ ...f, inner });
  const t = time(['testsolv', '-r', file]);
  ref = normaliseReference(t.stdout.split('\n'));
  runs.testsolv.push(t);
}
const wall = (k) => median(runs[k].map((r) => r.wall));
const cpu = (k) => median(runs[k].map((r) => r.cpu));
const rss = (k) => Math.max(...runs[k].map((r) => r.rss));
const phase = (k) => median(runs.ferry.map((r) => r.inner.phases[k])).toFixed(0);
const inProcess = median(runs.ferry.map((r) => r.inner.ms));
console.log(`ferry (read + solve)   wall ${wall('ferry').toFixed(0)} ms, CPU ${cpu('ferry').toFixed(0)} ms, peak RSS ${rss('ferry').toFixed(0)} MB; in-process ${inProcess.toFixed(0)} ms: testcase read ${phase('read')}, pool build ${phase('pool')}, rules ${phase('rules')}, SAT ${phase('sat')}, transaction ${phase('transaction')} ms (the rest of the wall: Node's start-up and module loading)`);
console.log(`testsolv (read + solve) wall ${wall('testsolv').toFixed(0)} ms, CPU ${cpu('testsolv').toFixed(0)} ms, peak RSS ${rss('testsolv').toFixed(0)} MB`);
const equal = JSON.stringify(mine) === JSON.stringify(ref);
const kinds = (lines) => Object.entries(lines.reduce((m, l) => ({ ...m, [l.split(' ')[0]]: (m[l.split(' ')[0]] ?? 0) + 1 }), {})).map(([k, v]) => `${v} ${k}`).join(', ');
console.log(`transactions: ${equal ? 'equal' : 'DIFFERENT'} (ferry ${mine.length} lines: ${kinds(mine)}; testsolv ${ref.length} lines: ${kinds(ref)})`);
if (!equal) {
  const a = new Set(mine);
  const b = new Set(ref);
  for (const l of mine.filter((x) => !b.has(x)).slice(0, 10)) console.log(`  only ferry:    ${l}`);
  for (const l of ref.filter((x) => !a.has(x)).slice(0, 10)) console.log(`  only testsolv: ${l}`);
}
console.log(`distro-sync solve: ferry ${(wall('ferry') / wall('testsolv')).toFixed(2)}x testsolv's wall time (goal <= 1x); ${(cpu('ferry') / cpu('testsolv')).toFixed(2)}x its CPU time (user + system: less moved by the other load of a shared machine)`);
rmSync(dir, { recursive: true, force: true });
if (!equal) process.exit(1);
