/**
 * Per-package fate: what `dnf distro-sync --allowerasing` against the target repositories does to each
 * installed package, after the vendor swap a conversion tool makes first (migrate2rocky's
 * package_swaps(), almalinux-deploy's BRANDING_PKGS).
 *
 * Rule order, each rule tried only when the ones before it did not apply (measured with dnf 4.14 on
 * lab repositories: the collision cases in fates.test.ts, the whole-host comparison in test/e2e/fates-dnf.test.ts):
 *  1. gpg-pubkey pseudo packages are not packages: skipped.
 *  2. vendor swap: the conversion removes the source's branding packages and installs the target's in one
 *     transaction before distro-sync → replaced via 'vendor-swap'; a package it removes with nothing in
 *     its place (an also-remove list, a branding role the target has no package of) → missing via
 *     'vendor-swap'. The plan's swap step runs the same rule (vendor-swap.ts).
 *  3. PES events (cross-major, Leapp): a package an applied replaced/renamed/split/merged/moved event
 *     takes out → replaced via 'pes'; a removed event → missing.
 *  Rules 4 and 5 compare EVRs: a package whose epoch the source did not give (a plain `rpm -qa` list) first
 *     takes the epoch of the target's package of the same name (withTargetEpoch).
 *  4. Obsoletes: a target package of another name whose Obsoletes match the installed NEVRA replaces it,
 *     EVEN WHEN the target also carries the same name at a newer, equal or older EVR (dnf installs the
 *     obsoleter and erases the package: "replacing"). A package obsoleting its own name (`a9-1.1`
 *     `Obsoletes: a9 < 1.1`) is an upgrade, not a replacement. Several obsoleters all get installed.
 *     Provides alone replaces nothing (dnf leaves such a package alone).
 *  5. Same name: the newest EVR among target packages of the same arch or noarch (an installed noarch
 *     may become the base arch and vice versa; on an EVR tie the same arch wins) → same / upgrade /
 *     downgrade; a target build whose EVR differs only by the distribution's dist tag (`1.el8` → `1.oc8`, `.tl3`,
 *     `module_el8` → `module_oc8`) is `same`, its reason "rebuild": distro-sync swaps it, nothing in it changes
 *     upstream (rpmvercmp would call `.an8` older and `.oc8` newer than `.el8` by letters alone). dnf reinstalls a same-EVR package from the target when it is not identical (vendor,
 *     build time, or arch x86_64 ↔ noarch): still `same`, with the arch switch in `reason`. Install-only packages (kernels) keep the old one beside the new.
 *     With the target's modules.yaml, dnf's modular filtering applies first: packages of inactive
 *     streams are invisible, and so are non-modular packages named like a package of an active stream.
 *  6. Otherwise dnf leaves the package alone: `missing` when it comes from the source distribution,
 *     `third-party` when not (see classifyOrigin).
 * When the predicted transaction is given (assess.ts: the solver over facts that carry the installed
 * dependencies), it replaces rules 4–6: what dnf does to each package is read off it (transactionFate); the
 * rules here keep only what the transaction cannot say — the swap's and PES's own fates and reasons, the
 * origin that tells missing from third-party, and the modular filtering that hides a target package.
 */
import type { InstalledPackage, ModuleStreamState } from '../facts/types.js';
import type { PesEvent, PesResult } from '../catalog/index.js';
import { comparePesEvents, PesAction } from '../catalog/index.js';
import { depFromEntry, formatDep, matchesDep } from '../rpm/deps.js';
import { compareEvr } from '../rpm/evr.js';
import { formatNevra, parseNevra } from '../rpm/nevra.js';
import type { Pool } from '../rpm/pool.js';
import type { ModulesMetadata } from '../rpm/repodata/modules.js';
import type { Package } from '../rpm/types.js';
import type { Fate, FateCounts, PackageFate } from './types.js';
import { classifyOrigin, type OriginRule } from './origin.js';
import { erasureChain, type PredictedChange } from './predict.js';

