/**
 * Migration use cases: plan, migrate (run), resume, rollback and status of one host. The composition root
 * for the CLI's migrate commands: facts are collected over the Transport, the plan is built (pure), then
 * run by the executor. The plan is kept on the host in the execution's state dir (`plan.json`) and the
 * current execution id in `/var/lib/ferry/current`, so resume/rollback/status need only the host.
 */
import { existsSync, readFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { FerryError, isFerryError } from '../core/index.js';
import { loadCatalog, type Catalog } from '../catalog/index.js';
import { collectFacts } from '../facts/index.js';
import type { HostFacts } from '../facts/types.js';
import type { Finding } from '../assess/types.js';
import { buildPlan, type MigrationPlan, type PlanOverride, type TargetKey, type TargetRepo } from '../plan/index.js';
import { openTransport, parseHostSpec, type Transport } from '../transport/index.js';
import { rollback as rollbackRun, runPlan, status as statusRun } from '../exec/runner.js';
import { FERRY_STATE_ROOT, stateDirFor } from '../exec/journal.js';
import { materializePlan, STEP_RESTORERS } from '../exec/steps/index.js';
import { dnfArgv } from '../exec/steps/dnf.js';
import { verifyReportPath, type VerifyReport } from '../exec/verify.js';
import type { ExecutionResult, ExecutionStatus, JournalSink, ProgressEvent } from '../exec/types.js';
import type { RollbackResult } from '../exec/runner.js';

export interface HostOptions {
  host: string;
  root?: string;
  identityFiles?: string[];
  knownHostsFiles?: string[];
}

export async function openHost(o: HostOptions): Promise<Transport> {
  const spec = parseHostSpec(o.host, o.root ? { root: o.root } : {});
  return openTransport(spec, {
    ...(o.identityFiles?.length ? { auth: { identityFiles: o.identityFiles, agent: false } } : {}),
    ...(o.knownHostsFiles?.length ? { knownHostsFiles: o.knownHostsFiles } : {}),
  });
}

const SHARED_DATA = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data');
const CURRENT = posix.join(FERRY_STATE_ROOT, 'current');

/** `rocky-8=/srv/mirror` or `/srv/mirror` or `https://…` → a repo for `target`; entries for other targets are ignored. */
export function parseRepoArgs(target: string, args: string[]): TargetRepo[] {
  const out: TargetRepo[] = [];
  for (const [i, a] of args.entries()) {
    const m = /^([A-Za-z0-9._-]+)=(.+)$/.exec(a);
    const key = m && !/^[a-z]+:\/\//.test(a) ? m[1] : undefined;
    const loc = key ? m![2] : a;
    if (key && key !== target) continue;
    if (!loc.startsWith('/') && !/^(https?|file|ftp):\/\//.test(loc)) throw new FerryError('USAGE', `--repo ${a}: give an absolute directory or a URL`);
    out.push({ id: `ferry-${target}-${i}`, baseurl: loc.startsWith('/') ? `file://${loc}` : loc });
  }
  return out;
}

/** `FILE=FINGERPRINT` (user-given key) → TargetKey. */
export function readKeyArg(arg: string): TargetKey {
  const m = /^(.+)=([0-9A-Fa-f]{40})$/.exec(arg);
  if (!m) throw new FerryError('USAGE', `--gpg-key ${arg}: expected FILE=FINGERPRINT (40 hex digits)`);
  if (!existsSync(m[1])) throw new FerryError('NOT_FOUND', `GPG key file ${m[1]} does not exist`);
  return { name: posix.basename(m[1]), armored: readFileSync(m[1], 'utf8'), fingerprints: [m[2].toUpperCase()] };
}

/** The catalog's keys of `target`, read from the shared key files when present. */
export function catalogKeys(catalog: Catalog, target: string, dataDir = SHARED_DATA): TargetKey[] {
  return catalog.gpgKeys(target).files.flatMap((f) => {
    const file = resolve(dataDir, f.sharedPath);
    return existsSync(file) ? [{ name: f.file, armored: readFileSync(file, 'utf8'), fingerprints: f.keys.map((k) => k.fingerprint.toUpperCase()) }] : [];
  });
}

export interface PlanMigrationOptions {
  transport: Transport;
  target: string;
  repos: string[];
  overrides?: PlanOverride[];
  /** `FILE=FINGERPRINT` keys; default: the catalog's keys of the target. */
  gpgKeys?: string[];
  gpgcheck?: boolean;
  /** Assessment findings for the target (their inhibitors stop the plan). */
  findings?: Finding[];
  catalog?: Catalog;
  facts?: HostFacts;
}

export async function planMigration(o: PlanMigrationOptions): Promise<{ plan: MigrationPlan; facts: HostFacts }> {
  const catalog = o.catalog ?? await loadCatalog();
  if (!catalog.hasRelease(o.target)) throw new FerryError('TARGET_UNKNOWN', `Target ${o.target} is not in the catalog`, { hint: 'See ferry catalog list.' });
  const target = catalog.release(o.target);
  const facts = o.facts ?? await collectFacts(o.transport);
  let repos = parseRepoArgs(o.target, o.repos);
  if (repos.length === 0) {
    repos = (catalog.repos(o.target)?.repos ?? []).filter((r) => r.enabled && r.baseurl).map((r) => ({ id: r.id, baseurl: r.baseurl ?? '' }));
  }
  const gpgcheck = o.gpgcheck ?? true;
  const keys = o.gpgKeys?.length ? o.gpgKeys.map(readKeyArg) : catalogKeys(catalog, o.target);
  // What the target repositories carry, asked of dnf on the host (metadata lands in dnf's cache there).
  const dnfEnv = { releasever: String(target.major), modulePlatformId: target.modulePlatformId.value ?? null, repos, gpgcheck };
  let available: string[] = [];
  if (repos.length) {
    const argv = await dnfArgv({ transport: o.transport, stateDir: posix.join(FERRY_STATE_ROOT, 'plan') }, dnfEnv);
    const res = await o.transport.run([...argv, '-q', 'repoquery', '--qf', '%{name}'], { timeoutMs: 600_000 });
    if (res.code !== 0) throw new FerryError('REPO_FETCH', `The ${o.target} repositories (${repos.map((r) => r.baseurl).join(', ')}) are not readable from ${o.transport.hostName}: ${res.stderr.trim().slice(0, 500)}`);
    available = [...new Set(res.stdout.split('\n').filter(Boolean))];
  }
  const plan = buildPlan({ facts, catalog, target: o.target, repos, targetAvailable: available, gpgcheck, keys, overrides: o.overrides ?? [], findings: o.findings ?? [] });
  return { plan, facts };
}

export interface MigrateOptions extends PlanMigrationOptions {
  dryRun?: boolean;
  onProgress?: (e: ProgressEvent) => void;
  sink?: JournalSink;
  executionId?: string;
  by?: string;
}

export interface MigrateResult {
  plan: MigrationPlan;
  result: ExecutionResult;
  verify?: VerifyReport;
}

export function newExecutionId(plan: MigrationPlan, now = new Date()): string {
  return `mig-${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${plan.id.replace(/^plan-/, '').slice(0, 8)}`;
}

async function readCurrent(transport: Transport): Promise<string> {
  if (!await transport.exists(CURRENT)) {
    throw new FerryError('NOT_FOUND', `No migration on ${transport.hostName} (${CURRENT} is absent)`, { hint: 'Start one with ferry migrate.' });
  }
  return (await transport.readFile(CURRENT)).toString('utf8').trim();
}

async function readPlan(transport: Transport, executionId: string): Promise<MigrationPlan> {
  const path = posix.join(stateDirFor(executionId), 'plan.json');
  try {
    return JSON.parse((await transport.readFile(path)).toString('utf8')) as MigrationPlan;
  } catch (e) {
    if (isFerryError(e, 'NOT_FOUND')) throw new FerryError('NOT_FOUND', `Execution ${executionId} on ${transport.hostName} has no plan (${path})`);
    throw e;
  }
}

async function readVerify(transport: Transport, executionId: string): Promise<VerifyReport | undefined> {
  const p = verifyReportPath(stateDirFor(executionId));
  return await transport.exists(p) ? JSON.parse((await transport.readFile(p)).toString('utf8')) as VerifyReport : undefined;
}

async function execute(o: { transport: Transport; plan: MigrationPlan; executionId: string; onProgress?: (e: ProgressEvent) => void; sink?: JournalSink; by?: string }): Promise<MigrateResult> {
  const result = await runPlan({
    plan: materializePlan(o.plan), transport: o.transport, executionId: o.executionId, ...(o.sink ? { sink: o.sink } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    overrides: o.plan.overrides.map((ov) => ({ findingKey: ov.findingKey, by: o.by ?? process.env.USER ?? 'ferry', ...(ov.reason ? { reason: ov.reason } : {}) })),
  });
  const verify = await readVerify(o.transport, o.executionId);
  return { plan: o.plan, result, ...(verify ? { verify } : {}) };
}

export async function migrate(o: MigrateOptions): Promise<MigrateResult> {
  const { plan } = await planMigration(o);
  const executionId = o.executionId ?? newExecutionId(plan);
  if (o.dryRun) {
    const result = await runPlan({ plan: materializePlan(plan), transport: o.transport, executionId, dryRun: true, ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
    return { plan, result };
  }
  if (await o.transport.exists(CURRENT)) {
    const prior = await readCurrent(o.transport);
    const st = await statusRun({ transport: o.transport, executionId: prior });
    if (st.state === 'running' || st.state === 'failed') {
      throw new FerryError('USAGE', `Migration ${prior} on ${o.transport.hostName} is unfinished (${st.state})`, { hint: 'Run ferry resume or ferry rollback first.' });
    }
  }
  const dir = stateDirFor(executionId);
  await o.transport.run(['mkdir', '-p', '-m', '0700', o.transport.root ? posix.join(o.transport.root, dir) : dir]);
  await o.transport.writeFile(posix.join(dir, 'plan.json'), JSON.stringify(plan, null, 2) + '\n', { mode: 0o600 });
  await o.transport.writeFile(CURRENT, executionId + '\n', { mode: 0o600 });
  return execute({ transport: o.transport, plan, executionId, ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...(o.sink ? { sink: o.sink } : {}), ...(o.by ? { by: o.by } : {}) });
}

export async function resume(o: { transport: Transport; onProgress?: (e: ProgressEvent) => void; sink?: JournalSink; executionId?: string }): Promise<MigrateResult> {
  const executionId = o.executionId ?? await readCurrent(o.transport);
  const plan = await readPlan(o.transport, executionId);
  return execute({ transport: o.transport, plan, executionId, ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...(o.sink ? { sink: o.sink } : {}) });
}

export async function rollback(o: { transport: Transport; onProgress?: (e: ProgressEvent) => void; sink?: JournalSink; executionId?: string }): Promise<RollbackResult> {
  const executionId = o.executionId ?? await readCurrent(o.transport);
  return rollbackRun({ transport: o.transport, executionId, restorers: STEP_RESTORERS, ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...(o.sink ? { sink: o.sink } : {}) });
}

export async function migrationStatus(o: { transport: Transport; executionId?: string }): Promise<{ status: ExecutionStatus; plan: MigrationPlan; verify?: VerifyReport }> {
  const executionId = o.executionId ?? await readCurrent(o.transport);
  const [status, plan, verify] = await Promise.all([statusRun({ transport: o.transport, executionId }), readPlan(o.transport, executionId), readVerify(o.transport, executionId)]);
  return { status, plan, ...(verify ? { verify } : {}) };
}

export type { MigrationPlan } from '../plan/index.js';
export type { ProgressEvent } from '../exec/types.js';
