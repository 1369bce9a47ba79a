// The dashboard in Debian's Chromium (playwright-core, /usr/bin/chromium; no browser is downloaded) against
// `ferry serve` on a store of two SSH lab hosts, collected and assessed for real: log in; see the fleet; open
// a host's report; create a rollout of both hosts, start it, pause and resume it, watch both complete live
// (a `ferry worker` process migrates them); a viewer sees no operator buttons and the API answers 403 to
// the same request. Each page's screenshot is saved under .cache/screenshots/dashboard (git-ignored).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer } from '../../src/api/server.js';
import { assessFleet } from '../../src/app/fleet-assess.js';
import { collectFleet } from '../../src/app/fleet-collect.js';
import { openFerryStore } from '../../src/app/store.js';
import { createToken } from '../../src/app/tokens.js';
import { dashboardDirectory } from '../../src/api/static.js';
import { skipUnlessTools } from '../support/shared.js';
import { sh, useLab } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'sshd', 'ssh', 'setsid')
  || (!existsSync(CHROMIUM) && `no ${CHROMIUM} (apt-get install chromium)`)
  || (!dashboardDirectory() && 'the dashboard is not built (npm run build)');
const labOf = useLab(skip);
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', '.cache', 'screenshots', 'dashboard');

async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function logIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.fill('input[name=token]', token);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=me]');
}

