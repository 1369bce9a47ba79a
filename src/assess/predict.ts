/**
 * The predicted transaction of a same-major migration: the host's installed packages (facts: packages and
 * dependencies) and the target repositories (their visible packages after dnf's modular filtering) as one
 * solver pool, and the jobs dnf runs for it — the vendor swap's `remove`/`install` and `distro-sync
 * --allowerasing` in one `dnf shell` transaction (src/exec/package-manager/dnf.ts `predict`), under Ferry's
 * private dnf.conf (best=True, install_weak_deps=False, installonly_limit=3, protected_packages emptied,
 * --noautoremove) — solved by src/solver with the jobs and flags libdnf gives libsolv (libdnf Goal.cpp
 * constructJob/initSolver): `distupgrade` of all packages, `multiversion` of every install-only provide
 * (src/rpm/installonly.ts), keepexplicitobsoletes and implicitobsoleteusescolors. installonly_limit is
 * libdnf's limitInstallonlyPackages: when more install-only versions of a name would be installed than the
 * limit, the newest ones are kept by install jobs, the others erased by erase jobs, and the jobs solved again.
 * libdnf further sets keeporphans, yumobsoletes, bestobeypolicy and allowvendorchange (initSolver; dnf.conf
 * allow_vendor_change defaults to True), gives --allowerasing as one allowuninstall job per installed package
 * (allowUninstallAllButProtected) and best=True as forcebest on the staged jobs (constructJob). The lab paths hold
 * it to dnf package by package
 * (test/e2e/predict-transaction.test.ts). Pure.
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
import { solve } from '../solver/solve.js';
import { MemoryPool } from '../solver/testcase.js';
import type { Job, Solvable } from '../solver/types.js';
import { modularFilter } from './fates.js';
import { relationKey } from '../facts/index.js';

export type PredictedAction = 'install' | 'upgrade' | 'downgrade' | 'reinstall' | 'obsolete' | 'erase';

/**
 * Why the transaction's own removals go: the same-major vendor swap, a PES event of a cross-major upgrade, or
 * the cross-major target transaction when which of the two is not known (a plan's upgrade step holds both).
 */
export type RemovalJob = 'vendor-swap-remove' | 'pes-remove' | 'upgrade-remove';

const REMOVAL_TEXT: Record<RemovalJob | 'installonly-limit', string> = {
  'vendor-swap-remove': 'removed by the vendor swap',
  'pes-remove': 'removed by a PES event',
  'upgrade-remove': 'removed by the target transaction (the vendor swap or a PES event)',
  'installonly-limit': `beyond installonly_limit=${INSTALLONLY_LIMIT}: the oldest install-only version goes`,
};

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
  | { kind: 'job'; job: RemovalJob | 'installonly-limit' }
  | { kind: 'dependency'; requires: string; provider: string; providerFate: string; cause?: ErasureCause; root: string }
  /**
   * Its target build `update` cannot install — `broken` (`requires DEP` no package of the new system satisfies, or
   * `conflicts with NEVRA`) — and distro-sync keeps no other version: --allowerasing erases it (solver_autouninstall).
   */
  | { kind: 'update-uninstallable'; update: string; broken: string };

export interface PredictInput {
  installed: readonly InstalledPackage[];
  dependencies: readonly PackageDependencies[];
  /** The target repositories' packages (repoid set), as Ferry reads their primary metadata. */
  target: readonly Package[];
  modules?: ModulesMetadata;
  moduleStates?: ModuleStreamState[];
  /**
   * The transaction's removals and installs before distro-sync: the vendor swap's (vendorSwapPlan), with a
   * cross-major upgrade's PES events' (crossMajorTransaction). `removedBy` names why each removal goes
   * (default: the vendor swap).
   */
  swap: { remove: readonly string[]; install: readonly string[]; removedBy?: Readonly<Record<string, RemovalJob>> | RemovalJob };
  /** The host's architecture (libsolv's pool_setarch). */
  arch: string;
}

export type Prediction = { ok: true; changes: PredictedChange[] } | { ok: false; problems: string[] };

const PAST: Record<PredictedAction, string> = { install: 'installed as', upgrade: 'upgraded to', downgrade: 'downgraded to', reinstall: 'reinstalled as', obsolete: 'obsoleted', erase: 'erased' };

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
  solvable(p: Package): Omit<Parameters<MemoryPool['add']>[0], 'repo'>;
  /** The target packages one package may bring in: its name's other builds and every provider of each of its requires. */
  neighbours(p: Package): readonly Package[];
}

/** Every simple dependency a tree names (both sides of a condition: either may decide). */
function leaves(tree: DepTree, out: DepTree[] = []): DepTree[] {
  switch (tree.type) {
    case 'simple': out.push(tree); break;
    case 'if': case 'unless': leaves(tree.left, out); leaves(tree.condition, out); if (tree.otherwise) leaves(tree.otherwise, out); break;
    case 'without': leaves(tree.left, out); leaves(tree.right, out); break;
    default: for (const o of tree.operands) leaves(o, out);
  }
  return out;
}

