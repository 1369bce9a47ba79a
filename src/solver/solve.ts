/**
 * The depsolver: libsolv's rules (src/rules.c) over a SolverPool, solved by the CDCL core with libsolv's decision
 * order (src/solver.c solver_run_sat): job rules, then the installed packages (update, keep), then the
 * unresolved rules in rule order, then weak dependencies (recommends, supplements), then orphans; every choice
 * among several packages goes through the ported policy (policy.ts) and opens a branch. A found model is then
 * minimised as libsolv does (unneeded choice rules dropped, branches retaken); an unsolvable run disables the
 * last weak rule of its proof and runs again.
 *
 * Modelled: package rules (requires, conflicts, obsoletes, the implicit same-name obsoletes, rich dependencies
 * and/or/if/unless/else/with/without), update and feature rules, job rules for install/erase/update/lock by name,
 * provides, package, repo or all, choice rules; distupgrade of all packages (dup rules, orphans), favor and
 * disfavor, ignorerecommended, solver_get_recommendations; multiversion (install-only) packages with
 * keepexplicitobsoletes: no implicit obsoletes among them, their update rules without them and their updaters
 * kept aside (specialupdaters), multiversion orphans under a distupgrade; keeporphans; distupgrade of a repository,
 * a name or a package (dupmaps.ts); allowuninstall (solver_autouninstall); forcebest with bestobeypolicy
 * (bestrules.ts); yumobsoletes (yumobs.ts); allowvendorchange; infarch rules, lock-step under
 * implicitobsoleteusescolors (infarch.ts); disabled packages (pool->considered, whatprovideswithdisabled);
 * targeted updates (update_targets), noautotarget, the oneof selection and the setevr/setarch job flags; the erase
 * of one specific installed package blocking its name's repository packages; cleandeps (cleandeps.ts: the map, its
 * disabled update rules, the prune in resolve_dependencies, resolve_cleandeps, the mistakes); focusbest, focusnew;
 * Debian's disttype (disttype.ts; its versioned obsoletes aside). Not modelled
 * (SOLVER_UNSUPPORTED): weak forcebest jobs, a weak job dropped beside a cleandeps map, rich recommends under strongrecommends and the other solver flags. Also modelled:
 * blacklists (black rules), strongrecommends (weak recommends rules), excludefromweak, strictrepopriority and verify
 * jobs (fixmap) and weak jobs (dropped, with what they changed, when their rule is the last weak one of a proof).
 */
import { FerryError } from '../core/errors.js';
import { evrOrder, matchesDebDep, noarchOf } from './disttype.js';
import { formatDep, type DepTree, type SimpleDep } from '../rpm/deps.js';
import { archScores, filterUnwanted, findUpdatePackages, identical, obsoleteMatches, preferFavored, sameNevra, vendorChanges, type PolicyContext } from './policy.js';
import { bestRules } from './bestrules.js';
import { createCleandepsMap } from './cleandeps.js';
import { infarchRules } from './infarch.js';
import { createDupMaps, type DupJob, type DupMaps } from './dupmaps.js';
import { RuleArenaBuilder, ruleLits, unifyRules, type RuleArena } from './rule-arena.js';
import { Sat } from './sat.js';
import { yumObsoletesRules } from './yumobs.js';
import type { Dep, Evr } from '../rpm/types.js';
import type { Alternative, Job, RuleReport, Solvable, SolvePhase, SolveRequest, SolveResult, SolverPool, SolverRule, TransactionStep } from './types.js';

// A formula over solvable literals (+v installed, -v not installed; v = id + 1).
type Formula = { t: 'lit'; lit: number } | { t: 'and' | 'or'; parts: Formula[] } | { t: 'true' } | { t: 'false' };

const TRUE: Formula = { t: 'true' };
const FALSE: Formula = { t: 'false' };

/**
 * A rule other than a package rule (those are in a RuleArena). `pkg` names the installed package of an update or
 * feature rule (the feature rule standing in for a disabled update rule); `from`: a choice rule's package rule (its
 * literals); `job`: the index of a job rule's job, `weak` when that job is [weak].
 */
interface Rule { lits: number[]; kind: 'update' | 'feature' | 'job' | 'infarch' | 'dup' | 'best' | 'yumobs' | 'black' | 'repoprio' | 'choice'; from?: readonly number[]; pkg?: number; job?: number; weak?: boolean }

/**
 * A decision among several candidates at `level` (the decision itself is at level + 1); `taken` per candidate;
 * `origin`: the rule whose candidates they are, or the recommends of an installed package.
 */
interface Branch { readonly level: number; readonly cands: readonly number[]; readonly taken: boolean[]; readonly origin?: BranchOrigin }

/** `pkgRule`: a package rule, by its index in the RuleArena. */
type BranchOrigin = { readonly rule: Rule } | { readonly pkgRule: number } | { readonly from: number; readonly dep: DepTree };

const V = (id: number): number => id + 1;
const PASSES_BOTH = [0, 1];
const PASSES_ALL = [1];
const ID = (lit: number): number => Math.abs(lit) - 1;

export function solve(req: SolveRequest): SolveResult {
  return new Solver(req).run();
}

class Solver {
  private readonly pool: SolverPool;
  private readonly archScore: (arch: string) => number;
  private readonly ctx: PolicyContext;
  /** Before the rules exist, an empty assignment: nothing is decided while the choice rules are built. */
  private sat: Sat;
  private readonly installed: number[] = [];
  /** Per solvable: 1 when it is in the installed repository. */
  private readonly installedMap: Uint8Array;
  /** Per solvable: 1 when installable (installed, or of an arch the system takes). */
  private readonly installableMap: Uint8Array;
  private updateAll = false;
  /** A distupgrade of all packages (dupinvolvedmap_all): every installed package must match a repository one. */
  private dupAll = false;
  /** Names whose dup rules a job disables (DISABLE_DUP). */
  private readonly dupLifted = new Set<string>();
  /** setup_favormap: per package the index of the last favor (> 0) or disfavor (< 0) job selecting it. */
  private readonly favorMap = new Map<number, number>();
  private readonly updateMap = new Set<number>();
  private readonly noUpdate = new Set<number>();
  /** libsolv's multiversion map: the packages multiversion jobs select. */
  private readonly multi = new Set<number>();
  /**
   * specialupdaters: per installed package whose update candidates include multiversion packages, all of them
   * (the update rule keeps only those that replace it); resolve_installed picks the best among them.
   */
  private readonly specialUpdaters = new Map<number, number[]>();
  /** allowuninstall of every installed package (the solver flag, or a job selecting all or the installed repo). */
  private uninstallAll = false;
  /** allowuninstallmap: the installed packages allowuninstall jobs select. */
  private readonly uninstallable = new Set<number>();
  /** Installed packages whose update rule solver_autouninstall disabled: they may go. */
  private readonly uninstalled = new Set<number>();
  /** Forcebest: every installed package to update must take a best candidate (bestupdatemap_all), or those in the set. */
  private bestUpdateAll = false;
  private readonly bestUpdateSet = new Set<number>();
  /** The literals of the forcebest install jobs' rules. */
  private readonly bestInstallJobs: number[][] = [];
  /** lockedmap: the packages lock jobs fix; undefined without lock jobs. */
  private locked: Set<number> | undefined;
  /** Installed packages whose update rule a job disables: the feature rule (any version) stands instead. */
  private readonly featureInstead = new Set<number>();
  private readonly jobRules: Rule[] = [];
  private rules: Rule[] = [];
  /** Per installed package: its update (or feature) rule's literals, [] for an orphan. */
  private readonly updateRule = new Map<number, number[]>();
  private readonly orphans: number[] = [];
  /** libsolv's branches: decisions among several candidates, by the level they were taken at. */
  private branches: Branch[] = [];
  private keptBranch: Branch | undefined;

  /** cleandeps_mistakes: the installed packages an earlier run erased by cleandeps though they were needed. */
  constructor(private readonly req: SolveRequest, private readonly mistakes: readonly number[] = []) {
    this.pool = req.disabled?.size && !req.whatprovidesWithDisabled ? withoutDisabled(req.pool, req.disabled) : req.pool;
    this.sat = new Sat(this.pool.count);
    this.archScore = archScores(req.arch, noarchOf(req.pool));
    this.ctx = {
      pool: this.pool,
      archScore: this.archScore,
      isInstalled: (id) => this.isInst(id),
      recommended: (id) => this.weakMaps().recommended.has(id),
      suggested: (id) => this.weakMaps().suggested.has(id),
      supplementing: (id) => this.pool.solvable(id).supplements.some((d) => this.fulfilled(d)),
      enhancing: (id) => this.pool.solvable(id).enhances.some((d) => this.fulfilled(d)),
      dupInvolved: (id) => this.isDupInvolved(id),
      implicitObsoleteUsesColors: req.implicitObsoleteUsesColors === true,
      allowVendorChange: req.allowVendorChange === true,
      ...(req.disabled?.size ? { disabled: (id: number) => req.disabled?.has(id) === true && !this.isInst(id) } : {}),
      favor: req.jobs.some((j) => j.command === 'favor' || j.command === 'disfavor') ? (id) => this.favorMap.get(id) ?? 0 : undefined,
    };
    const repo = this.pool.installedRepo;
    this.installedMap = new Uint8Array(this.pool.count);
    this.installableMap = new Uint8Array(this.pool.count);
    for (let id = 0; id < this.pool.count; id++) {
      const s = this.pool.solvable(id);
      if (repo !== undefined && s.repo === repo) { this.installed.push(id); this.installedMap[id] = 1; }
      if (this.installedMap[id] || (this.archScore(s.arch) > 0 && !req.disabled?.has(id))) this.installableMap[id] = 1;
    }
  }

  private isInst(id: number): boolean { return this.installedMap[id] === 1; }

  /** The pool's EVR order and noarch architecture (disttype.ts). */
  private get cmpEvr(): (a: Evr, b: Evr) => number { return evrOrder(this.req.pool); }
  private get noarch(): string { return noarchOf(this.req.pool); }

  private readonly provided = new Map<SimpleDep, readonly number[]>();

  /**
   * whatprovides, memoised by the dependency object: a pool shares one object per dependency text, so this small
   * map answers the solver's repeated questions without going back to the pool's index of every provide.
   */
  private providers(dep: SimpleDep): readonly number[] {
    let out = this.provided.get(dep);
    if (!out) { out = this.pool.whatprovides(dep); this.provided.set(dep, out); }
    return out;
  }

  private readonly features = new Map<number, number[]>();

  /** findUpdatePackages(…, allowAll), memoised per installed package: the rules and the walk ask it repeatedly. */
  private featureCandidates(i: number): readonly number[] {
    let out = this.features.get(i);
    if (!out) { out = findUpdatePackages(this.ctx, i, true); this.features.set(i, out); }
    return out;
  }

  private readonly obsCache = new Map<Dep, readonly number[]>();

  /** The providers of an Obsoletes: entry, memoised by the entry: the rules and the policy ask for them again and again. */
  private obsProviders(obs: Dep): readonly number[] {
    let out = this.obsCache.get(obs);
    if (!out) { out = this.pool.whatprovides({ type: 'simple', name: obs.name, flags: obs.flags, evr: obs.evr }); this.obsCache.set(obs, out); }
    return out;
  }

  /** pool_colormatch: the same arch, a noarch side, or arches of one colour (archScores' high 16 bits). */
  private colorMatch(a: Solvable, b: Solvable): boolean {
    if (a.arch === b.arch || a.arch === this.noarch || b.arch === this.noarch) return true;
    return ((this.archScore(a.arch) ^ this.archScore(b.arch)) & 0xffff0000) === 0;
  }

  private installable(id: number): boolean { return this.installableMap[id] === 1; }

  /** The solvables a (rich) dependency's "package list" names, for with/without (pool_whatprovides). */
  private depSet(t: DepTree): number[] | undefined {
    if (t.type === 'simple') return [...this.providers(t)];
    if (t.type === 'with') {
      let set: number[] | undefined;
      for (const o of t.operands) {
        const s = this.depSet(o);
        if (!s) return undefined;
        set = set ? set.filter((x) => s.includes(x)) : s;
      }
      return set ?? [];
    }
    if (t.type === 'without') {
      const l = this.depSet(t.left);
      const r = this.depSet(t.right);
      if (!l || !r) return undefined;
      return l.filter((x) => !r.includes(x));
    }
    return undefined;
  }

  /** formula's results by dependency object (a formula reads only whatprovides, which does not change). */
  private readonly formulas = new Map<DepTree, Formula>();
  private readonly positiveSets = new Map<DepTree, readonly number[]>();

  /** cplxdeps.c's normalisation: A IF B = A OR ~B; A UNLESS B = A AND ~B; the ELSE forms likewise. Memoised. */
  private formula(t: DepTree): Formula {
    let f = this.formulas.get(t);
    if (!f) { f = this.makeFormula(t); this.formulas.set(t, f); }
    return f;
  }

  /** The packages a dependency's formula names positively (its possible providers), memoised. */
  private positivesOf(t: DepTree): readonly number[] {
    let out = this.positiveSets.get(t);
    if (!out) { out = t.type === 'simple' ? this.providers(t) : positives(this.formula(t)); this.positiveSets.set(t, out); }
    return out;
  }

