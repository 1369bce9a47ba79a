/**
 * Migration use cases: plan, migrate (run), resume, rollback and status of one host. The composition root
 * for the CLI's migrate commands: facts are collected over the Transport, the plan is built (pure), then
 * run by the executor. The plan is kept on the host in the execution's state dir (`plan.json`) and the
 * current execution id (and its journal head) in `/var/lib/ferry/current` (exec/journal.ts owns its format), so
 * resume/rollback/status need only the host.
 */
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { FerryError } from '../core/index.js';
import { loadCatalog, readPesFile, releaseKeyArmor, type Catalog, type PesFile } from '../catalog/index.js';
import { collectFacts } from '../facts/index.js';
import type { HostFacts } from '../facts/types.js';
import { assessTargets, availableNames, type Prediction } from '../assess/index.js';
import type { Finding, TargetRepoView } from '../assess/types.js';
import { parseRepoFlags, type RepoCache } from './repos.js';
import { reachServedRepos, resolveTargets } from './targets.js';
import { buildPlan, checkPlan, conversionOf, gateInhibitors, parsePlan, predictPlanTransaction, publishedPlan, type MigrationPlan, type PlanOverride, type PublishedPlan, type SnapshotRequest, type TargetKey } from '../plan/index.js';
import type { Transport } from '../transport/index.js';
import { deriveStatus, rollback as rollbackRun, runPlan, status as statusRun } from '../exec/runner.js';
import { createStoreMirror, storeCall, type StoreMirror } from './store-mirror.js';
import type { Store } from '../store/index.js';
import { CURRENT_EXECUTION_LABEL, recordExecution } from './store.js';
import { mkdirHost, readCurrentExecution, readJournal, stateDirFor, writeCurrentExecution, CURRENT_FILE, type RecordedHead } from '../exec/journal.js';
import { materializePlan, restorersFor } from '../exec/steps/index.js';
import { packageManagerFor } from '../exec/package-manager/index.js';
import { BEFORE_FILE, captureEvidence, type VerifyReport } from '../exec/verify.js';
import { readHostDocument, readVerifyReport } from '../exec/verify-documents.js';
import type { ExecutionResult, ExecutionStatus, JournalSink } from '../exec/types.js';
import type { ProgressEvent } from '../core/index.js';
import type { RollbackResult } from '../exec/runner.js';
import type { RebootWait } from '../exec/reboot-boundary.js';
import { migrationFindings, recordWorkloadBeforeRun, startWorkloadCapture, type MigrationFindings } from './migration-findings.js';
import { finishSnapshots, snapshotStatus } from '../exec/snapshots/finish.js';
import type { SnapshotInfo } from '../exec/snapshots/index.js';
import { runGate, verificationCheck, workloadCheck, type GateCheck, type GateResult } from './health-gate.js';

/** `FILE=FINGERPRINT` (user-given key) → TargetKey. */
export function readKeyArg(arg: string): TargetKey {
  const m = /^(.+)=([0-9A-Fa-f]{40})$/.exec(arg);
  if (!m) throw new FerryError('USAGE', `--gpg-key ${arg}: expected FILE=FINGERPRINT (40 hex digits)`);
  if (!existsSync(m[1])) throw new FerryError('NOT_FOUND', `GPG key file ${m[1]} does not exist`);
  return { name: posix.basename(m[1]), armored: readFileSync(m[1], 'utf8'), fingerprints: [m[2].toUpperCase()] };
}


