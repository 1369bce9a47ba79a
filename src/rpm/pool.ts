import { FerryError, globToRegExp, isGlob } from '../core/index.js';
import { compareEvr, parseEvr } from './evr.js';
import { depFromEntry, matchesDep, type DepTree } from './deps.js';
import type { Dep, DepFlag, Nevra, Package } from './types.js';

/**
 * A package pool over one or more repositories' packages: lookups by name, capability queries with
 * dnf's semantics, obsoletes and newest-per-name.arch. Every query goes through a name index
 * (provides, requires, obsoletes, files), never a scan of all packages; globs scan distinct names only.
 *
 * Capability matching is rpm's (rpmdsCompare): names equal, then the two ranges must overlap; a side
 * without a version matches any version; a dependency without a release ignores releases.
 */
export interface Pool {
  readonly packages: readonly Package[];
  /** Packages named `name`, in pool order. */
  byName(name: string): Package[];
  byNameArch(name: string, arch: string): Package[];
  /**
   * Packages a package spec names, as dnf resolves a package argument: `name`, `name.arch`,
   * `name-[e:]v-r`, `name-[e:]v-r.arch`, `name-v`; globs (`*?[`) allowed in the name form.
   */
  resolve(spec: string): Package[];
  /**
   * `dnf repoquery --whatprovides`: packages with a provide matching the capability (glob in the
   * name allowed); for a path, also the packages whose file list holds it. A rich capability
   * `(a or b)` gives the union, `and`/`with` the intersection, `if`/`unless` the left side.
   */
  whatProvides(capability: string | Dep): Package[];
  /**
   * `dnf repoquery --whatrequires`: packages with a requirement the capability matches, plus (for a
   * string naming packages) packages requiring anything those packages provide.
   */
  whatRequires(capability: string | Dep): Package[];
  /**
   * `dnf repoquery --whatobsoletes`: packages whose Obsoletes match `target`, a package (its name and
   * EVR) or a capability string (`name` matches any version, `name op evr` a range).
   */
  whatObsoletes(target: Nevra | string): Package[];
  /** Packages in the pool that the packages named `name` obsolete. */
  obsoletedBy(name: string): Package[];
  /** The newest package per name.arch (by epoch, version, release), in name order. */
  latest(): Package[];
}

interface Entry {
  pkg: Package;
  dep: Dep;
}

