/**
 * Who a request acts as: a bearer token (`Authorization: Bearer ferry_…`), or the dashboard's session
 * cookie. A session's mutations must echo its CSRF token in X-CSRF-Token (a cookie rides along on
 * cross-site requests; a header set by the page's own script does not). SameSite=Strict and HttpOnly on
 * the cookie, Secure under TLS.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { FerryError } from '../core/index.js';
import { authenticateToken, csrfMatches, findSession, roleAllows, type ApiRole, type ApiTokenRecord } from '../app/tokens.js';
import type { Store } from '../app/store.js';

export const SESSION_COOKIE = 'ferry_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface Caller {
  token: ApiTokenRecord;
  via: 'token' | 'session';
  /** The session secret, when the request came with the cookie (logout ends it). */
  session?: string;
}

/** The audit log's name for a caller: the token's name and id (names are not unique). */
export function operatorOf(c: Caller): string {
  return `${c.token.name} (${c.token.id})`;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const isMutation = (method: string): boolean => MUTATING.has(method.toUpperCase());

/** The caller, or API_UNAUTHORIZED; a session mutation without its CSRF token is API_FORBIDDEN. */
export async function authenticate(store: Store, c: Context): Promise<Caller> {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const token = m ? await authenticateToken(store, m[1]) : undefined;
    if (!token) throw new FerryError('API_UNAUTHORIZED', `${c.req.method} ${c.req.path}: the bearer token is not a valid Ferry API token (unknown, revoked or malformed)`, { hint: 'Create one with ferry token create --role viewer|operator|admin.' });
    return { token, via: 'token' };
  }
  const secret = getCookie(c, SESSION_COOKIE);
  const session = secret ? await findSession(store, secret) : undefined;
  if (!secret || !session) {
    throw new FerryError('API_UNAUTHORIZED', `${c.req.method} ${c.req.path} needs an API token (Authorization: Bearer) or a dashboard session${secret ? ' (this session expired or its token was revoked)' : ''}`, { hint: 'Log in with a token (POST /api/session).' });
  }
  if (isMutation(c.req.method) && !csrfMatches(session, c.req.header(CSRF_HEADER))) {
    throw new FerryError('API_FORBIDDEN', `${c.req.method} ${c.req.path}: a session's changes need its CSRF token in the X-CSRF-Token header`, { hint: 'The dashboard sends it; reload the page to log in again.' });
  }
  return { token: session.token, via: 'session', session: secret };
}

export function requireRole(c: Context, caller: Caller, role: ApiRole): void {
  if (!roleAllows(caller.token.role, role)) {
    throw new FerryError('API_FORBIDDEN', `${c.req.method} ${c.req.path} needs the ${role} role; token ${caller.token.id} (${caller.token.name}) is ${caller.token.role}`, { hint: 'Ask an admin for a token with that role (ferry token create --role …).' });
  }
}