function providersOf(pool: PreparedTarget['pool'], trees: readonly DepTree[], out: Package[]): void {
  for (const t of trees) for (const leaf of leaves(t)) if (leaf.type === 'simple') out.push(...pool.whatProvides({ name: leaf.name, ...(leaf.flags ? { flags: leaf.flags } : {}), ...(leaf.evr ? { evr: leaf.evr } : {}) }));
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
  const adjacency = new Map<Package, Package[]>();
  const pool = createPool(target);
  prepared = {
    pool,
    neighbours(p) {
      let n = adjacency.get(p);
      if (!n) {
        n = [...pool.byName(p.name)];
        providersOf(pool, prepared!.solvable(p).requires, n);
        adjacency.set(p, n);
      }
      return n;
    },
    solvable(p) {
      let t = memo.get(p);
      if (!t) {
        const where = formatNevra(p);
        const provides = [...p.provides, ...p.files.map((f) => ({ name: f }))];
        t = {
          name: p.name, evr: { epoch: p.epoch, version: p.version, release: p.release }, arch: p.arch,
          provides, requires: trees(p.requires, where), conflicts: trees(p.conflicts, where), obsoletes: simple(p.obsoletes),
          // install_weak_deps=False: recommends and supplements never pull a package in
          recommends: [], suggests: [], supplements: [], enhances: [],
          ...(p.vendor ? { vendor: p.vendor } : {}), ...(p.time?.build ? { buildTime: p.time.build } : {}),
        };
        memo.set(p, t);
      }
      return t;
    },
  };
  preparedTargets.set(target, prepared);
  return prepared;
}

/**
 * The pool of one host against its target: repo 0 the installed system, repo 1 the target repositories;
 * `repoids` per solvable, the dnf repository a target package comes from.
 */
export function buildMigrationPool(input: Pick<PredictInput, 'installed' | 'dependencies' | 'target' | 'modules' | 'moduleStates'> & { swapInstall?: readonly string[] }): { pool: MemoryPool; repoids: (string | undefined)[] } {
  const pool = new MemoryPool();
  const repoids: (string | undefined)[] = [];
  const installedRepo = pool.addRepo({ name: '@System', priority: 0, subpriority: 0 });
  const targetRepo = pool.addRepo({ name: 'target', priority: 0, subpriority: 0 });
  pool.installedRepo = installedRepo;
  const deps = new Map(input.dependencies.map((d) => [d.nevra, d]));
  const seeds: Package[] = [];
  const targetPool = preparedTarget(input.target).pool;
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
    const requires = trees(d.requires, key);
    // what the transaction may bring in for it: its name's builds, what obsoletes it, what can satisfy its requires
    seeds.push(...targetPool.byName(p.name), ...targetPool.whatObsoletes(p));
    providersOf(targetPool, requires, seeds);
    pool.add({
      name: p.name, evr: { epoch: p.epoch, version: p.version, release: p.release }, arch: p.arch, repo: installedRepo,
      provides, requires, conflicts: trees(d.conflicts, key), obsoletes: simple(d.obsoletes.map(parseCapability)),
      recommends: [], suggests: [], supplements: [], enhances: [],
      ...(p.vendor ? { vendor: p.vendor } : {}), ...(p.buildTime ? { buildTime: p.buildTime } : {}),
    });
    repoids.push(undefined);
  }
  const prepared = preparedTarget(input.target);
  const visible = modularFilter(prepared.pool, input.modules, input.moduleStates);
  const relevant = relevantTargets(prepared, seeds, input.swapInstall ?? []);
  for (const p of input.target) {
    if (p.arch === 'src' || p.arch === 'nosrc' || (visible && !visible.has(p)) || !relevant.has(p)) continue;
    pool.add({ ...prepared.solvable(p), repo: targetRepo });
    repoids.push(p.repoid);
  }
  return { pool, repoids };
}

/**
 * The target packages a host's transaction can install, so its pool holds only those (a host's pool against CS9
 * AppStream: about 1,700 of 18,774): from the seeds (each installed package's name, its obsoleters, the providers of
 * its requires) and the swap's install names, the closure over neighbours (a package's other builds and every
 * provider of each requires). A package outside it is never installed: nothing requires it, it replaces nothing
 * installed and no job names it (weak dependencies are off), so its own rules cannot change the result.
 */
