/**
 * Package lists as users hand them to `ferry assess --manifest`: the formats Ferry reads, how each line is
 * read, and what a format cannot say. Formats (the captured shapes are in package-list.test.ts, from rpm 4.18):
 *  - rpm-qa: `rpm -qa` as printed by default (%{NVRA}): `name-version-release.arch`, no epochs;
 *  - nevra: `name-epoch:version-release.arch` lines, as `rpm -qa --qf '%{NEVRA}\n'` prints them (the epoch only
 *    when the package has one) or with every epoch written (`%{EPOCHNUM}`, `(none)`);
 *  - queryformat: Ferry's own RPM_QUERYFORMAT dump (\x1f fields, \x1e records);
 *  - sosreport: a sosreport's `installed-rpms`, made by sos's rpm plugin (sos/report/plugins/rpm.py) with
 *    `rpm --nodigest -qa --qf '%-59{NVRA} %{INSTALLTIME:date}\n' | sort -V`: the NVRA, spaces, the install date.
 * A list with no epoch on any line (rpm-qa, sosreport) leaves every epoch unknown: each package is marked
 * epochUnknown for the fates to resolve, never silently read as epoch 0. A list with an epoch on some line
 * writes them where they exist (%{NEVRA}), so a line without one has none.
 * Every line must be read, or the whole list is refused (MANIFEST_INVALID naming file:line): a line that
 * does not parse is the user's input, not evidence about the host.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { excerpt, FerryError, isFerryError, redact } from '../core/index.js';
import { formatNevra, parseNevra } from '../rpm/nevra.js';
import { parseRpmQuery } from './parse-rpm.js';
import { RPM_FIELD_SEP } from './rpm-queryformat.js';
import type { InstalledPackage, PackageListFacts, PackageListFormat } from './types.js';

/** What each format looks like, for `--help` and for error hints. */
export const PACKAGE_LIST_FORMATS: Readonly<Record<PackageListFormat, string>> = {
  'rpm-qa': 'plain `rpm -qa` output (name-version-release.arch per line; epochs unknown)',
  nevra: 'NEVRAs with epochs (name-epoch:version-release.arch, e.g. `rpm -qa --qf \'%{NEVRA}\\n\'`)',
  queryformat: 'Ferry\'s own rpm query-format dump (fields split by \\x1f, records by \\x1e)',
  sosreport: 'a sosreport\'s installed-rpms (NVRA and install date per line), or the sosreport directory holding it',
};

/** The file sos writes the package list to, at the top of a sosreport directory. */
export const SOSREPORT_PACKAGE_LIST = 'installed-rpms';

/** A package list larger than this is not a package list (a real host has a few thousand lines). */
const MAX_BYTES = 64 * 1024 * 1024;

export interface PackageListParse {
  packages: InstalledPackage[];
  list: PackageListFacts;
}

const HINT = `Ferry reads ${Object.values(PACKAGE_LIST_FORMATS).join('; ')}.`;

function invalid(message: string, details?: Record<string, unknown>): FerryError {
  return new FerryError('MANIFEST_INVALID', message, { hint: HINT, ...(details ? { details } : {}) });
}

/** `gpg-pubkey-f4a80eb5-53a7ff4b`, also with a `(none):` epoch and a `.(none)` arch: an imported rpm key. */
const GPG_PUBKEY = /^gpg-pubkey-(?:\(none\):|0:)?([0-9a-f]{8})-[0-9a-f]+(?:\.\(none\))?$/i;

/** rpm's %{INSTALLTIME:date} in any locale: a clock time and a four-digit year. */
function isInstallDate(text: string): boolean {
  return /\b\d{1,2}:\d\d:\d\d\b/.test(text) && /(?:^|\s)\d{4}(?:\s|$)/.test(text);
}

/** Drops exact repeats (the same NEVRA twice), keeping the first; several versions of one name all stay. */
function dropDuplicates(packages: InstalledPackage[]): { packages: InstalledPackage[]; duplicates: string[] } {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  const kept: InstalledPackage[] = [];
  for (const p of packages) {
    const key = formatNevra(p, { alwaysEpoch: true });
    if (seen.has(key)) { duplicates.add(formatNevra(p)); continue; }
    seen.add(key);
    kept.push(p);
  }
  return { packages: kept, duplicates: [...duplicates] };
}

function parseQueryFormatDump(text: string, file: string): PackageListParse {
  const parsed = parseRpmQuery(text, file);
  if (parsed.problems.length > 0) {
    throw invalid(`${parsed.problems[0]}${parsed.problems.length > 1 ? ` (and ${parsed.problems.length - 1} more)` : ''}`,
      { problems: parsed.problems.slice(0, 5) });
  }
  const { packages, duplicates } = dropDuplicates(parsed.packages);
  return { packages, list: { format: 'queryformat', epochsKnown: true, duplicates, importedKeys: parsed.importedKeys } };
}

/** Parses a package list in any of PACKAGE_LIST_FORMATS; `file` names it in errors. Pure. */
export function parsePackageList(text: string, file: string): PackageListParse {
  const parsed = text.includes(RPM_FIELD_SEP) ? parseQueryFormatDump(text, file) : parseLines(text, file);
  if (parsed.packages.length === 0) {
    throw invalid(`${file} lists no packages`, parsed.list.importedKeys.length ? { importedKeys: parsed.list.importedKeys.length } : undefined);
  }
  return parsed;
}

