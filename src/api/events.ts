/**
 * Live progress as Server-Sent Events, read from the store (the one place every worker writes to): a
 * rollout's state, its hosts' states (with failed step, error and log tail) and the journal entries each
 * host's execution mirrors there (step starts and ends, verification). The stream opens with a `snapshot`
 * of the current state unless the client reconnects with Last-Event-ID; every event's id is a cursor of
 * what the client has seen, so a reconnect gets exactly what changed since (nothing lost, nothing twice).
 */
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { FerryError, toJsonValue } from '../core/index.js';
import { rolloutStatus } from '../app/rollout.js';
import { CURRENT_EXECUTION_LABEL, type Store } from '../app/store.js';

export interface EventOptions {
  /** How often the store is read for changes (default 500 ms). */
  pollMs?: number;
  /** A comment line this often keeps proxies from closing an idle stream (default 15 s). */
  keepAliveMs?: number;
}

/** What a client has seen: the rollout's state key, each host's state key, each execution's newest journal seq. */
export interface Cursor { r?: string; h: Record<string, string>; j: Record<string, number> }

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** The cursor a Last-Event-ID carries; undefined (start with a snapshot) when absent or not one of ours. */
export function decodeCursor(id: string | undefined): Cursor | undefined {
  if (!id) return undefined;
  try {
    const v = JSON.parse(Buffer.from(id, 'base64url').toString('utf8')) as unknown;
    if (typeof v !== 'object' || v === null) return undefined;
    const { r, h, j } = v as Record<string, unknown>;
    const isMap = (m: unknown, t: string): boolean => typeof m === 'object' && m !== null && Object.values(m).every((x) => typeof x === t);
    if ((r !== undefined && typeof r !== 'string') || !isMap(h, 'string') || !isMap(j, 'number')) return undefined;
    return v as Cursor;
  } catch {
    return undefined;
  }
}

const JOURNAL_BATCH = 200;

/** The journal entries of `executionId` after the cursor's seq, as events; advances the cursor. */
async function journalEvents(store: Store, stream: SSEStreamingApi, cursor: Cursor, host: string, executionId: string): Promise<void> {
  const seen = cursor.j[executionId] ?? 0;
  const entries = (await store.listJournal(executionId)).filter((e) => e.seq > seen).slice(0, JOURNAL_BATCH);
  for (const e of entries) {
    cursor.j[executionId] = e.seq;
    await stream.writeSSE({ event: 'journal', id: encodeCursor(cursor), data: JSON.stringify({ host, executionId, entry: toJsonValue(e) }) });
  }
}

function open(c: Context, fn: (stream: SSEStreamingApi, cursor: Cursor | undefined) => Promise<Cursor>, o: EventOptions): Response {
  const pollMs = o.pollMs ?? 500;
  const keepAliveMs = o.keepAliveMs ?? 15_000;
  const given = decodeCursor(c.req.header('last-event-id'));
  return streamSSE(c, async (stream) => {
    let closed = false;
    stream.onAbort(() => { closed = true; });
    let cursor = given;
    let idle = 0;
    while (!closed) {
      cursor = await fn(stream, cursor);
      await stream.sleep(pollMs);
      idle += pollMs;
      if (idle >= keepAliveMs) {
        idle = 0;
        await stream.write(': keep-alive\n\n');
      }
    }
  });
}

/** GET /api/rollouts/{id}/events. */
export async function rolloutEvents(c: Context, store: Store, rolloutId: string, o: EventOptions = {}): Promise<Response> {
  // Refused before the stream opens, so an unknown rollout is a plain 404.
  if (!await store.getRollout(rolloutId)) throw new FerryError('NOT_FOUND', `No rollout ${rolloutId} in the store`, { hint: 'GET /api/rollouts lists them.' });
  return open(c, async (stream, given) => {
    const status = await rolloutStatus({ store, rolloutId });
    const rolloutKey = `${status.rollout.state}|${status.rollout.currentWave}|${status.next}`;
    const cursor: Cursor = given ? { ...given, h: { ...given.h }, j: { ...given.j } } : { h: {}, j: {} };
    if (!given) {
      cursor.r = rolloutKey;
      for (const h of status.hosts) cursor.h[h.hostName] = `${h.state}|${h.updatedAt}`;
      await stream.writeSSE({ event: 'snapshot', id: encodeCursor(cursor), data: JSON.stringify(toJsonValue(status)) });
    }
    if (cursor.r !== rolloutKey) {
      cursor.r = rolloutKey;
      await stream.writeSSE({ event: 'rollout', id: encodeCursor(cursor), data: JSON.stringify(toJsonValue({ rollout: status.rollout, counts: status.counts, waves: status.waves, next: status.next })) });
    }
    for (const h of status.hosts) {
      const key = `${h.state}|${h.updatedAt}`;
      if (cursor.h[h.hostName] !== key) {
        cursor.h[h.hostName] = key;
        await stream.writeSSE({ event: 'host', id: encodeCursor(cursor), data: JSON.stringify(toJsonValue(h)) });
      }
      // A running host's execution is named on its store record as it starts; a finished one on the rollout host too.
      const executionId = h.executionId ?? (h.state === 'running' ? (await store.getHost(h.hostName))?.labels[CURRENT_EXECUTION_LABEL] : undefined);
      if (executionId && h.state !== 'pending' && h.state !== 'queued') await journalEvents(store, stream, cursor, h.hostName, executionId);
    }
    return cursor;
  }, o);
}

/** GET /api/hosts/{name}/events: the journal of the host's current execution as it grows. */
export async function hostEvents(c: Context, store: Store, hostName: string, o: EventOptions = {}): Promise<Response> {
  if (!await store.getHost(hostName)) throw new FerryError('NOT_FOUND', `No host ${JSON.stringify(hostName)} in the store`);
  return open(c, async (stream, given) => {
    const cursor: Cursor = given ? { ...given, h: { ...given.h }, j: { ...given.j } } : { h: {}, j: {} };
    const host = await store.getHost(hostName);
    const executionId = host?.labels[CURRENT_EXECUTION_LABEL];
    const key = executionId ?? '';
    if (!given || cursor.h[hostName] !== key) {
      cursor.h[hostName] = key;
      const execution = executionId ? await store.getExecution(executionId) : undefined;
      await stream.writeSSE({ event: 'snapshot', id: encodeCursor(cursor), data: JSON.stringify({ host: hostName, execution: execution ? { id: execution.id, state: execution.state } : null }) });
    }
    if (executionId) await journalEvents(store, stream, cursor, hostName, executionId);
    return cursor;
  }, o);
}