  private makeFormula(t: DepTree): Formula {
    const set = this.depSet(t);
    if (set) return set.length === 0 ? FALSE : { t: 'or', parts: set.map((p) => ({ t: 'lit', lit: V(p) })) };
    switch (t.type) {
      case 'and': return { t: 'and', parts: t.operands.map((o) => this.formula(o)) };
      case 'or': return { t: 'or', parts: t.operands.map((o) => this.formula(o)) };
      case 'if': {
        const a = this.formula(t.left);
        const b = this.formula(t.condition);
        if (!t.otherwise) return { t: 'or', parts: [a, not(b)] };
        return { t: 'and', parts: [{ t: 'or', parts: [a, not(b)] }, { t: 'or', parts: [this.formula(t.otherwise), b] }] };
      }
      case 'unless': {
        const a = this.formula(t.left);
        const b = this.formula(t.condition);
        if (!t.otherwise) return { t: 'and', parts: [a, not(b)] };
        return { t: 'or', parts: [{ t: 'and', parts: [a, not(b)] }, { t: 'and', parts: [this.formula(t.otherwise), b] }] };
      }
      default: return FALSE;
    }
  }

  /**
   * The CNF blocks of a rich dependency (of its negation for a conflict). A dependency whose expansion exceeds
   * MAX_BLOCKS clauses throws SOLVER_LIMIT: (A1 & B1) | … | (A20 & B20) expands to 2^20 of them, which takes
   * libsolv's testsolv over a minute.
   */
  private blocks(dep: DepTree, negate: boolean): number[][] {
    const f = this.formula(dep);
    try {
      return cnf(negate ? not(f) : f);
    } catch (err) {
      if (err !== TOO_MANY_BLOCKS) throw err;
      throw new FerryError('SOLVER_LIMIT', `the rich dependency ${formatDep(dep)} expands to more than ${MAX_BLOCKS} clauses`, {
        hint: 'such a dependency is almost certainly malformed metadata; the package that carries it cannot be solved for',
      });
    }
  }

  /** Whether a dependency is fulfilled by the packages decided installed (solver_dep_fulfilled). */
  private fulfilled(t: DepTree): boolean {
    const f = this.formula(t);
    const ev = (g: Formula): boolean => {
      switch (g.t) {
        case 'true': return true;
        case 'false': return false;
        case 'lit': return this.sat.valueOf(g.lit) === 1;
        case 'and': return g.parts.every(ev);
        case 'or': return g.parts.some(ev);
      }
    };
    return ev(f);
  }

  private weakCache: { at: number; recommended: Set<number>; suggested: Set<number> } | undefined;

  /** policy_update_recommendsmap: providers of the recommends/suggests of every package decided installed. */
  private weakMaps(): { recommended: Set<number>; suggested: Set<number> } {
    const trail = this.sat.assigned;
    if (this.weakCache && this.weakCache.at === trail.length) return this.weakCache;
    const recommended = new Set<number>();
    const suggested = new Set<number>();
    for (const lit of trail) {
      if (lit < 0) continue;
      const s = this.pool.solvable(ID(lit));
      for (const d of s.recommends) for (const p of this.positivesOf(d)) recommended.add(p);
      for (const d of s.suggests) for (const p of this.positivesOf(d)) suggested.add(p);
    }
    this.weakCache = { at: trail.length, recommended, suggested };
    return this.weakCache;
  }

  // ---- rules ----

  /** addedmap as pkgRules made it: the packages with rules. */
  private consideredMap: Uint8Array = new Uint8Array(0);
  /** The dup maps of distupgrades of some packages (a repository, a name, a package). */
  private dupMaps: DupMaps | undefined;
  private readonly dupJobs: DupJob[] = [];
  /** The dup rules, made once after the update rules (they mark packages good for the best rules). */
  private dup: Rule[] = [];

  /** The packages an install job selects (solver_addpkgrulesforsolvable starts from them). */
  private readonly jobPackages: number[] = [];

  /**
   * libsolv's addedmap: the packages that get rules. From the installed packages, their updaters and the install
   * jobs' packages, the providers of requires, recommends and suggests, transitively; then every installable
   * package whose supplements or enhances name a considered package (solver_addpkgrulesforweak), until nothing
   * changes. A package outside it is never installed, so its rules would only cost time.
   */
  private considered(): Uint8Array {
    const m = new Uint8Array(this.pool.count);
    const work: number[] = [];
    const push = (p: number): void => { if (!m[p]) { m[p] = 1; work.push(p); } };
    const pushDep = (d: DepTree): void => { for (const p of d.type === 'simple' ? this.providers(d) : this.positivesOf(d)) push(p); };
    const drain = (): void => {
      while (work.length) {
        const s = this.pool.solvable(work.pop() as number);
        for (const d of s.requires) pushDep(d);
        for (const d of s.recommends) pushDep(d);
        for (const d of s.suggests) pushDep(d);
        if (this.req.implicitObsoleteUsesColors) this.pushLockStep(s, push);
      }
    };
    for (const i of this.installed) push(i);
    for (const i of this.installed) for (const p of this.featureCandidates(i)) push(p);
    for (const p of this.jobPackages) push(p);
    for (const p of this.req.considerAlso ?? []) push(p);
    drain();
    const possible = (d: DepTree): boolean => this.positivesOf(d).some((p) => m[p] === 1);
    for (let changed = true; changed;) {
      changed = false;
      for (let n = 0; n < this.pool.count; n++) {
        if (m[n] || !this.installable(n)) continue;
        const s = this.pool.solvable(n);
        if (!s.supplements.some(possible) && !s.enhances.some(possible)) continue;
        push(n);
        drain();
        changed = true;
      }
    }
    return m;
  }

  /** solver_addpkgrulesforsolvable's lock-step candidates: the same EVR of s's name in a better arch. */
  private pushLockStep(s: Solvable, push: (p: number) => void): void {
    const a = this.archScore(s.arch);
    if (a <= 1) return;
    for (const p of this.pool.named(s.name)) {
      const ps = this.pool.solvable(p);
      if (ps.evr.epoch !== s.evr.epoch || ps.evr.version !== s.evr.version || (ps.evr.release ?? '') !== (s.evr.release ?? '')) continue;
      const pa = this.archScore(ps.arch);
      if (pa && pa !== 1 && pa < a) push(p);
    }
  }

  private pkgRules(): RuleArena {
    const out = new RuleArenaBuilder();
    const add = (lits: number[]): void => {
      if (lits.length === 2 && lits[0] > lits[1]) lits = [lits[1], lits[0]];
      if (selfFulfilling(lits)) return;
      out.add(lits);
    };
    // -n with other packages' literals (p !== n), each once (a provider list is duplicate-free): cannot be self-fulfilling
    const addPlain = (lits: number[]): void => {
      if (lits.length === 2 && lits[0] > lits[1]) { out.add2(lits[1], lits[0]); return; }
      out.add(lits);
    };
    // addPlain([a, b]) without the array
    const addPlain2 = (a: number, b: number): void => { if (a > b) out.add2(b, a); else out.add2(a, b); };
    const considered = this.considered();
    /** Per package p: the last package that got the rule -n | p from a requires (unifyRules would drop the copies). */
    const soleProviderOf = new Int32Array(this.pool.count).fill(-1);
    this.consideredMap = considered;
    for (let n = 0; n < this.pool.count; n++) {
      if (!considered[n]) continue;
      const s = this.pool.solvable(n);
      const isInst = this.isInst(n);
      // dontfix: an installed package's broken dependencies are left alone, unless a verify job fixes it (fixmap)
      const dontfix = isInst && !this.fixAll && !this.fix.has(n);
      // pool_installable: an installed package whose deps are fixed is held to it too (its arch, not disabled)
      if (!dontfix && (isInst ? this.archScore(s.arch) === 0 || this.req.disabled?.has(n) === true : !this.installable(n))) add([-V(n)]);
      // add_complex_deprules: one rule per block, its literals ordered; an installed package keeps only the
      // blocks its installed state fulfils
      const addComplex = (block: number[], conflict = false): void => {
        if (block.length === 0 && conflict) return;
        if (dontfix && !block.some((l) => (l > 0) === this.isInst(ID(l)))) return;
        if (block.includes(V(n))) return;
        add([...new Set([-V(n), ...block])].sort((a, b) => a - b));
      };
      for (const req of s.requires) {
        if (req.type !== 'simple') {
          const blocks = this.blocks(req, false);
          // pool_normalize_complex_dep gives 0 for a dependency that is false as a whole: an installed package's
          // broken dependency is ignored, any other package is not installable
          if (blocks.some((b) => b.length === 0)) { if (!dontfix) add([-V(n)]); continue; }
          for (const clause of blocks) addComplex(clause);
          continue;
        }
        const dp = this.providers(req);
        if (dontfix && !dp.some((p) => this.isInst(p))) continue;
        if (dp.includes(n)) continue;
        // a package's requires often resolve to one same provider (libc.so.6(…)(64bit) by the dozen): its rule once
        if (dp.length === 1) { if (soleProviderOf[dp[0]] === n) continue; soleProviderOf[dp[0]] = n; addPlain2(-V(n), V(dp[0])); continue; }
        const lits = new Array<number>(dp.length + 1);
        lits[0] = -V(n);
        for (let k = 0; k < dp.length; k++) lits[k + 1] = V(dp[k]);
        addPlain(lits);
      }
      // strongrecommends: each recommends is a weak package rule (installed packages too)
      if (this.req.strongRecommends) {
        if (this.req.jobs.some((j) => j.command === 'disfavor')) throw unsupported('strongrecommends with disfavor jobs (recommends rules)');
        for (const rec of s.recommends) {
          if (rec.type !== 'simple') throw unsupported(`the rich recommends ${formatDep(rec)} under strongrecommends`);
          const dp = this.providers(rec);
          if (dp.length === 0 || dp.includes(n)) continue;
          const lits = [-V(n), ...dp.map(V)];
          out.add(lits.length === 2 && lits[0] > lits[1] ? [lits[1], lits[0]] : lits, true);
        }
      }
      for (const con of s.conflicts) {
        if (con.type !== 'simple') {
          for (const clause of this.blocks(con, true)) addComplex(clause.filter((l) => l !== -V(n)), true);
          continue;
        }
        for (const p of this.providers(con)) {
          if (dontfix && this.isInst(p)) continue;
          if (p === n) continue;
          addPlain2(-V(n), -V(p));
        }
      }
      const multi = this.multi.has(n);
      for (const obs of !multi || this.req.keepExplicitObsoletes ? s.obsoletes : []) {
        for (const p of this.obsProviders(obs)) {
          if (p === n) continue;
          if (isInst && dontfix && this.isInst(p)) continue;
          if (!obsoleteMatches(this.pool.solvable(p), obs)) continue;
          addPlain2(-V(n), -V(p));
        }
      }
      if (!isInst || !dontfix) {
        for (const p of this.pool.whatprovides({ type: 'simple', name: s.name })) {
          if (p === n) continue;
          // between two considered packages of one name, neither installed nor multiversion, the rule is symmetric:
          // the one with the lower id adds it (unifyRules would drop the second copy)
          if (p < n && considered[p] && !multi && !this.isInst(p) && !this.multi.has(p)) continue;
          // a multiversion package obsoletes only its own NEVRA, and an installed package that is not multiversion
          if (multi && !sameNevra(s, this.pool.solvable(p)) && (isInst || !this.isInst(p) || this.multi.has(p))) continue;
          if (this.pool.solvable(p).name !== s.name) continue;
          if (this.req.implicitObsoleteUsesColors && !this.colorMatch(s, this.pool.solvable(p))) continue;
          addPlain2(-V(n), -V(p));
        }
      }
    }
    return unifyRules(out.done(), this.pool.count);
  }

  private select(job: Job): number[] {
    const sel = job.select;
    switch (sel.kind) {
      case 'name': {
        const want = sel.evr;
        const named = this.pool.named(sel.name);
        if (!want?.flags) return [...named];
        const dep: Dep = { name: sel.name, flags: want.flags, evr: want.evr };
        // pool_match_nevr: the package's own `name = evr` against the selection (Debian's pool compares whole)
        if (this.pool.disttype === 'deb') return named.filter((p) => matchesDebDep({ name: sel.name, flags: 'EQ', evr: this.pool.solvable(p).evr }, dep));
        return named.filter((p) => obsoleteMatches(this.pool.solvable(p), dep));
      }
      case 'provides': return [...this.providers(sel.dep)];
      case 'pkg': return [sel.id];
      case 'all': return Array.from({ length: this.pool.count }, (_, i) => i);
      case 'repo': return Array.from({ length: this.pool.count }, (_, i) => i).filter((i) => this.pool.solvable(i).repo === sel.repo);
      case 'oneof': return [...sel.ids];
    }
  }

  private pushJobRule(job: Job, lits: number[]): void {
    if (job.weak && job.forceBest) throw unsupported('a weak forcebest job (its best rules would be weak too)');
    this.jobRules.push({ lits, kind: 'job', job: this.req.jobs.indexOf(job), ...(job.weak ? { weak: true } : {}) });
  }

