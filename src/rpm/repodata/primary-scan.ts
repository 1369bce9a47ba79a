/**
 * The fast path of the primary.xml reader: a scanner specialised to the <package> element of
 * primary.xml, producing compact columns (interned string ids, dependency ids, typed arrays) instead of
 * objects, so it can run in a worker thread and hand its output over as transferable ArrayBuffers.
 * primary-fast.ts turns the columns into Packages (primary-columns.ts).
 *
 * Contract: `scanPackages(bytes, …)` reads a run of `ws* (<package …>…</package> ws*)*` and stops at the
 * first package it does not fully understand, reporting its offset (`declineAt`). It accepts only a
 * strict subset of XML: the elements and nesting createrepo_c (and every other generator we know)
 * writes, whitespace between elements, attributes in any order, entity and character references.
 * Anything else — comments, CDATA, processing instructions, unknown elements or attributes, text where
 * none belongs, a mismatched end tag, a malformed or hostile reference, a non-decimal number, a package
 * without a name — is declined, never reported: the caller hands the declined bytes to the general,
 * safe tokenizer (xml.ts) with the original handler, which either accepts them (with the same result)
 * or raises the error with its stable code. So every error a user can meet is xml.ts's, and anything
 * this scanner accepts is well-formed and yields exactly what the general path would.
 */
import { decodeEntities } from './xml.js';

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SLASH = 0x2f;
const QUOTE = 0x22;
const APOS = 0x27;
const EQ = 0x3d;

/** Dependency list kinds, in the order of the Package fields they fill. */
export const DEP_KINDS = ['provides', 'requires', 'conflicts', 'obsoletes', 'recommends', 'suggests',
  'supplements', 'enhances'] as const;
/** Dependency flags by code (0: none). */
export const FLAGS = [undefined, 'EQ', 'LT', 'LE', 'GT', 'GE'] as const;

// Element codes.
const E_PACKAGE = 1;
const E_NAME = 2;
const E_ARCH = 3;
const E_VERSION = 4;
const E_CHECKSUM = 5;
const E_SUMMARY = 6;
const E_DESCRIPTION = 7;
const E_PACKAGER = 8;
const E_URL = 9;
const E_TIME = 10;
const E_SIZE = 11;
const E_LOCATION = 12;
const E_FORMAT = 13;
const E_LICENSE = 14;
const E_VENDOR = 15;
const E_GROUP = 16;
const E_BUILDHOST = 17;
const E_SOURCERPM = 18;
const E_HEADER_RANGE = 19;
const E_ENTRY = 20;
const E_FILE = 21;
const E_DEPLIST = 22; // + kind (22…29)

// Attribute codes.
const A_NAME = 1;
const A_FLAGS = 2;
const A_EPOCH = 3;
const A_VER = 4;
const A_REL = 5;
const A_PRE = 6;
const A_TYPE = 7;
const A_FILE = 8;
const A_BUILD = 9;
const A_PACKAGE = 10;
const A_INSTALLED = 11;
const A_ARCHIVE = 12;
const A_HREF = 13;
const A_XML_BASE = 14;
const A_OTHER = 15;

const ELEMENTS: [string, number][] = [
  ['package', E_PACKAGE], ['name', E_NAME], ['arch', E_ARCH], ['version', E_VERSION], ['checksum', E_CHECKSUM],
  ['summary', E_SUMMARY], ['description', E_DESCRIPTION], ['packager', E_PACKAGER], ['url', E_URL],
  ['time', E_TIME], ['size', E_SIZE], ['location', E_LOCATION], ['format', E_FORMAT],
  ['rpm:license', E_LICENSE], ['rpm:vendor', E_VENDOR], ['rpm:group', E_GROUP], ['rpm:buildhost', E_BUILDHOST],
  ['rpm:sourcerpm', E_SOURCERPM], ['rpm:header-range', E_HEADER_RANGE], ['rpm:entry', E_ENTRY], ['file', E_FILE],
  ...DEP_KINDS.map((k, i): [string, number] => [`rpm:${k}`, E_DEPLIST + i]),
];
const ATTRIBUTES: [string, number][] = [
  ['name', A_NAME], ['flags', A_FLAGS], ['epoch', A_EPOCH], ['ver', A_VER], ['rel', A_REL], ['pre', A_PRE],
  ['type', A_TYPE], ['file', A_FILE], ['build', A_BUILD], ['package', A_PACKAGE], ['installed', A_INSTALLED],
  ['archive', A_ARCHIVE], ['href', A_HREF], ['xml:base', A_XML_BASE],
];

