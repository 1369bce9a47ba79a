/**
 * Ranking of targets. Every reason is a signed contribution with its text, so the score is explained:
 *  - blockers: −100 per inhibitor (a blocked target always ranks below an unblocked one with < 100
 *    points of other penalties);
 *  - missing: −2 per package with no counterpart, at most −60; a target whose repositories were not
 *    compared takes that worst case (−60), so an unknown never outranks a measured result;
 *  - downgrades: −3 per downgraded package, at most −30;
 *  - findings: −5 per other high finding, −2 per medium;
 *  - kernel: −10 when the kernel line changes (more to re-validate: drivers, modules, tuning);
 *  - lifecycle: +4 per year of support left (catalog.lifecycle eol), at most +40; −50 once past eol;
 *    0 when the catalog has no date;
 *  - tier: supply chain L1 +15, L2 +12, L3 +10, L4 +4, unclassified 0.
 * Ties: fewer inhibitors, fewer missing, more days of support, then release id (deterministic).
 */
import { isCrossMajor, type Catalog, type ReleaseView, type TierId } from '../catalog/index.js';
import type { Readiness } from './readiness.js';
import type { RankingReason, TargetAssessment } from './types.js';

export const TIER_POINTS: Record<TierId, number> = { L1: 15, L2: 12, L3: 10, L4: 4 };

export interface RankInput {
  catalog: Catalog;
  source: ReleaseView | null;
  today: string;
  /** The host's kernel line (e.g. `3.10`, from the running or newest installed kernel). */
  sourceKernel?: string;
  /** Target release id → kernel line, where the catalog has none (e.g. from the target repo's kernel). */
  targetKernels?: Readonly<Record<string, string>>;
}

export function rankingReasons(t: Omit<TargetAssessment, 'score' | 'rank' | 'reasons'>, input: RankInput): RankingReason[] {
  const reasons: RankingReason[] = [];
  const target = input.catalog.release(t.target);
  if (t.inhibitors.length) {
    reasons.push({ factor: 'blockers', points: -100 * t.inhibitors.length, text: `${t.inhibitors.length} inhibitor${t.inhibitors.length === 1 ? '' : 's'}: ${t.inhibitors.join(', ')}` });
  } else {
    reasons.push({ factor: 'blockers', points: 0, text: 'no inhibitor' });
  }
  if (t.repositories.length === 0) {
    reasons.push({ factor: 'missing', points: -60, text: 'package fates not compared (no target repository given): counted as the worst case' });
  } else {
    reasons.push({ factor: 'missing', points: -Math.min(60, 2 * t.counts.missing), text: `${t.counts.missing} package${t.counts.missing === 1 ? '' : 's'} with no counterpart` });
    reasons.push({ factor: 'downgrades', points: -Math.min(30, 3 * t.counts.downgrade), text: `${t.counts.downgrade} downgrade${t.counts.downgrade === 1 ? '' : 's'}` });
  }
  const other = t.findings.filter((f) => !f.groups.includes('inhibitor'));
  const high = other.filter((f) => f.severity === 'high').length;
  const medium = other.filter((f) => f.severity === 'medium').length;
  if (high + medium) reasons.push({ factor: 'findings', points: -(5 * high + 2 * medium), text: `${high} high and ${medium} medium finding${high + medium === 1 ? '' : 's'}` });
  const from = input.sourceKernel ?? input.source?.kernel.value ?? undefined;
  const to = target.kernel.value ?? input.targetKernels?.[target.id];
  if (from && to) {
    reasons.push(from === to ? { factor: 'kernel', points: 0, text: `same kernel line ${to}` } : { factor: 'kernel', points: -10, text: `kernel jump ${from} → ${to}` });
  } else if (isCrossMajor(t.path)) {
    reasons.push({ factor: 'kernel', points: -10, text: `new major release ${input.source?.version ?? '?'} → ${target.version}: the kernel changes (line not recorded)` });
  } else {
    reasons.push({ factor: 'kernel', points: 0, text: 'kernel line not known' });
  }
  const life = input.catalog.lifecycle(target.id, input.today);
  if (life.daysToEol === null) reasons.push({ factor: 'lifecycle', points: 0, text: 'no end-of-life date in the catalog' });
  else if (life.daysToEol < 0 || life.phase === 'eol') reasons.push({ factor: 'lifecycle', points: -50, text: `past end of life (${life.eol})` });
  else {
    const years = life.daysToEol / 365.25;
    reasons.push({ factor: 'lifecycle', points: Math.min(40, Math.round(4 * years)), text: `${years.toFixed(1)} years of support left (until ${life.eol ?? '?'}, ${life.phase})` });
  }
  const tier = target.distributionInfo.tier.value;
  reasons.push(tier ? { factor: 'tier', points: TIER_POINTS[tier], text: `supply-chain tier ${tier}` } : { factor: 'tier', points: 0, text: 'supply-chain tier not classified' });
  return reasons;
}

/** What the order of two scored targets depends on (the score and the tie-breakers above). */
export interface RankKey {
  target: string;
  score: number;
  inhibitors: number;
  missing: number;
}

/**
 * The ranking's order: negative when `a` ranks before `b`. Days of support come from the catalog
 * (`input.today`), so a caller holding only scores and counts (the fleet's stored rows) orders exactly as
 * rankTargets does.
 */
export function compareRanked(a: RankKey, b: RankKey, input: Pick<RankInput, 'catalog' | 'today'>): number {
  const days = (t: string): number => input.catalog.lifecycle(t, input.today).daysToEol ?? -Infinity;
  return b.score - a.score || a.inhibitors - b.inhibitors || a.missing - b.missing
    || days(b.target) - days(a.target) || (a.target < b.target ? -1 : a.target > b.target ? 1 : 0);
}

/** Scores, sorts (best first) and numbers the targets. */
export function rankTargets(targets: Omit<TargetAssessment, 'score' | 'rank' | 'reasons'>[], input: RankInput): TargetAssessment[] {
  const scored = targets.map((t) => {
    const reasons = rankingReasons(t, input);
    return { ...t, reasons, score: reasons.reduce((s, r) => s + r.points, 0), rank: 0 };
  });
  const key = (t: TargetAssessment): RankKey => ({ target: t.target, score: t.score, inhibitors: t.inhibitors.length, missing: t.counts.missing });
  scored.sort((a, b) => compareRanked(key(a), key(b), input));
  return scored.map((t, i) => ({ ...t, rank: i + 1 }));
}

/** One host × target result as a fleet holds it: enough to rank the host's targets as rankTargets did. */
export interface FleetResult extends RankKey {
  host: string;
  readiness: Readiness;
}

/** The host's best target (rank 1 among the results assessed), or null when none was assessed. */
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
}

/**
 * The fleet's target: the one the most hosts can reach ready; ties go to the one fewer hosts are blocked on,
 * then to the one the most hosts rank first (recommendHostTarget), then to the release id. Null when no
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
  if (assessed === 0 || tally.length === 0) return { target: null, ready: 0, unblocked: 0, recommendedFor: 0 };
  tally.sort((a, b) => b.ready - a.ready || b.unblocked - a.unblocked || b.recommendedFor - a.recommendedFor || (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  return tally[0];
}
