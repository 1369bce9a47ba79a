import { FerryError } from '../core/index.js';
import { compareEvr, formatEvr } from './evr.js';
import type { Evr, Nevra } from './types.js';

/** Name-epoch-version-release without an architecture (what `rpm -q --qf '%{NEVR}'` prints). */
export interface Nevr extends Evr {
  name: string;
  release: string;
}

const DIGITS = /^\d+$/;
/** Whitespace and control characters never occur in a name, version, release or arch rpm accepts. */
const FORBIDDEN = /[\s\x00-\x1f\x7f]/;

function invalid(text: string, why: string): FerryError {
  return new FerryError('NEVRA_INVALID', `"${text}" is not a valid NEVRA: ${why}`, {
    details: { reason: why },
    hint: 'expected name-[epoch:]version-release.arch, e.g. bash-5.1.8-6.el9.x86_64 or bash-0:5.1.8-6.el9.x86_64',
  });
}

function parseEpoch(text: string, e: string): number {
  // rpm -qa --qf '%{EPOCH}' prints "(none)" for a package without an epoch
  if (e === '(none)' || e === '') return 0;
  if (!DIGITS.test(e)) throw invalid(text, `epoch "${e}" is not a number`);
  const n = Number(e);
  if (!Number.isSafeInteger(n)) throw invalid(text, `epoch "${e}" is too large`);
  return n;
}

/**
 * Parses `name-[epoch:]version-release`, also the `epoch:name-version-release` form yum and dnf accept.
 * The release is what follows the last `-`, the version what lies between it and the `-` before; the name
 * keeps any further dashes and dots (`python3-dnf-plugin-foo`, `java-1.8.0-openjdk`).
 */
export function parseNevr(text: string): Nevr {
  return parseNevrPart(text, text);
}

function parseNevrPart(nevr: string, text: string): Nevr {
  if (FORBIDDEN.test(nevr)) throw invalid(text, 'contains whitespace or a control character');
  const relDash = nevr.lastIndexOf('-');
  if (relDash < 0) throw invalid(text, 'no "-" before the release');
  const release = nevr.slice(relDash + 1);
  const verDash = nevr.lastIndexOf('-', relDash - 1);
  if (verDash < 0) throw invalid(text, 'no "-" before the version');
  let version = nevr.slice(verDash + 1, relDash);
  let name = nevr.slice(0, verDash);
  let epoch = 0;
  const colon = version.indexOf(':');
  if (colon >= 0) {
    epoch = parseEpoch(text, version.slice(0, colon));
    version = version.slice(colon + 1);
  } else {
    const m = /^([^:]*):(.*)$/.exec(name);
    if (m) {
      epoch = parseEpoch(text, m[1]);
      name = m[2];
    }
  }
  if (name === '') throw invalid(text, 'empty name');
  if (name.includes(':')) throw invalid(text, `name "${name}" contains ":"`);
  if (version === '') throw invalid(text, 'empty version');
  if (version.includes(':')) throw invalid(text, `version "${version}" contains ":"`);
  if (release === '') throw invalid(text, 'empty release');
  if (release.includes(':')) throw invalid(text, `release "${release}" contains ":"`);
  return { name, epoch, version, release };
}

/**
 * Parses `name-[epoch:]version-release.arch` (also `name-(none):version-release.arch` as
 * `rpm -qa --qf '%{NAME}-%{EPOCH}:%{VERSION}-%{RELEASE}.%{ARCH}'` prints it, and `epoch:name-…`).
 * The arch is what follows the last `.`; `.src`, `.nosrc` and `.noarch` are arches like any other.
 * A string without an arch (`gpg-pubkey-8483c65d-5ccc5b19`) cannot be told from one whose release has a
 * dot, so it is either rejected (no dot) or read with the release's last dot part as arch: use parseNevr
 * for such strings.
 */
export function parseNevra(text: string): Nevra {
  const dot = text.lastIndexOf('.');
  if (dot < 0) throw invalid(text, 'no ".arch" suffix');
  const arch = text.slice(dot + 1);
  if (arch === '') throw invalid(text, 'empty arch');
  if (arch.includes('-') || arch.includes(':')) throw invalid(text, `arch "${arch}" contains "-" or ":"`);
  const nevr = parseNevrPart(text.slice(0, dot), text);
  return { name: nevr.name, epoch: nevr.epoch, version: nevr.version, release: nevr.release, arch };
}

/** Formats `name-[epoch:]version-release.arch`, the epoch only when non-zero unless alwaysEpoch. */
export function formatNevra(n: Nevra, options: { alwaysEpoch?: boolean } = {}): string {
  return `${n.name}-${formatEvr(n, options)}.${n.arch}`;
}

/** Formats `name-[epoch:]version-release`. */
export function formatNevr(n: Evr & { name: string }, options: { alwaysEpoch?: boolean } = {}): string {
  return `${n.name}-${formatEvr(n, options)}`;
}

function compareStrings(a: string, b: string): -1 | 0 | 1 {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Orders by name (code-unit order: byte order for the ASCII names rpm allows), then EVR (rpmvercmp), then arch. */
export function compareNevra(a: Nevra, b: Nevra): -1 | 0 | 1 {
  return compareStrings(a.name, b.name) || compareEvr(a, b) || compareStrings(a.arch, b.arch);
}

/**
 * Parses a package file name `name-version-release.arch.rpm` (a directory part is ignored). A file name
 * carries no epoch: the result has epoch 0, which means "unknown" here; read the header for the real one.
 */
export function parseRpmFilename(path: string): Nevra {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (!base.endsWith('.rpm')) {
    throw new FerryError('NEVRA_INVALID', `"${path}" is not an rpm file name: it does not end in ".rpm"`);
  }
  const stem = base.slice(0, -'.rpm'.length);
  if (stem.includes(':')) throw invalid(base, 'a package file name carries no epoch');
  return parseNevra(stem);
}