/** A perfect little table from name bytes to a code (0: unknown), built once. */
function createCodeTable(entries: [string, number][]): (b: Uint8Array, s: number, e: number) => number {
  const size = 256;
  const keys: (Uint8Array | undefined)[] = new Array(size);
  const codes = new Int32Array(size);
  const hash = (b: Uint8Array, s: number, e: number): number => {
    const len = e - s;
    return len === 0 ? 0 : (len * 31 + b[s] * 7 + b[e - 1] * 3 + b[s + (len >> 1)] * 11) & (size - 1);
  };
  for (const [name, code] of entries) {
    const bytes = Buffer.from(name, 'latin1');
    let slot = hash(bytes, 0, bytes.length);
    while (keys[slot] !== undefined) slot = (slot + 1) & (size - 1);
    keys[slot] = bytes;
    codes[slot] = code;
  }
  return (b, s, e) => {
    const len = e - s;
    for (let slot = hash(b, s, e); ; slot = (slot + 1) & (size - 1)) {
      const k = keys[slot];
      if (k === undefined) return 0;
      if (k.length === len) {
        let i = 0;
        while (i < len && k[i] === b[s + i]) i++;
        if (i === len) return codes[slot];
      }
    }
  };
}

const elementCode = createCodeTable(ELEMENTS);
const attributeCode = createCodeTable(ATTRIBUTES);

/** Package columns: Int32 fields per package (PK_*), -1 when absent. */
export const PK_NAME = 0;
export const PK_ARCH = 1;
export const PK_EPOCH = 2;
export const PK_VER = 3;
export const PK_REL = 4;
export const PK_CHECKSUM_TYPE = 5;
export const PK_CHECKSUM = 6; // text
export const PK_SUMMARY = 7; // text
export const PK_DESCRIPTION = 8; // text
export const PK_PACKAGER = 9;
export const PK_URL = 10; // text
export const PK_LOCATION = 11; // text
export const PK_LOCATION_BASE = 12; // text
export const PK_LICENSE = 13;
export const PK_VENDOR = 14;
export const PK_GROUP = 15;
export const PK_BUILDHOST = 16;
export const PK_SOURCERPM = 17;
export const PK_HAS = 18; // bit 0: <version>, bit 1: <time>, bit 2: <size>
export const PK_DEP_END = 19; // end of this package's entries in deps/depKinds
export const PK_FILE_END = 20; // end of this package's files in files
export const PK_WIDTH = 21;
/** Float64 fields per package: time file, build; size package, installed, archive. */
export const NUM_WIDTH = 5;

/** What one scan produced; every array is a fresh, transferable buffer of exactly its length. */
export interface ScanBatch {
  /** Bytes of the strings first interned in this batch, in id order. */
  strBytes: Uint8Array;
  /** Their byte lengths. */
  strLens: Int32Array;
  /** New EVRs (epoch, version id, release id or -1) in id order. */
  evrs: Int32Array;
  /** New dependencies (name id, flags code, evr id or -1, pre 0/1) in id order. */
  deps: Int32Array;
  /** PK_WIDTH Int32s per package. */
  packages: Int32Array;
  /** NUM_WIDTH Float64s per package. */
  nums: Float64Array;
  /** Dependency ids of every package's entries, in document order, and each one's kind. */
  entries: Int32Array;
  entryKinds: Uint8Array;
  /** Text ids of every package's files. */
  files: Int32Array;
  /** Texts (not interned): bytes and byte lengths, referenced by index from packages and files. */
  textBytes: Uint8Array;
  textLens: Int32Array;
  /** Bytes of input consumed; when less than the input, the package there was declined. */
  consumed: number;
}

/** A worker's request: scan `length` bytes of `bytes` (transferred). */
export interface ScanRequest { id: number; bytes: ArrayBuffer; length: number }
/** Its reply: the batch, and the input buffer handed back. */
export interface ScanReply { id: number; batch: ScanBatch; bytes: ArrayBuffer }

/** Every buffer of a batch, for a transfer list. */
export function batchBuffers(b: ScanBatch): ArrayBuffer[] {
  return [b.strBytes, b.strLens, b.evrs, b.deps, b.packages, b.nums, b.entries, b.entryKinds, b.files,
    b.textBytes, b.textLens].map((a) => a.buffer as ArrayBuffer);
}

