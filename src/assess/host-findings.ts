/**
 * Findings about the host rather than a target: the same finding (every field: key, severity, text, remediation, details) in every
 * assessed target. They do not tell targets apart, so the ranking does not score them and reports list them
 * once for the host. With fewer than two targets there is nothing to compare: none is host-level.
 */
import { canonicalJson } from '../core/index.js';
import type { Finding, TargetAssessment } from './types.js';

const identity = (f: Finding): string => canonicalJson(f);

/** Keys of the findings every target has alike. */
export function hostLevelFindingKeys(targets: readonly Pick<TargetAssessment, 'findings'>[]): Set<string> {
  if (targets.length < 2) return new Set();
  const [first, ...rest] = targets;
  const alike = first.findings.filter((f) => rest.every((t) => t.findings.some((g) => identity(g) === identity(f))));
  return new Set(alike.map((f) => f.key));
}

/** The host-level findings (as the first target has them) and, per target id, its own findings. */
export function splitHostFindings(targets: readonly TargetAssessment[]): { host: Finding[]; byTarget: Map<string, Finding[]> } {
  const keys = hostLevelFindingKeys(targets);
  return {
    host: (targets[0]?.findings ?? []).filter((f) => keys.has(f.key)),
    byTarget: new Map(targets.map((t) => [t.target, t.findings.filter((f) => !keys.has(f.key))])),
  };
}
