/* global performance, fetch, sessionStorage */
// `npm run bench -- serve`: `ferry serve` with FERRY_BENCH_SERVE_HOSTS (default 10,000) hosts in its SQLite store
// (three source releases, a fleet assessment run of 3 targets per host with readiness and inhibitors).
//  - latency under load: autocannon in this process, the server (`node bin/ferry.js serve`, built dist/) in its
//    own, 10 connections for FERRY_BENCH_SERVE_SECONDS (default 10) s per route: the overview and pages of the
//    host list (100 rows, sorted, a different offset per request; and a search). p50/p99 printed; goal p99 < 100 ms.
//  - reference: a bare node:http server in a third process answering the same bodies from memory (the floor
//    of HTTP + JSON on this machine), under the same load: Ferry's figures are printed as ratios to it.
//  - dashboard first contentful paint: Debian's Chromium (playwright-core) opens the host list with 10,000
//    hosts, logged in; FCP from performance.getEntriesByName('first-contentful-paint'), and the time until the
//    first host rows are on screen; goal FCP < 1 s.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';

const root = resolve(import.meta.dirname, '..');
const HOSTS = Number(process.env.FERRY_BENCH_SERVE_HOSTS ?? 10_000);
const SECONDS = Number(process.env.FERRY_BENCH_SERVE_SECONDS ?? 10);
const CHROMIUM = '/usr/bin/chromium';
const SOURCES = ['centos-7', 'centos-8', 'centos-stream-8'];
const TARGETS = ['rocky-8', 'almalinux-8', 'oraclelinux-8'];
const INHIBITORS = ['registration', 'low-disk', 'unsupported-path', 'btrfs', 'third-party-kernel'];

const { openFerryStore } = await import(join(root, 'dist', 'app', 'store.js'));
const { createToken } = await import(join(root, 'dist', 'app', 'tokens.js'));

async function seed(path) {
  const store = await openFerryStore(path);
  const hosts = Array.from({ length: HOSTS }, (_, i) => ({
    name: `host${String(i).padStart(5, '0')}.dc${i % 4}.example.com`, address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    labels: { source: SOURCES[i % 7 === 0 ? 0 : i % 3 === 0 ? 2 : 1] }, groups: [`dc${i % 4}`, i % 2 ? 'web' : 'db'], source: 'bench.ini',
  }));
  await store.upsertHosts(hosts);
  for (const t of TARGETS) await store.saveAssessmentDocument(`doc-${t}`, { bench: t });
  const runId = `fleet-${new Date().toISOString().slice(0, 10)}-120000Z-bench0`;
  const rows = hosts.flatMap((h, i) => TARGETS.map((target, k) => {
    const blocked = (i + k) % 5 === 0;
    return {
      runId, hostName: h.name, target, factSnapshotId: null, documentKey: `doc-${target}`, readiness: blocked ? 'blocked' : (i + k) % 3 === 0 ? 'risks' : 'ready',
      score: blocked ? -100 : 80 - k, blockers: blocked ? [INHIBITORS[(i + k) % INHIBITORS.length]] : [], missing: (i % 4 === 0) ? ['lab-orphan'] : [],
    };
  }));
  await store.saveFleetAssessments(rows);
  const { secret } = await createToken({ store, name: 'bench', role: 'viewer', operator: 'bench' });
  await store.close();
  return secret;
}

