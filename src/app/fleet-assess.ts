/**
 * assessFleet: every selected host against several targets, from the facts stored at collection. Each
 * target's repositories become one pool, shared by every host; hosts are grouped by the facts the
 * assessment reads (src/assess/inputs.ts), each distinct group is assessed once (all targets in one
 * `assessTargets` call, so its ranks are the single-host ones), its document per target stored once under
 * a content key, and one small row per host × target recorded under the run's id.
 * Snapshots are read in batches of hosts, and a group keeps only its rows' fields, so memory follows the
 * number of distinct groups, not of hosts.
 */
import { randomBytes } from 'node:crypto';
import { assert, contentId, FerryError, sha256Hex, toJsonValue, type JsonValue } from '../core/index.js';
import { isCrossMajor, loadCatalog, readPesFile, repoMapRefusal, type Catalog } from '../catalog/index.js';
import { HOST_FACTS_FORMAT_VERSION, type HostFacts } from '../facts/index.js';
import {
  assessedFacts, assessmentInputKey, assessTargets, detectSourceRelease, leftBehindOf, targetReadiness,
  type Assessment, type AssessTargetsInput, type HopTarget, type TargetAssessment, type TargetRepoView,
} from '../assess/index.js';
import type { FactSnapshotRecord, FleetAssessmentRecord, Store } from '../store/index.js';
import { assessmentDay, type AssessProgress } from './assess.js';
import { listInventory } from './inventory.js';
import type { RepoCache } from './repos.js';
import { resolveTargets, routeLegs, routeReleases } from './targets.js';
import { pesByTarget, pesSpecs } from './pes-flags.js';
import { buildFleetReport, storedHops, type FleetHop, type FleetReport, type FleetRow } from '../report/fleet/index.js';

/** The store methods the fleet assessment uses. */
export type FleetAssessStore = Pick<Store, 'listHosts' | 'listFleetAssessments' | 'latestFactSnapshots' | 'saveAssessmentDocument' | 'saveFleetAssessments'>;

export interface AssessFleetOptions {
  store: FleetAssessStore;
  /** Catalog release ids, e.g. ['rocky-8', 'almalinux-8', 'oraclelinux-8']. */
  targets: readonly string[];
  /** Repository locations per target, as `--repo` gives them; a target without any is assessed without fates. */
  repos?: Readonly<Record<string, readonly string[]>>;
  /** The hosts to assess (a selector's result); default every host in the store. */
  hostNames?: readonly string[];
  catalog?: Catalog;
  /** YYYY-MM-DD; default today (UTC). */
  today?: string;
  /** Leapp pes-events.json for cross-major targets and route hops, as `ferry assess --pes` (`[TARGET=]FILE`, repeatable). */
  pes?: string | readonly string[];
  repoCache?: RepoCache;
  /** Hosts whose snapshots are read (and rows written) at a time. */
  batchSize?: number;
  /** The pure assessment; a test counts its calls. */
  assess?: (input: AssessTargetsInput) => Assessment;
  now?: () => Date;
  onProgress?: (p: AssessProgress) => void;
}

export interface FleetAssessmentSummary {
  runId: string;
  targets: string[];
  hosts: number;
  /** Hosts with no usable snapshot (rows with readiness not-assessed), with the reason each. */
  notAssessed: { host: string; reason: string }[];
  /** Distinct assessment inputs among the assessed hosts (= assessTargets calls). */
  distinctInputs: number;
  /** Target assessments computed: distinctInputs × targets. */
  assessments: number;
  durationMs: number;
}

/** What a group of hosts with the same inputs shares, per target: the fields of its rows. */
type GroupResult = Pick<FleetAssessmentRecord, 'target' | 'documentKey' | 'readiness' | 'score' | 'blockers' | 'missing'>;


/**
 * `fleet-<today>-<UTC time>-<random>`: sortable by start, unique across controllers, and carrying the date the
 * run measured lifecycles on (the ranking's tie-break), which the report needs to rank as the run did.
 */
export function newFleetRunId(today: string, now: Date): string {
  return `fleet-${today}-${now.toISOString().slice(11, 19).replace(/:/g, '')}Z-${randomBytes(3).toString('hex')}`;
}

/** The date a run measured lifecycles on, from its id (newFleetRunId). */
export function fleetRunDate(runId: string): string {
  const m = /^fleet-(\d{4}-\d{2}-\d{2})-/.exec(runId);
  if (!m) throw new FerryError('DOCUMENT_INVALID', `${JSON.stringify(runId)} is not a fleet assessment run id (fleet-YYYY-MM-DD-…)`);
  return m[1];
}