function relevantTargets(prepared: PreparedTarget, seeds: readonly Package[], installNames: readonly string[]): Set<Package> {
  const out = new Set<Package>();
  const queue: Package[] = [];
  const add = (p: Package): void => { if (!out.has(p)) { out.add(p); queue.push(p); } };
  for (const p of seeds) add(p);
  for (const n of installNames) { for (const p of prepared.pool.byName(n)) add(p); for (const p of prepared.pool.whatProvides(n)) add(p); }
  while (queue.length > 0) for (const q of prepared.neighbours(queue.pop()!)) add(q);
  return out;
}

const nevraOf = (s: Solvable): string => formatNevra({ name: s.name, arch: s.arch, ...s.evr });

/** The jobs of the vendor swap and distro-sync, as libdnf gives them to libsolv. */
function migrationJobs(pool: MemoryPool, swap: PredictInput['swap']): { jobs: Job[]; swapErased: Map<number, RemovalJob> } {
  const jobs: Job[] = [];
  const removeNames = new Set(swap.remove);
  const swapErased = new Map<number, RemovalJob>();
  const why = (name: string): RemovalJob => (typeof swap.removedBy === 'string' ? swap.removedBy : swap.removedBy?.[name] ?? 'vendor-swap-remove');
  for (let id = 0; id < pool.count; id++) {
    if (pool.solvable(id).repo !== pool.installedRepo || !removeNames.has(pool.solvable(id).name)) continue;
    jobs.push({ command: 'erase', select: { kind: 'pkg', id } });
    swapErased.set(id, why(pool.solvable(id).name));
  }
  // best=True: constructJob gives every staged job SOLVER_FORCEBEST (on an erase it changes nothing)
  for (const name of new Set(swap.install)) jobs.push({ command: 'install', select: { kind: 'name', name }, forceBest: true });
  jobs.push({ command: 'distupgrade', select: { kind: 'all' }, forceBest: true });
  for (const name of INSTALLONLY_PROVIDES) jobs.push({ command: 'multiversion', select: { kind: 'provides', dep: { type: 'simple', name } } });
  // --allowerasing: allowUninstallAllButProtected, one job per installed package (protected_packages is emptied,
  // and an offline root has no running kernel to protect)
  for (let id = 0; id < pool.count; id++) if (pool.solvable(id).repo === pool.installedRepo) jobs.push({ command: 'allowuninstall', select: { kind: 'pkg', id } });
  return { jobs, swapErased };
}

/**
 * libdnf's limitInstallonlyPackages: per install-only name with more than INSTALLONLY_LIMIT versions in the
 * result, a new one among them, the newest INSTALLONLY_LIMIT are kept by install jobs and the rest erased by
 * erase jobs (an offline root has no running kernel to spare). Empty when nothing is beyond the limit.
 */
function installonlyLimitJobs(pool: MemoryPool, installed: readonly number[]): { jobs: Job[]; erased: Set<number> } {
  const jobs: Job[] = [];
  const erased = new Set<number>();
  const onlies = new Set<number>();
  for (const name of INSTALLONLY_PROVIDES) for (const p of pool.whatprovides({ type: 'simple', name })) onlies.add(p);
  const byName = new Map<string, number[]>();
  for (const p of installed) {
    if (!onlies.has(p)) continue;
    const list = byName.get(pool.solvable(p).name);
    if (list) list.push(p); else byName.set(pool.solvable(p).name, [p]);
  }
  for (const list of byName.values()) {
    if (list.length <= INSTALLONLY_LIMIT || !list.some((p) => pool.solvable(p).repo !== pool.installedRepo)) continue;
    list.sort((a, b) => compareEvr(pool.solvable(b).evr, pool.solvable(a).evr));
    list.forEach((p, k) => {
      jobs.push({ command: k < INSTALLONLY_LIMIT ? 'install' : 'erase', select: { kind: 'pkg', id: p } });
      if (k >= INSTALLONLY_LIMIT) erased.add(p);
    });
  }
  return { jobs, erased };
}

const ACTION: Record<'upgrade' | 'downgrade' | 'reinstall' | 'change', PredictedAction> = { upgrade: 'upgrade', downgrade: 'downgrade', reinstall: 'reinstall', change: 'reinstall' };

