/**
 * Ferry's store as the use cases record into it: where it is, how a host is named there, and one recorder
 * per document (assessment, plan, execution). Every recorder creates the host when new and keeps its labels.
 */
import { userInfo } from 'node:os';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Assessment } from '../assess/types.js';
import { FerryError, isFerryError, redact, toJsonValue } from '../core/index.js';
import { ferryHome } from '../exec/journal-key.js';
import type { MigrationPlan } from '../plan/index.js';
import { isPostgresLocation, openStore, type Store } from '../store/index.js';

/** The store's interface, for front ends that may not import src/store (src/api). */
export type { Store };

/** `$FERRY_HOME/ferry.db`; FERRY_HOME defaults to `~/.local/share/ferry`. */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(ferryHome(env), 'ferry.db');
}

/**
 * Opens, migrates and checks Ferry's store at `location`: a SQLite file (its directory created 0700; the file
 * 0600, by the driver) or a `postgres://` URL. A damaged store is STORE_CORRUPT here, before any command
 * touches a host. The caller closes it.
 */
export async function openFerryStore(location = defaultStorePath()): Promise<Store> {
  if (!isPostgresLocation(location) && location !== ':memory:') mkdirSync(dirname(resolve(location)), { recursive: true, mode: 0o700 });
  const damaged = (e: unknown): FerryError => new FerryError('STORE_CORRUPT', `Ferry's store ${redact(location)} is damaged: ${(e as Error).message.replace(/\s+/g, ' ').slice(0, 300)}`, {
    cause: e, hint: 'Nothing was done on any host. Restore the store from a backup, or move it aside (Ferry starts a new one; each host\'s journal still records its migration).',
  });
  let store: Store;
  try {
    store = openStore(location);
  } catch (e) {
    // SQLite's word for a file that is not (or no longer) a database.
    const cause = isFerryError(e) ? e.cause : undefined;
    const code = cause instanceof Error ? (cause as { code?: unknown }).code : undefined;
    throw code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' ? damaged(cause) : e;
  }
  try {
    await store.migrate();
    const problems = await store.checkIntegrity();
    if (problems.length > 0) throw new Error(problems.slice(0, 2).join('; '));
  } catch (e) {
    await store.close().catch(() => undefined);
    if (isFerryError(e)) throw e;
    throw damaged(e);
  }
  return store;
}

/** The name a host is recorded under in the store: the host argument, plus the root when one is given. */
export function storeHostName(o: { host: string; root?: string }): string {
  return o.root ? `${o.host}:${resolve(o.root)}` : o.host;
}

/** Host label naming the host's current execution in the store (what `ferry status --from-store` reads). */
export const CURRENT_EXECUTION_LABEL = 'ferry.current-execution';

/** Creates the host when new; adds `labels` to the ones it has. */
export async function labelHost(store: Store, hostName: string, labels: Record<string, string>): Promise<void> {
  const prior = await store.getHost(hostName);
  await store.upsertHost({ name: hostName, labels: { ...(prior?.labels ?? {}), ...labels } });
}


/**
 * Records an assessment: the host (labelled with its source release), and one assessment per target, each
 * a whole document (the report's header with that target), as `ferry assess --store` and the fleet read them.
 */
export async function recordAssessment(store: Store, hostName: string, a: Assessment, labels: Record<string, string> = {}): Promise<void> {
  await labelHost(store, hostName, { source: a.sourceRelease ?? 'unknown', ...labels });
  for (const t of a.targets) {
    await store.saveAssessment({ hostName, target: t.target,
      result: toJsonValue({ formatVersion: a.formatVersion, assessedAt: a.assessedAt, host: a.host, sourceRelease: a.sourceRelease, ...t }) });
  }
}

/** Records a plan of a host. */
export async function recordPlan(store: Store, hostName: string, plan: MigrationPlan, labels: Record<string, string> = {}): Promise<void> {
  await labelHost(store, hostName, labels);
  await store.savePlan({ id: plan.id, hostName, target: plan.target, plan: toJsonValue(plan) });
}

/** Records an execution of a plan, and marks it the host's current one. */
export async function recordExecution(store: Store, hostName: string, plan: MigrationPlan, executionId: string): Promise<void> {
  await recordPlan(store, hostName, plan, { [CURRENT_EXECUTION_LABEL]: executionId });
  await store.createExecution({ id: executionId, planId: plan.id, hostName });
}

/** Who is acting, for the audit log: $FERRY_OPERATOR, else the OS user. */
export function operatorName(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.FERRY_OPERATOR?.trim();
  if (fromEnv) return fromEnv;
  try { return userInfo().username; } catch { return 'unknown'; }
}
