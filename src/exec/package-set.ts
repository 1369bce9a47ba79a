/**
 * The before/after comparison of every installed package (verification's `package-set` check): each
 * name.arch installed before is the same, upgraded, downgraded, replaced (obsoleted by a package installed
 * after, or the same name now of another arch) or removed; what is new is added. Pure: the caller reads
 * the rpm database. Install-only packages (kernels) installed side by side compare by their newest build.
 */
import { globToRegExp } from '../core/index.js';
import { compareEvr, formatEvr } from '../rpm/evr.js';
import { parseNevra } from '../rpm/nevra.js';
import type { Evr } from '../rpm/types.js';

export type PackageFate = 'same' | 'upgraded' | 'downgraded' | 'replaced' | 'removed' | 'added';

export interface PackageChange {
  fate: PackageFate;
  /** name.arch */
  package: string;
  /** The package's name (without the arch). */
  name: string;
  /** epoch:version-release */
  before: string | null;
  after: string | null;
  /** replaced: what replaces it. */
  by?: string;
}

function newest(evrs: Evr[]): Evr {
  return evrs.reduce((a, b) => (compareEvr(b, a) > 0 ? b : a));
}

const shown = (evr: Evr): string => formatEvr(evr, { alwaysEpoch: true });

/**
 * `obsoletes`: for each package installed after, the names it obsoletes (`rpm -qa --qf
 * '[%{NAME}\t%{OBSOLETENAME}\n]'`), as name → obsoleting names.
 */
export function comparePackageSets(before: readonly string[], after: readonly string[], obsoletes: ReadonlyMap<string, readonly string[]>): PackageChange[] {
  const group = (list: readonly string[]): Map<string, { name: string; evrs: Evr[] }> => {
    const m = new Map<string, { name: string; evrs: Evr[] }>();
    for (const n of list) {
      const p = parseNevra(n);
      const na = `${p.name}.${p.arch}`;
      const g = m.get(na) ?? { name: p.name, evrs: [] };
      g.evrs.push(p);
      m.set(na, g);
    }
    return m;
  };
  const b = group(before);
  const a = group(after);
  const afterNames = new Map([...a].map(([na, g]) => [g.name, na]));
  const out: PackageChange[] = [];
  for (const [na, g] of b) {
    const was = newest(g.evrs);
    const now = a.get(na);
    if (now) {
      const is = newest(now.evrs);
      const c = compareEvr(is, was);
      out.push({ fate: c === 0 ? 'same' : c > 0 ? 'upgraded' : 'downgraded', package: na, name: g.name, before: shown(was), after: shown(is) });
      continue;
    }
    const by = obsoletes.get(g.name)?.[0] ?? afterNames.get(g.name);
    out.push(by ? { fate: 'replaced', package: na, name: g.name, before: shown(was), after: null, by } : { fate: 'removed', package: na, name: g.name, before: shown(was), after: null });
  }
  for (const [na, g] of a) if (!b.has(na)) out.push({ fate: 'added', package: na, name: g.name, before: null, after: shown(newest(g.evrs)) });
  return out;
}

/** `rpm -qa --qf '[%{NAME}\t%{OBSOLETENAME}\n]'` → obsoleted name → the installed names obsoleting it. */
export function parseObsoletes(text: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const [name, obsoleted] = line.split('\t');
    if (!name || !obsoleted || obsoleted === '(none)') continue;
    m.set(obsoleted, [...(m.get(obsoleted) ?? []), name]);
  }
  return m;
}

/** True when `name` matches one of the operator's `--allow-remove` names or globs: the one rule of the transaction gate and verification. */
export function isApproved(name: string, allowRemove: readonly string[]): boolean {
  return allowRemove.some((p) => globToRegExp(p).test(name));
}

/** The removals nobody announced (`announced`: names the plan removes) or approved (`allowRemove` names or globs). */
export function unapprovedVanished(changes: readonly PackageChange[], announced: readonly string[], allowRemove: readonly string[]): PackageChange[] {
  return changes.filter((c) => {
    return c.fate === 'removed' && !announced.includes(c.name) && !isApproved(c.name, allowRemove);
  });
}