function parseLines(text: string, file: string): PackageListParse {
  const packages: InstalledPackage[] = [];
  const importedKeys: { keyId: string }[] = [];
  /** Whether the list's lines carry an install date (sosreport), decided by its first package line. */
  let dated: { value: boolean; line: number } | undefined;
  let anyEpoch = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(\S+)\s+(.*)$/.exec(line);
    if (m && !isInstallDate(m[2])) {
      throw invalid(`${file}:${n}: expected one package per line (optionally followed by its install date, as in a sosreport): ${excerpt(line)}`);
    }
    const nevra = m ? m[1] : line;
    if (dated === undefined) dated = { value: m !== null, line: n };
    else if (dated.value !== (m !== null)) {
      throw invalid(`${file}:${n}: ${m ? 'an install date after the package, unlike' : 'no install date after the package, unlike'} line ${dated.line}: ${excerpt(line)}`);
    }
    const key = GPG_PUBKEY.exec(nevra);
    if (key) { importedKeys.push({ keyId: key[1].toLowerCase() }); return; }
    try {
      packages.push(parseNevra(nevra));
    } catch (err) {
      if (!isFerryError(err, 'NEVRA_INVALID')) throw err;
      // The line is file content (a manifest may be anything): only its excerpt is quoted, in the message. The
      // parser's reason quotes pieces of the line, where a secret is no longer recognisable (a crypt hash split
      // at its dots), so a line holding a secret gets no reason.
      const why = typeof err.details?.reason === 'string' && redact(line) === line ? err.details.reason : '';
      const reason = why ? ` (${why.length > 120 ? `${why.slice(0, 120)}…` : why})` : '';
      throw invalid(`${file}:${n}: not a package name-[epoch:]version-release.arch${reason}: ${excerpt(line)}`);
    }
    // A name never holds ":" (parseNevra refuses it), so a ":" is an epoch written out.
    if (nevra.includes(':')) anyEpoch = true;
  });
  const deduped = dropDuplicates(anyEpoch ? packages : packages.map((p) => ({ ...p, epochUnknown: true })));
  const format: PackageListFormat = dated?.value ? 'sosreport' : anyEpoch ? 'nevra' : 'rpm-qa';
  return { packages: deduped.packages, list: { format, epochsKnown: anyEpoch, duplicates: deduped.duplicates, importedKeys } };
}

/**
 * Reads a package list file as text: a regular file, or a sosreport directory (its installed-rpms). Opened
 * non-blocking and checked with fstat before reading, so a FIFO or a device is refused instead of hanging;
 * a file with NUL bytes (an archive, a database) or not UTF-8 is refused, except a query-format dump, whose
 * free-text fields (summary, packager) may predate UTF-8.
 */
export async function readPackageListText(path: string): Promise<{ file: string; text: string }> {
  return readText(path, true);
}

async function readText(path: string, sosreportDir: boolean): Promise<{ file: string; text: string }> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new FerryError('NOT_FOUND', `Package list ${path} does not exist`, { cause: err, hint: 'Give the path of a package list file or of a sosreport directory.' });
    }
    throw new FerryError('IO', `Package list ${path} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  let buf: Buffer;
  try {
    const st = await handle.stat();
    if (st.isDirectory() && sosreportDir) {
      await handle.close();
      handle = undefined;
      return await readSosreport(path);
    }
    if (!st.isFile()) {
      const kind = st.isDirectory() ? 'directory' : st.isFIFO() ? 'FIFO' : st.isSocket() ? 'socket' : 'device';
      throw invalid(`${path} is not a regular file (a ${kind}): give a package list file`);
    }
    if (st.size > MAX_BYTES) throw invalid(`${path} is ${st.size} bytes, larger than any package list (${MAX_BYTES} bytes at most)`);
    buf = await handle.readFile();
  } finally {
    await handle?.close();
  }
  return { file: path, text: decodeText(buf, path) };
}

async function readSosreport(dir: string): Promise<{ file: string; text: string }> {
  const file = join(dir, SOSREPORT_PACKAGE_LIST);
  try {
    return await readText(file, false);
  } catch (err) {
    if (isFerryError(err, 'NOT_FOUND')) {
      throw invalid(`${dir} is a directory without ${SOSREPORT_PACKAGE_LIST}: only a sosreport directory is read as a package list`, { cause: err.message });
    }
    throw err;
  }
}

function decodeText(buf: Buffer, file: string): string {
  const gzip = buf[0] === 0x1f && buf[1] === 0x8b;
  if (gzip || buf.includes(0)) {
    throw new FerryError('MANIFEST_INVALID', `${file} is not a text file (${gzip ? 'gzip-compressed' : 'it holds NUL bytes'})`, {
      hint: gzip ? 'Decompress it first (a sosreport archive: extract it and give the directory).' : HINT,
    });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    if (buf.includes(RPM_FIELD_SEP.charCodeAt(0))) return new TextDecoder('utf-8').decode(buf);
    throw new FerryError('MANIFEST_INVALID', `${file} is not UTF-8 text`, { hint: HINT });
  }
}
