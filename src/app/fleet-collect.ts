/**
 * Fleet collection: facts from every selected host over SSH, with bounded concurrency, a per-host
 * timeout, retries with exponential backoff and jitter for transient failures only, one stored snapshot
 * and one collection record per host, and identity tracking.
 *
 * Each host is opened by the one `openHost` (one SSH connection, the facts script run once as a plain exec,
 * which checks the root itself: `singleCommand`) and closed before the next host takes its slot. Failures
 * are classified from the transport's FerryError codes (classifyFailure); a failure that is not a
 * FerryError is a bug and propagates.
 *
 * Identity: the host key fingerprint the host presented (after known_hosts accepted it) and
 * /etc/machine-id from the facts. When either differs from the identity stored at the previous
 * collection, the host is flagged `identity-changed`: its snapshot is still stored (the facts are
 * genuine: known_hosts vouched for the key) and linked to the flagged record, the new identity is
 * recorded, and the host counts as failed for this run (exit status), so the flag is raised once, at the
 * collection that saw the change, and stays in the host's collection history. A key known_hosts does
 * not accept is `host-key-changed`: nothing more is sent to that host and nothing is stored but the record.
 */
import { backoffDelay, FerryError, isFerryError, toJsonValue, type ProgressOf } from '../core/index.js';
import { collectFacts } from '../facts/index.js';
import type { HostFacts } from '../facts/types.js';
import type { CollectionOutcome, HostRecord, Store } from '../store/index.js';
import { hostOptionsFor, openHost } from './host.js';
import { labelHost } from './store.js';
import { detectSourceRelease } from '../assess/source.js';
import { loadCatalog, type Catalog } from '../catalog/index.js';

export type { HostRecord } from '../store/index.js';

/** The collection's progress (core's ProgressEvent of scope collect), one event per host finished (plus start and end). */
export type CollectProgressEvent = ProgressOf<'collect'>;

export interface FleetCollectOptions {
  store: Store;
  /** Hosts to collect, already selected. */
  hosts: readonly HostRecord[];
  /** Hosts collected at the same time (default 50). */
  concurrency?: number;
  /** Bound on one attempt at one host: connect, authenticate, run the facts script (default 60 s). */
  timeoutMs?: number;
  /** Further attempts after a transient failure (unreachable, timeout); default 2. */
  retries?: number;
  /** First backoff, ms (default 1000); attempt n waits base·2^(n-1), scaled by a jitter in [0.5, 1). */
  backoffMs?: number;
  /** Private keys tried after the host's own identity file (connection.identityFile). */
  identityFiles?: readonly string[];
  /** known_hosts files; default ~/.ssh/known_hosts and the ssh config's. */
  knownHostsFiles?: readonly string[];
  onProgress?: (e: CollectProgressEvent) => void;
  /** Jitter source in [0, 1) (tests). */
  random?: () => number;
}

export interface HostCollection {
  host: string;
  outcome: CollectionOutcome;
  /** Why, for any outcome but ok. */
  message?: string;
  attempts: number;
  durationMs: number;
  factSnapshotId?: number;
  hostKeyFingerprint?: string;
  machineId?: string;
}

export interface FleetCollectResult {
  hosts: HostCollection[];
  counts: Record<CollectionOutcome, number>;
  /** Hosts with an outcome other than ok. */
  failed: number;
  wallMs: number;
}

export const COLLECTION_OUTCOMES: readonly CollectionOutcome[] = ['ok', 'unreachable', 'auth', 'host-key-changed', 'timeout', 'command-failed', 'identity-changed'];

/** A failure's class, and whether another attempt may succeed (the host may answer a moment later). */
export interface FailureClass { outcome: CollectionOutcome; transient: boolean }

/**
 * The class of a FerryError from opening a host or collecting its facts; undefined for any other code (a bug,
 * which propagates). Only a refused or dropped connection and a timeout are transient: never auth or host key.
 * An address the host-spec parser refuses is unreachable, for good.
 */
export function classifyFailure(err: FerryError): FailureClass | undefined {
  switch (err.code) {
    case 'TRANSPORT_CONNECT': case 'TRANSPORT_DISCONNECTED': return { outcome: 'unreachable', transient: true };
    case 'TRANSPORT_TIMEOUT': return { outcome: 'timeout', transient: true };
    case 'HOST_INVALID': return { outcome: 'unreachable', transient: false };
    case 'TRANSPORT_AUTH': return { outcome: 'auth', transient: false };
    case 'TRANSPORT_HOSTKEY': return { outcome: 'host-key-changed', transient: false };
    case 'TRANSPORT_COMMAND': case 'FACTS_PARSE': case 'NOT_FOUND': return { outcome: 'command-failed', transient: false };
    default: return undefined;
  }
}

interface Collected { facts: HostFacts; hostKeyFingerprint: string | undefined }

