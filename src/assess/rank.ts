/**
 * Ranking of targets on what was measured. Every reason is a signed contribution with its text, so the score is
 * explained:
 *  - blockers: −100 per inhibitor (a blocked target always ranks below an unblocked one with < 100 points of
 *    other penalties);
 *  - missing: −2 per package left behind with no counterpart (fates.leftBehind: what the vendor swap removes on
 *    purpose does not stay and is not counted), at most −60;
 *  - downgrades: −3 per downgraded package, at most −30 (a rebuild that only changes the dist tag is `same`);
 *  - findings: −5 per other high finding, −2 per medium; a finding every target has alike (host-level:
 *    hostLevelFindingKeys) does not tell targets apart and is not scored;
 *  - kernel: −10 when the kernel line changes; the target's line is what its repositories ship when they were
 *    read, the catalog's claim only otherwise;
 *  - lifecycle: +4 per year of support left (catalog.lifecycle eol), at most +40; −50 once past eol;
 *  - tier: supply chain L1 +15, L2 +12, L3 +10, L4 +4.
 * A factor that is unknown for a target (no repository compared, no end-of-life date, tier unclassified, kernel
 * line unknown) is said to be unknown and scored neutrally: the mean of the points the targets where it is known
 * get in this ranking (0 when none is known), so an unknown neither sinks nor lifts a target.
 * A target reached by a route is scored by its hops: each hop's inhibitors, the packages left behind over the
 * route (leftBehindOf), every hop's downgrades; fates not compared when a hop was not; lifecycle, tier and kernel
 * are the target's.
 * Order: score, then fewer inhibitors, fewer missing packages, more days of support. Targets equal on all of
 * them are a tie: the same rank, said so; never ordered by name.
 */
import { isCrossMajor, type Catalog, type ReleaseView, type TierId } from '../catalog/index.js';
import { leftBehindOf } from './fates.js';
import { hostLevelFindingKeys } from './host-findings.js';
import type { Readiness } from './readiness.js';
import type { RankingReason, TargetAssessment } from './types.js';

export const TIER_POINTS: Record<TierId, number> = { L1: 15, L2: 12, L3: 10, L4: 4 };

export interface RankInput {
  catalog: Catalog;
  source: ReleaseView | null;
  today: string;
  /** The host's kernel line (e.g. `3.10`, from the running or newest installed kernel). */
  sourceKernel?: string;
  /** Target release id → kernel line its repositories ship (measured; wins over the catalog's claim). */
  targetKernels?: Readonly<Record<string, string>>;
}

