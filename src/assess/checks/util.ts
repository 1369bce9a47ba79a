/** Helpers shared by the checks: finding construction and short package lists for summaries. */
import type { PathBlocker } from '../../catalog/index.js';
import type { CheckInput } from '../types.js';

/** `a, b, c and 4 more` — a summary names the first few subjects; details carry them all. */
export function listSome(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** The facts section status as text, for findings about missing evidence. */
export function sectionMissing(input: CheckInput, section: keyof CheckInput['facts']['sections']): string | undefined {
  const s = input.facts.sections[section];
  if (!s || s.status === 'ok') return undefined;
  return s.status === 'error' ? s.message : s.reason;
}

const FACTS_ORIGIN: Record<CheckInput['facts']['source'], string> = {
  live: 'a running host', root: 'an offline root', rpmdb: 'an rpm database file', manifest: 'a package list',
};

/** Where the facts came from, in words: for reasons why a check could not look at the host. */
export function factsOrigin(input: CheckInput): string {
  return FACTS_ORIGIN[input.facts.source];
}

/** The not-assessed reason for a facts section that is absent: its status, else that it was not collected. */
export function factsAbsent(input: CheckInput, section: keyof CheckInput['facts']['sections'], what: string): string {
  return `no ${what}: ${sectionMissing(input, section) ?? `not collected from ${factsOrigin(input)}`}`;
}

/** The not-assessed reason of the fate-based checks when the target's repositories were not compared. */
export function fatesNotCompared(input: CheckInput): string | undefined {
  if (input.repo) return undefined;
  if (input.repoUnreadable !== undefined) return `the repositories of ${input.target.id} could not be read (${input.repoUnreadable}), so package fates were not compared`;
  return `no repository metadata was given for ${input.target.id}, so package fates were not compared`;
}

/** The vendor's documented blocker of this path judged by the check `id` (gui, i686-packages), if the catalog records one. */
export function vendorBlocker(input: CheckInput, id: PathBlocker['check']): PathBlocker | undefined {
  return input.path?.blockers?.find((b) => b.check === id);
}