  private addJobs(): void {
    // solver_calculate_multiversionmap: before any rule, whatever the job order
    for (const job of this.req.jobs) if (job.command === 'multiversion') for (const p of this.select(job)) this.multi.add(p);
    // installcandidatemap: every install job's packages, whatever the job order
    const installCandidates = new Set<number>();
    for (const job of this.req.jobs) if (job.command === 'install' && job.select.kind !== 'all' && job.select.kind !== 'repo') for (const p of this.select(job)) installCandidates.add(p);
    for (const job of this.req.jobs) {
      if (job.command === 'multiversion') continue;
      const sel = this.select(job);
      switch (job.command) {
        case 'install': {
          if (job.select.kind === 'all' || job.select.kind === 'repo') throw unsupported(`install ${job.select.kind}`);
          if (job.cleandeps) this.cleandepsJob = true;
          if (job.select.kind === 'oneof' && sel.length === 0) break; // empty installs are ignored
          this.pushJobRule(job, sel.map(V));
          if (job.forceBest) this.bestInstallJobs.push(sel.map(V));
          // jobtodisablelist: a package job sets the repo (SOLVER_SETREPO), which lifts the dup rules of its name
          if (job.select.kind === 'pkg') { this.dupLifted.add(this.pool.solvable(job.select.id).name); this.infarchLifted.push(job.select.id); }
          this.jobPackages.push(...sel);
          for (const i of this.updatesLiftedBy(job, sel)) this.featureInstead.add(i);
          break;
        }
        case 'erase': {
          if (job.cleandeps) this.cleandepsJob = true;
          for (const p of sel) {
            this.pushJobRule(job, [-V(p)]);
            if (this.isInst(p)) this.noUpdate.add(p);
          }
          // erasing one specific installed package (by package, or by name with a version) also erases the
          // repository packages of its name, so that none is picked up as its replacement — except what install
          // jobs select (installcandidatemap) and, with implicitobsoleteusescolors, other arch colours
          const specific = job.select.kind === 'pkg' || (job.select.kind === 'name' && job.select.evr?.flags !== undefined);
          const inst = sel.filter((p) => this.isInst(p));
          if (!specific || inst.length !== 1) break;
          const ns = this.pool.solvable(inst[0]);
          for (const p of this.pool.named(ns.name)) {
            if (this.isInst(p) || installCandidates.has(p) || sel.includes(p)) continue;
            if (this.req.implicitObsoleteUsesColors && !this.colorMatch(ns, this.pool.solvable(p))) continue;
            this.pushJobRule(job, [-V(p)]);
          }
          break;
        }
        case 'update': {
          if (job.select.kind === 'all' || (job.select.kind === 'repo' && job.select.repo === this.pool.installedRepo && !job.targeted)) {
            this.updateAll = true;
            if (job.forceBest) this.bestUpdateAll = true;
            if (job.cleandeps) for (const p of this.installed) this.addCleandepsUpdate(p);
            break;
          }
          if (job.select.kind === 'repo') {
            // a repository's packages as update targets (not with noautotarget, unless [targeted])
            if (this.req.noAutoTarget && !job.targeted) break;
            for (const p of sel) this.addUpdateTarget(p, job);
            break;
          }
          if (!job.targeted) {
            const inst = sel.filter((p) => this.isInst(p));
            for (const p of inst) {
              this.updateMap.add(p);
              if (job.forceBest) this.bestUpdateSet.add(p);
              if (job.cleandeps) this.addCleandepsUpdate(p);
            }
            // a selection without an installed package is a targeted update (unless noautotarget)
            if (inst.length || this.req.noAutoTarget) break;
          }
          for (const p of sel) this.addUpdateTarget(p, job);
          break;
        }
        case 'lock':
          for (const p of job.select.kind === 'all' ? Array.from({ length: this.pool.count }, (_, i) => i) : sel) {
            this.pushJobRule(job, [this.isInst(p) ? V(p) : -V(p)]);
            (this.locked ??= new Set()).add(p);
            // jobtodisablelist: a locked installed package lifts the dup rules of its name
            if (this.isInst(p)) this.dupLifted.add(this.pool.solvable(p).name);
          }
          break;
        case 'favor': case 'disfavor': {
          const k = this.req.jobs.indexOf(job);
          for (const p of sel) this.favorMap.set(p, job.command === 'favor' ? 2 * k + 1 : -(2 * k + 1));
          break;
        }
        case 'blacklist':
          this.blacklisted.push(...sel);
          break;
        case 'verify':
          if (job.select.kind === 'all' || (job.select.kind === 'repo' && job.select.repo === this.pool.installedRepo)) this.fixAll = true;
          for (const p of sel) if (this.isInst(p)) this.fix.add(p);
          break;
        case 'excludefromweak':
          for (const p of sel) this.excludedFromWeak.add(p);
          break;
        case 'allowuninstall':
          if (job.select.kind === 'all' || (job.select.kind === 'repo' && job.select.repo === this.pool.installedRepo)) this.uninstallAll = true;
          for (const p of sel) if (this.isInst(p)) this.uninstallable.add(p);
          break;
        case 'distupgrade':
          // solver_createdupmaps: all packages are involved, every installable repository package is good
          if (job.select.kind !== 'all') {
            const repo = job.select.kind !== 'repo' ? undefined : job.select.repo === this.pool.installedRepo ? 'installed' as const : 'other' as const;
            const dupJob: DupJob = { sel, ...(repo ? { repo } : {}), targeted: job.targeted === true, forceBest: job.forceBest === true, ...(job.cleandeps ? { cleandeps: true } : {}) };
            this.dupJobs.push(dupJob);
            if (job.cleandeps) this.dupCleandeps.push(dupJob);
            break;
          }
          if (job.cleandeps) this.dupCleandeps.push('all');
          this.dupAll = true;
          this.updateAll = true;
          if (job.forceBest) this.bestUpdateAll = true;
          break;
      }
    }
  }

  /**
   * add_update_target (libsolv src/solver.c): the installed packages `p` may update: an installed p itself and the
   * other installed packages of its name; a repository p the installed packages of its name and those it obsoletes
   * (and, when an installed package of its name is identical to it, that one too). Those installed packages are to
   * be updated (transform_update_targets) and only to their targets.
   */
  private addUpdateTarget(p: number, job: Job): void {
    const forceBest = job.forceBest === true;
    const add = (pi: number, q: number): void => {
      let list = this.updateTargets.get(pi);
      if (!list) { list = []; this.updateTargets.set(pi, list); }
      if (!list.includes(q)) list.push(q);
      this.updateMap.add(pi);
    };
    const s = this.pool.solvable(p);
    if (this.isInst(p)) {
      add(p, p);
      for (const pi of this.pool.named(s.name)) if (this.isInst(pi) && pi !== p) add(pi, p);
      return;
    }
    const touched: number[] = [];
    let identicalTo: number | undefined;
    for (const pi of this.pool.named(s.name)) {
      if (!this.isInst(pi)) continue;
      if (forceBest) this.bestUpdateSet.add(pi);
      if (job.cleandeps) this.addCleandepsUpdate(pi);
      add(pi, p);
      touched.push(pi);
      // remember an installed package identical to p
      if (identical(s, this.pool.solvable(pi))) identicalTo = pi;
    }
    for (const obs of s.obsoletes) {
      for (const pi of this.obsProviders(obs)) {
        if (!this.isInst(pi) || this.pool.solvable(pi).name === s.name || !obsoleteMatches(this.pool.solvable(pi), obs)) continue;
        if (forceBest) this.bestUpdateSet.add(pi);
        if (job.cleandeps) this.addCleandepsUpdate(pi);
        add(pi, p);
        touched.push(pi);
      }
    }
    if (identicalTo !== undefined) for (const pi of touched) add(pi, identicalTo);
  }

  /** cleandeps_updatepkgs: the installed packages [cleandeps] updates cover, in the order added (distupgrades' after). */
  private readonly cleandepsUpdate: number[] = [];
  /** The [cleandeps] distupgrades in job order ('all' for one of all packages): their packages follow the updates'. */
  private readonly dupCleandeps: (DupJob | 'all')[] = [];
  /** An install or erase job says [cleandeps]. */
  private cleandepsJob = false;
  /** The cleandeps map (cleandeps.ts); undefined when no job asks for one. */
  private cleandeps: Set<number> | undefined;
  /** The best rules of cleandeps packages: disabled, but the mistakes check reads them. */
  private cleandepsBest: Rule[] = [];

  private addCleandepsUpdate(p: number): void {
    if (!this.cleandepsUpdate.includes(p)) this.cleandepsUpdate.push(p);
  }

  /**
   * The cleandeps map, made when the rules are (solver_disablepolicyrules): its packages' update rules are disabled
   * (DISABLE_UPDATE). The mistakes of earlier runs stay out of it.
   */
  private makeCleandepsMap(): void {
    for (const d of this.dupCleandeps) for (const p of d === 'all' ? this.installed : this.dupMaps?.cleandeps.get(d) ?? []) this.addCleandepsUpdate(p);
    if (this.installed.length === 0 || (!this.cleandepsJob && this.cleandepsUpdate.length === 0)) return;
    this.cleandeps = createCleandepsMap({
      pool: this.pool,
      installed: this.installed,
      isInstalled: (p) => this.isInst(p),
      jobRules: this.jobRules.map((r) => {
        const job = this.req.jobs[r.job as number];
        return { lits: r.lits, command: job.command, cleandeps: job.cleandeps === true };
      }),
      updatePkgs: this.cleandepsUpdate,
      mistakes: this.mistakes,
      multiversionReplacesNothing: (p) => this.multi.has(p) && !this.req.keepExplicitObsoletes,
      obsoleted: (p) => this.obsoletedInstalled(p),
      providers: (dep) => this.providers(dep),
      // pool_normalize_complex_dep's blocks are sorted (negative literals first: a block skipped at an absent package
      // is skipped whole), and a block holding a package and its negation is dropped (distribute_depblocks)
      blocks: (dep) => this.blocks(dep, false).filter((block) => !selfFulfilling(block)).map((block) => [...block].sort((x, y) => x - y)),
      depSet: (dep) => this.depSet(dep),
      ...(this.req.disabled?.size ? { disabled: (p: number) => this.req.disabled?.has(p) === true } : {}),
      ...(this.req.implicitObsoleteUsesColors ? { lockStep: this.archScore } : {}),
    });
    for (const p of this.cleandeps) this.noUpdate.add(p);
  }

  /**
   * resolve_dependencies' prune to cleandeps packages: an installed cleandeps package of the choice not to be
   * updated is the choice; when all of them are to be updated, do_cleandeps_update_filter keeps them and the
   * candidates of their update rules (special updaters), pruned to their update targets.
   */
  private pruneToCleandeps(dq: number[]): number[] {
    const map = this.cleandeps;
    if (!map) return dq;
    const updating = (p: number): boolean => this.updateAll || this.updateMap.has(p);
    const listed = dq.filter((p) => map.has(p));
    if (listed.length === 0) return dq;
    const kept = listed.find((p) => !updating(p));
    if (kept !== undefined) return [kept];
    const marked = new Set<number>();
    for (const p of listed) {
      const special = this.specialUpdaters.get(p);
      let q = (special ?? (this.updateRule.get(p) ?? []).map(ID)).filter((x) => this.sat.valueOf(V(x)) >= 0);
      if (q.length) q = this.toTargets(p, q);
      marked.add(p);
      for (const x of dq) if (q.includes(x)) marked.add(x);
    }
    return dq.filter((p) => marked.has(p));
  }

  /**
   * solver_check_cleandeps_mistakes: a cleandeps package a kept package requires, or one erased though something
   * recommends or supplements it, or whose feature rule holds but whose update (best) rule does not — it was wrongly
   * erased. Those found are the mistakes the solver runs again without.
   */
  private cleandepsMistakes(): number[] {
    const map = this.cleandeps;
    if (!map) return [];
    const on = (p: number): boolean => this.sat.valueOf(V(p)) === 1;
    const holds = (lits: readonly number[]): boolean => lits.some((l) => l > 0 && on(ID(l)));
    const found: number[] = [];
    const mistake = (p: number): void => { found.push(p); map.delete(p); };
    for (const i of this.installed) {
      if (on(i)) {
        for (const req of this.pool.solvable(i).requires) {
          for (const p2 of this.relProviders(req)) {
            if (!this.isInst(p2) || p2 === i || on(p2) || !map.has(p2)) continue;
            mistake(p2);
          }
        }
      }
      if (!map.has(i)) continue;
      const ur = this.updateRule.get(i) ?? [];
      const feature = this.featureLits(i);
      const fr = ur.length === 0 || sameLiterals(feature, ur) ? ur : feature;
      if (fr.length === 0) continue;
      if (!holds(fr)) {
        // the feature rule does not hold: the package was erased by cleandeps; a mistake when it is wanted
        if (!this.ctx.recommended(i) && !this.ctx.supplementing(i)) continue;
      } else if (fr === ur || holds(ur)) {
        // the update rule holds: a mistake only when one of its best rules does not
        if (![...this.best ?? [], ...this.cleandepsBest].some((r) => r.pkg === i && !holds(r.lits))) continue;
      }
      mistake(i);
    }
    return found;
  }

  /** pool_whatprovides of a dependency: a simple one's providers; a rich one's package set, or its sides' union. */
  private relProviders(t: DepTree): readonly number[] {
    if (t.type === 'simple') return this.providers(t);
    const set = this.depSet(t);
    if (set) return set;
    const sides = t.type === 'and' || t.type === 'or' ? t.operands : t.type === 'if' || t.type === 'unless' ? [t.left, ...(t.otherwise ? [t.otherwise] : [])] : [];
    return [...new Set(sides.flatMap((o) => this.relProviders(o)))].sort((a, b) => a - b);
  }

  /** solver_get_cleandeps: the cleandeps packages erased with no candidate of their update rule installed. */
  private erasedCleandeps(): number[] {
    const map = this.cleandeps;
    if (!map) return [];
    return this.installed.filter((p) => map.has(p) && this.sat.valueOf(V(p)) < 0 && !(this.updateRule.get(p) ?? []).some((l) => l > 0 && this.sat.valueOf(l) === 1));
  }

  /** Installed packages a package install job keeps: their best rules are lifted (jobtodisablelist). */
  private readonly bestKept = new Set<number>();

  /** fixmap (verify jobs): installed packages whose broken dependencies are to be fixed. */
  private fixAll = false;
  private readonly fix = new Set<number>();

  /** excludefromweakmap: never installed for a weak dependency. */
  private readonly excludedFromWeak = new Set<number>();

