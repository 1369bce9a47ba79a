/* global performance */
// Lab migration wall time: Ferry (`migrate` use case, all ten steps, on a local lab root) next to the same
// dnf commands by hand (the lab recipe: one `dnf shell` vendor swap, then `dnf distro-sync`), CentOS 8 →
// Rocky 8, median of FERRY_BENCH_MIGRATE_N runs (default 3), each on a fresh copy of a cached lab host.
// Two host sizes: the lab's tiny host (~30 packages, fixed costs dominate) and a realistic one
// (test/lab/bench-host.ts: a few hundred packages with payload files, all synced by distro-sync).
// FERRY_BENCH_MIGRATE_SIZES=tiny,large picks sizes.
//
// Besides the totals it prints where Ferry's time goes: per step, planning (facts, assessment, repo
// query), and by command class (dnf starts, rpm -Va, journal writes, other commands), measured by wrapping
// the transport. The verification the issue requires (rpm -Va before and after) is its own line, and a
// careful operator's by-hand run (rpm -Va before, swap, distro-sync, rpm -Va after) is a second reference,
// and the very commands Ferry ran (each dnf command and both rpm -Va, recorded from its run) typed by hand
// one after another on a fresh copy of the host is the third: the "same dnf commands by hand".
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { tsImport } from 'tsx/esm/api';

const root = resolve(import.meta.dirname, '..');
const N = Number(process.env.FERRY_BENCH_MIGRATE_N ?? 3);
const SIZES = (process.env.FERRY_BENCH_MIGRATE_SIZES ?? 'tiny,large').split(',').filter(Boolean);
if (spawnSync('sh', ['-c', 'command -v dnf && command -v rpmbuild && command -v createrepo_c && command -v setsid']).status !== 0) {
  console.log('skipped: dnf, rpmbuild, createrepo_c or setsid is not installed');
  process.exit(0);
}
const { createLab } = await tsImport(join(root, 'test', 'lab', 'lab.ts'), import.meta.url);
const { createBenchHosts } = await tsImport(join(root, 'test', 'lab', 'bench-host.ts'), import.meta.url);
// One module graph: FerryError identity must be shared between the app and the transport.
const { migrate } = await tsImport(join(root, 'src', 'app', 'migrate.ts'), import.meta.url);
const { openHost } = await tsImport(join(root, 'src', 'app', 'host.ts'), import.meta.url);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (x, ref) => `${(((x - ref) / ref) * 100).toFixed(1)}%`;
const ms = (x) => `${x.toFixed(0).padStart(6)} ms`;

/** dnf's command in an argv (`repoquery -l`, `check`…): the first word that is neither an option nor its value. */
function dnfCommand(argv) {
  const withValue = new Set(['--config', '--releasever', '--installroot', '-c']);
  for (let i = 1; i < argv.length; i++) {
    if (withValue.has(argv[i])) { i++; continue; }
    if (!argv[i].startsWith('-')) return [argv[i], ...argv.slice(i + 1).filter((a) => a === '-l')].join(' ');
  }
  return '?';
}

/** Command class of an argv, for the breakdown. */
function classify(argv) {
  const a = argv.join(' ');
  if (argv[0] === 'setsid' || (argv[0] === 'sh' && /setsid -f/.test(argv[2] ?? ''))) return 'dnf (detached start)';
  if (argv[0] === 'dnf') return `dnf (attached): ${dnfCommand(argv)}`;
  if (argv[0] === 'rpm' && argv.includes('-Va')) return 'rpm -Va';
  if (argv[0] === 'rpm') return 'rpm queries';
  if ((argv[0] === 'sh' && /sync "\$t"|cat >> "\$1"/.test(argv[2] ?? '')) || (argv[0] === 'sync' && /journal\.jsonl$/.test(argv[1] ?? ''))) return 'journal writes';
  if (argv[0] === 'sh' && /--ferry--|inotifywait|wait-detached/.test(a)) return 'dnf wait/poll';
  if (argv[0] === 'tar') return 'tar backups';
  return 'other commands';
}

