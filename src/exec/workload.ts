/**
 * The workload before and after a migration, on the host: `captureWorkload` collects the workload and
 * security facts sections (one facts-script round trip, read-only); the snapshot taken before the run is
 * kept in the execution's state dir (WORKLOAD_BEFORE_FILE) and read back through its schema; `workloadReport`
 * collects the host again and diffs the two (assess/workload-diff.ts), writing the report beside the journal.
 * `workloadVerdict` is the health gate's reading of a report (app/health-gate.ts): not ok while a high finding stands.
 */
import { posix } from 'node:path';
import { compileSchema, parseDocument, type SchemaOf } from '../core/index.js';
import { collectFacts } from '../facts/index.js';
import type { WorkloadFacts } from '../facts/sections/workload.js';
import { diffWorkload, type WorkloadDiff, type WorkloadSnapshot } from '../assess/workload-diff.js';
import type { Transport } from '../transport/types.js';
import { readHostDocument } from './verify-documents.js';

export const WORKLOAD_BEFORE_FILE = 'workload-before.json';
export const WORKLOAD_REPORT_FILE = 'workload.json';

export interface WorkloadReport extends WorkloadDiff {
  /** When each side was collected. */
  before: string;
  after: string;
  /** No high finding. */
  ok: boolean;
}

/** The workload of the host now; null items where it could not be collected (the section's error included). */
export async function captureWorkload(transport: Transport): Promise<WorkloadSnapshot> {
  const facts = await collectFacts(transport, { sections: ['security', 'workload'], timeoutMs: 120_000 });
  const workload: WorkloadFacts = facts.workload ?? {
    units: null, unitFiles: null, listeners: null, mounts: null, interfaces: null, routes: null, sshd: null, alternatives: null, crontabs: {}, users: null, groups: null, cmdline: null,
  };
  return { collectedAt: facts.collectedAt, workload, ...(facts.security?.selinux ? { selinux: facts.security.selinux } : {}) };
}

const S: SchemaOf<string> = { type: 'string' };
const N: SchemaOf<number> = { type: 'integer' };
const STRINGS: SchemaOf<string[]> = { type: 'array', items: S };
const nullableArray = <T>(items: SchemaOf<T>): SchemaOf<T[] | null> => ({ type: 'array', items, nullable: true });
const STRING_MAP: SchemaOf<Record<string, string>> = { type: 'object', additionalProperties: S };

const WORKLOAD_SCHEMA: SchemaOf<WorkloadFacts> = {
  type: 'object',
  properties: {
    units: nullableArray({ type: 'object', properties: { name: S, load: S, active: S, sub: S }, required: ['name', 'load', 'active', 'sub'], additionalProperties: false }),
    unitFiles: nullableArray({ type: 'object', properties: { name: S, state: S }, required: ['name', 'state'], additionalProperties: false }),
    listeners: nullableArray({ type: 'object', properties: { proto: S, address: S, port: N, process: S }, required: ['proto', 'address', 'port'], additionalProperties: false }),
    mounts: nullableArray({ type: 'object', properties: { target: S, source: S, fstype: S, options: S }, required: ['target', 'source', 'fstype', 'options'], additionalProperties: false }),
    interfaces: nullableArray({ type: 'object', properties: { name: S, mac: S, addresses: STRINGS }, required: ['name', 'addresses'], additionalProperties: false }),
    routes: { type: 'array', items: S, nullable: true },
    sshd: { type: 'object', additionalProperties: S, nullable: true },
    alternatives: { type: 'object', additionalProperties: S, nullable: true },
    crontabs: STRING_MAP,
    users: nullableArray({ type: 'object', properties: { name: S, uid: N, gid: N, home: S, shell: S }, required: ['name', 'uid', 'gid', 'home', 'shell'], additionalProperties: false }),
    groups: nullableArray({ type: 'object', properties: { name: S, gid: N, members: STRINGS }, required: ['name', 'gid', 'members'], additionalProperties: false }),
    cmdline: { type: 'string', nullable: true },
  },
  required: ['units', 'unitFiles', 'listeners', 'mounts', 'interfaces', 'routes', 'sshd', 'alternatives', 'crontabs', 'users', 'groups', 'cmdline'],
  additionalProperties: false,
};

const SNAPSHOT = compileSchema<WorkloadSnapshot>({
  type: 'object',
  properties: {
    collectedAt: S, workload: WORKLOAD_SCHEMA,
    selinux: { type: 'string', enum: ['enforcing', 'permissive', 'disabled', 'unknown'] },
  },
  required: ['collectedAt', 'workload'],
  additionalProperties: false,
} satisfies SchemaOf<WorkloadSnapshot>);

export async function recordWorkloadBefore(transport: Transport, stateDir: string, snapshot: WorkloadSnapshot): Promise<void> {
  await transport.writeFile(posix.join(stateDir, WORKLOAD_BEFORE_FILE), JSON.stringify(snapshot) + '\n', { mode: 0o600 });
}

/** The snapshot taken before the run (undefined when none was: a run started before Ferry collected it); a damaged one is DOCUMENT_INVALID. */
export function readWorkloadBefore(transport: Transport, stateDir: string): Promise<WorkloadSnapshot | undefined> {
  return readHostDocument(transport, posix.join(stateDir, WORKLOAD_BEFORE_FILE), 'workload recorded before the run', (text, origin) => parseDocument(SNAPSHOT, text, origin));
}

/** The workload now against the one recorded before the run, written to the state dir; undefined without a before. */
export async function workloadReport(transport: Transport, stateDir: string): Promise<WorkloadReport | undefined> {
  const before = await readWorkloadBefore(transport, stateDir);
  if (!before) return undefined;
  const after = await captureWorkload(transport);
  const diff = diffWorkload(before, after);
  const report: WorkloadReport = { before: before.collectedAt, after: after.collectedAt, ok: !diff.findings.some((f) => f.severity === 'high'), ...diff };
  await transport.writeFile(posix.join(stateDir, WORKLOAD_REPORT_FILE), JSON.stringify(report, null, 2) + '\n', { mode: 0o600 });
  return report;
}

/** The workload diff's verdict as one health-gate check (id `workload`): fails while a high finding stands. */
export function workloadVerdict(report: WorkloadReport | undefined): { ok: boolean; detail: string } {
  if (!report) return { ok: true, detail: 'no workload recorded before the run: not compared' };
  const high = report.findings.filter((f) => f.severity === 'high');
  return { ok: report.ok,
    detail: high.length ? `${high.length} high finding(s): ${high.map((f) => f.title).join('; ')}` : `${report.findings.length} finding(s), none high` };
}