  /** The packages blacklist jobs select, and those an install job naming their version lifts the black rule of. */
  private readonly blacklisted: number[] = [];
  private readonly blackLifted = new Set<number>();

  /**
   * solver_addblackrules: a blacklisted repository package may not be installed, unless an installed package of
   * its name is blacklisted too (it may then be updated to it).
   */
  private blackRules(): Rule[] {
    if (this.blacklisted.length === 0) return [];
    const names = new Set(this.blacklisted.filter((p) => this.isInst(p)).map((p) => this.pool.solvable(p).name));
    return this.blacklisted.filter((p) => !this.isInst(p) && !names.has(this.pool.solvable(p).name) && !this.blackLifted.has(p))
      .map((p) => ({ lits: [-V(p)], kind: 'black' as const }));
  }

  /** update_targets: per installed package, the packages a targeted update lets it become. */
  private readonly updateTargets = new Map<number, number[]>();

  /** prune_to_update_targets: dq kept to installed package i's targets, when it has any. */
  private toTargets(i: number, dq: number[]): number[] {
    const targets = this.updateTargets.get(i);
    return targets ? dq.filter((p) => targets.includes(p)) : dq;
  }

  /**
   * jobtodisablelist for an install job: the installed packages whose update rule the job lifts. A name job sets
   * the name, a package job everything, a provides job nothing; a job that selects an installed package lifts
   * none; otherwise the installed packages every selected package obsoletes (same name or Obsoletes:), and for a
   * name job only those that no selected package would downgrade or change to another arch colour.
   */
  private updatesLiftedBy(job: Job, sel: number[]): number[] {
    // the set bits: a name job sets the name, a package job everything, [setevr]/[setarch] add theirs
    const all = job.select.kind === 'pkg';
    // a name job with `= EVR` sets the EVR (SETEVR with a release, SETEV without)
    const relEq = job.select.kind === 'name' && job.select.evr?.flags === 'EQ' ? job.select.evr.evr : undefined;
    // (Debian's pool always sets the EVR: rules.c jobtodisablelist)
    const setEvr = all || job.setEvr === true || relEq?.release !== undefined || (relEq !== undefined && this.pool.disttype === 'deb');
    const setEv = relEq !== undefined && relEq.release === undefined && this.pool.disttype !== 'deb';
    const setArch = all || job.setArch === true;
    if (job.select.kind !== 'name' && !setEvr && !setArch) return [];
    // SOLVER_SETARCH lifts the infarch rules of a selected package's name that forbid it (pkg jobs are handled where the job is read)
    if (setArch && !all) this.infarchLifted.push(...sel);
    // SOLVER_SETEVR (or SETEV: a name job with `= EVR`) lifts the black rules of the selected packages
    if (setEvr || setEv) for (const p of sel) this.blackLifted.add(p);
    // a job asking an installed package to stay lifts its best rule (the job keeps it, whatever its update rule says)
    if (all && this.isInst(sel[0])) { this.bestKept.add(sel[0]); return []; }
    if (sel.some((p) => this.isInst(p))) return [];
    // a multiversion package obsoletes nothing but what its own Obsoletes: name, and only with keepexplicitobsoletes
    if (!this.req.keepExplicitObsoletes && sel.some((p) => this.multi.has(p))) return [];
    let common: number[] | undefined;
    for (const p of sel) {
      const mine = this.obsoletedInstalled(p);
      common = common ? common.filter((i) => mine.includes(i)) : mine;
      if (common.length === 0) return [];
    }
    if (!common || all) return common ?? [];
    return common.filter((i) => sel.every((p) => {
      if (!this.illegalChange(i, p, { downgrade: setEvr, arch: setArch })) return true;
      // SETEV: a downgrade alone is fine when the epoch:version differs
      if (!setEv || this.illegalChange(i, p, { downgrade: true, arch: setArch })) return false;
      const a = this.pool.solvable(i).evr;
      const b = this.pool.solvable(p).evr;
      return this.cmpEvr({ epoch: a.epoch, version: a.version }, { epoch: b.epoch, version: b.version }) !== 0;
    }));
  }

  /** solver_add_obsoleted: the installed packages p replaces, by its name or its Obsoletes:. */
  private obsoletedInstalled(p: number): number[] {
    const s = this.pool.solvable(p);
    const out = this.pool.named(s.name).filter((q) => this.isInst(q));
    for (const obs of s.obsoletes) {
      for (const q of this.obsProviders(obs)) {
        if (this.isInst(q) && obsoleteMatches(this.pool.solvable(q), obs) && !out.includes(q)) out.push(q);
      }
    }
    return out;
  }

  /**
   * policy_is_illegal with libsolv's defaults (no downgrade, no arch colour change; name changes allowed), and
   * its dup flags for a package a distupgrade involves (everything allowed unless !dupallowdowngrade or
   * !dupallowarchchange).
   */
  private illegalChange(i: number, p: number, ignore?: { downgrade: boolean; arch: boolean }): boolean {
    const dup = this.isDupInvolved(i);
    const downgrade = !ignore?.downgrade && (!dup || this.req.dupAllowDowngrade === false);
    const archChange = !ignore?.arch && (!dup || this.req.dupAllowArchChange === false);
    const si = this.pool.solvable(i);
    const sp = this.pool.solvable(p);
    if (downgrade && si.name === sp.name && this.cmpEvr(si.evr, sp.evr) > 0) return true;
    // dup_allowvendorchange is on (libsolv's default and dnf's); allowvendorchange off unless asked
    if (!dup && !this.req.allowVendorChange && vendorChanges(si, sp)) return true;
    if (!archChange) return false;
    if (si.arch === sp.arch || si.arch === this.noarch || sp.arch === this.noarch) return false;
    return ((this.archScore(si.arch) ^ this.archScore(sp.arch)) & 0xffff0000) !== 0;
  }

  private addUpdateRules(): Rule[] {
    const out: Rule[] = [];
    for (const i of this.installed) {
      const feature = this.featureCandidates(i);
      // solver_addfeaturerule: under a distupgrade a package that cannot be kept, with only such candidates, is an orphan
      const dupOrphan = this.isDupInvolved(i) && !this.dupMayKeep(i) && feature.every((q) => this.isInst(q) && !this.dupMayKeep(q));
      if (this.req.disabled?.has(i) && !this.featureInstead.has(i)) {
        // disabled installed solvables must stay installed (solver_addupdaterule), unless a job lifts the rule
        this.updateRule.set(i, [V(i)]);
        if (!this.noUpdate.has(i)) out.push({ lits: [V(i)], kind: 'update', pkg: i });
        continue;
      }
      if (dupOrphan) {
        this.orphans.push(i);
        // keeporphans: the orphan's update rule keeps it (an erase job still disables the rule)
        const keep = this.req.keepOrphans ? [V(i)] : [];
        this.updateRule.set(i, keep);
        if (keep.length && !this.noUpdate.has(i)) out.push({ lits: keep, kind: 'update', pkg: i });
        continue;
      }
      if (feature.length === 0) {
        // nothing may replace it: its update (and feature) rule keeps it; outside a distupgrade of all it is an
        // orphan too (solver_solve queues it in solv->orphaned when !process_orphans)
        if (!this.dupAll) this.orphans.push(i);
        this.updateRule.set(i, [V(i)]);
        if (!this.noUpdate.has(i)) out.push({ lits: [V(i)], kind: 'update', pkg: i });
        continue;
      }
      // under a distupgrade the update rule is the feature rule less the changes the dup flags forbid
      let cand = this.isDupInvolved(i) ? feature.filter((p) => !this.illegalChange(i, p)) : this.featureInstead.has(i) ? [...feature] : findUpdatePackages(this.ctx, i, false);
      if (cand.some((p) => this.multi.has(p))) cand = this.multiversionUpdate(i, cand);
      const lits = [V(i), ...cand.map(V)];
      this.updateRule.set(i, lits);
      // an erase job disables the rule (disableupdaterule); the choice rules still read its literals
      if (!this.noUpdate.has(i)) out.push({ lits, kind: this.featureInstead.has(i) ? 'feature' : 'update', pkg: i });
    }
    return out;
  }

  /**
   * solver_addupdaterule's multiversion filter: multiversion candidates do not replace installed `i` (unless they
   * are its own NEVRA, or obsolete it explicitly under keepexplicitobsoletes); when some were dropped and `i` is
   * to be updated, all candidates are kept aside as its special updaters. A distupgraded package left with no
   * candidate and not keepable is a multiversion orphan: its rule keeps every candidate, and it may go once one
   * of them is installed (dupRules).
   */
  private multiversionUpdate(i: number, cand: number[]): number[] {
    const si = this.pool.solvable(i);
    const kept = cand.filter((p) => {
      if (!this.multi.has(p)) return true;
      const sp = this.pool.solvable(p);
      if (this.req.keepExplicitObsoletes && sp.obsoletes.some((o) => obsoleteMatches(si, o))) return true;
      return sameNevra(si, sp);
    });
    if (kept.length === 0 && this.isDupInvolved(i) && !this.dupMayKeep(i)) {
      this.orphans.push(i);
      this.specialUpdaters.set(i, cand);
      // keeporphans: the rule keeps it (and its dup rule asks for one of the updaters beside it)
      return this.req.keepOrphans ? [] : cand;
    }
    if (kept.length === cand.length) return cand;
    if (this.updateAll || this.updateMap.has(i)) this.specialUpdaters.set(i, cand);
    return kept;
  }

  /** dup_maykeepinstalled: a repository package, or identical to one (same name, evr and contents). */
  private readonly mayKeep = new Map<number, boolean>();

  private dupMayKeep(i: number): boolean {
    if (!this.isInst(i)) return this.isDupGood(i);
    let known = this.mayKeep.get(i);
    if (known === undefined) { known = this.lookUpMayKeep(i); this.mayKeep.set(i, known); }
    return known;
  }

  private lookUpMayKeep(i: number): boolean {
    const s = this.pool.solvable(i);
    if (this.dupMaps?.good[i] === 1) return true;
    return this.pool.named(s.name).some((q) => !this.isInst(q) && this.isDupGood(q) && identical(s, this.pool.solvable(q)));
  }

  /**
   * solver_addduprules: an installed package a distupgrade involves goes unless it is identical to a repository
   * package or an orphan (no feature rule: nothing may replace it).
   */
  private dupRules(): Rule[] {
    if (!this.dupAll && !this.dupMaps) return [];
    const out: Rule[] = [];
    const added = this.consideredMap;
    const done = new Set<string>();
    const good = this.dupMaps?.good;
    // per name, in the order of the name's first package with rules; a lock on an installed package lifts its name's
    for (let n = 0; n < this.pool.count; n++) {
      if (!added[n]) continue;
      const name = this.pool.solvable(n).name;
      if (done.has(name)) continue;
      done.add(name);
      if (this.dupLifted.has(name)) continue;
      for (const i of this.pool.named(name)) {
        if (!added[i] || !this.isDupInvolved(i)) continue;
        if (!this.isInst(i)) { if (!this.isDupGood(i)) out.push({ lits: [-V(i)], kind: 'dup' }); continue; }
        if (this.req.disabled?.has(i)) continue; // always keep disabled installed packages
        const ur = this.updateRule.get(i) ?? [];
        // identical to a good package, or an orphan: it may stay (and counts as good for the best rules)
        if (this.dupMayKeep(i) || ur.length === 0) { if (good) good[i] = 1; continue; }
        // a multiversion orphan: it may stay once one of its updaters is installed
        const special = this.specialUpdaters.get(i);
        if (special) { out.push({ lits: [-V(i), ...special.map(V)], kind: 'dup' }); continue; }
        // an update rule that only keeps it, with a feature rule no larger: an orphan
        if (ur.length === 1 && ur[0] === V(i) && this.featureLits(i).length <= 1) { if (good) good[i] = 1; continue; }
        out.push({ lits: [-V(i)], kind: 'dup' });
      }
    }
    return out;
  }

  /**
   * solver_createdupmaps for the distupgrades of some packages; the installed packages they involve are to be
   * updated (updatemap), those a forcebest one covers with their best (bestupdatemap).
   */
  private addDupMaps(): void {
    const maps = createDupMaps({ ctx: this.ctx, installable: (p) => this.installable(p), providers: (obs) => this.obsProviders(obs) }, this.dupJobs, this.req.noAutoTarget === true);
    this.dupMaps = maps;
    for (const i of this.installed) if (maps.involved[i] && !this.updateAll) this.updateMap.add(i);
    for (const i of maps.best) if (!this.bestUpdateAll) this.bestUpdateSet.add(i);
  }

  /** dupinvolvedmap: a distupgrade of all packages involves every one. */
  private isDupInvolved(p: number): boolean { return this.dupAll || this.dupMaps?.involved[p] === 1; }

  /** dupmap: good to install or keep under the distupgrade (of all: every installable repository package). */
  private isDupGood(p: number): boolean {
    if (this.dupMaps?.good[p] === 1) return true;
    return this.dupAll && !this.isInst(p) && this.installable(p);
  }