export interface PlanMigrationOptions {
  transport: Transport;
  target: string;
  repos: string[];
  overrides?: PlanOverride[];
  /** `--allow-remove` names or globs: removals the operator approves (plan steps; journaled with the operator as overrides `allow-remove:PATTERN`). */
  allowRemove?: string[];
  /** `FILE=FINGERPRINT` keys; default: the catalog's keys of the target. */
  gpgKeys?: string[];
  gpgcheck?: boolean;
  /**
   * Assessment findings for the target (their inhibitors stop the plan). Default: the assessment of the
   * facts collected for the plan against the target repositories (assessTargets with the same repository
   * view `ferry assess` builds, so the plan's vendor swap and the assessment's fates see one package set).
   */
  findings?: Finding[];
  /** YYYY-MM-DD for the lifecycle checks; default: today (UTC). */
  today?: string;
  catalog?: Catalog;
  facts?: HostFacts;
  /** Repository metadata shared across plans (one parse per location and process by default). */
  repoCache?: RepoCache;
  /** Hears repository events: what a served repository gave the host (targets.ts reachServedRepos). */
  onProgress?: (e: ProgressEvent) => void;
  /** The snapshot before the point of no return (default `auto`: the host's own provider when its facts show one). */
  snapshot?: SnapshotRequest;
  /** `--snapshot-retention` in seconds (the plan's SnapshotOptions.retentionSeconds). */
  snapshotRetentionSeconds?: number;
  /** `--pes FILE`: the target vendor's package-evolution events (pes-events.json); a cross-major path needs them. */
  pes?: string;
  /** The sha256 the `pes` file must have (a rollout's or a route's recorded file): PES_CHANGED otherwise. */
  pesSha256?: string;
  /**
   * `hop`: this plan is one hop of a multi-hop route (app/route.ts), and an override that matches none of its
   * inhibitors belongs to another hop (left out here; the route refuses one that no hop uses).
   */
  overrideScope?: 'hop';
}

/** The assessment of `facts` against `target` (with its repository view when given): its findings. */
export function assessForPlan(facts: HostFacts, catalog: Catalog, target: string, repo?: TargetRepoView, today = new Date().toISOString().slice(0, 10), pes?: Pick<PesFile, 'events' | 'repoMap'>): Finding[] {
  return assessTargets({ facts, catalog, targets: [{ release: target, ...(repo ? { repo } : {}), ...(pes ? { pesEvents: pes.events, ...(pes.repoMap ? { pesRepoMap: pes.repoMap } : {}) } : {}) }], today }).targets[0]?.findings ?? [];
}

/** The plan, and `published`: the plan with its predicted transaction, as `ferry plan --json` prints it. */
export async function planMigration(o: PlanMigrationOptions): Promise<{ plan: MigrationPlan; published: PublishedPlan; facts: HostFacts; findings: Finding[]; predicted?: Prediction; repo?: TargetRepoView; pesSha256?: string }> {
  const catalog = o.catalog ?? await loadCatalog();
  // `--repo` means what it means for `ferry assess`: locations Ferry reads here; the host is given the same
  // repositories (hostRepos). Without one, the catalog's repositories of the target.
  const flags = parseRepoFlags(o.repos, { target: o.target });
  const [target] = resolveTargets(catalog, [o.target], flags[o.target] ? { [o.target]: flags[o.target] } : {}, { catalogRepos: true, ...(o.repoCache ? { cache: o.repoCache } : {}) });
  // A bad events file is refused before the host is read.
  const pesFile = o.pes !== undefined ? readPesFile(o.pes, o.pesSha256) : undefined;
  const pes = pesFile?.events;
  const facts = o.facts ?? await collectFacts(o.transport);
  // The source, target and path are settled (a path Ferry cannot plan with these inputs refused) before any repository is read.
  const conversion = conversionOf(facts, catalog, target.id, { pes: pes !== undefined, repoMap: pesFile?.repoMap !== undefined, ...(pesFile?.repoMapProblem !== undefined ? { repoMapProblem: pesFile.repoMapProblem } : {}) });
  const view = await target.repo();
  const findings = o.findings ?? assessForPlan(facts, catalog, target.id, view, o.today, pesFile);
  const overrides = o.overrideScope === 'hop' ? (o.overrides ?? []).filter((ov) => findings.some((f) => f.key === ov.findingKey && f.groups.includes('inhibitor'))) : o.overrides ?? [];
  gateInhibitors({ facts, ...conversion, findings, overrides });
  const { repos, gpgcheck } = await target.environment(o.transport, o.gpgcheck ?? true, o.onProgress);
  const keys = o.gpgKeys?.length ? o.gpgKeys.map(readKeyArg) : releaseKeyArmor(catalog, target.id);
  const available = view ? [...availableNames(view)] : [];
  const plan = buildPlan({ facts, catalog, target: target.id, repos, targetAvailable: available, gpgcheck, keys, overrides, findings, ...(pes ? { pes } : {}), ...(pesFile?.repoMap ? { pesRepoMap: pesFile.repoMap } : {}), ...(o.allowRemove?.length ? { allowRemove: o.allowRemove } : {}), ...(o.snapshot ? { snapshot: o.snapshot } : {}), ...(o.snapshotRetentionSeconds ? { snapshotRetentionSeconds: o.snapshotRetentionSeconds } : {}) });
  const predicted = predictPlanTransaction(plan, facts, view);
  return { plan, published: publishedPlan(plan, predicted), facts, findings, ...(predicted ? { predicted } : {}), ...(view ? { repo: view } : {}), ...(pesFile ? { pesSha256: pesFile.sha256 } : {}) };
}

