/**
 * libsolv's selections (src/selection.c selection_make, 0.7.23), as testcase `job CMD selection NAME FLAGS` lines
 * make them: a name, a provide or a canonical name-version(-release)(.arch) turned into jobs (`name A . i686
 * [setarch]`, `oneof P1 P2`, `pkg P [noautoset]`), with the ".arch" and " <op> evr" suffixes, globs, case-folding,
 * flattening and the extra packages (sources, disabled, bad arch). Modelled: the replace mode of selection_make
 * with name, provides, canon, dotarch, rel, glob, nocase, flat, sourceonly, withsource, withdisabled and
 * withbadarch; any other flag (filelist, installedonly, add, subtract, filter, skipkind, depstr) is returned as
 * not modelled.
 */
import { rpmvercmp } from '../rpm/evr.js';
import type { Evr } from '../rpm/types.js';
import { archScores } from './policy.js';
import type { DepId, DepRel } from './testdep.js';
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
const MODELLED = new Set(['name', 'provides', 'canon', 'dotarch', 'rel', 'glob', 'flat', 'nocase', 'sourceonly', 'withsource', 'withdisabled', 'withbadarch']);
const KNOWN = new Set([...MODELLED, 'filelist', 'installedonly', 'skipkind', 'depstr', 'add', 'subtract', 'filter']);

const REL_GT = 1;
const REL_EQ = 2;
const REL_LT = 4;
const REL_ARCH = 20;

/** What a selection reads of the pool: the packages, the system arch, the `disable pkg` packages. */
export interface SelectionPool { readonly pool: SolverPool; readonly arch: string; readonly disabled: ReadonlySet<number> }

type Flags = ReadonlySet<string>;
type Sel = SelectionJob[];

const lit = (s: string): DepId => ({ lit: s });
const rel = (name: DepId, evr: DepId, flags: number): DepRel => ({ flags, name, evr });
const isRel = (d: DepId): d is DepRel => d !== null && 'flags' in d;
const innerName = (d: DepId): string | undefined => (isRel(d) ? innerName(d.name) : d?.lit);
const same = (a: SelectionJob, b: SelectionJob): boolean => JSON.stringify(a) === JSON.stringify(b);
const plain = (e: SelectionJob, kind: Select['kind']): boolean => e.select.kind === kind && e.set.length === 0;

/**
 * selection_make (replace mode) for `name` and `flags` (selflags2str names); the jobs, or the flags it does not
 * model.
 */
export function makeSelection(sp: SelectionPool, name: string, flagList: readonly string[]): Sel | string {
  const unknown = flagList.filter((f) => !KNOWN.has(f));
  if (unknown.length) return `selection flags ${unknown.join(',')} (not libsolv's)`;
  const unmodelled = flagList.filter((f) => !MODELLED.has(f));
  if (unmodelled.length) return `selection flags ${unmodelled.join(',')}`;
  return new Selector(sp).make(name, new Set(flagList));
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
    if (f.has('name')) ret = this.nameArchRel(sel, name, f, false);
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

/** fnmatch (FNM_CASEFOLD with nocase), strcasecmp or strcmp against `pattern`. */
function matcher(pattern: string, glob: boolean, nocase: boolean): (s: string) => boolean {
  if (!glob) return nocase ? (s) => s.toLowerCase() === pattern.toLowerCase() : (s) => s === pattern;
  let re = '';
  for (let k = 0; k < pattern.length; k++) {
    const c = pattern[k];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', k + 2);
      if (end < 0) { re += '\\['; continue; }
      let body = pattern.slice(k + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      k = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const rx = new RegExp(`^${re}$`, nocase ? 'is' : 's');
  return (s) => rx.test(s);
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