/** A growable Int32 column. */
interface I32 { a: Int32Array; n: number }
const i32 = (cap: number): I32 => ({ a: new Int32Array(cap), n: 0 });
function grow32(c: I32, need: number): void {
  if (c.n + need <= c.a.length) return;
  const b = new Int32Array(Math.max(c.a.length * 2, c.n + need));
  b.set(c.a.subarray(0, c.n));
  c.a = b;
}

/**
 * The state of one lane (a worker, or the main thread): interning tables that persist from batch to
 * batch, so each batch carries only the strings, EVRs and dependencies it saw first.
 */
export interface Scanner {
  scan(bytes: Buffer, end: number): ScanBatch;
}

const DECLINE = -2;

export function createScanner(): Scanner {
  // Strings: open addressing on FNV-1a of the bytes; keys live in one append-only arena.
  let strBits = 16;
  let strSlots = new Int32Array(1 << strBits).fill(-1); // string id per slot
  let strHash = new Int32Array(1 << strBits);
  let strOff = new Int32Array(1 << 15); // per id: arena offset
  let strLen = new Int32Array(1 << 15);
  let strCount = 0;
  let strSent = 0; // ids below this were sent in an earlier batch
  let arena = Buffer.allocUnsafe(1 << 20);
  let arenaUsed = 0;
  let arenaSent = 0;

  function growStrings(): void {
    const bits = strBits + 1;
    const slots = new Int32Array(1 << bits).fill(-1);
    const hashes = new Int32Array(1 << bits);
    const mask = (1 << bits) - 1;
    for (let s = 0; s < strSlots.length; s++) {
      const id = strSlots[s];
      if (id === -1) continue;
      let t = strHash[s] & mask;
      while (slots[t] !== -1) t = (t + 1) & mask;
      slots[t] = id;
      hashes[t] = strHash[s];
    }
    strBits = bits;
    strSlots = slots;
    strHash = hashes;
  }

  /** The id of the string with bytes b[s, e) and FNV hash h. */
  function internBytes(b: Uint8Array, s: number, e: number, h: number): number {
    const len = e - s;
    const mask = strSlots.length - 1;
    let slot = h & mask;
    for (;;) {
      const id = strSlots[slot];
      if (id === -1) break;
      if (strHash[slot] === h && strLen[id] === len) {
        const off = strOff[id];
        let i = 0;
        while (i < len && arena[off + i] === b[s + i]) i++;
        if (i === len) return id;
      }
      slot = (slot + 1) & mask;
    }
    const id = strCount++;
    if (id === strOff.length) {
      const o = new Int32Array(id * 2); o.set(strOff); strOff = o;
      const l = new Int32Array(id * 2); l.set(strLen); strLen = l;
    }
    if (arenaUsed + len > arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(arena.length * 2, arenaUsed + len));
      arena.copy(bigger, 0, 0, arenaUsed);
      arena = bigger;
    }
    arena.set(b.subarray(s, e), arenaUsed);
    strOff[id] = arenaUsed;
    strLen[id] = len;
    arenaUsed += len;
    strSlots[slot] = id;
    strHash[slot] = h;
    if (strCount * 10 > strSlots.length * 7) growStrings();
    return id;
  }

  function hashBytes(b: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
    return h;
  }

  // Tuples (EVRs: 3 ints, dependencies: 4 ints) interned the same way, keyed by their ints.
  function createTupleTable(width: number): { id(t0: number, t1: number, t2: number, t3: number): number; defs: I32 } {
    let slots = new Int32Array(1 << 14).fill(-1);
    const defs = i32(1 << 14);
    let count = 0;
    // Multiply-xorshift mixing: low bits (the slot) depend on every bit of every field.
    const hashOf = (t0: number, t1: number, t2: number, t3: number): number => {
      let h = Math.imul(t0 ^ 0x9e3779b9, 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 15) ^ t1, 0xc2b2ae35);
      h = Math.imul(h ^ (h >>> 13) ^ t2, 0x27d4eb2f);
      h = Math.imul(h ^ (h >>> 16) ^ t3, 0x165667b1);
      return h ^ (h >>> 15);
    };
    const at = (id: number, k: number): number => defs.a[id * width + k];
    const grow = (): void => {
      const bigger = new Int32Array(slots.length * 2).fill(-1);
      const mask = bigger.length - 1;
      for (let id = 0; id < count; id++) {
        let s = hashOf(at(id, 0), at(id, 1), at(id, 2), width > 3 ? at(id, 3) : 0) & mask;
        while (bigger[s] !== -1) s = (s + 1) & mask;
        bigger[s] = id;
      }
      slots = bigger;
    };
    return {
      defs,
      id(t0, t1, t2, t3) {
        const mask = slots.length - 1;
        let s = hashOf(t0, t1, t2, t3) & mask;
        for (;;) {
          const id = slots[s];
          if (id === -1) break;
          const o = id * width;
          const d = defs.a;
          if (d[o] === t0 && d[o + 1] === t1 && d[o + 2] === t2 && (width === 3 || d[o + 3] === t3)) return id;
          s = (s + 1) & mask;
        }
        const id = count++;
        grow32(defs, width);
        const d = defs.a;
        d[defs.n++] = t0; d[defs.n++] = t1; d[defs.n++] = t2;
        if (width > 3) d[defs.n++] = t3;
        slots[s] = id;
        if (count * 10 > slots.length * 7) grow();
        return id;
      },
    };
  }
  const evrTable = createTupleTable(3);
  const depTable = createTupleTable(4);

  let evrSent = 0;
  let depSent = 0;

    // Per-scan state (set by scan()): the input, and the columns being filled.
    let b: Buffer = Buffer.alloc(0);
    let end = 0;
    let packages = i32(0);
    let nums = new Float64Array(0);
    let entries = i32(0);
    let entryKinds = new Uint8Array(0);
    let files = i32(0);
    let textLens = i32(0);
    let text = Buffer.alloc(0);
    let textUsed = 0;

    // Per tag: attribute codes and value spans, and each value's hash (0 when it had references).
    const attrCode = new Int32Array(16);
    const attrS = new Int32Array(16);
    const attrE = new Int32Array(16);
    const attrH = new Int32Array(16);
    const attrRef = new Uint8Array(16);
    let attrN = 0;
    let tagEnd = 0; // position after the tag's '>'
    let selfClosing = false;

    // Next '<' after a position (each byte is searched once per scan).
    let ltAt = -1;
    let ampAt = -1;
    const nextLt = (from: number): number => {
      if (ltAt < from) {
        const i = b.indexOf(LT, from);
        ltAt = i === -1 || i >= end ? end : i;
      }
      return ltAt;
    };
    const nextAmp = (from: number): number => {
      if (ampAt < from) {
        const i = b.indexOf(AMP, from);
        ampAt = i === -1 || i >= end ? end : i;
      }
      return ampAt;
    };

    /**
     * Reads the attributes of the tag whose name ends at `i`; sets tagEnd and selfClosing.
     * Returns false when the tag is outside the accepted subset (or runs past the end).
     */
    function readAttrs(i: number): boolean {
      attrN = 0;
      const lim = nextLt(i); // no '<' may appear inside a tag
      for (;;) {
        let c = i < end ? b[i] : 0;
        while (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) c = ++i < end ? b[i] : 0;
        if (i >= lim) return false;
        if (c === GT) { tagEnd = i + 1; selfClosing = false; return true; }
        if (c === SLASH) {
          if (i + 1 >= lim || b[i + 1] !== GT) return false;
          tagEnd = i + 2;
          selfClosing = true;
          return true;
        }
        const ns = i;
        while (c !== EQ && c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d && c !== GT && c !== SLASH && i < lim) {
          c = ++i < end ? b[i] : 0;
        }
        const ne = i;
        while (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) c = ++i < end ? b[i] : 0;
        if (c !== EQ || ne === ns || i >= lim) return false;
        c = ++i < end ? b[i] : 0;
        while (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) c = ++i < end ? b[i] : 0;
        if ((c !== QUOTE && c !== APOS) || i >= lim) return false;
        const vs = ++i;
        let h = 0x811c9dc5;
        let ref = 0;
        while (i < lim) {
          const v = b[i];
          if (v === c) break;
          if (v === AMP) ref = 1;
          h = Math.imul(h ^ v, 0x01000193);
          i++;
        }
        if (i >= lim) return false;
        if (attrN === 16) return false;
        const code = attributeCode(b, ns, ne);
        for (let k = 0; k < attrN; k++) if (attrCode[k] === code && code !== A_OTHER) return false; // duplicate
        attrCode[attrN] = code === 0 ? A_OTHER : code;
        attrS[attrN] = vs;
        attrE[attrN] = i;
        attrH[attrN] = h;
        attrRef[attrN] = ref;
        attrN++;
        i++;
        if (ref && !validRefs(vs, i - 1)) return false;
      }
    }

    function validRefs(s: number, e: number): boolean {
      try {
        decodeEntities(b.utf8Slice(s, e), () => '');
        return true;
      } catch {
        return false;
      }
    }

    /** The string id of attribute k's value (references decoded). */
    function internAttr(k: number): number {
      const s = attrS[k];
      const e = attrE[k];
      if (attrRef[k]) return internDecoded(decodeEntities(b.utf8Slice(s, e), () => ''));
      return internBytes(b, s, e, attrH[k]);
    }
    function internDecoded(str: string): number {
      const bytes = Buffer.from(str, 'utf8');
      return internBytes(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length));
    }
    function find(code: number): number {
      for (let k = 0; k < attrN; k++) if (attrCode[k] === code) return k;
      return -1;
    }
    function addText(s: number, e: number, ref: boolean): number {
      let bytes: Uint8Array = b;
      if (ref) {
        bytes = Buffer.from(decodeEntities(b.utf8Slice(s, e), () => ''), 'utf8');
        s = 0;
        e = bytes.length;
      }
      const len = e - s;
      if (textUsed + len > text.length) {
        const bigger = Buffer.allocUnsafe(Math.max(text.length * 2, textUsed + len));
        text.copy(bigger, 0, 0, textUsed);
        text = bigger;
      }
      if (len < 64) {
        for (let i = 0; i < len; i++) text[textUsed + i] = bytes[s + i];
      } else {
        text.set(bytes.subarray(s, e), textUsed);
      }
      textUsed += len;
      grow32(textLens, 1);
      textLens.a[textLens.n] = len;
      return textLens.n++;
    }
    function attrText(k: number): number {
      return addText(attrS[k], attrE[k], attrRef[k] === 1);
    }
    /** A non-negative decimal integer attribute (absent: 0); -1 when not plain decimal digits. */
    function attrNumber(code: number): number {
      const k = find(code);
      if (k === -1) return 0;
      const s = attrS[k];
      const e = attrE[k];
      if (e === s || e - s > 15) return -1;
      let n = 0;
      for (let i = s; i < e; i++) {
        const d = b[i] - 0x30;
        if (d < 0 || d > 9) return -1;
        n = n * 10 + d;
      }
      return n;
    }
    /**
     * The EVR id of the current tag (epoch/ver/rel as readEvr reads them), or -1 when the epoch is not
     * plain decimal digits (the general path decides).
     */
    function readEvr(): number {
      const epoch = attrNumber(A_EPOCH);
      if (epoch === -1 || epoch > 0x7fffffff) return -1;
      const kv = find(A_VER);
      const kr = find(A_REL);
      const ver = kv === -1 ? emptyId() : internAttr(kv);
      const rel = kr === -1 ? -1 : internAttr(kr);
      return evrTable.id(epoch, ver, rel, 0);
    }
    let emptyStr = -1;
    function emptyId(): number {
      if (emptyStr === -1) emptyStr = internBytes(b, 0, 0, hashBytes(b, 0, 0));
      return emptyStr;
    }
    /** True when attribute k's value is exactly "1". */
    function isOne(k: number): boolean {
      return k !== -1 && attrE[k] - attrS[k] === 1 && b[attrS[k]] === 0x31;
    }

    /** The element code of the start tag at b[p] === '<' (sets nameEnd), 0 for an end tag or other markup. */
    let nameEnd = 0;
    function startTag(p: number): number {
      let i = p + 1;
      let c = i < end ? b[i] : 0;
      if (c === SLASH || c === 0x21 || c === 0x3f) return 0;
      while (c !== GT && c !== SLASH && c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d && i < end) c = ++i < end ? b[i] : 0;
      if (i >= end || i === p + 1) return 0;
      nameEnd = i;
      return elementCode(b, p + 1, i);
    }
    /** The position after the end tag `</name>` at p, where the name is that of element code `code`. */
    function endTag(p: number, name: Uint8Array): number {
      if (p + 1 >= end || b[p] !== LT || b[p + 1] !== SLASH) return -1;
      const len = name.length;
      let i = p + 2;
      if (i + len > end) return -1;
      for (let k = 0; k < len; k++) if (b[i + k] !== name[k]) return -1;
      i += len;
      let c = i < end ? b[i] : 0;
      while (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) c = ++i < end ? b[i] : 0;
      return c === GT && i < end ? i + 1 : -1;
    }
    function skipSpace(i: number): number {
      let c = i < end ? b[i] : 0;
      while (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) c = ++i < end ? b[i] : 0;
      return i;
    }
    /**
     * Reads the text of a leaf element whose start tag was just read (tagEnd, selfClosing); returns the
     * position after its end tag, or DECLINE. The text's span is left in textS/textE/textRef.
     */
    let textS = 0;
    let textE = 0;
    let textRef = false;
    function leafText(name: Uint8Array): number {
      if (selfClosing) { textS = textE = tagEnd; textRef = false; return tagEnd; }
      const lt = nextLt(tagEnd);
      if (lt >= end) return DECLINE;
      textS = tagEnd;
      textE = lt;
      textRef = nextAmp(tagEnd) < lt;
      if (textRef && !validRefs(textS, textE)) return DECLINE;
      const after = endTag(lt, name);
      return after === -1 ? DECLINE : after;
    }
    function leafString(name: Uint8Array): number {
      const after = leafText(name);
      if (after === DECLINE) return DECLINE;
      lastString = textRef ? internDecoded(decodeEntities(b.utf8Slice(textS, textE), () => ''))
        : internBytes(b, textS, textE, hashBytes(b, textS, textE));
      return after;
    }
    let lastString = -1;

    const pk = new Int32Array(PK_WIDTH);
    const num = new Float64Array(NUM_WIDTH);

    /** Parses one package starting at p (at '<package'); returns the position after it, or DECLINE. */
    function parsePackage(p: number): number {
      if (startTag(p) !== E_PACKAGE || !readAttrs(nameEnd) || selfClosing) return DECLINE;
      pk.fill(-1);
      pk[PK_HAS] = 0;
      num.fill(0);
      const entries0 = entries.n;
      const files0 = files.n;
      const texts0 = textLens.n;
      const used0 = textUsed;
      let i = tagEnd;
      let inFormat = false;
      const undo = (): number => {
        entries.n = entries0; files.n = files0; textLens.n = texts0; textUsed = used0;
        return DECLINE;
      };
      for (;;) {
        i = skipSpace(i);
        if (i + 1 >= end || b[i] !== LT) return undo();
        if (b[i + 1] === SLASH) {
          if (inFormat) {
            const after = endTag(i, NAME_BYTES.format);
            if (after === -1) return undo();
            inFormat = false;
            i = after;
            continue;
          }
          const after = endTag(i, NAME_BYTES.package);
          if (after === -1 || pk[PK_NAME] === -1 || isEmptyString(pk[PK_NAME])) return undo();
          pk[PK_DEP_END] = entries.n;
          pk[PK_FILE_END] = files.n;
          grow32(packages, PK_WIDTH);
          packages.a.set(pk, packages.n);
          const row = packages.n / PK_WIDTH;
          packages.n += PK_WIDTH;
          if ((row + 1) * NUM_WIDTH > nums.length) {
            const bigger = new Float64Array(nums.length * 2);
            bigger.set(nums);
            nums = bigger;
          }
          nums.set(num, row * NUM_WIDTH);
          return after;
        }
        const code = startTag(i);
        if (code === 0 || !readAttrs(nameEnd)) return undo();
        let after: number;
        if (!inFormat) {
          switch (code) {
            case E_NAME: after = leafString(NAME_BYTES.name); pk[PK_NAME] = lastString; break;
            case E_ARCH: after = leafString(NAME_BYTES.arch); pk[PK_ARCH] = lastString; break;
            case E_PACKAGER: after = leafString(NAME_BYTES.packager); pk[PK_PACKAGER] = lastString; break;
            case E_SUMMARY: after = leafText(NAME_BYTES.summary); if (after !== DECLINE) pk[PK_SUMMARY] = addText(textS, textE, textRef); break;
            case E_DESCRIPTION: after = leafText(NAME_BYTES.description); if (after !== DECLINE) pk[PK_DESCRIPTION] = addText(textS, textE, textRef); break;
            case E_URL: after = leafText(NAME_BYTES.url); if (after !== DECLINE) pk[PK_URL] = addText(textS, textE, textRef); break;
            case E_CHECKSUM: {
              const kt = find(A_TYPE);
              const type = kt === -1 ? -1 : internAttr(kt);
              after = leafText(NAME_BYTES.checksum);
              if (after !== DECLINE) {
                pk[PK_CHECKSUM_TYPE] = type;
                pk[PK_CHECKSUM] = addText(textS, textE, textRef);
              }
              break;
            }
            case E_VERSION: {
              if (!selfClosing || !onlyAttrs(A_EPOCH, A_VER, A_REL)) return undo();
              const evr = readEvr();
              if (evr === -1) return undo();
              const d = evrTable.defs.a;
              pk[PK_EPOCH] = d[evr * 3];
              pk[PK_VER] = d[evr * 3 + 1];
              pk[PK_REL] = d[evr * 3 + 2];
              pk[PK_HAS] |= 1;
              after = tagEnd;
              break;
            }
            case E_TIME: {
              if (!selfClosing) return undo();
              const f = attrNumber(A_FILE);
              const bu = attrNumber(A_BUILD);
              if (f === -1 || bu === -1 || hasOther()) return undo();
              num[0] = f; num[1] = bu;
              pk[PK_HAS] |= 2;
              after = tagEnd;
              break;
            }
            case E_SIZE: {
              if (!selfClosing) return undo();
              const a = attrNumber(A_PACKAGE);
              const n = attrNumber(A_INSTALLED);
              const r = attrNumber(A_ARCHIVE);
              if (a === -1 || n === -1 || r === -1 || hasOther()) return undo();
              num[2] = a; num[3] = n; num[4] = r;
              pk[PK_HAS] |= 4;
              after = tagEnd;
              break;
            }
            case E_LOCATION: {
              if (!selfClosing) return undo();
              const kh = find(A_HREF);
              pk[PK_LOCATION] = kh === -1 ? addText(0, 0, false) : attrText(kh);
              const kb = find(A_XML_BASE);
              pk[PK_LOCATION_BASE] = kb === -1 ? -1 : attrText(kb);
              after = tagEnd;
              break;
            }
            case E_FORMAT:
              if (selfClosing) return undo();
              inFormat = true;
              after = tagEnd;
              break;
            default: return undo();
          }
        } else {
          switch (code) {
            case E_LICENSE: after = leafString(NAME_BYTES['rpm:license']); pk[PK_LICENSE] = lastString; break;
            case E_VENDOR: after = leafString(NAME_BYTES['rpm:vendor']); pk[PK_VENDOR] = lastString; break;
            case E_GROUP: after = leafString(NAME_BYTES['rpm:group']); pk[PK_GROUP] = lastString; break;
            case E_BUILDHOST: after = leafString(NAME_BYTES['rpm:buildhost']); pk[PK_BUILDHOST] = lastString; break;
            case E_SOURCERPM: after = leafString(NAME_BYTES['rpm:sourcerpm']); pk[PK_SOURCERPM] = lastString; break;
            case E_HEADER_RANGE: if (!selfClosing) return undo(); after = tagEnd; break;
            case E_FILE:
              after = leafText(NAME_BYTES.file);
              if (after !== DECLINE) {
                const t = addText(textS, textE, textRef);
                grow32(files, 1);
                files.a[files.n++] = t;
              }
              break;
            default:
              if (code < E_DEPLIST || code >= E_DEPLIST + DEP_KINDS.length || selfClosing || attrN > 0) return undo();
              after = depList(tagEnd, code - E_DEPLIST);
          }
        }
        if (after === DECLINE) return undo();
        i = after;
      }
    }

    function hasOther(): boolean {
      for (let k = 0; k < attrN; k++) if (attrCode[k] === A_OTHER) return true;
      return false;
    }
    function onlyAttrs(x: number, y: number, z: number): boolean {
      for (let k = 0; k < attrN; k++) {
        const c = attrCode[k];
        if (c !== x && c !== y && c !== z) return false;
      }
      return true;
    }
    function isEmptyString(id: number): boolean {
      return strLen[id] === 0;
    }

    /** The entries of a dependency list up to its end tag; returns the position after it. */
    function depList(i: number, kind: number): number {
      const endName = DEP_END_BYTES[kind];
      for (;;) {
        i = skipSpace(i);
        if (i + 1 >= end || b[i] !== LT) return DECLINE;
        if (b[i + 1] === SLASH) {
          const after = endTag(i, endName);
          return after === -1 ? DECLINE : after;
        }
        if (startTag(i) !== E_ENTRY || !readAttrs(nameEnd) || !selfClosing) return DECLINE;
        const dep = entry();
        if (dep === -1) return DECLINE;
        grow32(entries, 1);
        if (entries.n >= entryKinds.length) {
          const bigger = new Uint8Array(entryKinds.length * 2);
          bigger.set(entryKinds);
          entryKinds = bigger;
        }
        entryKinds[entries.n] = kind;
        entries.a[entries.n++] = dep;
        i = tagEnd;
      }
    }

    /** The dependency id of the current <rpm:entry> tag, as primary.ts's handler builds it; -1: decline. */
    function entry(): number {
      let kn = -1; let kf = -1; let kp = -1;
      for (let k = 0; k < attrN; k++) {
        const c = attrCode[k];
        if (c === A_NAME) kn = k;
        else if (c === A_FLAGS) kf = k;
        else if (c === A_PRE) kp = k;
        else if (c !== A_EPOCH && c !== A_VER && c !== A_REL) return -1;
      }
      const name = kn === -1 ? emptyId() : internAttr(kn);
      const count = attrN;
      if (kp !== -1 && attrRef[kp]) return -1;
      const pre = isOne(kp) ? 1 : 0;
      if (count === 1 || (count === 2 && pre === 1)) return depTable.id(name, 0, -1, pre);
      if (count <= 1) return depTable.id(name, 0, -1, 0);
      let flags = 0;
      if (kf !== -1) {
        flags = flagCode(attrS[kf], attrE[kf]);
        if (flags === 0) return -1;
      }
      let evr = -1;
      if (flags !== 0 || count > 2) {
        evr = readEvr();
        if (evr === -1) return -1;
      }
      return depTable.id(name, flags, evr, pre);
    }
    function flagCode(s: number, e: number): number {
      if (e - s !== 2) return 0;
      const c0 = b[s];
      const c1 = b[s + 1];
      if (c0 === 0x45 && c1 === 0x51) return 1; // EQ
      if (c0 === 0x4c) return c1 === 0x54 ? 2 : c1 === 0x45 ? 3 : 0; // LT LE
      if (c0 === 0x47) return c1 === 0x54 ? 4 : c1 === 0x45 ? 5 : 0; // GT GE
      return 0;
    }

  return {
    scan(input: Buffer, length: number): ScanBatch {
      b = input;
      end = length;
      packages = i32(PK_WIDTH * 64);
      nums = new Float64Array(NUM_WIDTH * 64);
      entries = i32(4096);
      entryKinds = new Uint8Array(4096);
      files = i32(256);
      textLens = i32(1024);
      text = Buffer.allocUnsafe(Math.max(1024, end >> 2));
      textUsed = 0;
      ltAt = -1;
      ampAt = -1;
      // The run: whitespace and packages.
      let i = 0;
      let consumed = 0;
      for (;;) {
        i = skipSpace(i);
        if (i >= end) { consumed = end; break; }
        consumed = i;
        const after = parsePackage(i);
        if (after === DECLINE) break;
        i = after;
      }

      // Hand over exactly what is new, as fresh buffers.
      const batch: ScanBatch = {
        strBytes: new Uint8Array(arena.subarray(arenaSent, arenaUsed)),
        strLens: strLen.slice(strSent, strCount),
        evrs: evrTable.defs.a.slice(evrSent * 3, evrTable.defs.n),
        deps: depTable.defs.a.slice(depSent * 4, depTable.defs.n),
        packages: packages.a.slice(0, packages.n),
        nums: nums.slice(0, (packages.n / PK_WIDTH) * NUM_WIDTH),
        entries: entries.a.slice(0, entries.n),
        entryKinds: entryKinds.slice(0, entries.n),
        files: files.a.slice(0, files.n),
        textBytes: new Uint8Array(text.subarray(0, textUsed)),
        textLens: textLens.a.slice(0, textLens.n),
        consumed,
      };
      arenaSent = arenaUsed;
      strSent = strCount;
      evrSent = evrTable.defs.n / 3;
      depSent = depTable.defs.n / 4;
      b = Buffer.alloc(0); // not retained between scans
      return batch;
    },
  };
}

const NAME_BYTES: Record<string, Uint8Array> = Object.fromEntries(ELEMENTS.map(([n]) => [n, Buffer.from(n, 'latin1')]));
const DEP_END_BYTES = DEP_KINDS.map((k) => Buffer.from(`rpm:${k}`, 'latin1'));
