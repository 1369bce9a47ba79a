/**
 * primary.xml scanned straight into the columnar pool's columns (columnar.ts owns the pool; this module
 * owns turning bytes into its columns).
 *
 * Why not xml.ts's tokenizer with a handler: at ~1.2 million tags per AppStream primary, the generic
 * path's per-tag costs (a callback, an attribute view, a JS string per value, then a Map lookup to turn
 * that string into an id) were most of the build time. Here every value goes from bytes to a string id
 * in one hash probe of the bytes in place, and stays bytes (StringStore: decoded when first read, which a
 * build almost never does); an element whose text is wanted (name, arch, file …) is read as one unit
 * `<x>text</x>`, and a dependency entry in createrepo_c's spelling in one pass (entryTag).
 *
 * The safety contract is xml.ts's, checked the same way (FerryError naming the file and byte offset):
 * markup declarations and entity references other than the five predefined ones and numeric character
 * references → REPO_HOSTILE_XML (checked in text and attributes nobody reads too); a document that ends
 * inside a token, with open elements or without a root → REPO_TRUNCATED; anything else not well-formed
 * (mismatched end tag, bad attribute syntax, '<' in an attribute value, text outside the root, a token
 * longer than 16 MiB, nesting deeper than 256) → REPO_METADATA. Memory: one input chunk plus the
 * unfinished token; the columns and the interned strings.
 */
import { assert, FerryError } from '../core/errors.js';
import { formatEvr } from './evr.js';
import { appendChunk, decodeEntities, type ByteSource, type ChunkWindow } from './repodata/xml.js';
import { parseEpoch, parseFlag } from './repodata/primary.js';

export const DEP_KINDS = ['provides', 'requires', 'conflicts', 'obsoletes', 'recommends', 'suggests',
  'supplements', 'enhances'] as const;
export type DepKind = typeof DEP_KINDS[number];
/** Dependency ranges per solvable, then the file list, then the end offset: RANGES + 1 offsets per solvable. */
export const RANGES = DEP_KINDS.length + 1;
/** dFlags: the low 3 bits index FLAG_CODES; PRE marks Requires(pre). */
export const PRE = 8;

/** The columns; what the binary cache stores. */
export interface Columns {
  strings: StringStore;
  repos: string[];
  sName: Int32Array; sArch: Int32Array; sEvr: Int32Array; sRepo: Int32Array;
  sLocation: Int32Array; sPkgid: Int32Array; sSourcerpm: Int32Array; sVendor: Int32Array;
  /** <time build= file=> in seconds since the epoch, stored as unsigned 32-bit values (read with `>>> 0`). */
  sBuildTime: Int32Array; sFileTime: Int32Array;
  /** RANGES + 1 offsets per solvable into depData (the last range holds file string ids). */
  sRanges: Int32Array;
  depData: Int32Array;
  dName: Int32Array; dFlags: Int32Array; dEvr: Int32Array;
}

export interface ScanInput {
  /** Repository name (repo id in the pool = order in the list). */
  repo: string;
  primary: ByteSource;
  /** The file's name for error messages. */
  name?: string;
  /**
   * The uncompressed size repomd declares (open-size), if any: tables and columns start at the size such a
   * file needs instead of growing to it. Only a hint: a wrong one costs memory or growth, never a result.
   */
  sizeHint?: number;
}

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SLASH = 0x2f;
const QUOTE = 0x22;
const APOS = 0x27;
const EQ = 0x3d;
const BANG = 0x21;
const QMARK = 0x3f;
const MAX_TOKEN = 16 * 1024 * 1024;
const MAX_DEPTH = 256;
const MAX_ATTRS = 30;

function isSpace(c: number): boolean {
  return c <= 0x20 && (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d);
}

/** A growable Int32 column. */
class IntVec {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) { this.data = new Int32Array(capacity); }
  push(v: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = v;
  }
  grow(): void {
    const next = new Int32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
  done(): Int32Array { return this.data.slice(0, this.length); }
}

// Element codes. Names the scanner acts on get their own code; the other names primary.xml is made of get
// a code too (their bytes are then constants, not a copy per element); any other name is OTHER.
const ELEMENTS = ['metadata', 'package', 'name', 'arch', 'version', 'checksum', 'location', 'time', 'format',
  'rpm:sourcerpm', 'rpm:vendor', 'rpm:entry', 'file', ...DEP_KINDS.map((k) => `rpm:${k}`),
  'summary', 'description', 'packager', 'url', 'size', 'rpm:license', 'rpm:group', 'rpm:buildhost',
  'rpm:header-range'] as const;
const code = (name: typeof ELEMENTS[number]): number => ELEMENTS.indexOf(name) + 1;
const E_PACKAGE = code('package'); const E_NAME = code('name'); const E_ARCH = code('arch');
const E_VERSION = code('version'); const E_CHECKSUM = code('checksum'); const E_LOCATION = code('location');
const E_TIME = code('time'); const E_FORMAT = code('format'); const E_SOURCERPM = code('rpm:sourcerpm');
const E_VENDOR = code('rpm:vendor'); const E_ENTRY = code('rpm:entry'); const E_FILE = code('file');
const E_DEPS = code('rpm:provides'); // E_DEPS + k is DEP_KINDS[k]'s list
const ELEMENT_BYTES = ELEMENTS.map((n) => Buffer.from(n, 'latin1'));
/** Elements whose text the scanner reads. */
const CAPTURED = new Uint8Array(ELEMENTS.length + 1);
for (const c of [E_NAME, E_ARCH, E_CHECKSUM, E_SOURCERPM, E_VENDOR, E_FILE]) CAPTURED[c] = 1;
const NAME_SLOTS = 256;
const nameSlotCode = new Int32Array(NAME_SLOTS);
const nameHash = (b: Uint8Array, s: number, len: number): number =>
  (len * 31 + b[s] * 7 + b[s + len - 1] * 3 + b[s + (len >> 1)]) & (NAME_SLOTS - 1);
