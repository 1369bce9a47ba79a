/**
 * libsolv's testcase format (ext/testcase.c), the subset testsolv's own test suite uses for transactions:
 * `repo NAME PRIO[.SUB] testtags <inline>|FILE|empty`, `system ARCH DISTTYPE REPO`, `job CMD SELECT ARGS
 * [flags]`, `result TYPES <inline>` and `nextjob` (a further job set). What the reader understands but the
 * solver does not model (other job commands, solver flags, …) is listed in `unsupported`, never silently dropped.
 * Malformed input throws TESTCASE_INVALID naming file:line.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FerryError, assert, isFerryError } from '../core/errors.js';
import { parseEvr, rpmvercmp } from '../rpm/evr.js';
import { matchesDep, type DepTree, type SimpleDep } from '../rpm/deps.js';
import { formatTestcaseDep, parseDepId, relOpFlags, type DepId } from './testdep.js';
import type { Dep, Evr } from '../rpm/types.js';
import { DEP_KINDS, TestcasePool, depOrThrow, isSelfProvide, type DepKind } from './testcase-pool.js';
import type { SelectionSpec } from './selection.js';
import type { Job, JobCommand, JobSelect, Solvable, SolverPool, SolverRepo } from './types.js';

/** One job set: the jobs before the first `nextjob`, or between two. */
export interface JobSet {
  readonly jobs: Job[];
  /** The expected result lines, without their `#>` prefix. */
  readonly result: string[];
  readonly resultTypes: string[];
  /** The modelled solver flags the set turns on (`solverflags ignorerecommended`). */
  readonly solverFlags: string[];
  /** The modelled pool flags in force when the set is solved (`poolflags` lines persist across sets). */
  readonly poolFlags: string[];
  /** What this set alone uses that the solver does not model (its jobs, solver flags, result types). */
  readonly unsupported: string[];
  /**
   * The dependencies its `genid` lines built (testcase_read's genid stack), in the order of the noop provides
   * jobs testcase_read makes of them: the top of the stack first.
   */
  readonly genids: readonly DepId[];
  /** `nextjob reusesolver`: solved by the previous set's solver, which keeps its package rules. */
  readonly reuseSolver: boolean;
  /** Its `job noop selection NAME FLAGS [JOBFLAGS]` lines, in order (selection.ts makes their jobs). */
  readonly noopSelections: readonly NoopSelection[];
  /** Its `job noop provides DEP` jobs (and those testcase_read makes of `evrcmp` lines), in order: they change nothing, `result jobs` prints them. */
  readonly noopProvides: readonly DepId[];
}

/** A `job noop selection…` line: the selection (selection.ts), the job's flags. */
export interface NoopSelection { readonly line: number; readonly spec: SelectionSpec; readonly jobFlags: readonly string[] }

/** The solver flags the depsolver models; any other makes the case unmodelled. */
const SOLVER_FLAGS: ReadonlySet<string> = new Set(['ignorerecommended', 'focusinstalled', 'focusbest', 'focusnew', '!dupallowdowngrade', '!dupallowarchchange', 'keepexplicitobsoletes', 'keeporphans', 'allowuninstall', 'yumobsoletes', 'bestobeypolicy', 'allowvendorchange', 'noautotarget', 'strongrecommends', 'strictrepopriority']);

/**
 * The pool flags the depsolver models. noobsoletesmultiversion only sets solver_create's keepexplicitobsoletes
 * default (libsolv 0.7.23 src/solver.c), which testsolv resets to off (testcase_resetsolverflags): no effect.
 * implicitobsoleteusescolors is SolveRequest's implicitObsoleteUsesColors (with the infarch lock-step rules).
 */
const POOL_FLAGS: ReadonlySet<string> = new Set(['noobsoletesmultiversion', 'implicitobsoleteusescolors', 'whatprovideswithdisabled']);

export interface Testcase {
  readonly pool: TestcasePool;
  readonly arch: string;
  /** The first job set's jobs and result. */
  readonly jobs: Job[];
  readonly result: string[];
  readonly resultTypes: string[];
  /** Every job set, solved one after the other against the same pool (testsolv's "test N:"). */
  readonly sets: JobSet[];
  /** Each feature of the case the solver does not model, with the line that uses it. */
  readonly unsupported: string[];
  /** Those of them that concern every set: the pool, its repositories and flags. */
  readonly poolUnsupported: string[];
  /** The packages `disable pkg` takes out of the pool (libsolv's pool->considered). */
  readonly disabled: number[];
}

interface MutableSolvable {
  name: string; evr: Evr; arch: string; repo: number;
  provides: Dep[]; requires: DepTree[]; conflicts: DepTree[]; obsoletes: Dep[];
  recommends: DepTree[]; suggests: DepTree[]; supplements: DepTree[]; enhances: DepTree[];
  vendor?: string; buildTime?: number;
}

const NONE: readonly number[] = [];
const NONE_ENTRIES: readonly (Dep | Dep[])[] = [];

/** An in-memory SolverPool, built by the testcase reader and the scenario generator. */
export class MemoryPool implements SolverPool {
  readonly repos: SolverRepo[] = [];
  installedRepo: number | undefined;
  private readonly solvables: MutableSolvable[] = [];
  private readonly byName = new Map<string, number[]>();
  /**
   * The whatprovides index, libsolv's way (pool_createwhatprovides), built on the first lookup: provide names
   * interned to ids, one (name id, solvable) pair per provide, turned into offsets and one id array; a name's
   * list becomes an array of its own only when asked for. The first index holds only the names some package
   * asks for (its name, a dependency or an Obsoletes:), which is what the solver looks up; most provides (files,
   * sonames nobody requires) never get interned. A lookup of any other name builds the index of every provide.
   */
  private index: { start: Int32Array; ids: Int32Array; provs: Int32Array; nameIds: Map<string, number>; wanted: Set<string> | undefined } | undefined;
  private readonly lists = new Map<number, readonly number[]>();