/** Ferry's store: host, plan and execution are recorded and the journal mirrored into it (the runner's sink). */
export interface StoreOption {
  store?: Store;
  /** The host's name in the store; default: the transport's host name. */
  storeHost?: string;
  /** What the store is called in messages (its path); default: its kind. */
  storeName?: string;
}

function storeNameOf(o: StoreOption & { store: Store }): string {
  return o.storeName ?? `(${o.store.kind})`;
}

/** The store options of `o`, passed on. */
function storeOf(o: StoreOption): StoreOption {
  return { ...(o.store ? { store: o.store } : {}), ...(o.storeName ? { storeName: o.storeName } : {}) };
}

function storeTarget(o: StoreOption): { store?: Store; storeName: string } {
  return o.store ? { store: o.store, storeName: storeNameOf({ ...o, store: o.store }) } : { storeName: '' };
}

/** The sink of a run: the caller's, else the store behind a mirror that queues what the store refuses (store-mirror.ts). */
function runSink(o: StoreOption & { sink?: JournalSink; onProgress?: (e: ProgressEvent) => void }): { sink?: JournalSink; mirror?: StoreMirror } {
  if (o.sink) return { sink: o.sink };
  if (!o.store) return {};
  const mirror = createStoreMirror({ store: o.store, name: storeNameOf({ ...o, store: o.store }), onQueued: (line) => o.onProgress?.({ scope: 'output', phase: 'line', message: line }) });
  return { sink: mirror, mirror };
}

/** Records the execution in the store before the host is touched: a store that refuses it stops the run here, named. */
async function recordExecutionFirst(o: StoreOption & { store: Store }, hostName: string, plan: MigrationPlan, executionId: string): Promise<void> {
  await storeCall(storeNameOf(o), `record execution ${executionId} of ${hostName}`, () => recordExecution(o.store, o.storeHost ?? hostName, plan, executionId));
}

export interface MigrateOptions extends PlanMigrationOptions, StoreOption, RebootOption {
  /** The health gate after a completed run (health-gate.ts): verification first, then these checks; a failure rolls back when asked. */
  health?: { checks: GateCheck[]; rollbackOnFailure: boolean };
  dryRun?: boolean;
  onProgress?: (e: ProgressEvent) => void;
  sink?: JournalSink;
  executionId?: string;
  by?: string;
}

export interface MigrateResult extends MigrationFindings {
  plan: MigrationPlan;
  result: ExecutionResult;
  verify?: VerifyReport;
  /** The health gate's verdict (with `health`). */
  gate?: GateResult;
  /** The rollback a failed gate started (with `rollbackOnFailure`). */
  rolledBack?: RollbackResult;
}

export function newExecutionId(plan: MigrationPlan, now = new Date()): string {
  return `mig-${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${plan.id.replace(/^plan-/, '').slice(0, 8)}`;
}

async function readCurrent(transport: Transport): Promise<string> {
  const current = await readCurrentExecution(transport);
  if (!current) throw new FerryError('NOT_FOUND', `No migration on ${transport.hostName} (${CURRENT_FILE} is absent)`, { hint: 'Start one with ferry migrate.' });
  return current.executionId;
}

