// The HTTP API on a real server (node HTTP on 127.0.0.1, a SQLite store in a temp dir): every route of the
// OpenAPI document refuses a request without a token (401) and a viewer's mutation (403); oversized bodies,
// malformed JSON and path traversal are 4xx naming the fault while the server stays up; sessions need their
// CSRF token; responses match the document; the audit log lists every mutation the test made.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { openFerryStore, type Store } from '../app/store.js';
import { createToken } from '../app/tokens.js';
import { toJsonValue } from '../core/index.js';
import { fixtureAssessment, HOSTILE_NAME } from '../report/testing/assessment-fixture.js';
import { openapiText } from './document.js';
import { startServer, type RunningServer } from './server.js';
import { decodeCursor, encodeCursor } from './events.js';

const doc = JSON.parse(openapiText) as { paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, { content?: Record<string, { schema: unknown }> } | { $ref: string }> }>> };
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ ...JSON.parse(openapiText), $id: 'openapi' });

const dir = mkdtempSync(join(tmpdir(), 'ferry-api-'));
let store: Store;
let server: RunningServer;
const secrets: Record<'viewer' | 'operator' | 'admin', string> = { viewer: '', operator: '', admin: '' };
/** Every mutating request this test sent, as `METHOD path` (the audit log must list each). */
const mutations: string[] = [];