/** One attempt: open, run the facts script, close, all within `timeoutMs`. */
async function attemptHost(h: HostRecord, o: FleetCollectOptions, timeoutMs: number): Promise<Collected> {
  const deadline = Date.now() + timeoutMs;
  let timedOut = false;
  let opened: Awaited<ReturnType<typeof openHost>> | undefined;
  const work = (async (): Promise<Collected> => {
    const transport = await openHost({ ...hostOptionsFor(h, o), connectTimeoutMs: timeoutMs, singleCommand: true });
    opened = transport;
    if (timedOut) { await transport.close(); throw new FerryError('TRANSPORT_TIMEOUT', `${h.name} timed out`); }
    const facts = await collectFacts(transport, { timeoutMs: Math.max(1, deadline - Date.now()) });
    return { facts, hostKeyFingerprint: transport.hostKeyFingerprint };
  })();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new FerryError('TRANSPORT_TIMEOUT', `Collecting facts from ${h.name} did not finish within ${timeoutMs} ms`, {
        hint: 'The host accepted the connection but did not answer in time: check its sshd and load, or raise --timeout.',
      }));
    }, timeoutMs);
  });
  work.catch(() => { /* settled by the race below, or abandoned after the timeout */ });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
    await opened?.close();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Collects one host with retries; returns its outcome without recording it. */
async function collectHost(h: HostRecord, o: FleetCollectOptions): Promise<HostCollection & { facts?: HostFacts }> {
  const started = Date.now();
  const retries = o.retries ?? 2;
  const random = o.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      const got = await attemptHost(h, o, o.timeoutMs ?? 60_000);
      const machineId = got.facts.system?.machineId;
      return { host: h.name, outcome: 'ok', attempts: attempt, durationMs: Date.now() - started, facts: got.facts,
        ...(got.hostKeyFingerprint ? { hostKeyFingerprint: got.hostKeyFingerprint } : {}), ...(machineId ? { machineId } : {}) };
    } catch (err) {
      if (!isFerryError(err)) throw err;
      const failure = classifyFailure(err);
      if (!failure) throw err;
      if (failure.transient && attempt <= retries) { await sleep(backoffDelay(attempt, { baseMs: o.backoffMs ?? 1000, random })); continue; }
      return { host: h.name, outcome: failure.outcome, message: err.message, attempts: attempt, durationMs: Date.now() - started };
    }
  }
}

/** What changed in a host's identity since its stored one; empty when nothing did (or nothing was stored). */
export function identityChanges(stored: Pick<HostRecord, 'hostKeyFingerprint' | 'machineId'>,
  seen: { hostKeyFingerprint?: string; machineId?: string }): string[] {
  const out: string[] = [];
  if (stored.hostKeyFingerprint && seen.hostKeyFingerprint && stored.hostKeyFingerprint !== seen.hostKeyFingerprint) {
    out.push(`host key ${stored.hostKeyFingerprint} → ${seen.hostKeyFingerprint}`);
  }
  if (stored.machineId && seen.machineId && stored.machineId !== seen.machineId) out.push(`machine-id ${stored.machineId} → ${seen.machineId}`);
  return out;
}

/** Stores a host's outcome: snapshot and identity when facts came back, and the collection record. */
async function recordHost(store: Store, catalog: Catalog, h: HostRecord, c: HostCollection & { facts?: HostFacts }): Promise<HostCollection> {
  const { facts, ...result } = c;
  if (facts) {
    const snapshot = await store.saveFactSnapshot({ hostName: h.name, facts: toJsonValue(facts), collectedAt: facts.collectedAt });
    result.factSnapshotId = snapshot.id;
    const changes = identityChanges(h, result);
    if (changes.length) {
      result.outcome = 'identity-changed';
      result.message = `The identity of ${h.name} changed since its last collection: ${changes.join('; ')}`;
    }
    // The source release as assess reads it, the label `release:` selectors match (release:centos-7).
    await labelHost(store, h.name, { source: detectSourceRelease(facts, catalog) ?? 'unknown' });
    await store.setHostIdentity(h.name, {
      ...(result.hostKeyFingerprint ? { hostKeyFingerprint: result.hostKeyFingerprint } : {}),
      ...(result.machineId ? { machineId: result.machineId } : {}),
    });
  }
  await store.recordCollection({ hostName: h.name, outcome: result.outcome, message: result.message ?? null, attempts: result.attempts,
    durationMs: result.durationMs, factSnapshotId: result.factSnapshotId ?? null });
  return result;
}

/** Collects every host; resolves once each has a recorded outcome. Hosts keep their given order in the result. */
export async function collectFleet(o: FleetCollectOptions): Promise<FleetCollectResult> {
  const started = Date.now();
  const catalog = loadCatalog();
  const total = o.hosts.length;
  const concurrency = Math.max(1, Math.floor(o.concurrency ?? 50));
  const progress = o.onProgress ?? ((): void => {});
  const results: HostCollection[] = new Array<HostCollection>(total);
  let next = 0;
  let done = 0;
  let failed = 0;
  progress({ scope: 'collect', phase: 'start', done, total, failed });
  const lane = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      const h = o.hosts[i];
      const r = await recordHost(o.store, catalog, h, await collectHost(h, o));
      results[i] = r;
      done++;
      if (r.outcome !== 'ok') failed++;
      progress({ scope: 'collect', phase: 'host', done, total, failed, host: h.name, message: r.outcome === 'ok' ? 'ok' : `${r.outcome}: ${r.message ?? ''}` });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  const counts = Object.fromEntries(COLLECTION_OUTCOMES.map((k) => [k, 0])) as Record<CollectionOutcome, number>;
  for (const r of results) counts[r.outcome]++;
  progress({ scope: 'collect', phase: 'end', done, total, failed });
  return { hosts: results, counts, failed, wallMs: Date.now() - started };
}