/** Predicts the vendor swap and distro-sync transaction dnf runs for the migration. */
export function predictMigration(input: PredictInput): Prediction {
  const { pool, repoids } = buildMigrationPool({ ...input, swapInstall: input.swap.install });
  const { jobs, swapErased } = migrationJobs(pool, input.swap);
  const request = { pool, arch: input.arch, implicitObsoleteUsesColors: true, keepExplicitObsoletes: true, keepOrphans: true, yumObsoletes: true, allowVendorChange: true, bestObeyPolicy: true };
  let res = solve({ ...request, jobs });
  if (!res.ok) return { ok: false, problems: res.problems };
  const limit = installonlyLimitJobs(pool, res.installed);
  if (limit.jobs.length) {
    res = solve({ ...request, jobs: [...jobs, ...limit.jobs] });
    if (!res.ok) return { ok: false, problems: res.problems };
  }
  const after = new Set(res.installed);
  const changes: PredictedChange[] = [];
  const fateOf = new Map<number, PredictedChange>();
  const add = (c: PredictedChange, id?: number): void => { changes.push(c); if (id !== undefined) fateOf.set(id, c); };
  const base = (id: number): Pick<PredictedChange, 'nevra' | 'name' | 'arch'> => ({ nevra: nevraOf(pool.solvable(id)), name: pool.solvable(id).name, arch: pool.solvable(id).arch });
  const repoOf = (id: number): { repo?: string } => { const r = repoids[id]; return r ? { repo: r } : {}; };
  // the solver's transaction as dnf shows it: a same-EVR change of build is a reinstall; each new package once
  const shown = new Set<number>();
  for (const step of res.steps) {
    if (step.kind === 'install') { add({ action: 'install', ...base(step.id), ...repoOf(step.id) }); continue; }
    if (step.kind === 'erase') {
      if (step.by !== undefined) add({ action: 'obsolete', ...base(step.id), by: nevraOf(pool.solvable(step.by)) }, step.id);
      else add({ action: 'erase', ...base(step.id), ...(limit.erased.has(step.id) ? { forcedBy: { kind: 'job', job: 'installonly-limit' } } : {}) }, step.id);
      continue;
    }
    if (shown.has(step.to)) {
      // a second installed build of the name replaced by the same new package: it leaves as an erasure
      add({ action: 'erase', ...base(step.from) }, step.from);
      continue;
    }
    shown.add(step.to);
    add({ action: ACTION[step.kind], ...base(step.to), from: nevraOf(pool.solvable(step.from)), ...repoOf(step.to) }, step.from);
  }
  // why each erasure: a job, or the first requires of it no package of the new system satisfies
  const causeOf = (id: number, seen: Set<number>): ErasureCause | undefined => {
    const job = swapErased.get(id);
    if (job) return { kind: 'job', job };
    if (limit.erased.has(id)) return { kind: 'job', job: 'installonly-limit' };
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
    return updateUninstallable(pool, id, after);
  };
  for (const [id, c] of fateOf) {
    if (c.action !== 'erase' || c.forcedBy) continue;
    const cause = causeOf(id, new Set());
    if (cause) c.forcedBy = cause;
  }
  return { ok: true, changes: changes.sort((a, b) => (a.nevra < b.nevra ? -1 : a.nevra > b.nevra ? 1 : a.action < b.action ? -1 : 1)) };
}

/**
 * Why installed package `id`'s newest target build cannot join the new system `after`: its first requires nothing
 * there satisfies, or its first conflict with a package there. Undefined when the target has no build of the name or
 * nothing is broken.
 */
function updateUninstallable(pool: MemoryPool, id: number, after: ReadonlySet<number>): ErasureCause | undefined {
  const name = pool.solvable(id).name;
  const update = pool.named(name).filter((p) => pool.solvable(p).repo !== pool.installedRepo)
    .sort((a, b) => compareEvr(pool.solvable(b).evr, pool.solvable(a).evr))[0];
  if (update === undefined) return undefined;
  const s = pool.solvable(update);
  const broken = (): string | undefined => {
    for (const req of s.requires) if (req.type === 'simple' && !pool.whatprovides(req).some((p) => after.has(p) || p === update)) return `requires ${formatDep(req)}`;
    for (const con of s.conflicts) {
      if (con.type !== 'simple') continue;
      const hit = pool.whatprovides(con).find((p) => after.has(p) && p !== update && p !== id);
      if (hit !== undefined) return `conflicts with ${nevraOf(pool.solvable(hit))}`;
    }
    return undefined;
  };
  const why = broken();
  return why ? { kind: 'update-uninstallable', update: nevraOf(s), broken: why } : undefined;
}

/** The cause as lines, this package's broken requires first, down to the change that forces it. */
export function erasureChain(cause: ErasureCause): string[] {
  if (cause.kind === 'job') return [REMOVAL_TEXT[cause.job]];
  if (cause.kind === 'update-uninstallable') return [`${cause.broken} in its target build ${cause.update}, which therefore cannot install; distro-sync keeps no other version`];
  return [`requires ${cause.requires}: ${cause.provider} ${cause.providerFate}`, ...(cause.cause ? erasureChain(cause.cause) : [])];
}

/**
 * The transaction as comparable lines, one per package: `ACTION NEVRA`, and `obsolete NEVRA by NEVRA`. The
 * form src/exec's reading of dnf's summary is reduced to as well, so the two compare line by line.
 */
export function transactionLines(changes: readonly PredictedChange[]): string[] {
  return changes.map((c) => (c.action === 'obsolete' ? `obsolete ${c.nevra} by ${c.by}` : `${c.action} ${c.nevra}`)).sort();
}