export interface FateInput {
  installed: InstalledPackage[];
  /** The target's packages. */
  pool: Pool;
  /** The target's modules.yaml and the host's module states (/etc/dnf/modules.d). */
  modules?: ModulesMetadata;
  moduleStates?: ModuleStreamState[];
  /** Installed package name → target package names the vendor swap installs in its place ([]: removed). */
  vendorSwap?: ReadonlyMap<string, readonly string[]>;
  /** Leapp PES computation for a cross-major path and the events it ran on. */
  pes?: { result: PesResult; events: PesEvent[] };
  /** How to tell the source distribution's packages from third-party ones. */
  origin?: OriginRule;
  /** The host's base arch (x86_64…), for an installed noarch package moving to an arch build. */
  baseArch?: string;
  /**
   * The predicted transaction (predict.ts: the solver over the host's installed set and the target): when
   * given, it alone decides what dnf does to each package the vendor swap and PES leave (transactionFate);
   * the rules 4–5 apply only without it.
   */
  transaction?: readonly PredictedChange[];
}

const PES_REPLACING = new Set([PesAction.REPLACED, PesAction.SPLIT, PesAction.MERGED, PesAction.RENAMED, PesAction.MOVED]);

interface TargetView {
  visible: Set<Package> | undefined;
  newest: Map<string, Package>;
}

/** Per pool, per modules.yaml, per host module states: at most this many views are kept. */
const MAX_VIEWS_PER_POOL = 64;
const targetViews = new WeakMap<Pool, Map<ModulesMetadata | null, Map<string, TargetView>>>();

/**
 * What dnf can see of the target and the newest package of each name: a walk over the whole pool that depends
 * on the pool, its modules.yaml and the host's module states only, so hosts that agree on those (a fleet against
 * one pool: nearly all) share one.
 */
function targetView(pool: Pool, modules: ModulesMetadata | undefined, states: ModuleStreamState[] | undefined): TargetView {
  let byModules = targetViews.get(pool);
  if (!byModules) targetViews.set(pool, (byModules = new Map()));
  let byStates = byModules.get(modules ?? null);
  if (!byStates) byModules.set(modules ?? null, (byStates = new Map()));
  // modularFilter reads each state's name, state and stream.
  const key = JSON.stringify((states ?? []).map((x) => [x.name, x.state, x.stream ?? null]));
  let view = byStates.get(key);
  if (!view) {
    const visible = modularFilter(pool, modules, states);
    view = { visible, newest: newestByName(pool, visible) };
    if (byStates.size >= MAX_VIEWS_PER_POOL) byStates.clear();
    byStates.set(key, view);
  }
  return view;
}

export function computeFates(input: FateInput): PackageFate[] {
  const { visible, newest } = targetView(input.pool, input.modules, input.moduleStates);
  const pesBy = pesIndex(input.pes);
  const tx = input.transaction ? transactionIndex(input.transaction) : undefined;
  const out: PackageFate[] = [];
  for (const listed of input.installed) {
    if (listed.name === 'gpg-pubkey') continue;
    const base = { installed: formatNevra(listed), name: listed.name, arch: listed.arch };
    const swap = input.vendorSwap?.get(listed.name);
    if (swap?.length === 0) {
      out.push({ ...base, fate: 'missing', via: 'vendor-swap', reason: `the conversion removes ${listed.name} and installs nothing in its place` });
      continue;
    }
    if (swap) {
      const target = swap.map((n) => newestNevra(newest, n) ?? n);
      out.push({ ...base, fate: 'replaced', via: 'vendor-swap', target, reason: `the conversion swaps ${listed.name} for ${swap.join(', ')}` });
      continue;
    }
    const pes = pesBy.get(listed.name);
    if (pes) {
      const absent = pes.out.filter((n) => newestNevra(newest, n) === undefined);
      if (pes.unmapped.length > 0) {
        // Leapp installs nothing from a repository its repomap does not map (replace_pesids_with_repoids_in_packages).
        out.push({ ...base, fate: 'missing', via: 'pes',
          reason: `PES event ${pes.id} (${PesAction[pes.action].toLowerCase()}) replaces ${listed.name} with ${pes.out.join(', ')} from ${pes.unmapped.map((u) => `${u.name} (repository ${u.repository})`).join(', ')}, which the path's repomap does not map to a target repository: not installed` });
      } else if (absent.length > 0) {
        // A replacement is only a replacement if the target can install it (Leapp reports these as missing too).
        out.push({ ...base, fate: 'missing', via: 'pes',
          reason: `PES event ${pes.id} (${PesAction[pes.action].toLowerCase()}) replaces ${listed.name} with ${pes.out.join(', ')}; the target repositories do not carry ${absent.join(', ')}` });
      } else if (pes.out.length > 0) {
        const target = pes.out.map((n) => newestNevra(newest, n) ?? n);
        out.push({ ...base, fate: 'replaced', via: 'pes', target, reason: `PES event ${pes.id} (${PesAction[pes.action].toLowerCase()})` });
      } else {
        out.push({ ...base, fate: 'missing', reason: `PES event ${pes.id} removes ${listed.name} in the target` });
      }
      continue;
    }
    const { pkg, assumed } = withTargetEpoch(input.pool, visible, listed, input.baseArch);
    const epochNote = assumed ? `epoch not in the package list: taken as the target's ${assumed}` : undefined;
    if (tx) {
      out.push(transactionFate(tx, { base, pkg, epochNote, input, visible, newest }));
      continue;
    }
    const obsoleters = obsoletersOf(input.pool, visible, pkg, input.baseArch);
    if (obsoleters.length > 0) {
      out.push({ ...base, fate: 'replaced', via: 'obsoletes', target: obsoleters.map((p) => formatNevra(p)),
        reason: [`obsoleted by ${obsoleters.map((p) => p.name).join(', ')}`, epochNote].filter(Boolean).join('; ') });
      continue;
    }
    const best = bestCandidate(input.pool, visible, pkg, input.baseArch);
    if (best) {
      const c = compareEvr(best, pkg);
      const rebuild = c !== 0 && best.epoch === pkg.epoch && best.version === pkg.version && pkg.release && best.release ? distTagRebuild(pkg.release, best.release) : undefined;
      const fate: Fate = rebuild ? 'same' : c > 0 ? 'upgrade' : c < 0 ? 'downgrade' : 'same';
      const reason = [rebuild ? `rebuild (${rebuild})` : undefined,
        best.arch !== pkg.arch ? `arch ${pkg.arch} → ${best.arch}` : undefined, epochNote].filter(Boolean).join('; ');
      out.push({ ...base, fate, target: [formatNevra(best)], ...(reason ? { reason } : {}) });
      continue;
    }
    const origin = classifyOrigin(pkg, input.origin);
    out.push({ ...base, fate: origin.fromSource ? 'missing' : 'third-party', reason: origin.reason });
  }
  return out;
}