  /** solver_addchoicerules: a requires that an update of an installed package could satisfy prefers that update. */
  private choiceRules(pkg: RuleArena): Rule[] {
    if (this.installed.length === 0) return [];
    const out: Rule[] = [];
    const found = new Int32Array(this.pool.count).fill(-2); // -2 not looked up, -1 none
    const findInstalled = (p: number): number | undefined => {
      if (found[p] === -2) found[p] = lookUpInstalled(p) ?? -1;
      return found[p] < 0 ? undefined : found[p];
    };
    const lookUpInstalled = (p: number): number | undefined => {
      if (this.isInst(p)) return p;
      const s = this.pool.solvable(p);
      for (const q of this.pool.named(s.name)) if (this.isInst(q) && (!this.req.implicitObsoleteUsesColors || this.colorMatch(s, this.pool.solvable(q)))) return q;
      for (const obs of s.obsoletes) {
        for (const q of this.obsProviders(obs)) {
          if (this.isInst(q) && obsoleteMatches(this.pool.solvable(q), obs)) return q;
        }
      }
      return undefined;
    };
    let last: number[] | undefined;
    // per rule: the installed package (or itself when installed) and the package of each positive literal that
    // updates one; two arrays reused from rule to rule (most rules offer no choice and allocate nothing)
    const qiInst: number[] = [];
    const qiPkg: number[] = [];
    const { start, lits: arena } = pkg;
    for (let ri = 0; ri < pkg.count; ri++) {
      const from = start[ri];
      const to = start[ri + 1];
      if (arena[from] >= 0 || (to - from <= 2 && (to - from === 1 || arena[from + 1] <= 0))) continue;
      qiInst.length = 0;
      qiPkg.length = 0;
      let havechoice = false;
      let isinstalled = false;
      for (let j = from; j < to; j++) {
        const l = arena[j];
        if (l < 0) {
          const p2 = ID(l);
          if (this.isInst(p2) && !(this.updateAll || this.updateMap.has(p2))) isinstalled = true;
          continue;
        }
        const p = ID(l);
        if (this.isInst(p)) { qiInst.push(p); qiPkg.push(p); continue; }
        const p2 = findInstalled(p);
        if (p2 !== undefined) {
          if (this.illegalChange(p2, p)) continue;
          qiInst.push(p2);
          qiPkg.push(p);
          continue;
        }
        havechoice = true;
      }
      if (!havechoice || qiInst.length === 0) continue;
      const lits = ruleLits(pkg, ri);
      const m = new Set(lits.filter((l) => l > 0).map(ID));
      if (!isinstalled) {
        let j = 0;
        for (let k = 0; k < qiInst.length; k++) {
          const p2 = qiInst[k];
          if ((this.updateAll || this.updateMap.has(p2)) && this.choiceCheck(p2, m)) continue;
          qiInst[j] = p2;
          qiPkg[j++] = qiPkg[k];
        }
        qiInst.length = j;
        qiPkg.length = j;
      }
      if (qiInst.length === 0) continue;
      const q = qiPkg;
      // the update rules of the installed packages: if all their packages are in the rule, no choice rule
      let needed = false;
      for (const p2 of qiInst) {
        const ur = this.updateRule.get(p2) ?? [];
        if (ur.length === 0) continue;
        if (ur.some((l) => !m.has(ID(l)))) { needed = true; break; }
      }
      if (!needed) continue;
      const neg = lits.slice(1).filter((l) => l < 0);
      const body = [...neg, ...q.map(V)];
      const rule = [lits[0], ...body];
      if (last && last.length === rule.length && last.every((x, k) => x === rule[k])) continue;
      last = rule;
      out.push({ lits: rule, kind: 'choice', from: lits });
    }
    return out;
  }

  /**
   * solver_choicerulecheck: true when none of the best packages of installed `pi`'s update rule (itself
   * included) is in the rule.
   */
  private choiceCheck(pi: number, m: Set<number>): boolean {
    const ur = (this.updateRule.get(pi) ?? []).filter((l) => l > 0).map(ID);
    if (ur.length === 0) return false;
    if (ur.length === 1) return !m.has(ur[0]);
    if (ur.every((p) => m.has(p))) return false;
    return !filterUnwanted(this.ctx, ur, 'choose').some((p) => m.has(p));
  }

  // ---- the decision order ----

  private undecidedPositives(lits: readonly number[]): number[] | undefined {
    const dq: number[] = [];
    for (const l of lits) {
      const v = this.sat.valueOf(l);
      if (v === 1) return undefined; // fulfilled
      if (l > 0 && v === 0) dq.push(ID(l));
    }
    return dq;
  }

  /** selectandinstall: the policy's first choice; several candidates open a branch for minimisation. */
  private choose(dq: number[], origin: BranchOrigin | undefined, reorder = false): number {
    let list = dq.length > 1 ? filterUnwanted(this.ctx, [...dq], 'choose') : dq;
    if (reorder && list.length > 1) list = this.reorderForFutureInstalled(list);
    if (list.length > 1) this.branches.push({ level: this.sat.decisionLevel, cands: list, taken: list.map((_, k) => k === 0), ...(origin ? { origin } : {}) });
    return V(list[0]);
  }

  /**
   * The auto-minimisation step of solver_run_sat: the earliest branch with an untaken candidate that got installed
   * later anyway, or whose choice is not recommended (nor supplementing) while an untaken candidate is, is taken
   * again with that candidate; undefined when the model is final.
   */
  private minimizeStep(): { branch: Branch; at: number } | undefined {
    const wanted = (p: number): boolean => this.ctx.recommended(p) || this.ctx.supplementing(p);
    let found: { branch: Branch; at: number } | undefined;
    for (let b = this.branches.length - 1; b >= 0; b--) {
      const br = this.branches[b];
      let wantedAt = -1;
      let later = -1;
      for (let k = 0; k < br.cands.length; k++) {
        if (br.taken[k]) continue;
        const lit = V(br.cands[k]);
        if (this.sat.valueOf(lit) === 1 && this.sat.levelOf(lit) > br.level) { later = k; break; }
        if (this.disfavored(br.cands[k])) continue;
        if (wantedAt < 0 && wanted(br.cands[k])) wantedAt = k;
      }
      if (later >= 0) { found = { branch: br, at: later }; continue; }
      if (wantedAt < 0) continue;
      for (let k = 0; k < br.cands.length; k++) {
        const lit = V(br.cands[k]);
        if (!br.taken[k] || this.sat.valueOf(lit) !== 1 || this.sat.levelOf(lit) !== br.level + 1) continue;
        if ((this.ctx.favor?.(br.cands[k]) ?? 0) > (this.ctx.favor?.(br.cands[wantedAt]) ?? 0)) continue; // the current choice is more favored
        if (!wanted(br.cands[k])) { found = { branch: br, at: wantedAt }; break; }
      }
    }
    return found;
  }

  /** takebranch: back to the branch's level, deciding its candidate `at` instead; the branch itself stays. */
  private takeBranch(branch: Branch, at: number): void {
    branch.taken[at] = true;
    this.keptBranch = branch;
    this.sat.branchTo(branch.level, V(branch.cands[at]));
    this.keptBranch = undefined;
  }

  private decideJobs(): number {
    for (const r of this.jobRules) {
      // a rule with a negative literal that is not false is either fulfilled or unit: propagation handles it
      if (r.lits.some((l) => l < 0 && this.sat.valueOf(-l) !== 1)) continue;
      const dq = this.undecidedPositives(r.lits);
      if (!dq || dq.length === 0) continue;
      let cand = dq;
      if (cand.length > 1 && this.installed.length && !this.updateAll && !cand.some((p) => this.isInst(p) && this.updateMap.has(p))) {
        const inst = cand.filter((p) => this.isInst(p));
        if (inst.length) cand = inst;
      }
      // resolve_jobrules runs with do_extra_reordering when there are installed packages (and the jobs come first)
      return this.choose(cand, { rule: r }, this.installed.length > 0 && !this.req.focusInstalled);
    }
    return 0;
  }

  /**
   * reorder_dq_for_future_installed: while the jobs are resolved the installed packages are not kept yet; counting
   * the undecided ones (but those an erase job lets go) as installed, the candidates suggested or enhancing such
   * a package come first, then those recommended or supplementing; then the favored.
   */
  private reorderForFutureInstalled(dq: number[]): number[] {
    const future = new Set(this.installed.filter((p) => !this.noUpdate.has(p) && this.sat.valueOf(V(p)) === 0));
    if (future.size === 0) return dq;
    const on = (lit: number): boolean => this.sat.valueOf(lit) === 1 || (lit > 0 && future.has(ID(lit)));
    const ev = (g: Formula): boolean => {
      switch (g.t) {
        case 'true': return true;
        case 'false': return false;
        case 'lit': return on(g.lit);
        case 'and': return g.parts.every(ev);
        case 'or': return g.parts.some(ev);
      }
    };
    const recommended = new Set<number>();
    const suggested = new Set<number>();
    const mark = (id: number): void => {
      const s = this.pool.solvable(id);
      for (const d of s.recommends) for (const p of this.positivesOf(d)) recommended.add(p);
      for (const d of s.suggests) for (const p of this.positivesOf(d)) suggested.add(p);
    };
    for (const lit of this.sat.assigned) if (lit > 0) mark(ID(lit));
    for (const p of future) mark(p);
    const supplementing = (p: number): boolean => this.pool.solvable(p).supplements.some((d) => ev(this.formula(d)));
    const enhancing = (p: number): boolean => this.pool.solvable(p).enhances.some((d) => ev(this.formula(d)));
    const partition = (list: number[], front: (p: number) => boolean): number[] => [...list.filter(front), ...list.filter((p) => !front(p))];
    let out = partition(dq, (p) => this.isInst(p) || suggested.has(p) || enhancing(p));
    out = partition(out, (p) => this.isInst(p) || recommended.has(p) || supplementing(p));
    preferFavored(this.ctx, out);
    return out;
  }

  private wantsUpdate(i: number): boolean {
    return !this.noUpdate.has(i) && (this.sat.valueOf(V(i)) === -1 || this.updateAll || this.updateMap.has(i));
  }

  /**
   * resolve_installed as libsolv 0.7.23 has it: pass 0 the packages to update, pass 1 all; update or keep. The
   * walk starts at installedpos: after a decision here was undone by a conflict, at the package that caused it.
   */
  private installedPos = 0;
  private lastInstalled: { at: number; level: number; lit: number } | undefined;

  private decideInstalled(): number {
    const last = this.lastInstalled;
    if (last && (this.sat.valueOf(last.lit) !== 1 || this.sat.levelOf(last.lit) !== last.level + 1)) this.installedPos = last.at;
    this.lastInstalled = undefined;
    const passes = this.updateMap.size ? PASSES_BOTH : PASSES_ALL;
    const n = this.installed.length;
    const from = this.installedScan ?? { pass: 0, k: 0 };
    for (let pi = from.pass; pi < passes.length; pi++) {
      for (let k = pi === from.pass ? from.k : 0; k < n; k++) {
        const at = (this.installedPos + k) % n;
        const lit = this.decideInstalledAt(this.installed[at], passes[pi]);
        if (lit) {
          this.lastInstalled = { at, level: this.sat.decisionLevel, lit };
          this.installedScan = { pass: pi, k };
          return lit;
        }
      }
    }
    this.installedScan = { pass: passes.length, k: 0 };
    this.installedPos = 0;
    return 0;
  }

  /**
   * Where the walk of decideInstalled may resume: every package before it gave no decision, and stays so while
   * the assignment only grows (its answer depends on decided literals, which only get more); a backtrack forgets it.
   */
  private installedScan: { pass: number; k: number } | undefined;

  /**
   * The installed packages with special updaters resolve_installed has looked at in its current walk, per pass
   * (`pass * count + id`), by the decision level it looked at them: libsolv looks at each once per pass (then
   * keeps it), while this walk is re-entered after every decision; a backtrack to that level or below forgets them.
   */
  private readonly specialSeen = new Map<number, number>();

  private decideInstalledAt(i: number, pass: number): number {
    const seenKey = pass * this.pool.count + i;
    const special = this.specialSeen.has(seenKey) ? undefined : this.specialUpdaters.get(i);
    if (this.sat.valueOf(V(i)) === 1 && !special) return 0;
    if (pass === 0 && !this.updateMap.has(i)) return 0;
    const rr = this.updateRule.get(i) ?? [];
    if (rr.length === 0) return 0; // orphan
    if (special) this.specialSeen.set(seenKey, this.sat.decisionLevel);
    if (this.specialUpdaters.has(i)) {
      if (special && this.wantsUpdate(i)) {
        const p = this.bestSpecialUpdater(i, rr, special);
        if (p !== undefined) return V(p);
      }
    } else if (this.wantsUpdate(i)) {
      const dq = this.undecidedPositives(rr);
      const pruned = dq && dq.length ? this.toTargets(i, dq) : undefined;
      if (pruned && pruned.length) return this.choose(pruned, { rule: { lits: rr, kind: 'update', pkg: i } });
    }
    // a cleandeps package is not kept: it goes unless something needs it (resolve_cleandeps)
    return this.sat.valueOf(V(i)) === 0 && !this.cleandeps?.has(i) ? V(i) : 0;
  }

  /**
   * resolve_installed's special multiversion handling: the best of the installed package and its special
   * updaters not decided out (with repository packages identical to an installed candidate, for their repo
   * priority); that package when it is another one still undecided.
   */
  private bestSpecialUpdater(i: number, rr: readonly number[], special: readonly number[]): number | undefined {
    const open = (p: number): boolean => this.sat.valueOf(V(p)) >= 0;
    const dq: number[] = [];
    if (rr[0] === V(i) && open(i)) dq.push(i);
    for (const p of special) if (open(p)) dq.push(p);
    for (const p2 of [...dq]) {
      if (!this.isInst(p2)) continue;
      for (const p of special) {
        if (open(p) || this.isInst(p)) continue;
        if (identical(this.pool.solvable(p), this.pool.solvable(p2))) dq.push(p);
      }
    }
    const targeted = this.toTargets(i, dq);
    if (targeted.length === 0) return undefined;
    const p = filterUnwanted(this.ctx, targeted, 'choose')[0];
    return p !== i && this.sat.valueOf(V(p)) === 0 ? p : undefined;
  }

