/**
 * libsolv's dup maps for a distupgrade of some packages (src/rules.c solver_createdupmaps, solver_addtodupmaps): the
 * packages a distupgrade involves (dupinvolvedmap) and those good to install or keep (dupmap). A distupgrade of a
 * repository is targeted: its packages are good, and the packages of their names and those they obsolete are
 * involved. A distupgrade by name or package that selects an installed package is not: the installed packages of
 * the selection are involved, with every repository package of their names and their obsoleters, which are good.
 * (A distupgrade of all packages involves everything: the solver keeps it as a flag.)
 */
import { obsoleteMatches, obsoletersOf, type PolicyContext } from './policy.js';
import type { Dep } from '../rpm/types.js';

export interface DupMaps {
  readonly involved: Uint8Array;
  readonly good: Uint8Array;
  /** The installed packages a forcebest distupgrade covers (bestupdatemap). */
  readonly best: Set<number>;
  /** Per [cleandeps] job, the installed packages it covers (add_cleandeps_updatepkg), in the order added. */
  readonly cleandeps: Map<DupJob, number[]>;
}

export interface DupJob {
  /** The selected packages. */
  readonly sel: readonly number[];
  /** A distupgrade of a repository: the installed one or another. */
  readonly repo?: 'installed' | 'other';
  /** The job's [targeted] flag. */
  readonly targeted: boolean;
  readonly forceBest: boolean;
  readonly cleandeps?: boolean;
}

export interface DupMapsInput {
  readonly ctx: PolicyContext;
  readonly installable: (p: number) => boolean;
  readonly providers: (obs: Dep) => readonly number[];
}

export function createDupMaps(input: DupMapsInput, jobs: readonly DupJob[], noAutoTarget: boolean): DupMaps {
  const { ctx, installable } = input;
  const pool = ctx.pool;
  const maps: DupMaps = { involved: new Uint8Array(pool.count), good: new Uint8Array(pool.count), best: new Set(), cleandeps: new Map() };
  for (const job of jobs) {
    if (job.repo) {
      if (job.repo === 'other' && !job.targeted && noAutoTarget) continue;
      const targeted = job.repo === 'other' || job.targeted;
      for (const p of job.sel) if (ctx.isInstalled(p) || installable(p)) addToDupMaps(input, maps, p, job, targeted);
      continue;
    }
    // without noautotarget, a selection without an installed package is targeted
    const hasInstalled = pool.installedRepo !== undefined;
    let targeted = job.targeted;
    if (hasInstalled && !targeted && !noAutoTarget) targeted = !job.sel.some((p) => ctx.isInstalled(p));
    else if (!hasInstalled && !noAutoTarget) targeted = true;
    for (const p of job.sel) {
      if (!ctx.isInstalled(p) && (!targeted || !installable(p))) continue;
      addToDupMaps(input, maps, p, job, targeted);
    }
  }
  return maps;
}

/** solver_addtodupmaps (obsoleteusesprovides and obsoleteusescolors off, as in rpm pools). */
function addToDupMaps(input: DupMapsInput, maps: DupMaps, p: number, job: DupJob, targeted: boolean): void {
  const { ctx, providers } = input;
  const forceBest = job.forceBest;
  const cleandeps = (pi: number): void => {
    if (!job.cleandeps) return;
    let list = maps.cleandeps.get(job);
    if (!list) { list = []; maps.cleandeps.set(job, list); }
    if (!list.includes(pi)) list.push(pi);
  };
  const pool = ctx.pool;
  const inst = (q: number): boolean => ctx.isInstalled(q);
  const s = pool.solvable(p);
  maps.involved[p] = 1;
  if (targeted) maps.good[p] = 1;
  const involveObsoleters = (pi: number): void => {
    for (const q of obsoletersOf(ctx, pi)) if (!inst(q)) maps.involved[q] = 1;
  };
  for (const pi of pool.named(s.name)) {
    maps.involved[pi] = 1;
    if (targeted && inst(pi)) involveObsoleters(pi);
    if (inst(pi) && forceBest) maps.best.add(pi);
    if (inst(pi)) cleandeps(pi);
    if (!targeted && !inst(pi)) maps.good[pi] = 1;
  }
  if (inst(p)) {
    for (const q of obsoletersOf(ctx, p)) {
      if (inst(q)) continue;
      maps.involved[q] = 1;
      if (!targeted) maps.good[q] = 1;
    }
  }
  if (targeted && !inst(p)) {
    for (const obs of s.obsoletes) {
      for (const pi of providers(obs)) {
        if (!obsoleteMatches(pool.solvable(pi), obs)) continue;
        maps.involved[pi] = 1;
        if (inst(pi)) involveObsoleters(pi);
        if (inst(pi) && forceBest) maps.best.add(pi);
        if (inst(pi)) cleandeps(pi);
      }
    }
  }
}