interface TransactionIndex {
  /** Installed NEVRA → the change that takes it out or replaces it (upgrade, downgrade, reinstall by `from`; obsolete, erase). */
  byInstalled: Map<string, PredictedChange>;
  /** NEVRAs the transaction puts on the host. */
  incoming: Set<string>;
  /** Name → the packages the transaction installs fresh (install-only versions beside the old). */
  installsByName: Map<string, PredictedChange[]>;
}

function transactionIndex(changes: readonly PredictedChange[]): TransactionIndex {
  const byInstalled = new Map<string, PredictedChange>();
  const incoming = new Set<string>();
  const installsByName = new Map<string, PredictedChange[]>();
  for (const c of changes) {
    if (c.action === 'obsolete' || c.action === 'erase') { byInstalled.set(c.nevra, c); continue; }
    incoming.add(c.nevra);
    if (c.from !== undefined) byInstalled.set(c.from, c);
    if (c.action === 'install') {
      const list = installsByName.get(c.name);
      if (list) list.push(c); else installsByName.set(c.name, [c]);
    }
  }
  return { byInstalled, incoming, installsByName };
}

/**
 * An installed package's fate read off the predicted transaction (the vendor swap's and PES's own fates are decided
 * before): upgraded, downgraded or reinstalled from the target → upgrade / downgrade / same (a dist-tag rebuild is
 * `same`); obsoleted → replaced by every incoming package that obsoletes it (dnf's "replacing"); erased for a
 * dependency → erased with its chain; an install-only version beside a new one (or the oldest one
 * installonly_limit retires) → upgrade to the new one; kept → same when the target carries this very build,
 * else missing or third-party by its origin (dnf leaves it alone), the reason saying why the target's package
 * of its name did not take its place (modular filtering hides it, or the solver could not install it).
 */
