/**
 * The dependencies section: every installed package's provides, requires, conflicts and obsoletes with their
 * versions (rpm's %{PROVIDENEVRS} and kin: `name`, `name OP [E:]V-R`, rich deps in parentheses), and the files
 * it owns that some installed package requires (the relations section's file owners: file provides are not in
 * %{PROVIDENEVRS}). Enough to build the host's installed repository of a solver pool offline, as libsolv's
 * repo_rpmdb reads it; rpmlib() requires are left out as repo_rpmdb leaves them out (rpm provides them itself).
 */
import { defineSection } from './section.js';
import { parseFileOwners, parseRelationRecords, relationsSection, type RawRelations } from './relations.js';

declare module '../types.js' { interface SectionFacts { dependencies?: PackageDependencies[] } }

export interface PackageDependencies {
  /** The NEVRA, epoch always shown (relations' key). */
  nevra: string;
  provides: string[];
  requires: string[];
  conflicts: string[];
  obsoletes: string[];
  /** Paths this package owns that an installed package requires (and no package provides by name). */
  files: string[];
}

/**
 * Each package's versioned lists from the packages section's records (parseRelationRecords: the one rpm -qa
 * carries them), with the files it owns that an installed package requires (the relations section's owners).
 */
export function dependenciesOf(records: readonly RawRelations[], fileOwners: ReadonlyMap<string, readonly string[]>): PackageDependencies[] {
  const owned = new Map<string, string[]>();
  for (const [path, keys] of fileOwners) for (const k of keys) owned.set(k, [...(owned.get(k) ?? []), path]);
  const uniq = (l: readonly string[]): string[] => [...new Set(l)];
  return records.map((r) => ({
    nevra: r.key,
    provides: uniq(r.versioned.provides),
    requires: uniq(r.versioned.requires).filter((d) => !d.startsWith('rpmlib(')),
    conflicts: uniq(r.versioned.conflicts),
    obsoletes: uniq(r.versioned.obsoletes),
    files: [...new Set(owned.get(r.key) ?? [])].sort(),
  })).sort((a, b) => (a.nevra < b.nevra ? -1 : a.nevra > b.nevra ? 1 : 0));
}

export const dependenciesSection = defineSection({
  name: 'dependencies',
  // No script of its own: the packages part's rpm -qa and the relations section's file owners answer it.
  script: '',
  parts: [],
  uses: [relationsSection],
  read(input) {
    const pk = input.output('packages');
    if (pk && pk.code === undefined) return { error: `the packages section of the facts output (rpm -qa) on ${input.hostName} was cut short` };
    if (!pk || pk.code !== 0) return { error: `rpm -qa (dependencies) on ${input.hostName} ${pk ? `exited ${pk.code}: ${pk.stderr.trim().slice(0, 300)}` : 'printed nothing'}` };
    return { value: dependenciesOf(parseRelationRecords(pk.body), parseFileOwners(input.output('fileowners')?.body ?? '')) };
  },
});
