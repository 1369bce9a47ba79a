/**
 * libsolv's candidate policy (src/policy.c, src/poolarch.c): which of several packages that could satisfy a rule
 * is tried first. Ported function by function so that ties fall as libsolv lets them fall: repo priority, arch
 * score, best version per name (sorted by name, installed first), prune to recommended, dislike old versions,
 * the common versioned provide, installed names to the front, suggested/enhancing packages to the front.
 */
import { rpmvercmp } from '../rpm/evr.js';
import { compareDebEvr, evrOrder, noarchOf } from './disttype.js';
import { formatDep } from '../rpm/deps.js';
import type { Dep, Evr } from '../rpm/types.js';
import type { Solvable, SolverPool } from './types.js';

// poolarch.c's archpolicies (the non-Fedora build, as Debian ships libsolv): each ':' starts a new colour class.
const ARCH_POLICIES: Readonly<Record<string, string>> = {
  x86_64_v4: 'x86_64_v4:x86_64_v3:x86_64_v2:x86_64:i686:i586:i486:i386',
  x86_64_v3: 'x86_64_v3:x86_64_v2:x86_64:i686:i586:i486:i386',
  x86_64_v2: 'x86_64_v2:x86_64:i686:i586:i486:i386',
  x86_64: 'x86_64:i686:i586:i486:i386',
  i686: 'i686:i586:i486:i386',
  i586: 'i586:i486:i386',
  i486: 'i486:i386',
  s390x: 's390x:s390',
  ppc64: 'ppc64:ppc',
  ppc64p7: 'ppc64p7:ppc64:ppc',
  ia64: 'ia64:i686:i586:i486:i386',
};

/** pool_arch2score: 0 not installable, 1 noarch, lower is better; the high 16 bits are the colour class. */
export function archScores(systemArch: string, noarch = 'noarch'): (arch: string) => number {
  // no system arch (testcase `system unset`, or none): libsolv has no id2arch and filters no arch but src/nosrc,
  // as if every package were noarch
  if (systemArch === 'unset' || systemArch === '-') return (arch) => (arch === 'src' || arch === 'nosrc' ? 0 : 1);
  const scores = new Map<string, number>([[noarch, 1]]);
  let score = 0x10001;
  const policy = ARCH_POLICIES[systemArch] ?? systemArch;
  let sep = '';
  for (const m of policy.matchAll(/([^:=>]+)([:=>]?)/g)) {
    if (!scores.has(m[1])) {
      if (sep === ':') score += 0x10000;
      else if (sep === '>') score += 1;
      scores.set(m[1], score);
    }
    sep = m[2];
  }
  return (arch) => scores.get(arch) ?? 0;
}

/** What the policy reads from the solver's current state. */
export interface PolicyContext {
  readonly pool: SolverPool;
  readonly archScore: (arch: string) => number;
  isInstalled(id: number): boolean;
  /** Provided by a recommends (resp. suggests) of a package decided installed. */
  recommended(id: number): boolean;
  suggested(id: number): boolean;
  supplementing(id: number): boolean;
  enhancing(id: number): boolean;
  /** libsolv's favormap: > 0 favored (later favor jobs higher), < 0 disfavored, 0 neither; absent without such jobs. */
  favor?(id: number): number;
  /** Whether installed package `id` is involved in a distupgrade (dupinvolvedmap). */
  dupInvolved?(id: number): boolean;
  /** POOL_FLAG_IMPLICITOBSOLETEUSESCOLORS: update candidates must match the installed package's arch colour. */
  readonly implicitObsoleteUsesColors?: boolean;
  /** A repository package taken out of the pool (pool->considered): no update candidate, no obsoleter. */
  disabled?(id: number): boolean;
  /** SOLVER_FLAG_ALLOW_VENDORCHANGE (libsolv's default: off; dnf: on): an update may change the vendor. */
  readonly allowVendorChange?: boolean;
}

/**
 * policy_illegal_vendorchange without vendor classes (testsolv defines none): any other vendor, a missing one
 * counting as empty, is a change.
 */