  /**
   * resolve_dependencies: walks the rules from a cursor that survives decisions (libsolv goes on after the rule
   * it just decided, and looks at every rule again); rules with several best candidates are postponed in the
   * first round. The walk starts afresh when an earlier phase decided or a conflict undid its level.
   */
  private deps: { i: number; n: number; postponed: number; level: number } | undefined;

  /**
   * The rules with two or more positive literals, in rule order: only they can offer a choice, so the walk visits
   * them alone (the others never decide anything there), in the same cyclic order. Their literals sit in one
   * array, rule k's at choiceLits[choiceStart[k] … choiceStart[k + 1]).
   */
  private choiceStart: Int32Array = new Int32Array(1);
  private choiceLits: Int32Array = new Int32Array(0);
  /** Choice rule k's own rule: a package rule's arena index (k < choicePkgCount), else the Rule in this.rules. */
  private choicePkgIndex: Int32Array = new Int32Array(0);
  private choiceRuleOf: Rule[] = [];

  private choiceOrigin(k: number): BranchOrigin {
    return k < this.choicePkgCount ? { pkgRule: this.choicePkgIndex[k] } : { rule: this.choiceRuleOf[k - this.choicePkgCount] };
  }

  private decideDependencies(): number {
    const nrules = this.choiceStart.length - 1;
    if (nrules === 0) return 0;
    let st = this.deps;
    if (!st || this.sat.decisionLevel < st.level) st = { i: -1, n: 0, postponed: 0, level: this.sat.decisionLevel };
    this.deps = st;
    const level = this.walkChoices(st, nrules, undefined, false);
    if (level === undefined) this.deps = undefined;
    return level ?? 0;
  }

  /**
   * One step of resolve_dependencies' cyclic walk over choice rules 0 … nrules - 1 from the cursor `st`: the next
   * unfulfilled rule (not `skip`ped) decides, its candidates pruned to cleandeps packages, and in the first round
   * (postponed ≥ 0) filtered by the policy, a rule with several best candidates postponed to the second; the
   * decision level, or undefined when a whole round decided nothing. decideDependencies and decideFocusBest walk it.
   */
  private walkChoices(st: { i: number; n: number; postponed: number }, nrules: number, skip: ((k: number) => boolean) | undefined, reorder: boolean): number | undefined {
    for (;;) {
      st.i++; st.n++;
      if (st.n > nrules) {
        if (st.postponed <= 0) return undefined;
        st.i = st.postponed - 1;
        st.postponed = -1;
        st.n = 1;
      }
      if (st.i >= nrules) st.i = 0;
      if (skip?.(st.i)) continue;
      const dq = this.unfulfilledChoice(st.i);
      if (!dq) continue;
      // the cleandeps-pruned candidates are what the first round filters (libsolv prunes dq in place)
      let list = this.pruneToCleandeps(dq);
      if (st.postponed >= 0) {
        list = filterUnwanted(this.ctx, [...list], 'choose-noreorder');
        if (list.length > 1) { if (!st.postponed) st.postponed = st.i + 1; continue; }
      }
      st.n = 0;
      return this.choose(list, this.choiceOrigin(st.i), reorder);
    }
  }

  /**
   * focusbest (SOLVER_FLAG_FOCUS_BEST): after the jobs, before the installed packages, resolve_dependencies runs over
   * the package rules alone, with do_extra_reordering, and only on rules a new package decided installed asks for
   * (a rule of more than two literals with such a negative literal): the jobs' dependencies get their best
   * candidates before the installed packages are kept. Done once per level it finished at (libsolv's systemlevel).
   * focusnew (libsolv 0.7.30, commit 8151b3a8; testsolv 0.7.23 ignores the flag) leaves out the rules an installed
   * package could fulfil: the new packages' dependencies, less aggressive in updating.
   */
  private focusDone: number | undefined;
  private focusSt: { i: number; n: number; postponed: number } | undefined;
  /** How many of the choice rules are package rules (they come first). */
  private choicePkgCount = 0;

  private decideFocusBest(): number {
    if ((!this.req.focusBest && !this.req.focusNew) || this.installed.length === 0) return 0;
    if (this.focusDone !== undefined && this.sat.decisionLevel >= this.focusDone) return 0;
    // the choiceable package rules: the first choicePkgCount choice rules (package rules come first)
    const nrules = this.choicePkgCount;
    const st = this.focusSt ??= { i: -1, n: 0, postponed: 0 };
    const skip = (k: number): boolean => {
      const lits = this.choiceLits.subarray(this.choiceStart[k], this.choiceStart[k + 1]);
      if (lits.length <= 2) return false;
      // at least one negative literal is a new package decided installed
      if (!lits.some((l) => l < 0 && !this.isInst(ID(l)) && this.sat.valueOf(-l) === 1)) return true;
      // focusnew (without focusbest): nor one an installed package already provides
      return !this.req.focusBest && lits.some((l) => l > 0 && this.isInst(ID(l)));
    };
    const level = this.walkChoices(st, nrules, skip, true);
    if (level !== undefined) return level;
    this.focusSt = undefined;
    this.focusDone = this.sat.decisionLevel;
    return 0;
  }

  /**
   * The undecided positive literals of choice rule k (of choiceStart) when its negative literals are all false and
   * it is not yet fulfilled.
   */
  private unfulfilledChoice(k: number): number[] | undefined {
    // a first pass that allocates nothing: most rules are fulfilled or not yet a choice
    const lits = this.choiceLits;
    const from = this.choiceStart[k];
    const to = this.choiceStart[k + 1];
    const sat = this.sat;
    let open = 0;
    for (let j = from; j < to; j++) {
      const l = lits[j];
      const v = sat.valueOf(l);
      if (v === 1) return undefined;
      if (l < 0) { if (v === 0) return undefined; continue; }
      if (v === 0) open++;
    }
    if (open < 2) return undefined;
    const dq: number[] = [];
    for (let j = from; j < to; j++) { const l = lits[j]; if (l > 0 && sat.valueOf(l) === 0) dq.push(ID(l)); }
    return dq;
  }

  private disfavored(p: number): boolean { return (this.favorMap.get(p) ?? 0) < 0; }

  private decideWeak(): number {
    if (this.req.ignoreRecommended) return 0;
    const dq: number[] = [];
    const dqs: number[] = [];
    const pushUnique = (q: number[], p: number): void => { if (!q.includes(p)) q.push(p); };
    for (let i = 0; i < this.pool.count; i++) {
      const v = this.sat.valueOf(V(i));
      if (v < 0) continue;
      const s = this.pool.solvable(i);
      if (v > 0) {
        if (this.isInst(i)) continue;
        for (const rec of s.recommends) {
          for (const p of this.recommendCandidates(rec)) pushUnique(dq, p);
        }
      } else {
        if (s.supplements.length === 0 || !this.installable(i)) continue;
        if (!this.ctx.supplementing(i)) continue;
        if (this.disfavored(i)) continue; // disfavored supplements are not installed
        if (this.excludedFromWeak.has(i)) continue; // excluded from weak deps, not installed
        dqs.push(i);
      }
    }
    // packages obsoleted by kept installed packages are not wanted
    const obsoleted = new Set<number>();
    for (const i of this.installed) {
      if (this.sat.valueOf(V(i)) !== 1) continue;
      if (!this.req.keepExplicitObsoletes && this.multi.has(i)) continue;
      for (const obs of this.pool.solvable(i).obsoletes) {
        for (const p of this.obsProviders(obs)) if (obsoleteMatches(this.pool.solvable(p), obs)) obsoleted.add(p);
      }
    }
    const dqF = dq.filter((p) => !obsoleted.has(p) && !this.disfavored(p) && !this.excludedFromWeak.has(p));
    // solver_is_supplementing_alreadyinstalled: only supplements a newly installed package fulfils
    // multiversion does not mix with supplements: not when another version of its name is decided installed
    const otherVersionOn = (p: number): boolean => this.multi.has(p) && this.pool.named(this.pool.solvable(p).name).some((q) => this.sat.valueOf(V(q)) === 1);
    // implicitobsoleteusescolors does not mix with supplements either: not when another arch of its name is decided installed
    const otherArchOn = (p: number): boolean => this.req.implicitObsoleteUsesColors === true
      && this.pool.named(this.pool.solvable(p).name).some((q) => this.sat.valueOf(V(q)) === 1 && this.pool.solvable(q).arch !== this.pool.solvable(p).arch);
    const dqsF = dqs.filter((p) => !obsoleted.has(p) && this.supplementsNew(p) && !otherVersionOn(p) && !otherArchOn(p));
    for (const p of dqsF) pushUnique(dqF, p);
    if (dqF.length === 0) return 0;
    if (dqF.length === 1) return V(dqF[0]);
    const best = new Set(filterUnwanted(this.ctx, [...dqF], 'recommend'));
    let sup = dqsF.filter((p) => best.has(p));
    if (sup.length > 1) sup = filterUnwanted(this.ctx, sup, 'supplement');
    for (const p of sup) if (this.sat.valueOf(V(p)) === 0) return V(p);
    for (const lit of this.sat.assigned) {
      if (lit < 0) continue;
      const id = ID(lit);
      if (this.isInst(id)) continue;
      for (const rec of this.pool.solvable(id).recommends) {
        const cand = this.recommendCandidates(rec, best);
        if (cand.length) return this.choose(cand, { from: id, dep: rec });
      }
    }
    return 0;
  }

  /**
   * The undecided packages a recommends asks for: a simple one its providers unless one is installed;
   * a rich one (add_complex_recommends) per CNF block, unless the block is already fulfilled.
   */
  private recommendCandidates(rec: DepTree, within?: Set<number>): number[] {
    const ok = (p: number): boolean => this.sat.valueOf(V(p)) === 0 && (!within || within.has(p));
    if (rec.type === 'simple') {
      const pos = this.providers(rec);
      if (pos.some((p) => this.sat.valueOf(V(p)) === 1)) return [];
      return pos.filter(ok);
    }
    const out: number[] = [];
    const blocks = this.blocks(rec, false);
    if (blocks.some((b) => b.length === 0)) return []; // false as a whole: pool_normalize_complex_dep gives 0
    for (const block of blocks) {
      const mark = out.length;
      for (const l of block) {
        const v = this.sat.valueOf(l);
        if (l < 0) { if (v !== -1) break; continue; }
        if (v === 1) { out.length = mark; break; }
        if (v === -1) continue;
        if (ok(ID(l))) out.push(ID(l));
      }
    }
    return [...new Set(out)];
  }

  private supplementsNew(p: number): boolean {
    // the supplement must hold with the already installed packages counted as absent
    const s = this.pool.solvable(p);
    const ev = (g: Formula): boolean => {
      switch (g.t) {
        case 'true': return true;
        case 'false': return false;
        case 'lit': return this.sat.valueOf(g.lit) === 1 && !(g.lit > 0 && this.isInst(ID(g.lit)));
        case 'and': return g.parts.every(ev);
        case 'or': return g.parts.some(ev);
      }
    };
    return s.supplements.some((d) => ev(this.formula(d)));
  }

  private decide(): number {
    if (this.cleandepsBatch) return this.decideCleandeps() || this.decideWeak() || this.decideRest();
    // the jobs, focusbest's pass and the installed packages run below libsolv's systemlevel: once they are done,
    // only a backtrack below the level they finished at runs them again (a retaken branch above it does not)
    const level = this.sat.decisionLevel;
    if (level < this.systemLevel) {
      this.systemLevel = Infinity;
      // focusinstalled: the installed packages are resolved before the jobs
      const early = this.req.focusInstalled ? this.decideInstalled() || this.decideJobs() : this.decideJobs() || this.decideFocusBest() || this.decideInstalled();
      if (early) { this.deps = undefined; return early; }
      this.systemLevel = level;
    }
    const dep = this.decideDependencies();
    if (dep) return dep;
    this.deps = undefined;
    const clean = this.decideCleandeps();
    if (clean) return clean;
    return this.decideWeak() || this.decideRest();
  }

  /**
   * resolve_cleandeps: once the dependencies are resolved, the undecided cleandeps packages are erased one after the
   * other (a batch, which only a conflict interrupts), before the weak dependencies.
   */
  private cleandepsBatch = false;

  /** libsolv's systemlevel: the level the jobs and the installed packages were resolved at (Infinity before). */
  private systemLevel = Infinity;

  private decideCleandeps(): number {
    if (this.cleandeps) for (const p of this.installed) if (this.sat.valueOf(V(p)) === 0 && this.cleandeps.has(p)) { this.cleandepsBatch = true; return -V(p); }
    this.cleandepsBatch = false;
    return 0;
  }

  private decideRest(): number {
    for (const i of this.orphans) if (this.sat.valueOf(V(i)) === 0) return V(i);
    for (const i of this.installed) if (this.sat.valueOf(V(i)) === 0) return -V(i);
    return 0;
  }

  /** The black rules and the strict repo priority rules, made once. */
  private black: Rule[] = [];
  private repoPrio: Rule[] = [];

  /**
   * solver_addstrictrepopriorules (strictrepopriority): a repository package of a name that a repository of higher
   * priority also carries is not installed; a package install job (SOLVER_SETREPO) lifts its name's rules.
   */
  private strictRepoPrioRules(): Rule[] {
    if (!this.req.strictRepoPriority) return [];
    const out: Rule[] = [];
    const done = new Set<string>();
    const lifted = new Set(this.req.jobs.filter((j) => j.command === 'install' && j.select.kind === 'pkg').map((j) => this.pool.solvable((j.select as { id: number }).id).name));
    for (let p = 0; p < this.pool.count; p++) {
      if (!this.consideredMap[p]) continue;
      const name = this.pool.solvable(p).name;
      if (done.has(name)) continue;
      done.add(name);
      const named = this.pool.named(name);
      let max = this.pool.repos[this.pool.solvable(p).repo].priority;
      for (const q of named) max = Math.max(max, this.pool.repos[this.pool.solvable(q).repo].priority);
      if (lifted.has(name)) continue;
      for (const q of named) {
        if (!this.consideredMap[q] || this.isInst(q)) continue;
        if (this.pool.repos[this.pool.solvable(q).repo].priority < max) out.push({ lits: [-V(q)], kind: 'repoprio' });
      }
    }
    return out;
  }

