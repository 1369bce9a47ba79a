/**
 * The predicted transaction of a same-major migration: the host's installed packages (facts: packages and
 * dependencies) and the target repositories (their visible packages after dnf's modular filtering) as one
 * solver pool, and the jobs dnf runs for it — the vendor swap's `remove`/`install` and `distro-sync
 * --allowerasing` in one `dnf shell` transaction (src/exec/package-manager/dnf.ts `predict`), under Ferry's
 * private dnf.conf (best=True, install_weak_deps=False, installonly_limit=3, protected_packages emptied,
 * --noautoremove) — solved by src/solver. Pure.
 *
 * distro-sync is libsolv's SOLVER_DISTUPGRADE over every installed package, which the solver does not model
 * yet (SOLVER_UNSUPPORTED); its rules are given to the solver as jobs instead, as libsolv's
 * solver_addduprules states them: an installed package that the repositories carry an identical build of
 * (solvable_identical: name, arch, EVR, vendor, build time) may stay; one they carry no package of its name and
 * nothing obsoleting (an orphan) may stay; every other installed package is erased and its best replacement
 * installed (dup's update rule allows any EVR, so a downgrade is as good as an upgrade; forcebest picks the
 * best). Install-only packages (kernels) are multiversion: dnf installs their replacement beside them, which
 * the solver (no multiversion) reports as an upgrade and this module as an install with the old one kept.
 * With --allowerasing, an installed package whose requires no longer hold is erased: the solver does that for
 * packages without an update rule (orphans), which is every package that stays.
 */
import { FerryError } from '../core/errors.js';
import type { InstalledPackage, ModuleStreamState, PackageDependencies } from '../facts/index.js';
import { depFromEntry, formatDep, parseDep, type DepTree } from '../rpm/deps.js';
import { compareEvr } from '../rpm/evr.js';
import { INSTALLONLY_LIMIT, INSTALLONLY_PROVIDES } from '../rpm/installonly.js';
import { formatNevra } from '../rpm/nevra.js';
import { createPool, parseCapability } from '../rpm/pool.js';
import type { ModulesMetadata } from '../rpm/repodata/modules.js';
import type { Dep, Package } from '../rpm/types.js';
import { archScores } from '../solver/policy.js';
import { solve } from '../solver/solve.js';
import { MemoryPool } from '../solver/testcase.js';
import type { Job, Solvable } from '../solver/types.js';
import { modularFilter } from './fates.js';
import { relationKey } from '../facts/index.js';

export type PredictedAction = 'install' | 'upgrade' | 'downgrade' | 'reinstall' | 'obsolete' | 'erase';

/** One package change of the predicted transaction. */
export interface PredictedChange {
  action: PredictedAction;
  /** The package installed (install, upgrade, downgrade, reinstall) or leaving (obsolete, erase), NEVRA. */
  nevra: string;
  name: string;
  arch: string;
  /** upgrade/downgrade/reinstall: the installed package it replaces. */
  from?: string;
  /** obsolete: the package that obsoletes it. */
  by?: string;
  /** erase: why — a job (the vendor swap removes it) or the dependency chain that forces it. */
  forcedBy?: ErasureCause;
  /** The repository a new package comes from. */
  repo?: string;
}

/**
 * Why an installed package is erased: the vendor swap removes it, or one of its requires no longer holds —
 * `requires`, which `provider` satisfied before the transaction and `providerFate` says what becomes of it —
 * and, when the provider is itself erased for a dependency, its own cause (the chain down to the package that
 * forces it, `root`).
 */
export type ErasureCause =
  | { kind: 'job'; job: 'vendor-swap-remove' | 'installonly-limit' }
  | { kind: 'dependency'; requires: string; provider: string; providerFate: string; cause?: ErasureCause; root: string };

export interface PredictInput {
  installed: readonly InstalledPackage[];
  dependencies: readonly PackageDependencies[];
  /** The target repositories' packages (repoid set), as Ferry reads their primary metadata. */
  target: readonly Package[];
  modules?: ModulesMetadata;
  moduleStates?: ModuleStreamState[];
  /** The vendor swap: installed names dnf removes, target names it installs (vendorSwapPlan). */
  swap: { remove: readonly string[]; install: readonly string[] };
  /** The host's architecture (libsolv's pool_setarch). */
  arch: string;
}

export type Prediction = { ok: true; changes: PredictedChange[] } | { ok: false; problems: string[] };

const PAST: Record<PredictedAction, string> = { install: 'installed as', upgrade: 'upgraded to', downgrade: 'downgraded to', reinstall: 'reinstalled as', obsolete: 'obsoleted', erase: 'erased' };

interface Side { vendor?: string; buildTime?: number; repo?: string; installonly: boolean }

const INSTALLONLY = new Set(INSTALLONLY_PROVIDES);