export function vendorChanges(a: Solvable, b: Solvable): boolean {
  return (a.vendor ?? '') !== (b.vendor ?? '');
}

export type PolicyMode = 'choose' | 'choose-noreorder' | 'recommend' | 'supplement' | 'suggest';

/** policy_filter_unwanted: prunes and reorders `list` in place and returns it. */
export function filterUnwanted(ctx: PolicyContext, list: number[], mode: PolicyMode, inFavorGroup = false): number[] {
  if (mode === 'supplement') {
    dislikeOldVersions(ctx, list);
    sortByCommonDep(ctx, list);
    preferSuggested(ctx, list);
    preferFavored(ctx, list);
    return list;
  }
  const favor = ctx.favor;
  if (!inFavorGroup && favor && list.length > 1 && list.some((p) => favor(p) !== favor(list[0]))) {
    // policy_filter_unwanted_favored: per favor group, most favored first, each filtered with the groups before it
    const sorted = [...list].sort((a, b) => favor(b) - favor(a));
    const out: number[] = [];
    for (let i = 0, j; i < sorted.length; i = j) {
      const f = favor(sorted[i]);
      for (j = i + 1; j < sorted.length && favor(sorted[j]) === f; j++);
      for (const p of filterUnwanted(ctx, sorted.slice(0, j), mode, true)) if (favor(p) === f) out.push(p);
    }
    list.splice(0, list.length, ...out);
    return list;
  }
  if (list.length > 1) { if (mode === 'suggest') pruneToHighestPrioPerName(ctx, list); else pruneToHighestPrio(ctx, list); }
  if (list.length > 1) pruneToBestArch(ctx, list);
  if (list.length > 1) pruneToBestVersion(ctx, list);
  if (list.length > 1 && (mode === 'choose' || mode === 'choose-noreorder')) {
    pruneToRecommended(ctx, list);
    if (list.length > 1 && mode === 'choose') {
      dislikeOldVersions(ctx, list);
      sortByCommonDep(ctx, list);
      moveInstalledToFront(ctx, list);
      preferSuggested(ctx, list);
      preferFavored(ctx, list);
    }
  }
  return list;
}

function keep(list: number[], pred: (id: number) => boolean): void {
  let j = 0;
  for (const id of list) if (pred(id)) list[j++] = id;
  list.length = j;
}

function moveToBack(list: number[], bad: (id: number) => boolean): void {
  const good = list.filter((id) => !bad(id));
  const rest = list.filter(bad);
  list.splice(0, list.length, ...good, ...rest);
}

function pruneToHighestPrio(ctx: PolicyContext, list: number[]): void {
  let best: number | undefined;
  for (const id of list) {
    if (ctx.isInstalled(id)) continue;
    const prio = ctx.pool.repos[ctx.pool.solvable(id).repo].priority;
    if (best === undefined || prio > best) best = prio;
  }
  if (best === undefined) return;
  keep(list, (id) => ctx.isInstalled(id) || ctx.pool.repos[ctx.pool.solvable(id).repo].priority === best);
  if (list.length > 1 && ctx.pool.installedRepo !== undefined && ctx.dupInvolved) pruneInstalledDupPackages(ctx, list, best);
}

/**
 * solver_prune_installed_dup_packages: an installed package a distupgrade involves stays a candidate only when it
 * is identical to a repository package of at least the best priority (a higher one becomes the best).
 */
function pruneInstalledDupPackages(ctx: PolicyContext, list: number[], bestprio: number): void {
  const out: number[] = [];
  const prio = (id: number): number => ctx.pool.repos[ctx.pool.solvable(id).repo].priority;
  for (const p of list) {
    if (!ctx.isInstalled(p)) { if (prio(p) >= bestprio) out.push(p); continue; }
    if (!ctx.dupInvolved?.(p)) { out.push(p); continue; }
    const s = ctx.pool.solvable(p);
    let keepit = false;
    for (const q of ctx.pool.named(s.name)) {
      if (ctx.isInstalled(q) || prio(q) < bestprio || !identical(s, ctx.pool.solvable(q))) continue;
      keepit = true;
      if (prio(q) > bestprio) { bestprio = prio(q); out.length = 0; }
    }
    if (keepit) out.push(p);
  }
  if (out.length) list.splice(0, list.length, ...out);
}