  get count(): number { return this.solvables.length; }
  solvable(id: number): Solvable { return this.solvables[id]; }

  addRepo(repo: SolverRepo): number { this.repos.push(repo); return this.repos.length - 1; }

  add(s: MutableSolvable): number {
    const id = this.solvables.length;
    this.invalidate();
    // susetags (and so testtags) gives every package but a source one its own `name = evr` provide.
    if (s.arch !== 'src' && s.arch !== 'nosrc' && !s.provides.some((p) => isSelfProvide(p, s))) s.provides.push({ name: s.name, flags: 'EQ', evr: s.evr });
    this.solvables.push(s);
    push(this.byName, s.name, id);
    // each provide name's bucket for the index's filter, taken now while the provides are fresh in the cache
    const from = this.bucketStart[id];
    if (from + s.provides.length > this.buckets.length) {
      const b = new Int32Array(Math.max(2 * this.buckets.length, from + s.provides.length));
      b.set(this.buckets);
      this.buckets = b;
    }
    for (let k = 0; k < s.provides.length; k++) this.buckets[from + k] = nameBucket(s.provides[k].name);
    this.bucketStart.push(from + s.provides.length);
    return id;
  }

  /** Per provide (solvable after solvable), its name's bucket; solvable id's provides start at bucketStart[id]. */
  private buckets: Int32Array = new Int32Array(1024);
  private readonly bucketStart: number[] = [0];

  private invalidate(): void {
    if (this.index === undefined && this.lists.size === 0 && this.versioned.size === 0) return;
    this.index = undefined;
    this.lists.clear();
    this.versioned.clear();
    this.byDep.clear();
    this.entries.clear();
  }

  /** The solvables providing `name`, ascending, each once. */
  private providersOf(name: string): readonly number[] {
    if (!this.index) this.index = this.buildIndex(wantedNames(this.solvables));
    if (this.index.wanted && !this.index.wanted.has(name)) {
      this.index = this.buildIndex(undefined);
      this.lists.clear();
    }
    const { start, ids, nameIds } = this.index;
    const nid = nameIds.get(name);
    if (nid === undefined) return NONE;
    const known = this.lists.get(nid);
    if (known) return known;
    const out: number[] = [];
    for (let k = start[nid]; k < start[nid + 1]; k++) if (out.length === 0 || out[out.length - 1] !== ids[k]) out.push(ids[k]);
    this.lists.set(nid, out);
    return out;
  }

  /** The index of the provides whose names are in `wanted` (all with undefined). */
  private buildIndex(wanted: Set<string> | undefined): NonNullable<MemoryPool['index']> {
    const nameIds = new Map<string, number>();
    // a filter on length and three characters before the Set: most provide names are not wanted
    const filter = new Uint8Array(BUCKETS);
    if (wanted) for (const w of wanted) filter[nameBucket(w)] = 1;
    let pairNames: Int32Array = new Int32Array(1024);
    let pairIds: Int32Array = new Int32Array(1024);
    let pairProvs: Int32Array = new Int32Array(1024);
    let pairs = 0;
    for (let id = 0; id < this.solvables.length; id++) {
      const provides = this.solvables[id].provides;
      const from = this.bucketStart[id];
      const known = this.bucketStart[id + 1] - from === provides.length;
      for (let k = 0; k < provides.length; k++) {
        if (wanted && !filter[known ? this.buckets[from + k] : nameBucket(provides[k].name)]) continue;
        const name = provides[k].name;
        if (wanted && !wanted.has(name)) continue;
        let nid = nameIds.get(name);
        if (nid === undefined) { nid = nameIds.size; nameIds.set(name, nid); }
        if (pairs === pairIds.length) { pairNames = grow(pairNames); pairIds = grow(pairIds); pairProvs = grow(pairProvs); }
        pairNames[pairs] = nid;
        pairProvs[pairs] = k;
        pairIds[pairs++] = id;
      }
    }
    const names = nameIds.size;
    const start = new Int32Array(names + 1);
    for (let k = 0; k < pairs; k++) start[pairNames[k] + 1]++;
    for (let n = 0; n < names; n++) start[n + 1] += start[n];
    const fill = start.slice(0, names);
    const ids = new Int32Array(pairs);
    const provs = new Int32Array(pairs);
    // pairs come in solvable order, so each name's ids come out ascending
    for (let k = 0; k < pairs; k++) { const at = fill[pairNames[k]]++; ids[at] = pairIds[k]; provs[at] = pairProvs[k]; }
    return { start, ids, provs, nameIds, wanted };
  }

  /** Versioned lookups, memoised: the solver asks the same ones for every package that requires them. */
  private readonly versioned = new Map<string, readonly number[]>();

  /** The same, by the dependency object: the reader shares one tree per dependency text. */
  private readonly byDep = new Map<SimpleDep, readonly number[]>();

  whatprovides(dep: SimpleDep): readonly number[] {
    const ids = this.providersOf(dep.name);
    if (dep.flags === undefined) return ids;
    const known = this.byDep.get(dep);
    if (known) return known;
    const out = this.versionedProviders(dep, ids);
    this.byDep.set(dep, out);
    return out;
  }

