/* global performance */
// Lab migration wall time: Ferry (`migrate` use case, all ten steps, on a local lab root) next to the same
// dnf commands by hand (the lab recipe: one `dnf shell` vendor swap, then `dnf distro-sync`), CentOS 8 →
// Rocky 8, median of FERRY_BENCH_MIGRATE_N runs (default 3), each on a fresh copy of the cached lab host.
// Also prints the time Ferry spends inside its swap and distro-sync steps, so the overhead of driving dnf
// (detached run, polling, journaling) is separated from the extra steps (pre-flight, backup, verify).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tsImport } from 'tsx/esm/api';

const root = resolve(import.meta.dirname, '..');
const N = Number(process.env.FERRY_BENCH_MIGRATE_N ?? 3);
if (spawnSync('sh', ['-c', 'command -v dnf && command -v rpmbuild && command -v createrepo_c && command -v setsid']).status !== 0) {
  console.log('skipped: dnf, rpmbuild, createrepo_c or setsid is not installed');
  process.exit(0);
}
const { createLab } = await tsImport(join(root, 'test', 'lab', 'lab.ts'), import.meta.url);
// One module graph: FerryError identity must be shared between the app and the transport.
const { migrate, openHost } = await tsImport(join(root, 'src', 'app', 'migrate.ts'), import.meta.url);

const lab = await createLab();
const rocky = await lab.distro('rocky-8');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hand = [];
const ferry = [];
const ferryDnf = [];
let swap;
for (let i = 0; i < N; i++) {
  const h = await lab.host({ from: 'centos-8', extras: ['nodejs'] });
  process.env.HOME = h.env.HOME;
  const t = await openHost({ host: 'local', root: h.root });
  const starts = new Map();
  let inDnf = 0;
  const t0 = performance.now();
  const res = await migrate({ transport: t, target: 'rocky-8', repos: [rocky.repoDir], gpgcheck: false, onProgress(e) {
    if (e.type !== 'step') return;
    if (e.phase === 'start') starts.set(e.stepId, performance.now());
    if (e.phase === 'end' && /Swap vendor|distro-sync/.test(e.title)) inDnf += performance.now() - starts.get(e.stepId);
  } });
  ferry.push(performance.now() - t0);
  ferryDnf.push(inDnf);
  swap = res.plan.swap;
  await t.close();
  h.dispose();

  const b = await lab.host({ from: 'centos-8', extras: ['nodejs'] });
  const script = join(b.root, '..', 'swap.dnf');
  writeFileSync(script, `remove ${swap.remove.join(' ')}\ninstall ${swap.install.join(' ')}\nrun\n`);
  const t1 = performance.now();
  const a = spawnSync('dnf', [...b.dnfArgs(rocky), '--setopt=protected_packages=', '--noautoremove', 'shell', script], { env: b.env });
  const s = spawnSync('dnf', [...b.dnfArgs(rocky), 'distro-sync', '--allowerasing'], { env: b.env });
  hand.push(performance.now() - t1);
  if (a.status !== 0 || s.status !== 0) throw new Error('by-hand migration failed');
  b.dispose();
}
await lab.close();
const h = median(hand);
const f = median(ferry);
const fd = median(ferryDnf);
console.log(`migrate centos-8 → rocky-8 (lab, ${N} runs, median):`);
console.log(`  dnf by hand (swap + distro-sync):           ${h.toFixed(0)} ms`);
console.log(`  Ferry, swap + distro-sync steps only:       ${fd.toFixed(0)} ms  (${(((fd - h) / h) * 100).toFixed(1)}% over by hand)`);
console.log(`  Ferry, whole migration (10 steps):          ${f.toFixed(0)} ms  (${(((f - h) / h) * 100).toFixed(1)}% over by hand; goal < 5%)`);
