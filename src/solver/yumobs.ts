/**
 * libsolv's yumobs rules (src/rules.c solver_addyumobsrules, SOLVER_FLAG_YUM_OBSOLETES, which dnf sets): when
 * packages of several names carry the same Obsoletes: of an installed package (a package split), installing one
 * of them installs one package of each other name too. For every such Obsoletes: (find_obsolete_group) the
 * packages carrying it are grouped by name, in prune_to_best_version's order; each non-installed member of one
 * group gets a rule `-member | one of another group`, per other group.
 */
import { formatDep } from '../rpm/deps.js';
import type { Dep } from '../rpm/types.js';
import { obsoleteMatches, obsoletersOf, pruneToBestVersion, type PolicyContext } from './policy.js';

export interface YumObsoletesInput {
  readonly ctx: PolicyContext;
  /** The installed packages, in the installed repository's order. */
  readonly installed: readonly number[];
  /** pool_colormatch when implicitobsoleteusescolors is set; undefined when colours do not matter. */
  readonly colorMatch?: (a: number, b: number) => boolean;
  /** whatprovides of an Obsoletes: entry. */
  readonly providers: (obs: Dep) => readonly number[];
}

/** libsolv compares Obsoletes: by their interned id: equal text is the same dependency. */
function depKey(d: Dep): string {
  return formatDep({ type: 'simple', name: d.name, flags: d.flags, evr: d.evr });
}

/** The rules as literal lists (+v installed, -v not; v = id + 1), in libsolv's order. */
export function yumObsoletesRules(input: YumObsoletesInput): number[][] {
  const { ctx, installed, colorMatch, providers } = input;
  const pool = ctx.pool;
  const colours = (a: number, b: number): boolean => !colorMatch || colorMatch(a, b);
  const obsoletes: Dep[] = [];
  const seen = new Set<string>();
  for (const p of installed) {
    for (const op of obsoletersOf(ctx, p)) {
      for (const obs of pool.solvable(op).obsoletes) {
        const key = depKey(obs);
        if (seen.has(key)) continue;
        const hit = providers(obs).some((p2) => ctx.isInstalled(p2) && obsoleteMatches(pool.solvable(p2), obs) && colours(p, p2));
        if (hit) { seen.add(key); obsoletes.push(obs); }
      }
    }
  }
  const out: number[][] = [];
  for (const obs of obsoletes) {
    const groups = obsoleteGroups(input, obs);
    groups.forEach((group, g) => {
      for (const p of group) {
        if (ctx.isInstalled(p)) continue;
        groups.forEach((other, k) => { if (k !== g) out.push([-(p + 1), ...other.map((q) => q + 1)]); });
      }
    });
  }
  return out;
}

/** find_obsolete_group: the packages carrying `obs` that replace an installed package it matches, by name; [] for fewer than two names. */
function obsoleteGroups(input: YumObsoletesInput, obs: Dep): number[][] {
  const { ctx, colorMatch, providers } = input;
  const pool = ctx.pool;
  const key = depKey(obs);
  const carries = (op: number): boolean => pool.solvable(op).obsoletes.some((o) => depKey(o) === key);
  const q: number[] = [];
  const push = (p: number): void => { if (!q.includes(p)) q.push(p); };
  for (const p2 of providers(obs)) {
    if (!ctx.isInstalled(p2) || !obsoleteMatches(pool.solvable(p2), obs)) continue;
    for (const op of obsoletersOf(ctx, p2)) if ((!colorMatch || colorMatch(p2, op)) && carries(op)) push(op);
    const name = pool.solvable(p2).name;
    for (const op of pool.named(name)) if ((!colorMatch || colorMatch(p2, op)) && carries(op)) push(op);
  }
  const names = [...q];
  pruneToBestVersion(ctx, names);
  if (names.length === 1) return [];
  const groups: number[][] = [];
  for (const n of names) {
    const name = pool.solvable(n).name;
    const group = q.filter((p) => pool.solvable(p).name === name);
    if (group.length) groups.push(group);
  }
  return groups.length <= 1 ? [] : groups;
}
