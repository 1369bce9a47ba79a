/**
 * libsolv's selections (src/selection.c, 0.7.23), as testcase `job CMD selection… ` lines make them: a name, a
 * provide, a file or a canonical name-version(-release)(.arch) turned into jobs (`name A . i686 [setarch]`,
 * `oneof P1 P2`, `pkg P [noautoset]`), with the ".arch" and " <op> evr" suffixes, globs, case-folding, flattening
 * and the extra packages (sources, disabled, bad arch); selection_make_matchdeps / _matchdepid / _matchsolvable
 * over a dependency key, and the filter mode (selection_filter of the jobs before). Modelled flags: name,
 * provides, filelist, canon, dotarch, rel, glob, nocase, flat, sourceonly, withsource, withdisabled, withbadarch,
 * depstr, filter; installedonly, skipkind, add and subtract are returned as not modelled. */
import { globToRegExp } from '../core/glob.js';
import { rpmvercmp } from '../rpm/evr.js';
import type { Dep, Evr } from '../rpm/types.js';
import { archScores } from './policy.js';
import { formatEvr } from '../rpm/evr.js';
import { parseDepId, treeToId, type DepId, type DepRel } from './testdep.js';
import { formatSolvable } from './testcase.js';
import type { SolverPool } from './types.js';

/** A job's selection (SOLVER_SELECTMASK): what libsolv's job queue holds after its command bits. */
export type Select =
  | { readonly kind: 'pkg'; readonly id: number }
  | { readonly kind: 'oneof'; readonly ids: readonly number[] }
  | { readonly kind: 'name' | 'provides'; readonly dep: DepId }
  | { readonly kind: 'all' }
  | { readonly kind: 'repo'; readonly repo: number };

/** The SOLVER_SET* bits a selection adds to its jobs (noautoset: the package was picked, not its name). */
export type SetFlag = 'setev' | 'setevr' | 'setarch' | 'noautoset';

export interface SelectionJob { readonly select: Select; readonly set: readonly SetFlag[] }

/** selflags2str (ext/testcase.c), the flags this module models. */
const MODELLED = new Set(['name', 'provides', 'filelist', 'canon', 'dotarch', 'rel', 'glob', 'flat', 'nocase', 'sourceonly', 'withsource', 'withdisabled', 'withbadarch', 'depstr', 'filter']);
const KNOWN = new Set([...MODELLED, 'installedonly', 'skipkind', 'add', 'subtract']);

const REL_GT = 1;
const REL_EQ = 2;
const REL_LT = 4;
const REL_AND = 16;
const REL_OR = 17;
const REL_WITH = 18;
const REL_ARCH = 20;
const REL_COND = 22;
const REL_ELSE = 26;
const REL_WITHOUT = 28;
const REL_UNLESS = 29;

/** What a selection reads of the pool: the packages, the system arch, the `disable pkg` packages, the file lists. */
export interface SelectionPool { readonly pool: SolverPool; readonly arch: string; readonly disabled: ReadonlySet<number>; readonly files?: (id: number) => readonly string[] }

/**
 * A selection job line: `selection NAME` (selection_make), `selection_matchdeps KEY NAME`,
 * `selection_matchdepid KEY DEP` or `selection_matchsolvable KEY PACKAGE` (KEY: solvable:name, solvable:requires, …).
 */
export interface SelectionSpec {
  readonly type: 'selection' | 'matchdeps' | 'matchdepid' | 'matchsolvable';
  readonly text: string;
  readonly flags: readonly string[];
  readonly keyname?: string;
}

const KEYS: Readonly<Record<string, string>> = {
  'solvable:provides': 'provides', 'solvable:requires': 'requires', 'solvable:conflicts': 'conflicts', 'solvable:obsoletes': 'obsoletes',
  'solvable:recommends': 'recommends', 'solvable:suggests': 'suggests', 'solvable:supplements': 'supplements', 'solvable:enhances': 'enhances',
};

type Flags = ReadonlySet<string>;
type Sel = SelectionJob[];

const lit = (s: string): DepId => ({ lit: s });
const rel = (name: DepId, evr: DepId, flags: number): DepRel => ({ flags, name, evr });
const isRel = (d: DepId): d is DepRel => d !== null && 'flags' in d;
const innerName = (d: DepId): string | undefined => (isRel(d) ? innerName(d.name) : d?.lit);
const same = (a: SelectionJob, b: SelectionJob): boolean => JSON.stringify(a) === JSON.stringify(b);
const plain = (e: SelectionJob, kind: Select['kind']): boolean => e.select.kind === kind && e.set.length === 0;

/**
 * The jobs of a selection line (flags by their selflags2str names) given the jobs before it (`prior`, which the
 * filter mode narrows and takes the place of), or what it does not model.
 */
