/**
 * The fleet report: one document built from a fleet assessment run's rows (one per host × target), which
 * every renderer (text, JSON, HTML, CSV) reads. Published as JSON with FLEET_REPORT_FORMAT_VERSION and
 * the checked-in schema src/report/schema/fleet-report.schema.json: bump the version on any incompatible
 * change. Recommendations come from src/assess/rank.ts (recommendHostTarget, recommendFleetTarget).
 */
import { FerryError } from '../../core/index.js';
import type { Catalog } from '../../catalog/index.js';
import { recommendFleetTarget, recommendHostTarget, READINESS, type FleetRecommendation, type FleetResult, type Readiness } from '../../assess/index.js';

export const FLEET_REPORT_FORMAT_VERSION = 1 as const;

/** One host × target row as the store keeps it (store FleetAssessmentRecord's fields read here). */
export interface FleetRow {
  hostName: string;
  target: string;
  readiness: string;
  score: number | null;
  blockers: string[];
  missing: string[];
  /** A route's hops as its stored assessment has them (assessRoute): each hop's inhibitors. */
  hops?: FleetHop[];
}

/** One hop of a host's route to a target: what blocks it there (none: the hop is not inhibited). */
export interface FleetHop {
  hop: number;
  from: string;
  to: string;
  assessedOn: 'collected' | 'predicted' | 'not-assessed';
  blockers: string[];
}

export interface FleetHostResult {
  target: string;
  readiness: Readiness;
  score: number | null;
  blockers: string[];
  /** Installed packages with no counterpart in the target (one entry per package: a name may repeat, e.g. two kernels). */
  missing: string[];
  /** Without a direct path from the host's release: the multi-hop route Ferry plans to the target (release ids, source first). */
  route?: string[];
  /** That route's hops as assessed, each with its blockers. */
  hops?: FleetHop[];
}

export interface FleetReport {
  formatVersion: typeof FLEET_REPORT_FORMAT_VERSION;
  runId: string;
  /** ISO 8601 UTC. */
  generatedAt: string;
  /** The date lifecycles were measured on for the ranking's tie-breaks (YYYY-MM-DD). */
  today: string;
  targets: string[];
  hostCount: number;
  readiness: Array<{ target: string } & Record<'ready' | 'risks' | 'blocked' | 'notAssessed', number>>;
  recommendation: FleetRecommendation & { rule: string };
  /** Inhibitor (finding key) per target, most frequent first, with the hosts it blocks. */
  inhibitors: Array<{ key: string; target: string; hostCount: number; hosts: string[]; hops?: string[] }>;
  /** Per target: each package some host has with no counterpart there, with how many hosts have it, most first. */
  missing: Array<{ target: string; packages: Array<{ name: string; hostCount: number }> }>;
  /**
   * Every host, in name order: its recommended target (rank 1, null when nothing was assessed) and each result;
   * `removed` when its inventory no longer lists it (since this run: later runs leave it out).
   */
  hosts: Array<{ host: string; recommended: string | null; results: FleetHostResult[]; removed?: true }>;
}

export const FLEET_RULE = 'the target the most hosts can reach ready; ties: fewer hosts blocked, then the most hosts ranking it first; still equal: a tie, the first target given (--to) named';

const FACTOR_TEXT = { ready: 'hosts ready', unblocked: 'hosts not blocked', recommendedFor: 'hosts ranking it first' } as const;

/**
 * What decided the fleet's recommendation, as one sentence (unescaped: each renderer escapes it); undefined
 * when there was nothing to decide (one target, no host assessed).
 */
