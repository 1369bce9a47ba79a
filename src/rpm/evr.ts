import { FerryError } from '../core/errors.js';
import type { Evr } from './types.js';

/**
 * rpmvercmp, exactly as rpm 4.18 (lib/rpmvercmp.c): compares two version (or release) strings segment by
 * segment. Separators are any non-alphanumeric characters other than `~` and `^`; `~` sorts before
 * everything (even the end of the string), `^` sorts after the end of the string but before anything else.
 * Numeric segments beat alphabetic ones; numbers compare by value (leading zeros stripped), then length.
 * Only ASCII letters and digits form segments; every other character (incl. non-ASCII) is a separator.
 * rpm sees C strings, so a string is read up to its first NUL, as rpm would.
 */
export function rpmvercmp(a: string, b: string): -1 | 0 | 1 {
  a = beforeNul(a);
  b = beforeNul(b);
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const la = a.length;
  const lb = b.length;
  while (i < la || j < lb) {
    while (i < la && !isAlnum(a.charCodeAt(i)) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < lb && !isAlnum(b.charCodeAt(j)) && b[j] !== '~' && b[j] !== '^') j++;

    // tilde: sorts before everything else
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    // caret: like end of string but sorts after it; "1.0^" > "1.0", "1.0^" < "1.0.1"
    if (a[i] === '^' || b[j] === '^') {
      if (i >= la) return -1;
      if (j >= lb) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < la && j < lb)) break;

    let si = i;
    let sj = j;
    const numeric = isDigit(a.charCodeAt(si));
    if (numeric) {
      while (i < la && isDigit(a.charCodeAt(i))) i++;
      while (j < lb && isDigit(b.charCodeAt(j))) j++;
    } else {
      while (i < la && isAlpha(a.charCodeAt(i))) i++;
      while (j < lb && isAlpha(b.charCodeAt(j))) j++;
    }
    // segment of a is non-empty by construction; an empty b segment means the kinds differ
    if (sj === j) return numeric ? 1 : -1;

    if (numeric) {
      while (si < i && a[si] === '0') si++;
      while (sj < j && b[sj] === '0') sj++;
      const na = i - si;
      const nb = j - sj;
      if (na !== nb) return na > nb ? 1 : -1;
    }
    const segA = a.slice(si, i);
    const segB = b.slice(sj, j);
    if (segA !== segB) return segA < segB ? -1 : 1;
  }
  const endA = i >= la;
  const endB = j >= lb;
  if (endA && endB) return 0;
  // whichever has characters left wins (rpm: "whichever version still has characters left over wins")
  return endA ? -1 : 1;
}

function beforeNul(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isAlnum(c: number): boolean {
  return isDigit(c) || isAlpha(c);
}

/**
 * Compares two EVRs like rpm's rpmVersionCompare: epoch numerically, then version, then release.
 * When either release is unspecified, releases are not compared (dependency semantics: `foo >= 1.0`
 * matches `1.0-5`).
 */
export function compareEvr(a: Evr, b: Evr): -1 | 0 | 1 {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  const v = rpmvercmp(a.version, b.version);
  if (v !== 0) return v;
  if (a.release === undefined || b.release === undefined) return 0;
  return rpmvercmp(a.release, b.release);
}

/**
 * Parses `[epoch:]version[-release]`. The release is what follows the last `-`; an empty epoch means 0.
 * Throws EVR_INVALID for an empty version or a non-numeric epoch.
 */
export function parseEvr(text: string): Evr {
  let rest = text;
  let epoch = 0;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const e = rest.slice(0, colon);
    if (e !== '' && !/^\d+$/.test(e)) throw new FerryError('EVR_INVALID', `EVR "${text}": epoch "${e}" is not a number`);
    epoch = e === '' ? 0 : Number(e);
    if (!Number.isSafeInteger(epoch)) throw new FerryError('EVR_INVALID', `EVR "${text}": epoch is too large`);
    rest = rest.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  const version = dash >= 0 ? rest.slice(0, dash) : rest;
  const release = dash >= 0 ? rest.slice(dash + 1) : undefined;
  if (version === '') throw new FerryError('EVR_INVALID', `EVR "${text}": empty version`);
  return release === undefined ? { epoch, version } : { epoch, version, release };
}

/** Formats an EVR the way rpm prints it: the epoch only when non-zero. */
export function formatEvr(evr: Evr, options: { alwaysEpoch?: boolean } = {}): string {
  const e = evr.epoch !== 0 || options.alwaysEpoch ? `${evr.epoch}:` : '';
  return `${e}${evr.version}${evr.release !== undefined ? `-${evr.release}` : ''}`;
}