function transactionFate(tx: TransactionIndex, o: { base: Pick<PackageFate, 'installed' | 'name' | 'arch'>; pkg: InstalledPackage; epochNote: string | undefined; input: FateInput; visible: Set<Package> | undefined; newest: Map<string, Package> }): PackageFate {
  const { base, pkg, epochNote, input } = o;
  const join = (...xs: (string | undefined)[]): string | undefined => xs.filter(Boolean).join('; ') || undefined;
  const withReason = (f: PackageFate, reason: string | undefined): PackageFate => (reason ? { ...f, reason } : f);
  const nevra = formatNevra(pkg);
  const c = tx.byInstalled.get(nevra);
  if (c && (c.action === 'upgrade' || c.action === 'downgrade' || c.action === 'reinstall')) {
    const to = parseNevra(c.nevra);
    const rebuild = c.action !== 'reinstall' && to.epoch === pkg.epoch && to.version === pkg.version && pkg.release && to.release ? distTagRebuild(pkg.release, to.release) : undefined;
    const fate: Fate = rebuild || c.action === 'reinstall' ? 'same' : c.action;
    return withReason({ ...base, fate, target: [c.nevra] }, join(rebuild ? `rebuild (${rebuild})` : undefined, c.arch !== pkg.arch ? `arch ${pkg.arch} → ${c.arch}` : undefined, epochNote));
  }
  if (c?.action === 'obsolete') {
    const by = new Set(c.by ? [c.by] : []);
    for (const p of input.pool.whatObsoletes(pkg)) if (p.name !== pkg.name && tx.incoming.has(formatNevra(p))) by.add(formatNevra(p));
    const target = [...by].sort();
    return withReason({ ...base, fate: 'replaced', via: 'obsoletes', target }, join(`obsoleted by ${target.join(', ')}`, epochNote));
  }
  const installonly = (tx.installsByName.get(pkg.name) ?? []).filter((x) => x.arch === pkg.arch).sort((a, b) => compareEvr(parseNevra(b.nevra), parseNevra(a.nevra)))[0];
  if (c?.action === 'erase' && c.forcedBy?.kind === 'job' && c.forcedBy.job === 'installonly-limit' && installonly) {
    return { ...base, fate: 'upgrade', target: [installonly.nevra], reason: `install-only: ${installonly.nevra} is installed beside it, and ${erasureChain(c.forcedBy).join('')}` };
  }
  if (c?.action === 'erase') {
    const chain = c.forcedBy ? erasureChain(c.forcedBy) : [conflictOf(tx, input.pool, pkg) ?? 'erased by the transaction (it cannot stay beside the new packages)'];
    const root = c.forcedBy?.kind === 'dependency' ? c.forcedBy.root : undefined;
    return { ...base, fate: 'erased', ...(root ? { erasedBy: root } : {}), chain, reason: chain.join(' <- '), ...(classifyOrigin(pkg, input.origin).fromSource ? {} : { thirdParty: true }) };
  }
  if (installonly) return { ...base, fate: 'upgrade', target: [installonly.nevra], reason: `install-only: ${installonly.nevra} is installed beside it` };
  // kept as it is
  const same = input.pool.byName(pkg.name).find((p) => seen(o.visible, p) && p.arch === pkg.arch && compareEvr(p, pkg) === 0);
  if (same) return withReason({ ...base, fate: 'same', target: [formatNevra(same)] }, epochNote);
  const origin = classifyOrigin(pkg, input.origin);
  const counterpart = o.newest.get(pkg.name);
  const hidden = !counterpart && input.pool.byName(pkg.name).some((p) => p.arch !== 'src' && p.arch !== 'nosrc');
  const why = counterpart
    ? `the transaction keeps it: the target's ${formatNevra(counterpart)} is not installed in its place (it cannot be installed on this host, or its arch does not fit)`
    : hidden ? `the target's ${pkg.name} is hidden by dnf's modular filtering (its module stream is not the active one)` : undefined;
  return { ...base, fate: origin.fromSource ? 'missing' : 'third-party', reason: join(why, origin.reason) ?? origin.reason };
}

/** `conflicts with X (Conflicts: dep)`: an incoming target package whose Conflicts name the installed package, or undefined. */
function conflictOf(tx: TransactionIndex, pool: Pool, pkg: InstalledPackage): string | undefined {
  const self = { name: pkg.name, flags: 'EQ' as const, evr: { epoch: pkg.epoch, version: pkg.version, release: pkg.release } };
  for (const p of pool.packages) {
    const dep = p.conflicts.find((d) => matchesDep(self, d));
    if (dep && tx.incoming.has(formatNevra(p))) return `conflicts with ${formatNevra(p)} (Conflicts: ${formatDep(depFromEntry(dep))})`;
  }
  return undefined;
}