type Unranked = Omit<TargetAssessment, 'score' | 'rank' | 'reasons'>;
/** A reason whose points are null when the fact is unknown (then scored neutrally). */
interface Scored { factor: string; points: number | null; text: string }

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function measuredReasons(t: Unranked, input: RankInput, hostLevel: ReadonlySet<string>): Scored[] {
  const reasons: Scored[] = [];
  const target = input.catalog.release(t.target);
  const hops = t.hops ?? [];
  const blockers = hops.length ? hops.flatMap((h) => h.inhibitors.map((k) => `${k} (hop ${h.hop}: ${h.from} → ${h.to})`)) : t.inhibitors;
  reasons.push(blockers.length
    ? { factor: 'blockers', points: -100 * blockers.length, text: `${plural(blockers.length, 'inhibitor')}: ${blockers.join(', ')}` }
    : { factor: 'blockers', points: 0, text: 'no inhibitor' });
  const uncompared = hops.find((h) => h.repositories.length === 0 || h.assessedOn === 'not-assessed');
  if (t.repositories.length === 0 || uncompared) {
    const why = uncompared ? `hop ${uncompared.hop} (${uncompared.from} → ${uncompared.to}) ${uncompared.assessedOn === 'not-assessed' ? 'not assessed' : 'without a repository'}` : 'no target repository given';
    reasons.push({ factor: 'missing', points: null, text: `package fates not compared (${why})` });
    reasons.push({ factor: 'downgrades', points: null, text: `downgrades not compared (${why})` });
  } else {
    const missing = leftBehindOf(t).length;
    const fates = hops.length ? hops.flatMap((h) => h.fates) : t.fates;
    const swapped = fates.filter((f) => f.fate === 'missing' && f.via === 'vendor-swap').length;
    reasons.push({ factor: 'missing', points: -Math.min(60, 2 * missing),
      text: `${plural(missing, 'package')} with no counterpart${swapped ? ` (${swapped} more removed on purpose by the vendor swap: not missing)` : ''}${hops.length ? ' over the route' : ''}` });
    const rebuilds = fates.filter((f) => f.fate === 'same' && f.reason?.startsWith('rebuild')).length;
    const downgrades = hops.length ? hops.reduce((n, h) => n + h.counts.downgrade, 0) : t.counts.downgrade;
    reasons.push({ factor: 'downgrades', points: -Math.min(30, 3 * downgrades),
      text: `${plural(downgrades, 'downgrade')}${rebuilds ? ` (${plural(rebuilds, 'rebuild')} changing only the dist tag: same)` : ''}${hops.length ? ' over the route\'s hops' : ''}` });
  }
  const other = t.findings.filter((f) => !f.groups.includes('inhibitor') && !hostLevel.has(f.key));
  const high = other.filter((f) => f.severity === 'high').length;
  const medium = other.filter((f) => f.severity === 'medium').length;
  if (high + medium) reasons.push({ factor: 'findings', points: -(5 * high + 2 * medium), text: `${high} high and ${plural(medium, 'medium finding')} for this target` });
  const from = input.sourceKernel ?? input.source?.kernel.value ?? undefined;
  const measured = input.targetKernels?.[target.id];
  const claimed = target.kernel.value ?? undefined;
  const to = measured ?? claimed;
  const basis = measured ? `its repositories ship ${measured}${claimed && claimed !== measured ? `; the catalog's ${claimed} is not what they carry` : ''}` : 'the catalog\'s figure; no repository read';
  if (from && to) {
    reasons.push(from === to ? { factor: 'kernel', points: 0, text: `same kernel line ${to} (${basis})` } : { factor: 'kernel', points: -10, text: `kernel jump ${from} → ${to} (${basis})` });
  } else if (isCrossMajor(t.path) || hops.some((h) => h.path?.method === 'cross-major-pes')) {
    reasons.push({ factor: 'kernel', points: -10, text: `new major release ${input.source?.version ?? '?'} → ${target.version}: the kernel changes (line not recorded)` });
  } else {
    reasons.push({ factor: 'kernel', points: null, text: 'kernel line not known' });
  }
  const life = input.catalog.lifecycle(target.id, input.today);
  if (life.daysToEol === null) reasons.push({ factor: 'lifecycle', points: null, text: 'no end-of-life date in the catalog' });
  else if (life.daysToEol < 0 || life.phase === 'eol') reasons.push({ factor: 'lifecycle', points: -50, text: `past end of life (${life.eol})` });
  else {
    const years = life.daysToEol / 365.25;
    reasons.push({ factor: 'lifecycle', points: Math.min(40, Math.round(4 * years)), text: `${years.toFixed(1)} years of support left (until ${life.eol ?? '?'}, ${life.phase})` });
  }
  const tier = target.distributionInfo.tier.value;
  reasons.push(tier ? { factor: 'tier', points: TIER_POINTS[tier], text: `supply-chain tier ${tier}` } : { factor: 'tier', points: null, text: 'supply-chain tier not classified' });
  const hostLevelHere = t.findings.filter((f) => hostLevel.has(f.key)).length;
  if (hostLevelHere) reasons.push({ factor: 'findings', points: 0, text: `${plural(hostLevelHere, 'host-level finding')} (the same for every target): listed once, not scored` });
  return reasons;
}

/** The reasons of every target, unknowns scored neutrally (the mean of the known points of that factor). */
export function rankingReasons(targets: readonly Unranked[], input: RankInput): RankingReason[][] {
  const hostLevel = hostLevelFindingKeys(targets);
  const all = targets.map((t) => measuredReasons(t, input, hostLevel));
  const known = new Map<string, number[]>();
  for (const r of all.flat()) if (r.points !== null) known.set(r.factor, [...(known.get(r.factor) ?? []), r.points]);
  return all.map((reasons) => reasons.map((r) => {
    if (r.points !== null) return { factor: r.factor, points: r.points, text: r.text };
    const others = known.get(r.factor) ?? [];
    const points = others.length ? Math.round(others.reduce((a, b) => a + b, 0) / others.length) : 0;
    return { factor: r.factor, points, text: `${r.text}: unknown, scored neutrally (${points}${others.length ? ', the mean of the targets where it is known' : ''})` };
  }));
}

/** What the order of two scored targets depends on (the score and the tie-breakers above). */
export interface RankKey {
  target: string;
  score: number;
  inhibitors: number;
  missing: number;
}

type TieBreak = 'inhibitors' | 'missing packages' | 'days of support';

/** Which tie-breaker orders two targets of the same score, or null when they tie on all of them. */
function decidingFactor(a: RankKey, b: RankKey, input: Pick<RankInput, 'catalog' | 'today'>): TieBreak | null {
  if (a.inhibitors !== b.inhibitors) return 'inhibitors';
  if (a.missing !== b.missing) return 'missing packages';
  const days = (t: string): number => input.catalog.lifecycle(t, input.today).daysToEol ?? -Infinity;
  return days(a.target) !== days(b.target) ? 'days of support' : null;
}

/**
 * The ranking's order: negative when `a` ranks before `b`, 0 for a tie. Days of support come from the catalog
 * (`input.today`), so a caller holding only scores and counts (the fleet's stored rows) orders exactly as
 * rankTargets does.
 */