/** solver_prune_to_highest_prio_per_name: sorted as prune_to_best_version sorts; groups of more than two pruned. */
function pruneToHighestPrioPerName(ctx: PolicyContext, list: number[]): void {
  list.sort((a, b) => versionSortCmp(ctx, a, b));
  const out: number[] = [];
  let group: number[] = [];
  const flush = (): void => { if (group.length > 2) pruneToHighestPrio(ctx, group); out.push(...group); group = []; };
  for (const p of list) {
    if (group.length && ctx.pool.solvable(group[0]).name !== ctx.pool.solvable(p).name) flush();
    group.push(p);
  }
  flush();
  list.splice(0, list.length, ...out);
}

function pruneToBestArch(ctx: PolicyContext, list: number[]): void {
  let best = 0;
  for (const id of list) {
    const a = ctx.archScore(ctx.pool.solvable(id).arch);
    if (a && a !== 1 && (!best || a < best)) best = a;
  }
  if (!best) return;
  const before = list.length;
  const kept = list.filter((id) => {
    const a = ctx.archScore(ctx.pool.solvable(id).arch);
    return a !== 0 && (a === 1 || ((a ^ best) & 0xffff0000) === 0);
  });
  if (kept.length) list.splice(0, before, ...kept);
}

function strcmp(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }

/** prune_to_best_version_sortcmp */
function versionSortCmp(ctx: PolicyContext, a: number, b: number): number {
  const sa = ctx.pool.solvable(a);
  const sb = ctx.pool.solvable(b);
  if (sa.name !== sb.name) return strcmp(sa.name, sb.name);
  if (sa.arch !== sb.arch) {
    const aa = ctx.archScore(sa.arch);
    const ab = ctx.archScore(sb.arch);
    if (aa !== ab && aa > 1 && ab > 1) return aa < ab ? -1 : 1;
  }
  const ia = ctx.isInstalled(a);
  const ib = ctx.isInstalled(b);
  if (ia !== ib) return ia ? -1 : 1;
  const r = ctx.pool.repos[sb.repo].subpriority - ctx.pool.repos[sa.repo].subpriority;
  if (r) return r;
  return a - b;
}

/** prune_to_best_version: one package per name, the highest evr, then prune_obsoleted. */
export function pruneToBestVersion(ctx: PolicyContext, list: number[]): void {
  if (list.length < 2) return;
  list.sort((a, b) => versionSortCmp(ctx, a, b));
  const out: number[] = [];
  let best = -1;
  for (const id of list) {
    if (best < 0) { best = id; continue; }
    const bs = ctx.pool.solvable(best);
    const s = ctx.pool.solvable(id);
    if (bs.name !== s.name) { out.push(best); best = id; continue; }
    if (evrOrder(ctx.pool)(bs.evr, s.evr) < 0) best = id;
  }
  out.push(best);
  list.splice(0, list.length, ...out);
  if (list.length > 1) pruneObsoleted(ctx, list);
}

/** pool_match_nevr for a simple obsoletes: the name and the package's own evr. */
export function obsoleteMatches(s: Solvable, obs: Dep): boolean {
  if (s.name !== obs.name) return false;
  if (obs.flags === undefined || obs.evr === undefined) return true;
  return evrMatches(s.evr, obs.flags, obs.evr);
}