  /** The infarch rules, made once after the package rules. */
  private infarch: Rule[] = [];
  /** Names whose infarch rules a package install job lifts (jobtodisablelist's DISABLE_INFARCH). */
  private readonly infarchLifted: number[] = [];

  private makeInfarchRules(): Rule[] {
    const rules = infarchRules({
      pool: this.pool, archScore: this.archScore, added: this.consideredMap, isInstalled: (p) => this.isInst(p),
      dupInvolved: (p) => this.isDupInvolved(p), implicitObsoleteUsesColors: this.req.implicitObsoleteUsesColors === true,
    });
    // an install job of one package lifts the infarch rules of its name when one of them forbids that package
    const lifted = new Set(this.infarchLifted.filter((p) => rules.some((r) => r[0] === -V(p))).map((p) => this.pool.solvable(p).name));
    return rules.filter((r) => !lifted.has(this.pool.solvable(ID(r[0])).name)).map((lits) => ({ lits, kind: 'infarch' as const }));
  }

  /** The best rules (forcebest jobs), made once before the first run, from the update and feature rules as made. */
  private best: Rule[] | undefined;

  private makeBestRules(): Rule[] {
    if (!this.bestUpdateAll && this.bestUpdateSet.size === 0 && this.bestInstallJobs.length === 0) return [];
    return bestRules({
      ctx: this.ctx,
      installed: this.installed,
      installJobRules: this.bestInstallJobs,
      // disableupdaterule (an erase job, an install job that lifts the update rule) disables its best rule too
      // a cleandeps package's best rule is made, and disabled with its update rule (cleandepsBest)
      bestUpdate: (p) => (this.updateAll || this.updateMap.has(p)) && (this.bestUpdateAll || this.bestUpdateSet.has(p)) && (!this.noUpdate.has(p) || this.cleandeps?.has(p) === true) && !this.featureInstead.has(p) && !this.bestKept.has(p),
      updateLits: (p) => this.updateRule.get(p) ?? [],
      featureLits: (p) => {
        const f = this.featureLits(p);
        return sameLiterals(f, this.updateRule.get(p) ?? []) ? [] : f;
      },
      specialUpdaters: (p) => this.specialUpdaters.get(p),
      updateTargets: (p) => this.updateTargets.get(p),
      dupGood: (p) => {
        const maps = this.dupMaps;
        return maps?.involved[p] ? (q) => this.isDupGood(q) : undefined;
      },
      locked: this.locked,
      ...(this.req.disabled?.size && this.req.whatprovidesWithDisabled ? { disabled: (p: number) => this.req.disabled?.has(p) === true && !this.isInst(p) } : {}),
      bestObeyPolicy: this.req.bestObeyPolicy === true,
      mayUninstall: (p) => this.req.allowUninstall === true || this.uninstallAll || this.uninstallable.has(p),
    }).map((r) => ({ lits: r.lits, kind: 'best' as const, ...(r.pkg === undefined ? {} : { pkg: r.pkg }) }));
  }

  /** The yumobs rules (yumObsoletes), made once: they read nothing the runs change. */
  private yumObs: Rule[] | undefined;

  /**
   * The package rules of the current run (their SAT tags are their indexes, the other rules' pkg.count + their
   * index in `rules`); pkgOff[k] is 1 for one disable_recommendsrules took out.
   */
  private pkg: RuleArena = { count: 0, start: new Int32Array(1), lits: new Int32Array(0), weak: new Uint8Array(0) };
  private pkgOff: Uint8Array = new Uint8Array(0);

  private attempt(pkg: RuleArena, update: Rule[], choice: Rule[]): boolean {
    this.yumObs ??= this.req.yumObsoletes ? yumObsoletesRules({
      ctx: this.ctx,
      installed: this.installed,
      colorMatch: this.req.implicitObsoleteUsesColors ? (a, b) => this.colorMatch(this.pool.solvable(a), this.pool.solvable(b)) : undefined,
      providers: (obs) => this.obsProviders(obs),
    }).map((lits) => ({ lits, kind: 'yumobs' as const })) : [];
    if (this.pkg !== pkg) { this.pkg = pkg; this.pkgOff = new Uint8Array(pkg.count); }
    const off = this.pkgOff;
    this.rules = [...update, ...this.jobRules, ...this.infarch, ...this.dup, ...this.best ?? [], ...this.yumObs, ...this.black, ...this.repoPrio, ...choice];
    // the choice walk's rules, in rule order: the package rules, then the others
    const twoPositive = (lits: ArrayLike<number>, from: number, to: number): boolean => {
      let positive = 0;
      for (let j = from; j < to; j++) if (lits[j] > 0 && ++positive === 2) return true;
      return false;
    };
    const { start, lits } = pkg;
    const starts: number[] = [0];
    const chosen: number[] = [];
    const pkgIndex: number[] = [];
    this.choiceRuleOf = [];
    for (let k = 0; k < pkg.count; k++) {
      if (off[k] || !twoPositive(lits, start[k], start[k + 1])) continue;
      for (let j = start[k]; j < start[k + 1]; j++) chosen.push(lits[j]);
      starts.push(chosen.length);
      pkgIndex.push(k);
    }
    this.choicePkgCount = starts.length - 1;
    this.choicePkgIndex = Int32Array.from(pkgIndex);
    for (const r of this.rules) {
      if (!twoPositive(r.lits, 0, r.lits.length)) continue;
      for (const l of r.lits) chosen.push(l);
      starts.push(chosen.length);
      this.choiceRuleOf.push(r);
    }
    this.choiceStart = Int32Array.from(starts);
    this.choiceLits = Int32Array.from(chosen);
    this.sat = new Sat(this.pool.count);
    this.weakCache = undefined;
    this.deps = undefined;
    this.branches = [];
    this.installedPos = 0;
    this.lastInstalled = undefined;
    this.installedScan = undefined;
    this.specialSeen.clear();
    this.cleandepsBatch = false;
    this.focusSt = undefined;
    this.focusDone = undefined;
    this.systemLevel = Infinity;
    this.sat.onBacktrack = (level) => {
      this.branches = this.branches.filter((b) => b.level < level || b === this.keptBranch);
      for (const [key, at] of this.specialSeen) if (at >= level) this.specialSeen.delete(key);
      this.installedScan = undefined;
      this.cleandepsBatch = false;
      this.focusSt = undefined;
      if (this.focusDone !== undefined && level <= this.focusDone) this.focusDone = undefined;
    };
    for (let k = 0; k < pkg.count; k++) if (!off[k]) this.sat.addClauseAt(lits, start[k], start[k + 1], k);
    // makeruledecisions takes the weak assertions (a weak job's unit rules) after all others: a conflict among
    // those is settled first (allowuninstall), and only then may a weak one conflict
    const weakUnit = (r: Rule): boolean => r.weak === true && r.lits.length === 1;
    this.rules.forEach((r, i) => { if (!weakUnit(r)) this.sat.addClause(r.lits, pkg.count + i); });
    this.rules.forEach((r, i) => { if (weakUnit(r)) this.sat.addClause(r.lits, pkg.count + i); });
    return this.search();
  }

  private search(): boolean {
    return this.sat.solve(() => this.decide(), this.req.maxConflicts ?? 100_000);
  }

  /**
   * solver_check_unneeded_choicerules: a choice rule whose original rule is fulfilled by a package outside the
   * choice is disabled (disableChoice); then the solver runs again from scratch.
   */
  private unneededChoice(choice: Rule[]): Rule[] | undefined {
    for (const r of choice) {
      const outside = (r.from ?? []).filter((l) => l > 0 && !r.lits.includes(l));
      if (outside.some((l) => this.sat.valueOf(l) === 1)) return disableChoice(choice, r);
    }
    return undefined;
  }

  /**
   * analyze_unsolvable + disable_weakrules: when the proof of unsolvability holds a weak rule (a choice rule),
   * the last of them is disabled and the solver runs again; without one the jobs are unsolvable.
   */
  private weakToDisable(choice: Rule[]): Rule[] | undefined {
    let last: number | undefined;
    for (const tag of this.sat.proof) if (this.isWeakRec(tag) || this.ruleOf(tag)?.kind === 'choice') last = tag;
    if (last === undefined) return undefined;
    const r = this.ruleOf(last);
    if (r) return disableChoice(choice, r);
    // the last weak rule is a recommends rule (disable_recommendsrules): every recommends rule of the proof goes
    for (const tag of this.sat.proof) if (this.isWeakRec(tag)) this.pkgOff[tag] = 1;
    return choice;
  }

  /** The job of the last weak rule of the proof, when that is a weak job's rule. */
  private weakJobToDisable(): number | undefined {
    let last: number | undefined;
    for (const tag of this.sat.proof) if (this.isWeakRec(tag) || this.ruleOf(tag)?.kind === 'choice' || this.ruleOf(tag)?.weak) last = tag;
    const r = last === undefined ? undefined : this.ruleOf(last);
    return r?.weak ? r.job : undefined;
  }

  /** The rule a SAT tag names, undefined for a package rule. */
  private ruleOf(tag: number): Rule | undefined { return tag < this.pkg.count ? undefined : this.rules[tag - this.pkg.count]; }

  /** Whether a SAT tag names a strongrecommends package rule. */
  private isWeakRec(tag: number): boolean { return tag < this.pkg.count && this.pkg.weak[tag] === 1; }

  /**
   * solver_autouninstall (libsolv src/problems.c) after an unsolvable run with allowuninstall: among the update
   * rules of the proof whose package may be uninstalled, the last that differs from its feature rule (else the
   * last that equals it; under keeporphans a kept orphan's at once) is disabled: that package may go. Its feature
   * rule stays disabled, but resolve_installed reads its candidates from then on. Undefined when none qualifies.
   */
  private autoUninstall(): number | undefined {
    if (!this.req.allowUninstall && !this.uninstallAll && this.uninstallable.size === 0) return undefined;
    const anyPkg = this.req.allowUninstall === true || this.uninstallAll;
    let lastUpdate: number | undefined;
    let lastFeature: number | undefined;
    for (const ri of this.sat.proof) {
      const r = this.ruleOf(ri);
      if (r?.kind !== 'update' || r.pkg === undefined) continue;
      const p = r.pkg;
      if (!anyPkg && !this.uninstallable.has(p)) continue;
      if (this.req.disabled?.has(p)) continue; // do not uninstall disabled packages
      if (this.sat.proof.some((k) => this.ruleOf(k)?.kind === 'best' && this.ruleOf(k)?.pkg === p)) continue; // its best rule is involved
      const feature = this.featureLits(p);
      if (feature.length === 0 || sameLiterals(feature, r.lits)) {
        lastFeature = p;
        // prefer orphaned packages in dup mode
        if (this.req.keepOrphans && r.lits.length === 1 && r.lits[0] === V(p)) { lastUpdate = undefined; break; }
        continue;
      }
      lastUpdate = p;
    }
    const gone = lastUpdate ?? lastFeature;
    if (gone === undefined) return undefined;
    this.uninstalled.add(gone);
    const feature = this.featureLits(gone);
    if (feature.length) this.updateRule.set(gone, feature);
    return gone;
  }

  /** solver_addfeaturerule's literals: the installed package and every candidate; [] for a distupgrade orphan. */
  private featureLits(i: number): number[] {
    const feature = this.featureCandidates(i);
    if (this.isDupInvolved(i) && !this.dupMayKeep(i) && feature.every((q) => this.isInst(q) && !this.dupMayKeep(q))) return [];
    return [V(i), ...feature.map(V)];
  }

  run(): SolveResult {
    const clock = phaseClock(this.req.onPhase);
    this.addJobs();
    if (this.dupJobs.length) this.addDupMaps();
    this.makeCleandepsMap();
    const pkg = this.pkgRules();
    const update = this.addUpdateRules();
    this.infarch = this.makeInfarchRules();
    this.dup = this.dupRules();
    const best = this.makeBestRules();
    this.best = this.cleandeps ? best.filter((r) => !this.cleandeps?.has(r.pkg ?? -1)) : best;
    this.cleandepsBest = this.cleandeps ? best.filter((r) => this.cleandeps?.has(r.pkg ?? -1)) : [];
    this.black = this.blackRules();
    this.repoPrio = this.strictRepoPrioRules();
    const choice = this.choiceRules(pkg);
    clock('rules');
    const made = [...update, ...this.jobRules, ...this.infarch, ...this.dup, ...this.best ?? [], ...this.black, ...this.repoPrio, ...choice];
    const result = this.solveRules(pkg, update, choice, clock);
    const withRules = this.req.rules ? { ...result, rules: this.ruleReport(pkg, made) } : result;
    if (this.req.alternatives && withRules.ok && this.sat.learntCount) {
      // libsolv branches on its learnt rules too, which Ferry's CDCL does not learn alike
      throw unsupported(`alternatives after the search learnt ${this.sat.learntCount} rule(s)`);
    }
    return this.req.alternatives && withRules.ok ? { ...withRules, alternatives: this.alternatives() } : withRules;
  }