export function makeSelection(sp: SelectionPool, spec: SelectionSpec, prior: Sel = []): Sel | string {
  const unknown = spec.flags.filter((f) => !KNOWN.has(f));
  if (unknown.length) return `selection flags ${unknown.join(',')} (not libsolv's)`;
  const unmodelled = spec.flags.filter((f) => !MODELLED.has(f));
  if (unmodelled.length) return `selection flags ${unmodelled.join(',')}`;
  const f = new Set(spec.flags);
  const filter = f.delete('filter');
  if (filter && spec.type === 'selection') return 'selection flags filter on selection_make';
  if (spec.keyname !== undefined && spec.keyname !== 'solvable:name' && !(spec.keyname in KEYS)) return `selection key ${spec.keyname}`;
  const s = new Selector(sp);
  const limit = filter ? new Set(s.solvables(prior)) : undefined;
  let sel: Sel | string;
  switch (spec.type) {
    case 'selection': sel = s.make(spec.text, f); break;
    case 'matchdeps': sel = s.matchDeps({ name: spec.text }, f, spec.keyname ?? '', limit); break;
    case 'matchdepid': sel = s.matchDeps({ dep: parseDepIdOrNull(spec.text) }, f, spec.keyname ?? '', limit); break;
    case 'matchsolvable': sel = s.matchSolvable(spec.text, f, spec.keyname ?? '', limit); break;
  }
  if (typeof sel === 'string' || !filter) return sel;
  return s.filter([...prior], sel);
}

function parseDepIdOrNull(text: string): DepId {
  try {
    return parseDepId(text);
  } catch {
    return null;
  }
}

/** The packages of a selection, ascending, each once (selection_solvables). */
export function selectionSolvables(sp: SelectionPool, sel: Sel): number[] {
  return new Selector(sp).solvables(sel);
}

class Selector {
  private readonly score: (arch: string) => number;
  constructor(private readonly sp: SelectionPool) { this.score = archScores(sp.arch); }

  private get pool(): SolverPool { return this.sp.pool; }
  private isSrc(id: number): boolean { const a = this.pool.solvable(id).arch; return a === 'src' || a === 'nosrc'; }
  private installed(id: number): boolean { return this.pool.installedRepo !== undefined && this.pool.solvable(id).repo === this.pool.installedRepo; }
  private disabled(id: number): boolean { return this.sp.disabled.has(id); }
  /** pool_badarch_solvable: a system arch is set and scores the package's arch 0. */
  private badArch(id: number): boolean { return this.sp.arch !== 'unset' && this.score(this.pool.solvable(id).arch) === 0; }
  /** pool_installable_whatprovides: what the whatprovides index holds. */
  private indexed(id: number): boolean { return this.installed(id) || (!this.isSrc(id) && !this.badArch(id) && !this.disabled(id)); }

  private all(): number[] { return [...Array(this.pool.count).keys()]; }

  /** pool_whatprovides of a dependency id (pool_addrelproviders for relations). */
  private whatprovides(d: DepId): number[] {
    if (d === null) return [];
    if (!isRel(d)) return this.pool.whatprovides({ type: 'simple', name: d.lit }).filter((p) => this.indexed(p));
    if (d.flags === REL_ARCH) {
      const arch = d.evr !== null && !isRel(d.evr) ? d.evr.lit : undefined;
      if (arch === 'src' || arch === 'nosrc') return this.all().filter((p) => { const a = this.pool.solvable(p).arch; return (a === arch || a === 'nosrc') && !this.disabled(p) && this.matchNevr(p, d.name); });
      return this.whatprovides(d.name).filter((p) => this.pool.solvable(p).arch === arch);
    }
    if (d.flags === REL_AND || d.flags === REL_OR || d.flags === REL_COND || d.flags === REL_UNLESS) {
      let evr: DepId = d.evr;
      if (d.flags === REL_COND || d.flags === REL_UNLESS) evr = isRel(evr) && evr.flags === REL_ELSE ? evr.evr : null;
      const union = new Set([...this.whatprovides(d.name), ...(evr === null ? [] : this.whatprovides(evr))]);
      return [...union].sort((a, b) => a - b);
    }
    if (d.flags === REL_WITH || d.flags === REL_WITHOUT) {
      const right = new Set(this.whatprovides(d.evr));
      return this.whatprovides(d.name).filter((p) => right.has(p) === (d.flags === REL_WITH));
    }
    if (d.flags > 0 && d.flags < 8) {
      const name = innerName(d.name);
      const evr = d.evr !== null && !isRel(d.evr) ? parseEvrText(d.evr.lit) : undefined;
      if (evr === undefined) return [];
      return this.whatprovides(d.name).filter((p) => this.pool.solvable(p).provides.some((pr) => pr.name === name && (pr.flags === undefined || pr.evr === undefined || matchFlagsEvr(flagBits(pr.flags), pr.evr, d.flags, evr))));
    }
    return [];
  }

  /** pool_match_nevr: the package's name, arch and EVR against a dependency. */
  private matchNevr(p: number, d: DepId): boolean {
    const s = this.pool.solvable(p);
    if (d === null) return false;
    if (!isRel(d)) return s.name === d.lit;
    if (d.flags === REL_ARCH) {
      const arch = d.evr !== null && !isRel(d.evr) ? d.evr.lit : '';
      if (s.arch !== arch && (arch !== 'src' || s.arch !== 'nosrc')) return false;
      return this.matchNevr(p, d.name);
    }
    if (d.flags > 7 || !this.matchNevr(p, d.name)) return false;
    const evr = d.evr !== null && !isRel(d.evr) ? parseEvrText(d.evr.lit) : undefined;
    if (evr === undefined) return false;
    if (d.flags === 7) return true;
    const r = evrcmp(s.evr, evr);
    return r < 0 ? (d.flags & REL_LT) !== 0 : r > 0 ? (d.flags & REL_GT) !== 0 : (d.flags & REL_EQ) !== 0;
  }