function evrMatches(evr: Evr, flags: NonNullable<Dep['flags']>, want: Evr): boolean {
  let r: number = evr.epoch === want.epoch ? 0 : evr.epoch < want.epoch ? -1 : 1;
  if (r === 0) r = rpmvercmp(evr.version, want.version);
  if (r === 0 && want.release !== undefined && want.release !== '' && evr.release !== undefined) r = rpmvercmp(evr.release, want.release);
  switch (flags) {
    case 'EQ': return r === 0;
    case 'LT': return r < 0;
    case 'LE': return r <= 0;
    case 'GT': return r > 0;
    case 'GE': return r >= 0;
  }
}

function obsoletesOther(ctx: PolicyContext, p: number, q: number): boolean {
  const s = ctx.pool.solvable(p);
  const o = ctx.pool.solvable(q);
  if (o.name === s.name) return false;
  return s.obsoletes.some((obs) => obsoleteMatches(o, obs));
}

/**
 * prune_obsoleted: drops candidates another candidate obsoletes. libsolv keeps one strongly connected group of
 * mutual obsoleters (Tarjan); here a candidate survives when nothing it does not obsolete back obsoletes it.
 */
function pruneObsoleted(ctx: PolicyContext, list: number[]): void {
  // only candidates with Obsoletes: can prune: O(candidates × obsoleters), not quadratic in a long provider list
  const obsoleters = list.filter((q) => ctx.pool.solvable(q).obsoletes.length > 0);
  if (obsoleters.length === 0) return;
  keep(list, (p) => !obsoleters.some((q) => q !== p && obsoletesOther(ctx, q, p) && !obsoletesOther(ctx, p, q)));
}

function pruneToRecommended(ctx: PolicyContext, list: number[]): void {
  const ninstTotal = list.filter((id) => ctx.isInstalled(id)).length;
  if (list.length - ninstTotal < 2) return;
  const out: number[] = [];
  let ninst = 0;
  for (const p of list) {
    if (ctx.isInstalled(p)) {
      ninst++;
      if (out.length) out.push(p);
      continue;
    }
    if (!ctx.recommended(p) && !ctx.supplementing(p)) continue;
    if (!out.length && ninst) for (const q of list) { if (out.length >= ninst) break; if (ctx.isInstalled(q)) out.push(q); }
    out.push(p);
  }
  if (out.length) list.splice(0, list.length, ...out);
}

function dislikeOldVersions(ctx: PolicyContext, list: number[]): void {
  const pool = ctx.pool;
  moveToBack(list, (p) => {
    if (ctx.isInstalled(p)) return false;
    const s = pool.solvable(p);
    const prio = pool.repos[s.repo].priority;
    for (const q of pool.named(s.name)) {
      if (q === p) continue;
      const qs = pool.solvable(q);
      if (qs.arch !== s.arch) continue;
      const qprio = pool.repos[qs.repo].priority;
      if (prio !== qprio) { if (prio > qprio) continue; return true; }
      if (evrOrder(ctx.pool)(qs.evr, s.evr) > 0) return true;
    }
    return false;
  });
}

/** pool_evrcmp with EVRCMP_MATCH_RELEASE: a missing release on either side is not compared. */
function evrCmpMatchRelease(a: Evr, b: Evr): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  const r = rpmvercmp(a.version, b.version);
  if (r || a.release === undefined || b.release === undefined || a.release === '' || b.release === '') return r;
  return rpmvercmp(a.release, b.release);
}