/** A distribution's dist tag in a release: el8, el8_4, oc8, ocs23, tl3, an8, oe2203, module_el8… (the family letters and number). */
const DIST_TAG = /(?<=^|\.)(?:module[_+])?(el|ocs?|tl|an|oe)(\d+)/g;

/**
 * `el8 → oc8` when two releases differ only by their dist tag and the tags are of different distributions
 * (el7 → el8 is another major's build, not a rebuild); undefined otherwise. Versions are compared by the caller.
 */
export function distTagRebuild(from: string, to: string): string | undefined {
  const tags = (r: string) => [...r.matchAll(DIST_TAG)].map((m) => ({ family: m[1], text: m[0] }));
  const a = tags(from);
  const b = tags(to);
  if (a.length === 0 || a.length !== b.length || from.replace(DIST_TAG, '\0') !== to.replace(DIST_TAG, '\0')) return undefined;
  if (a.every((x, i) => x.family === b[i].family)) return undefined;
  return `.${a.map((x) => x.text).join('.')} → .${b.map((x) => x.text).join('.')}`;
}

/**
 * Packages that stay installed from the old distribution with no counterpart: fate missing, except what the
 * vendor swap removes on purpose (it does not stay). The one count of "missing" for checks, ranking and the fleet.
 */
export function leftBehind(fates: readonly PackageFate[]): PackageFate[] {
  return fates.filter((f) => (f.fate === 'missing' && f.via !== 'vendor-swap') || f.fate === 'erased');
}

/**
 * What a target leaves behind: leftBehind of its fates; a route's over every hop, a package once (one a hop
 * leaves behind stays installed, and is left behind again, on the next).
 */
export function leftBehindOf(t: { fates: readonly PackageFate[]; hops?: readonly { fates: readonly PackageFate[] }[] }): PackageFate[] {
  if (!t.hops?.length) return leftBehind(t.fates);
  const seen = new Set<string>();
  return t.hops.flatMap((h) => leftBehind(h.fates)).filter((f) => (seen.has(f.installed) ? false : (seen.add(f.installed), true)));
}

export function countFates(fates: readonly PackageFate[]): FateCounts {
  const counts: FateCounts = { same: 0, upgrade: 0, downgrade: 0, replaced: 0, missing: 0, 'third-party': 0, erased: 0 };
  for (const f of fates) counts[f.fate]++;
  return counts;
}

/**
 * dnf's modular filtering: the set of target packages dnf can see, or undefined when every package is.
 * Active stream per module: the host's enabled stream; none when the host disabled the module; else the
 * default stream from modulemd-defaults.
 */
export function modularFilter(pool: Pool, modules: ModulesMetadata | undefined, states: ModuleStreamState[] = []): Set<Package> | undefined {
  if (!modules || modules.streams.length === 0) return undefined;
  const state = new Map(states.map((s) => [s.name, s]));
  const defaults = new Map(modules.defaults.map((d) => [d.module, d.stream]));
  const active = new Set<string>();
  const all = new Set<string>();
  const activeNames = new Set<string>();
  for (const s of modules.streams) {
    const st = state.get(s.name);
    const stream = st?.state === 'enabled' ? st.stream : st?.state === 'disabled' ? undefined : defaults.get(s.name);
    for (const a of s.artifacts) {
      all.add(a);
      if (stream !== undefined && s.stream === stream) {
        active.add(a);
        activeNames.add(a.replace(/-[^-]+-[^-]+$/, ''));
      }
    }
  }
  const visible = new Set<Package>();
  for (const p of pool.packages) {
    const nevra = formatNevra(p, { alwaysEpoch: true });
    if (all.has(nevra) ? active.has(nevra) : !activeNames.has(p.name)) visible.add(p);
  }
  return visible;
}

const seen = (visible: Set<Package> | undefined, p: Package): boolean => p.arch !== 'src' && p.arch !== 'nosrc' && (!visible || visible.has(p));

function newestByName(pool: Pool, visible: Set<Package> | undefined): Map<string, Package> {
  const best = new Map<string, Package>();
  for (const p of pool.packages) {
    if (!seen(visible, p)) continue;
    const cur = best.get(p.name);
    if (!cur || compareEvr(p, cur) > 0) best.set(p.name, p);
  }
  return best;
}

function newestNevra(newest: Map<string, Package>, name: string): string | undefined {
  const p = newest.get(name);
  return p ? formatNevra(p) : undefined;
}