  private versionedProviders(dep: SimpleDep, ids: readonly number[]): readonly number[] {
    const key = `${dep.name}\0${dep.flags}\0${dep.evr?.epoch ?? ''}:${dep.evr?.version ?? ''}-${dep.evr?.release ?? '\0'}`;
    const hit = this.versioned.get(key);
    if (hit) return hit;
    const want: Dep = { name: dep.name, flags: dep.flags, evr: dep.evr };
    const entries = this.provideEntries(dep.name, ids);
    const out: number[] = [];
    for (let k = 0; k < ids.length; k++) {
      const e = entries[k];
      if (Array.isArray(e) ? e.some((p) => matchesDep(p, want)) : matchesDep(e, want)) out.push(ids[k]);
    }
    this.versioned.set(key, out);
    return out;
  }

  /**
   * Per name asked for with a version: for each of its providers (in the order of `ids`) the provide(s) of that
   * name, so that each versioned lookup reads only those, not every provide of every provider.
   */
  private readonly entries = new Map<string, (Dep | Dep[])[]>();

  private provideEntries(name: string, ids: readonly number[]): readonly (Dep | Dep[])[] {
    const known = this.entries.get(name);
    if (known) return known;
    // the index remembers which provide each pair came from: no scan of the providers' other provides
    if (!this.index) this.providersOf(name);
    const index = this.index;
    const nid = index?.nameIds.get(name);
    if (!index || nid === undefined) return NONE_ENTRIES;
    const result: (Dep | Dep[])[] = [];
    let last = -1;
    for (let k = index.start[nid]; k < index.start[nid + 1]; k++) {
      const id = index.ids[k];
      const dep = this.solvables[id].provides[index.provs[k]];
      if (id !== last) { result.push(dep); last = id; continue; }
      const prev = result[result.length - 1];
      result[result.length - 1] = Array.isArray(prev) ? [...prev, dep] : [prev, dep];
    }
    assert(result.length === ids.length, `provide entries of ${name} match its providers`);
    this.entries.set(name, result);
    return result;
  }

  named(name: string): readonly number[] { return this.byName.get(name) ?? NONE; }
}

function grow(a: Int32Array): Int32Array { const b = new Int32Array(a.length * 2); b.set(a); return b; }

const BUCKETS = 1 << 20;

/** A cheap bucket of a name for the index's pre-filter: its length and three of its characters, mixed. */
function nameBucket(name: string): number {
  const n = name.length;
  let h = Math.imul(n, 0x9e3779b1);
  h = Math.imul(h ^ name.charCodeAt(0), 0x85ebca6b);
  h = Math.imul(h ^ name.charCodeAt(n >> 1), 0xc2b2ae35);
  h = Math.imul(h ^ name.charCodeAt(n - 1), 0x27d4eb2f);
  return (h >>> 12) & (BUCKETS - 1);
}

/** The names packages ask for: their own, those their dependencies and Obsoletes: name. */
function wantedNames(solvables: readonly MutableSolvable[]): Set<string> {
  const out = new Set<string>();
  const seen = new Set<DepTree>();
  const walk = (t: DepTree): void => {
    if (t.type === 'simple') { out.add(t.name); return; }
    if (seen.has(t)) return;
    seen.add(t);
    switch (t.type) {
      case 'and': case 'or': case 'with': for (const o of t.operands) walk(o); break;
      case 'without': walk(t.left); walk(t.right); break;
      case 'if': case 'unless': walk(t.left); walk(t.condition); if (t.otherwise) walk(t.otherwise); break;
    }
  };
  for (const s of solvables) {
    out.add(s.name);
    for (const o of s.obsoletes) out.add(o.name);
    for (const list of [s.requires, s.conflicts, s.recommends, s.suggests, s.supplements, s.enhances]) for (const t of list) walk(t);
  }
  return out;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value); else map.set(key, [value]);
}

/** A three-letter tag as one number (its ASCII codes), as scanTesttags reads it. */
const tagCode = (tag: string): number => (tag.charCodeAt(0) << 16) | (tag.charCodeAt(1) << 8) | tag.charCodeAt(2);
/** The dependency tags (repo_testcase.c), each to its index in DEP_KINDS; Prq (pre-requires) are requires. */
const DEP_TAGS: ReadonlyMap<number, number> = new Map([
  ['Prv', 'provides'], ['Req', 'requires'], ['Prq', 'requires'], ['Con', 'conflicts'], ['Obs', 'obsoletes'],
  ['Rec', 'recommends'], ['Sug', 'suggests'], ['Enh', 'enhances'], ['Sup', 'supplements'],
].map(([t, k]) => [tagCode(t), DEP_KINDS.indexOf(k as DepKind)]));
const TAG_PKG = tagCode('Pkg');
const TAG_VND = tagCode('Vnd');
const TAG_TIM = tagCode('Tim');
const TAG_FLS = tagCode('Fls');
/** A tag that is not a dependency (Ver, Sum, Grp, …: ignored) */
const NOT_A_DEP = -1;

/** Reads a testcase file; repo files it names are read relative to it. */
export function readTestcase(path: string): Testcase {
  return parseTestcaseBytes(readFileSync(path), path);
}

/** `where` names the text in errors (a path: repo files are resolved against its directory). */
export function parseTestcase(text: string, where: string): Testcase {
  return parseTestcaseBytes(Buffer.from(text, 'utf8'), where);
}