function requireTree(text: string): DepTree {
  return text.startsWith('(') ? parseDep(text) : depFromEntry(parseCapability(text));
}

/** rpm's Requires and Conflicts of one package: the dependency trees, malformed ones named. */
function trees(list: readonly (string | Dep)[], where: string): DepTree[] {
  return list.map((d) => {
    try {
      return typeof d === 'string' ? requireTree(d) : depFromEntry(d);
    } catch (err) {
      throw new FerryError('DEP_PARSE', `${where}: dependency ${JSON.stringify(typeof d === 'string' ? d : d.name)} cannot be read: ${(err as Error).message}`);
    }
  });
}

function simple(list: readonly Dep[]): Dep[] {
  return list.filter((d) => !d.name.startsWith('('));
}

interface PreparedTarget {
  pool: ReturnType<typeof createPool>;
  solvable(p: Package): { solvable: Omit<Parameters<MemoryPool['add']>[0], 'repo'>; side: Side };
}

/**
 * The target side of every host's pool, prepared once per package list (a fleet assesses many hosts against one
 * target's metadata): its query pool and each package's solvable form, dependencies parsed.
 */
const preparedTargets = new WeakMap<readonly Package[], PreparedTarget>();

function preparedTarget(target: readonly Package[]): PreparedTarget {
  let prepared = preparedTargets.get(target);
  if (prepared) return prepared;
  const memo = new Map<Package, ReturnType<PreparedTarget['solvable']>>();
  prepared = {
    pool: createPool(target),
    solvable(p) {
      let t = memo.get(p);
      if (!t) {
        const where = formatNevra(p);
        const provides = [...p.provides, ...p.files.map((f) => ({ name: f }))];
        t = {
          solvable: {
            name: p.name, evr: { epoch: p.epoch, version: p.version, release: p.release }, arch: p.arch,
            provides, requires: trees(p.requires, where), conflicts: trees(p.conflicts, where), obsoletes: simple(p.obsoletes),
            // install_weak_deps=False: recommends and supplements never pull a package in
            recommends: [], suggests: [], supplements: [], enhances: [],
          },
          side: { vendor: p.vendor, buildTime: p.time?.build, repo: p.repoid, installonly: provides.some((x) => INSTALLONLY.has(x.name)) },
        };
        memo.set(p, t);
      }
      return t;
    },
  };
  preparedTargets.set(target, prepared);
  return prepared;
}

/** The pool of one host against its target: repo 0 the installed system, repo 1 the target repositories. */
export function buildMigrationPool(input: Pick<PredictInput, 'installed' | 'dependencies' | 'target' | 'modules' | 'moduleStates'>): { pool: MemoryPool; side: Side[] } {
  const pool = new MemoryPool();
  const side: Side[] = [];
  const installedRepo = pool.addRepo({ name: '@System', priority: 0, subpriority: 0 });
  const targetRepo = pool.addRepo({ name: 'target', priority: 0, subpriority: 0 });
  pool.installedRepo = installedRepo;
  const deps = new Map(input.dependencies.map((d) => [d.nevra, d]));
  for (const p of input.installed) {
    if (p.name === 'gpg-pubkey') continue;
    const key = relationKey(p);
    const d = deps.get(key);
    if (!d) {
      throw new FerryError('FACTS_PARSE', `the facts carry no dependencies of installed ${key}`, {
        hint: 'Collect the host\'s facts again (ferry collect): the dependencies section holds what the prediction needs.',
      });
    }
    const provides = [...d.provides.map(parseCapability), ...d.files.map((f) => ({ name: f }))];
    pool.add({
      name: p.name, evr: { epoch: p.epoch, version: p.version, release: p.release }, arch: p.arch, repo: installedRepo,
      provides, requires: trees(d.requires, key), conflicts: trees(d.conflicts, key), obsoletes: simple(d.obsoletes.map(parseCapability)),
      recommends: [], suggests: [], supplements: [], enhances: [],
    });
    side.push({ vendor: p.vendor, buildTime: p.buildTime, installonly: provides.some((x) => INSTALLONLY.has(x.name)) });
  }
  const prepared = preparedTarget(input.target);
  const visible = modularFilter(prepared.pool, input.modules, input.moduleStates);
  for (const p of input.target) {
    if (p.arch === 'src' || p.arch === 'nosrc' || (visible && !visible.has(p))) continue;
    const t = prepared.solvable(p);
    pool.add({ ...t.solvable, repo: targetRepo });
    side.push(t.side);
  }
  return { pool, side };
}

const nevraOf = (s: Solvable): string => formatNevra({ name: s.name, arch: s.arch, ...s.evr });

