/**
 * Drift between two repositories (openEuler oecp's idea): packages only on one side, version drift of the
 * packages both carry, provides drift per package and soname drift over the whole repository. A package is
 * `name.arch`, taken at its newest EVR on each side (source packages left out); capabilities are compared by
 * name (their versions follow the package's). Pure.
 */
import { compareEvr, formatEvr } from './evr.js';
import type { Package } from './types.js';

/** A soname capability as rpm's elfdeps writes it: `libfoo.so.1()(64bit)`, or `libfoo.so.1` on 32-bit. */
const SONAME = /^[^\s()/]+\.so(?:\.[^\s()]*)?(?:\(\))?(?:\(64bit\))?$/;

export function isSonameProvide(cap: string): boolean {
  return SONAME.test(cap);
}

export interface VersionDrift { package: string; a: string; b: string; newer: 'a' | 'b'; kind: 'epoch' | 'version' | 'release' }
export interface ProvidesDrift { package: string; onlyA: string[]; onlyB: string[] }
export interface SonameDrift { soname: string; providers: string[] }

export interface RepoDrift {
  a: { packages: number };
  b: { packages: number };
  onlyA: string[];
  onlyB: string[];
  versions: VersionDrift[];
  provides: ProvidesDrift[];
  /** Sonames one side provides and no package of the other does, with the providers (name.arch). */
  sonames: { onlyA: SonameDrift[]; onlyB: SonameDrift[] };
  summary: { both: number; sameEvr: number; newerA: number; newerB: number; providesDrift: number; sonamesOnlyA: number; sonamesOnlyB: number };
}

function newest(packages: readonly Package[]): Map<string, Package> {
  const out = new Map<string, Package>();
  for (const p of packages) {
    if (p.arch === 'src' || p.arch === 'nosrc') continue;
    const k = `${p.name}.${p.arch}`;
    const prior = out.get(k);
    if (!prior || compareEvr(p, prior) > 0) out.set(k, p);
  }
  return out;
}

function sonamesOf(packages: Iterable<Package>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const p of packages) {
    for (const d of p.provides) {
      if (!isSonameProvide(d.name)) continue;
      const s = out.get(d.name) ?? new Set<string>();
      s.add(`${p.name}.${p.arch}`);
      out.set(d.name, s);
    }
  }
  return out;
}

const sorted = (xs: Iterable<string>): string[] => [...xs].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

export function compareRepos(a: readonly Package[], b: readonly Package[]): RepoDrift {
  const na = newest(a);
  const nb = newest(b);
  const versions: VersionDrift[] = [];
  const provides: ProvidesDrift[] = [];
  let sameEvr = 0;
  for (const [k, pa] of na) {
    const pb = nb.get(k);
    if (!pb) continue;
    const c = compareEvr(pa, pb);
    if (c === 0) sameEvr++;
    else {
      const kind = pa.epoch !== pb.epoch ? 'epoch' : pa.version !== pb.version ? 'version' : 'release';
      versions.push({ package: k, a: formatEvr(pa), b: formatEvr(pb), newer: c > 0 ? 'a' : 'b', kind });
    }
    const capsA = new Set(pa.provides.map((d) => d.name));
    const capsB = new Set(pb.provides.map((d) => d.name));
    const onlyA = sorted([...capsA].filter((x) => !capsB.has(x)));
    const onlyB = sorted([...capsB].filter((x) => !capsA.has(x)));
    if (onlyA.length || onlyB.length) provides.push({ package: k, onlyA, onlyB });
  }
  const sa = sonamesOf(na.values());
  const sb = sonamesOf(nb.values());
  const only = (x: Map<string, Set<string>>, y: Map<string, Set<string>>): SonameDrift[] =>
    sorted([...x.keys()].filter((s) => !y.has(s))).map((soname) => ({ soname, providers: sorted(x.get(soname) ?? []) }));
  const sonames = { onlyA: only(sa, sb), onlyB: only(sb, sa) };
  const onlyA = sorted([...na.keys()].filter((k) => !nb.has(k)));
  const onlyB = sorted([...nb.keys()].filter((k) => !na.has(k)));
  versions.sort((x, y) => (x.package < y.package ? -1 : 1));
  return {
    a: { packages: na.size }, b: { packages: nb.size }, onlyA, onlyB, versions, provides, sonames,
    summary: {
      both: na.size - onlyA.length, sameEvr, newerA: versions.filter((v) => v.newer === 'a').length, newerB: versions.filter((v) => v.newer === 'b').length,
      providesDrift: provides.length, sonamesOnlyA: sonames.onlyA.length, sonamesOnlyB: sonames.onlyB.length,
    },
  };
}