/**
 * The stored facts of a snapshot, or why they cannot be assessed. A snapshot is read back from the store
 * (a boundary): its format version and the shape of what the checks index are verified.
 */
export function snapshotFacts(s: FactSnapshotRecord): HostFacts | string {
  return isFactsDocument(s.facts) ? s.facts : `snapshot ${s.id}: ${factsProblem(s.facts) ?? 'not a facts document'}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function factsProblem(f: unknown): string | undefined {
  if (!isRecord(f)) return 'not a facts document';
  if (f.formatVersion !== HOST_FACTS_FORMAT_VERSION) return `facts format ${JSON.stringify(f.formatVersion ?? null)}, this Ferry reads ${HOST_FACTS_FORMAT_VERSION}`;
  if (typeof f.source !== 'string' || typeof f.origin !== 'string' || !isRecord(f.sections)) return 'lacks source, origin or sections';
  if (f.packages !== undefined && !(Array.isArray(f.packages) && f.packages.every((p) => isRecord(p) && typeof p.name === 'string'))) return 'malformed package list';
  return undefined;
}

function isFactsDocument(f: unknown): f is HostFacts {
  return factsProblem(f) === undefined;
}

/**
 * What a target's result depends on besides the host: its repositories' content (every package's NEVRA and
 * repo, the module streams), so a mirror that changed under the same path gets new documents.
 */
function repoFingerprint(view: TargetRepoView | undefined): string {
  if (!view) return 'no-repository';
  const lines = view.pool.packages.map((p) => `${p.repoid ?? ''} ${p.name} ${p.epoch}:${p.version}-${p.release}.${p.arch}`);
  const streams = (view.modules?.streams ?? []).map((m) => `${m.name}:${m.stream}:${m.version}:${m.context}`);
  return sha256Hex([...view.locations, '', ...lines, '', ...streams].join('\n'));
}

/** The target's part of an assessment as stored: the report header (no host: shared by hosts) with that target. */
function targetDocument(a: Assessment, t: TargetAssessment): JsonValue {
  return toJsonValue({ formatVersion: a.formatVersion, assessedAt: a.assessedAt, sourceRelease: a.sourceRelease, sourceName: a.sourceName, ...t });
}

export async function assessFleet(o: AssessFleetOptions): Promise<FleetAssessmentSummary> {
  const started = Date.now();
  const progress = o.onProgress ?? ((): void => {});
  const catalog = o.catalog ?? loadCatalog();
  // `--repo` of a release that is no target is a route hop's (some host's source reaches a target through it).
  const targetIds = o.targets.map((t) => t.trim());
  const resolved = resolveTargets(catalog, o.targets, Object.fromEntries(Object.entries(o.repos ?? {}).filter(([r]) => targetIds.includes(r))), { ...(o.repoCache ? { cache: o.repoCache } : {}), onProgress: progress });
  const targets = resolved.map((t) => t.id);
  const now = o.now ?? ((): Date => new Date());
  const today = assessmentDay(o.today, now);
  const batchSize = o.batchSize ?? 500;
  const assess = o.assess ?? assessTargets;
  // Each events file read once (its digest names the documents it went into); `TARGET=` as assess and plan read it.
  const pesFiles = pesSpecs(catalog, catalog.releases().map((r) => r.id), o.pes);
  const pesRead = new Map([...new Set(pesFiles.map((f) => f.file))].map((file) => { const r = readPesFile(file); return [file, { events: r.events, ...(r.repoMap ? { repoMap: r.repoMap } : {}), ...(r.repoMapProblem !== undefined ? { repoMapProblem: r.repoMapProblem } : {}), digest: r.sha256 }] as const; }));
  const pesFlags = pesFiles.map((f) => (f.target === null ? f.file : `${f.target}=${f.file}`));
  const bare = pesFiles.find((f) => f.target === null)?.file;

  // A route's hop releases are read on first need (`--repo` may name them: a hop of some host's route).
  const contexts = new Map(resolved.map((t) => [t.id, t]));
  for (const id of Object.keys(o.repos ?? {})) {
    if (!contexts.has(id)) contexts.set(id, resolveTargets(catalog, [id], { [id]: o.repos?.[id] ?? [] }, { ...(o.repoCache ? { cache: o.repoCache } : {}), onProgress: progress })[0]);
  }
  const viewCache = new Map<string, Promise<{ view: TargetRepoView | undefined; fingerprint: string }>>();
  const viewOf = (id: string): Promise<{ view: TargetRepoView | undefined; fingerprint: string }> => {
    let v = viewCache.get(id);
    if (!v) {
      let t = contexts.get(id);
      if (!t) contexts.set(id, (t = resolveTargets(catalog, [id], {}, { ...(o.repoCache ? { cache: o.repoCache } : {}), onProgress: progress })[0]));
      v = t.repo().then((view) => ({ view, fingerprint: repoFingerprint(view) }));
      viewCache.set(id, v);
    }
    return v;
  };
  await Promise.all(resolved.map((t) => viewOf(t.id)));
  /** A target as this host's source reaches it: directly (its file, if cross-major) or hop by hop, with what its documents depend on. */
  const targetInputOf = async (ti: number, sourceId: string | null): Promise<{ input: AssessTargetsInput['targets'][number]; depends: JsonValue }> => {
    const t = resolved[ti];
    const hop = async (id: string, file: string | undefined, from: string | null, named = ''): Promise<{ input: HopTarget; depends: JsonValue }> => {
      const { view, fingerprint } = await viewOf(id);
      const pes = file !== undefined ? pesRead.get(file) : undefined;
      // As ferry assess: events for a path the catalog has no repomap for need the one beside them.
      const noMap = pes && from !== null && isCrossMajor(catalog.path(from, id)) ? repoMapRefusal(catalog, from, id, pes) : null;
      if (noMap) throw named ? new FerryError(noMap.code, `${named}: ${noMap.message}`, noMap.hint ? { hint: noMap.hint } : {}) : noMap;
      return { input: { release: id, ...(view ? { repo: view } : {}), ...(pes ? { pesEvents: pes.events, ...(pes.repoMap ? { pesRepoMap: pes.repoMap } : {}) } : {}) }, depends: { release: id, repo: fingerprint, pes: pes?.digest ?? null } };
    };
    if (!t.route(sourceId) || sourceId === null) {
      const file = t.crossMajor(sourceId) ? pesFiles.find((f) => f.target === t.id)?.file ?? bare : undefined;
      return hop(t.id, file, sourceId);
    }
    const legs = routeLegs(catalog, sourceId, t.id);
    const files = pesByTarget(catalog, pesFlags, { targets: legs.map((l) => l.to), crossMajor: legs.filter((l) => l.crossMajor).map((l) => l.to) }, 'fleet');
    const hops = await Promise.all(legs.map((l, i) => hop(l.to, files[l.to], l.from, `hop ${i + 1} of ${legs.length} of the route to ${t.id}`)));
    const last = hops[hops.length - 1];
    return { input: { ...last.input, hops: hops.map((h) => h.input) }, depends: hops.map((h) => h.depends) };
  };

  const hostNames = o.hostNames ? [...new Set(o.hostNames)] : (await listInventory(o.store)).map((h) => h.name);
  if (o.hostNames) {
    const known = new Set((await o.store.listHosts()).map((h) => h.name));
    const unknown = hostNames.filter((h) => !known.has(h));
    if (unknown.length > 0) {
      throw new FerryError('NOT_FOUND', `Not in the store: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}`,
        { hint: 'Import the hosts (ferry inventory import) and collect their facts first; ferry fleet assess without a selector assesses every host in the store.' });
    }
  }
  const runId = newFleetRunId(today, now());
  const groups = new Map<string, GroupResult[]>();
  const notAssessed: FleetAssessmentSummary['notAssessed'] = [];
  let done = 0;
  progress({ scope: 'assess', phase: 'start', message: `run ${runId}: ${hostNames.length} hosts against ${targets.join(', ')}`, done, total: hostNames.length });
  for (let i = 0; i < hostNames.length; i += batchSize) {
    const batch = hostNames.slice(i, i + batchSize);
    const snapshots = new Map((await o.store.latestFactSnapshots(batch)).map((s) => [s.hostName, s]));
    const rows: FleetAssessmentRecord[] = [];
    for (const hostName of batch) {
      const snapshot = snapshots.get(hostName);
      const facts = snapshot ? snapshotFacts(snapshot) : 'no facts collected';
      if (typeof facts === 'string') {
        notAssessed.push({ host: hostName, reason: facts });
        // Its document says why: every row names one.
        const documentKey = contentId('not-assessed', facts);
        await o.store.saveAssessmentDocument(documentKey, { notAssessed: facts });
        for (const target of targets) {
          rows.push({ runId, hostName, target, factSnapshotId: snapshot?.id ?? null, documentKey, readiness: 'not-assessed', score: null, blockers: [], missing: [], targetIndex: targets.indexOf(target) });
        }
        continue;
      }
      const key = assessmentInputKey(facts);
      let group = groups.get(key);
      if (!group) {
        // A target the catalog reaches from this source only by a route is assessed hop by hop (assessRoute).
        const sourceId = detectSourceRelease(facts, catalog);
        const inputs = await Promise.all(targets.map((_, ti) => targetInputOf(ti, sourceId)));
        const assessment = assess({ facts: assessedFacts(facts), catalog, targets: inputs.map((x) => x.input), today, now: now() });
        group = [];
        for (const t of assessment.targets) {
          const ti = targets.indexOf(t.target);
          assert(ti >= 0, `assessTargets returned target ${t.target}, which was not asked for`);
          const documentKey = contentId('assessment', { inputs: key, target: t.target, targets, depends: inputs[ti].depends, today, formatVersion: assessment.formatVersion });
          await o.store.saveAssessmentDocument(documentKey, targetDocument(assessment, t));
          group.push({
            target: t.target, documentKey, readiness: targetReadiness(t), score: t.score, blockers: [...t.inhibitors],
            missing: leftBehindOf(t).map((f) => f.name),
          });
        }
        groups.set(key, group);
      }
      for (const g of group) rows.push({ runId, hostName, factSnapshotId: snapshot?.id ?? null, ...g, targetIndex: targets.indexOf(g.target) });
    }
    await o.store.saveFleetAssessments(rows);
    done += batch.length;
    progress({ scope: 'assess', phase: 'batch', message: `${done}/${hostNames.length} hosts, ${groups.size} distinct package sets assessed`, done, total: hostNames.length });
  }
  return {
    runId, targets, hosts: hostNames.length, notAssessed, distinctInputs: groups.size, assessments: groups.size * targets.length,
    durationMs: Date.now() - started,
  };
}

/** The fleet report of a run (default: the newest), from its stored rows. */
export async function loadFleetReport(o: {
  store: Pick<Store, 'listFleetAssessments' | 'listRemovedHostNames'> & Partial<Pick<Store, 'listHosts' | 'getAssessmentDocument'>>; runId?: string; catalog?: Catalog; now?: Date;
  /** Leave out the hosts their inventory no longer lists (the dashboard's overview counts only listed hosts, as selectors pick them); else they are marked removed. */
  excludeRemoved?: boolean;
}): Promise<FleetReport> {
  const stored = await o.store.listFleetAssessments(o.runId);
  const removed = new Set(await o.store.listRemovedHostNames());
  const rows = o.excludeRemoved === true ? stored.filter((r) => !removed.has(r.hostName)) : stored;
  if (rows.length === 0) {
    throw new FerryError('NOT_FOUND', o.runId ? `No fleet assessment run ${JSON.stringify(o.runId)} in the store` : 'No fleet assessment in the store',
      { hint: 'Run ferry fleet assess --to TARGETS first.' });
  }
  const runId = rows[0].runId;
  const catalog = o.catalog ?? loadCatalog();
  // Each host's route to a target it reaches only through intermediate releases, from its collected source release.
  const sources = new Map((await o.store.listHosts?.() ?? []).map((h) => [h.name, h.labels.source]));
  const routeOf = (host: string, target: string): string[] | undefined => {
    const source = sources.get(host);
    return source && catalog.hasRelease(target) ? routeReleases(catalog, source, target) : undefined;
  };
  // A route's hops (each with its inhibitors) from its stored document: one read per distinct document.
  const hopsByKey = new Map<string, FleetHop[] | undefined>();
  const withHops: FleetRow[] = [];
  for (const r of rows) {
    if (!o.store.getAssessmentDocument || !routeOf(r.hostName, r.target) || r.readiness === 'not-assessed') { withHops.push(r); continue; }
    if (!hopsByKey.has(r.documentKey)) hopsByKey.set(r.documentKey, storedHops(await o.store.getAssessmentDocument(r.documentKey), `${r.documentKey} (${r.hostName} → ${r.target})`));
    const hops = hopsByKey.get(r.documentKey);
    withHops.push(hops ? { ...r, hops } : r);
  }
  return buildFleetReport(withHops, { runId, catalog, today: fleetRunDate(runId), generatedAt: (o.now ?? new Date()).toISOString(), removed, routeOf });
}