/** Wraps a transport: every run/readFile/writeFile/exists is timed into `tally` under its class. */
function instrument(t, tally, record) {
  const add = (k, d) => { const e = tally.get(k) ?? { n: 0, ms: 0 }; e.n++; e.ms += d; tally.set(k, e); };
  const timed = (k, p) => { const s = performance.now(); return p.finally(() => add(typeof k === 'function' ? k() : k, performance.now() - s)); };
  return new Proxy(t, {
    get(target, prop) {
      const v = Reflect.get(target, prop);
      if (prop === 'run') return (argv, o) => { record?.(argv); return timed(classify(argv), target.run(argv, o)); };
      if (prop === 'readFile' || prop === 'writeFile' || prop === 'exists') return (...a) => timed('file ops', v.apply(target, a));
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/**
 * The part of one of Ferry's commands an operator would type: a dnf command (attached, or the argv a detached
 * start wraps) without the options that only point dnf at Ferry's private config, root and cache (the
 * by-hand run has its own for the same repositories), or `rpm -Va`. Anything else is Ferry's bookkeeping.
 */
function operatorCommand(argv) {
  if (argv[0] === 'rpm' && argv.includes('-Va')) return ['rpm', '-Va'];
  let a = argv;
  if (argv[0] === 'sh' && /setsid -f/.test(argv[2] ?? '')) a = argv.slice(argv.indexOf('dnf', 3));
  if (a[0] !== 'dnf') return undefined;
  const out = ['dnf'];
  for (let i = 1; i < a.length; i++) {
    if (['--config', '--releasever', '--installroot'].includes(a[i])) { i++; continue; }
    if (['-y', '--nogpgcheck', '--disableplugin=*'].includes(a[i]) || /^--setopt=(reposdir|best|cachedir|module_platform_id)=/.test(a[i])) continue;
    out.push(a[i]);
  }
  return out;
}

async function ferryRun(host, target) {
  process.env.HOME = host.env.HOME;
  const tally = new Map();
  const commands = [];
  const t = instrument(await openHost({ host: 'local', root: host.root }), tally, (argv) => { const c = operatorCommand(argv); if (c) commands.push(c); });
  const steps = new Map();
  const starts = new Map();
  let firstStep;
  const t0 = performance.now();
  const res = await migrate({ transport: t, target: target.id, repos: [target.repoDir], gpgcheck: false, onProgress(e) {
    if (e.scope !== 'step') return;
    if (e.phase === 'start') { starts.set(e.step.id, performance.now()); firstStep ??= performance.now(); }
    if (e.phase === 'end') steps.set(e.step.title.replace(/:.*$/, ''), performance.now() - starts.get(e.step.id));
  } });
  const whole = performance.now() - t0;
  await t.close();
  if (res.result.status !== 'completed' || !res.verify?.ok) throw new Error(`Ferry migration did not complete: ${JSON.stringify(res.verify?.checks)}`);
  const dnfSteps = [...steps].filter(([k]) => /^Swap vendor|distro-sync/.test(k)).reduce((s, [, v]) => s + v, 0);
  return { whole, dnfSteps, plan: firstStep - t0, steps, tally, swap: res.plan.swap, commands };
}

/**
 * The same commands Ferry ran (every dnf command and both rpm -Va), typed by hand one after another on a
 * fresh copy of the host, with the lab's own dnf config for the same repositories; `dnf shell` gets the
 * same swap script.
 */
function replayRun(host, target, commands, swap) {
  const script = join(host.root, '..', 'swap.dnf');
  writeFileSync(script, `remove ${swap.remove.join(' ')}\ninstall ${swap.install.join(' ')}\nrun\n`);
  const t0 = performance.now();
  for (const c of commands) {
    const argv = c[0] === 'rpm' ? ['--root', host.root, '-Va'] : [...host.dnfArgs(target), ...c.slice(1)];
    const i = argv.indexOf('shell');
    if (i >= 0) argv[i + 1] = script;
    const r = spawnSync(c[0], argv, { env: host.env });
    if (r.status !== 0 && /shell|distro-sync|check/.test(c.join(' '))) throw new Error(`by-hand ${c.join(' ')} failed: ${r.stderr}`);
  }
  return performance.now() - t0;
}

function handRun(host, target, swap) {
  const script = join(host.root, '..', 'swap.dnf');
  writeFileSync(script, `remove ${swap.remove.join(' ')}\ninstall ${swap.install.join(' ')}\nrun\n`);
  const va = () => { const s = performance.now(); spawnSync('rpm', ['--root', host.root, '-Va'], { env: host.env }); return performance.now() - s; };
  const vaBefore = va();
  const t1 = performance.now();
  const a = spawnSync('dnf', [...host.dnfArgs(target), '--setopt=protected_packages=', '--noautoremove', 'shell', script], { env: host.env });
  const s = spawnSync('dnf', [...host.dnfArgs(target), 'distro-sync', '--allowerasing'], { env: host.env });
  const dnf = performance.now() - t1;
  if (a.status !== 0 || s.status !== 0) throw new Error(`by-hand migration failed: ${a.stderr}${s.stderr}`);
  return { dnf, careful: vaBefore + dnf + va() };
}

const lab = await createLab();
const benchHosts = await createBenchHosts(lab);
console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const size of SIZES) {
  const shape = size === 'large' ? await benchHosts.large() : await benchHosts.tiny();
  const runs = [];
  let lastSwap;
  let lastCommands;
  for (let i = 0; i < N; i++) {
    // Alternate the order so drift in machine load hits both sides alike.
    // (The by-hand run needs the plan's swap, so the very first run is Ferry's.)
    const order = i % 2 === 0 ? ['ferry', 'hand', 'replay'] : ['hand', 'replay', 'ferry'];
    const r = {};
    for (const who of order) {
      const h = await shape.host();
      if (who === 'ferry') { Object.assign(r, await ferryRun(h, shape.target)); lastSwap = r.swap; lastCommands = r.commands; }
      else if (who === 'replay') r.replay = replayRun(h, shape.target, r.commands ?? lastCommands, r.swap ?? lastSwap);
      else r.hand = handRun(h, shape.target, r.swap ?? lastSwap);
      h.dispose();
    }
    runs.push(r);
  }
  const hand = median(runs.map((r) => r.hand.dnf));
  const careful = median(runs.map((r) => r.hand.careful));
  const dnfSteps = median(runs.map((r) => r.dnfSteps));
  const whole = median(runs.map((r) => r.whole));
  const va = median(runs.map((r) => r.tally.get('rpm -Va')?.ms ?? 0));
  console.log(`migrate centos-8 → rocky-8, ${size} host (${shape.packages} packages; ${N} runs, median):`);
  console.log(`  dnf by hand (swap + distro-sync):             ${ms(hand)}`);
  console.log(`  Ferry, swap + distro-sync steps only:         ${ms(dnfSteps)}  (${pct(dnfSteps, hand)} over by hand)`);
  console.log(`  Ferry, whole migration (10 steps):            ${ms(whole)}  (${pct(whole, hand)} over by hand; goal < 5%)`);
  console.log(`  verification: rpm -Va before + after:         ${ms(va)}  (required by the issue; ${(va / whole * 100).toFixed(0)}% of Ferry's whole)`);
  console.log(`  Ferry whole minus rpm -Va:                    ${ms(whole - va)}  (${pct(whole - va, hand)} over by hand)`);
  const outside = median(runs.map((r) => r.whole - r.dnfSteps));
  console.log(`  Ferry outside its swap + distro-sync steps:   ${ms(outside)}  (planning and the other eight steps, rpm -Va included)`);
  // dnf's own work varies by seconds with the machine's load; each run's Ferry and by-hand sides ran back to
  // back, so the median of the per-run ratios is steadier than the ratio of the medians.
  const paired = (f) => median(runs.map((r) => (f(r) - r.hand.dnf) / r.hand.dnf * 100)).toFixed(1);
  console.log(`  paired per run (median of the ${N} runs' own overheads): dnf steps ${paired((r) => r.dnfSteps)}%, whole ${paired((r) => r.whole)}%, whole minus rpm -Va ${paired((r) => r.whole - (r.tally.get('rpm -Va')?.ms ?? 0))}%`);
  console.log(`  careful operator by hand (rpm -Va, swap, distro-sync, rpm -Va): ${ms(careful)}; Ferry whole is ${pct(whole, careful)} over it`);
  const replay = median(runs.map((r) => r.replay));
  const cmds = runs[runs.length - 1].commands ?? lastCommands;
  console.log(`  the same commands Ferry ran, by hand one after another (${cmds.filter((c) => c[0] === 'dnf').length} dnf, ${cmds.filter((c) => c[0] === 'rpm').length} rpm -Va): ${ms(replay)}; ` +
    `Ferry whole is ${pct(whole, replay)} over it (paired per run ${median(runs.map((r) => (r.whole - r.replay) / r.replay * 100)).toFixed(1)}%; goal < 5%)`);
  for (const c of cmds) console.log(`    ${c.join(' ').slice(0, 110)}`);
  console.log(`  where Ferry's time goes (median per step; planning = facts, assessment, repo query):`);
  console.log(`    ${'planning (before the first step)'.padEnd(58)} ${ms(median(runs.map((r) => r.plan)))}`);
  for (const k of runs[0].steps.keys()) console.log(`    ${k.slice(0, 58).padEnd(58)} ${ms(median(runs.map((r) => r.steps.get(k) ?? 0)))}`);
  console.log(`  by command class (median total ms, count):`);
  const classes = [...new Set(runs.flatMap((r) => [...r.tally.keys()]))].sort();
  for (const k of classes) {
    console.log(`    ${k.padEnd(58)} ${ms(median(runs.map((r) => r.tally.get(k)?.ms ?? 0)))}  ×${median(runs.map((r) => r.tally.get(k)?.n ?? 0))}`);
  }
}
console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
benchHosts.close();
await lab.close();
