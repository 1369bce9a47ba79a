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

/** Scores, sorts (best first) and numbers the targets. */
export function rankTargets(targets: Omit<TargetAssessment, 'score' | 'rank' | 'reasons'>[], input: RankInput): TargetAssessment[] {
  const scored = targets.map((t) => {
    const reasons = rankingReasons(t, input);
    const days = input.catalog.lifecycle(t.target, input.today).daysToEol ?? -Infinity;
    return { t: { ...t, reasons, score: reasons.reduce((s, r) => s + r.points, 0), rank: 0 }, days };
  });
  scored.sort((a, b) => b.t.score - a.t.score || a.t.inhibitors.length - b.t.inhibitors.length || a.t.counts.missing - b.t.counts.missing
    || b.days - a.days || (a.t.target < b.t.target ? -1 : a.t.target > b.t.target ? 1 : 0));
  return scored.map((s, i) => ({ ...s.t, rank: i + 1 }));
}