/**
 * One pass over the bytes with a cursor, line by line: the command lines are decoded, the repositories' testtags
 * lines are read in place (TestcasePool keeps their dependency lines as byte ranges).
 */
function parseTestcaseBytes(text: Buffer, where: string): Testcase {
  const pool = new TestcasePool(text.length);
  const repoIds = new Map<string, number>();
  const pendingSets: { jobs: { line: number; words: string[] }[]; result: string[]; resultTypes: string[]; solverFlags: string[]; poolFlags: Set<string>; unsupported: string[]; genid: DepId[]; reuseSolver: boolean }[] = [];
  // testsolv's pool flags: reset to their defaults at the first poolflags line, then set as the lines come
  const poolFlags = new Set<string>();
  const newSet = (): (typeof pendingSets)[number] => { const set = { jobs: [], result: [], resultTypes: [], solverFlags: [], poolFlags, unsupported: [], genid: [], reuseSolver: false }; pendingSets.push(set); return set; };
  let cur = newSet();
  const pendingDisable: { line: number; text: string }[] = [];
  const unsupported: string[] = [];
  // without a system line libsolv's pool has no arch: nothing is filtered by arch
  let arch = 'unset';
  let installedName: string | undefined;
  const bad = (line: number, what: string): FerryError => new FerryError('TESTCASE_INVALID', `${where}:${line}: ${what}`, {
    hint: 'see libsolv ext/testcase.c for the syntax',
  });
  let pos = 0;
  let lineNo = 0;
  const lineEnd = (from: number): number => { const end = text.indexOf(10, from); return end < 0 ? text.length : end; };
  const startsInline = (at: number): boolean => text[at] === 35 /* # */ && text[at + 1] === 62 /* > */;
  /** The `#>` lines from the cursor on, without their prefix; the cursor moves past them. */
  const inline = (): string[] => {
    const body: string[] = [];
    while (pos < text.length && startsInline(pos)) {
      const end = lineEnd(pos);
      body.push(text.toString('utf8', pos + 2, end));
      pos = end + 1;
      lineNo++;
    }
    return body;
  };
  while (pos < text.length) {
    const end = lineEnd(pos);
    const raw = text.toString('utf8', pos, end).trim();
    pos = end + 1;
    lineNo++;
    if (raw === '' || raw.startsWith('#')) continue;
    const words = raw.split(/\s+/);
    const cmd = words[0];
    switch (cmd) {
      case 'repo': {
        if (words.length < 4) throw bad(lineNo, `"repo" needs NAME PRIO TYPE [SOURCE], got "${raw}"`);
        const [, name, prio, type] = words;
        const m = /^(-?\d+)(?:\.(-?\d+))?$/.exec(prio);
        if (!m) throw bad(lineNo, `repo priority "${prio}" is not PRIO[.SUBPRIO]`);
        const repo = pool.addRepo({ name, priority: Number(m[1]), subpriority: Number(m[2] ?? 0) });
        repoIds.set(name, repo);
        const at = lineNo;
        if (words[4] === '<inline>') {
          const read = type === 'testtags' ? { pool, repo, unsupported, bad: (n: number, what: string) => bad(at + 1 + n, what) } : undefined;
          const { next, lines } = scanTesttags(read, text, pos, 2);
          pos = next;
          lineNo += lines;
        } else if (type !== 'empty') {
          if (words[4] === undefined) throw bad(lineNo, `repo "${name}" of type ${type} names no source`);
          let body: Buffer;
          try {
            body = readFileSync(join(dirname(where), words[4]));
          } catch (err) {
            throw bad(lineNo, `repo file "${words[4]}" cannot be read: ${(err as Error).message}`);
          }
          if (type === 'testtags') scanTesttags({ pool, repo, unsupported, bad: (_n: number, what: string) => bad(at, what) }, body, 0, 0);
        }
        if (type !== 'testtags' && type !== 'empty') unsupported.push(`line ${at}: repo type ${type}`);
        break;
      }
      case 'system': {
        if (words.length < 3) throw bad(lineNo, `"system" needs ARCH DISTTYPE [REPO], got "${raw}"`);
        arch = words[1];
        // a list (`rpm,deb`) takes the first the pool supports, as MULTI_SEMANTICS builds do
        {
          const types = words[2] === '*' ? ['rpm'] : words[2].split(',');
          const type = types.find((t) => t === 'rpm' || t === 'deb');
          if (type === 'deb') pool.disttype = 'deb';
          else if (type !== 'rpm') unsupported.push(`line ${lineNo}: disttype ${words[2]}`);
        }
        installedName = words[3];
        break;
      }
      case 'job': cur.jobs.push({ line: lineNo, words: words.slice(1) }); break;
      case 'result': {
        if (words.length < 2) throw bad(lineNo, '"result" needs TYPES');
        cur.resultTypes = words[1].split(',');
        const at = lineNo;
        if (words[2] === '<inline>') cur.result = inline();
        for (const t of cur.resultTypes) if (!RESULT_TYPES.has(t)) cur.unsupported.push(`line ${at}: result ${t}`);
        break;
      }
      case 'nextjob':
        cur.poolFlags = new Set(poolFlags);
        cur = newSet();
        if (words[1] === 'reusesolver') cur.reuseSolver = true;
        else if (words[1] !== undefined) throw bad(lineNo, `"nextjob" takes only "reusesolver", got "${words[1]}"`);
        break;
      case 'solverflags':
        for (const f of words.slice(1)) {
          if (SOLVER_FLAGS.has(f)) cur.solverFlags.push(f); else cur.unsupported.push(`line ${lineNo}: solverflags ${f}`);
        }
        break;
      case 'poolflags':
        for (const f of words.slice(1)) {
          const name = f.replace(/^!/, '');
          if (!POOL_FLAGS.has(name)) { unsupported.push(`line ${lineNo}: poolflags ${f}`); continue; }
          if (f.startsWith('!')) poolFlags.delete(name); else poolFlags.add(name);
        }
        break;
      case 'feature':
        // the libsolv features the case requires (testcase.c features[]): complex_deps is what the depsolver's rich dependencies are
        for (const f of words.slice(1)) if (f !== 'complex_deps') unsupported.push(`line ${lineNo}: feature ${f}`);
        break;
      case 'disable':
        // pool->considered: only `disable pkg` before the first job set's end is modelled (pool-wide)
        if (words[1] === 'pkg' && pendingSets.length === 1) pendingDisable.push({ line: lineNo, text: words.slice(2).join(' ') });
        else unsupported.push(`line ${lineNo}: disable ${words.slice(1).join(' ')}`);
        break;
      case 'genid': {
        const sub = /^genid[ \t]+(\S+)[ \t]*(.*)$/.exec(raw);
        if (!sub) throw bad(lineNo, '"genid" needs lit|null|dep|op');
        const note = readGenid(cur.genid, sub[1], sub[2], (what) => bad(lineNo, what));
        if (note) cur.unsupported.push(`line ${lineNo}: ${note}`);
        break;
      }
      case 'evrcmp': {
        // testcase_read: a noop job providing `EVR1 OP EVR2`, OP as pool_evrcmp (EVRCMP_COMPARE) orders them
        if (words.length !== 3) throw bad(lineNo, `"evrcmp" needs two EVRs, got "${raw}"`);
        const r = compareEvrStrings(words[1], words[2], (what) => bad(lineNo, what));
        cur.jobs.push({ line: lineNo, words: ['noop', 'provides', words[1], r < 0 ? '<' : r > 0 ? '>' : '=', words[2]] });
        break;
      }
      case 'namespace':
        unsupported.push(`line ${lineNo}: ${cmd}`);
        if (words.at(-1) === '<inline>') inline();
        break;
      default: throw bad(lineNo, `unknown testcase command "${cmd}"`);
    }
  }
  pool.finish();
  if (installedName !== undefined) pool.installedRepo = repoIds.get(installedName);
  // pool_match_nevr for a versioned Obsoletes: keeps rpm's order (obsoleteMatches): not modelled for Debian's pool
  if (pool.disttype === 'deb') {
    for (let id = 0; id < pool.count; id++) {
      const s = pool.solvable(id);
      if (s.obsoletes.some((o) => o.flags !== undefined)) { unsupported.push(`disttype deb with the versioned obsoletes of ${formatSolvable(pool, id)}`); break; }
    }
  }
  const sets: JobSet[] = pendingSets.map((set) => {
    const jobs: Job[] = [];
    const noopSelections: NoopSelection[] = [];
    const noopProvides: DepId[] = [];
    for (const { line, words } of set.jobs) {
      if (words[0] === 'noop' && words[1] === 'provides' && words.length > 2 && !/^\[.*\]$/.test(words.at(-1) ?? '')) {
        try {
          noopProvides.push(parseDepId(words.slice(2).join(' ')));
        } catch (err) {
          if (!isFerryError(err, 'DEP_PARSE')) throw err;
          throw bad(line, err.message);
        }
        continue;
      }
      const type = SELECTION_TYPES[words[1] ?? ''];
      if (type) {
        const flagged = words.length > 3 && /^\[.*\]$/.test(words.at(-1) ?? '');
        const rest = flagged ? words.slice(2, -1) : words.slice(2);
        const keyed = type !== 'selection';
        if (rest.length < (keyed ? 3 : 2)) throw bad(line, `a ${words[1]} job needs ${keyed ? 'KEY ' : ''}TEXT FLAGS`);
        if (words[0] !== 'noop') { set.unsupported.push(`line ${line}: job ${words[0]} ${words[1]}`); continue; }
        const jobFlags = flagged ? (words.at(-1) ?? '').slice(1, -1).split(',').filter((f) => f !== '') : [];
        const text = rest.slice(keyed ? 1 : 0, -1).join(' ');
        noopSelections.push({ line, spec: { type, text, flags: (rest.at(-1) ?? '').split(','), ...(keyed ? { keyname: rest[0] } : {}) }, jobFlags });
        continue;
      }
      const job = parseJob(pool, repoIds, words, (what) => bad(line, what));
      if (typeof job === 'string') set.unsupported.push(`line ${line}: ${job}`); else jobs.push(job);
    }
    set.unsupported.sort((a, b) => lineOf(a) - lineOf(b));
    return { jobs, result: set.result, resultTypes: set.resultTypes, solverFlags: set.solverFlags, poolFlags: [...set.poolFlags].sort(), unsupported: set.unsupported, genids: [...set.genid].reverse(), reuseSolver: set.reuseSolver, noopSelections, noopProvides };
  });
  // testcase_read skips a disable whose package no repo holds (testcase_str2jobsel fails: it only warns)
  const disabled = pendingDisable.flatMap(({ text }) => { const id = findPkg(pool, text); return id === undefined ? [] : [id]; });
  const poolUnsupported = [...unsupported].sort((a, b) => lineOf(a) - lineOf(b));
  const all = [...unsupported, ...sets.flatMap((s) => s.unsupported)].sort((a, b) => lineOf(a) - lineOf(b));
  return { pool, arch, jobs: sets[0].jobs, result: sets[0].result, resultTypes: sets[0].resultTypes, sets, unsupported: all, poolUnsupported, disabled };
}