  /** FOR_JOB_SELECT */
  private members(e: SelectionJob): number[] {
    const s = e.select;
    switch (s.kind) {
      case 'pkg': return [s.id];
      case 'oneof': return [...s.ids];
      case 'provides': return this.whatprovides(s.dep);
      case 'name': return this.whatprovides(s.dep).filter((p) => this.matchNevr(p, s.dep));
      case 'all': return this.all();
      case 'repo': return this.all().filter((p) => this.pool.solvable(p).repo === s.repo);
    }
  }

  solvables(sel: Sel): number[] {
    return [...new Set(sel.flatMap((e) => this.members(e)))].sort((a, b) => a - b);
  }

  /** solvable_matches_selection_flags */
  private matchesFlags(p: number, f: Flags): boolean {
    if (this.isSrc(p)) {
      if (!f.has('sourceonly') && !f.has('withsource')) return false;
      return f.has('withdisabled') || !this.disabled(p);
    }
    if (f.has('sourceonly')) return false;
    if (this.installed(p)) return true;
    if (!f.has('withdisabled') && this.disabled(p)) return false;
    return f.has('withbadarch') || !this.badArch(p);
  }

  /** str2archid: an arch the pool knows and the system takes (src, nosrc, noarch always). */
  private archId(a: string): string | undefined {
    if (a === '') return undefined;
    if (a === 'src' || a === 'nosrc' || a === 'noarch') return a;
    if (this.sp.arch === 'unset') return this.all().some((p) => this.pool.solvable(p).arch === a) ? a : undefined;
    return this.score(a) > 0 ? a : undefined;
  }

  make(name: string, f: Flags): Sel {
    const sel: Sel = [];
    let ret = false;
    if (f.has('filelist')) ret = this.filelist(sel, name, f);
    if (!ret && f.has('name')) ret = this.nameArchRel(sel, name, f, false);
    if (!ret && f.has('provides')) ret = this.nameArchRel(sel, name, f, true);
    if (!ret && f.has('canon')) ret = this.canon(sel, name, f);
    if (ret && f.has('flat')) this.flatten(sel);
    return sel;
  }

  private prune(sel: Sel): void {
    const kept = sel.filter((e) => e.select.kind === 'all' || this.members(e).length > 0);
    sel.splice(0, sel.length, ...kept);
  }

  private flatten(sel: Sel): void {
    if (sel.length <= 1) return;
    const all = sel.find((e) => e.select.kind === 'all');
    if (all) { sel.splice(0, sel.length, all); return; }
    const q = this.solvables(sel);
    sel.splice(0, sel.length, ...(q.length === 0 ? [] : [oneOrMany(q)]));
  }

  /** selection_filter_rel_noprune: simple relations and REL_ARCH. */
  private filterRel(sel: Sel, flags: number, evr: string): void {
    for (let i = 0; i < sel.length; i++) {
      const e = sel[i];
      const s = e.select;
      const set = new Set(e.set);
      if (s.kind === 'pkg' || s.kind === 'oneof') {
        const all = this.members(e);
        const q = all.filter((p) => this.matchRel(p, flags, evr));
        if (q.length !== all.length) {
          const o = oneOrMany(q);
          sel[i] = { select: o.select, set: [...o.set] };
          set.clear();
          for (const x of o.set) set.add(x);
        }
      } else if (s.kind === 'name' || s.kind === 'provides') {
        let dep = s.dep;
        // don't stack src reldeps
        if (flags === REL_ARCH && (evr === 'src' || evr === 'nosrc') && isRel(dep) && dep.flags === REL_ARCH && dep.evr !== null && !isRel(dep.evr) && dep.evr.lit === 'src') dep = dep.name;
        sel[i] = { select: { kind: s.kind, dep: rel(dep, lit(evr), flags) }, set: e.set };
      } else continue;
      if (flags === REL_ARCH) set.add('setarch');
      if (flags === REL_EQ && s.kind !== 'provides') set.add(evr.includes('-') ? 'setevr' : 'setev');
      sel[i] = { select: sel[i].select, set: SET_ORDER.filter((x) => set.has(x)) };
    }
  }

  /** match_nevr_rel */
  private matchRel(p: number, flags: number, evr: string): boolean {
    const s = this.pool.solvable(p);
    if (flags === REL_ARCH) return s.arch === evr || (evr === 'src' && s.arch === 'nosrc');
    if (flags > 7) return false;
    const e = parseEvrText(evr);
    return e !== undefined && matchFlagsEvr(REL_EQ, s.evr, flags, e);
  }