/** How resume, rollback and status read the host's journal: verified with this controller's key unless trusted, against the store's head. */
export interface JournalReadOptions {
  /** Accept a journal another controller (or no key) signed; its restorables are still checked. */
  trustJournal?: boolean;
}

/** The journal head the store's mirror recorded (none without a store, or when it holds no entry). */
async function storeHeads(store: Store | undefined, executionId: string): Promise<RecordedHead[]> {
  if (!store) return [];
  const entries = await store.listJournal(executionId);
  const last = entries[entries.length - 1];
  return last ? [{ seq: last.seq, mac: last.mac ?? null, where: 'Ferry\'s store' }] : [];
}

async function journalOptions(o: JournalReadOptions & { store?: Store }, executionId: string): Promise<{ trust: boolean; heads: RecordedHead[] }> {
  return { trust: o.trustJournal === true, heads: await storeHeads(o.store, executionId) };
}

async function readPlan(transport: Transport, executionId: string): Promise<MigrationPlan> {
  const path = posix.join(stateDirFor(executionId), 'plan.json');
  const plan = await readHostDocument(transport, path, 'plan', parsePlan);
  if (!plan) throw new FerryError('NOT_FOUND', `Execution ${executionId} on ${transport.hostName} has no plan (${path})`);
  return plan;
}

function readVerify(transport: Transport, executionId: string): Promise<VerifyReport | undefined> {
  return readVerifyReport(transport, stateDirFor(executionId));
}

/** The plan's `--allow-remove` approvals (carried by its swap step). */
function allowedRemovals(plan: MigrationPlan): string[] {
  return plan.steps.flatMap((s) => (s.kind === 'swap-vendor-packages' ? s.options.allowRemove : []));
}

/**
 * Runs `fn` (a run mirroring its journal through `mirror`) and flushes the mirror after it. When the run
 * failed, its error is what is reported (the store catches up on the next run or status); when it
 * succeeded, entries the store still refuses are STORE_UNAVAILABLE naming the store.
 */
async function mirrored<T>(mirror: StoreMirror | undefined, fn: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    await mirror?.flush({ attempts: 1 }).catch(() => undefined);
    throw e;
  }
  await mirror?.flush();
  return result;
}

