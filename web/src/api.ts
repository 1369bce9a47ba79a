/**
 * The dashboard's one client of the HTTP API (/openapi.json): same-origin requests carrying the session
 * cookie, the CSRF token on every mutation, errors as the API's `{error: {code, message, hint}}`.
 */
export type Role = 'viewer' | 'operator' | 'admin';
export interface Me { id: string; name: string; role: Role }

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly hint?: string) { super(message); }
}

const CSRF_KEY = 'ferry.csrf';

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = sessionStorage.getItem(CSRF_KEY) ?? '';
  const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (res.status === 204) return undefined as T;
  const json = await res.json().catch(() => undefined) as { error?: { code: string; message: string; hint?: string } } | undefined;
  if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? 'HTTP', json?.error?.message ?? `${method} ${path}: HTTP ${res.status}`, json?.error?.hint);
  return json as T;
}

export const get = <T>(path: string): Promise<T> => request<T>('GET', path);
export const post = <T>(path: string, body?: unknown): Promise<T> => request<T>('POST', path, body ?? {});

export async function login(token: string): Promise<Me> {
  const r = await request<{ csrf: string; me: Me }>('POST', '/api/session', { token });
  sessionStorage.setItem(CSRF_KEY, r.csrf);
  return r.me;
}
export async function logout(): Promise<void> {
  await request<void>('DELETE', '/api/session');
  sessionStorage.removeItem(CSRF_KEY);
}

export interface ReleaseView { release: string; name: string; tier: string | null; lifecycle: { phase: string; eol: string | null; daysToEol: number | null } }
export interface Overview {
  hostCount: number;
  bySource: Array<{ source: string | null; count: number; release: ReleaseView | null }>;
  run: null | {
    runId: string; targets: ReleaseView[];
    readiness: Array<{ target: string; ready: number; risks: number; blocked: number; notAssessed: number }>;
    recommendation: { target?: string | null; rule: string };
    inhibitors: Array<{ key: string; target: string; hostCount: number }>;
  };
  rollouts: Array<{ id: string; name: string | null; target: string; state: string; createdAt: string }>;
}
export interface HostSummary { name: string; address: string | null; source: string | null; groups: string[]; readiness: Record<string, string>; removedAt: string | null }
export interface HostPage { total: number; offset: number; hosts: HostSummary[] }
export interface JournalEntry { seq: number; at: string; event: string; [k: string]: unknown }
export interface HostView {
  host: { name: string; address: string | null; labels: Record<string, string>; groups: string[]; hostKeyFingerprint: string | null; machineId: string | null; removedAt: string | null };
  collection: { at: string; outcome: string; message: string | null } | null;
  facts: { collectedAt: string; facts: Record<string, unknown> } | null;
  assessments: Array<{ target: string; readiness: string; score: number | null; blockers: string[]; missing: number }>;
  execution: null | { id: string; state: string; journal: JournalEntry[] };
}
export interface RolloutHost { hostName: string; wave: number; state: string; failedStep: string | null; lastError: string | null; logTail: string | null; executionId: string | null; updatedAt: string }
export interface Rollout { id: string; name: string | null; target: string; selector: string; state: string; currentWave: number; createdBy: string; createdAt: string; spec: { fleet?: { maxFailures?: unknown } } }
export interface RolloutStatus { rollout: Rollout; hosts: RolloutHost[]; counts: Record<string, number>; waves: Array<{ wave: number; hosts: number; counts: Record<string, number> }>; next: string; settings: string }