export function compareRanked(a: RankKey, b: RankKey, input: Pick<RankInput, 'catalog' | 'today'>): number {
  const days = (t: string): number => input.catalog.lifecycle(t, input.today).daysToEol ?? -Infinity;
  const d = days(b.target) - days(a.target);
  return b.score - a.score || a.inhibitors - b.inhibitors || a.missing - b.missing || (Number.isNaN(d) ? 0 : d);
}

/**
 * Scores, sorts (best first) and numbers the targets. Tied targets share a rank and keep the caller's order;
 * each target scoring the same as another says so, with the factor that decided between them or "tie".
 */
export function rankTargets(targets: Unranked[], input: RankInput): TargetAssessment[] {
  const reasons = rankingReasons(targets, input);
  const scored = targets.map((t, i) => ({ ...t, reasons: reasons[i], score: reasons[i].reduce((s, r) => s + r.points, 0), rank: 0 }));
  const key = (t: TargetAssessment): RankKey => ({ target: t.target, score: t.score, inhibitors: t.inhibitors.length, missing: leftBehindOf(t).length });
  scored.sort((a, b) => compareRanked(key(a), key(b), input));
  const ranked = scored.map((t) => ({ ...t, rank: 1 + scored.filter((o) => compareRanked(key(o), key(t), input) < 0).length }));
  return ranked.map((t) => {
    const peers = ranked.filter((o) => o !== t && o.score === t.score);
    if (peers.length === 0) return t;
    const notes = peers.map((o) => {
      const factor = decidingFactor(key(t), key(o), input);
      if (factor === null) return `tied with ${o.target} (same score, inhibitors, missing packages and support left)`;
      return `${o.rank > t.rank ? 'ahead of' : 'behind'} ${o.target} at the same score on ${factor}`;
    });
    return { ...t, reasons: [...t.reasons, { factor: 'tie', points: 0, text: notes.join('; ') }] };
  });
}

/** One host × target result as a fleet holds it: enough to rank the host's targets as rankTargets did. */
export interface FleetResult extends RankKey {
  host: string;
  readiness: Readiness;
}

/** The host's best target (rank 1 among the results assessed; of tied ones the first given), or null when none was assessed. */
export function recommendHostTarget(results: readonly FleetResult[], input: Pick<RankInput, 'catalog' | 'today'>): string | null {
  const assessed = results.filter((r) => r.readiness !== 'not-assessed');
  return assessed.length === 0 ? null : [...assessed].sort((a, b) => compareRanked(a, b, input))[0].target;
}

export interface FleetRecommendation {
  target: string | null;
  /** Hosts ready for it, not blocked on it, and whose own best target it is. */
  ready: number;
  unblocked: number;
  recommendedFor: number;
  /**
   * What put it ahead of the runner-up: `ready`, `unblocked` or `recommendedFor`; `tie` when targets equal
   * it on all three (`tiedWith`) and it was given first; null with one target or no host assessed.
   */
  decidedBy: 'ready' | 'unblocked' | 'recommendedFor' | 'tie' | null;
  /** Targets with the same three counts, in the order given: a tie, shown as one, never broken by name. */
  tiedWith: string[];
}

/**
 * The fleet's target: the one the most hosts can reach ready; ties go to the one fewer hosts are blocked on,
 * then to the one the most hosts rank first (recommendHostTarget). Targets still equal are a tie: the first
 * of them in the order given (`--to`, as for one host) is named, with the others in `tiedWith`. Null when no
 * host was assessed.
 */
export function recommendFleetTarget(targets: readonly string[], results: readonly FleetResult[], hostBest: ReadonlyMap<string, string | null>): FleetRecommendation {
  const tally = targets.map((target) => ({ target, ready: 0, unblocked: 0, recommendedFor: 0 }));
  const byTarget = new Map(tally.map((t) => [t.target, t]));
  let assessed = 0;
  for (const r of results) {
    const t = byTarget.get(r.target);
    if (!t || r.readiness === 'not-assessed') continue;
    assessed++;
    if (r.readiness === 'ready') t.ready++;
    if (r.readiness !== 'blocked') t.unblocked++;
  }
  for (const best of hostBest.values()) {
    const t = best === null ? undefined : byTarget.get(best);
    if (t) t.recommendedFor++;
  }
  if (assessed === 0 || tally.length === 0) return { target: null, ready: 0, unblocked: 0, recommendedFor: 0, decidedBy: null, tiedWith: [] };
  const factors = ['ready', 'unblocked', 'recommendedFor'] as const;
  // A stable sort: targets equal on every factor keep the order given.
  tally.sort((a, b) => b.ready - a.ready || b.unblocked - a.unblocked || b.recommendedFor - a.recommendedFor);
  const [best, next] = tally;
  const tiedWith = tally.slice(1).filter((t) => factors.every((f) => t[f] === best[f])).map((t) => t.target);
  const decidedBy = next === undefined ? null : factors.find((f) => best[f] !== next[f]) ?? 'tie';
  return { ...best, decidedBy, tiedWith };
}