async function execute(o: { transport: Transport; plan: MigrationPlan; executionId: string; onProgress?: (e: ProgressEvent) => void; sink?: JournalSink; mirror?: StoreMirror; by?: string; journal?: { trust: boolean; heads: RecordedHead[] } } & ForceOption & StoreOption & Pick<RebootOption, 'rebootWait'>): Promise<MigrateResult> {
  const by = o.by ?? process.env.USER ?? 'ferry';
  // This connection's forward for the repositories Ferry serves (a resumed plan's earlier port is gone).
  await reachServedRepos(o.transport, o.plan.dnf.repos, o.onProgress);
  const result = await mirrored(o.mirror, () => runPlan({
    ...(o.force ? { force: true } : {}),
    ...(o.journal ? { journal: o.journal } : {}),
    ...(o.rebootWait ? { rebootWait: o.rebootWait } : {}),
    plan: materializePlan(o.plan), transport: o.transport, executionId: o.executionId, ...(o.sink ? { sink: o.sink } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    by,
    overrides: [
      ...o.plan.overrides.map((ov) => ({ findingKey: ov.findingKey, by, ...(ov.reason ? { reason: ov.reason } : {}) })),
      ...allowedRemovals(o.plan).map((p) => ({ findingKey: `allow-remove:${p}`, by })),
    ],
  }));
  const verify = await readVerify(o.transport, o.executionId);
  const found = result.status === 'completed' ? await migrationFindings({ transport: o.transport, executionId: o.executionId, ...storeTarget(o) }) : {};
  return { plan: o.plan, result, ...(verify ? { verify } : {}), ...found };
}

/** Refuses a new migration while the host's current one is unfinished (running or failed). */
export async function refuseUnfinished(transport: Transport, store: Store | undefined): Promise<void> {
  const current = await readCurrentExecution(transport);
  if (!current) return;
  const prior = current.executionId;
  const st = await statusRun({ transport, executionId: prior, journal: { heads: await storeHeads(store, prior) } });
  if (st.state === 'running' || st.state === 'failed') {
    throw new FerryError('USAGE', `Migration ${prior} on ${transport.hostName} is unfinished (${st.state})`, { hint: 'Run ferry resume or ferry rollback first.' });
  }
}

export async function migrate(o: MigrateOptions): Promise<MigrateResult> {
  // The backup step's "before" evidence (rpm -Va above all, the longest read of a run) only reads the host,
  // as planning does, and nothing changes the host until the first step after the backup: gathered while
  // planning, it reaches the backup step as the execution's before.json (a failed capture is left to the
  // step, which gathers it again and fails there, journaled).
  // Planning needs no dnf on the host (the repositories are read here); running does.
  await packageManagerFor(null).require(o.transport);
  // An unfinished migration is the first thing to say: planning again would judge the half-migrated host
  // (its source release already swapped, "no migration path") instead.
  if (!o.dryRun) await refuseUnfinished(o.transport, o.store);
  const evidence = o.dryRun ? undefined : captureEvidence(o.transport).catch(() => undefined);
  const workload = o.dryRun ? undefined : startWorkloadCapture(o.transport, o.onProgress);
  const { plan } = await planMigration(o);
  const executionId = o.executionId ?? newExecutionId(plan);
  if (o.dryRun) {
    // The swap step's preview asks the host's dnf (in a private directory): the repositories Ferry serves are served on this connection.
    await reachServedRepos(o.transport, plan.dnf.repos, o.onProgress);
    const result = await runPlan({ plan: materializePlan(plan), transport: o.transport, executionId, dryRun: true, ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
    return { plan, result };
  }
  if (o.store) await recordExecutionFirst({ ...o, store: o.store }, o.transport.hostName, plan, executionId);
  const dir = stateDirFor(executionId);
  await mkdirHost(o.transport, dir);
  await o.transport.writeFile(posix.join(dir, 'plan.json'), JSON.stringify(plan, null, 2) + '\n', { mode: 0o600 });
  await writeCurrentExecution(o.transport, executionId);
  const before = await evidence;
  if (before) await o.transport.writeFile(posix.join(dir, BEFORE_FILE), JSON.stringify(before) + '\n', { mode: 0o600 });
  const snapshot = await workload;
  if (snapshot) await recordWorkloadBeforeRun({ transport: o.transport, executionId, snapshot, ...storeTarget(o) });
  const res = await execute({ transport: o.transport, plan, executionId, ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...runSink(o), ...(o.by ? { by: o.by } : {}), ...(o.rebootWait ? { rebootWait: o.rebootWait } : {}), ...storeOf(o) });
  return o.health ? gated(o, { ...o.health, checks: [verificationCheck(res.verify), workloadCheck(res.workload), ...o.health.checks] }, res) : res;
}

/** Runs the health gate on a completed migration; a failed gate rolls the host back when the operator asked for it. */
async function gated(o: MigrateOptions, health: NonNullable<MigrateOptions['health']>, res: MigrateResult): Promise<MigrateResult> {
  const gate = await runGate(health.checks);
  for (const c of gate.checks) o.onProgress?.({ scope: 'output', phase: 'line', message: `health gate: ${c.id} ${c.ok ? 'passed' : 'FAILED'}: ${c.detail}` });
  if (gate.ok || !health.rollbackOnFailure) return { ...res, gate };
  const rolledBack = await rollback({ transport: o.transport, executionId: res.result.executionId, ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...(o.store ? { store: o.store } : {}), ...(o.storeHost ? { storeHost: o.storeHost } : {}), ...(o.storeName ? { storeName: o.storeName } : {}), ...(o.reboot ? { reboot: o.reboot } : {}), ...(o.rebootWait ? { rebootWait: o.rebootWait } : {}) });
  return { ...res, gate, rolledBack };
}

/** `force`: act even though the host's packages differ from the journal's last record of them (HOST_CHANGED). */
export interface ForceOption {
  force?: boolean;
}

export async function resume(o: { transport: Transport; onProgress?: (e: ProgressEvent) => void; sink?: JournalSink; executionId?: string } & StoreOption & JournalReadOptions & ForceOption & Pick<RebootOption, 'rebootWait'>): Promise<MigrateResult> {
  const executionId = o.executionId ?? await readCurrent(o.transport);
  const journal = await journalOptions(o, executionId);
  // The journal is verified before its plan.json is acted on: a host whose journal fails the check gets nothing run.
  const st = await statusRun({ transport: o.transport, executionId, journal });
  const plan = await readPlan(o.transport, executionId);
  if (st.rollbackStarted) {
    // A rollback that was interrupted (Ferry killed, the connection lost) or failed is finished from its journal
    // by the one rollback use case: the migration never runs forward again once its rollback started.
    if (st.state === 'rolled-back') {
      throw new FerryError('USAGE', `Execution ${executionId} on ${o.transport.hostName} was rolled back; it cannot be resumed`, { hint: 'Start a new migration (ferry migrate).' });
    }
    o.onProgress?.({ scope: 'output', phase: 'line', message: `${executionId} was being rolled back (${st.state}): resume finishes the rollback` });
    const rolledBack = await rollback({ ...o, executionId });
    return { plan, result: { executionId, planId: plan.id, status: 'rolled-back', applied: [], skipped: [] }, rolledBack };
  }
  // Recorded again (idempotent): the migration may have started from another machine or without a store.
  if (o.store) await recordExecutionFirst({ ...o, store: o.store }, o.transport.hostName, plan, executionId);
  return execute({ transport: o.transport, plan, executionId, journal, ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...runSink(o), ...(o.force ? { force: true } : {}), ...(o.rebootWait ? { rebootWait: o.rebootWait } : {}), ...storeOf(o) });
}

/** `reboot`: how a snapshot restore reboots the host and reaches it again (RestoreContext.reboot); without it the operator reboots. */
export interface RebootOption {
  reboot?: () => Promise<void>;
  /** Reboot through the journaled boundary (exec/reboot-boundary.ts; app/reboot.ts builds it for an SSH host). */
  rebootWait?: RebootWait;
}

export async function rollback(o: { transport: Transport; onProgress?: (e: ProgressEvent) => void; sink?: JournalSink; executionId?: string } & StoreOption & JournalReadOptions & ForceOption & RebootOption): Promise<RollbackResult> {
  const executionId = o.executionId ?? await readCurrent(o.transport);
  const journal = await journalOptions(o, executionId);
  // The plan (bound to the signed journal by its id) carries the snapshot commands the restorer runs.
  const read = await readPlan(o.transport, executionId).catch(() => undefined);
  const plan = read && read.id === (await statusRun({ transport: o.transport, executionId, journal })).planId ? read : undefined;
  // A package-set restore replays dnf against the plan's repositories: those Ferry serves are served on
  // this connection. One it cannot serve fails only the restores that need it (hostEnv names it).
  if (plan) {
    await reachServedRepos(o.transport, plan.dnf.repos, o.onProgress).catch((e: unknown) => {
      o.onProgress?.({ scope: 'repos', phase: 'unreachable', message: e instanceof Error ? e.message : String(e) });
    });
  }
  if (o.store && plan) await recordExecutionFirst({ ...o, store: o.store }, o.transport.hostName, plan, executionId);
  const { sink, mirror } = runSink(o);
  return mirrored(mirror, () => rollbackRun({ transport: o.transport, executionId, restorers: restorersFor(plan), journal, ...(o.reboot ? { reboot: o.reboot } : {}), ...(o.rebootWait ? { rebootWait: o.rebootWait } : {}), ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...(sink ? { sink } : {}), ...(o.force ? { force: true } : {}) }));
}

/** With a store, the host's journal is mirrored there too (entries a busy store missed during the run). */
/** With `expireAt` (`ferry status --expire`), the snapshots expired by then are removed first (finish); `expired` names them. */
export async function migrationStatus(o: { transport: Transport; executionId?: string; store?: Store; storeName?: string; expireAt?: Date } & JournalReadOptions): Promise<{ status: ExecutionStatus; plan: MigrationPlan; verify?: VerifyReport; snapshots?: SnapshotInfo[]; expired?: string[] }> {
  const executionId = o.executionId ?? await readCurrent(o.transport);
  const expired = o.expireAt ? (await finish({ ...o, executionId, expireAt: o.expireAt })).removed : [];
  const journal = await journalOptions(o, executionId);
  if (o.store) {
    const mirror = createStoreMirror({ store: o.store, name: storeNameOf({ ...o, store: o.store }) });
    for (const e of await readJournal(o.transport, executionId, journal)) await mirror.appendJournalEntry(e);
    await mirror.flush({ attempts: 1 });
  }
  const [status, plan, verify] = await Promise.all([statusRun({ transport: o.transport, executionId, journal }), readPlan(o.transport, executionId), readVerify(o.transport, executionId)]);
  // Snapshots still kept (never silently: ferry finish removes them), with their size.
  const snapshots = status.restorables.some((r) => r.kind === 'snapshot') ? await snapshotStatus(o.transport, executionId, await readJournal(o.transport, executionId, journal)) : [];
  return { status, plan, ...(verify ? { verify } : {}), ...(snapshots.length ? { snapshots } : {}), ...(expired.length ? { expired } : {}) };
}

/**
 * Status from Ferry's store alone (the host may be unreachable): the journal entries mirrored there, folded
 * as on the host. Only as current as the last entry that reached the store.
 */
export async function storedMigrationStatus(o: { store: Store; storeHost: string; executionId?: string }): Promise<{ status: ExecutionStatus; plan: MigrationPlan; from: 'store' }> {
  const executionId = o.executionId ?? (await o.store.getHost(o.storeHost))?.labels[CURRENT_EXECUTION_LABEL];
  if (!executionId) throw new FerryError('NOT_FOUND', `The Ferry store holds no migration of ${o.storeHost}`, { hint: 'Drop --from-store to ask the host, or check --store.' });
  const exec = await o.store.getExecution(executionId);
  const planRec = exec?.planId ? await o.store.getPlan(exec.planId) : undefined;
  if (!exec || !planRec) throw new FerryError('NOT_FOUND', `The Ferry store holds no execution ${executionId} (with its plan) of ${o.storeHost}`);
  const entries = await o.store.listJournal(executionId);
  return { status: deriveStatus(entries, executionId), plan: checkPlan(planRec.plan, { document: 'plan', from: `the Ferry store, plan ${planRec.id} of execution ${executionId}` }), from: 'store' };
}

/** `ferry unlock`: removes the lock a dead run left on the host; refuses while its owner or a transaction runs. */
export { unlock as unlockHost } from '../exec/runner.js';

export type { Store } from '../store/index.js';
export type { MigrationPlan, SnapshotRequest } from '../plan/index.js';
export type { ProgressEvent } from '../core/index.js';

/**
 * `ferry finish`: removes what the current migration's snapshot left (journaled); refused while the migration is unfinished.
 * With `expireAt` (`ferry status --expire`): only the snapshots whose retention ran out by then, and none while unfinished.
 */
export async function finish(o: { transport: Transport; executionId?: string; sink?: JournalSink; expireAt?: Date } & StoreOption & JournalReadOptions): Promise<{ executionId: string; removed: string[]; kept?: string }> {
  const executionId = o.executionId ?? await readCurrent(o.transport);
  const journal = await journalOptions(o, executionId);
  const read = await readPlan(o.transport, executionId).catch(() => undefined);
  const plan = read && read.id === (await statusRun({ transport: o.transport, executionId, journal })).planId ? read : undefined;
  const spec = plan?.steps.find((s) => s.kind === 'snapshot');
  const { sink, mirror } = runSink(o);
  return mirrored(mirror, () => finishSnapshots({ transport: o.transport, executionId, commands: spec?.kind === 'snapshot' ? spec.options.commands : null, journal, ...(sink ? { sink } : {}), ...(o.expireAt ? { expireAt: o.expireAt } : {}) }));
}