/** sort_by_common_dep: candidates providing a lower version of a versioned provide another candidate has go back. */
function sortByCommonDep(ctx: PolicyContext, list: number[]): void {
  type Ent = { i: number; name: string; evr: Evr; lt: boolean };
  const ents: Ent[] = [];
  list.forEach((p, i) => {
    for (const d of ctx.pool.solvable(p).provides) {
      if (!d.evr || (d.flags !== 'EQ' && d.flags !== 'LE' && d.flags !== 'LT')) continue;
      if (d.flags === 'EQ') {
        const text = `${d.evr.epoch ? `${d.evr.epoch}:` : ''}${d.evr.version}${d.evr.release !== undefined ? `-${d.evr.release}` : ''}`;
        if (text.length >= 4 && /^[0-9a-f]*$/.test(text)) continue; // hashes are ignored
      }
      ents.push({ i, name: d.name, evr: d.evr, lt: d.flags === 'LT' });
    }
  });
  if (ents.length < 2) return;
  const cmp = (a: Ent, b: Ent): number => {
    if (a.name !== b.name) return a.name < b.name ? -1 : 1;
    // Debian's pool compares whole (EVRCMP_COMPARE)
    const r = ctx.pool.disttype === 'deb' ? compareDebEvr(b.evr, a.evr) : evrCmpMatchRelease(b.evr, a.evr);
    if (!r && (a.lt || b.lt) && a.lt !== b.lt) return a.lt ? 1 : -1;
    return r;
  };
  ents.sort(cmp);
  const badness = new Array<number>(list.length).fill(0);
  let havebad = false;
  let bad = 0;
  for (let k = 0; k < ents.length; k++) {
    const e = ents[k];
    if (k > 0 && ents[k - 1].name === e.name) {
      if (ents[k - 1].i !== e.i && cmp(ents[k - 1], e) === -1) { bad++; havebad = true; }
    } else bad = 0;
    badness[e.i] += bad;
  }
  if (!havebad) return;
  list.forEach((p, i) => { if (ctx.isInstalled(p)) badness[i] = 0; });
  const order = list.map((p, i) => ({ p, b: badness[i] }));
  // a stable insertion sort, as libsolv does
  for (let i = 1; i < order.length; i++) {
    for (let j = i; j > 0 && order[j - 1].b > order[j].b; j--) [order[j - 1], order[j]] = [order[j], order[j - 1]];
  }
  list.splice(0, list.length, ...order.map((o) => o.p));
}

function moveInstalledToFront(ctx: PolicyContext, list: number[]): void {
  const pool = ctx.pool;
  const front = (p: number): boolean => ctx.isInstalled(p) || pool.named(pool.solvable(p).name).some((q) => ctx.isInstalled(q));
  const good = list.filter(front);
  const rest = list.filter((p) => !front(p));
  list.splice(0, list.length, ...good, ...rest);
}

/** policy_prefer_favored: favored packages to the front, disfavored to the back (a stable sort). */
/** policy_prefer_favored: the more favored first (a stable sort). */
export function preferFavored(ctx: PolicyContext, list: number[]): void {
  const favor = ctx.favor;
  if (favor && list.length > 1) list.sort((a, b) => favor(b) - favor(a));
}

function preferSuggested(ctx: PolicyContext, list: number[]): void {
  moveToBack(list, (p) => !(ctx.isInstalled(p) || ctx.suggested(p) || ctx.enhancing(p)));
}

/**
 * policy_findupdatepackages: the packages that may replace installed solvable `id`: same name (not older unless
 * allowAll) and an allowed arch change, or a package that obsoletes it.
 */
