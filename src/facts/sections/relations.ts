/**
 * The relations section: per installed package its header digest (the SBOM's checksum) and the installed
 * packages that satisfy its requires (the SBOM's dependency relationships). Read from the packages section's
 * rpm -qa, whose records carry the relations fields after Ferry's (RELATION_QUERY_FIELDS: requires, provides,
 * conflicts and obsoletes with their versions, long lists the packages facts do not keep), so one rpm query
 * answers the packages, relations and dependencies sections; and the
 * owners of every distinct file require, since file provides are not in %{PROVIDENAME}: one pass over every
 * package's file list (`%{=NAME}…%{FILENAMES}`, matched in awk) answers what `rpm -qf PATH` answers for each
 * path, every owner of a shared path included and an unowned path listed alone, with one rpm start however
 * many paths there are (an `rpm -qf` per path would be hundreds of rpm starts on a real host). The file
 * requires are taken from the packages query's output (kept in `$T.rel`), not queried again, and only those no
 * package provides by name are looked up (the rest resolve by their provides).
 *
 * A require is resolved by capability name: the installed set is consistent (rpm installed it), so the
 * version in `Requires: foo >= 1.2` does not change which installed package answers it. rpmlib() and
 * other rpm-internal capabilities are not relationships between packages and are left out.
 *
 * The soname requires (rpm's elfdeps form, `libfoo.so.1()(64bit)`: rpm/compare.ts isSonameProvide, the one
 * test `ferry compare` uses) are kept by name with their installed providers: the assessment checks the ones
 * a third-party package needs against what the target provides.
 */
import { isSonameProvide } from '../../rpm/compare.js';
import { formatNevra } from '../../rpm/nevra.js';
import type { Nevra } from '../../rpm/types.js';
import { RPM_QUERY_FIELDS } from '../rpm-queryformat.js';
import { packagesSection, RELATION_QUERY_FIELDS } from './packages.js';
import { defineSection } from './section.js';

declare module '../types.js' { interface SectionFacts { relations?: RelationsFacts } }

export interface PackageRelations {
  /** formatNevra with the epoch always shown: the key that pairs this entry with a package of `packages`. */
  nevra: string;
  /** `sha256:<hex>` (SHA256HEADER, rpm ≥ 4.14) or `sha1:<hex>` (SHA1HEADER): the digest of the package header. */
  headerDigest?: string;
  /** Hex MD5 over header and payload as rpm recorded it at install (SIGMD5). */
  sigmd5?: string;
  /** NEVRA keys of the installed packages satisfying its requires (itself excluded), sorted, each once. */
  dependsOn: string[];
}

export interface RelationsFacts {
  packages: PackageRelations[];
  /** Requires no installed package provides, as `NEVRA: capability` (a broken install, or --nodeps). */
  unresolved: string[];
  /**
   * `requires`: NEVRA key → its soname requires, sorted (packages with none left out); `providers`: each of
   * those sonames → the installed NEVRA keys providing it (none: absent). Absent in facts of an older Ferry.
   */
  sonames?: { requires: Record<string, string[]>; providers: Record<string, string[]> };
}

const FS = '\x1f';
const RS = '\x1e';
const GS = '\x1d';

/** The key relations entries and packages share: the NEVRA with its epoch always shown. */
export function relationKey(p: Nevra): string {
  return formatNevra(p, { alwaysEpoch: true });
}

const INTERNAL = /^(rpmlib|config|rtld|kernel|auto)\(/;

/**
 * One package's relations fields. `requires`/`provides`: capability names (what resolves a require here);
 * `versioned`: the four lists as rpm prints them with versions (%{REQUIRENEVRS} and kin: `name`, `name OP
 * [E:]V-R`, a rich dep whole), for the dependencies section.
 */
export interface RawRelations {
  key: string; headerDigest?: string; sigmd5?: string; requires: string[]; provides: string[];
  versioned: { requires: string[]; provides: string[]; conflicts: string[]; obsoletes: string[] };
}

/** The capability name of a %{…NEVRS} entry: a rich dep `(…)` whole, otherwise what precedes ` OP EVR`. */
export function capabilityName(dep: string): string {
  if (dep.startsWith('(')) return dep;
  const at = dep.search(/ (?:[<>]=?|=) /);
  return at < 0 ? dep : dep.slice(0, at);
}

function nevraOf(f: readonly string[]): string {
  const [name, epoch, version, release, arch] = f;
  return relationKey({ name, epoch: epoch === '(none)' ? 0 : Number(epoch), version, release, arch: arch === '(none)' ? 'noarch' : arch });
}

/** Where a packages record's relations fields start, and how many fields the record has. */
const REL_AT = RPM_QUERY_FIELDS.length;
const RECORD_FIELDS = REL_AT + RELATION_QUERY_FIELDS.length;

/**
 * Parses the packages part's records (RPM_QUERY_FIELDS, then RELATION_QUERY_FIELDS) into each package's
 * digests, requires and provides (lists GS-terminated); gpg-pubkey and malformed records are left out (the
 * packages section reports the malformed ones).
 */
export function parseRelationRecords(text: string): RawRelations[] {
  const out: RawRelations[] = [];
  for (const record of text.split(RS)) {
    const rec = record.replace(/^\n+/, '');
    if (rec.trim() === '') continue;
    const f = rec.split(FS);
    if (f.length !== RECORD_FIELDS || f[0] === 'gpg-pubkey') continue;
    const [digestField, md5, requires, provides, conflicts, obsoletes] = f.slice(REL_AT);
    const digest = digestField.replace(/^(sha256|sha1):(\(none\))?$/, '');
    const list = (s: string): string[] => s.split(GS).filter((x) => x !== '' && x !== '(none)');
    const versioned = { requires: list(requires), provides: list(provides), conflicts: list(conflicts), obsoletes: list(obsoletes) };
    out.push({
      key: nevraOf(f),
      ...(digest ? { headerDigest: digest } : {}),
      ...(md5 && md5 !== '(none)' ? { sigmd5: md5 } : {}),
      requires: versioned.requires.map(capabilityName),
      provides: versioned.provides.map(capabilityName),
      versioned,
    });
  }
  return out;
}

/** Parses the fileowners part: `path FS owner-fields… RS` per distinct file require (no owner: the path alone). */
export function parseFileOwners(text: string): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const record of text.split(RS)) {
    const rec = record.replace(/^\n+/, '');
    if (rec === '') continue;
    const [path, ...rest] = rec.split(FS);
    const keys: string[] = [];
    for (let i = 0; i + 5 <= rest.length; i += 5) keys.push(nevraOf(rest.slice(i, i + 5)));
    owners.set(path, keys);
  }
  return owners;
}