for (let c = 1; c <= ELEMENTS.length; c++) {
  const b = ELEMENT_BYTES[c - 1];
  let slot = nameHash(b, 0, b.length);
  while (nameSlotCode[slot] !== 0) slot = (slot + 1) & (NAME_SLOTS - 1);
  nameSlotCode[slot] = c;
}
/** The code of the element name b[s, e), 0 for a name the scanner does not know. */
function elementCode(b: Buffer, s: number, e: number): number {
  const len = e - s;
  for (let slot = nameHash(b, s, len); ; slot = (slot + 1) & (NAME_SLOTS - 1)) {
    const c = nameSlotCode[slot];
    if (c === 0) return 0;
    const k = ELEMENT_BYTES[c - 1];
    if (k.length !== len) continue;
    let i = 0;
    while (i < len && k[i] === b[s + i]) i++;
    if (i === len) return c;
  }
}

// Attribute names read from rpm:entry and the package's own elements.
const A_NAME = Buffer.from('name'); const A_FLAGS = Buffer.from('flags'); const A_EPOCH = Buffer.from('epoch');
const A_VER = Buffer.from('ver'); const A_REL = Buffer.from('rel'); const A_PRE = Buffer.from('pre');
const A_HREF = Buffer.from('href'); const A_BUILD = Buffer.from('build'); const A_FILE = Buffer.from('file');
// How createrepo_c spells an entry (entryTag's form).
const ENTRY_OPEN = Buffer.from('<rpm:entry name="'); const AT_FLAGS = Buffer.from(' flags="');
const EVR_ATTRS = [Buffer.from(' epoch="'), Buffer.from(' ver="'), Buffer.from(' rel="')];
const AT_PRE1 = Buffer.from(' pre="1"');

/** Whether b[i, …) spells `lit`, all of it before `end`. */
function spells(b: Uint8Array, i: number, end: number, lit: Uint8Array): boolean {
  if (i + lit.length > end) return false;
  for (let k = 0; k < lit.length; k++) if (b[i + k] !== lit[k]) return false;
  return true;
}

/** dFlags & 7 → the flag ('' for none). */
export const FLAG_NAMES = ['', 'EQ', 'LT', 'LE', 'GT', 'GE'] as const;

const FNV_BASIS = 0x811c9dc5 | 0; // as an int32, the form every hash is stored and compared in
const FNV_PRIME = 0x01000193;

/**
 * Byte strings → ids by open addressing over their FNV-1a hash (computed by the caller, usually while it
 * scans the bytes anyway); keys are copied into one arena. A slot is four adjacent ints (hash, arena
 * offset, length, id): a probe touches one cache line, which is what the lookup's time is made of.
 */
function createByteMap(bits = 16) {
  let mask = (1 << bits) - 1;
  let slots = new Int32Array((mask + 1) * 4).fill(-1);
  let used = 0;
  let arena = Buffer.allocUnsafe(1 << 20);
  let arenaUsed = 0;
  let slot = 0; // where find() stopped (×4): insert() right after a miss stores there
  const grow = (): void => {
    const old = slots;
    mask = mask * 2 + 1;
    slots = new Int32Array((mask + 1) * 4).fill(-1);
    for (let i = 0; i < old.length; i += 4) {
      if (old[i + 1] === -1) continue;
      let k = (old[i] & mask) << 2;
      while (slots[k + 1] !== -1) k = (k + 4) & (mask << 2 | 3);
      slots[k] = old[i]; slots[k + 1] = old[i + 1]; slots[k + 2] = old[i + 2]; slots[k + 3] = old[i + 3];
    }
  };
  return {
    /** The id stored for b[s, e) (hash h), or -1. */
    find(b: Uint8Array, s: number, e: number, h: number): number {
      const len = e - s;
      const wrap = mask << 2 | 3;
      for (slot = (h & mask) << 2; ; slot = (slot + 4) & wrap) {
        const off = slots[slot + 1];
        if (off === -1) return -1;
        if (slots[slot] === h && slots[slot + 2] === len) {
          let i = 0;
          while (i < len && arena[off + i] === b[s + i]) i++;
          if (i === len) return slots[slot + 3];
        }
      }
    },
    /** Stores id for b[s, e) (hash h); call right after find() missed it. Returns where the key's bytes went. */
    insert(b: Uint8Array, s: number, e: number, h: number, id: number): number {
      const len = e - s;
      if (arenaUsed + len > arena.length) {
        const bigger = Buffer.allocUnsafe(Math.max(arena.length * 2, arenaUsed + len));
        arena.copy(bigger, 0, 0, arenaUsed);
        arena = bigger;
      }
      for (let i = 0; i < len; i++) arena[arenaUsed + i] = b[s + i];
      slots[slot] = h; slots[slot + 1] = arenaUsed; slots[slot + 2] = len; slots[slot + 3] = id;
      const at = arenaUsed;
      arenaUsed += len;
      if (++used * 2 > mask) grow();
      return at;
    },
    /** The keys' bytes: insert()'s offsets index it (valid until the next insert). */
    arena: (): Buffer => arena,
  };
}

function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = FNV_BASIS;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], FNV_PRIME);
  return h;
}

/**
 * The pool's strings: each distinct string once, as UTF-8 bytes; a JS string is decoded from them the
 * first time it is read (a build decodes almost none: most strings are only ever compared as ids).
 */
export interface StringStore {
  readonly count: number;
  str(id: number): string;
  /** The id of `text`, -1 when absent. */
  id(text: string): number;
  /** The binary cache's form: every string's UTF-8 back to back in id order; string i is bytes[bounds[i], bounds[i + 1]). */
  packed(): { bytes: Buffer; bounds: Int32Array };
}