test('dashboard in Chromium: log in, the lab fleet, a host report, a live rollout of two hosts with pause and resume; a viewer has no operator buttons and gets 403', { skip, timeout: 900_000 }, async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const lab = labOf();
  const dir = mkdtempSync(join(tmpdir(), 'ferry-dashboard-'));
  const hosts = await Promise.all([0, 1].map(() => lab.sshHost({ from: 'centos-8' })));
  const rocky = await lab.distro('rocky-8');
  const knownHosts = hosts.map((h) => h.knownHostsPath);
  const path = join(dir, 'ferry.db');
  const store = await openFerryStore(path);
  const server = await startServer({ store, listen: '127.0.0.1:0', jobs: false, events: { pollMs: 200 } });
  let browser: Browser | undefined;
  let worker: ReturnType<typeof spawn> | undefined;
  let workerLog = '';
  try {
    await store.upsertHosts(hosts.map((h, i) => ({
      name: `web${i + 1}`, groups: ['web'], source: 'e2e', address: h.host,
      connection: { address: h.host, port: h.port, user: 'root', identityFile: h.privateKeyPath }, vars: { ferry_root: h.root },
    })));
    const collected = await collectFleet({ store, hosts: await store.listHosts(), knownHostsFiles: knownHosts });
    assert.equal(collected.failed, 0, JSON.stringify(collected.hosts));
    await assessFleet({ store, targets: ['rocky-8', 'almalinux-8'], repos: { 'rocky-8': [rocky.repoDir] } });
    // A host its inventory no longer lists: in the host list and on its page as removed, in no overview count.
    await store.upsertHost({ name: 'retired1', address: '192.0.2.1', labels: { source: 'centos-8' }, source: 'e2e' });
    assert.equal(await store.markHostsRemoved(['retired1']), 1);
    const operator = (await createToken({ store, name: 'alice', role: 'operator', operator: 'e2e' })).secret;
    const viewer = (await createToken({ store, name: 'victor', role: 'viewer', operator: 'e2e' })).secret;

    browser = await launch();
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(server.url);
    await page.waitForSelector('form.login');
    await shot(page, '01-login');
    await logIn(page, server.url, operator);
    assert.equal(await page.textContent('[data-testid=me]'), 'alice · operator');
    await page.waitForSelector('[data-testid=host-count]');
    assert.equal(await page.textContent('[data-testid=host-count]'), '2 hosts');
    await page.waitForSelector('[data-testid=lifecycle] td');
    assert.match(await page.textContent('[data-testid=lifecycle]') ?? '', /CentOS Linux 8.*source.*Rocky Linux 8.*target/s);
    await shot(page, '02-overview');

    await page.click('nav >> text=Hosts');
    await page.locator('[data-testid=host-row] a').nth(1).waitFor();
    await page.locator('[data-testid=host-row] a').nth(2).waitFor();
    assert.deepEqual(await page.$$eval('[data-testid=host-row]', (rs) => rs.map((r) => `${r.querySelector('a')?.textContent ?? ''}${r.querySelector('[data-testid=host-removed]') ? ' (removed)' : ''}`)),
      ['retired1 (removed)', 'web1', 'web2']);
    await shot(page, '03-hosts');
    await page.click('[data-testid=host-row] >> text=retired1');
    await page.waitForSelector('[data-testid=host-removed-note]');
    assert.match(await page.textContent('[data-testid=host-name]') ?? '', /retired1.*removed/);
    await shot(page, '03b-host-removed');
    await page.click('nav >> text=Hosts');
    await page.locator('[data-testid=host-row] a').nth(2).waitFor();
    await page.click('[data-testid=host-row] >> text=web1');
    await page.waitForSelector('[data-testid=assessments]');
    assert.match(await page.textContent('[data-testid=assessments]') ?? '', /rocky-8/);
    await shot(page, '04-host');
    const [report] = await Promise.all([page.context().waitForEvent('page'), page.click('[data-testid=report-link]')]);
    await report.waitForLoadState();
    assert.match(await report.textContent('body') ?? '', /Package fates per target/);
    await shot(report, '05-host-report');
    await report.close();

    // A rollout of both hosts: web1 as the canary, then web2.
    await page.click('nav >> text=Rollouts');
    await page.fill('input[name=selector]', 'web');
    await page.fill('input[name=canary]', '1');
    await page.fill('input[name=waves]', '100%');
    await page.fill('input[name=repos]', `rocky-8=${rocky.repoDir}`);
    await page.uncheck('input[name=gpgcheck]');
    await page.uncheck('input[name=start]');
    await shot(page, '06-rollout-create');
    await page.click('[data-testid=create-rollout] button[type=submit]');
    await page.waitForSelector('[data-testid=rollout-state]');
    const rolloutId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
    assert.equal(await page.textContent('[data-testid=rollout-state]'), 'created');

    worker = spawn(process.execPath, [join(import.meta.dirname, '../../bin/ferry.js'), 'worker', '--store', path, '--concurrency', '2', ...knownHosts.flatMap((k) => ['--known-hosts', k])],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FERRY_OPERATOR: 'e2e-worker', FERRY_FROM_SOURCE: '1' } });
    worker.stdout?.on('data', (c: Buffer) => { workerLog += c.toString(); });
    worker.stderr?.on('data', (c: Buffer) => { workerLog += c.toString(); });

    await page.click('button[data-action=start]');
    await page.waitForSelector('[data-testid=rollout-state] >> text=running');
    await page.waitForSelector('tr[data-host=web1][data-state=running]', { timeout: 120_000 });
    // Paused while the canary migrates: web2 is not released until the rollout is resumed.
    await page.click('button[data-action=pause]');
    await page.waitForSelector('[data-testid=rollout-state] >> text=paused');
    await shot(page, '07-rollout-paused');
    await page.waitForSelector('tr[data-host=web1][data-state=succeeded]', { timeout: 300_000 });
    assert.equal(await page.getAttribute('tr[data-host=web2]', 'data-state'), 'pending', 'a paused rollout releases no host');
    await page.click('button[data-action=resume]');
    // Both complete, seen live: the page is never reloaded, the states arrive over SSE.
    await page.waitForSelector('[data-testid=rollout-state] >> text=completed', { timeout: 300_000 });
    assert.deepEqual(await page.$$eval('[data-testid=rollout-hosts] tr[data-host]', (rs) => rs.map((r) => `${r.getAttribute('data-host')}=${r.getAttribute('data-state')}`)), ['web1=succeeded', 'web2=succeeded']);
    await page.waitForSelector('[data-testid=rollout-journal]');
    assert.match(await page.textContent('[data-testid=rollout-journal]') ?? '', /execution · end · completed/);
    await shot(page, '08-rollout-completed');
    for (const h of hosts) assert.equal(sh(['rpm', '--root', h.root, '-q', 'rocky-release'], h.env).status, 0, `${h.root} is Rocky now`);

    // The viewer: the same rollout page without operator controls, and the API refuses the request the button would send.
    const vpage = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await logIn(vpage, server.url, viewer);
    await vpage.goto(`${server.url}/#/rollouts/${rolloutId}`);
    await vpage.waitForSelector('[data-testid=rollout-state] >> text=completed');
    assert.equal(await vpage.$('[data-testid=rollout-actions]'), null, 'no operator buttons');
    assert.equal(await vpage.$('button[data-action]'), null);
    await shot(vpage, '09-rollout-viewer');
    // In the page, with its session cookie and CSRF token (a function: the dashboard's CSP forbids evaluating strings).
    const refused = await vpage.evaluate(async (id) => {
      const storage = Reflect.get(globalThis, 'sessionStorage') as { getItem(key: string): string | null };
      const r = await fetch(`/api/rollouts/${id}/pause`, { method: 'POST', headers: { 'x-csrf-token': storage.getItem('ferry.csrf') ?? '' } });
      return { status: r.status, body: await r.json() as { error: { message: string } } };
    }, rolloutId);
    assert.equal(refused.status, 403);
    assert.match(refused.body.error.message, /needs the operator role; token tok-\w+ \(victor\) is viewer/);
    await vpage.click('nav >> text=Rollouts');
    await vpage.waitForSelector('h1 >> text=Rollouts');
    assert.equal(await vpage.$('[data-testid=create-rollout]'), null, 'no create form for a viewer');

    // The operator's actions are in the audit log under the token's identity.
    const actions = (await store.listAudit({ subject: rolloutId })).map((a) => `${a.action} ${a.operator}`);
    for (const a of ['rollout.create', 'rollout.start', 'rollout.pause', 'rollout.resume']) assert.ok(actions.some((x) => x.startsWith(`${a} alice (tok-`)), `${a} by alice in ${actions.join(', ')}`);
    for (const n of ['01-login', '02-overview', '03-hosts', '04-host', '05-host-report', '08-rollout-completed', '09-rollout-viewer']) assert.ok(existsSync(join(SCREENSHOTS, `${n}.png`)), n);
  } finally {
    worker?.kill('SIGTERM');
    await browser?.close();
    await server.close();
    await store.close();
    await Promise.all(hosts.map((h) => h.stop()));
    rmSync(dir, { recursive: true, force: true });
    if (workerLog && process.env.FERRY_TEST_VERBOSE) console.log(workerLog);
  }
});
