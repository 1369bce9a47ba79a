/**
 * The testcase reader's pool, read straight from the testcase's bytes, libsolv's way (src/poolid.c, src/pool.c
 * pool_createwhatprovides): every provide name is interned to an integer id by a hash over its bytes while the
 * file is scanned, one (name id, solvable, line) triple per provide goes into typed arrays, and those become the
 * whatprovides offsets on the first lookup. A dependency line is kept as its byte range and parsed only when the
 * solver reads that package's list of that kind (most of a distribution's packages are never looked at), or a
 * versioned lookup reads that provide. Lines that are not plain `NAME` / `NAME OP EVR` in ASCII are parsed at
 * once, so that malformed or unmodelled text is reported while reading, as before.
 */
import { FerryError, assert, isFerryError } from '../core/errors.js';
import { matchesDep, type DepTree, type SimpleDep } from '../rpm/deps.js';
import { matchesDebDep } from './disttype.js';
import { parseEvr } from '../rpm/evr.js';
import type { Dep, DepFlag, Evr } from '../rpm/types.js';
import { parseTestcaseDep } from './testdep.js';
import type { Solvable, SolverPool, SolverRepo } from './types.js';

/** The kinds of dependency lines, as stored per line. */
export const DEP_KINDS = ['provides', 'requires', 'conflicts', 'obsoletes', 'recommends', 'suggests', 'supplements', 'enhances'] as const;
export type DepKind = (typeof DEP_KINDS)[number];
const PRV = 0;
const OBS = 3;

const NONE: readonly number[] = [];
const NO_DEPS: readonly never[] = [];

/** A solvable of the pool: name, EVR, arch and repo read with its =Pkg: line, its dependency lists on first use. */
class TestcaseSolvable implements Solvable {
  vendor?: string;
  buildTime?: number;
  readonly #pool: TestcasePool;
  readonly #id: number;
  // each list read on first use (one field per kind: the objects keep one shape)
  #provides: readonly Dep[] | undefined = undefined;
  #requires: readonly DepTree[] | undefined = undefined;
  #conflicts: readonly DepTree[] | undefined = undefined;
  #obsoletes: readonly Dep[] | undefined = undefined;
  #recommends: readonly DepTree[] | undefined = undefined;
  #suggests: readonly DepTree[] | undefined = undefined;
  #supplements: readonly DepTree[] | undefined = undefined;
  #enhances: readonly DepTree[] | undefined = undefined;

  constructor(pool: TestcasePool, id: number, readonly name: string, readonly evr: Evr, readonly arch: string, readonly repo: number) {
    this.#pool = pool;
    this.#id = id;
  }