/** A store over `bytes`, string `id` at [start[id], end[id]); `find` looks up a text's bytes (else built on first use). */
function createStore(bytes: Buffer, start: Int32Array, end: Int32Array, find?: (b: Buffer) => number): StringStore {
  const count = start.length;
  const decoded: (string | undefined)[] = [];
  let lookup = find;
  const str = (id: number): string => {
    let out = decoded[id];
    if (out === undefined) {
      assert(id >= 0 && id < count, `string id ${id} out of range`);
      out = bytes.utf8Slice(start[id], end[id]);
      decoded[id] = out;
    }
    return out;
  };
  return {
    count,
    str,
    id(text) {
      if (lookup === undefined) {
        const map = createByteMap(Math.max(10, Math.ceil(Math.log2(count * 2 + 1))));
        for (let i = 0; i < count; i++) {
          const h = hashBytes(bytes, start[i], end[i]);
          if (map.find(bytes, start[i], end[i], h) === -1) map.insert(bytes, start[i], end[i], h, i);
        }
        lookup = (b) => map.find(b, 0, b.length, hashBytes(b, 0, b.length));
      }
      return lookup(Buffer.from(text, 'utf8'));
    },
    packed() {
      const bounds = new Int32Array(count + 1);
      for (let i = 0; i < count; i++) bounds[i + 1] = bounds[i] + end[i] - start[i];
      const out = Buffer.allocUnsafe(bounds[count]);
      for (let i = 0; i < count; i++) bytes.copy(out, bounds[i], start[i], end[i]);
      return { bytes: out, bounds };
    },
  };
}

/**
 * A store over packed()'s form, as views (the caller must not change `bytes` or `bounds` afterwards):
 * string i is bytes[bounds[i], bounds[i + 1]). Nothing is read per string until it is asked for.
 */
export function storeFromPacked(bytes: Buffer, bounds: Int32Array): StringStore {
  assert(bounds.length > 0 && bounds[bounds.length - 1] === bytes.length, 'packed strings: bounds do not end at the bytes\' end');
  return createStore(bytes, bounds.subarray(0, bounds.length - 1), bounds.subarray(1));
}

/**
 * The string table a scan interns into: keyed by each string's UTF-8 bytes (so a hit allocates nothing
 * and nothing is decoded). Bytes that are not valid UTF-8 map to the id of the string they decode to, so
 * equal strings always have equal ids.
 */
function createStringTable(bits = 16) {
  const map = createByteMap(bits);
  const start = new IntVec(1 << bits);
  const end = new IntVec(1 << bits);
  const decoded: string[] = []; // what the build itself reads (few)
  const hashed = (b: Uint8Array, s: number, e: number, h: number): number => {
    let id = map.find(b, s, e, h);
    if (id !== -1) return id;
    let high = 0;
    for (let i = s; i < e; i++) high |= b[i];
    if (high >= 0x80) {
      const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
      const canonical = Buffer.from(buf.utf8Slice(s, e), 'utf8');
      if (!canonical.equals(buf.subarray(s, e))) {
        id = bytesOf(canonical, 0, canonical.length);
        map.find(b, s, e, h);
        map.insert(b, s, e, h, id);
        return id;
      }
    }
    id = start.length;
    const at = map.insert(b, s, e, h, id);
    start.push(at);
    end.push(at + e - s);
    return id;
  };
  const bytesOf = (b: Uint8Array, s: number, e: number): number => hashed(b, s, e, hashBytes(b, s, e));
  return {
    /** The id of the string b[s, e) spells (UTF-8, references already decoded), its FNV-1a hash h. */
    hashed,
    bytes: bytesOf,
    text: (str: string): number => {
      const b = Buffer.from(str, 'utf8');
      return bytesOf(b, 0, b.length);
    },
    /** String id's text (decoded once). */
    str(id: number): string {
      let out = decoded[id];
      if (out === undefined) {
        out = map.arena().utf8Slice(start.data[id], end.data[id]);
        decoded[id] = out;
      }
      return out;
    },
    /** The store the pool keeps (the table's bytes and lookup; no further interning). */
    done(): StringStore {
      return createStore(map.arena(), start.done(), end.done(), (b) => map.find(b, 0, b.length, hashBytes(b, 0, b.length)));
    },
  };
}

/** An open-addressing map from three int32 keys to an id (dependencies, EVR triples); a slot is 4 adjacent ints. */
function createTripleTable(make: (a: number, b: number, c: number) => number, initialBits = 12) {
  let bits = initialBits;
  let slots = new Int32Array(4 << bits).fill(-1);
  let used = 0;
  const hash = (a: number, b: number, c: number): number =>
    Math.imul(Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x165667b1, 0xc2b2ae35) ^ c, 0x27d4eb2f) >>> (32 - bits);
  const grow = (): void => {
    const old = slots;
    bits++;
    slots = new Int32Array(4 << bits).fill(-1);
    const wrap = (4 << bits) - 1;
    for (let i = 0; i < old.length; i += 4) {
      if (old[i + 3] === -1) continue;
      let k = hash(old[i], old[i + 1], old[i + 2]) << 2;
      while (slots[k + 3] !== -1) k = (k + 4) & wrap;
      slots[k] = old[i]; slots[k + 1] = old[i + 1]; slots[k + 2] = old[i + 2]; slots[k + 3] = old[i + 3];
    }
  };
  return (a: number, b: number, c: number): number => {
    const wrap = (4 << bits) - 1;
    let k = hash(a, b, c) << 2;
    for (;;) {
      const v = slots[k + 3];
      if (v === -1) break;
      if (slots[k] === a && slots[k + 1] === b && slots[k + 2] === c) return v;
      k = (k + 4) & wrap;
    }
    const v = make(a, b, c);
    slots[k] = a; slots[k + 1] = b; slots[k + 2] = c; slots[k + 3] = v;
    if (++used * 2 > wrap >> 2) grow();
    return v;
  };
}

