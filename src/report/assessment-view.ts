/**
 * What every assessment rendering shares: the order fates and severities are shown in, the fate colours
 * of the chart, and the grouping of findings. Pure functions over a published Assessment.
 */
import { hostLevelFindingKeys } from '../assess/host-findings.js';
import type { Assessment, Fate, Finding, HopAssessment, PackageFate, Severity, TargetAssessment } from '../assess/types.js';

export const FATE_ORDER: readonly Fate[] = ['same', 'upgrade', 'downgrade', 'replaced', 'missing', 'third-party', 'erased'];

/** Colour-blind-friendly palette (Okabe–Ito), one per fate, in FATE_ORDER. */
export const FATE_COLOURS: Record<Fate, string> = {
  same: '#999999',
  upgrade: '#009E73',
  downgrade: '#E69F00',
  replaced: '#0072B2',
  missing: '#D55E00',
  'third-party': '#CC79A7',
  erased: '#000000',
};

export const FATE_LABELS: Record<Fate, string> = {
  same: 'same',
  upgrade: 'upgrade',
  downgrade: 'downgrade',
  replaced: 'replaced',
  missing: 'missing',
  'third-party': 'third-party',
  erased: 'erased',
};

export const SEVERITY_ORDER: readonly Severity[] = ['high', 'medium', 'low', 'info'];

/** Targets best first; tied targets (the same rank) in the assessment's order, never by name. */
export function rankedTargets(a: Assessment): TargetAssessment[] {
  return [...a.targets].sort((x, y) => x.rank - y.rank);
}

/** The other targets sharing this target's rank. */
export function tiedWith(a: Assessment, t: TargetAssessment): string[] {
  return a.targets.filter((o) => o !== t && o.rank === t.rank).map((o) => o.target);
}

/** Findings every target has alike (about the host, not a target): listed once, before the targets. */
export function hostFindings(a: Assessment): { keys: Set<string>; findings: Finding[] } {
  const keys = hostLevelFindingKeys(a.targets);
  return { keys, findings: (a.targets[0]?.findings ?? []).filter((f) => keys.has(f.key)) };
}

export function isInhibitor(f: Finding, t: TargetAssessment): boolean {
  return f.groups.includes('inhibitor') || t.inhibitors.includes(f.key);
}

/** Findings grouped by severity (high first), each group sorted inhibitors first, then by key; without the `except` keys (host-level ones listed elsewhere). */
export function findingsBySeverity(t: TargetAssessment, except: ReadonlySet<string> = new Set()): { severity: Severity; findings: Finding[] }[] {
  return SEVERITY_ORDER.map((severity) => ({
    severity,
    findings: t.findings.filter((f) => f.severity === severity && !except.has(f.key))
      .sort((a, b) => Number(isInhibitor(b, t)) - Number(isInhibitor(a, t)) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  })).filter((g) => g.findings.length > 0);
}

export function inhibitorFindings(t: TargetAssessment): Finding[] {
  return t.findings.filter((f) => isInhibitor(f, t));
}

/** Packages of one fate, by name then arch. */
export function fatesOf(t: TargetAssessment, fate: Fate): PackageFate[] {
  return t.fates.filter((p) => p.fate === fate).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.arch < b.arch ? -1 : a.arch > b.arch ? 1 : 0));
}

export function totalPackages(t: TargetAssessment): number {
  return FATE_ORDER.reduce((n, f) => n + fateCount(t, f), 0);
}

/** True when the target was assessed without repository metadata (package fates unknown); a route's fates are its first hop's. */
export function fatesUnknown(t: Pick<TargetAssessment, 'repositories' | 'hops'>): boolean {
  return (t.hops?.[0]?.repositories ?? t.repositories).length === 0;
}

/** A command argv as a user would type it, each word single-quoted when it is not plain. */
export function formatCommand(argv: readonly string[]): string {
  return argv.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function formatPoints(p: number): string {
  return p > 0 ? `+${p}` : String(p);
}

/** A target's count of one fate; 0 for a fate the document predates (an assessment stored before `erased`). */
export function fateCount(t: Pick<TargetAssessment, 'counts'>, f: Fate): number {
  const n: number | undefined = (t.counts as Partial<Record<Fate, number>>)[f];
  return n ?? 0;
}

/** The hops of a route whose inhibitors include `key` (empty for a direct target), as `hop N: FROM → TO`. */
export function inhibitorHops(t: Pick<TargetAssessment, 'hops'>, key: string): string[] {
  return (t.hops ?? []).filter((x) => x.inhibitors.includes(key)).map((x) => `hop ${x.hop}: ${x.from} → ${x.to}`);
}

/** One hop as every renderer says it (unescaped): its label, what it was assessed on, its verdict and its fate counts. */
export function hopSummary(x: HopAssessment, total: number): { label: string; on: string; verdict: string; counts: string } {
  const on = x.assessedOn === 'collected' ? 'on the host\'s facts' : x.assessedOn === 'predicted' ? `on the predicted end state of hop ${x.hop - 1}` : 'not assessed';
  const verdict = x.assessedOn === 'not-assessed' ? x.notAssessed.map((n) => n.reason).join('; ')
    : x.inhibitors.length ? `BLOCKED by ${x.inhibitors.join(', ')}` : 'no inhibitor';
  const counts = x.assessedOn === 'not-assessed' ? '' : x.repositories.length === 0 ? 'fates not compared (no repository given)'
    : FATE_ORDER.map((f) => `${f} ${fateCount(x, f)}`).join(', ') + (x.predictedTransaction ? `; predicted transaction: ${x.predictedTransaction.ok ? `${x.predictedTransaction.changes.length} changes` : 'no solution'}` : '');
  return { label: `Hop ${x.hop} of ${total}: ${x.from} → ${x.to}`, on, verdict, counts };
}
