/**
 * `ferry serve`'s HTTP API as a hono app: each route maps the request to a use case's options, calls it
 * and returns its result as JSON (the shapes of openapi.json). Authentication, roles, CSRF, the body limit
 * and the audit trail of mutations are middleware here, once; errors go through the one mapper (errors.ts).
 * Long work (collection, assessment, migrations) is only enqueued: jobs run in workers, never in a request.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, setCookie } from 'hono/cookie';
import { assert, FerryError, formatSchemaError, READINESS, redact, toJsonValue } from '../core/index.js';
import { fleetOverview, hostAssessment, hostPage, hostView, HOST_PAGE_LIMIT } from '../app/fleet-view.js';
import { ASSESS_JOB, COLLECT_JOB, enqueueFleetJob } from '../app/fleet-jobs.js';
import { createRollout, parseRolloutFlags, rolloutAction, rolloutStatus } from '../app/rollout.js';
import type { Store } from '../app/store.js';
import { authenticateToken, closeSession, createToken, openSession, revokeToken, SESSION_TTL_MS, type ApiRole } from '../app/tokens.js';
import { renderAssessmentHtml } from '../report/assessment-html.js';
import { authenticate, isMutation, operatorOf, requireRole, SESSION_COOKIE, type Caller } from './auth.js';
import { bodyValidator, openapiText } from './document.js';
import { errorBody } from './errors.js';
import { hostEvents, rolloutEvents, type EventOptions } from './events.js';
import { reportFile } from './reports.js';
import { dashboard } from './static.js';

export interface ApiOptions {
  store: Store;
  /** Directory served under /api/reports/ (ferry serve --reports); none: that route answers 404. */
  reportsDir?: string;
  /** Served over TLS: the session cookie is Secure. */
  secure?: boolean;
  /** Bound on a request body (default 64 KiB). */
  maxBodyBytes?: number;
  /** The dashboard's built files (default: the package's); null serves none. */
  dashboardDir?: string | null;
  events?: EventOptions;
  /** Errors that are not FerryErrors (bugs), for the server log. */
  onInternalError?: (e: unknown, c: Context) => void;
}

type Env = { Variables: { caller: Caller; from: string } };

/** The peer address as the audit log records it ("from where"). */
function peerOf(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

async function jsonBody<T>(c: Context, schema: string): Promise<T> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new FerryError('API_BODY_INVALID', `${c.req.method} ${c.req.path}: the body must be application/json, not ${JSON.stringify(type || 'none')}`, { hint: 'Send Content-Type: application/json.' });
  }
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new FerryError('API_BODY_INVALID', `${c.req.method} ${c.req.path}: the body is not JSON (${(e as Error).message})`, { hint: 'Send a JSON object as the OpenAPI document (/openapi.json) describes.' });
  }
  const v = bodyValidator<T>(schema);
  if (!v.is(value)) {
    throw new FerryError('API_BODY_INVALID', `${c.req.method} ${c.req.path}: the body does not match ${schema}: ${v.errors(value).slice(0, 5).map(formatSchemaError).join('; ')}`, { hint: 'See /openapi.json.' });
  }
  return value;
}

/** A path parameter of the matched route (its pattern names it, so it is there). */
function param(c: Context, name: string): string {
  const v = c.req.param(name);
  assert(v !== undefined, `route ${c.req.routePath} has no parameter ${name}`);
  return v;
}

function intQuery(c: Context, name: string, def: number, min: number, max: number): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new FerryError('USAGE', `Query parameter ${name}=${JSON.stringify(raw)} is not an integer from ${min} to ${max}`);
  return n;
}

function enumQuery<T extends string>(c: Context, name: string, values: readonly T[]): T | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return undefined;
  const v = values.find((x) => x === raw);
  if (v === undefined) throw new FerryError('USAGE', `Query parameter ${name}=${JSON.stringify(raw)} is not one of ${values.join(', ')}`);
  return v;
}

interface RolloutCreateBody {
  selector: string; target: string; name?: string; repos?: string[]; gpgcheck?: boolean; pes?: string[]; start?: boolean;
  canary?: string; waves?: string; concurrency?: string; maxFailures?: string; gate?: string; soak?: string; window?: string[]; cutoff?: string;
}

