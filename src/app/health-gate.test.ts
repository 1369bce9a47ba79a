// The health gate's checks against a real HTTP server on loopback and real commands: each decides pass or fail
// with its detail, and the gate passes only when every check does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalTransport } from '../transport/local.js';
import { commandCheck, runGate, urlCheck, verificationCheck, workloadCheck } from './health-gate.js';
import { diffWorkload, type WorkloadSnapshot } from '../assess/workload-diff.js';
import type { WorkloadFacts } from '../facts/sections/workload.js';
import type { WorkloadReport } from '../exec/workload.js';

test('health gate: URL (2xx, 503, a redirect, refused), command (exit 0, exit 1) and verification checks; the gate is their conjunction', async (t) => {
  const server = createServer((req, res) => {
    if (req.url === '/ok') res.writeHead(200).end('ok');
    else if (req.url === '/moved') res.writeHead(302, { location: '/ok' }).end();
    else res.writeHead(503).end('down');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  t.after(() => { server.close(); });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
  const refused = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
  await new Promise<void>((done) => closed.close(() => done()));
  const local = createLocalTransport();
  const cases: [string, ReturnType<typeof urlCheck>, boolean, RegExp][] = [
    ['2xx', urlCheck(`${base}/ok`), true, /^HTTP 200$/],
    ['503', urlCheck(`${base}/health`), false, /^HTTP 503$/],
    ['a redirect is not followed', urlCheck(`${base}/moved`), false, /^HTTP 302$/],
    ['nothing listens', urlCheck(refused, 2000), false, /fetch failed|ECONNREFUSED/],
    ['command exits 0', commandCheck(local, ['true']), true, /^exit 0$/],
    ['command exits 1 with its last line', commandCheck(local, ['sh', '-c', 'echo app is inactive >&2; exit 3']), false, /^exit 3: app is inactive$/],
    ['no verification report', verificationCheck(undefined), false, /no verification report/],
  ];
  for (const [name, check, ok, detail] of cases) {
    const r = await check.run();
    assert.equal(r.ok, ok, `${name}: ${r.detail}`);
    assert.match(r.detail, detail, name);
  }
  assert.deepEqual(await runGate([commandCheck(local, ['true']), urlCheck(`${base}/ok`)]).then((g) => g.ok), true);
  const failed = await runGate([commandCheck(local, ['true']), urlCheck(`${base}/health`)]);
  assert.deepEqual(failed.checks.map((c) => [c.id, c.ok]), [['command:true', true], [`url:${base}/health`, false]]);
  assert.equal(failed.ok, false);
});

test('health gate: the workload check fails while the run\'s workload diff has a high finding, passes without one or without a before', async () => {
  const facts: WorkloadFacts = { units: [{ name: 'httpd.service', load: 'loaded', active: 'active', sub: 'running' }], unitFiles: null, listeners: null, mounts: null,
    interfaces: null, routes: null, sshd: { permitrootlogin: 'yes' }, alternatives: null, crontabs: {}, users: null, groups: null, cmdline: null };
  const snap = (w: Partial<WorkloadFacts>): WorkloadSnapshot => ({ collectedAt: 't', workload: { ...facts, ...w }, selinux: 'enforcing' });
  const report = (after: WorkloadSnapshot): WorkloadReport => {
    const diff = diffWorkload(snap({}), after);
    return { before: 't0', after: 't1', ok: !diff.findings.some((f) => f.severity === 'high'), ...diff };
  };
  const stopped = await workloadCheck(report(snap({ units: [{ name: 'httpd.service', load: 'loaded', active: 'inactive', sub: 'dead' }] }))).run();
  assert.equal(stopped.ok, false);
  assert.match(stopped.detail, /^1 high finding\(s\): httpd\.service is no longer active$/);
  assert.deepEqual(await workloadCheck(report(snap({}))).run(), { ok: true, detail: '0 finding(s), none high' });
  assert.deepEqual(await workloadCheck(undefined).run(), { ok: true, detail: 'no workload recorded before the run: not compared' });
});