/** Scans one or more repositories' primary.xml into the columns. */
export async function scanPrimaryColumns(inputs: readonly ScanInput[]): Promise<Columns> {
  // Sizes from the hint, by what CentOS Stream 9 AppStream's primary holds per byte: a package per 2.9 kB,
  // a distinct string per 450 bytes, a distinct dependency (and entry tag) per 345, a list item per 115.
  // (capped: a repomd declaring an absurd size cannot make the build allocate beyond a large real primary's needs)
  const hint = Math.min(256 << 20, inputs.reduce((sum, i) => sum + (i.sizeHint !== undefined && i.sizeHint > 0 ? i.sizeHint : 0), 0));
  const bits = (perBytes: number, fallback: number): number =>
    (hint === 0 ? fallback : Math.min(20, Math.max(10, Math.ceil(Math.log2((2 * hint) / perBytes)))));
  const rows = (perBytes: number, fallback: number): number => (hint === 0 ? fallback : 1 << bits(perBytes, 0));
  const table = createStringTable(bits(450, 16));
  const pkgs = rows(2900 * 2, 1024);
  const sName = new IntVec(pkgs); const sArch = new IntVec(pkgs); const sEvr = new IntVec(pkgs); const sRepo = new IntVec(pkgs);
  const sLocation = new IntVec(pkgs); const sPkgid = new IntVec(pkgs); const sSourcerpm = new IntVec(pkgs);
  const sVendor = new IntVec(pkgs); const sBuildTime = new IntVec(pkgs); const sFileTime = new IntVec(pkgs);
  const sRanges = new IntVec(rows(2900 * 2 / RANGES, 1 << 16)); const depData = new IntVec(rows(115 * 2, 1 << 20));
  const depRows = rows(345 * 2, 1 << 16);
  const dName = new IntVec(depRows); const dFlags = new IntVec(depRows); const dEvr = new IntVec(depRows);
  const makeDep = (name: number, flags: number, evr: number): number => {
    dName.push(name); dFlags.push(flags); dEvr.push(evr);
    return dName.length - 1;
  };
  const versionedDep = createTripleTable(makeDep, bits(690, 16));
  // an unversioned dependency (flags 0 or PRE) by its name id directly: about half the entries, no hash probe
  let unversioned = new Int32Array(2 << bits(450, 16)).fill(-1);
  const internDep = (name: number, flags: number, evr: number): number => {
    if (evr !== -1 || (flags & ~PRE) !== 0) return versionedDep(name, flags, evr);
    const k = name * 2 + (flags === 0 ? 0 : 1);
    if (k >= unversioned.length) {
      const bigger = new Int32Array(Math.max(unversioned.length * 2, k + 2)).fill(-1);
      bigger.set(unversioned);
      unversioned = bigger;
    }
    let d = unversioned[k];
    if (d === -1) unversioned[k] = d = makeDep(name, flags, -1);
    return d;
  };
  const repos: string[] = [];
  for (const input of inputs) {
    const scanner = createScanner({
      file: input.name ?? 'primary.xml', repoId: repos.length, table,
      columns: { sName, sArch, sEvr, sRepo, sLocation, sPkgid, sSourcerpm, sVendor, sBuildTime, sFileTime, sRanges, depData },
      internDep, evrBits: bits(1300, 14),
    });
    repos.push(input.repo);
    for await (const chunk of input.primary) scanner.write(chunk);
    scanner.end();
  }
  sRanges.push(depData.length);
  return {
      strings: table.done(), repos, sName: sName.done(), sArch: sArch.done(), sEvr: sEvr.done(), sRepo: sRepo.done(),
      sLocation: sLocation.done(), sPkgid: sPkgid.done(), sSourcerpm: sSourcerpm.done(), sVendor: sVendor.done(),
      sBuildTime: sBuildTime.done(), sFileTime: sFileTime.done(), sRanges: sRanges.done(), depData: depData.done(), dName: dName.done(),
      dFlags: dFlags.done(), dEvr: dEvr.done(),
  };
}

interface ScannerOptions {
  file: string;
  repoId: number;
  table: ReturnType<typeof createStringTable>;
  columns: Record<'sName' | 'sArch' | 'sEvr' | 'sRepo' | 'sLocation' | 'sPkgid' | 'sSourcerpm' | 'sVendor' |
    'sBuildTime' | 'sFileTime' | 'sRanges' | 'depData', IntVec>;
  internDep: (name: number, flags: number, evr: number) => number;
  evrBits: number;
}

