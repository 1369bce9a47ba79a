/**
 * libsolv's infarch rules (src/rules.c solver_addinfarchrules, on unless noinfarchcheck, as in dnf): of the packages
 * of one name, one of an arch colour worse than the best available (i686 beside x86_64) may not be installed, unless
 * an installed package of the name (not involved in a distupgrade) keeps that arch allowed. With
 * implicitobsoleteusescolors (dnf) the rule is lock-step instead: the inferior-arch package needs a package of the
 * same EVR in the best colour (or noarch) beside it, and an installed one is held to it only when such a partner is
 * installed too.
 */
import type { SolverPool } from './types.js';

export interface InfarchInput {
  readonly pool: SolverPool;
  readonly archScore: (arch: string) => number;
  /** addedmap: the packages with rules. */
  readonly added: Uint8Array;
  isInstalled(p: number): boolean;
  dupInvolved(p: number): boolean;
  readonly implicitObsoleteUsesColors: boolean;
}

const sameEvr = (pool: SolverPool, a: number, b: number): boolean => {
  const x = pool.solvable(a).evr;
  const y = pool.solvable(b).evr;
  return x.epoch === y.epoch && x.version === y.version && (x.release ?? '') === (y.release ?? '');
};

/** The rules as literal lists (+v installed, -v not; v = id + 1), per name in the order of its first package. */
export function infarchRules(input: InfarchInput): number[][] {
  const { pool, archScore, added } = input;
  const inst = (p: number): boolean => input.isInstalled(p);
  const out: number[][] = [];
  const done = new Set<string>();
  for (let i = 0; i < pool.count; i++) {
    if (!added[i]) continue;
    const name = pool.solvable(i).name;
    if (done.has(name)) continue;
    done.add(name);
    const group = pool.named(name).filter((p) => added[p]);
    let bestscore = 0;
    let bestArch: string | undefined;
    let allowed: string[] = [];
    for (const p of group) {
      const ps = pool.solvable(p);
      const a = archScore(ps.arch);
      if (a !== 1 && inst(p)) {
        if (input.dupInvolved(p)) continue;
        if (!allowed.includes(ps.arch)) allowed.push(ps.arch); // also ok to keep this arch
        continue;
      }
      if (a && a !== 1 && (!bestscore || a < bestscore)) { bestscore = a; bestArch = ps.arch; }
    }
    if (!bestscore) continue;
    if (allowed.length === 1 && allowed[0] === bestArch) allowed = []; // the installed arch is the best
    if (allowed.length && input.implicitObsoleteUsesColors) {
      // an inferior installed arch stays allowed only when that installed package is not lock-stepped
      allowed = [];
      for (const p of group) {
        if (!inst(p) || input.dupInvolved(p)) continue;
        const ps = pool.solvable(p);
        const a = archScore(ps.arch);
        if (!a) { if (!allowed.includes(ps.arch)) allowed.push(ps.arch); continue; }
        if (a === 1 || ((a ^ bestscore) & 0xffff0000) === 0) continue;
        const stepped = pool.named(name).some((p2) => {
          const s2 = pool.solvable(p2);
          if (p2 === p || !sameEvr(pool, p2, p) || s2.arch === ps.arch) return false;
          const a2 = archScore(s2.arch);
          return a2 !== 0 && (a2 === 1 || ((a2 ^ bestscore) & 0xffff0000) === 0);
        });
        if (!stepped && !allowed.includes(ps.arch)) allowed.push(ps.arch);
      }
    }
    const bad: number[] = [];
    for (const p of group) {
      const ps = pool.solvable(p);
      const a = archScore(ps.arch);
      if (a === 1 || ((a ^ bestscore) & 0xffff0000) === 0) continue;
      if (inst(p)) { if (input.implicitObsoleteUsesColors) bad.push(p); continue; } // always ok to keep an installed package
      const ok = allowed.some((aa) => {
        if (ps.arch === aa) return true;
        const aas = archScore(aa);
        return aas !== 0 && ((a ^ aas) & 0xffff0000) === 0;
      });
      if (!ok) bad.push(p);
    }
    for (const p of bad) {
      if (!input.implicitObsoleteUsesColors) { out.push([-(p + 1)]); continue; }
      // lock-step: the partners of p's EVR in the best colour or noarch (libsolv masks with 0xffff000 here)
      const partners: number[] = [];
      let haveInstalled = false;
      for (const p2 of pool.named(name)) {
        const s2 = pool.solvable(p2);
        if (p2 === p || !sameEvr(pool, p2, p) || s2.arch === pool.solvable(p).arch) continue;
        const a = archScore(s2.arch);
        if (a && (a === 1 || ((a ^ bestscore) & 0xffff000) === 0)) {
          partners.push(p2);
          if (inst(p2)) haveInstalled = true;
        }
      }
      if (inst(p) && !haveInstalled) continue; // an installed package not in lock-step
      out.push([-(p + 1), ...partners.map((q) => q + 1)]);
    }
  }
  return out;
}