export function fleetDecision(rec: FleetRecommendation): string | undefined {
  if (rec.target === null || rec.decidedBy === null) return undefined;
  if (rec.decidedBy !== 'tie') return `decided by ${FACTOR_TEXT[rec.decidedBy]}`;
  return `tie: ${[rec.target, ...rec.tiedWith].join(', ')} are equal on hosts ready, hosts not blocked and hosts ranking them first; ${rec.target} is named as the first given (--to)`;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A hop as the report names it: `hop N: FROM → TO` (unescaped). */
export function hopLabel(x: Pick<FleetHop, 'hop' | 'from' | 'to'>): string {
  return `hop ${x.hop}: ${x.from} → ${x.to}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * The hops of a stored target assessment (its `hops`, assessRoute's), read back from the store: undefined for a
 * direct target; a document whose hops are malformed is DOCUMENT_INVALID, named.
 */
export function storedHops(doc: unknown, where: string): FleetHop[] | undefined {
  if (!isRecord(doc) || doc.hops === undefined) return undefined;
  const hops = doc.hops;
  if (!Array.isArray(hops) || !hops.every(isStoredHop)) throw new FerryError('DOCUMENT_INVALID', `The stored assessment ${where} has malformed hops`, { hint: 'Assess the fleet again (ferry fleet assess).' });
  return hops.map((x) => ({ hop: x.hop, from: x.from, to: x.to, assessedOn: x.assessedOn, blockers: [...x.inhibitors] }));
}

function isStoredHop(x: unknown): x is Omit<FleetHop, 'blockers'> & { inhibitors: string[] } {
  return isRecord(x) && typeof x.hop === 'number' && Number.isInteger(x.hop) && typeof x.from === 'string' && typeof x.to === 'string'
    && (x.assessedOn === 'collected' || x.assessedOn === 'predicted' || x.assessedOn === 'not-assessed') && strings(x.inhibitors);
}

function readinessOf(value: string, host: string): Readiness {
  const r = READINESS.find((x) => x === value);
  if (r === undefined) {
    throw new FerryError('DOCUMENT_INVALID', `The stored fleet assessment of ${host} has readiness ${JSON.stringify(value)}, not one of ${READINESS.join(', ')}`,
      { hint: 'The store was written by another version of Ferry: assess the fleet again (ferry fleet assess).' });
  }
  return r;
}

/** The report of a run's rows; each host's rows come in the order its targets were given (`--to`), which breaks ties. */
export function buildFleetReport(rows: readonly FleetRow[], o: { runId: string; catalog: Catalog; today: string; generatedAt: string; removed?: ReadonlySet<string>; routeOf?: (host: string, target: string) => string[] | undefined }): FleetReport {
  const targets = [...new Set(rows.map((r) => r.target))];
  const hostRows = new Map<string, FleetHostResult[]>();
  const resultsByHost = new Map<string, FleetResult[]>();
  const results: FleetResult[] = [];
  const readiness = targets.map((target) => ({ target, ready: 0, risks: 0, blocked: 0, notAssessed: 0 }));
  const readinessOfTarget = new Map(readiness.map((x) => [x.target, x]));
  const inhibitors = new Map<string, { key: string; target: string; hosts: string[]; hops: Set<string> }>();
  const missing = new Map(targets.map((t) => [t, new Map<string, number>()]));
  for (const r of rows) {
    const word = readinessOf(r.readiness, r.hostName);
    const result: FleetResult = { host: r.hostName, target: r.target, readiness: word, score: r.score ?? -Infinity, inhibitors: r.blockers.length, missing: r.missing.length };
    results.push(result);
    let list = hostRows.get(r.hostName);
    if (!list) hostRows.set(r.hostName, (list = []));
    const route = o.routeOf?.(r.hostName, r.target);
    list.push({ target: r.target, readiness: word, score: r.score, blockers: [...r.blockers], missing: [...r.missing], ...(route ? { route } : {}), ...(r.hops ? { hops: r.hops.map((x) => ({ ...x, blockers: [...x.blockers] })) } : {}) });
    let ranked = resultsByHost.get(r.hostName);
    if (!ranked) resultsByHost.set(r.hostName, (ranked = []));
    ranked.push(result);
    const counts = readinessOfTarget.get(r.target);
    if (counts) counts[word === 'not-assessed' ? 'notAssessed' : word]++;
    for (const key of new Set(r.blockers)) {
      const id = `${r.target}\n${key}`;
      let e = inhibitors.get(id);
      if (!e) inhibitors.set(id, (e = { key, target: r.target, hosts: [], hops: new Set() }));
      e.hosts.push(r.hostName);
      for (const x of r.hops ?? []) if (x.blockers.includes(key)) e.hops.add(hopLabel(x));
    }
    const perTarget = missing.get(r.target);
    if (perTarget) for (const name of new Set(r.missing)) perTarget.set(name, (perTarget.get(name) ?? 0) + 1);
  }
  const rank = { catalog: o.catalog, today: o.today };
  const hostBest = new Map([...resultsByHost].map(([host, rs]) => [host, recommendHostTarget(rs, rank)]));
  return {
    formatVersion: FLEET_REPORT_FORMAT_VERSION,
    runId: o.runId,
    generatedAt: o.generatedAt,
    today: o.today,
    targets,
    hostCount: hostRows.size,
    readiness,
    recommendation: { ...recommendFleetTarget(targets, results, hostBest), rule: FLEET_RULE },
    inhibitors: [...inhibitors.values()]
      .map((e) => ({ key: e.key, target: e.target, hostCount: e.hosts.length, hosts: e.hosts.sort(byName), ...(e.hops.size ? { hops: [...e.hops].sort(byName) } : {}) }))
      .sort((a, b) => b.hostCount - a.hostCount || byName(a.key, b.key) || byName(a.target, b.target)),
    missing: targets.map((target) => ({
      target,
      packages: [...(missing.get(target) ?? new Map<string, number>())]
        .map(([name, hostCount]) => ({ name, hostCount }))
        .sort((a, b) => b.hostCount - a.hostCount || byName(a.name, b.name)),
    })),
    hosts: [...hostRows.keys()].sort(byName).map((host) => ({ host, recommended: hostBest.get(host) ?? null, results: hostRows.get(host) ?? [],
      ...(o.removed?.has(host) ? { removed: true as const } : {}) })),
  };
}