  private addExtra(sel: Sel, f: Flags): void {
    if (!f.has('withsource') && !f.has('withdisabled') && !f.has('withbadarch')) return;
    for (let i = 0; i < sel.length; i++) {
      const e = sel[i];
      const doProvides = plain(e, 'provides');
      if (!doProvides && !plain(e, 'name')) continue;
      const dep = (e.select as { dep: DepId }).dep;
      let haveExtra = false;
      const q: number[] = doProvides ? this.whatprovides(dep) : [];
      for (let p = 0; p < this.pool.count; p++) {
        if (!doProvides && !this.matchNevr(p, dep)) continue;
        let extra = false;
        if (this.isSrc(p)) {
          if (!f.has('withsource') && !f.has('sourceonly')) continue;
          if (!f.has('sourceonly')) extra = true;
          if (this.disabled(p)) { if (!f.has('withdisabled')) continue; extra = true; }
        } else {
          if (f.has('sourceonly')) continue;
          if (!this.installed(p)) {
            if (this.disabled(p)) { if (!f.has('withdisabled')) continue; extra = true; }
            if (this.badArch(p)) { if (!f.has('withbadarch')) continue; extra = true; }
          }
        }
        if (doProvides) {
          if (!extra) continue;
          if (!this.pool.solvable(p).provides.some((pr) => matchProvide(pr, dep))) continue;
        }
        haveExtra ||= extra;
        q.push(p);
      }
      if (!haveExtra || q.length === 0) continue;
      if (doProvides) q.sort((a, b) => a - b);
      sel[i] = oneOrMany(q);
    }
  }

  /** The names of the packages' provides, each once (the pool's strings with providers). */
  private provideNames(keep: (p: number) => boolean): string[] {
    const out = new Set<string>();
    for (let p = 0; p < this.pool.count; p++) if (keep(p)) for (const pr of this.pool.solvable(p).provides) out.add(pr.name);
    return [...out];
  }

