/**
 * The packages section: every installed package from one `rpm -qa` with Ferry's query format (on a
 * Berkeley DB the host's rpm cannot open read-write, retried read-only), sorted; rpm's problems and the
 * imported keys go to the rpmdb section (rpmQueryOf, shared). The same query carries the relations
 * section's fields after Ferry's (RELATION_QUERY_FIELDS): one rpm -qa per host answers both sections, and
 * its output is kept in `$T.rel` for the relations section's file-owners part.
 */
import { compareEvr } from '../../rpm/evr.js';
import type { Nevra } from '../../rpm/types.js';
import { parseRpmQuery, rpmWarnings, type RpmQueryParse } from '../parse-rpm.js';
import { defineSection, sharedReading } from './section.js';

declare module '../types.js' { interface SectionFacts { packages?: InstalledPackage[] } }

export interface PackageSignature {
  /** e.g. RSA/SHA256, DSA/SHA1 — as rpm's :pgpsig formatter prints it. */
  algorithm: string;
  /** Signing time, seconds since epoch, when rpm printed a parseable date. */
  time?: number;
  /** Lower-case hex key id as rpm prints it (16 hex digits = last 8 bytes of the fingerprint). */
  keyId: string;
}

/** One installed package. Fields other than the NEVRA are absent when the source cannot tell (a NEVRA list). */
export interface InstalledPackage extends Nevra {
  /** True when the package header carries an epoch (even 0); false for "(none)". */
  epochSet?: boolean;
  /**
   * True when the source did not say (a plain `rpm -qa` list, a sosreport's installed-rpms): `epoch` is a
   * placeholder 0, and fates take the target's epoch for the same name (src/assess/fates.ts).
   */
  epochUnknown?: boolean;
  vendor?: string;
  packager?: string;
  /** Source RPM file name, e.g. bash-4.4.19-10.el8.src.rpm; undefined for gpg-pubkey pseudo packages. */
  sourcerpm?: string;
  installTime?: number;
  buildTime?: number;
  /** undefined when the package is unsigned. */
  signature?: PackageSignature;
  license?: string;
  /** Installed size in bytes. */
  size?: number;
}

/** Name (code-unit order), then EVR (rpmvercmp), then arch: the order of HostFacts.packages. */
export function sortPackages(packages: InstalledPackage[]): InstalledPackage[] {
  return packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : compareEvr(a, b) || (a.arch < b.arch ? -1 : a.arch > b.arch ? 1 : 0)));
}

/**
 * The most common arch of packages, ignoring noarch and source packages: the base arch of an offline source's
 * installed packages, and of a repository (its multilib i686 packages are the minority).
 */
export function dominantArch(packages: Iterable<{ arch: string }>): string | undefined {
  const count = new Map<string, number>();
  for (const p of packages) if (p.arch !== 'noarch' && p.arch !== 'src' && p.arch !== 'nosrc') count.set(p.arch, (count.get(p.arch) ?? 0) + 1);
  return [...count.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/**
 * The fields the packages part's records carry after RPM_QUERY_FIELDS, for the relations section: the header
 * digest (`sha256:`/`sha1:` prefixed), SIGMD5, and the requires and provides as \x1d-terminated lists.
 */
export const RELATION_QUERY_FIELDS = ['headerDigest', 'sigmd5', 'requires', 'provides', 'conflicts', 'obsoletes'] as const;

/** The one reading of rpm -qa: the packages (undefined when the query gave none), why not, and what rpm said. */
export const rpmQueryOf = sharedReading((input): Pick<RpmQueryParse, 'importedKeys' | 'problems'> & { packages?: InstalledPackage[]; error?: string } => {
  const pk = input.output('packages');
  // Cut short: the section's status says so, and rpm's output says nothing about the database.
  if (pk && pk.code === undefined) return { importedKeys: [], problems: [] };
  if (!pk) return { importedKeys: [], problems: [], error: 'rpm -qa produced no complete output' };
  const parsed = parseRpmQuery(pk.body, `rpm -qa on ${input.hostName}`, RELATION_QUERY_FIELDS.length);
  const problems = [...parsed.problems];
  if (pk.code !== 0) problems.push(`rpm -qa exited ${pk.code}: ${pk.stderr.trim().slice(0, 500)}`);
  else {
    const warned = rpmWarnings(pk.stderr);
    if (warned.length) problems.push(`rpm -qa warned: ${warned.join('\n').slice(0, 500)}`);
  }
  if (pk.code !== 0 && parsed.packages.length === 0) return { importedKeys: [], problems, error: `rpm -qa failed (exit ${pk.code}): ${pk.stderr.trim().slice(0, 300)}` };
  return { packages: sortPackages(parsed.packages), importedKeys: parsed.importedKeys, problems };
});

export const packagesSection = defineSection({
  name: 'packages',
  read(input) {
    const q = rpmQueryOf(input);
    return q.packages ? { value: q.packages } : { error: q.error ?? 'rpm -qa produced no complete output' };
  },
  // SHA256HEADER is unknown to rpm < 4.14 (EL7), whose query then fails as a whole: retried with SHA1HEADER.
  // Each attempt's output goes to $T.rel first, so a failed attempt's partial output is never printed.
  script: String.raw`
GS=$(printf '\035')
QF="%{NAME}$FS%{EPOCH}$FS%{VERSION}$FS%{RELEASE}$FS%{ARCH}$FS%{VENDOR}$FS%{PACKAGER}$FS%{SOURCERPM}$FS%{INSTALLTIME}$FS%{BUILDTIME}$FS%|DSAHEADER?{%{DSAHEADER:pgpsig}}:{%|RSAHEADER?{%{RSAHEADER:pgpsig}}:{%|SIGGPG?{%{SIGGPG:pgpsig}}:{%|SIGPGP?{%{SIGPGP:pgpsig}}:{(none)}|}|}|}|$FS%{LICENSE}$FS%{SIZE}$FS%{SUMMARY}$FS"
RQF="$FS%{SIGMD5}$FS[%{REQUIRENEVRS}$GS]$FS[%{PROVIDENEVRS}$GS]$FS[%{CONFLICTNEVRS}$GS]$FS[%{OBSOLETENEVRS}$GS]$RS"
s_packages() {
  q="$QF"'sha256:%{SHA256HEADER}'"$RQF"
  rpmq -qa --qf "$q" >"$T.rel" 2>"$T.e" && { [ -s "$T.e" ] && cat "$T.e" >&2; cat "$T.rel"; return 0; }
  if grep -q SHA256HEADER "$T.e"; then
    q="$QF"'sha1:%{SHA1HEADER}'"$RQF"
    rpmq -qa --qf "$q" >"$T.rel" && { cat "$T.rel"; return 0; }
  else
    cat "$T.e" >&2
  fi
  echo "retry=bdb_ro" >&2
  rpmq --define '_db_backend bdb_ro' -qa --qf "$q" >"$T.rel"
  c=$?
  cat "$T.rel"
  return $c
}`,
});