export function findUpdatePackages(ctx: PolicyContext, id: number, allowAll: boolean): number[] {
  const pool = ctx.pool;
  const s = pool.solvable(id);
  const out: number[] = [];
  const otherColour = (ps: Solvable): boolean => {
    if (s.arch === ps.arch || s.arch === noarchOf(pool) || ps.arch === noarchOf(pool)) return false;
    return ((ctx.archScore(s.arch) ^ ctx.archScore(ps.arch)) & 0xffff0000) !== 0;
  };
  const illegalArch = (ps: Solvable): boolean => !allowAll && (otherColour(ps) || (!ctx.allowVendorChange && vendorChanges(s, ps)));
  // implicitobsoleteusescolors limits the candidates of every kind to the installed package's colour
  const colourless = (ps: Solvable): boolean => ctx.implicitObsoleteUsesColors === true && otherColour(ps);
  let haveprovobs = false;
  for (const p of pool.whatprovides({ type: 'simple', name: s.name })) {
    if (p === id || ctx.disabled?.(p)) continue;
    const ps = pool.solvable(p);
    if (colourless(ps)) continue;
    if (ps.name === s.name) {
      if (!allowAll && evrOrder(pool)(s.evr, ps.evr) > 0) continue;
    } else if (!allowAll) {
      // allownamechange is on by default
      if (!ps.obsoletes.some((o) => obsoleteMatches(s, o))) continue;
      haveprovobs = true;
    } else {
      if (!ps.obsoletes.some((o) => obsoleteMatches(s, o))) continue;
      haveprovobs = true;
    }
    if (illegalArch(ps)) continue;
    out.push(p);
  }
  if (haveprovobs) return out;
  for (const p of obsoletersOf(ctx, id)) {
    if (illegalArch(pool.solvable(p)) || colourless(pool.solvable(p))) continue;
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

/**
 * policy_create_obsolete_index: the installable packages (installed ones too) of another name whose obsoletes
 * match installed solvable `id`. The index is built once per context, over the packages that have Obsoletes:.
 */
export function obsoletersOf(ctx: PolicyContext, id: number): readonly number[] {
  let index = OBSOLETE_INDEX.get(ctx);
  if (!index) {
    index = new Map();
    const pool = ctx.pool;
    for (let p = 0; p < pool.count; p++) {
      const ps = pool.solvable(p);
      if (ps.obsoletes.length === 0) continue;
      if ((ctx.archScore(ps.arch) === 0 || ctx.disabled?.(p)) && !ctx.isInstalled(p)) continue;
      for (const o of ps.obsoletes) {
        // only installed providers count: most Obsoletes: name nothing installed, and then need no versioned lookup
        if (o.flags !== undefined && !pool.whatprovides({ type: 'simple', name: o.name }).some((q) => ctx.isInstalled(q))) continue;
        for (const q of pool.whatprovides({ type: 'simple', name: o.name, flags: o.flags, evr: o.evr })) {
          if (!ctx.isInstalled(q) || pool.solvable(q).name === ps.name || !obsoleteMatches(pool.solvable(q), o)) continue;
          const list = index.get(q);
          if (!list) index.set(q, [p]); else if (list.at(-1) !== p) list.push(p);
        }
      }
    }
    OBSOLETE_INDEX.set(ctx, index);
  }
  return index.get(id) ?? [];
}

const OBSOLETE_INDEX = new WeakMap<PolicyContext, Map<number, number[]>>();

/** The same name, arch and EVR as libsolv compares their ids: an equal EVR spelt differently (1.0 and 1.00) differs. */
export function sameNevra(a: Solvable, b: Solvable): boolean {
  return a.name === b.name && a.arch === b.arch && a.evr.epoch === b.evr.epoch && a.evr.version === b.evr.version && (a.evr.release ?? '') === (b.evr.release ?? '');
}

/**
 * solvable_identical (libsolv 0.7.23 src/solvable.c): the same NEVRA and vendor (a missing one is the empty
 * string); then the same build time when both have one, else the same requires (libsolv XORs the ids of a
 * package's requires, which repo_addid_dep keeps unique: the same set). The one answer to "is this the same
 * build" for the solver (distupgrade's keepable packages, reinstall vs change) and the prediction.
 */
export function identical(a: Solvable, b: Solvable): boolean {
  if (!sameNevra(a, b) || (a.vendor ?? '') !== (b.vendor ?? '')) return false;
  if (a.buildTime && b.buildTime) return a.buildTime === b.buildTime;
  // the same dependency objects in the same order (a pool shares one object per text) are the same set
  if (a.requires.length === b.requires.length && a.requires.every((d, k) => d === b.requires[k])) return true;
  return requiresKey(a) === requiresKey(b);
}

const REQUIRES_KEYS = new WeakMap<Solvable, string>();

/** A solvable's set of requires as one string, memoised: identical() compares them again and again. */
function requiresKey(s: Solvable): string {
  let key = REQUIRES_KEYS.get(s);
  if (key === undefined) { key = [...new Set(s.requires.map(formatDep))].sort().join('\n'); REQUIRES_KEYS.set(s, key); }
  return key;
}