function createScanner(o: ScannerOptions): { write(chunk: Uint8Array): void; end(): void } {
  const { file, table, columns: col, internDep } = o;
  /** An entry's EVR attribute bytes (entryTag's form) → the EVR's string id. */
  const evrSpans = createByteMap(o.evrBits);
  const EMPTY = table.text('');
  const ZERO = table.text('0');

  // EVR text id from the string ids of epoch, ver and rel (-1 = attribute absent), formatted as rpm prints it
  const evrOf = createTripleTable((e, v, r) => {
    const epoch = e === -1 ? 0 : parseEpoch(table.str(e), where);
    return table.text(formatEvr({ epoch, version: v === -1 ? '' : table.str(v), ...(r === -1 ? {} : { release: table.str(r) }) }));
  });

  let data: Buffer = Buffer.alloc(0); // the unparsed bytes; each function reads it into a local `buf`
  let base = 0; // absolute offset of buf[0] in the document
  let pos = 0;
  let scratch: Buffer = Buffer.alloc(0);
  let inScratch = false;

  // the element stack: codes, and the name bytes an end tag must repeat
  const stackCode = new Int32Array(MAX_DEPTH);
  const stackBytes: Uint8Array[] = [];
  let depth = 0;
  let seenRoot = false;
  let rootClosed = false;
  /** Text of a captured element the one-unit path could not read (CDATA, comments inside it), at this depth. */
  let captureDepth = -1;
  let captured = '';

  // the current tag's attributes: [nameStart, nameEnd, valueStart, valueEnd] * count; bit a of attrAmp:
  // attribute a holds a reference
  const attrOff = new Int32Array(MAX_ATTRS * 4);
  let attrCount = 0;
  let attrAmp = 0;

  // the package being read
  let inPkg = false;
  let inFormat = false;
  let list = -1;
  let name = -1; let arch = -1; let evr = -1; let location = -1; let pkgid = -1; let sourcerpm = -1;
  let vendor = -1; let buildTime = 0; let fileTime = 0;
  const lists: number[][] = DEP_KINDS.map(() => []);
  const fileList: number[] = [];

  const where = (): string => `${file}: package ${name >= 0 ? table.str(name) : '?'}`;
  const at = (off: number) => (): string => `${file}: byte ${base + off}`;
  function fail(code: 'REPO_METADATA' | 'REPO_HOSTILE_XML' | 'REPO_TRUNCATED', off: number, msg: string): never {
    throw new FerryError(code, `${file}: byte ${base + off}: ${msg}`,
      code === 'REPO_HOSTILE_XML'
        ? { hint: 'Repository metadata never needs a DTD or custom entities; the file may be malicious.' }
        : undefined);
  }

  /** The string id of b[s, e) (FNV-1a hash h), references decoded when `amp`. */
  function value(s: number, e: number, h: number, amp: boolean): number {
    const buf = data;
    return amp ? table.text(decodeEntities(buf.utf8Slice(s, e), at(s))) : table.hashed(buf, s, e, h);
  }

  function findAttr(nameBytes: Uint8Array): number {
    const buf = data;
    const len = nameBytes.length;
    for (let k = 0; k < attrCount * 4; k += 4) {
      const ns = attrOff[k];
      if (attrOff[k + 1] - ns !== len) continue;
      let i = 0;
      while (i < len && buf[ns + i] === nameBytes[i]) i++;
      if (i === len) return k;
    }
    return -1;
  }
  /** The string id of an attribute's value, -1 when absent. */
  function attr(nameBytes: Uint8Array): number {
    const buf = data;
    const k = findAttr(nameBytes);
    if (k === -1) return -1;
    const s = attrOff[k + 2];
    const e = attrOff[k + 3];
    return value(s, e, (attrAmp & (1 << (k >> 2))) !== 0 ? 0 : hashBytes(buf, s, e), (attrAmp & (1 << (k >> 2))) !== 0);
  }

  /** A time attribute (seconds), read from its digits without interning it; 0 when absent or not a number. */
  function seconds(nameBytes: Uint8Array): number {
    const buf = data;
    const k = findAttr(nameBytes);
    if (k === -1) return 0;
    const s = attrOff[k + 2];
    const e = attrOff[k + 3];
    let v = 0;
    for (let i = s; i < e; i++) {
      const d = buf[i] - 0x30;
      if (d < 0 || d > 9 || e - s > 15) {
        const n = Number(buf.latin1Slice(s, e));
        return Number.isFinite(n) ? n : 0;
      }
      v = v * 10 + d;
    }
    return v;
  }
  function startPackage(): void {
    inPkg = true;
    name = arch = evr = location = pkgid = sourcerpm = vendor = -1;
    buildTime = fileTime = 0;
  }
  function endPackage(): void {
    if (name === -1) throw new FerryError('REPO_METADATA', `${file}: a package without a <name>`);
    col.sName.push(name); col.sArch.push(arch === -1 ? EMPTY : arch); col.sEvr.push(evr === -1 ? ZERO : evr);
    col.sRepo.push(o.repoId); col.sLocation.push(location); col.sPkgid.push(pkgid); col.sSourcerpm.push(sourcerpm);
    col.sVendor.push(vendor); col.sBuildTime.push(buildTime | 0); col.sFileTime.push(fileTime | 0);
    const { sRanges, depData } = col;
    for (const l of lists) {
      sRanges.push(depData.length);
      for (let i = 0; i < l.length; i++) depData.push(l[i]);
      l.length = 0;
    }
    sRanges.push(depData.length);
    for (let i = 0; i < fileList.length; i++) depData.push(fileList[i]);
    fileList.length = 0;
    inPkg = false; inFormat = false; list = -1;
  }
  /** A captured element's text, as a string id. */
  function text(c: number, id: number): void {
    if (!inPkg) return;
    switch (c) {
      case E_NAME: name = id; return;
      case E_ARCH: arch = id; return;
      case E_CHECKSUM: pkgid = id; return;
      case E_SOURCERPM: sourcerpm = id; return;
      case E_VENDOR: vendor = id; return;
      default: fileList.push(id);
    }
  }
  /** The dependency of a complete <rpm:entry> tag, appended to the current list. */
  function entry(): void {
    const buf = data;
    const pre = attr(A_PRE);
    const isPre = pre !== -1 && table.str(pre) === '1';
    const nameId = attr(A_NAME);
    const depName = nameId === -1 ? EMPTY : nameId;
    if (attrCount === 1 || (attrCount === 2 && isPre)) {
      lists[list].push(internDep(depName, isPre ? PRE : 0, -1));
      return;
    }
    let flag = 0;
    const k = findAttr(A_FLAGS);
    if (k !== -1) {
      const s = attrOff[k + 2];
      const c0 = buf[s]; const c1 = buf[s + 1];
      if (attrOff[k + 3] - s === 2 && (attrAmp & (1 << (k >> 2))) === 0) {
        if (c0 === 0x45 && c1 === 0x51) flag = 1; // EQ
        else if (c0 === 0x4c) flag = c1 === 0x54 ? 2 : c1 === 0x45 ? 3 : 0; // LT LE
        else if (c0 === 0x47) flag = c1 === 0x54 ? 4 : c1 === 0x45 ? 5 : 0; // GT GE
      }
      if (flag === 0) flag = FLAG_NAMES.indexOf(parseFlag(table.str(attr(A_FLAGS)), where) ?? ''); // throws on a bad one
    }
    const versioned = k !== -1 || attrCount > 2;
    const e = versioned ? evrOf(attr(A_EPOCH), attr(A_VER), attr(A_REL)) : -1;
    lists[list].push(internDep(depName, flag | (isPre ? PRE : 0), e));
  }
  /**
   * A dependency entry in the form createrepo_c writes, `<rpm:entry name="…"[ flags="XX"[ epoch="…"][ ver="…"]
   * [ rel="…"]][ pre="1"]/>` (one space before each attribute, double quotes, no reference, no '<'),
   * read in one pass: the name's bytes → its string id, the EVR attributes' bytes together (one key) → the
   * EVR's string id, then the dependency id; the same ids entry() gives the general path. Returns the
   * position after the tag, or -1 for any other form or an incomplete tag: the general path then reads
   * (and judges) it.
   */
  function entryTag(p: number): number {
    const buf = data;
    const n = buf.length;
    if (!spells(buf, p, n, ENTRY_OPEN)) return -1;
    let i = p + ENTRY_OPEN.length;
    const ns = i;
    let h = FNV_BASIS;
    for (; i < n; i++) {
      const x = buf[i];
      if (x === QUOTE) break;
      if (x === AMP || x === LT) return -1;
      h = Math.imul(h ^ x, FNV_PRIME);
    }
    const ne = i++;
    if (i >= n) return -1;
    let flag = 0;
    // the EVR attributes: their bytes [evrStart, evrEnd) (hash evrHash), each value's [start, end)
    let evrStart = -1; let evrEnd = -1; let evrHash = 0;
    let epochS = -1; let epochE = -1; let verS = -1; let verE = -1; let relS = -1; let relE = -1;
    if (spells(buf, i, n, AT_FLAGS)) {
      i += AT_FLAGS.length;
      if (i + 3 > n || buf[i + 2] !== QUOTE) return -1;
      const c0 = buf[i]; const c1 = buf[i + 1];
      if (c0 === 0x45 && c1 === 0x51) flag = 1; // EQ
      else if (c0 === 0x4c) flag = c1 === 0x54 ? 2 : c1 === 0x45 ? 3 : 0; // LT LE
      else if (c0 === 0x47) flag = c1 === 0x54 ? 4 : c1 === 0x45 ? 5 : 0; // GT GE
      if (flag === 0) return -1;
      i += 3;
      // epoch, ver, rel, each optional, in this order: their bytes from ' epoch="' on are the EVR's key
      const es = i;
      let eh = FNV_BASIS;
      for (let a = 0; a < 3; a++) {
        const lit = EVR_ATTRS[a];
        if (!spells(buf, i, n, lit)) continue;
        for (let k = 0; k < lit.length; k++) eh = Math.imul(eh ^ lit[k], FNV_PRIME);
        i += lit.length;
        const vs = i;
        for (; i < n; i++) {
          const x = buf[i];
          if (x === QUOTE) break;
          if (x === AMP || x === LT) return -1;
          eh = Math.imul(eh ^ x, FNV_PRIME);
        }
        if (i >= n) return -1;
        if (a === 0) { epochS = vs; epochE = i; } else if (a === 1) { verS = vs; verE = i; } else { relS = vs; relE = i; }
        i++;
        eh = Math.imul(eh ^ QUOTE, FNV_PRIME);
      }
      evrEnd = i;
      evrHash = eh;
      evrStart = es;
    }
    let pre = 0;
    if (spells(buf, i, n, AT_PRE1)) {
      pre = PRE;
      i += AT_PRE1.length;
    }
    if (i + 1 >= n || buf[i] !== SLASH || buf[i + 1] !== GT) return -1;
    // complete and in the form: only now anything is interned
    let evr = -1;
    if (evrStart !== -1) {
      evr = evrSpans.find(buf, evrStart, evrEnd, evrHash);
      if (evr === -1) {
        evr = evrOf(epochS === -1 ? -1 : table.bytes(buf, epochS, epochE), verS === -1 ? -1 : table.bytes(buf, verS, verE),
          relS === -1 ? -1 : table.bytes(buf, relS, relE));
        evrSpans.find(buf, evrStart, evrEnd, evrHash); // the lookups above moved the map's insert slot
        evrSpans.insert(buf, evrStart, evrEnd, evrHash, evr);
      }
    }
    lists[list].push(internDep(table.hashed(buf, ns, ne, h), flag | pre, evr));
    return i + 2;
  }
  /** A start tag's meaning, once it is complete. */
  function open(c: number): void {
    if (!inPkg) {
      if (c === E_PACKAGE) startPackage();
      return;
    }
    if (c === E_ENTRY) {
      if (list !== -1) entry();
    } else if (c === E_VERSION) {
      const r = attr(A_REL);
      evr = evrOf(attr(A_EPOCH), attr(A_VER), r === -1 ? EMPTY : r);
    } else if (c === E_LOCATION) {
      location = attr(A_HREF);
      if (location === -1) location = EMPTY;
    } else if (c === E_TIME) {
      buildTime = seconds(A_BUILD);
      fileTime = seconds(A_FILE);
    } else if (c === E_FORMAT) {
      inFormat = true;
    } else if (c >= E_DEPS && c < E_DEPS + DEP_KINDS.length) {
      if (inFormat) list = c - E_DEPS;
    }
  }
  function close(c: number, nameBytes: Uint8Array): void {
    if (!inPkg) return;
    if (c === E_PACKAGE) endPackage();
    else if (c === E_FORMAT) inFormat = false;
    else if (list !== -1 && c !== E_ENTRY && nameBytes.length > 4 && nameBytes[0] === 0x72 && nameBytes[1] === 0x70 &&
      nameBytes[2] === 0x6d && nameBytes[3] === 0x3a) list = -1; // any </rpm:…> ends a dependency list
  }

  function push(c: number, nameBytes: Uint8Array, p: number): void {
    if (rootClosed) fail('REPO_METADATA', p, 'a second root element');
    if (depth >= MAX_DEPTH) fail('REPO_METADATA', p, `elements nested deeper than ${MAX_DEPTH}`);
    seenRoot = true;
    stackCode[depth] = c;
    stackBytes[depth] = nameBytes;
    depth++;
  }

  /** An end tag at p. Returns the position after it, or -1 when incomplete. */
  function endTag(p: number): number {
    const buf = data;
    const n = buf.length;
    let gt = p + 2;
    while (gt < n && buf[gt] !== GT) gt++;
    if (gt >= n) return -1;
    let e = gt;
    while (e > p + 2 && isSpace(buf[e - 1])) e--;
    if (depth === 0) fail('REPO_METADATA', p, 'end tag without a start tag');
    const want = stackBytes[depth - 1];
    let same = want.length === e - (p + 2);
    for (let i = 0; same && i < want.length; i++) if (buf[p + 2 + i] !== want[i]) same = false;
    if (!same) {
      fail('REPO_METADATA', p, `end tag </${buf.utf8Slice(p + 2, e)}> does not match <${Buffer.from(want).toString('utf8')}>`);
    }
    const c = stackCode[depth - 1];
    if (captureDepth === depth) {
      captureDepth = -1;
      text(c, table.text(captured));
      captured = '';
    }
    depth--;
    if (depth === 0) rootClosed = true;
    close(c, want);
    return gt + 1;
  }

  /** Parses the tag at buf[p] === '<'. Returns the position after it, or -1 when incomplete. */
  function tag(p: number): number {
    const buf = data;
    const n = buf.length;
    if (p + 1 >= n) return -1;
    const c1 = buf[p + 1];
    if (c1 === SLASH) return endTag(p);
    if (c1 === QMARK) {
      for (let i = buf.indexOf(QMARK, p + 2); i !== -1 && i + 1 < n; i = buf.indexOf(QMARK, i + 1)) {
        if (buf[i + 1] === GT) return i + 2;
      }
      return -1;
    }
    if (c1 === BANG) return markup(p);
    if (c1 === 0x72 && list !== -1) {
      const next = entryTag(p);
      if (next !== -1) return next;
    }
    let i = p + 1;
    while (i < n) {
      const ch = buf[i];
      if (ch === GT || ch === SLASH || isSpace(ch)) break;
      i++;
    }
    if (i >= n) return -1;
    if (i === p + 1) fail('REPO_METADATA', p, "'<' not followed by a name");
    const nameEnd = i;
    attrCount = 0;
    attrAmp = 0;
    for (;;) {
      while (i < n && isSpace(buf[i])) i++;
      if (i >= n) return -1;
      const ch = buf[i];
      if (ch === GT || ch === SLASH) break;
      const ns = i;
      while (i < n) {
        const x = buf[i];
        if (x === EQ || x === GT || x === SLASH || isSpace(x)) break;
        i++;
      }
      const ne = i;
      while (i < n && isSpace(buf[i])) i++;
      if (i >= n) return -1;
      if (buf[i] !== EQ || ne === ns) fail('REPO_METADATA', i, 'malformed attribute');
      i++;
      while (i < n && isSpace(buf[i])) i++;
      if (i >= n) return -1;
      const q = buf[i];
      if (q !== QUOTE && q !== APOS) fail('REPO_METADATA', i, 'attribute value not quoted');
      let ve = i + 1;
      let amp = false;
      while (ve < n) {
        const x = buf[ve];
        if (x === q) break;
        if (x === LT) fail('REPO_METADATA', ve, "'<' in an attribute value");
        if (x === AMP) amp = true;
        ve++;
      }
      if (ve >= n) return -1;
      if (attrCount === MAX_ATTRS) fail('REPO_METADATA', ns, `more than ${MAX_ATTRS} attributes on one tag`);
      // References are checked even in attributes nobody reads: a hostile one is refused, never skipped.
      if (amp) {
        decodeEntities(buf.utf8Slice(i + 1, ve), at(i + 1));
        attrAmp |= 1 << attrCount;
      }
      const k = attrCount * 4;
      attrOff[k] = ns; attrOff[k + 1] = ne; attrOff[k + 2] = i + 1; attrOff[k + 3] = ve;
      attrCount++;
      i = ve + 1;
    }
    let selfClosing = false;
    if (buf[i] === SLASH) {
      if (i + 1 >= n) return -1;
      if (buf[i + 1] !== GT) fail('REPO_METADATA', i, "'/' not followed by '>'");
      selfClosing = true;
      i++;
    }
    const c = elementCode(buf, p + 1, nameEnd);
    const wanted = inPkg && CAPTURED[c] === 1;
    if (wanted && !selfClosing) {
      // the common case, `<name>text</name>` in one go; anything else inside goes the general way
      const t = i + 1;
      let j = t;
      let amp = false;
      let h = FNV_BASIS;
      while (j < n) {
        const x = buf[j];
        if (x === LT) break;
        if (x === AMP) amp = true;
        h = Math.imul(h ^ x, FNV_PRIME);
        j++;
      }
      if (j + 1 >= n) return -1;
      if (buf[j + 1] === SLASH) {
        const want = ELEMENT_BYTES[c - 1];
        let k = 0;
        while (k < want.length && j + 2 + k < n && buf[j + 2 + k] === want[k]) k++;
        let g = j + 2 + k;
        if (k === want.length) while (g < n && isSpace(buf[g])) g++;
        if (g >= n) return -1;
        if (k === want.length && buf[g] === GT) {
          if (rootClosed) fail('REPO_METADATA', p, 'a second root element');
          if (depth >= MAX_DEPTH) fail('REPO_METADATA', p, `elements nested deeper than ${MAX_DEPTH}`);
          text(c, value(t, j, h, amp));
          return g + 1;
        }
      }
    }
    const nameBytes = c === 0 ? new Uint8Array(buf.subarray(p + 1, nameEnd)) : ELEMENT_BYTES[c - 1];
    if (selfClosing) {
      if (rootClosed) fail('REPO_METADATA', p, 'a second root element');
      if (depth >= MAX_DEPTH) fail('REPO_METADATA', p, `elements nested deeper than ${MAX_DEPTH}`);
      seenRoot = true;
      if (depth === 0) rootClosed = true;
      open(c);
      if (wanted) text(c, EMPTY);
      close(c, nameBytes);
      return i + 1;
    }
    push(c, nameBytes, p);
    open(c);
    if (wanted) { captureDepth = depth; captured = ''; }
    return i + 1;
  }

  /** `<!…`: a comment or CDATA; any declaration is refused. */
  function markup(p: number): number {
    const buf = data;
    const n = buf.length;
    if (p + 3 >= n) return -1;
    if (buf[p + 2] === 0x2d && buf[p + 3] === 0x2d) {
      for (let i = buf.indexOf(0x2d, p + 4); i !== -1 && i + 2 < n; i = buf.indexOf(0x2d, i + 1)) {
        if (buf[i + 1] === 0x2d && buf[i + 2] === GT) return i + 3;
      }
      return -1;
    }
    if (p + 9 > n) return -1;
    if (buf.latin1Slice(p + 2, p + 9) === '[CDATA[') {
      for (let i = buf.indexOf(0x5d, p + 9); i !== -1 && i + 2 < n; i = buf.indexOf(0x5d, i + 1)) {
        if (buf[i + 1] === 0x5d && buf[i + 2] === GT) {
          if (depth === 0) fail('REPO_METADATA', p, 'CDATA outside the root element');
          if (captureDepth === depth) captured += buf.utf8Slice(p + 9, i);
          return i + 3;
        }
      }
      return -1;
    }
    const word = buf.latin1Slice(p + 2, Math.min(n, p + 10)).replace(/[^A-Za-z].*$/s, '');
    fail('REPO_HOSTILE_XML', p, `markup declaration <!${word}…> (DTD, entity or notation) is not allowed`);
  }

  // the next '&' at or after a position (buf.length when none), found by native indexOf and remembered:
  // references are rare, so most text runs are checked by one comparison
  let ampAt = -1;
  let ampFrom = 0;
  function nextAmp(from: number): number {
    const buf = data;
    if (ampAt < from || from < ampFrom) {
      const i = buf.indexOf(AMP, from);
      ampAt = i === -1 ? buf.length : i;
      ampFrom = from;
    }
    return ampAt;
  }
  /** Character data b[s, e) between tags. */
  function chars(s: number, e: number): void {
    const buf = data;
    if (depth === 0) {
      for (let i = s; i < e; i++) if (!isSpace(buf[i])) fail('REPO_METADATA', i, 'text outside the root element');
      return;
    }
    if (captureDepth === depth) {
      const raw = buf.utf8Slice(s, e);
      captured += raw.indexOf('&') === -1 ? raw : decodeEntities(raw, at(s));
      return;
    }
    // Text nobody reads is skipped unread, except that a reference in it is checked for safety.
    if (nextAmp(s) < e) decodeEntities(buf.utf8Slice(s, e), at(s));
  }

  function run(final: boolean): void {
    const buf = data;
    const n = buf.length;
    let p = pos;
    while (p < n) {
      if (buf[p] === LT) {
        const next = tag(p);
        if (next === -1) break;
        p = next;
        continue;
      }
      // short runs (indentation) by a loop, long ones (descriptions) by native indexOf
      let lt = p + 1;
      const stop = Math.min(n, p + 64);
      while (lt < stop && buf[lt] !== LT) lt++;
      if (lt === stop && lt < n) {
        lt = buf.indexOf(LT, lt);
        if (lt === -1) lt = n;
      }
      if (lt === n) {
        if (final) { chars(p, n); p = n; } else if (depth > 0 && captureDepth !== depth && nextAmp(p) === n) p = n;
        break;
      }
      chars(p, lt);
      p = lt;
    }
    pos = p;
    if (!final && n - pos > MAX_TOKEN) fail('REPO_METADATA', pos, `a token longer than ${MAX_TOKEN} bytes`);
  }

  return {
    write(chunk: Uint8Array): void {
      if (chunk.length === 0) return;
      // leftover + chunk (xml.ts appendChunk: the one carry-over rule of both scanners)
      const w: ChunkWindow = { data, pos, base, scratch, inScratch };
      appendChunk(w, chunk);
      ({ data, base, scratch, inScratch } = w);
      pos = 0;
      ampAt = -1;
      run(false);
    },
    end(): void {
      run(true);
      if (pos < data.length) fail('REPO_TRUNCATED', pos, 'the document ends inside a tag');
      if (depth > 0) {
        fail('REPO_TRUNCATED', pos, `the document ends with <${Buffer.from(stackBytes[depth - 1]).toString('utf8')}> still open`);
      }
      if (!seenRoot) fail('REPO_TRUNCATED', pos, 'the document has no root element');
    },
  };
}