function obsoletersOf(pool: Pool, visible: Set<Package> | undefined, pkg: InstalledPackage, baseArch?: string): Package[] {
  // dnf installs an obsoleter of a compatible arch only: gdbm.x86_64 becomes gdbm-libs.x86_64, not also .i686
  const found = pool.whatObsoletes(pkg).filter((p) => p.name !== pkg.name && seen(visible, p) && archCompatible(pkg, p, baseArch));
  // one per name.arch, the newest: dnf installs the best version of the obsoleting package
  const byNa = new Map<string, Package>();
  for (const p of found) {
    const k = `${p.name}.${p.arch}`;
    const cur = byNa.get(k);
    if (!cur || compareEvr(p, cur) > 0) byNa.set(k, p);
  }
  return [...byNa.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** dnf's arch switch rule: an arch package may become noarch and back; never another arch. */
function archCompatible(pkg: InstalledPackage, p: Package, baseArch?: string): boolean {
  return pkg.arch === 'noarch' ? p.arch === 'noarch' || p.arch === (baseArch ?? p.arch) : p.arch === pkg.arch || p.arch === 'noarch';
}

function bestCandidate(pool: Pool, visible: Set<Package> | undefined, pkg: InstalledPackage, baseArch?: string): Package | undefined {
  const compatible = (p: Package): boolean => archCompatible(pkg, p, baseArch);
  let best: Package | undefined;
  for (const p of pool.byName(pkg.name)) {
    if (!seen(visible, p) || !compatible(p)) continue;
    if (!best) { best = p; continue; }
    const c = compareEvr(p, best);
    if (c > 0 || (c === 0 && p.arch === pkg.arch && best.arch !== pkg.arch)) best = p;
  }
  return best;
}

/**
 * A package whose epoch the source did not give (a plain `rpm -qa` list) takes the epoch of the target's
 * package of the same name: source and target rebuild the same source package, and a rebuild keeps its
 * Epoch tag, so comparing with a placeholder 0 would turn every package with a real epoch into an upgrade
 * (or a downgrade through Obsoletes ranges). The target package with the same version-release gives it
 * when there is one, else the newest (an epoch is bumped only to order a version below an older one, so
 * the newest carries the epoch the distribution uses now). `assumed` names the epoch when it is not 0.
 */
function withTargetEpoch(pool: Pool, visible: Set<Package> | undefined, pkg: InstalledPackage, baseArch?: string): { pkg: InstalledPackage; assumed?: string } {
  if (!pkg.epochUnknown) return { pkg };
  const same = pool.byName(pkg.name).filter((p) => seen(visible, p) && archCompatible(pkg, p, baseArch));
  const byVr = same.find((p) => p.version === pkg.version && p.release === pkg.release);
  const from = byVr ?? same.reduce<Package | undefined>((a, p) => (!a || compareEvr(p, a) > 0 ? p : a), undefined);
  if (!from) return { pkg };
  return { pkg: { ...pkg, epoch: from.epoch }, ...(from.epoch !== 0 ? { assumed: `epoch ${from.epoch} (${formatNevra(from)})` } : {}) };
}

/**
 * The installed packages as the solver must see them: a package whose epoch the list did not give takes the
 * target's (withTargetEpoch, the rule the fates compare with), so the transaction and the fates name the same NEVRAs.
 */
export function withAssumedEpochs(input: Pick<FateInput, 'installed' | 'pool' | 'modules' | 'moduleStates' | 'baseArch'>): InstalledPackage[] {
  const { visible } = targetView(input.pool, input.modules, input.moduleStates);
  return input.installed.map((p) => withTargetEpoch(input.pool, visible, p, input.baseArch).pkg);
}

interface PesFate { id: number; action: PesAction; out: string[]; unmapped: { name: string; repository: string }[] }

function pesIndex(pes: FateInput['pes']): Map<string, PesFate> {
  const out = new Map<string, PesFate>();
  if (!pes) return out;
  const removed = new Set(pes.result.toRemove);
  const applied = new Set(pes.result.applied);
  const unmapped = new Map(pes.result.unmapped.map((u) => [u.name, u]));
  const unmappedOf = (names: string[]) => names.flatMap((n) => { const u = unmapped.get(n); return u ? [u] : []; });
  // The order computeTargetPackages applies them in (one rule, comparePesEvents): the first applied event naming a package decides its fate.
  for (const e of [...pes.events].sort(comparePesEvents)) {
    if (!applied.has(e.id)) continue;
    for (const p of e.inPkgs) {
      if (!removed.has(p.name) || out.has(p.name)) continue;
      if (e.action === PesAction.REMOVED) out.set(p.name, { id: e.id, action: e.action, out: [], unmapped: [] });
      else if (PES_REPLACING.has(e.action)) {
        const names = [...new Set(e.outPkgs.map((o) => o.name))];
        out.set(p.name, { id: e.id, action: e.action, out: names, unmapped: unmappedOf(names) });
      }
    }
  }
  return out;
}

/**
 * What PES adds to a cross-major target transaction (the plan's, src/plan/recipes/cross-major-pes.ts), by the
 * rule the fates above apply, so the plan does what the assessment predicted: an installed package an applied
 * event removes is removed; one it replaces is removed and its replacements installed, when the target carries
 * every one of them (else it stays, its fate `missing`, and none of its replacements is installed); every other
 * package the events put on the target (a split's new parts, as kernel → kernel-core, kernel-modules) is
 * installed when the target carries it. Packages the vendor swap handles (`swapped`) are the swap's. `unavailable`:
 * what the events want installed and the target repositories do not carry (Leapp reports these too); `unmapped`:
 * what they want installed from a repository the path's repomap does not map (Leapp reports and skips these; the
 * package they replace stays, as for `unavailable`).
 */
export function pesTransaction(input: { pes: NonNullable<FateInput['pes']>; installed: readonly string[]; available: ReadonlySet<string>; swapped?: ReadonlySet<string> }): { remove: string[]; install: string[]; unavailable: string[]; unmapped: string[] } {
  const pesBy = pesIndex(input.pes);
  const remove = new Set<string>();
  const install = new Set<string>();
  const withheld = new Set<string>();
  // Replacements of what the swap handles are the swap's to install (or not).
  const swapOwned = new Set<string>();
  for (const name of new Set(input.installed)) {
    const pes = pesBy.get(name);
    if (!pes || name === 'gpg-pubkey') continue;
    if (input.swapped?.has(name)) {
      for (const n of pes.out) swapOwned.add(n);
      continue;
    }
    if (pes.unmapped.length > 0 || pes.out.some((n) => !input.available.has(n))) {
      for (const n of pes.out) withheld.add(n);
      continue;
    }
    remove.add(name);
    for (const n of pes.out) install.add(n);
  }
  const installed = new Set(input.installed);
  for (const n of input.pes.result.toInstall) {
    if (!installed.has(n) && !withheld.has(n) && !swapOwned.has(n) && input.available.has(n)) install.add(n);
  }
  const unavailable = [...new Set([...input.pes.result.toInstall, ...withheld])].filter((n) => !input.available.has(n) && !installed.has(n) && !swapOwned.has(n));
  const unmapped = [...new Set(input.pes.result.unmapped.map((u) => `${u.name} (repository ${u.repository})`))].sort();
  return { remove: [...remove].sort(), install: [...install].filter((n) => !installed.has(n)).sort(), unavailable: unavailable.sort(), unmapped };
}

/**
 * A cross-major upgrade's target transaction before distro-sync: the vendor swap's and PES's removals and
 * installs (pesTransaction), sorted and without repeats; `pesRemoved`, the removals PES events make (the
 * others are the swap's). The one answer for the plan's upgrade step and the assessment's predicted erasures.
 */
export function crossMajorTransaction(input: { installed: readonly string[]; swap: { remove: readonly string[]; install: readonly string[] }; pes?: NonNullable<FateInput['pes']>; available: ReadonlySet<string> }): { remove: string[]; install: string[]; unavailable: string[]; unmapped: string[]; pesRemoved: string[] } {
  const pes = input.pes ? pesTransaction({ pes: input.pes, installed: input.installed, available: input.available, swapped: new Set(input.swap.remove) }) : { remove: [], install: [], unavailable: [], unmapped: [] };
  const sorted = (xs: readonly string[]): string[] => [...new Set(xs)].sort();
  const swapped = new Set(input.swap.remove);
  return { remove: sorted([...input.swap.remove, ...pes.remove]), install: sorted([...input.swap.install, ...pes.install]), unavailable: pes.unavailable, unmapped: pes.unmapped, pesRemoved: pes.remove.filter((n) => !swapped.has(n)) };
}