/** The selection job lines (testcase_read), by their second word. */
const SELECTION_TYPES: Readonly<Record<string, SelectionSpec['type']>> = { selection: 'selection', selection_matchdeps: 'matchdeps', selection_matchdepid: 'matchdepid', selection_matchsolvable: 'matchsolvable' };

/** The result types solveJobSet writes (testcase.c resultflags2str). */
const RESULT_TYPES: ReadonlySet<string> = new Set(['transaction', 'problems', 'recommended', 'cleandeps', 'genid', 'rules', 'jobs', 'alternatives', 'proof']);

/**
 * One `genid` line on a set's stack (testcase_read): `lit STRING`, `null`, `dep TEXT` (testcase_str2dep, whose
 * failure is ID_NULL) or `op OP`, which makes a relation of the top two. Returns what it does not model.
 */
function readGenid(stack: DepId[], cmd: string, arg: string, bad: (what: string) => FerryError): string | undefined {
  switch (cmd) {
    case 'lit': stack.push({ lit: arg }); return undefined;
    case 'null': stack.push(null); return undefined;
    case 'dep':
      try {
        stack.push(parseDepId(arg));
      } catch (err) {
        if (!isFerryError(err, 'DEP_PARSE')) throw err;
        stack.push(null);
      }
      return undefined;
    case 'op': {
      const flags = relOpFlags(arg);
      if (flags === undefined) throw bad(`genid: unknown op "${arg}"`);
      if (stack.length < 2) throw bad('genid: out of stack');
      const evr = stack.pop() as DepId;
      const name = stack.pop() as DepId;
      stack.push({ flags, name, evr });
      return undefined;
    }
    // libsolv 0.7.23's testcase_read knows no other genid command (susedep came later)
    case 'susedep': return 'genid susedep (not in libsolv 0.7.23)';
    default: throw bad(`genid: unknown command "${cmd}"`);
  }
}

