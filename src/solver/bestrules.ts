/**
 * libsolv's best rules (src/rules.c solver_addbestrules, SOLVER_FORCEBEST, dnf's best=True): a forcebest install
 * job may only be met by its best candidates (policy_filter_unwanted in recommend mode: repo priority, arch,
 * version); an installed package a forcebest update or distupgrade covers may only stay as one of the best of its
 * feature rule (of its update rule under bestobeypolicy, with the feature rule's best added). Locked packages
 * trump them (lockedmap). A package that may also be uninstalled (allowuninstall) gets, instead of a rule that
 * demands the best, one rule per other candidate: `-candidate | best…` — it goes when the best cannot install.
 */
import { filterUnwanted, type PolicyContext } from './policy.js';

export interface BestRule {
  readonly lits: number[];
  /** The installed package whose update the rule forces (bestrules_info > 0). */
  readonly pkg?: number;
}

export interface BestRulesInput {
  readonly ctx: PolicyContext;
  /** The installed packages, in the installed repository's order. */
  readonly installed: readonly number[];
  /** The literals of each forcebest install job's rules, in job rule order. */
  readonly installJobRules: readonly (readonly number[])[];
  /** Whether installed package p is to be updated (updatemap) with forcebest (bestupdatemap). */
  bestUpdate(p: number): boolean;
  /** The literals of p's update rule ([] for an orphan). */
  updateLits(p: number): readonly number[];
  /** The literals of p's feature rule, [] when it equals the update rule (libsolv deletes it) or p is an orphan. */
  featureLits(p: number): readonly number[];
  /** specialupdaters: all update candidates of a multiversion-updated package, when it has them. */
  specialUpdaters(p: number): readonly number[] | undefined;
  /** The packages lock jobs fix (lockedmap); undefined without lock jobs. */
  readonly locked: ReadonlySet<number> | undefined;
  readonly bestObeyPolicy: boolean;
  /**
   * prune_to_dup_packages: for an installed package a distupgrade of some packages involves, which candidates are
   * good (dupmap); undefined when none does.
   */
  dupGood(p: number): ((q: number) => boolean) | undefined;
  /** update_targets: the packages a targeted update lets installed p become; undefined without. */
  updateTargets(p: number): readonly number[] | undefined;
  /** prune_disabled (whatprovideswithdisabled): a repository package taken out of the pool; undefined without such. */
  readonly disabled?: (p: number) => boolean;
  /** Whether installed package p may be uninstalled (allowuninstall, its map, or a job for all). */
  mayUninstall(p: number): boolean;
}

const positives = (lits: readonly number[]): number[] => lits.filter((l) => l > 0).map((l) => l - 1);
const pushUnique = (q: number[], p: number): void => { if (!q.includes(p)) q.push(p); };
const best = (ctx: PolicyContext, q: number[]): number[] => filterUnwanted(ctx, q, 'recommend');

/** The best rules, as literal lists (+v installed, -v not; v = id + 1), in libsolv's order. */
export function bestRules(input: BestRulesInput): BestRule[] {
  const { ctx, locked } = input;
  const isInst = (p: number): boolean => ctx.isInstalled(p);
  const out: BestRule[] = [];
  const enabled = (list: number[]): number[] => (input.disabled ? list.filter((p) => !input.disabled?.(p)) : list);
  for (const lits of input.installJobRules) {
    const q = enabled(positives(lits));
    if (q.length === 0) continue;
    const before = q.length;
    best(ctx, q);
    if (q.length === before) continue; // nothing filtered
    // the job rule's negative literals first, then its best packages
    const rule = lits.filter((l) => l < 0);
    const add = (p: number): void => { if (!rule.includes(p + 1)) rule.push(p + 1); };
    for (const p of q) add(p);
    if (locked) {
      const q2: number[] = [];
      for (const p2 of positives(lits)) {
        if (isInst(p2)) { if (locked.has(p2)) add(p2); } else if (locked.has(p2)) continue;
        q2.push(p2);
      }
      for (const p of best(ctx, enabled(q2))) add(p);
    }
    out.push({ lits: rule });
  }
  for (const p of input.installed) {
    if (!input.bestUpdate(p)) continue;
    const update = input.updateLits(p);
    const feature = input.featureLits(p);
    const fromUpdate = input.bestObeyPolicy || feature.length === 0;
    const r = fromUpdate ? update : feature;
    const special = fromUpdate ? input.specialUpdaters(p) : undefined;
    let q: number[];
    if (special) {
      q = update[0] === p + 1 ? [p] : [];
      q.push(...special);
    } else q = positives(r);
    const q2all = locked ? [...q] : [];
    // prune_best_update: the dup packages, then the best
    const pruneBest = (list: number[]): number[] => {
      const targets = input.updateTargets(p);
      const good = input.dupGood(p);
      let out = targets ? list.filter((x) => targets.includes(x)) : list;
      if (good) out = out.filter(good);
      return best(ctx, out);
    };
    q = pruneBest(q);
    if (q.length === 0) continue; // orphaned
    if (locked) {
      // always ok to keep installed locked packages
      const q2 = [...q2all];
      if (locked.has(p)) pushUnique(q2, p);
      for (const p2 of q2) if (isInst(p2) && locked.has(p2)) pushUnique(q, p2);
      const rest = pruneBest(q2.filter((p2) => isInst(p2) || !locked.has(p2)));
      for (const p2 of rest) pushUnique(q, p2);
    }
    if (input.bestObeyPolicy && feature.length) {
      // also the best of the feature rule's packages
      for (const p2 of pruneBest(positives(feature))) pushUnique(q, p2);
      if (locked) for (const p2 of pruneBest(positives(feature).filter((x) => isInst(x) || !locked.has(x)))) pushUnique(q, p2);
    }
    if (input.mayUninstall(p)) {
      const inQ = new Set(q);
      for (const l of feature.length ? feature : update) {
        const p2 = Math.abs(l) - 1;
        if (inQ.has(p2)) continue;
        out.push({ lits: [-(p2 + 1), ...q.map((x) => x + 1)], pkg: p });
      }
      continue;
    }
    out.push({ lits: q.map((x) => x + 1), pkg: p });
  }
  return out;
}