export function createPool(input: Iterable<Package>): Pool {
  const packages = [...input];
  const order = new Map<Package, number>();
  const names = new Map<string, Package[]>();
  const provides = new Map<string, Entry[]>();
  let requires: Map<string, Entry[]> | undefined;
  const obsoletes = new Map<string, Entry[]>();
  let files: Map<string, Package[]> | undefined;

  const push = <T>(m: Map<string, T[]>, k: string, v: T) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  packages.forEach((pkg, i) => {
    order.set(pkg, i);
    push(names, pkg.name, pkg);
    for (const dep of pkg.provides) push(provides, dep.name, { pkg, dep });
    for (const dep of pkg.obsoletes) push(obsoletes, dep.name, { pkg, dep });
  });

  // built on the first whatRequires (most pools are only asked what provides)
  const requiresIndex = (): Map<string, Entry[]> => {
    if (!requires) {
      requires = new Map();
      for (const pkg of packages) {
        for (const dep of pkg.requires) {
          if (dep.name.startsWith('(')) for (const atom of richAtoms(dep)) push(requires, atom.name, { pkg, dep: atom });
          else push(requires, dep.name, { pkg, dep });
        }
      }
    }
    return requires;
  };
  const fileIndex = (): Map<string, Package[]> => {
    if (!files) {
      files = new Map();
      for (const pkg of packages) for (const f of pkg.files) push(files, f, pkg);
    }
    return files;
  };
  const sorted = (set: Set<Package>): Package[] => [...set].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  const keysMatching = <T>(m: Map<string, T>, name: string): string[] => {
    if (!isGlob(name)) return m.has(name) ? [name] : [];
    const re = globToRegExp(name);
    return [...m.keys()].filter((k) => re.test(k));
  };

  const byName = (name: string): Package[] => [...(names.get(name) ?? [])];
  const byNameArch = (name: string, arch: string): Package[] => byName(name).filter((p) => p.arch === arch);

  const resolve = (spec: string): Package[] => {
    const out = new Set<Package>();
    for (const n of keysMatching(names, spec)) for (const p of names.get(n) ?? []) out.add(p);
    const dot = spec.lastIndexOf('.');
    if (dot > 0) for (const n of keysMatching(names, spec.slice(0, dot))) {
      for (const p of names.get(n) ?? []) if (p.arch === spec.slice(dot + 1)) out.add(p);
    }
    // name-[e:]v[-r][.arch]: try every split point, as dnf's Subject does
    for (let dash = spec.indexOf('-'); dash > 0; dash = spec.indexOf('-', dash + 1)) {
      const name = spec.slice(0, dash);
      const rest = spec.slice(dash + 1);
      for (const n of keysMatching(names, name)) {
        for (const p of names.get(n) ?? []) if (matchesEvrSpec(p, rest)) out.add(p);
      }
    }
    return sorted(out);
  };

  const providersOfTree = (t: DepTree): Set<Package> => {
    switch (t.type) {
      case 'simple': return new Set(whatProvides(t.flags && t.evr ? { name: t.name, flags: t.flags, evr: t.evr } : { name: t.name }));
      case 'or': return new Set(t.operands.flatMap((o) => [...providersOfTree(o)]));
      case 'and': case 'with': {
        const [first, ...others] = t.operands.map(providersOfTree);
        return new Set([...first].filter((p) => others.every((o) => o.has(p))));
      }
      case 'if': case 'unless': return providersOfTree(t.left);
      case 'without': {
        const right = providersOfTree(t.right);
        return new Set([...providersOfTree(t.left)].filter((p) => !right.has(p)));
      }
    }
  };

  const whatProvides = (capability: string | Dep): Package[] => {
    const cap = typeof capability === 'string' ? parseCapability(capability) : capability;
    if (cap.name.startsWith('(')) return sorted(providersOfTree(depFromEntry(cap)));
    const out = new Set<Package>();
    for (const n of keysMatching(provides, cap.name)) {
      for (const e of provides.get(n) ?? []) if (rangesOverlap(e.dep, cap)) out.add(e.pkg);
    }
    if (cap.name.startsWith('/') && cap.flags === undefined) {
      const index = fileIndex();
      for (const f of keysMatching(index, cap.name)) for (const p of index.get(f) ?? []) out.add(p);
    }
    return sorted(out);
  };

  const requirersOf = (cap: Dep, out: Set<Package>, namePattern = true) => {
    const requires = requiresIndex();
    const keys = namePattern ? keysMatching(requires, cap.name) : requires.has(cap.name) ? [cap.name] : [];
    for (const n of keys) for (const e of requires.get(n) ?? []) if (rangesOverlap(e.dep, cap)) out.add(e.pkg);
  };

  const whatRequires = (capability: string | Dep): Package[] => {
    const cap = typeof capability === 'string' ? parseCapability(capability) : capability;
    const out = new Set<Package>();
    requirersOf(cap, out);
    if (typeof capability === 'string') {
      for (const p of resolve(capability)) {
        for (const prov of p.provides) requirersOf(prov, out, false);
        // a requirement on a path the package owns is satisfied by it, like rpm's file provides
        for (const f of p.files) requirersOf({ name: f }, out, false);
      }
    }
    return sorted(out);
  };

  const whatObsoletes = (target: Nevra | string): Package[] => {
    const cap: Dep = typeof target === 'string' ? parseCapability(target) : { name: target.name, flags: 'EQ', evr: target };
    const out = new Set<Package>();
    for (const e of obsoletes.get(cap.name) ?? []) if (rangesOverlap(e.dep, cap)) out.add(e.pkg);
    return sorted(out);
  };

  const obsoletedBy = (name: string): Package[] => {
    const out = new Set<Package>();
    for (const obsoleter of names.get(name) ?? []) {
      for (const dep of obsoleter.obsoletes) {
        for (const p of names.get(dep.name) ?? []) {
          if (p !== obsoleter && rangesOverlap(dep, { name: p.name, flags: 'EQ', evr: p })) out.add(p);
        }
      }
    }
    return sorted(out);
  };

  const latest = (): Package[] => {
    const best = new Map<string, Package>();
    for (const p of packages) {
      const key = `${p.name}.${p.arch}`;
      const cur = best.get(key);
      if (!cur || compareEvr(p, cur) > 0) best.set(key, p);
    }
    return [...best.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
  };

  return { packages, byName, byNameArch, resolve, whatProvides, whatRequires, whatObsoletes, obsoletedBy, latest };
}

const OPS: Record<string, DepFlag> = { '=': 'EQ', '==': 'EQ', '<': 'LT', '<=': 'LE', '=<': 'LE', '>': 'GT', '>=': 'GE', '=>': 'GE' };

/**
 * Parses a simple capability `name [op evr]` (op one of = == < <= > >=). A rich dependency (starting
 * with `(`) is kept whole in `name`.
 */
export function parseCapability(text: string): Dep {
  const t = text.trim();
  if (t === '') throw new FerryError('DEP_PARSE', 'empty capability');
  if (t.startsWith('(')) return { name: t };
  const m = /^(\S+)\s*(==|=<|=>|<=|>=|=|<|>)\s*(\S+)$/.exec(t) ?? /^(\S+)\s+(==|=<|=>|<=|>=|=|<|>)\s+(\S+)$/.exec(t);
  if (m) return { name: m[1], flags: OPS[m[2]], evr: parseEvr(m[3]) };
  if (/\s/.test(t)) throw new FerryError('DEP_PARSE', `capability "${text}" is not "name" or "name op version"`);
  return { name: t };
}

/** Whether two dependencies overlap (rpm's rpmdsCompare), whatever their names: callers match names. */
function rangesOverlap(a: Dep, b: Dep): boolean {
  return matchesDep(a, a.name === b.name ? b : { ...b, name: a.name });
}

/**
 * The simple dependencies a rich requirement asks for, as libsolv's pool_match_dep reads it: every operand
 * of and/or/with, the left side and the else branch of if/unless (not the condition), the left side of
 * without. `(a >= 1 or b)` → a >= 1, b; `(a if c)` → a. None if malformed.
 */
function richAtoms(dep: Dep): Dep[] {
  let tree: DepTree;
  try {
    tree = depFromEntry(dep);
  } catch {
    return [];
  }
  const out: Dep[] = [];
  const walk = (t: DepTree): void => {
    switch (t.type) {
      case 'simple': out.push(t.flags && t.evr ? { name: t.name, flags: t.flags, evr: t.evr } : { name: t.name }); return;
      case 'and': case 'or': case 'with': t.operands.forEach(walk); return;
      case 'if': case 'unless': walk(t.left); if (t.otherwise) walk(t.otherwise); return;
      case 'without': walk(t.left); return;
    }
  };
  walk(tree);
  return out;
}

function matchesEvrSpec(p: Package, spec: string): boolean {
  // spec is what follows "name-": [e:]v, [e:]v-r or [e:]v-r.arch
  const candidates = [spec];
  const dot = spec.lastIndexOf('.');
  if (dot > 0 && spec.slice(dot + 1) === p.arch) candidates.push(spec.slice(0, dot));
  for (const c of candidates) {
    const colon = c.indexOf(':');
    const epoch = colon >= 0 ? c.slice(0, colon) : undefined;
    const vr = colon >= 0 ? c.slice(colon + 1) : c;
    if (epoch !== undefined && String(p.epoch) !== epoch) continue;
    if (vr === p.version || vr === `${p.version}-${p.release}`) return true;
  }
  return false;
}