/**
 * pool_evrcmp_str in EVRCMP_COMPARE mode: epoch, version, then a missing release before a present one (rpmvercmp
 * throughout, as in an rpm pool).
 */
export function compareEvrStrings(a: string, b: string, bad: (what: string) => FerryError): number {
  let x: Evr;
  let y: Evr;
  try {
    x = parseEvr(a);
    y = parseEvr(b);
  } catch (err) {
    if (isFerryError(err, 'EVR_INVALID')) throw bad(err.message);
    throw err;
  }
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  const v = rpmvercmp(x.version, y.version);
  if (v || (x.release === undefined && y.release === undefined)) return v;
  if (x.release === undefined) return -1;
  if (y.release === undefined) return 1;
  return rpmvercmp(x.release, y.release);
}

function lineOf(note: string): number { return Number(/^line (\d+)/.exec(note)?.[1] ?? 0); }

/** The job flags the depsolver models (ext/testcase.c jobflags2str). */
const JOB_FLAGS: ReadonlySet<string> = new Set(['forcebest', 'targeted', 'setevr', 'setarch', 'weak', 'cleandeps']);

const COMMANDS: ReadonlySet<string> = new Set(['install', 'erase', 'update', 'distupgrade', 'lock', 'favor', 'disfavor', 'multiversion', 'noobsoletes', 'allowuninstall', 'blacklist', 'excludefromweak', 'verify']);

/** A job, or the reason it is not modelled. */
function parseJob(pool: SolverPool, repos: Map<string, number>, words: string[], bad: (what: string) => FerryError): Job | string {
  const flagAt = words.findIndex((w) => w.startsWith('['));
  const flags = flagAt >= 0 ? words.slice(flagAt).join(' ') : '';
  const args = flagAt >= 0 ? words.slice(0, flagAt) : words;
  const [command, how, ...rest] = args;
  if (command === undefined || how === undefined) throw bad(`a job needs COMMAND SELECTION, got "${words.join(' ')}"`);
  if (!COMMANDS.has(command)) return `job ${command}`;
  const flagList = flags.replace(/^\[|\]$/g, '').split(',').filter((f) => f !== '');
  if (flagList.some((f) => !JOB_FLAGS.has(f))) return `job flags ${flags}`;
  const forceBest = flagList.includes('forcebest');
  const targeted = flagList.includes('targeted');
  const setEvr = flagList.includes('setevr');
  const setArch = flagList.includes('setarch');
  const weak = flagList.includes('weak');
  const cleandeps = flagList.includes('cleandeps');
  let select: JobSelect;
  switch (how) {
    case 'name': {
      const tree = depOrThrow(rest.join(' '), bad);
      if (typeof tree === 'string') return tree;
      if (tree.type !== 'simple') return 'job name with a rich dependency';
      select = tree.flags ? { kind: 'name', name: tree.name, evr: { flags: tree.flags, evr: tree.evr } } : { kind: 'name', name: tree.name };
      break;
    }
    case 'provides': {
      const tree = depOrThrow(rest.join(' '), bad);
      if (typeof tree === 'string') return tree;
      if (tree.type !== 'simple') return 'job provides with a rich dependency';
      select = { kind: 'provides', dep: tree };
      break;
    }
    case 'pkg': {
      const id = findPkg(pool, rest.join(' '));
      if (id === undefined) throw bad(`job names package "${rest.join(' ')}", which no repo holds`);
      select = { kind: 'pkg', id };
      break;
    }
    case 'all': select = { kind: 'all' }; break;
    case 'oneof': {
      const ids = rest.map((text) => {
        const id = findPkg(pool, text);
        if (id === undefined) throw bad(`job names package "${text}", which no repo holds`);
        return id;
      });
      select = { kind: 'oneof', ids };
      break;
    }
    case 'repo': {
      const repo = repos.get(rest[0] ?? '');
      if (repo === undefined) throw bad(`job names repo "${rest[0] ?? ''}", which the testcase does not define`);
      select = { kind: 'repo', repo };
      break;
    }
    default: return `job selection ${how}`;
  }
  // noobsoletes is multiversion's old name (ext/testcase.c job2str)
  const cmd = command === 'noobsoletes' ? 'multiversion' : command as JobCommand;
  if (forceBest && cmd !== 'install' && cmd !== 'update' && cmd !== 'distupgrade') return `job flags ${flags} on ${command}`;
  // SOLVER_TARGETED means nothing on an install job (only update and distupgrade read it)
  if (targeted && cmd !== 'update' && cmd !== 'distupgrade' && cmd !== 'install') return `job flags ${flags} on ${command}`;
  return { command: cmd, select, ...(forceBest ? { forceBest } : {}), ...(targeted ? { targeted } : {}), ...(setEvr ? { setEvr } : {}), ...(setArch ? { setArch } : {}), ...(weak ? { weak } : {}), ...(cleandeps ? { cleandeps } : {}) };
}