/** libsolv's solvable_identical as dnf sees packages: name, arch, EVR, vendor, and build time when both have one. */
function identical(a: Solvable, sa: Side, b: Solvable, sb: Side): boolean {
  if (a.name !== b.name || a.arch !== b.arch || compareEvr(a.evr, b.evr) !== 0 || (a.evr.release ?? '') !== (b.evr.release ?? '')) return false;
  if ((sa.vendor ?? '') !== (sb.vendor ?? '')) return false;
  return !(sa.buildTime && sb.buildTime && sa.buildTime !== sb.buildTime);
}

/** Predicts the vendor swap and distro-sync transaction dnf runs for the migration. */
export function predictMigration(input: PredictInput): Prediction {
  const { pool, side } = buildMigrationPool(input);
  const score = archScores(input.arch);
  const installed: number[] = [];
  const available: number[] = [];
  for (let id = 0; id < pool.count; id++) (pool.solvable(id).repo === pool.installedRepo ? installed : available).push(id);
  const installable = (id: number): boolean => score(pool.solvable(id).arch) > 0;
  const jobs: Job[] = [];
  const removeNames = new Set(input.swap.remove);
  const installNames = new Set(input.swap.install);
  const swapErased = new Set<number>();
  for (const i of installed) {
    if (!removeNames.has(pool.solvable(i).name)) continue;
    jobs.push({ command: 'erase', select: { kind: 'pkg', id: i } });
    swapErased.add(i);
  }
  for (const name of installNames) jobs.push({ command: 'install', select: { kind: 'name', name } });

  // distro-sync as solver_addduprules states it, one installed package at a time
  const better = (a: number, b: number): boolean => {
    const c = compareEvr(pool.solvable(a).evr, pool.solvable(b).evr);
    return c > 0 || (c === 0 && score(pool.solvable(a).arch) < score(pool.solvable(b).arch));
  };
  const multiversionKept = new Set<number>();
  for (const i of installed) {
    const si = pool.solvable(i);
    if (swapErased.has(i)) continue;
    const archOk = (a: Solvable): boolean => a.arch === si.arch || a.arch === 'noarch' || si.arch === 'noarch';
    const same = available.filter((a) => installable(a) && pool.solvable(a).name === si.name && archOk(pool.solvable(a)));
    let best: number | undefined;
    for (const a of same) if (best === undefined || better(a, best)) best = a;
    if (best === undefined) {
      // no package of its name: an obsoleter of a compatible arch replaces it (dup's update rule), else an orphan
      for (const a of available) {
        const sa = pool.solvable(a);
        if (!installable(a) || !archOk(sa) || sa.name === si.name) continue;
        if (!sa.obsoletes.some((o) => o.name === si.name && pool.whatprovides({ type: 'simple', name: o.name, flags: o.flags, evr: o.evr }).includes(i))) continue;
        if (best === undefined || better(a, best)) best = a;
      }
      if (best === undefined) continue;
    }
    if (same.some((a) => identical(si, side[i], pool.solvable(a), side[a])) && !same.some((a) => compareEvr(pool.solvable(a).evr, si.evr) > 0)) continue;
    if (side[i].installonly) multiversionKept.add(i);
    else jobs.push({ command: 'erase', select: { kind: 'pkg', id: i } });
    jobs.push({ command: 'install', select: { kind: 'pkg', id: best } });
  }

  const res = solve({ pool, arch: input.arch, jobs, implicitObsoleteUsesColors: true });
  if (!res.ok) return { ok: false, problems: res.problems };
  const after = new Set(res.installed);
  const changes: PredictedChange[] = [];
  const fateOf = new Map<number, PredictedChange>();
  const add = (c: PredictedChange, id?: number): void => { changes.push(c); if (id !== undefined) fateOf.set(id, c); };
  const base = (id: number): Pick<PredictedChange, 'nevra' | 'name' | 'arch'> => ({ nevra: nevraOf(pool.solvable(id)), name: pool.solvable(id).name, arch: pool.solvable(id).arch });
  const repoOf = (id: number): { repo?: string } => (side[id].repo ? { repo: side[id].repo } : {});
  // The transaction from the installed set, as dnf pairs it: a new package replaces the erased one of its name
  // and arch (or a noarch change); install-only packages of a new version go beside the old one.
  const erased = installed.filter((i) => !after.has(i));
  const paired = new Set<number>();
  for (const q of res.installed.filter((x) => pool.solvable(x).repo !== pool.installedRepo)) {
    const sq = pool.solvable(q);
    const partners = erased.filter((i) => !paired.has(i) && pool.solvable(i).name === sq.name);
    const from = partners.find((i) => pool.solvable(i).arch === sq.arch) ?? partners.find((i) => pool.solvable(i).arch === 'noarch' || sq.arch === 'noarch');
    const c = from === undefined ? 0 : compareEvr(pool.solvable(from).evr, sq.evr);
    if (from === undefined || (multiversionKept.has(from) && c !== 0)) {
      add({ action: 'install', ...base(q), ...repoOf(q) });
      continue;
    }
    paired.add(from);
    add({ action: c < 0 ? 'upgrade' : c > 0 ? 'downgrade' : 'reinstall', ...base(q), from: nevraOf(pool.solvable(from)), ...repoOf(q) }, from);
  }
  for (const i of erased) {
    if (paired.has(i) || multiversionKept.has(i)) continue;
    const si = pool.solvable(i);
    const by = res.installed.find((q) => pool.solvable(q).repo !== pool.installedRepo && pool.solvable(q).name !== si.name
      && pool.solvable(q).obsoletes.some((o) => o.name === si.name && pool.whatprovides({ type: 'simple', name: o.name, flags: o.flags, evr: o.evr }).includes(i)));
    if (by !== undefined) add({ action: 'obsolete', ...base(i), by: nevraOf(pool.solvable(by)) }, i);
    else add({ action: 'erase', ...base(i) }, i);
  }
  // installonly_limit=3: beyond three versions of an install-only name, the oldest installed ones go
  // (libdnf's limit on install-only packages; an offline root has no running kernel to spare)
  const limitErased = new Set<number>();
  const kept = (i: number): boolean => !swapErased.has(i) && (after.has(i) || (multiversionKept.has(i) && !paired.has(i)));
  for (const name of new Set(installed.filter((i) => side[i].installonly).map((i) => pool.solvable(i).name))) {
    const olds = installed.filter((i) => pool.solvable(i).name === name && kept(i)).sort((x, y) => compareEvr(pool.solvable(x).evr, pool.solvable(y).evr));
    const news = res.installed.filter((q) => pool.solvable(q).repo !== pool.installedRepo && pool.solvable(q).name === name).length;
    for (const i of olds.slice(0, Math.max(0, olds.length + news - INSTALLONLY_LIMIT))) {
      limitErased.add(i);
      add({ action: 'erase', ...base(i), forcedBy: { kind: 'job', job: 'installonly-limit' } }, i);
    }
  }
  // why each erasure: a job, or the first requires of it no package of the new system satisfies
  const causeOf = (id: number, seen: Set<number>): ErasureCause | undefined => {
    if (swapErased.has(id)) return { kind: 'job', job: 'vendor-swap-remove' };
    if (seen.has(id)) return undefined;
    seen.add(id);
    for (const req of pool.solvable(id).requires) {
      if (req.type !== 'simple') continue;
      const providers = pool.whatprovides(req);
      if (providers.some((p) => after.has(p))) continue;
      const was = providers.find((p) => pool.solvable(p).repo === pool.installedRepo);
      if (was === undefined) continue;
      const fate = fateOf.get(was);
      const providerFate = !fate ? 'kept' : fate.action === 'erase' ? 'erased' : fate.action === 'obsolete' ? `obsoleted by ${fate.by}` : `${PAST[fate.action]} ${fate.nevra}`;
      const cause = fate?.action === 'erase' ? causeOf(was, seen) : undefined;
      const root = cause?.kind === 'dependency' ? cause.root : nevraOf(pool.solvable(was));
      return { kind: 'dependency', requires: formatDep(req), provider: nevraOf(pool.solvable(was)), providerFate, ...(cause ? { cause } : {}), root };
    }
    return undefined;
  };
  for (const [id, c] of fateOf) {
    if (c.action !== 'erase' || limitErased.has(id)) continue;
    const cause = causeOf(id, new Set());
    if (cause) c.forcedBy = cause;
  }
  return { ok: true, changes: changes.sort((a, b) => (a.nevra < b.nevra ? -1 : a.nevra > b.nevra ? 1 : a.action < b.action ? -1 : 1)) };
}

/** The cause as lines, this package's broken requires first, down to the change that forces it. */
export function erasureChain(cause: ErasureCause): string[] {
  if (cause.kind === 'job') return [cause.job === 'installonly-limit' ? `beyond installonly_limit=${INSTALLONLY_LIMIT}: the oldest install-only version goes` : 'removed by the vendor swap'];
  return [`requires ${cause.requires}: ${cause.provider} ${cause.providerFate}`, ...(cause.cause ? erasureChain(cause.cause) : [])];
}

/**
 * The transaction as comparable lines, one per package: `ACTION NEVRA`, and `obsolete NEVRA by NEVRA`. The
 * form src/exec's reading of dnf's summary is reduced to as well, so the two compare line by line.
 */
export function transactionLines(changes: readonly PredictedChange[]): string[] {
  return changes.map((c) => (c.action === 'obsolete' ? `obsolete ${c.nevra} by ${c.by}` : `${c.action} ${c.nevra}`)).sort();
}

