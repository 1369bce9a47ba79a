/**
 * API tokens and dashboard sessions of `ferry serve`: the one place that makes, hashes and checks their
 * secrets. A token's secret is 256 random bits shown once at creation; the store keeps only its SHA-256
 * (a lookup key that reveals nothing), and every comparison of secrets runs in constant time. A session
 * is opened by presenting a token and carries a CSRF secret the dashboard echoes on every mutation.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { FerryError } from '../core/index.js';
import { API_ROLES, type ApiRole, type ApiSessionRecord, type ApiTokenRecord, type Store } from '../store/index.js';

export { API_ROLES, type ApiRole, type ApiTokenRecord };

/** Prefix of every token secret, so a leaked one is recognisable (and the redactor's `token=` rule is not the only guard). */
export const TOKEN_PREFIX = 'ferry_';
/** How long a dashboard session lasts after login. */
export const SESSION_TTL_MS = 12 * 3600_000;

const sha256 = (secret: string): string => createHash('sha256').update(secret).digest('hex');
const newSecret = (): string => randomBytes(32).toString('base64url');

/** Equal hex digests, compared in constant time. */
function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Roles in order of power: a route needing `role` admits that role and the ones after it. */
export function roleAllows(have: ApiRole, need: ApiRole): boolean {
  return API_ROLES.indexOf(have) >= API_ROLES.indexOf(need);
}

export function parseRole(value: string): ApiRole {
  const role = API_ROLES.find((r) => r === value);
  if (!role) throw new FerryError('USAGE', `--role ${JSON.stringify(value)} is not one of ${API_ROLES.join(', ')}`);
  return role;
}

/** Creates a token; the secret is returned here and never again. Audited. */
export async function createToken(o: { store: Store; name: string; role: ApiRole; operator: string }): Promise<{ token: ApiTokenRecord; secret: string }> {
  const secret = `${TOKEN_PREFIX}${newSecret()}`;
  const token = await o.store.createApiToken({ id: `tok-${randomBytes(4).toString('hex')}`, name: o.name, role: o.role, hash: sha256(secret), createdBy: o.operator });
  await o.store.appendAudit({ operator: o.operator, action: 'token.create', subject: token.id, details: { name: o.name, role: o.role } });
  return { token, secret };
}

export async function revokeToken(o: { store: Store; id: string; operator: string }): Promise<void> {
  if (!await o.store.revokeApiToken(o.id)) {
    throw new FerryError('NOT_FOUND', `No active API token ${o.id} in the store`, { hint: 'List them with ferry token list.' });
  }
  await o.store.appendAudit({ operator: o.operator, action: 'token.revoke', subject: o.id, details: {} });
}

/** The unrevoked token whose secret this is, or undefined. */
export async function authenticateToken(store: Store, secret: string): Promise<ApiTokenRecord | undefined> {
  if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
  const digest = sha256(secret);
  const found = await store.findApiToken(digest);
  if (!found || !sameDigest(found.hash, digest)) return undefined;
  const { hash: _hash, ...token } = found;
  return token;
}

/** Opens a dashboard session for a token: the session and CSRF secrets are returned once, only their hashes stored. */
export async function openSession(o: { store: Store; token: ApiTokenRecord; now?: Date }): Promise<{ session: string; csrf: string; expiresAt: string }> {
  const session = newSecret();
  const csrf = newSecret();
  const expiresAt = new Date((o.now ?? new Date()).getTime() + SESSION_TTL_MS).toISOString();
  await o.store.createApiSession({ hash: sha256(session), tokenId: o.token.id, csrfHash: sha256(csrf), expiresAt });
  return { session, csrf, expiresAt };
}

export async function findSession(store: Store, session: string): Promise<ApiSessionRecord | undefined> {
  return store.findApiSession(sha256(session));
}

export async function closeSession(store: Store, session: string): Promise<void> {
  await store.deleteApiSession(sha256(session));
}

/** Whether the CSRF secret a request carries is its session's (constant time). */
export function csrfMatches(s: ApiSessionRecord, csrf: string | undefined): boolean {
  return csrf !== undefined && csrf !== '' && sameDigest(s.csrfHash, sha256(csrf));
}