/** `N-[E:]V-R.A@REPO`, as testsolv prints solvables. */
export function formatSolvable(pool: SolverPool, id: number): string {
  const s = pool.solvable(id);
  const epoch = s.evr.epoch ? `${s.evr.epoch}:` : '';
  const rel = s.evr.release === undefined ? '' : `-${s.evr.release}`;
  return `${s.name}-${epoch}${s.evr.version}${rel}.${s.arch}@${pool.repos[s.repo].name}`;
}

function findPkg(pool: SolverPool, text: string): number | undefined {
  for (let id = 0; id < pool.count; id++) if (formatSolvable(pool, id) === text) return id;
  return undefined;
}

/** Where scanTesttags puts what it reads; without one it only skips the lines (a repo type that is not read). */
interface TesttagsTarget {
  readonly pool: TestcasePool;
  readonly repo: number;
  readonly unsupported: string[];
  /** The error for line n (0-based) of the repository's text. */
  readonly bad: (n: number, what: string) => FerryError;
}

/**
 * Reads testtags lines (repo_testcase.c testcase_add_testtags) from `text` at `from`. With a prefix (2: the
 * `#>` of an inline repository) the repository ends at the first line without it; otherwise at the end of the
 * text. Returns the offset after the last line read and how many lines that was.
 */
function scanTesttags(to: TesttagsTarget | undefined, text: Buffer, from: number, prefix: number): { next: number; lines: number } {
  let cur: Solvable | undefined;
  let block: { kind: number; tag: number } | undefined;
  let pos = from;
  let n = 0;
  const size = text.length;
  for (; pos < size; n++) {
    if (prefix && (text[pos] !== 35 || text[pos + 1] !== 62)) break;
    // the line's end by a scan of its bytes: a native indexOf per line costs more than the line's few dozen bytes
    let end = pos;
    while (end < size && text[end] !== 10) end++;
    const ls = pos + prefix;
    pos = end + 1;
    if (!to) continue;
    const c = text[ls];
    if (block) {
      if (c === 45 /* - */ && tagAt(text, ls + 1) === block.tag && text[ls + 4] === 58 /* : */) { block = undefined; continue; }
      addDep(to, cur, block.kind, text, ls, end, n);
      continue;
    }
    if ((c !== 61 /* = */ && c !== 43 /* + */) || text[ls + 4] !== 58 || ls + 4 >= end || !isWord(text[ls + 1]) || !isWord(text[ls + 2]) || !isWord(text[ls + 3])) {
      const line = text.toString('utf8', ls, end);
      if (line.trim() === '' || line.startsWith('#')) continue;
      throw to.bad(n, `testtags line "${line}" is not =Tag: or +Tag:`);
    }
    // the tag as a number: no string per line
    const tag = tagAt(text, ls + 1);
    let vs = ls + 5;
    while (vs < end && isSpace(text[vs])) vs++;
    if (tag === TAG_PKG) {
      cur = newSolvable(to, text, text.toString('utf8', vs, end), n) ?? cur;
      continue;
    }
    // repo_testcase.c: the vendor is the rest of the line, the build time its leading number (0: none)
    if (tag === TAG_VND && cur) { (cur as { vendor?: string }).vendor = text.toString('utf8', vs, end); continue; }
    if (tag === TAG_FLS && cur) { to.pool.addFile(text.toString('utf8', vs, end).trim()); continue; }
    if (tag === TAG_TIM && cur) { const t = Number.parseInt(text.toString('utf8', vs, end), 10); if (t) (cur as { buildTime?: number }).buildTime = t; continue; }
    const kind = DEP_TAGS.get(tag) ?? NOT_A_DEP;
    if (c === 43) { block = { kind, tag }; continue; }
    if (kind === NOT_A_DEP) continue;
    addDep(to, cur, kind, text, vs, end, n);
  }
  if (to && block) throw to.bad(n, `+${String.fromCharCode(block.tag >> 16, (block.tag >> 8) & 255, block.tag & 255)}: block is not closed by -${String.fromCharCode(block.tag >> 16, (block.tag >> 8) & 255, block.tag & 255)}:`);
  if (to) to.pool.finish();
  return { next: pos, lines: n };
}

