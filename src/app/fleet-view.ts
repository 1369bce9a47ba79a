/**
 * What the dashboard and the HTTP API read about the fleet: the overview (hosts by source release,
 * readiness per target, top inhibitors, lifecycle and supply-chain tier of every release in view), a page
 * of the host list, and one host (facts, its assessment with fates, journal, verification). Reads only;
 * the fleet report itself is src/report/fleet's, built once per assessment run.
 */
import { assert, checkDocument, compileSchema, FerryError, type Validator } from '../core/index.js';
import { computeLifecycle, loadCatalog, type Catalog, type LifecycleStatus, type TierId } from '../catalog/index.js';
import type { Assessment, TargetAssessment } from '../assess/types.js';
import { assessmentSchema } from '../report/assessment-schema.js';
import type { FleetReport } from '../report/fleet/index.js';
import type { JournalEntry } from '../exec/types.js';
import type { CollectionRecord, HostPageQuery, HostRecord, HostSummary, RolloutRecord, Store } from '../store/index.js';
import { loadFleetReport } from './fleet-assess.js';
import { CURRENT_EXECUTION_LABEL } from './store.js';

export interface ReleaseView {
  release: string;
  name: string;
  tier: TierId | null;
  lifecycle: LifecycleStatus;
}

export interface FleetOverview {
  hostCount: number;
  bySource: Array<{ source: string | null; count: number; release: ReleaseView | null }>;
  /** The newest fleet assessment run, null before the first. */
  run: null | {
    runId: string;
    targets: ReleaseView[];
    readiness: FleetReport['readiness'];
    recommendation: FleetReport['recommendation'];
    /** The most frequent inhibitors (host counts only; the host list filters by readiness). */
    inhibitors: Array<{ key: string; target: string; hostCount: number }>;
  };
  rollouts: Array<Pick<RolloutRecord, 'id' | 'name' | 'target' | 'state' | 'createdAt'>>;
}

const TOP_INHIBITORS = 10;
/** The report of a run without its removed hosts: a run's rows never change once written, so it is built once per run and set of removed hosts. */
const reports = new Map<string, FleetReport>();

function releaseView(catalog: Catalog, id: string, today: string): ReleaseView | null {
  if (!catalog.hasRelease(id)) return null;
  const r = catalog.release(id);
  return { release: id, name: `${r.distributionInfo.name} ${r.version}`, tier: r.distributionInfo.tier.value, lifecycle: computeLifecycle(r, today) };
}

export async function fleetOverview(o: { store: Store; catalog?: Catalog; now?: Date }): Promise<FleetOverview> {
  const catalog = o.catalog ?? loadCatalog();
  const today = (o.now ?? new Date()).toISOString().slice(0, 10);
  const bySource = await o.store.countHostsBySource();
  const runId = await o.store.newestFleetRun();
  // Removed hosts are out of the counts, as selectors leave them out: the report is of the run's listed hosts.
  const removed = await o.store.listRemovedHostNames();
  const key = `${runId ?? ''}\n${removed.join('\n')}`;
  let report = runId === undefined ? undefined : reports.get(key);
  if (runId !== undefined && !report) {
    report = await loadFleetReport({ store: o.store, runId, catalog, excludeRemoved: true });
    reports.clear();
    reports.set(key, report);
  }
  const rollouts = (await o.store.listRollouts()).map(({ id, name, target, state, createdAt }) => ({ id, name, target, state, createdAt }));
  return {
    hostCount: bySource.reduce((n, s) => n + s.count, 0),
    bySource: bySource.map((s) => ({ ...s, release: s.source === null ? null : releaseView(catalog, s.source, today) })),
    run: report ? {
      runId: report.runId,
      targets: report.targets.flatMap((t) => releaseView(catalog, t, today) ?? []),
      readiness: report.readiness, recommendation: report.recommendation,
      inhibitors: report.inhibitors.slice(0, TOP_INHIBITORS).map(({ key, target, hostCount }) => ({ key, target, hostCount })),
    } : null,
    rollouts,
  };
}

export const HOST_PAGE_LIMIT = 500;