  get provides(): readonly Dep[] { return this.#provides ??= this.#pool.depList(this.#id, 0) as readonly Dep[]; }
  get requires(): readonly DepTree[] { return this.#requires ??= this.#pool.depList(this.#id, 1) as readonly DepTree[]; }
  get conflicts(): readonly DepTree[] { return this.#conflicts ??= this.#pool.depList(this.#id, 2) as readonly DepTree[]; }
  get obsoletes(): readonly Dep[] { return this.#obsoletes ??= this.#pool.depList(this.#id, 3) as readonly Dep[]; }
  get recommends(): readonly DepTree[] { return this.#recommends ??= this.#pool.depList(this.#id, 4) as readonly DepTree[]; }
  get suggests(): readonly DepTree[] { return this.#suggests ??= this.#pool.depList(this.#id, 5) as readonly DepTree[]; }
  get supplements(): readonly DepTree[] { return this.#supplements ??= this.#pool.depList(this.#id, 6) as readonly DepTree[]; }
  get enhances(): readonly DepTree[] { return this.#enhances ??= this.#pool.depList(this.#id, 7) as readonly DepTree[]; }
}

/** Where a package's dependency lines go while its =Pkg: block is read. */
export interface PendingSolvable {
  readonly id: number;
  readonly solvable: TestcaseSolvable;
}

export class TestcasePool implements SolverPool {
  readonly repos: SolverRepo[] = [];
  installedRepo: number | undefined;
  /** The testcase's `system` disttype: set before the first lookup (the index is built lazily). */
  disttype: 'rpm' | 'deb' = 'rpm';
  private readonly solvables: TestcaseSolvable[] = [];
  private readonly byName = new Map<string, number[]>();
  private readonly names: NameTable;
  /** Requires-like dependency texts read so far, interned, and their trees by text id. */
  private readonly depTexts = new NameTable(1 << 10);
  private readonly trees: DepTree[] = [];
  readonly deps = new DepReader();

  // the dependency lines, solvable after solvable: kind, value range in `bytes`, what was parsed at once (else undefined)
  private bytes: Buffer = Buffer.alloc(0);
  private lineKind: Uint8Array;
  /** Per line: 1 when it was parsed while reading (its dependency is in `early`). */
  private lineEarly: Uint8Array;
  private lineStart: Int32Array;
  private lineEnd: Int32Array;
  private readonly early = new Map<number, Dep | DepTree>();
  private lines = 0;
  /** Solvable id's lines are [solvLines[id], solvLines[id + 1]); kinds[id] has bit k when it has lines of kind k. */
  private readonly solvLines: number[] = [0];
  private readonly kinds: number[] = [];
  /** Per solvable: 1 when it got the self-provide. */
  private readonly selfAdded: number[] = [];
  /** Whether the open solvable has its own `name = …` provide (else it gets its self-provide, as susetags gives). */
  private hasSelf = false;
  private openKinds = 0;

  // one (name id, solvable, line) per provide; line -1: the self-provide
  private pairName: Int32Array;
  private pairId: Int32Array;
  private pairLine: Int32Array;
  private pairs = 0;
  private index: { start: Int32Array; ids: Int32Array; lines: Int32Array } | undefined;
  private readonly lists = new Map<number, readonly number[]>();
  private readonly nameIds = new Map<string, number>();
  /** The buffers lines are in (one per repository file), and per dependency line the index of its own. */
  private readonly buffers: Buffer[] = [];
  private lineBuffer: Int32Array;
  private bufferIndex = -1;
  private readonly versioned = new Map<string, readonly number[]>();
  private readonly byDep = new Map<SimpleDep, readonly number[]>();
  private readonly entries = new Map<number, readonly (Dep | Dep[])[]>();

  /**
   * `sizeHint`: the size of the text to be read, in bytes. The line and provide arrays and the name table are
   * sized from it (a dependency line takes at least 16 bytes, a provide about 64, a distinct provide name about
   * 200: CS9 BaseOS + AppStream's 21 MB testcase has 97,431), so that reading a distribution's repositories does not
   * grow and rehash them again and again, while the name table, probed once per provide, stays near the cache's
   * size (2 MB there; sized for a name per provide it took 8 MB).
   */
  constructor(sizeHint = 0) {
    const lines = Math.max(1024, sizeHint >> 4);
    this.lineKind = new Uint8Array(lines);
    this.lineEarly = new Uint8Array(lines);
    this.lineStart = new Int32Array(lines);
    this.lineEnd = new Int32Array(lines);
    this.lineBuffer = new Int32Array(lines);
    const pairs = Math.max(1024, sizeHint >> 6);
    this.pairName = new Int32Array(pairs);
    this.pairId = new Int32Array(pairs);
    this.pairLine = new Int32Array(pairs);
    this.names = new NameTable(Math.max(1024, sizeHint >> 8));
  }

  get count(): number { return this.solvables.length; }
  solvable(id: number): Solvable { return this.solvables[id]; }
  addRepo(repo: SolverRepo): number { this.repos.push(repo); return this.repos.length - 1; }
  named(name: string): readonly number[] { return this.byName.get(name) ?? NONE; }

  /** Per solvable with `=Fls:` lines: its file list (SOLVABLE_FILELIST). */
  private readonly fileLists = new Map<number, string[]>();

  /** A `=Fls:` path of the open solvable; one without a "/" is dropped, as repo_testcase.c drops it. */
  addFile(path: string): void {
    if (!path.includes('/')) return;
    const id = this.solvables.length - 1;
    const list = this.fileLists.get(id);
    if (list) list.push(path); else this.fileLists.set(id, [path]);
  }

  files(id: number): readonly string[] { return this.fileLists.get(id) ?? NONE_FILES; }

  /** Starts a solvable; its dependency lines (addLine) come from `bytes` until the next begin or finish. */
  begin(bytes: Buffer, name: string, evr: Evr, arch: string, repo: number): TestcaseSolvable {
    this.finish();
    if (this.index) {
      this.index = undefined;
      this.lists.clear();
      this.nameIds.clear();
      this.versioned.clear();
      this.byDep.clear();
      this.entries.clear();
    }
    if (this.bytes !== bytes || this.bufferIndex < 0) { this.buffers.push(bytes); this.bufferIndex = this.buffers.length - 1; }
    this.bytes = bytes;
    const id = this.solvables.length;
    const s = new TestcaseSolvable(this, id, name, evr, arch, repo);
    this.solvables.push(s);
    this.openKinds = 0;
    this.hasSelf = false;
    const list = this.byName.get(name);
    if (list) list.push(id); else this.byName.set(name, [id]);
    return s;
  }

  /** Ends the open solvable (if any): its self-provide when it has no `name = evr` of its own and is no source. */
  finish(): void {
    const id = this.solvables.length - 1;
    if (id < 0 || this.solvLines.length === id + 2) return;
    const src = this.solvables[id].arch === 'src' || this.solvables[id].arch === 'nosrc';
    if (src) this.hasSelf = true;
    if (!this.hasSelf) this.addPair(this.names.internString(this.solvables[id].name), id, -1);
    this.selfAdded.push(this.hasSelf ? 0 : 1);
    this.kinds.push(this.openKinds);
    this.solvLines.push(this.lines);
  }

  /**
   * A dependency line of the open solvable: bytes [from, to) of the buffer given to begin, trimmed and not
   * empty. A plain ASCII `NAME` or `NAME OP EVR` is kept as its range (true); anything else is not taken (false)
   * and the reader parses it and hands it to addParsed, so that malformed text fails while reading.
   */
  addLine(kind: number, from: number, to: number): boolean {
    const b = this.bytes;
    const ne = plainNameEnd(b, from, to);
    if (ne < 0) return false;
    const line = this.newLine(kind, from, to);
    if (kind === PRV) {
      const id = this.solvables.length - 1;
      if (!this.hasSelf && PLAIN_EQ && bytesEqualString(b, from, ne, this.solvables[id].name) && isSelfProvide(this.provideOf(line, this.solvables[id].name), this.solvables[id])) this.hasSelf = true;
      this.addPair(this.names.intern(b, from, ne, PLAIN_HASH), id, line);
    }
    return true;
  }

  /** A dependency line the reader parsed itself (addLine did not take it). */
  addParsed(kind: number, from: number, to: number, dep: Dep | DepTree): void {
    const line = this.newLine(kind, from, to);
    this.early.set(line, dep);
    this.lineEarly[line] = 1;
    if (kind !== PRV) return;
    const id = this.solvables.length - 1;
    const d = dep as Dep;
    if (isSelfProvide(d, this.solvables[id])) this.hasSelf = true;
    this.addPair(this.names.internString(d.name), id, line);
  }

  private newLine(kind: number, from: number, to: number): number {
    if (this.lines === this.lineKind.length) {
      this.lineKind = growU8(this.lineKind);
      this.lineEarly = growU8(this.lineEarly);
      this.lineStart = grow(this.lineStart);
      this.lineEnd = grow(this.lineEnd);
      this.lineBuffer = grow(this.lineBuffer);
    }
    const line = this.lines++;
    // each repository file has its own buffer: a line keeps the one it is in
    this.lineBuffer[line] = this.bufferIndex;
    this.lineKind[line] = kind;
    this.lineStart[line] = from;
    this.lineEnd[line] = to;
    this.openKinds |= 1 << kind;
    return line;
  }

  private addPair(nid: number, id: number, line: number): void {
    if (this.pairs === this.pairId.length) { this.pairName = grow(this.pairName); this.pairId = grow(this.pairId); this.pairLine = grow(this.pairLine); }
    this.pairName[this.pairs] = nid;
    this.pairId[this.pairs] = id;
    this.pairLine[this.pairs++] = line;
  }

  /** Solvable id's dependencies of one kind, in line order (provides: its self-provide last, when it gets one). */
  depList(id: number, kind: number): readonly (Dep | DepTree)[] {
    const self = this.solvables[id];
    const noSelf = kind !== PRV || this.selfAdded[id] === 0;
    if ((this.kinds[id] & (1 << kind)) === 0 && noSelf) return NO_DEPS;
    const out: (Dep | DepTree)[] = [];
    for (let line = this.solvLines[id]; line < this.solvLines[id + 1]; line++) {
      if (this.lineKind[line] === kind) out.push(this.lineDep(line));
    }
    if (!noSelf) out.push({ name: self.name, flags: 'EQ', evr: self.evr });
    return out;
  }

  private lineDep(line: number): Dep | DepTree {
    if (this.lineEarly[line] === 1) return this.early.get(line) as Dep | DepTree;
    const bytes = this.buffers[this.lineBuffer[line]];
    const from = this.lineStart[line];
    const to = this.lineEnd[line];
    const kind = this.lineKind[line];
    // plain lines parse without error (plainNameEnd checked their shape and EVR)
    if (kind === PRV || kind === OBS) return this.deps.simple(bytes.latin1Slice(from, to), unreachable) as Dep;
    // one shared tree per requires-like text, found by its bytes (no string for a text seen before)
    const tid = this.depTexts.intern(bytes, from, to);
    let tree = this.trees[tid];
    if (tree === undefined) { tree = this.deps.tree(bytes.latin1Slice(from, to), unreachable) as DepTree; this.trees[tid] = tree; }
    return tree;
  }

  /**
   * The provide on `line`, whose name is `name` (the index put it under that name): a plain line's relation and
   * EVR are read from its bytes, without slicing and scanning the name again.
   */
  private provideOf(line: number, name: string): Dep {
    if (this.lineEarly[line] === 1) return this.early.get(line) as Dep;
    const b = this.buffers[this.lineBuffer[line]];
    const to = this.lineEnd[line];
    let s = this.lineStart[line];
    while (s < to && b[s] > 32) s++;
    if (s === to) return { name };
    while (b[s] === 32 || b[s] === 9) s++;
    const op = s;
    while (b[s] === 60 || b[s] === 61 || b[s] === 62) s++;
    const flags = RELATION_BYTES[s - op === 1 ? b[op] : (b[op] << 8) | b[op + 1]] as DepFlag;
    while (b[s] === 32 || b[s] === 9) s++;
    return { name, flags, evr: parseEvr(b.latin1Slice(s, to)) };
  }

  // ---- whatprovides ----

  /**
   * pool_createwhatprovides: the provide index built now rather than on the first lookup (testsolv builds it
   * before it solves; the solver bench times it apart). Adding a solvable afterwards drops it again.
   */
  createWhatprovides(): void {
    this.index ??= this.buildIndex();
  }

  private buildIndex(): NonNullable<TestcasePool['index']> {
    this.finish();
    const names = this.names.size;
    const pairs = this.pairs;
    const start = new Int32Array(names + 1);
    for (let k = 0; k < pairs; k++) start[this.pairName[k] + 1]++;
    for (let n = 0; n < names; n++) start[n + 1] += start[n];
    const fill = start.slice(0, names);
    const ids = new Int32Array(pairs);
    const lines = new Int32Array(pairs);
    // pairs come in solvable order, so each name's ids come out ascending
    for (let k = 0; k < pairs; k++) { const at = fill[this.pairName[k]]++; ids[at] = this.pairId[k]; lines[at] = this.pairLine[k]; }
    return { start, ids, lines };
  }

  private nameId(name: string): number {
    let nid = this.nameIds.get(name);
    if (nid === undefined) { nid = this.names.lookUpString(name); this.nameIds.set(name, nid); }
    return nid;
  }

  /** The solvables providing `name`, ascending, each once. */
  private providersOf(name: string): readonly number[] {
    this.index ??= this.buildIndex();
    const nid = this.nameId(name);
    if (nid < 0) return NONE;
    const known = this.lists.get(nid);
    if (known) return known;
    const { start, ids } = this.index;
    const out: number[] = [];
    for (let k = start[nid]; k < start[nid + 1]; k++) if (out.length === 0 || out[out.length - 1] !== ids[k]) out.push(ids[k]);
    this.lists.set(nid, out);
    return out;
  }

  whatprovides(dep: SimpleDep): readonly number[] {
    const ids = this.providersOf(dep.name);
    if (dep.flags === undefined) return ids;
    const known = this.byDep.get(dep);
    if (known) return known;
    const key = `${dep.name}\0${dep.flags}\0${dep.evr?.epoch ?? ''}:${dep.evr?.version ?? ''}-${dep.evr?.release ?? '\0'}`;
    let out = this.versioned.get(key);
    if (!out) {
      const want: Dep = { name: dep.name, flags: dep.flags, evr: dep.evr };
      const entries = this.provideEntries(dep.name, ids);
      const found: number[] = [];
      const matches = this.disttype === 'deb' ? matchesDebDep : matchesDep;
      for (let k = 0; k < ids.length; k++) {
        const e = entries[k];
        if (Array.isArray(e) ? e.some((p) => matches(p, want)) : matches(e, want)) found.push(ids[k]);
      }
      out = found;
      this.versioned.set(key, out);
    }
    this.byDep.set(dep, out);
    return out;
  }

  /** Per provider of `name` (in the order of `ids`) its provide(s) of that name: only those lines are parsed. */
  private provideEntries(name: string, ids: readonly number[]): readonly (Dep | Dep[])[] {
    const nid = this.nameId(name);
    const known = this.entries.get(nid);
    if (known) return known;
    const index = this.index ?? this.buildIndex();
    const result: (Dep | Dep[])[] = [];
    let last = -1;
    for (let k = index.start[nid]; k < index.start[nid + 1]; k++) {
      const id = index.ids[k];
      const line = index.lines[k];
      const s = this.solvables[id];
      const dep = line < 0 ? { name: s.name, flags: 'EQ' as const, evr: s.evr } : this.provideOf(line, name);
      if (id !== last) { result.push(dep); last = id; continue; }
      const prev = result[result.length - 1];
      result[result.length - 1] = Array.isArray(prev) ? [...prev, dep] : [prev, dep];
    }
    assert(result.length === ids.length, `provide entries of ${name} match its providers`);
    this.entries.set(nid, result);
    return result;
  }
}

/**
 * Whether a provide is the package's own `name = evr` (repo_testcase.c adds that one to every package but a source
 * one, once: repo_addid_dep drops only the same dependency, a `name = other-evr` provide is another).
 */
export function isSelfProvide(d: Dep, s: { name: string; evr: Evr }): boolean {
  return d.name === s.name && d.flags === 'EQ' && d.evr !== undefined && d.evr.epoch === s.evr.epoch && d.evr.version === s.evr.version && (d.evr.release ?? '') === (s.evr.release ?? '');
}

const NONE_FILES: readonly string[] = [];

function unreachable(what: string): FerryError {
  return new FerryError('TESTCASE_INVALID', `a dependency checked while reading fails to parse: ${what}`);
}

function grow(a: Int32Array): Int32Array { const b = new Int32Array(a.length * 2); b.set(a); return b; }
function growU8(a: Uint8Array): Uint8Array { const b = new Uint8Array(a.length * 2); b.set(a); return b; }

function bytesEqualString(b: Buffer, from: number, to: number, s: string): boolean {
  if (to - from !== s.length) return false;
  for (let k = 0; k < s.length; k++) if (b[from + k] !== s.charCodeAt(k)) return false;
  return true;
}

/** Set by plainNameEnd: the plain line's relation is `=`. */
let PLAIN_EQ = false;

/**
 * When bytes [from, to) are a dependency scanSimpleDep reads and parseEvr accepts, in ASCII: `NAME` (no
 * unbalanced ")") or `NAME OP EVR` with OP one of = <= >= > < and an EVR whose epoch is digits and whose version
 * is not empty: the end of NAME (PLAIN_EQ tells whether OP is =). Else -1: the line takes the general parser.
 */
function plainNameEnd(b: Buffer, from: number, to: number): number {
  PLAIN_EQ = false;
  if (b[from] === 40) return -1;
  const ne = plainNameHashed(b, from, to);
  if (ne < 0) return -1;
  if (ne === to) return ne;
  let s = ne;
  while (s < to && (b[s] === 32 || b[s] === 9)) s++;
  const op = s;
  while (s < to && (b[s] === 60 || b[s] === 61 || b[s] === 62)) s++;
  const len = s - op;
  const a = b[op];
  const z = b[op + 1];
  const known = len === 1 ? a === 61 || a === 60 || a === 62 : len === 2 && z === 61 && (a === 60 || a === 62);
  if (!known || (b[s] !== 32 && b[s] !== 9)) return -1;
  while (s < to && (b[s] === 32 || b[s] === 9)) s++;
  if (s === to || b[s] === 40) return -1;
  if (plainName(b, s, to) !== to) return -1;
  // parseEvr: an epoch of digits (or none) before the first ":", a version before the last "-" that is not empty
  let colon = -1;
  for (let k = s; k < to; k++) if (b[k] === 58) { colon = k; break; }
  if (colon >= 0) {
    if (colon - s > 15) return -1;
    for (let k = s; k < colon; k++) if (b[k] < 48 || b[k] > 57) return -1;
    s = colon + 1;
  }
  let dash = to;
  for (let k = to - 1; k >= s; k--) if (b[k] === 45) { dash = k; break; }
  if (dash === s) return -1;
  PLAIN_EQ = len === 1 && a === 61;
  return ne;
}

/** nameEnd of scanSimpleDep over ASCII bytes: the end of a name starting at from, -1 when not plain. */
/** Set by plainNameEnd: the hash of the plain line's name (hashBytes over it), taken in the same scan. */
let PLAIN_HASH = 0;

/** plainName that also hashes the name as hashBytes does (into PLAIN_HASH): the provide's name is scanned once. */
function plainNameHashed(b: Buffer, from: number, to: number): number {
  let paren = 0;
  let s = from;
  let h = 0x811c9dc5;
  for (; s < to; s++) {
    const c = b[s];
    if (c <= 32) break;
    if (c >= 128) return -1;
    if (c === 40) paren++;
    else if (c === 41 && paren-- <= 0) return -1;
    h = Math.imul(h ^ c, 0x01000193);
  }
  PLAIN_HASH = (h ^ (h >>> 15)) & 0x7fffffff;
  return s === from ? -1 : s;
}

function plainName(b: Buffer, from: number, to: number): number {
  let paren = 0;
  let s = from;
  for (; s < to; s++) {
    const c = b[s];
    if (c <= 32) break;
    if (c >= 128) return -1;
    if (c === 40) paren++;
    else if (c === 41 && paren-- <= 0) return -1;
  }
  return s === from ? -1 : s;
}

/**
 * Names interned to dense ids by a hash over their UTF-8 bytes (libsolv's stringpool): open addressing in an
 * Int32Array; a name's bytes stay where they were read.
 */
class NameTable {
  /** Open addressing: slot k is [2k] the name's hash, [2k + 1] its id (-1: empty); a probe reads one cache line. */
  private slots: Int32Array;
  private mask: number;
  private keyBuf: Buffer[] = [];
  private keyStart: Int32Array;
  private keyLen: Int32Array;
  private keyHash: Int32Array;
  size = 0;

  /** `expected`: about how many names will be interned (the table starts at twice that, a power of two). */
  constructor(expected: number) {
    let size = 1 << 10;
    while (size < 2 * expected && size < 1 << 24) size *= 2;
    this.slots = new Int32Array(2 * size).fill(-1);
    this.mask = size - 1;
    this.keyStart = new Int32Array(expected);
    this.keyLen = new Int32Array(expected);
    this.keyHash = new Int32Array(expected);
  }

  /** `hash`: hashBytes(b, from, to) when the caller has it already. */
  intern(b: Buffer, from: number, to: number, hash = hashBytes(b, from, to)): number {
    const h = hash;
    const len = to - from;
    const slots = this.slots;
    for (let at = h & this.mask; ; at = (at + 1) & this.mask) {
      const id = slots[2 * at + 1];
      if (id < 0) break;
      if (slots[2 * at] === h && this.keyLen[id] === len && sameBytes(this.keyBuf[id], this.keyStart[id], b, from, len)) return id;
    }
    return this.insert(b, from, to, h);
  }

  internString(s: string): number {
    const b = Buffer.from(s, 'utf8');
    return this.intern(b, 0, b.length);
  }

  /** The id of an interned name, -1 when none. An ASCII name is hashed and compared as it is, without encoding it. */
  lookUpString(s: string): number {
    let h = 0x811c9dc5;
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c >= 128) return this.lookUpBytes(Buffer.from(s, 'utf8'));
      h = Math.imul(h ^ c, 0x01000193);
    }
    h = (h ^ (h >>> 15)) & 0x7fffffff;
    const slots = this.slots;
    for (let at = h & this.mask; ; at = (at + 1) & this.mask) {
      const id = slots[2 * at + 1];
      if (id < 0) return -1;
      if (slots[2 * at] !== h || this.keyLen[id] !== s.length) continue;
      const kb = this.keyBuf[id];
      const ks = this.keyStart[id];
      let k = 0;
      while (k < s.length && kb[ks + k] === s.charCodeAt(k)) k++;
      if (k === s.length) return id;
    }
  }

  private lookUpBytes(b: Buffer): number {
    const h = hashBytes(b, 0, b.length);
    const slots = this.slots;
    for (let at = h & this.mask; ; at = (at + 1) & this.mask) {
      const id = slots[2 * at + 1];
      if (id < 0) return -1;
      if (slots[2 * at] === h && this.keyLen[id] === b.length && sameBytes(this.keyBuf[id], this.keyStart[id], b, 0, b.length)) return id;
    }
  }

  private insert(b: Buffer, from: number, to: number, h: number): number {
    const id = this.size++;
    if (id === this.keyStart.length) { this.keyStart = grow(this.keyStart); this.keyLen = grow(this.keyLen); this.keyHash = grow(this.keyHash); }
    this.keyBuf.push(b);
    this.keyStart[id] = from;
    this.keyLen[id] = to - from;
    this.keyHash[id] = h;
    if (2 * this.size > this.mask + 1) this.rehash(); else this.place(id);
    return id;
  }

  private place(id: number): void {
    const h = this.keyHash[id];
    let at = h & this.mask;
    while (this.slots[2 * at + 1] >= 0) at = (at + 1) & this.mask;
    this.slots[2 * at] = h;
    this.slots[2 * at + 1] = id;
  }

  private rehash(): void {
    const size = 2 * (this.mask + 1);
    this.slots = new Int32Array(2 * size).fill(-1);
    this.mask = size - 1;
    for (let id = 0; id < this.size; id++) this.place(id);
  }
}

function sameBytes(a: Buffer, at: number, b: Buffer, bt: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (a[at + k] !== b[bt + k]) return false;
  return true;
}

function hashBytes(b: Buffer, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let k = from; k < to; k++) h = Math.imul(h ^ b[k], 0x01000193);
  return (h ^ (h >>> 15)) & 0x7fffffff;
}

/** The dependency, or the reason it is not modelled; malformed text throws TESTCASE_INVALID (through `bad`). */
export function depOrThrow(text: string, bad: (what: string) => FerryError): DepTree | string {
  try {
    return parseTestcaseDep(text);
  } catch (err) {
    if (isFerryError(err, 'DEP_PARSE') || isFerryError(err, 'EVR_INVALID')) throw bad(err.message);
    if (isFerryError(err, 'SOLVER_UNSUPPORTED')) return err.message;
    throw err;
  }
}

/**
 * Dependency texts to dependencies. The common shapes, `NAME` and `NAME OP EVR`, are read by a scan that gives
 * what parseTestcaseDep gives for them; anything else goes to parseTestcaseDep. Equal texts of requires-like
 * dependencies parse to one shared (read-only) tree: a repository repeats them many times.
 */
export class DepReader {
  private readonly trees = new Map<string, DepTree | string>();

  tree(text: string, bad: (what: string) => FerryError): DepTree | string {
    let tree = this.trees.get(text);
    if (tree === undefined) {
      tree = scanSimpleDep(text) ?? depOrThrow(text, bad);
      this.trees.set(text, tree);
    }
    return tree;
  }

  /** A provide or obsolete: a simple dependency, undefined for a rich one, or the reason it is not modelled. */
  simple(text: string, bad: (what: string) => FerryError): Dep | string | undefined {
    const tree = scanSimpleDep(text) ?? depOrThrow(text, bad);
    if (typeof tree === 'string') return tree;
    if (tree.type !== 'simple') return undefined;
    const dep: Dep = { name: tree.name };
    if (tree.flags) { dep.flags = tree.flags; dep.evr = tree.evr; }
    return dep;
  }
}

const SCAN_RELATIONS: Readonly<Partial<Record<string, DepFlag>>> = { '=': 'EQ', '<=': 'LE', '>=': 'GE', '>': 'GT', '<': 'LT' };
/** The relations of plain lines by their byte(s) (one byte, or the two as b0 << 8 | b1). */
const RELATION_BYTES: Readonly<Record<number, DepFlag>> = { 61: 'EQ', 60: 'LT', 62: 'GT', [(60 << 8) | 61]: 'LE', [(62 << 8) | 61]: 'GE' };

/**
 * Where parseTestcaseDep's name scan (a name ends at a blank, a control character or an unbalanced ")") would
 * take the whole of text[from, to): its end, else -1.
 */
function nameEnd(text: string, from: number): number {
  let paren = 0;
  let s = from;
  for (; s < text.length; s++) {
    const c = text.charCodeAt(s);
    if (c <= 32) break;
    if (c === 40) paren++;
    else if (c === 41 && paren-- <= 0) return -1;
  }
  return s === from ? -1 : s;
}

/** `NAME` or `NAME OP EVR` read without the general parser, or undefined when text has another shape. */
function scanSimpleDep(text: string): SimpleDep | undefined {
  if (text.charCodeAt(0) === 40) return undefined;
  const ne = nameEnd(text, 0);
  if (ne < 0) return undefined;
  if (ne === text.length) return { type: 'simple', name: text };
  let s = ne;
  while (text.charCodeAt(s) === 32 || text.charCodeAt(s) === 9) s++;
  let oe = s;
  while (oe < text.length && (text.charCodeAt(oe) === 60 || text.charCodeAt(oe) === 61 || text.charCodeAt(oe) === 62)) oe++;
  const flags = SCAN_RELATIONS[text.slice(s, oe)];
  if (flags === undefined || (text.charCodeAt(oe) !== 32 && text.charCodeAt(oe) !== 9)) return undefined;
  s = oe;
  while (text.charCodeAt(s) === 32 || text.charCodeAt(s) === 9) s++;
  if (text.charCodeAt(s) === 40) return undefined;
  const ee = nameEnd(text, s);
  if (ee !== text.length) return undefined;
  try {
    return { type: 'simple', name: text.slice(0, ne), flags, evr: parseEvr(text.slice(s)) };
  } catch {
    return undefined; // the general parser reports it
  }
}