/** Starts a child that prints its URL as JSON on its first stdout line. */
function startChild(args, env = {}) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  child.stderr.on('data', (c) => { err += c; });
  return new Promise((resolveUrl, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolveUrl({ child, url: JSON.parse(line).url });
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${err}`)));
  });
}

const REFERENCE = `
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
const bodies = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const s = createServer((req, res) => {
  const key = req.url.startsWith('/api/hosts') ? 'hosts' : 'overview';
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(bodies[key]);
}).listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: 'http://127.0.0.1:' + s.address().port })));
`;

function load(url, token, requests) {
  return new Promise((resolveResult, reject) => {
    let n = 0;
    autocannon({
      url, connections: 10, duration: SECONDS, headers: { authorization: `Bearer ${token}` },
      requests: [{ setupRequest: (req) => ({ ...req, path: requests(n++) }) }],
    }, (err, r) => (err ? reject(err) : resolveResult(r)));
  });
}

const routes = [
  ['overview', () => '/api/overview'],
  ['host list page (100, sorted by name, any offset)', (n) => `/api/hosts?limit=100&sort=name&offset=${(n * 100) % HOSTS}`],
  ['host list search + sort by source', (n) => `/api/hosts?limit=100&sort=source&q=dc${n % 4}&offset=${(n * 100) % (HOSTS / 4)}`],
];

async function firstPaint(url, token) {
  if (!existsSync(CHROMIUM)) return 'skipped: no /usr/bin/chromium (apt-get install chromium)';
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const login = await context.request.post(`${url}/api/session`, { data: { token } });
    const { csrf } = await login.json();
    await context.addInitScript((c) => sessionStorage.setItem('ferry.csrf', c), csrf);
    const results = [];
    for (let i = 0; i < 5; i++) {
      const page = await context.newPage();
      const t0 = performance.now();
      await page.goto(`${url}/#/hosts`);
      await page.waitForSelector('[data-testid=host-row] a');
      const rows = performance.now() - t0;
      const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
      const total = await page.textContent('[data-testid=hosts-total]');
      results.push({ fcp, rows, total });
      await page.close();
    }
    // The first load also compiles the bundle cold; the median of five is the figure.
    const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const fcp = median(results.map((r) => r.fcp));
    return `first contentful paint ${fcp.toFixed(0)} ms (goal < 1000 ms: ${fcp < 1000 ? 'met' : 'NOT met'}); first host rows on screen ${median(results.map((r) => r.rows)).toFixed(0)} ms after navigation; list shows "${results[0].total}" (median of 5 loads)`;
  } finally {
    await browser.close();
  }
}

const work = mkdtempSync(join(tmpdir(), 'ferry-bench-serve-'));
const children = [];
try {
  if (spawnSync('test', ['-f', join(root, 'dist', 'web', 'index.html')]).status !== 0) throw new Error('dist/web is missing: npm run build builds the dashboard');
  const path = join(work, 'ferry.db');
  let t = performance.now();
  const token = await seed(path);
  console.log(`store: ${HOSTS.toLocaleString('en')} hosts, ${(HOSTS * TARGETS.length).toLocaleString('en')} fleet assessment rows, seeded in ${((performance.now() - t) / 1000).toFixed(1)} s; load avg ${loadavg()[0].toFixed(2)} on ${availableParallelism()} cores`);
  const ferry = await startChild([join(root, 'bin', 'ferry.js'), 'serve', '--store', path, '--listen', '127.0.0.1:0', '--no-jobs', '--json']);
  children.push(ferry.child);
  const get = async (p) => (await fetch(`${ferry.url}${p}`, { headers: { authorization: `Bearer ${token}` } })).text();
  const bodies = { overview: await get('/api/overview'), hosts: await get('/api/hosts?limit=100&sort=name') };
  const bodiesFile = join(work, 'bodies.json');
  writeFileSync(bodiesFile, JSON.stringify(bodies));
  writeFileSync(join(work, 'reference.mjs'), REFERENCE);
  const reference = await startChild([join(work, 'reference.mjs'), bodiesFile]);
  children.push(reference.child);
  console.log(`bodies: overview ${bodies.overview.length} bytes, host page ${bodies.hosts.length} bytes; ${SECONDS} s per route, 10 connections, autocannon in the bench process`);
  console.log('| route | ferry p50 | ferry p99 | req/s | reference p50 | reference p99 | req/s | p99 ratio | goal p99 < 100 ms |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [name, paths] of routes) {
    const f = await load(ferry.url, token, paths);
    const r = await load(reference.url, token, paths);
    if (f.non2xx > 0 || f.errors > 0) throw new Error(`${name}: ${f.non2xx} non-2xx answers, ${f.errors} errors`);
    console.log(`| ${name} | ${f.latency.p50} ms | ${f.latency.p99} ms | ${Math.round(f.requests.average)} | ${r.latency.p50} ms | ${r.latency.p99} ms | ${Math.round(r.requests.average)} | ${(f.latency.p99 / Math.max(1, r.latency.p99)).toFixed(1)}× | ${f.latency.p99 < 100 ? 'met' : 'NOT met'} |`);
  }
  t = performance.now();
  console.log(`dashboard: ${await firstPaint(ferry.url, token)}`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