before(async () => {
  store = await openFerryStore(join(dir, 'ferry.db'));
  for (const role of ['viewer', 'operator', 'admin'] as const) secrets[role] = (await createToken({ store, name: `t-${role}`, role, operator: 'test' })).secret;
  await store.upsertHosts([
    { name: 'db1', address: '10.0.0.5', labels: { source: 'centos-8' }, groups: ['db'], vars: { ansible_password_file: '/secret' }, connection: { identityFile: '/keys/id_db1' } },
    { name: 'web1', address: '10.0.0.6', labels: { source: 'centos-8' }, groups: ['web'] },
  ]);
  const a = fixtureAssessment();
  const rows = [];
  for (const t of a.targets) {
    const key = `doc-${t.target}`;
    await store.saveAssessmentDocument(key, toJsonValue({ formatVersion: a.formatVersion, assessedAt: a.assessedAt, sourceRelease: a.sourceRelease, sourceName: a.sourceName, ...t }));
    rows.push({ runId: 'fleet-2026-06-01-120000Z-abcdef', hostName: 'db1', target: t.target, factSnapshotId: null, documentKey: key, readiness: t.inhibitors.length ? 'blocked' : 'ready', score: t.score, blockers: [...t.inhibitors], missing: [] });
    // old1: assessed in the run, then removed from its inventory (listed as removed, counted nowhere in the overview).
    rows.push({ runId: 'fleet-2026-06-01-120000Z-abcdef', hostName: 'old1', target: t.target, factSnapshotId: null, documentKey: key, readiness: 'ready', score: t.score, blockers: [], missing: [] });
  }
  await store.upsertHost({ name: 'old1', address: '10.0.0.9', labels: { source: 'centos-7' }, groups: ['db'], source: 'inventory.ini' });
  await store.saveFleetAssessments(rows);
  await store.markHostsRemoved(['old1']);
  const reports = join(dir, 'reports');
  mkdirSync(reports);
  writeFileSync(join(reports, 'fleet.html'), '<h1>fleet</h1>');
  writeFileSync(join(dir, 'outside.txt'), 'secret');
  symlinkSync(join(dir, 'outside.txt'), join(reports, 'link.txt'));
  server = await startServer({ store, listen: '127.0.0.1:0', reportsDir: reports, dashboardDir: null, jobs: false, maxBodyBytes: 4096, events: { pollMs: 50 } });
});
after(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, o: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
  if (method !== 'GET') mutations.push(`${method} ${path}`);
  const headers: Record<string, string> = { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers };
  if (o.body !== undefined || o.raw !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${server.url}${path}`, { method, headers, ...(o.raw !== undefined ? { body: o.raw } : o.body !== undefined ? { body: JSON.stringify(o.body) } : {}) });
  const text = await res.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, json, text, headers: res.headers };
}

/** The response matches the document's schema for this operation and status. */
function conforms(route: string, method: string, status: number, json: unknown): void {
  const op = doc.paths[route][method];
  const r = op.responses[String(status)] ?? op.responses.default;
  assert.ok(r, `${method} ${route} documents status ${status}`);
  const ref = '$ref' in r ? (r.$ref as string) : undefined;
  const content = ref ? undefined : (r as { content?: Record<string, { schema: unknown }> }).content;
  const schemaRef = ref ? `openapi${ref}/content/application~1json/schema` : content?.['application/json'] ? `openapi#/paths/${route.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/responses/${r === op.responses.default ? 'default' : status}/content/application~1json/schema` : undefined;
  if (!schemaRef) return;
  const validate = ajv.getSchema(schemaRef);
  assert.ok(validate, `schema ${schemaRef}`);
  assert.ok(validate(json), `${method.toUpperCase()} ${route} ${status}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(json).slice(0, 300)}`);
}

/** Each operation of the document with its path filled in. */
const operations = Object.entries(doc.paths).flatMap(([route, ops]) => Object.entries(ops).map(([method, op]) => ({
  route, method, public: Array.isArray(op.security) && op.security.length === 0,
  path: route.replace('{name}', 'db1').replace('{id}', '1').replace('{host}', 'db1').replace('{action}', route.includes('/hosts/') ? 'retry' : 'pause').replace('{path}', 'fleet.html'),
})));

test('every route but login and /openapi.json answers 401 without a token, naming what it needs', async () => {
  assert.ok(operations.length >= 20, `${operations.length} operations`);
  for (const op of operations.filter((o) => !o.public)) {
    const r = await call(op.method.toUpperCase(), op.path, op.method === 'get' || op.method === 'delete' ? {} : { body: {} });
    assert.equal(r.status, 401, `${op.method} ${op.path}: ${r.text}`);
    assert.equal((r.json as { error: { code: string } }).error.code, 'API_UNAUTHORIZED');
    conforms(op.route, op.method, 401, r.json);
  }
  const bad = await call('GET', '/api/overview', { token: 'ferry_notatoken' });
  assert.equal(bad.status, 401);
  const openapi = await call('GET', '/openapi.json');
  assert.equal((openapi.json as { openapi: string }).openapi, '3.1.0');
});

test('a viewer token gets 403 on every mutating route (logout aside), naming the role it needs', async () => {
  for (const op of operations.filter((o) => o.method !== 'get' && !o.public && o.route !== '/api/session')) {
    const r = await call(op.method.toUpperCase(), op.path, { token: secrets.viewer, ...(op.method === 'delete' ? {} : { body: {} }) });
    assert.equal(r.status, 403, `${op.method} ${op.path}: ${r.text}`);
    assert.match((r.json as { error: { message: string } }).error.message, /needs the (operator|admin) role; token tok-\w+ \(t-viewer\) is viewer/);
    conforms(op.route, op.method, 403, r.json);
  }
  // An operator may not manage tokens either.
  assert.equal((await call('POST', '/api/tokens', { token: secrets.operator, body: { name: 'x', role: 'admin' } })).status, 403);
});

test('reads: overview, host page, host (no connection details or variables), report with fates, audit — as the document says', async () => {
  const cases: Array<[string, string]> = [
    ['/api/overview', '/api/overview'], ['/api/hosts', '/api/hosts?limit=1&sort=name&order=desc'], ['/api/hosts/{name}', '/api/hosts/db1'],
    ['/api/me', '/api/me'], ['/api/rollouts', '/api/rollouts'], ['/api/audit', '/api/audit?limit=5'],
  ];
  for (const [route, path] of cases) {
    const r = await call('GET', path, { token: secrets.viewer });
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    conforms(route, 'get', 200, r.json);
  }
  const page = (await call('GET', '/api/hosts?limit=1&order=desc', { token: secrets.viewer })).json as { total: number; hosts: Array<{ name: string }> };
  assert.deepEqual([page.total, page.hosts.map((h) => h.name)], [3, ['web1']]);
  const overview = (await call('GET', '/api/overview', { token: secrets.viewer })).json as {
    hostCount: number; bySource: Array<{ source: string | null; count: number }>; run: { runId: string; inhibitors: Array<{ key: string }>; readiness: Array<Record<string, number | string>> };
  };
  assert.deepEqual([overview.hostCount, overview.run.runId, overview.run.inhibitors[0].key], [2, 'fleet-2026-06-01-120000Z-abcdef', 'unsupported-path']);
  // The removed host: in the list and on its page marked removed; in no overview figure (sources, readiness).
  const listed = (await call('GET', '/api/hosts?q=old', { token: secrets.viewer })).json as { hosts: Array<{ name: string; removedAt: string | null }> };
  assert.deepEqual(listed.hosts.map((h) => [h.name, typeof h.removedAt]), [['old1', 'string']]);
  assert.equal(((await call('GET', '/api/hosts/old1', { token: secrets.viewer })).json as { host: { removedAt: string | null } }).host.removedAt, listed.hosts[0].removedAt);
  assert.equal(((await call('GET', '/api/hosts/db1', { token: secrets.viewer })).json as { host: { removedAt: string | null } }).host.removedAt, null);
  assert.deepEqual(overview.bySource.map((x) => [x.source, x.count]), [['centos-8', 2]], 'old1 (centos-7) is not counted');
  for (const r of overview.run.readiness) assert.equal(Number(r.ready) + Number(r.risks) + Number(r.blocked) + Number(r.notAssessed), 1, `${String(r.target)} counts db1 only`);
  const host = await call('GET', '/api/hosts/db1', { token: secrets.viewer });
  assert.doesNotMatch(host.text, /id_db1|ansible_password_file/);
  const report = await call('GET', '/api/hosts/db1/report', { token: secrets.viewer });
  assert.equal(report.status, 200);
  assert.match(report.text, /Package fates per target/);
  assert.ok(!report.text.includes(HOSTILE_NAME), 'host text escaped');
  assert.match(report.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  const missing = await call('GET', '/api/hosts/nope', { token: secrets.viewer });
  assert.deepEqual([missing.status, (missing.json as { error: { message: string } }).error.message], [404, 'No host "nope" in the store']);
});

test('hostile input: oversized body 413, malformed JSON and wrong shapes 400, path traversal 400 — each naming the fault; the server stays up', async () => {
  const cases: Array<[string, () => Promise<{ status: number; json: unknown }>, number, RegExp]> = [
    ['oversized', () => call('POST', '/api/rollouts', { token: secrets.operator, raw: JSON.stringify({ selector: 'x'.repeat(10_000), target: 'rocky-8' }) }), 413, /exceeds 4096 bytes/],
    ['malformed JSON', () => call('POST', '/api/rollouts', { token: secrets.operator, raw: '{"selector": ' }), 400, /POST \/api\/rollouts: the body is not JSON/],
    ['not JSON at all', () => call('POST', '/api/session', { raw: 'token=abc', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 400, /must be application\/json/],
    ['wrong shape', () => call('POST', '/api/rollouts', { token: secrets.operator, body: { selector: 'all', target: 7, extra: true } }), 400, /does not match RolloutCreate: \/: must NOT have additional properties \(extra\); \/target: must be string/],
    ['bad query', () => call('GET', '/api/hosts?limit=100000', { token: secrets.viewer }), 400, /limit="100000" is not an integer from 1 to 500/],
    ['traversal ..', () => call('GET', '/api/reports/..%2Foutside.txt', { token: secrets.viewer }), 400, /"\.\.\/outside\.txt" leaves the reports directory/],
    ['traversal encoded twice', () => call('GET', '/api/reports/%2e%2e%2f%2e%2e%2fetc%2fpasswd', { token: secrets.viewer }), 400, /leaves the reports directory/],
    ['traversal absolute', () => call('GET', '/api/reports/%2Fetc%2Fpasswd', { token: secrets.viewer }), 400, /"\/etc\/passwd" leaves the reports directory/],
    ['traversal symlink', () => call('GET', '/api/reports/link.txt', { token: secrets.viewer }), 400, /leads outside the reports directory/],
    ['missing report', () => call('GET', '/api/reports/none.html', { token: secrets.viewer }), 404, /No report "none\.html"/],
    ['unknown rollout', () => call('POST', '/api/rollouts/ro-x/pause', { token: secrets.operator }), 404, /No rollout ro-x/],
  ];
  for (const [name, send, status, message] of cases) {
    const r = await send();
    assert.equal(r.status, status, `${name}: ${JSON.stringify(r.json)}`);
    assert.match((r.json as { error: { message: string } }).error.message, message, name);
  }
  const ok = await call('GET', '/api/reports/fleet.html', { token: secrets.viewer });
  assert.deepEqual([ok.status, ok.text], [200, '<h1>fleet</h1>']);
  assert.equal((await call('GET', '/api/me', { token: secrets.viewer })).status, 200, 'still up');
});

test('login: a session cookie (HttpOnly, SameSite=Strict), its mutations need the CSRF token; logout and revocation end it', async () => {
  const login = await call('POST', '/api/session', { body: { token: secrets.operator } });
  assert.equal(login.status, 200);
  conforms('/api/session', 'post', 200, login.json);
  const cookie = login.headers.get('set-cookie') ?? '';
  assert.match(cookie, /ferry_session=[\w-]+;.*HttpOnly/i);
  assert.match(cookie, /SameSite=Strict/i);
  assert.doesNotMatch(cookie, /Secure/, 'plain HTTP');
  const session = cookie.split(';')[0];
  const { csrf } = login.json as { csrf: string };
  assert.equal((await call('GET', '/api/me', { headers: { cookie: session } })).status, 200);
  const without = await call('POST', '/api/jobs/collect', { headers: { cookie: session }, body: {} });
  assert.deepEqual([without.status, (without.json as { error: { code: string } }).error.code], [403, 'API_FORBIDDEN']);
  const wrong = await call('POST', '/api/jobs/collect', { headers: { cookie: session, 'x-csrf-token': 'nope' }, body: {} });
  assert.equal(wrong.status, 403);
  const job = await call('POST', '/api/jobs/collect', { headers: { cookie: session, 'x-csrf-token': csrf }, body: { selector: 'db1' } });
  assert.equal(job.status, 202, job.text);
  conforms('/api/jobs/collect', 'post', 202, job.json);
  assert.equal((await call('DELETE', '/api/session', { headers: { cookie: session, 'x-csrf-token': csrf } })).status, 204);
  assert.equal((await call('GET', '/api/me', { headers: { cookie: session } })).status, 401);
  assert.equal((await call('POST', '/api/session', { body: { token: 'ferry_forged' } })).status, 401);
});

test('admin: tokens created (secret once, never listed) and revoked over the API; a revoked token is refused', async () => {
  const created = await call('POST', '/api/tokens', { token: secrets.admin, body: { name: 'ci', role: 'viewer' } });
  assert.equal(created.status, 201);
  conforms('/api/tokens', 'post', 201, created.json);
  const { token, secret } = created.json as { token: { id: string }; secret: string };
  assert.equal(created.headers.get('cache-control'), 'no-store');
  const list = await call('GET', '/api/tokens', { token: secrets.admin });
  assert.ok(!list.text.includes(secret) && !/hash/.test(list.text));
  assert.equal((await call('GET', '/api/me', { token: secret })).status, 200);
  assert.equal((await call('DELETE', `/api/tokens/${token.id}`, { token: secrets.admin })).status, 204);
  assert.equal((await call('GET', '/api/me', { token: secret })).status, 401);
});

test('SSE cursors round-trip and anything else means "start with a snapshot"', () => {
  const c = { r: 'running|0|x', h: { db1: 'running|t' }, j: { e1: 4 } };
  assert.deepEqual(decodeCursor(encodeCursor(c)), c);
  for (const bad of [undefined, '', 'not base64 json', Buffer.from('{"h":1}').toString('base64url'), Buffer.from('{"h":{},"j":{"e":"x"}}').toString('base64url')]) assert.equal(decodeCursor(bad), undefined);
});

/** Reads SSE events from a stream until `until` says stop; returns them with their ids. */
async function readEvents(path: string, o: { token: string; lastEventId?: string; until: (events: Array<{ event: string; id: string; data: string }>) => boolean }): Promise<Array<{ event: string; id: string; data: string }>> {
  const abort = new AbortController();
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${o.token}`, ...(o.lastEventId ? { 'last-event-id': o.lastEventId } : {}) }, signal: abort.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const events: Array<{ event: string; id: string; data: string }> = [];
  const reader = res.body?.getReader();
  assert.ok(reader);
  let buffer = '';
  const timer = setTimeout(() => abort.abort(), 10_000);
  try {
    while (!o.until(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += Buffer.from(value).toString('utf8');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string): string => block.split('\n').filter((l) => l.startsWith(`${name}:`)).map((l) => l.slice(name.length + 1).trimStart()).join('\n');
        if (field('event')) events.push({ event: field('event'), id: field('id'), data: field('data') });
      }
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return events;
}

test('rollouts over the API: created and acted on by an operator (audited under the token); SSE snapshot, live host and journal events, and a reconnect with Last-Event-ID gets only what changed', async () => {
  const created = await call('POST', '/api/rollouts', { token: secrets.operator, body: { selector: 'db1,web1', target: 'rocky-8', canary: '1', waves: '100%', gpgcheck: false } });
  assert.equal(created.status, 201, created.text);
  conforms('/api/rollouts', 'post', 201, created.json);
  const id = (created.json as { rollout: { id: string; createdBy: string } }).rollout.id;
  assert.match((created.json as { rollout: { createdBy: string } }).rollout.createdBy, /^t-operator \(tok-\w+\)$/);
  const started = await call('POST', `/api/rollouts/${id}/start`, { token: secrets.operator });
  assert.equal(started.status, 200, started.text);
  conforms('/api/rollouts/{id}/{action}', 'post', 200, started.json);
  const queued = (started.json as { hosts: Array<{ hostName: string; state: string }> }).hosts.find((h) => h.state === 'queued');
  assert.ok(queued, started.text);
  assert.equal((await call('POST', `/api/rollouts/${id}/nonsense`, { token: secrets.operator })).status, 404);

  const first = await readEvents(`/api/rollouts/${id}/events`, { token: secrets.viewer, until: (es) => es.length >= 1 });
  assert.equal(first[0].event, 'snapshot');
  assert.equal((JSON.parse(first[0].data) as { rollout: { state: string } }).rollout.state, 'running');
  // A worker's progress, as it reaches the store: the host runs, its execution journals a step.
  await store.updateRolloutHost(id, queued.hostName, { state: 'running', executionId: 'mig-test-1' });
  await store.appendJournalEntry({ v: 1, seq: 1, at: '2026-06-01T12:00:00Z', executionId: 'mig-test-1', event: 'step', phase: 'start', stepId: 'swap-1', kind: 'swap', attempt: 1 });
  const live = await readEvents(`/api/rollouts/${id}/events`, { token: secrets.viewer, lastEventId: first[0].id, until: (es) => es.some((e) => e.event === 'journal') });
  assert.deepEqual(live.map((e) => e.event), ['host', 'journal'], 'no snapshot on reconnect: only what changed');
  assert.equal((JSON.parse(live[0].data) as { state: string }).state, 'running');
  assert.equal((JSON.parse(live[1].data) as { entry: { stepId: string } }).entry.stepId, 'swap-1');
  await store.appendJournalEntry({ v: 1, seq: 2, at: '2026-06-01T12:00:01Z', executionId: 'mig-test-1', event: 'step', phase: 'end', stepId: 'swap-1', attempt: 1, status: 'applied' });
  const again = await readEvents(`/api/rollouts/${id}/events`, { token: secrets.viewer, lastEventId: live.at(-1)?.id, until: (es) => es.length >= 1 });
  assert.deepEqual([again[0].event, (JSON.parse(again[0].data) as { entry: { seq: number } }).entry.seq], ['journal', 2], 'seq 1 is not sent twice');
  const bogus = await readEvents(`/api/rollouts/${id}/events`, { token: secrets.viewer, lastEventId: 'garbage', until: (es) => es.length >= 1 });
  assert.equal(bogus[0].event, 'snapshot', 'an unknown Last-Event-ID starts over');
  assert.equal((await call('GET', '/api/rollouts/ro-none/events', { token: secrets.viewer })).status, 404);

  // The host's own stream: its current execution (the label the migration sets) and that execution's journal.
  await store.upsertHost({ name: queued.hostName, labels: { ...(await store.getHost(queued.hostName))?.labels, 'ferry.current-execution': 'mig-test-1' } });
  const hostStream = await readEvents(`/api/hosts/${queued.hostName}/events`, { token: secrets.viewer, until: (es) => es.length >= 3 });
  assert.deepEqual(hostStream.map((e) => e.event), ['snapshot', 'journal', 'journal']);
  assert.deepEqual((JSON.parse(hostStream[0].data) as { execution: { id: string } }).execution.id, 'mig-test-1');
  assert.equal((await call('GET', '/api/hosts/nope/events', { token: secrets.viewer })).status, 404);

  const paused = await call('POST', `/api/rollouts/${id}/pause`, { token: secrets.operator });
  assert.equal((paused.json as { rollout: { state: string } }).rollout.state, 'paused');
  const audit = (await store.listAudit({ subject: id })).map((a) => `${a.action} ${a.operator}`);
  assert.deepEqual(audit.filter((a) => /^rollout\.(create|start|pause)/.test(a)).map((a) => a.replace(/tok-\w+/, 'tok')), ['rollout.create t-operator (tok)', 'rollout.start t-operator (tok)', 'rollout.pause t-operator (tok)']);
  const status = await call('GET', `/api/rollouts/${id}`, { token: secrets.viewer });
  conforms('/api/rollouts/{id}', 'get', 200, status.json);
});

test('TLS: --cert/--key serve HTTPS and the session cookie is Secure; a missing key file is IO naming it', { skip: spawnSync('openssl', ['version']).status !== 0 && 'no openssl' }, async () => {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  await assert.rejects(startServer({ store, listen: '127.0.0.1:0', cert, key: join(dir, 'none.pem'), jobs: false, dashboardDir: null }), /Cannot read the TLS key .*none\.pem/);
  const tls = await startServer({ store, listen: '127.0.0.1:0', cert, key, jobs: false, dashboardDir: null });
  try {
    assert.match(tls.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    mutations.push('POST /api/session');
    const res = await new Promise<{ status: number; cookie: string }>((resolve, reject) => {
      const req = httpsRequest(`${tls.url}/api/session`, { method: 'POST', ca: readFileSync(cert), headers: { 'content-type': 'application/json' } }, (r) => {
        r.resume();
        r.on('end', () => resolve({ status: r.statusCode ?? 0, cookie: String(r.headers['set-cookie'] ?? '') }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ token: secrets.viewer }));
    });
    assert.equal(res.status, 200);
    assert.match(res.cookie, /; Secure/);
    assert.match(res.cookie, /HttpOnly/);
  } finally {
    await tls.close();
  }
});

test('the audit log lists every mutation this test sent, with who, when and from where; no secret in it', { concurrency: false }, async () => {
  const audit = (await call('GET', '/api/audit?limit=10000', { token: secrets.viewer })).json as Array<{ operator: string; action: string; subject: string; at: string; details: { from?: string; status?: number } }>;
  const api = audit.filter((a) => a.action.startsWith('api.'));
  const sent = mutations.map((m) => m.split('?')[0]);
  assert.deepEqual(api.map((a) => `${a.action.slice(4).toUpperCase()} ${a.subject}`), sent);
  for (const a of api) {
    assert.equal(a.details.from, '127.0.0.1');
    assert.ok(typeof a.details.status === 'number' && a.at.endsWith('Z'));
  }
  assert.ok(api.some((a) => a.operator === 'anonymous' && a.details.status === 401));
  assert.ok(api.some((a) => /^t-operator \(tok-\w+\)$/.test(a.operator) && a.details.status === 202));
  const text = JSON.stringify(audit);
  for (const s of Object.values(secrets)) assert.ok(!text.includes(s));
});

test('rollouts over the API take --pes as the CLI does: a cross-major rollout is refused without events, created with them (recorded by sha256); a file that is not PES is refused without its text shown back', async () => {
  await store.upsertHost({ name: 'el7a', address: '10.0.0.21', labels: { source: 'centos-7' }, groups: ['el7'] });
  const events = join(dir, 'pes-events.json');
  // Leapp's format: the shape of Rocky's event 915 (yum-utils replaced by dnf-utils, 7.9 → 8.0).
  writeFileSync(events, JSON.stringify({ packageinfo: [{ id: 915, action: 3, architectures: [], in_packageset: { package: [{ name: 'yum-utils', repository: 'rhel7-base' }] },
    out_packageset: { package: [{ name: 'dnf-utils', repository: 'baseos' }] }, initial_release: { major_version: 7, minor_version: 9 }, release: { major_version: 8, minor_version: 0 } }] }));
  const body = { selector: 'el7', target: 'rocky-8', gpgcheck: false };
  const without = await call('POST', '/api/rollouts', { token: secrets.operator, body });
  assert.equal(without.status, 422, without.text);
  assert.match(without.text, /PATH_UNSUPPORTED.*el7a.*package-evolution events/s);
  const notPes = join(dir, 'controller-secret.txt');
  writeFileSync(notPes, 'root:TOP-SECRET-VALUE\n');
  const refused = await call('POST', '/api/rollouts', { token: secrets.operator, body: { ...body, pes: [notPes] } });
  assert.equal(refused.status, 422, refused.text);
  assert.match(refused.text, /PES_INVALID/);
  assert.doesNotMatch(refused.text, /TOP-SECRET/);
  const created = await call('POST', '/api/rollouts', { token: secrets.operator, body: { ...body, pes: [events] } });
  assert.equal(created.status, 201, created.text);
  conforms('/api/rollouts', 'post', 201, created.json);
  const id = (created.json as { rollout: { id: string } }).rollout.id;
  const stored = (await store.getRollout(id))?.spec as unknown as { migrate: { pes?: unknown } };
  assert.deepEqual(stored.migrate.pes, [{ file: events, sha256: createHash('sha256').update(readFileSync(events)).digest('hex') }]);
});