  private provides(sel: Sel, name: string, f: Flags): boolean {
    if (f.has('sourceonly')) return false;
    const nocase = f.has('nocase');
    if (!nocase && this.providesId(sel, name, f)) return true;
    const glob = f.has('glob') && /[[*?]/.test(name);
    if (!nocase && !glob) return false;
    const matches = matcher(name, glob, nocase);
    let match = false;
    for (const n of this.provideNames((p) => this.indexed(p))) {
      if (!matches(n)) continue;
      pushUnique(sel, { select: { kind: 'provides', dep: lit(n) }, set: [] });
      match = true;
    }
    if (f.has('withbadarch') || f.has('withdisabled')) {
      // selection_addextra_provides: the provides only extra packages have
      const indexedNames = new Set(this.provideNames((p) => this.indexed(p)));
      for (let p = 0; p < this.pool.count; p++) {
        if (this.isSrc(p) || this.installed(p)) continue;
        if (this.disabled(p)) {
          if (!f.has('withdisabled')) continue;
          if (!f.has('withbadarch') && this.badArch(p)) continue;
        } else if (this.badArch(p)) {
          if (!f.has('withbadarch')) continue;
        } else continue;
        for (const pr of this.pool.solvable(p).provides) {
          if (indexedNames.has(pr.name) || !matches(pr.name)) continue;
          pushUnique(sel, { select: { kind: 'provides', dep: lit(pr.name) }, set: [] });
          match = true;
        }
      }
    }
    return match;
  }

  /** selection_provides_id */
  private providesId(sel: Sel, name: string, f: Flags): boolean {
    if (this.whatprovides(lit(name)).length) { sel.push({ select: { kind: 'provides', dep: lit(name) }, set: [] }); return true; }
    if (!f.has('withbadarch') && !f.has('withdisabled')) return false;
    const probe: Sel = [{ select: { kind: 'provides', dep: lit(name) }, set: [] }];
    this.addExtra(probe, f);
    if (plain(probe[0], 'provides')) return false;
    sel.push({ select: { kind: 'provides', dep: lit(name) }, set: [] });
    return true;
  }

  /** selection_name_id */
  private nameId(sel: Sel, name: string, flags: Flags): boolean {
    const f = new Set(flags);
    let matchId: DepId = lit(name);
    if (f.has('sourceonly')) { matchId = rel(lit(name), lit('src'), REL_ARCH); f.delete('withsource'); }
    const named = (d: DepId): boolean => this.whatprovides(d).some((p) => this.pool.solvable(p).name === name);
    if (named(matchId)) {
      sel.push({ select: { kind: 'name', dep: matchId }, set: [] });
      if (f.has('withsource') || f.has('withbadarch') || f.has('withdisabled')) this.addExtra(sel, f);
      return true;
    }
    if (f.has('withbadarch') || f.has('withdisabled')) {
      const probe: Sel = [{ select: { kind: 'name', dep: matchId }, set: [] }];
      this.addExtra(probe, f);
      if (plain(probe[0], 'name')) return false;
      sel.push(...probe);
      return true;
    }
    if (f.has('withsource')) {
      const src = rel(lit(name), lit('src'), REL_ARCH);
      if (named(src)) { sel.push({ select: { kind: 'name', dep: src }, set: [] }); return true; }
    }
    return false;
  }

  /** selection_name */
  private name(sel: Sel, name: string, flags: Flags): boolean {
    const f = new Set(flags);
    if (f.has('sourceonly')) f.delete('withsource');
    const nocase = f.has('nocase');
    if (!nocase && this.nameId(sel, name, f)) return true;
    const glob = f.has('glob') && /[[*?]/.test(name);
    if (!nocase && !glob) return false;
    const matches = matcher(name, glob, nocase);
    let match = false;
    for (let p = 0; p < this.pool.count; p++) {
      if (!this.matchesFlags(p, f)) continue;
      const s = this.pool.solvable(p);
      if (!matches(s.name)) continue;
      let id: DepId = lit(s.name);
      if (f.has('sourceonly')) {
        if (!this.isSrc(p)) continue;
        id = rel(id, lit('src'), REL_ARCH);
      }
      pushUnique(sel, { select: { kind: 'name', dep: id }, set: [] });
      match = true;
    }
    if (match && (f.has('withsource') || f.has('withbadarch') || f.has('withdisabled'))) this.addExtra(sel, f);
    return match;
  }

  private nameArch(sel: Sel, name: string, flags: Flags, doProvides: boolean, noPrune: boolean): boolean {
    const f = new Set(flags);
    if (doProvides ? this.provides(sel, name, f) : this.name(sel, name, f)) return true;
    if (!f.has('dotarch')) return false;
    const dot = name.lastIndexOf('.');
    const arch = dot >= 0 ? this.archId(name.slice(dot + 1)) : undefined;
    if (arch === undefined) return false;
    if (arch === 'src' || arch === 'nosrc') f.add('sourceonly');
    const base = name.slice(0, dot);
    const ret = doProvides ? this.provides(sel, base, f) : this.name(sel, base, f);
    if (ret) {
      this.filterRel(sel, REL_ARCH, arch);
      if (!noPrune) this.prune(sel);
    }
    return ret && sel.length > 0;
  }

  private nameArchRel(sel: Sel, name: string, f: Flags, doProvides: boolean): boolean {
    const split = f.has('rel') && /[<=>]/.test(name) ? splitRel(name) : undefined;
    const noPrune = doProvides && (f.has('withdisabled') || f.has('withbadarch'));
    if (!split) {
      const ret = this.nameArch(sel, name, f, doProvides, noPrune);
      if (ret && noPrune) { this.addExtra(sel, f); this.prune(sel); }
      return ret && sel.length > 0;
    }
    const ret = this.nameArch(sel, split.name, f, doProvides, noPrune);
    if (ret) {
      this.filterRel(sel, split.flags, split.evr);
      if (noPrune) this.addExtra(sel, f);
      this.prune(sel);
    }
    return ret && sel.length > 0;
  }

  /** selection_filelist: the packages with a file of that name (or glob), one job per file */
  private filelist(sel: Sel, name: string, f: Flags): boolean {
    if (!name.startsWith('/') && (!f.has('glob') || !'*[?'.includes(name[0] ?? ''))) return false;
    const matches = matcher(name, f.has('glob') && /[[*?]/.test(name), f.has('nocase'));
    const hits: [string, number][] = [];
    for (let p = 0; p < this.pool.count; p++) {
      if (!this.matchesFlags(p, f)) continue;
      for (const file of this.sp.files?.(p) ?? []) {
        if (!matches(file)) continue;
        if (f.has('flat')) { sel.push({ select: { kind: 'pkg', id: p }, set: ['noautoset'] }); break; }
        hits.push([file, p]);
      }
    }
    if (f.has('flat')) return sel.length > 0;
    if (!hits.length) return false;
    hits.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
    for (let i = 0; i < hits.length;) {
      const ids: number[] = [];
      let k = i;
      for (; k < hits.length && hits[k][0] === hits[i][0]; k++) if (ids.at(-1) !== hits[k][1]) ids.push(hits[k][1]);
      i = k;
      if (ids.length === 1) pushUnique(sel, { select: { kind: 'pkg', id: ids[0] }, set: ['noautoset'] });
      else pushUnique(sel, { select: { kind: 'oneof', ids }, set: [] });
    }
    return true;
  }

  /** A package's dependencies of a key (solvable:requires, …) as dependency ids. */
  private deps(p: number, key: string): DepId[] {
    const s = this.pool.solvable(p);
    const simple = (list: readonly Dep[]): DepId[] => list.map((d) => treeToId({ type: 'simple', name: d.name, ...(d.flags && d.evr ? { flags: d.flags, evr: d.evr } : {}) }));
    switch (KEYS[key]) {
      case 'provides': return simple(s.provides);
      case 'obsoletes': return simple(s.obsoletes);
      case 'requires': return s.requires.map(treeToId);
      case 'conflicts': return s.conflicts.map(treeToId);
      case 'recommends': return s.recommends.map(treeToId);
      case 'suggests': return s.suggests.map(treeToId);
      case 'supplements': return s.supplements.map(treeToId);
      case 'enhances': return s.enhances.map(treeToId);
      default: return [];
    }
  }

  /** selection_make_matchdeps / _matchdepid: the packages whose dependencies of the key match */
  matchDeps(what: { name?: string; dep?: DepId }, flags: Flags, key: string, limit: ReadonlySet<number> | undefined): Sel {
    const f = new Set(flags);
    let { name, dep } = what;
    let rflags = 0;
    let revr: string | undefined;
    if (f.has('depstr')) f.delete('rel');
    if (name !== undefined) {
      if (f.has('rel') && /[<=>]/.test(name)) {
        const split = splitRel(name);
        if (!split) return [];
        name = split.name;
        rflags = split.flags;
        revr = split.evr;
      }
      if (f.has('glob') && !/[[*?]/.test(name)) f.delete('glob');
      if (!f.has('glob') && !f.has('nocase') && !f.has('depstr')) {
        dep = rflags ? rel(lit(name), lit(revr ?? ''), rflags) : lit(name);
        name = undefined;
      }
    }
    if (dep !== undefined && key === 'solvable:name' && f.has('depstr')) {
      if (!isRel(dep) || dep.name === null || dep.flags !== REL_EQ) return [];
      rflags = dep.flags;
      revr = dep.evr !== null && !isRel(dep.evr) ? dep.evr.lit : undefined;
      dep = dep.name;
    }
    const glob = f.has('glob');
    const nocase = f.has('nocase');
    const str = name === undefined ? undefined : matcher(name, glob, nocase);
    const out: number[] = [];
    for (let p = 0; p < this.pool.count; p++) {
      if (limit && !limit.has(p)) continue;
      if (!this.matchesFlags(p, f)) continue;
      const s = this.pool.solvable(p);
      if (key === 'solvable:name') {
        const evrText = formatEvr(s.evr);
        if (dep !== undefined) {
          if (f.has('depstr') ? !(dep !== null && !isRel(dep) && dep.lit === s.name && evrText === revr) : !this.matchNevr(p, dep)) continue;
        } else if (str) {
          if (f.has('depstr')) { if (!str(`${s.name} = ${evrText}`)) continue; } else {
            if (!str(s.name)) continue;
            if (rflags && !matchFlagsEvrText(rflags, revr ?? '', REL_EQ, s.evr)) continue;
          }
        }
        out.push(p);
        continue;
      }
      const deps = this.deps(p, key);
      if (!deps.length) continue;
      let hit: boolean;
      if (dep !== undefined) hit = f.has('depstr') ? deps.some((d) => JSON.stringify(d) === JSON.stringify(dep)) : deps.some((d) => matchDep(d, dep ?? null));
      else hit = str !== undefined && (f.has('depstr') ? deps.some((d) => str(formatPoolDep(d))) : deps.some((d) => matchDepName(d, str, rflags, revr)));
      if (hit) out.push(p);
    }
    const sel: Sel = out.map((p) => ({ select: { kind: 'pkg', id: p }, set: ['noautoset'] }));
    if (sel.length && flags.has('flat')) this.flatten(sel);
    return sel;
  }

  /** selection_make_matchsolvable: the packages with a dependency of the key that the package provides for */
  matchSolvable(text: string, flags: Flags, key: string, limit: ReadonlySet<number> | undefined): Sel | string {
    const solvid = this.all().find((p) => formatSolvable(this.pool, p) === text);
    if (solvid === undefined) return [];
    if (key === 'solvable:name') return 'selection_matchsolvable on solvable:name';
    const out: number[] = [];
    for (let p = 0; p < this.pool.count; p++) {
      if (p === solvid || (limit && !limit.has(p)) || !this.matchesFlags(p, flags)) continue;
      if (this.deps(p, key).some((d) => this.whatprovides(d).includes(solvid))) out.push(p);
    }
    const sel: Sel = out.map((p) => ({ select: { kind: 'pkg', id: p }, set: ['noautoset'] }));
    if (sel.length && flags.has('flat')) this.flatten(sel);
    return sel;
  }

  /** selection_filter: sel1's jobs narrowed to the packages of sel2 (selection_filter_map) */
  filter(sel1: Sel, sel2: Sel): Sel {
    if (!sel1.length || !sel2.length) return [];
    if (sel2.length === 1 && sel2[0].select.kind === 'all') return sel1;
    if (sel1.some((e) => e.select.kind === 'all' || e.select.kind === 'repo') || sel2.some((e) => e.select.kind === 'repo')) return sel2;
    const m = new Set(this.solvables(sel2));
    const setflags = sel2.length === 1 ? sel2[0].set.filter((x) => x !== 'noautoset') : [];
    const out: Sel = [];
    for (const e of sel1) {
      const add = (x: SelectionJob): void => { out.push({ select: x.select, set: SET_ORDER.filter((y) => x.set.includes(y) || setflags.some((z) => z === y)) }); };
      if (e.select.kind === 'pkg') { if (m.has(e.select.id)) add(e); continue; }
      const all = [...new Set(this.members(e))];
      const q = all.filter((p) => m.has(p));
      if (!q.length) continue;
      if (q.length === all.length) add(e);
      else if (q.length > 1) add({ select: { kind: 'oneof', ids: q }, set: e.set.filter((x) => x !== 'noautoset') });
      else add({ select: { kind: 'pkg', id: q[0] }, set: [...e.set, 'noautoset'] });
    }
    return out;
  }

  /** selection_filter_evr: the magic epoch promotion of a canonical name's version(-release). */
  private filterEvr(sel: Sel, evr: string): void {
    if (/^\d+:/.test(evr)) { this.filterRel(sel, REL_EQ, evr); this.prune(sel); return; }
    const out: Sel = [];
    for (const e of sel) {
      const q: number[] = [];
      let lastEpoch: string | undefined;
      let epochs = 0;
      for (const p of this.members(e)) {
        const sevr = this.pool.solvable(p).evr;
        const vr = sevr.release === undefined ? sevr.version : `${sevr.version}-${sevr.release}`;
        const want = parseEvrText(evr);
        if (vr !== evr && (want === undefined || evrcmp({ epoch: 0, version: sevr.version, release: sevr.release }, want) !== 0)) continue;
        q.push(p);
        const epoch = sevr.epoch ? String(sevr.epoch) : '';
        if (lastEpoch === undefined) { lastEpoch = epoch; epochs = 1; } else if (lastEpoch !== epoch) epochs = 2;
      }
      let id: string;
      if (epochs === 2) { out.push({ select: { kind: 'oneof', ids: q }, set: e.set }); continue; }
      if (lastEpoch === undefined || lastEpoch === '') id = evr;
      else id = `${lastEpoch}:${evr}`;
      const one: Sel = [e];
      this.filterRel(one, REL_EQ, id);
      this.prune(one);
      if (one.length) out.push(one[0]);
    }
    sel.splice(0, sel.length, ...out);
  }

  /** selection_canon (rpm): name-version, name-version-release, each with an optional .arch */
  private canon(sel: Sel, name: string, flags: Flags): boolean {
    const f = new Set(flags);
    f.add('name');
    f.delete('provides');
    const dash = name.lastIndexOf('-');
    if (dash < 0) return false;
    let rname = name.slice(0, dash);
    let evr = name.slice(dash + 1);
    const dot = evr.lastIndexOf('.');
    const arch = dot >= 0 ? this.archId(evr.slice(dot + 1)) : undefined;
    if (arch !== undefined) evr = evr.slice(0, dot);
    if (arch === 'src' || arch === 'nosrc') f.add('sourceonly');
    if (!this.name(sel, rname, f)) {
      const dash2 = rname.lastIndexOf('-');
      if (dash2 < 0) return false;
      evr = `${rname.slice(dash2 + 1)}-${evr}`;
      rname = rname.slice(0, dash2);
      if (!this.name(sel, rname, f)) return false;
    }
    if (arch !== undefined) { this.filterRel(sel, REL_ARCH, arch); this.prune(sel); }
    this.filterEvr(sel, evr);
    return sel.length > 0;
  }
}

/** jobflags2str's order of the set flags. */
const SET_ORDER: readonly SetFlag[] = ['setev', 'setevr', 'setarch', 'noautoset'];

function oneOrMany(q: readonly number[]): SelectionJob {
  return q.length === 1 ? { select: { kind: 'pkg', id: q[0] }, set: ['noautoset'] } : { select: { kind: 'oneof', ids: [...q] }, set: [] };
}

function pushUnique(sel: Sel, e: SelectionJob): void {
  if (!sel.some((x) => same(x, e))) sel.push(e);
}

/** splitrel: NAME OP EVR with OP of <, =, >, != */
function splitRel(text: string): { name: string; flags: number; evr: string } | undefined {
  const at = text.search(/[<=>]/);
  let nend = at;
  let r = at;
  let flags = 0;
  if (nend > 0 && text[r] === '=' && text[r - 1] === '!') { nend--; r++; flags = REL_LT | REL_GT; }
  for (; r < text.length; r++) {
    const c = text[r];
    if (c === '<') flags |= REL_LT;
    else if (c === '=') flags |= REL_EQ;
    else if (c === '>') flags |= REL_GT;
    else break;
  }
  while (text[r] === ' ' || text[r] === '\t') r++;
  while (nend > 0 && (text[nend - 1] === ' ' || text[nend - 1] === '\t')) nend--;
  if (nend <= 0 || r >= text.length || !flags) return undefined;
  return { name: text.slice(0, nend), flags, evr: text.slice(r) };
}

/** fnmatch (FNM_CASEFOLD with nocase: core/glob.ts, the one glob rule), strcasecmp or strcmp against `pattern`. */
function matcher(pattern: string, glob: boolean, nocase: boolean): (s: string) => boolean {
  if (!glob) return nocase ? (s) => s.toLowerCase() === pattern.toLowerCase() : (s) => s === pattern;
  const rx = globToRegExp(pattern, { nocase });
  return (s) => rx.test(s);
}

const OP_TEXT: Readonly<Record<number, string>> = { 1: '>', 2: '=', 3: '>=', 4: '<', 5: '<>', 6: '<=', 7: '<=>' };

/** pool_dep2str for a simple dependency (`NAME OP EVR`); others in the testcase syntax. */
function formatPoolDep(d: DepId): string {
  if (d === null) return '';
  if (!isRel(d)) return d.lit;
  if (d.flags < 8 && d.name !== null && !isRel(d.name) && d.evr !== null && !isRel(d.evr)) return `${d.name.lit} ${OP_TEXT[d.flags]} ${d.evr.lit}`;
  return JSON.stringify(d);
}

/** pool_match_dep between two dependency ids, the complex ones matching potentially */
function matchDep(d1: DepId, d2: DepId): boolean {
  if (JSON.stringify(d1) === JSON.stringify(d2)) return true;
  const complex = (d: DepId): d is DepRel => isRel(d) && [REL_AND, REL_OR, REL_WITH, REL_WITHOUT, REL_COND, REL_UNLESS].includes(d.flags);
  const branches = (d: DepRel): DepId[] => {
    let evr: DepId = d.evr;
    if (d.flags === REL_COND || d.flags === REL_UNLESS) evr = isRel(evr) && evr.flags === REL_ELSE ? evr.evr : null;
    return d.flags === REL_WITHOUT || evr === null ? [d.name] : [d.name, evr];
  };
  if (complex(d1)) return branches(d1).some((b) => matchDep(b, d2));
  if (complex(d2)) return branches(d2).some((b) => matchDep(d1, b));
  if (!isRel(d1)) return isRel(d2) ? matchDep(d1, d2.name) : false;
  if (!isRel(d2)) return matchDep(d1.name, d2);
  if (!matchDep(d1.name, d2.name)) return false;
  const e1 = d1.evr !== null && !isRel(d1.evr) ? d1.evr.lit : undefined;
  const e2 = d2.evr !== null && !isRel(d2.evr) ? d2.evr.lit : undefined;
  if (e1 === undefined || e2 === undefined) return false;
  const a = parseEvrText(e1);
  const b = parseEvrText(e2);
  return a !== undefined && b !== undefined && matchFlagsEvr(d1.flags, a, d2.flags, b);
}

/** selection.c matchdep: a dependency's name against a glob/case-folded pattern, then the relation */
function matchDepName(d: DepId, str: (s: string) => boolean, rflags: number, revr: string | undefined): boolean {
  if (d === null) return false;
  if (!isRel(d)) return str(d.lit);
  if (d.flags > 7) {
    if ([REL_AND, REL_OR, REL_WITH, REL_WITHOUT, REL_COND, REL_UNLESS].includes(d.flags)) {
      if (matchDepName(d.name, str, rflags, revr)) return true;
      let e: DepId = d.evr;
      let fl = d.flags;
      if ((fl === REL_COND || fl === REL_UNLESS) && isRel(e)) { if (e.flags !== REL_ELSE) return false; fl = e.flags; e = e.evr; }
      return fl !== REL_COND && fl !== REL_UNLESS && fl !== REL_WITHOUT && matchDepName(e, str, rflags, revr);
    }
    if (d.flags === REL_ARCH) return matchDepName(d.name, str, rflags, revr);
  }
  if (!matchDepName(d.name, str, rflags, revr)) return false;
  if (!rflags) return true;
  const e = d.evr !== null && !isRel(d.evr) ? parseEvrText(d.evr.lit) : undefined;
  const r = revr === undefined ? undefined : parseEvrText(revr);
  return e !== undefined && r !== undefined && matchFlagsEvr(d.flags, e, rflags, r);
}

function matchFlagsEvrText(pflags: number, pevr: string, flags: number, evr: Evr): boolean {
  const e = parseEvrText(pevr);
  return e !== undefined && matchFlagsEvr(pflags, e, flags, evr);
}

function parseEvrText(text: string): Evr | undefined {
  const m = /^(?:(\d*):)?([^-]*)(?:-(.*))?$/.exec(text);
  if (!m) return undefined;
  return { epoch: m[1] ? Number(m[1]) : 0, version: m[2], ...(m[3] === undefined ? {} : { release: m[3] }) };
}

/** pool_evrcmp with EVRCMP_MATCH_RELEASE: a missing release matches any. */
function evrcmp(a: Evr, b: Evr): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  const v = rpmvercmp(a.version, b.version);
  if (v) return v;
  if (a.release === undefined || a.release === '' || b.release === undefined || b.release === '') return 0;
  return rpmvercmp(a.release, b.release);
}

function flagBits(f: string): number {
  return ({ EQ: REL_EQ, LE: REL_LT | REL_EQ, GE: REL_GT | REL_EQ, GT: REL_GT, LT: REL_LT } as Record<string, number>)[f] ?? 0;
}

/** pool_match_flags_evr */
function matchFlagsEvr(pflags: number, pevr: Evr, flags: number, evr: Evr): boolean {
  if (!pflags || !flags || pflags >= 8 || flags >= 8) return false;
  if (flags === 7 || pflags === 7) return true;
  if ((pflags & flags & (REL_LT | REL_GT)) !== 0) return true;
  const r = evrcmp(pevr, evr);
  if (r < 0) return (flags & REL_LT) !== 0 || (pflags & REL_GT) !== 0;
  if (r > 0) return (flags & REL_GT) !== 0 || (pflags & REL_LT) !== 0;
  return (flags & pflags & REL_EQ) !== 0;
}

/** pool_match_dep of a provide against a simple dependency id (a name, or a name with a relation). */
function matchProvide(pr: { name: string; flags?: string; evr?: Evr }, dep: DepId): boolean {
  if (dep === null) return false;
  if (!isRel(dep)) return pr.name === dep.lit;
  if (dep.flags > 7) return false;
  if (innerName(dep.name) !== pr.name) return false;
  // a provide of the name without a version matches every version of it
  if (pr.flags === undefined || pr.evr === undefined) return true;
  const evr = dep.evr !== null && !isRel(dep.evr) ? parseEvrText(dep.evr.lit) : undefined;
  return evr !== undefined && matchFlagsEvr(flagBits(pr.flags), pr.evr, dep.flags, evr);
}