function tagAt(text: Buffer, at: number): number { return (text[at] << 16) | (text[at + 1] << 8) | text[at + 2]; }

function isWord(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isSpace(c: number): boolean { return c === 32 || (c >= 9 && c <= 13); }

/**
 * `=Pkg: NAME [EPOCH:]VERSION RELEASE ARCH`. Without the arch, testcase_add_testtags adds no package (the line is
 * skipped, what follows belongs to the package before): undefined.
 */
function newSolvable(to: TesttagsTarget, bytes: Buffer, value: string, n: number): Solvable | undefined {
  const f = value.trim().split(/\s+/);
  if (f.length === 3) return undefined;
  if (f.length !== 4) throw to.bad(n, `=Pkg: needs NAME VERSION RELEASE ARCH, got "${value}"`);
  const [name, version, release, arch] = f;
  const colon = version.indexOf(':');
  const evr: Evr = colon >= 0
    ? { epoch: Number(version.slice(0, colon)), version: version.slice(colon + 1), release }
    : { epoch: 0, version, release };
  if (!Number.isSafeInteger(evr.epoch)) throw to.bad(n, `=Pkg: epoch in "${version}" is not a number`);
  return to.pool.begin(bytes, name, evr, arch, to.repo);
}

/** Dependency line text[from, to) of kind `kind` (an index into DEP_KINDS), blank lines skipped. */
function addDep(to: TesttagsTarget, cur: Solvable | undefined, kind: number, text: Buffer, from: number, end: number, n: number): void {
  if (kind === NOT_A_DEP) return;
  let a = from;
  let b = end;
  while (a < b && isSpace(text[a])) a++;
  while (b > a && isSpace(text[b - 1])) b--;
  if (a === b) {
    // a line of other whitespace only (non-ASCII) is blank too, as String.prototype.trim sees it
    if (a === end || text.toString('utf8', a, end).trim() === '') return;
  }
  if (!cur) throw to.bad(n, `"${text.toString('utf8', from, end).trim()}" comes before any =Pkg:`);
  if (to.pool.addLine(kind, a, b)) return;
  const value = text.toString('utf8', from, end).trim();
  if (value === '') return;
  const name = DEP_KINDS[kind];
  let dep: Dep | DepTree;
  if (name === 'provides' || name === 'obsoletes') {
    const simple = to.pool.deps.simple(value, (what) => to.bad(n, what));
    if (typeof simple === 'string') { to.unsupported.push(simple); return; }
    if (simple === undefined) throw to.bad(n, `a rich dependency cannot be a ${name === 'provides' ? 'provide' : 'obsolete'}: "${value}"`);
    dep = simple;
  } else {
    const tree = to.pool.deps.tree(value, (what) => to.bad(n, what));
    if (typeof tree === 'string') { to.unsupported.push(tree); return; }
    dep = tree;
  }
  to.pool.addParsed(kind, a, b, dep);
}

/** A package as writeTestcase writes it (a Solvable without its repository). */
export type TestcasePackage = Omit<Solvable, 'repo'>;

export interface TestcaseSpec {
  /** In order; the installed system is the repository named by `installed`. */
  readonly repos: readonly { name: string; priority: number; packages: readonly TestcasePackage[] }[];
  readonly arch: string;
  readonly installed?: string;
  /** Job lines without the leading `job `, e.g. `distupgrade all packages`. */
  readonly jobs: readonly string[];
}

/** A libsolv testcase with inline testtags repositories, which testsolv and readTestcase both read. */
export function writeTestcase(spec: TestcaseSpec): string {
  const out: string[] = [];
  const tags: [string, keyof TestcasePackage][] = [['Req', 'requires'], ['Con', 'conflicts'], ['Rec', 'recommends'], ['Sug', 'suggests'], ['Sup', 'supplements'], ['Enh', 'enhances']];
  const simple = (d: Dep): string => formatTestcaseDep({ type: 'simple', name: d.name, flags: d.flags, evr: d.evr });
  for (const repo of spec.repos) {
    out.push(`repo ${repo.name} ${repo.priority} testtags <inline>`);
    for (const p of repo.packages) {
      const version = p.evr.epoch ? `${p.evr.epoch}:${p.evr.version}` : p.evr.version;
      out.push(`#>=Pkg: ${p.name} ${version} ${p.evr.release ?? ''} ${p.arch}`);
      for (const d of p.provides) out.push(`#>=Prv: ${simple(d)}`);
      for (const d of p.obsoletes) out.push(`#>=Obs: ${simple(d)}`);
      for (const [tag, key] of tags) for (const d of p[key] as readonly DepTree[]) out.push(`#>=${tag}: ${formatTestcaseDep(d)}`);
      if (p.vendor) out.push(`#>=Vnd: ${p.vendor}`);
      if (p.buildTime) out.push(`#>=Tim: ${p.buildTime}`);
    }
  }
  out.push(`system ${spec.arch} rpm ${spec.installed ?? 'system'}`);
  for (const j of spec.jobs) out.push(`job ${j}`);
  out.push('result transaction,problems <inline>', '');
  return out.join('\n');
}