export function createApi(o: ApiOptions): Hono<Env> {
  const { store } = o;
  const app = new Hono<Env>();

  app.onError((err, c) => {
    if (!(err instanceof FerryError)) o.onInternalError?.(err, c);
    const { status, body } = errorBody(err);
    return c.json(body, status as 400);
  });
  app.notFound((c) => {
    const { status, body } = errorBody(new FerryError('NOT_FOUND', `No route ${c.req.method} ${c.req.path}`, { hint: 'The routes are in /openapi.json.' }));
    return c.json(body, status as 404);
  });

  app.use('*', async (c, next) => {
    c.set('from', peerOf(c));
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
  });

  app.get('/openapi.json', (c) => c.body(openapiText, 200, { 'content-type': 'application/json' }));

  // Every mutation is audited once it is answered: who (the token, or anonymous), what (method, route, status), when, from where.
  app.use('/api/*', async (c, next) => {
    if (!isMutation(c.req.method)) return next();
    await next();
    const caller = c.get('caller') as Caller | undefined;
    const route = c.req.routePath && c.req.routePath !== '/api/*' ? c.req.routePath : c.req.path;
    await store.appendAudit({
      operator: caller ? operatorOf(caller) : 'anonymous', action: `api.${c.req.method.toLowerCase()}`, subject: redact(c.req.path).slice(0, 500),
      details: { route, status: c.res.status, from: c.get('from'), ...(caller ? { token: caller.token.id, role: caller.token.role, via: caller.via } : {}) },
    });
  });

  const limit = o.maxBodyBytes ?? 64 * 1024;
  app.use('/api/*', bodyLimit({
    maxSize: limit,
    onError: (c) => {
      throw new FerryError('API_BODY_TOO_LARGE', `${c.req.method} ${c.req.path}: the body exceeds ${limit} bytes`, { hint: 'Send less: the API takes small JSON documents.' });
    },
  }));

  // Login is the one route without a caller: it turns a token into a session.
  app.post('/api/session', async (c) => {
    const { token: secret } = await jsonBody<{ token: string }>(c, 'Login');
    const token = await authenticateToken(store, secret);
    if (!token) throw new FerryError('API_UNAUTHORIZED', 'Login refused: the token is not a valid Ferry API token (unknown, revoked or malformed)', { hint: 'Create one with ferry token create.' });
    c.set('caller', { token, via: 'token' });
    const s = await openSession({ store, token });
    setCookie(c, SESSION_COOKIE, s.session, { httpOnly: true, sameSite: 'Strict', secure: o.secure === true, path: '/', maxAge: Math.floor(SESSION_TTL_MS / 1000) });
    return c.json({ csrf: s.csrf, expiresAt: s.expiresAt, me: { id: token.id, name: token.name, role: token.role } });
  });

  app.use('/api/*', async (c, next) => {
    c.set('caller', await authenticate(store, c));
    await next();
  });
  const caller = (c: Context<Env>): Caller => c.get('caller');
  const need = (role: ApiRole) => async (c: Context<Env>, next: () => Promise<void>): Promise<void> => {
    requireRole(c, caller(c), role);
    await next();
  };

  app.delete('/api/session', async (c) => {
    const s = caller(c).session;
    if (s) await closeSession(store, s);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });
  app.get('/api/me', (c) => {
    const { id, name, role } = caller(c).token;
    return c.json({ id, name, role });
  });

  app.get('/api/overview', async (c) => c.json(await fleetOverview({ store })));
  app.get('/api/hosts', async (c) => {
    const target = c.req.query('target') || undefined;
    const source = c.req.query('source') || undefined;
    const search = c.req.query('q') || undefined;
    const readiness = enumQuery(c, 'readiness', READINESS);
    if (search && search.length > 200) throw new FerryError('USAGE', `Query parameter q is ${search.length} characters; at most 200`);
    return c.json(await hostPage(store, {
      offset: intQuery(c, 'offset', 0, 0, Number.MAX_SAFE_INTEGER), limit: intQuery(c, 'limit', 100, 1, HOST_PAGE_LIMIT),
      ...(search ? { search } : {}), ...(source ? { source } : {}), ...(target ? { target } : {}),
      ...(readiness ? { readiness } : {}),
      sort: enumQuery(c, 'sort', ['name', 'address', 'source'] as const) ?? 'name', descending: enumQuery(c, 'order', ['asc', 'desc'] as const) === 'desc',
    }));
  });
  app.get('/api/hosts/:name', async (c) => c.json(toJsonValue(await hostView(store, param(c, 'name')))));
  app.get('/api/hosts/:name/report', async (c) => {
    const a = await hostAssessment(store, param(c, 'name'));
    if (enumQuery(c, 'format', ['html', 'json'] as const) === 'json') return c.json(toJsonValue(a));
    // The report is a standalone page of host text, escaped by its renderer; it runs no script.
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    return c.html(renderAssessmentHtml(a));
  });
  app.get('/api/hosts/:name/events', (c) => hostEvents(c, store, param(c, 'name'), o.events));

  app.get('/api/rollouts', async (c) => c.json(await store.listRollouts()));
  app.post('/api/rollouts', need('operator'), async (c) => {
    const b = await jsonBody<RolloutCreateBody>(c, 'RolloutCreate');
    const spec = parseRolloutFlags({
      ...(b.canary !== undefined ? { canary: b.canary } : {}), ...(b.waves !== undefined ? { waves: b.waves } : {}),
      ...(b.concurrency !== undefined ? { concurrency: b.concurrency } : {}), ...(b.maxFailures !== undefined ? { maxFailures: b.maxFailures } : {}),
      ...(b.gate !== undefined && b.gate !== 'none' ? { gate: b.gate } : {}), ...(b.soak !== undefined ? { soak: b.soak } : {}),
      ...(b.window !== undefined ? { window: b.window } : {}), ...(b.cutoff !== undefined ? { cutoff: b.cutoff } : {}),
    });
    const created = await createRollout({
      store, selector: b.selector, target: b.target, spec, repos: b.repos ?? [], gpgcheck: b.gpgcheck ?? true, operator: operatorOf(caller(c)),
      ...(b.name ? { name: b.name } : {}), ...(b.pes?.length ? { pes: b.pes } : {}), start: b.start === true,
    });
    return c.json(toJsonValue(await rolloutStatus({ store, rolloutId: created.rollout.id })), 201);
  });
  app.get('/api/rollouts/:id', async (c) => c.json(toJsonValue(await rolloutStatus({ store, rolloutId: param(c, 'id') }))));
  app.get('/api/rollouts/:id/events', (c) => rolloutEvents(c, store, param(c, 'id'), o.events));
  const ROLLOUT_ACTIONS = ['start', 'pause', 'resume', 'abort', 'approve'] as const;
  app.post('/api/rollouts/:id/hosts/:host/:action', need('operator'), async (c) => {
    const kind = (['retry', 'skip'] as const).find((k) => k === param(c, 'action'));
    if (!kind) throw new FerryError('NOT_FOUND', `No host action ${JSON.stringify(param(c, 'action'))}: retry or skip`);
    const id = param(c, 'id');
    await rolloutAction({ store, rolloutId: id, action: { kind, host: param(c, 'host') }, operator: operatorOf(caller(c)) });
    return c.json(toJsonValue(await rolloutStatus({ store, rolloutId: id })));
  });
  app.post('/api/rollouts/:id/:action', need('operator'), async (c) => {
    const kind = ROLLOUT_ACTIONS.find((k) => k === param(c, 'action'));
    if (!kind) throw new FerryError('NOT_FOUND', `No rollout action ${JSON.stringify(param(c, 'action'))}: ${ROLLOUT_ACTIONS.join(', ')}`);
    const id = param(c, 'id');
    const operator = operatorOf(caller(c));
    await rolloutAction({ store, rolloutId: id, action: kind === 'approve' ? { kind, operator } : { kind }, operator });
    return c.json(toJsonValue(await rolloutStatus({ store, rolloutId: id })));
  });

  const job = (j: { id: number; kind: string; state: string; attempts: number; lastError: string | null; result: unknown; createdAt: string }) =>
    toJsonValue({ id: j.id, kind: j.kind, state: j.state, attempts: j.attempts, lastError: j.lastError, result: j.result, createdAt: j.createdAt });
  app.post('/api/jobs/collect', need('operator'), async (c) => {
    const b = await jsonBody<{ selector?: string }>(c, 'CollectJob');
    return c.json(job(await enqueueFleetJob({ store, job: { kind: COLLECT_JOB, ...b }, operator: operatorOf(caller(c)), from: c.get('from') })), 202);
  });
  app.post('/api/jobs/assess', need('operator'), async (c) => {
    const b = await jsonBody<{ targets: string[]; repos?: string[]; selector?: string }>(c, 'AssessJob');
    return c.json(job(await enqueueFleetJob({ store, job: { kind: ASSESS_JOB, ...b }, operator: operatorOf(caller(c)), from: c.get('from') })), 202);
  });
  app.get('/api/jobs/:id', async (c) => {
    const id = Number(param(c, 'id'));
    const j = Number.isInteger(id) ? await store.getJob(id) : undefined;
    if (!j) throw new FerryError('NOT_FOUND', `No job ${JSON.stringify(param(c, 'id'))} in the store`);
    return c.json(job(j));
  });

  app.get('/api/audit', async (c) => {
    const subject = c.req.query('subject') || undefined;
    return c.json(await store.listAudit({ ...(subject ? { subject } : {}), limit: intQuery(c, 'limit', 1000, 1, 10_000) }));
  });

  app.get('/api/tokens', need('admin'), async (c) => c.json(await store.listApiTokens()));
  app.post('/api/tokens', need('admin'), async (c) => {
    const b = await jsonBody<{ name: string; role: ApiRole }>(c, 'TokenCreate');
    const created = await createToken({ store, name: b.name, role: b.role, operator: operatorOf(caller(c)) });
    // The one response that carries a secret: never cached.
    c.header('Cache-Control', 'no-store');
    return c.json(created, 201);
  });
  app.delete('/api/tokens/:id', need('admin'), async (c) => {
    await revokeToken({ store, id: param(c, 'id'), operator: operatorOf(caller(c)) });
    return c.body(null, 204);
  });

  app.get('/api/reports/*', async (c) => reportFile(c, o.reportsDir, c.req.path.slice('/api/reports/'.length)));

  if (o.dashboardDir !== null) app.route('/', dashboard(o.dashboardDir));
  return app;
}
