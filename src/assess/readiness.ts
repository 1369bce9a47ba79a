/**
 * Readiness: one word per host and target for fleet views, decided from the target's assessment.
 *  - blocked: at least one inhibitor;
 *  - risks: no inhibitor, but a high or medium finding, or the package fates were not compared (no target
 *    repository: the unknown is not read as all clear, as in the ranking);
 *  - ready: neither;
 *  - not-assessed: no usable facts for the host (never collected, or a snapshot that failed validation).
 * A target reached by a route is judged by its hops: the worst of theirs (blocked over risks over ready), a hop
 * that could not be assessed counting as risks.
 * Checks that could not look at the host (e.g. memory on a package list) are listed in the assessment and
 * do not change the word: every host assessed from the same kind of facts would otherwise read "risks".
 */
import type { Readiness } from '../core/index.js';
import type { TargetAssessment } from './types.js';

export { READINESS, type Readiness } from '../core/index.js';

const WORST = ['blocked', 'risks', 'ready'] as const;

export function targetReadiness(t: Pick<TargetAssessment, 'inhibitors' | 'findings' | 'repositories' | 'hops'>): Exclude<Readiness, 'not-assessed'> {
  if (t.hops?.length) {
    const words = t.hops.map((h) => (h.assessedOn === 'not-assessed' ? 'risks' : targetReadiness({ inhibitors: h.inhibitors, findings: h.findings, repositories: h.repositories })));
    return WORST.find((w) => words.includes(w)) ?? 'ready';
  }
  if (t.inhibitors.length > 0) return 'blocked';
  if (t.repositories.length === 0) return 'risks';
  const inhibitors = new Set(t.inhibitors);
  return t.findings.some((f) => !inhibitors.has(f.key) && (f.severity === 'high' || f.severity === 'medium')) ? 'risks' : 'ready';
}
