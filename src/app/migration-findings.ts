/**
 * What a migration found on the host besides verification: the workload diff (exec/workload.ts: the host's
 * workload recorded before the run against the host now) and the configuration drift (exec/config-drift.ts:
 * the .rpmnew/.rpmsave files it produced, with their diffs). `recordWorkloadBeforeRun` runs before the host
 * is touched; `migrationFindings` once the run completed. Both are written to the execution's state dir on
 * the host and, with a store, saved as the execution's reports (`workload-before`, `workload`, `config-drift`).
 */
import { checkDocument, compileSchema, isFerryError, parseDocument, toJsonValue, type ProgressEvent, type SchemaOf } from '../core/index.js';
import { configDrift, type DriftReport } from '../exec/config-drift.js';
import { stateDirFor } from '../exec/journal.js';
import { findConfigLeftovers } from '../exec/verify.js';
import { readEvidence, readHostDocument } from '../exec/verify-documents.js';
import { captureWorkload, recordWorkloadBefore, WORKLOAD_REPORT_FILE, workloadReport, type WorkloadReport } from '../exec/workload.js';
import type { WorkloadSnapshot } from '../assess/workload-diff.js';
import type { ProofDriftInput, ProofWorkloadInput } from '../report/proof/index.js';
import type { Store } from '../store/index.js';
import type { Transport } from '../transport/index.js';
import { posix } from 'node:path';
import { storeCall } from './store-mirror.js';

export const DRIFT_REPORT_FILE = 'config-drift.json';

export interface MigrationFindings {
  workload?: WorkloadReport;
  drift?: DriftReport;
  /** Why a part could not be computed (the run itself completed). */
  problems?: string[];
}

interface StoreTarget { store?: Store; storeName: string }

async function save(o: StoreTarget, executionId: string, kind: string, report: object): Promise<void> {
  const { store } = o;
  if (!store) return;
  await storeCall(o.storeName, `record the ${kind} report of execution ${executionId}`, () => store.saveExecutionReport({ executionId, kind, report: toJsonValue(report) }));
}

/** The host's workload now, started while the run is being planned (read-only); undefined when it could not be collected (said through onProgress). */
export function startWorkloadCapture(transport: Transport, onProgress?: (e: ProgressEvent) => void): Promise<WorkloadSnapshot | undefined> {
  return captureWorkload(transport).catch((e: unknown) => {
    if (!isFerryError(e)) throw e;
    onProgress?.({ scope: 'output', phase: 'line', message: `workload not recorded before the run (no workload diff): ${e.message}` });
    return undefined;
  });
}

export async function recordWorkloadBeforeRun(o: StoreTarget & { transport: Transport; executionId: string; snapshot: WorkloadSnapshot }): Promise<void> {
  await recordWorkloadBefore(o.transport, stateDirFor(o.executionId), o.snapshot);
  await save(o, o.executionId, 'workload-before', o.snapshot);
}

/** The workload diff and the configuration drift of a completed run. */
export async function migrationFindings(o: StoreTarget & { transport: Transport; executionId: string }): Promise<MigrationFindings> {
  const dir = stateDirFor(o.executionId);
  const out: MigrationFindings = {};
  const problems: string[] = [];
  try {
    const workload = await workloadReport(o.transport, dir);
    if (workload) out.workload = workload;
  } catch (e) {
    if (!isFerryError(e)) throw e;
    problems.push(`workload diff: ${e.message}`);
  }
  const before = await readEvidence(o.transport, dir);
  if (before) {
    out.drift = await configDrift(o.transport, { before, after: await findConfigLeftovers(o.transport) });
    await o.transport.writeFile(posix.join(dir, DRIFT_REPORT_FILE), JSON.stringify(out.drift, null, 2) + '\n', { mode: 0o600 });
  }
  if (out.workload) await save(o, o.executionId, 'workload', out.workload);
  if (out.drift) await save(o, o.executionId, 'config-drift', out.drift);
  return { ...out, ...(problems.length ? { problems } : {}) };
}

const S: SchemaOf<string> = { type: 'string' };
/** What the proof reads of a stored or written workload report and drift report; their other fields are left unchecked (not SchemaOf: it closes every object). */
const WORKLOAD_READ = compileSchema<ProofWorkloadInput>({
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    findings: { type: 'array', items: { type: 'object', properties: { key: S, severity: { type: 'string', enum: ['info', 'low', 'medium', 'high'] }, title: S, summary: S }, required: ['key', 'severity', 'title', 'summary'] } },
    notCompared: { type: 'array', items: { type: 'object', properties: { item: S, why: S }, required: ['item', 'why'] } },
  },
  required: ['ok', 'findings', 'notCompared'],
});
const DRIFT_READ = compileSchema<ProofDriftInput>({
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: S, kind: { type: 'string', enum: ['rpmnew', 'rpmsave'] }, file: S, package: S, guidance: S,
          merge: { type: 'object', properties: { clean: { type: 'boolean' }, conflicts: { type: 'integer' } }, required: ['clean', 'conflicts'] },
        },
        required: ['path', 'kind', 'file', 'guidance'],
      },
    },
  },
  required: ['items'],
});

export interface RecordedFindings {
  workload?: { report: ProofWorkloadInput; source: 'store' | 'host' };
  drift?: { report: ProofDriftInput; source: 'store' | 'host' };
}

/**
 * The workload diff and configuration drift a migration recorded: the store's execution reports, else the
 * files `migrationFindings` wrote to the execution's state dir on the host (a run without a store). Each is
 * read back through its schema (DOCUMENT_INVALID naming where it came from).
 */
export async function readMigrationFindings(o: { transport: Transport; executionId: string; store?: Pick<Store, 'listExecutionReports'>; storeName?: string }): Promise<RecordedFindings> {
  const { store } = o;
  const stored = store ? await storeCall(o.storeName ?? 'the store', `read the reports of execution ${o.executionId}`, () => store.listExecutionReports(o.executionId)) : [];
  const dir = stateDirFor(o.executionId);
  const origin = (kind: string): { document: string; from: string } => ({ document: `${kind} report`, from: `${o.storeName ?? 'the store'}, execution ${o.executionId}` });
  const storedW = stored.find((x) => x.kind === 'workload');
  const storedD = stored.find((x) => x.kind === 'config-drift');
  const out: RecordedFindings = {};
  const w = storedW ? checkDocument(WORKLOAD_READ, storedW.report, origin('workload'))
    : await readHostDocument(o.transport, posix.join(dir, WORKLOAD_REPORT_FILE), 'workload report', (text, at) => parseDocument(WORKLOAD_READ, text, at));
  if (w) out.workload = { report: w, source: storedW ? 'store' : 'host' };
  const d = storedD ? checkDocument(DRIFT_READ, storedD.report, origin('config-drift'))
    : await readHostDocument(o.transport, posix.join(dir, DRIFT_REPORT_FILE), 'configuration drift report', (text, at) => parseDocument(DRIFT_READ, text, at));
  if (d) out.drift = { report: d, source: storedD ? 'store' : 'host' };
  return out;
}
