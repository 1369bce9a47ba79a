/**
 * libsolv's disttype (pool_setdisttype, src/evr.c, src/pool.c): how a pool orders and matches versions. rpm's is
 * the default (rpmvercmp, a missing release matching any); a testcase's `system ARCH deb` gives Debian's:
 * solv_vercmp_deb over the version and the revision, dependencies compared whole (EVRCMP_COMPARE: a missing
 * revision sorts before a present one), an unversioned provide never meets a versioned dependency, and `all` is
 * the noarch architecture.
 */
import { compareEvr } from '../rpm/evr.js';
import type { Dep, Evr } from '../rpm/types.js';
import type { SolverPool } from './types.js';

export type Disttype = 'rpm' | 'deb';

/** solv_vercmp_deb: dpkg's order — digit runs by value, `~` before everything, letters before other characters. */
export function debvercmp(a: string, b: string): -1 | 0 | 1 {
  let i = 0;
  let j = 0;
  const at = (s: string, k: number): number => (k < s.length ? s.charCodeAt(k) : 0);
  const digit = (c: number): boolean => c >= 48 && c <= 57;
  const weight = (c: number): number => {
    if (c === 126) return -1; // ~
    if (!c || digit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return c;
    return c + 256;
  };
  for (;;) {
    let c1 = at(a, i++);
    let c2 = at(b, j++);
    if (digit(c1) && digit(c2)) {
      while (c1 === 48) c1 = at(a, i++);
      while (c2 === 48) c2 = at(b, j++);
      let r = 0;
      while (digit(c1) && digit(c2)) {
        if (!r) r = c1 - c2;
        c1 = at(a, i++);
        c2 = at(b, j++);
      }
      if (digit(c1)) return 1;
      if (digit(c2)) return -1;
      if (r) return r < 0 ? -1 : 1;
    }
    const r = weight(c1) - weight(c2);
    if (r) return r < 0 ? -1 : 1;
    if (!c1) return 0;
  }
}

/** pool_evrcmp in EVRCMP_COMPARE mode under Debian's order: epoch, version, then a missing revision first. */
export function compareDebEvr(a: Evr, b: Evr): -1 | 0 | 1 {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  const v = debvercmp(a.version, b.version);
  if (v || (a.release === undefined && b.release === undefined)) return v;
  if (a.release === undefined) return -1;
  if (b.release === undefined) return 1;
  return debvercmp(a.release, b.release);
}

/** The pool's order of two packages' EVRs (rpm's compareEvr unless the pool is Debian's). */
export function evrOrder(pool: SolverPool): (a: Evr, b: Evr) => number {
  return pool.disttype === 'deb' ? compareDebEvr : compareEvr;
}

/** The pool's noarch architecture: `noarch`, Debian's `all`. */
export function noarchOf(pool: SolverPool): string {
  return pool.disttype === 'deb' ? 'all' : 'noarch';
}

const SENSE = { LT: 1, GT: 2, EQ: 4, LE: 5, GE: 6 } as const;

/**
 * pool_match_flags_evr under Debian's rules: whether provide meets want. Unversioned on one side: a versioned
 * dependency is never met by an unversioned provide (pool_addrelproviders), an unversioned one by any.
 */
export function matchesDebDep(provide: Dep, want: Dep): boolean {
  if (provide.name !== want.name) return false;
  if (want.flags === undefined || want.evr === undefined) return true;
  if (provide.flags === undefined || provide.evr === undefined) return false;
  const pf = SENSE[provide.flags];
  const f = SENSE[want.flags];
  if (pf & f & 3) return true; // both point the same way
  const r = compareDebEvr(provide.evr, want.evr);
  if (r < 0) return (f & 1) !== 0 || (pf & 2) !== 0;
  if (r > 0) return (f & 2) !== 0 || (pf & 1) !== 0;
  return (f & pf & 4) !== 0;
}
