/** Helpers shared by the checks: finding construction and short package lists for summaries. */
import type { CheckInput } from '../types.js';

/** `a, b, c and 4 more` — a summary names the first few subjects; details carry them all. */
export function listSome(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** A migration to a new major release (Leapp-style in-place upgrade) rather than a same-major swap. */
export function isCrossMajor(input: CheckInput): boolean {
  const s = input.source?.major;
  const t = input.target.major;
  return s !== null && s !== undefined && t !== null && s !== t;
}

/** The facts section status as text, for findings about missing evidence. */
export function sectionMissing(input: CheckInput, section: keyof CheckInput['facts']['sections']): string | undefined {
  const s = input.facts.sections[section];
  if (!s || s.status === 'ok') return undefined;
  return s.status === 'error' ? s.message : s.reason;
}
