/** Parsers for rpm query output: the \x1f/\x1e queryformat dump and pgpsig strings. Pure. */
import { excerpt } from '../core/index.js';
import { RPM_FIELD_SEP, RPM_QUERY_FIELDS, RPM_RECORD_SEP } from './rpm-queryformat.js';
import type { InstalledPackage, PackageSignature } from './types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Parses the date rpm's :pgpsig prints under LC_ALL=C TZ=UTC, in the old and new formats. */
function parseSigDate(text: string): number | undefined {
  // rpm ≥ 4.13 prints strftime %c: "Tue Jul  2 02:39:19 2019"; older: "Tue 02 Jul 2019 02:39:19 AM UTC".
  let m = /^\w{3} (\w{3}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})$/.exec(text);
  if (m) return Date.UTC(Number(m[6]), MONTHS.indexOf(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) / 1000;
  m = /^\w{3} (\d{1,2}) (\w{3}) (\d{4}) (\d\d):(\d\d):(\d\d) (AM|PM)(?: \w+)?$/.exec(text);
  if (m) {
    const h = (Number(m[4]) % 12) + (m[7] === 'PM' ? 12 : 0);
    return Date.UTC(Number(m[3]), MONTHS.indexOf(m[2]), Number(m[1]), h, Number(m[5]), Number(m[6])) / 1000;
  }
  return undefined;
}

/** `RSA/SHA256, Tue Jul  2 02:39:19 2019, Key ID 05b555b38483c65d` → signature; `(none)` → undefined. */
export function parsePgpSig(text: string): PackageSignature | undefined {
  const t = text.trim();
  if (t === '' || t === '(none)') return undefined;
  const m = /^([^,]+),\s*(.*),\s*Key ID ([0-9a-fA-F]+)$/.exec(t);
  if (!m) return undefined;
  const time = parseSigDate(m[2].trim());
  return { algorithm: m[1].trim(), keyId: m[3].toLowerCase(), ...(time !== undefined && !Number.isNaN(time) ? { time } : {}) };
}

const none = (v: string | undefined): string | undefined => (v === undefined || v === '(none)' || v === '' ? undefined : v);

export interface RpmQueryParse {
  packages: InstalledPackage[];
  /** gpg-pubkey pseudo packages. */
  importedKeys: { keyId: string; summary?: string }[];
  /** Records that did not parse, each as `origin:line: record N …` (line: where the record starts). */
  problems: string[];
}

/** Parses RPM_QUERYFORMAT output (one record per package). */
/**
 * Parses RPM_QUERYFORMAT records. `extraFields`: each record carries that many more fields after Ferry's
 * (the facts script's packages part appends the relations fields to the one rpm -qa); they are not read here.
 */
export function parseRpmQuery(text: string, origin = 'rpm -qa', extraFields = 0): RpmQueryParse {
  const expected = RPM_QUERY_FIELDS.length + extraFields;
  const packages: InstalledPackage[] = [];
  const importedKeys: { keyId: string; summary?: string }[] = [];
  const problems: string[] = [];
  const records = text.split(RPM_RECORD_SEP);
  let line = 1;
  records.forEach((record, i) => {
    const rec = record.replace(/^\n+/, '');
    const at = line + record.length - rec.length;
    line += record.split('\n').length - 1;
    if (rec.trim() === '') return;
    const f = rec.split(RPM_FIELD_SEP);
    if (f.length !== expected) {
      problems.push(`${origin}:${at}: record ${i + 1} has ${f.length} fields, expected ${expected}: ${excerpt(rec)}`);
      return;
    }
    const [name, epoch, version, release, arch, vendor, packager, sourcerpm, installtime, buildtime, sig, license, size, summary] = f;
    if (name === 'gpg-pubkey') {
      importedKeys.push({ keyId: version.toLowerCase(), ...(none(summary) ? { summary } : {}) });
      return;
    }
    if (!name || !version || !/^\d+$|^\(none\)$/.test(epoch)) {
      problems.push(`${origin}:${at}: record ${i + 1} (${excerpt(name)}) has no valid name, version or epoch`);
      return;
    }
    const signature = parsePgpSig(sig);
    const pkg: InstalledPackage = {
      name,
      epoch: epoch === '(none)' ? 0 : Number(epoch),
      epochSet: epoch !== '(none)',
      version,
      release,
      arch: none(arch) ?? 'noarch',
    };
    const opt: Partial<InstalledPackage> = {
      vendor: none(vendor), packager: none(packager), sourcerpm: none(sourcerpm), license: none(license),
      installTime: /^\d+$/.test(installtime) ? Number(installtime) : undefined,
      buildTime: /^\d+$/.test(buildtime) ? Number(buildtime) : undefined,
      size: /^\d+$/.test(size) ? Number(size) : undefined,
      signature,
    };
    Object.assign(pkg, Object.fromEntries(Object.entries(opt).filter(([, v]) => v !== undefined))); // absent fields stay absent, not undefined
    packages.push(pkg);
  });
  return { packages, importedKeys, problems };
}

/** rpm's Berkeley DB index files (lib/rpmdb.cc dbiTags), each beside Packages. */
export const BDB_INDEXES: readonly string[] = ['Name', 'Basenames', 'Group', 'Requirename', 'Providename', 'Conflictname', 'Obsoletename',
  'Triggername', 'Dirnames', 'Installtid', 'Sigmd5', 'Sha1header', 'Filetriggername', 'Transfiletriggername', 'Recommendname',
  'Suggestname', 'Supplementname', 'Enhancename'];

// rpm ≥ 4.17 (lib/rpmdb.cc dbDetectBackend) reading a database of another backend than its default says so and
// reads it: an EL9 rpm, or the controller's, on a CentOS 7/8 Berkeley DB database. That is not a problem of it.
const DETECTED_BACKEND = /^warning: Found \S+ \S+ database while attempting \S+ backend: using \S+ backend\.$/;
const MISSING_INDEX = new RegExp(`^warning: could not open \\S+/(${BDB_INDEXES.join('|')}): No such file or directory$`);

/**
 * What rpm printed on stderr beside a query, less what says nothing about the database: its note that it read
 * another backend than its default, and (`copied`: a database copied for reading, whose index files may not have
 * been copied; `rpm -qa` iterates Packages alone) a missing Berkeley DB index.
 */
export function rpmWarnings(stderr: string, options: { copied?: boolean } = {}): string[] {
  return stderr.split('\n').map((l) => l.trim()).filter((l) => l && !DETECTED_BACKEND.test(l) && !(options.copied && MISSING_INDEX.test(l)));
}

