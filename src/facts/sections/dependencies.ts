/**
 * The dependencies section: every installed package's provides, requires, conflicts and obsoletes with their
 * versions (rpm's %{PROVIDENEVRS} and kin: `name`, `name OP [E:]V-R`, rich deps in parentheses), and the files
 * it owns that some installed package requires (the relations section's file owners: file provides are not in
 * %{PROVIDENEVRS}). Enough to build the host's installed repository of a solver pool offline, as libsolv's
 * repo_rpmdb reads it; rpmlib() requires are left out as repo_rpmdb leaves them out (rpm provides them itself).
 */
import { defineSection } from './section.js';
import { parseFileOwners, relationKey, relationsSection } from './relations.js';

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

const FS = '\x1f';
const RS = '\x1e';
const GS = '\x1d';

/** Parses the part's records: NAME, EPOCHNUM, VERSION, RELEASE, ARCH, then the four GS-terminated lists. */
export function parseDependencyRecords(text: string, fileOwners: ReadonlyMap<string, readonly string[]>): PackageDependencies[] {
  const owned = new Map<string, string[]>();
  for (const [path, keys] of fileOwners) for (const k of keys) owned.set(k, [...(owned.get(k) ?? []), path]);
  const out: PackageDependencies[] = [];
  for (const record of text.split(RS)) {
    const rec = record.replace(/^\n+/, '');
    if (rec.trim() === '') continue;
    const f = rec.split(FS);
    if (f.length !== 9 || f[0] === 'gpg-pubkey') continue;
    const [name, epoch, version, release, arch] = f;
    const list = (s: string): string[] => [...new Set(s.split(GS).filter((x) => x !== '' && x !== '(none)'))];
    const nevra = relationKey({ name, epoch: Number(epoch) || 0, version, release, arch: arch === '(none)' ? 'noarch' : arch });
    out.push({
      nevra,
      provides: list(f[5]),
      requires: list(f[6]).filter((r) => !r.startsWith('rpmlib(')),
      conflicts: list(f[7]),
      obsoletes: list(f[8]),
      files: [...new Set(owned.get(nevra) ?? [])].sort(),
    });
  }
  return out.sort((a, b) => (a.nevra < b.nevra ? -1 : a.nevra > b.nevra ? 1 : 0));
}

export const dependenciesSection = defineSection({
  name: 'dependencies',
  uses: [relationsSection],
  read(input) {
    const own = input.output('dependencies');
    if (!own || own.code !== 0) return { error: `rpm -qa (dependencies) on ${input.hostName} ${own ? `exited ${own.code}: ${own.stderr.trim().slice(0, 300)}` : 'printed nothing'}` };
    return { value: parseDependencyRecords(own.body, parseFileOwners(input.output('fileowners')?.body ?? '')) };
  },
  script: String.raw`
s_dependencies() {
  DG=$(printf '\035')
  rpmq -qa --qf "%{NAME}$FS%{EPOCHNUM}$FS%{VERSION}$FS%{RELEASE}$FS%{ARCH}$FS[%{PROVIDENEVRS}$DG]$FS[%{REQUIRENEVRS}$DG]$FS[%{CONFLICTNEVRS}$DG]$FS[%{OBSOLETENEVRS}$DG]$RS"
}`,
});