/** Resolves every package's requires to the installed packages providing them. Pure. */
export function resolveRelations(records: readonly RawRelations[], fileOwners: ReadonlyMap<string, readonly string[]>): RelationsFacts {
  const providers = new Map<string, string[]>();
  for (const r of records) {
    for (const cap of new Set(r.provides)) {
      const list = providers.get(cap);
      if (list) list.push(r.key);
      else providers.set(cap, [r.key]);
    }
  }
  const unresolved: string[] = [];
  const sonames: NonNullable<RelationsFacts['sonames']> = { requires: {}, providers: {} };
  const packages = records.map((r): PackageRelations => {
    const deps = new Set<string>();
    const libs = [...new Set(r.requires)].filter(isSonameProvide).sort();
    if (libs.length) sonames.requires[r.key] = libs;
    for (const lib of libs) {
      const by = providers.get(lib);
      if (by) sonames.providers[lib] = [...new Set(by)].sort();
    }
    for (const req of new Set(r.requires)) {
      if (INTERNAL.test(req)) continue;
      const by = providers.get(req) ?? (req.startsWith('/') ? fileOwners.get(req) : undefined);
      if (!by || by.length === 0) {
        unresolved.push(`${r.key}: ${req}`);
        continue;
      }
      for (const k of by) if (k !== r.key) deps.add(k);
    }
    return {
      nevra: r.key,
      ...(r.headerDigest ? { headerDigest: r.headerDigest } : {}),
      ...(r.sigmd5 ? { sigmd5: r.sigmd5 } : {}),
      dependsOn: [...deps].sort(),
    };
  });
  packages.sort((a, b) => (a.nevra < b.nevra ? -1 : a.nevra > b.nevra ? 1 : 0));
  return { packages, unresolved: unresolved.sort(), sonames };
}

export const relationsSection = defineSection({
  name: 'relations',
  parts: ['fileowners'],
  uses: [packagesSection],
  read(input) {
    const pk = input.output('packages');
    if (pk && pk.code === undefined) return { error: `the packages section of the facts output (rpm -qa) on ${input.hostName} was cut short` };
    if (!pk || pk.code !== 0) return { error: `rpm -qa (requires and provides) on ${input.hostName} ${pk ? `exited ${pk.code}: ${pk.stderr.trim().slice(0, 300)}` : 'printed nothing'}` };
    const files = input.output('fileowners');
    return { value: resolveRelations(parseRelationRecords(pk.body), parseFileOwners(files?.body ?? '')) };
  },
  // One awk reads two inputs, switching its record separator between them (POSIX operand assignments): the
  // packages records (split at RS and FS: requires are field 17 and provides 18 — RPM_QUERY_FIELDS, then digest,
  // SIGMD5, requires, provides, conflicts, obsoletes; a file require or provide carries no version), for the file
  // requires no package provides by name (only those need owners: resolveRelations asks the owners only then);
  // then every file list, one line per file, for their owners. No subshell, no sort: the reader keys by path.
  // With no such require awk stops at the first file line, and rpm's pass over every file list ends there
  // (SIGPIPE).
  script: String.raw`
s_fileowners() {
  rpmq -qa --qf "[%{=NAME}$FS%{=EPOCH}$FS%{=VERSION}$FS%{=RELEASE}$FS%{=ARCH}$FS%{FILENAMES}\n]" |
  awk -F "$FS" -v fs="$FS" -v rs="$RS" -v gs="$GS" '!files { n = split($17, r, gs); for (i = 1; i <= n; i++) if (substr(r[i], 1, 1) == "/") want[r[i]] = 1
      n = split($18, p, gs); for (i = 1; i <= n; i++) if (substr(p[i], 1, 1) == "/") prov[p[i]] = 1; next }
      !seen++ { k = 0; for (f in want) if (!(f in prov)) k++; if (!k) exit }
      ($6 in want) { own[$6] = own[$6] fs $1 fs $2 fs $3 fs $4 fs $5 }
      END { for (f in want) if (!(f in prov)) printf "%s%s%s", f, own[f], rs }' RS="$RS" "$T.rel" RS='\n' files=1 -
}`,
});