export async function hostPage(store: Store, q: HostPageQuery): Promise<{ total: number; offset: number; hosts: HostSummary[] }> {
  assert(q.limit <= HOST_PAGE_LIMIT && q.limit >= 1 && q.offset >= 0, `host page ${q.offset}+${q.limit} checked by the adapter`);
  const page = await store.queryHosts(q);
  return { ...page, offset: q.offset };
}

export interface HostView {
  host: Pick<HostRecord, 'name' | 'address' | 'labels' | 'groups' | 'source' | 'hostKeyFingerprint' | 'machineId' | 'removedAt' | 'updatedAt'>;
  collection: CollectionRecord | null;
  facts: { collectedAt: string; facts: unknown } | null;
  /** The newest fleet assessment of the host per target: readiness, score, blockers (the document is hostAssessment's). */
  assessments: Array<{ target: string; readiness: string; score: number | null; blockers: string[]; missing: number }>;
  execution: null | { id: string; state: string; journal: JournalEntry[] };
}

async function requireHost(store: Store, name: string): Promise<HostRecord> {
  const host = await store.getHost(name);
  if (!host) throw new FerryError('NOT_FOUND', `No host ${JSON.stringify(name)} in the store`, { hint: 'The host list shows the hosts the store has.' });
  return host;
}

/** One host as the dashboard's host page shows it. Connection details and inventory variables stay out (they may name key files). */
export async function hostView(store: Store, name: string): Promise<HostView> {
  const h = await requireHost(store, name);
  const [collection] = (await store.latestCollections()).filter((c) => c.hostName === name);
  const snapshot = await store.latestFactSnapshot(name);
  const rows = (await store.listFleetAssessments()).filter((r) => r.hostName === name);
  const executionId = h.labels[CURRENT_EXECUTION_LABEL];
  const execution = executionId ? await store.getExecution(executionId) : undefined;
  return {
    host: { name: h.name, address: h.address, labels: h.labels, groups: h.groups, source: h.source, hostKeyFingerprint: h.hostKeyFingerprint, machineId: h.machineId, removedAt: h.removedAt, updatedAt: h.updatedAt },
    collection: collection ?? null,
    facts: snapshot ? { collectedAt: snapshot.collectedAt, facts: snapshot.facts } : null,
    assessments: rows.map((r) => ({ target: r.target, readiness: r.readiness, score: r.score, blockers: r.blockers, missing: r.missing.length })),
    execution: execution ? { id: execution.id, state: execution.state, journal: await store.listJournal(execution.id) } : null,
  };
}

/**
 * The host's assessment in the newest fleet run, as one Assessment document (its targets' stored documents
 * joined), checked against the assessment schema before any renderer reads it.
 */
export async function hostAssessment(store: Store, name: string): Promise<Assessment> {
  await requireHost(store, name);
  const rows = (await store.listFleetAssessments()).filter((r) => r.hostName === name);
  const documents = (await Promise.all(rows.map((r) => store.getAssessmentDocument(r.documentKey))))
    // A host that could not be assessed shares a `{notAssessed: reason}` document; a target's document has a list there.
    .filter((d): d is NonNullable<typeof d> => d !== undefined && typeof d === 'object' && d !== null && !Array.isArray(d) && typeof d.notAssessed !== 'string');
  if (documents.length === 0) {
    throw new FerryError('NOT_FOUND', `Host ${name} has no assessment in the newest fleet assessment run`, { hint: 'Collect its facts and assess the fleet (ferry fleet collect, ferry fleet assess).' });
  }
  const first = documents[0] as Record<string, unknown>;
  const assessment = {
    formatVersion: first.formatVersion, assessedAt: first.assessedAt, host: { origin: name, hostname: name, source: 'live' },
    sourceRelease: first.sourceRelease ?? null, sourceName: first.sourceName,
    targets: documents.map((d) => {
      const { formatVersion: _v, assessedAt: _a, sourceRelease: _r, sourceName: _n, ...target } = d as Record<string, unknown>;
      return target;
    }),
  };
  assessmentValidator ??= compileSchema<Assessment>(assessmentSchema());
  return checkDocument(assessmentValidator, assessment, { document: 'assessment', from: `the Ferry store, host ${name}` });
}
let assessmentValidator: Validator<Assessment> | undefined;

export type { TargetAssessment };