  /** solver_get_alternative of every branch left: its origin, candidates (taken or not) and the one installed. */
  private alternatives(): Alternative[] {
    const literals = (lits: readonly number[]): SolverRule['literals'] => lits.map((l) => ({ id: ID(l), installed: l > 0 }));
    return this.branches.map((b) => {
      const chosen = b.cands.find((p) => this.sat.valueOf(V(p)) === 1 && this.sat.levelOf(V(p)) === b.level + 1);
      const o = b.origin;
      let origin: Alternative['origin'];
      if (o === undefined) origin = undefined;
      else if ('from' in o) origin = { from: o.from, dep: o.dep };
      else if ('pkgRule' in o) origin = { rule: literals(ruleLits(this.pkg, o.pkgRule)), kind: 'pkg' };
      else {
        origin = { rule: literals(o.rule.lits), kind: o.rule.kind, ...(o.rule.kind === 'choice' && o.rule.from ? { pkgRule: literals(o.rule.from) } : {}), ...(o.rule.job === undefined ? {} : { job: o.rule.job }), ...(o.rule.pkg === undefined ? {} : { pkg: o.rule.pkg }) };
      }
      return { cands: b.cands.map((id, k) => ({ id, taken: b.taken[k] })), ...(chosen === undefined ? {} : { chosen }), ...(origin ? { origin } : {}) };
    });
  }

  /** With SolveRequest.rules: the rules made (the yumobs rules after the first attempt made them), the learnt ones. */
  private ruleReport(pkg: RuleArena, made: readonly Rule[]): RuleReport {
    const kinds: Readonly<Record<Rule['kind'], SolverRule['kind']>> = { update: 'update', feature: 'feature', job: 'job', infarch: 'infarch', dup: 'distupgrade', best: 'best', yumobs: 'yumobs', black: 'black', repoprio: 'strictrepoprio', choice: 'choice' };
    const literals = (lits: readonly number[]): SolverRule['literals'] => lits.map((l) => ({ id: ID(l), installed: l > 0 }));
    const rules: SolverRule[] = [];
    // the package rules first, as made (a strongrecommends rule is weak: libsolv's recommends class)
    for (let k = 0; k < pkg.count; k++) rules.push({ kind: pkg.weak[k] ? 'recommends' : 'pkg', literals: literals(ruleLits(pkg, k)) });
    for (const r of [...made, ...this.yumObs ?? []]) rules.push({ kind: kinds[r.kind], literals: literals(r.lits) });
    const considered: number[] = [];
    this.consideredMap.forEach((m, id) => { if (m) considered.push(id); });
    return { rules, learnt: this.sat.learntCount, considered };
  }

  private solveRules(pkg: RuleArena, update: Rule[], choice: Rule[], clock: (phase: SolvePhase) => void): SolveResult {
    for (let ok = this.attempt(pkg, update, choice); ;) {
      // a weak job whose rule is the last weak rule of the proof goes (solver_fixproblem): what it changed in the
      // policy rules comes back with it (solver_reenablepolicyrules), so the jobs are solved again without it
      const weakJob = ok ? undefined : this.weakJobToDisable();
      // (libsolv then makes the cleandeps map again, but leaves the update rules the first one disabled)
      if (weakJob !== undefined && this.cleandeps) throw unsupported('a weak job dropped beside a cleandeps map');
      if (weakJob !== undefined) { clock('sat'); return new Solver({ ...this.req, jobs: this.req.jobs.filter((_, k) => k !== weakJob) }, this.mistakes).run(); }
      // wrongly erased cleandeps packages leave the map, their update rules come back, and the solver starts over
      const mistakes = ok ? this.cleandepsMistakes() : [];
      if (mistakes.length) { clock('sat'); return new Solver(this.req, [...this.mistakes, ...mistakes]).run(); }
      const fewer = ok ? this.unneededChoice(choice) : this.weakToDisable(choice);
      if (fewer) { choice = fewer; ok = this.attempt(pkg, update, choice); continue; }
      if (!ok) {
        const gone = this.autoUninstall();
        if (gone === undefined) { clock('sat'); return { ok: false, problems: ['the jobs cannot be satisfied together'] }; }
        update = update.filter((r) => r.pkg !== gone);
        ok = this.attempt(pkg, update, choice);
        continue;
      }
      const step = this.minimizeStep();
      if (!step) break;
      this.takeBranch(step.branch, step.at);
      ok = this.search();
    }
    clock('sat');
    const chosen: number[] = [];
    for (let id = 0; id < this.pool.count; id++) if (this.sat.valueOf(V(id)) === 1) chosen.push(id);
    const cleandeps = this.req.reportCleandeps ? { cleandeps: this.erasedCleandeps() } : {};
    const steps = this.transaction(chosen);
    const result: SolveResult = this.req.recommendations
      ? { ok: true, steps, installed: chosen, recommended: this.stillWanted('recommends'), suggested: this.stillWanted('suggests'), ...cleandeps }
      : { ok: true, steps, installed: chosen, ...cleandeps };
    clock('transaction');
    return result;
  }

  /**
   * solver_get_recommendations (noselected off): the providers of the recommends (suggests) of the installed
   * packages, those already installed if one is, else all; plus the packages supplementing (enhancing) the
   * result; without the decided-out ones and what kept installed packages obsolete; pruned by the suggest
   * policy. Erase jobs would be undone first, and rich weak deps expanded: neither is modelled.
   */
  private stillWanted(kind: 'recommends' | 'suggests'): number[] {
    if (this.req.jobs.some((j) => j.command === 'erase')) throw unsupported('recommendations with an erase job');
    const obsoleted = new Set<number>();
    for (const i of this.installed) {
      if (this.sat.valueOf(V(i)) !== 1 || this.multi.has(i)) continue;
      for (const o of this.pool.solvable(i).obsoletes) for (const p of this.obsProviders(o)) obsoleted.add(p);
    }
    const marked = new Set<number>();
    for (const lit of this.sat.assigned) {
      if (lit < 0) continue;
      for (const d of this.pool.solvable(ID(lit))[kind]) {
        if (d.type !== 'simple') throw unsupported(`recommendations of the rich dependency ${formatDep(d)}`);
        const ps = this.providers(d);
        const on = ps.filter((p) => this.sat.valueOf(V(p)) === 1);
        for (const p of on.length ? on : ps) marked.add(p);
      }
    }
    const out: number[] = [];
    for (let i = 0; i < this.pool.count; i++) {
      if (this.sat.valueOf(V(i)) < 0 || obsoleted.has(i)) continue;
      if (!marked.has(i)) {
        if (!this.installable(i)) continue;
        if (!(kind === 'recommends' ? this.ctx.supplementing(i) : this.ctx.enhancing(i))) continue;
      }
      out.push(i);
    }
    return out.length > 1 ? filterUnwanted(this.ctx, out, 'suggest') : out;
  }

  private transaction(chosen: number[]): TransactionStep[] {
    const on = new Set(chosen);
    const steps: TransactionStep[] = [];
    const news = chosen.filter((p) => !this.isInst(p));
    // transaction.c: a multiversion package replaces only its own NEVRA and obsoletes nothing (a multiinstall)
    const replacers = news.filter((p) => !this.multi.has(p));
    // the new packages by name, in the order of news
    const newsNamed = new Map<string, number[]>();
    for (const p of news) { const n = this.pool.solvable(p).name; const l = newsNamed.get(n); if (l) l.push(p); else newsNamed.set(n, [p]); }
    for (const i of this.installed) {
      if (on.has(i)) continue;
      const si = this.pool.solvable(i);
      // with implicitobsoleteusescolors an x86_64 package does not replace an i686 one of its name
      const same = (newsNamed.get(si.name) ?? []).find((p) => (!this.multi.has(p) || sameNevra(si, this.pool.solvable(p)))
        && (!this.req.implicitObsoleteUsesColors || this.colorMatch(si, this.pool.solvable(p))));
      if (same !== undefined) {
        const r = this.cmpEvr(si.evr, this.pool.solvable(same).evr);
        const sp = this.pool.solvable(same);
        const kind = r < 0 ? 'upgrade' : r > 0 ? 'downgrade' : identical(si, sp) ? 'reinstall' : 'change';
        steps.push({ kind, from: i, to: same });
        continue;
      }
      // create_transaction_info: of several obsoleters the first in obsq_sortcmp's order (name, highest EVR, same arch, id)
      let by: number | undefined;
      for (const p of replacers) {
        if (!this.pool.solvable(p).obsoletes.some((o) => obsoleteMatches(si, o))) continue;
        if (by === undefined || obsoleterCmp(this.cmpEvr, si, this.pool.solvable(p), p, this.pool.solvable(by), by) < 0) by = p;
      }
      steps.push(by === undefined ? { kind: 'erase', id: i } : { kind: 'erase', id: i, by });
    }
    const replacing = new Set(steps.flatMap((s) => (s.kind === 'erase' || s.kind === 'install' ? [] : [s.to])));
    for (const p of news) if (!replacing.has(p)) steps.push({ kind: 'install', id: p });
    return steps;
  }
}

/**
 * solver_disablechoicerules: disables choice rule `r` and every other choice rule whose original rule names a
 * package that r's original rule offers but r does not.
 */
function disableChoice(choice: Rule[], r: Rule): Rule[] {
  const outside = (r.from ?? []).filter((l) => l > 0 && !r.lits.includes(l));
  return choice.filter((c) => c !== r && !(c.from ?? []).some((l) => outside.includes(l)));
}

/** The pool as libsolv's whatprovides sees it with pool->considered: repository packages taken out are not there. */
function withoutDisabled(pool: SolverPool, disabled: ReadonlySet<number>): SolverPool {
  const installed = pool.installedRepo;
  const keep = (p: number): boolean => !disabled.has(p) || pool.solvable(p).repo === installed;
  const named = new Map<string, readonly number[]>();
  const provided = new Map<SimpleDep, readonly number[]>();
  return {
    get count() { return pool.count; },
    solvable: (id) => pool.solvable(id),
    repos: pool.repos,
    installedRepo: installed,
    ...(pool.disttype ? { disttype: pool.disttype } : {}),
    whatprovides(dep) {
      let out = provided.get(dep);
      if (!out) { out = pool.whatprovides(dep).filter(keep); provided.set(dep, out); }
      return out;
    },
    named(name) {
      let out = named.get(name);
      if (!out) { out = pool.named(name).filter(keep); named.set(name, out); }
      return out;
    },
  };
}

/** Reports to onPhase the time since the previous report (or its creation) under the phase named; a no-op without one. */
function phaseClock(onPhase: ((phase: SolvePhase, ms: number) => void) | undefined): (phase: SolvePhase) => void {
  if (!onPhase) return () => undefined;
  let last = performance.now();
  return (phase) => { const now = performance.now(); onPhase(phase, now - last); last = now; };
}

function unsupported(what: string): FerryError {
  return new FerryError('SOLVER_UNSUPPORTED', `the depsolver does not model ${what}`, {
    hint: 'libsolv (dnf) decides this job; see src/solver/solve.ts for the modelled subset',
  });
}

function not(f: Formula): Formula {
  switch (f.t) {
    case 'true': return FALSE;
    case 'false': return TRUE;
    case 'lit': return { t: 'lit', lit: -f.lit };
    case 'and': return { t: 'or', parts: f.parts.map(not) };
    case 'or': return { t: 'and', parts: f.parts.map(not) };
  }
}

/** transaction.c obsq_sortcmp for two obsoleters a, b of installed s: same name first, then by name, highest EVR, same arch, id. */
function obsoleterCmp(cmpEvr: (a: Evr, b: Evr) => number, s: Solvable, a: Solvable, aid: number, b: Solvable, bid: number): number {
  if (a.name !== b.name) {
    if (a.name === s.name) return -1;
    if (b.name === s.name) return 1;
    return a.name < b.name ? -1 : 1;
  }
  const r = cmpEvr(a.evr, b.evr);
  if (r) return -r;
  if (a.arch !== b.arch) {
    if (a.arch === s.arch) return -1;
    if (b.arch === s.arch) return 1;
  }
  return aid - bid;
}

/** Whether two rules hold the same literals (solver_rulecmp on rules of one package: order aside). */
function sameLiterals(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((l) => set.has(l));
}

/** Whether a rule holds a literal and its negation (a Set for long rules: a provider list may be 100,000 long). */
function selfFulfilling(lits: readonly number[]): boolean {
  if (lits.length < 16) return lits.some((l) => lits.includes(-l));
  const set = new Set(lits);
  return lits.some((l) => set.has(-l));
}

/** The most clauses one rich dependency may expand to. */
const MAX_BLOCKS = 10_000;
const TOO_MANY_BLOCKS = new Error('too many CNF blocks');

/** Conjunctive normal form; [] is true, [[]] is false. Throws TOO_MANY_BLOCKS beyond MAX_BLOCKS clauses. */
function cnf(f: Formula): number[][] {
  switch (f.t) {
    case 'true': return [];
    case 'false': return [[]];
    case 'lit': return [[f.lit]];
    case 'and': return f.parts.flatMap(cnf);
    case 'or': {
      let acc: number[][] = [[]];
      for (const part of f.parts) {
        const c = cnf(part);
        const next: number[][] = [];
        if (acc.length * c.length > MAX_BLOCKS) throw TOO_MANY_BLOCKS;
        for (const a of acc) for (const b of c) next.push([...a, ...b.filter((l) => !a.includes(l))]);
        acc = next;
      }
      return acc;
    }
  }
}

function positives(f: Formula): number[] {
  switch (f.t) {
    case 'lit': return f.lit > 0 ? [ID(f.lit)] : [];
    case 'and': case 'or': return [...new Set(f.parts.flatMap(positives))];
    default: return [];
  }
}

