/**
 * A small, safe, streaming XML tokenizer over Buffers, shared by every repodata reader.
 *
 * Why hand-written: repodata is large (a primary.xml of 200 MB is normal for big repositories) and
 * simple (no DTDs, no namespaces beyond fixed prefixes). A byte-level scanner that jumps with
 * indexOf('<') and decodes strings only when a reader asks for them is several times faster than a
 * general parser and has no feature we would have to switch off for safety.
 *
 * Event API (all callbacks are synchronous, called from write()/end()):
 * - `open(name, attrs, selfClosing)` for a start tag (or an empty-element tag, then `selfClosing` is
 *   true and no close() follows). `name` is the qualified name as written (`rpm:entry`): repodata
 *   writers always use the conventional prefixes. `attrs` is a view valid only during the call;
 *   read what you need with `attrs.get(name)`. Return `true` to capture the element's text.
 * - `close(name, text)` for an end tag (and not for an empty-element tag). `text` is the element's
 *   character data (entities decoded, CDATA included) when open() returned true, else undefined.
 *
 * Safety contract (errors are FerryError naming the file and the byte offset):
 * - any `<!DOCTYPE`/`<!ENTITY`/other markup declaration, and any entity reference other than the five
 *   predefined ones (`&lt; &gt; &amp; &quot; &apos;`) and numeric character references → REPO_HOSTILE_XML.
 *   Nothing is ever expanded beyond a single character, so entity bombs and XXE cannot happen.
 * - a document that ends inside a token, with open elements, or without a root → REPO_TRUNCATED.
 * - anything else not well-formed (mismatched end tag, bad attribute syntax, text outside the root,
 *   a token longer than `maxTokenBytes`, nesting deeper than `maxDepth`) → REPO_METADATA.
 * Memory is bounded by `maxTokenBytes` plus one input chunk: the document is never held whole.
 */
import { FerryError } from '../../core/errors.js';

export interface XmlAttributes {
  /** The decoded value of the attribute with this qualified name, or undefined. */
  get(name: string): string | undefined;
  /**
   * Like get(), but equal values return the same string, interned straight from the bytes (no
   * temporary string): for values that repeat across a file (dependency names, versions, arches).
   */
  intern(name: string): string | undefined;
  /**
   * A small integer naming the value of attribute `name` within this tokenizer: equal values give equal
   * keys (below VALUE_KEYS), so a reader can cache objects built from a value in an array. -1 when the
   * attribute is absent or its value is not interned (non-ASCII, longer than 256 bytes, table full).
   */
  key(name: string): number;
  /** Number of attributes on the tag. */
  readonly count: number;
}

export interface XmlHandler {
  open(name: string, attrs: XmlAttributes, selfClosing: boolean): boolean | void;
  close(name: string, text: string | undefined): void;
}

export interface XmlTokenizerOptions {
  /** The file being parsed, for error messages. */
  name: string;
  /** Longest single token (tag, text run, comment) accepted; default 16 MiB. */
  maxTokenBytes?: number;
  /** Deepest element nesting accepted; default 256. */
  maxDepth?: number;
  /** Element names the handler switches on; open()/close() then pass these very strings. */
  names?: readonly string[];
}

/** What readers accept: a Readable, an async generator, or an array of Buffers (tests, small files). */
export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface XmlTokenizer {
  write(chunk: Uint8Array): void;
  /** Declares the end of input; throws REPO_TRUNCATED when the document is incomplete. */
  end(): void;
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
const VALUE_KEY_BITS = 17;
/** Upper bound (exclusive) of XmlAttributes.key(). */
export const VALUE_KEYS = 1 << VALUE_KEY_BITS;
const MAX_ATTRS = 30; // attrAmp is a 32-bit mask

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** Interns element names: the same bytes always give the same (usually literal) string. */
function createNameTable(seed: readonly string[]): (buf: Buffer, start: number, end: number) => string {
  const size = 512;
  const keys: (Uint8Array | undefined)[] = new Array(size);
  const values: string[] = new Array(size);
  const decoder = new TextDecoder();
  const lookup = (buf: Buffer, start: number, end: number): string => {
    const len = end - start;
    // Element names are few: a hash of length and three bytes spreads them; equality is checked below.
    const h = len === 0 ? 0 : (len * 961 + buf[start] * 31 + buf[end - 1] * 7 + buf[start + (len >> 1)]) | 0;
    let slot = h & (size - 1);
    for (let probe = 0; probe < size; probe++) {
      const k = keys[slot];
      if (k === undefined) {
        const copy = new Uint8Array(buf.subarray(start, end)); // a copy: Buffer#slice is a view
        keys[slot] = copy;
        values[slot] = decoder.decode(copy);
        return values[slot];
      }
      if (k.length === len) {
        let same = true;
        for (let i = 0; i < len; i++) if (k[i] !== buf[start + i]) { same = false; break; }
        if (same) return values[slot];
      }
      slot = (slot + 1) & (size - 1);
    }
    // The table is full (a hostile file with hundreds of distinct names): decode without interning.
    return decoder.decode(buf.subarray(start, end));
  };
  // Seeding with the reader's literals makes the handler's `switch (name)` compare identical strings.
  for (const name of seed) {
    const b = Buffer.from(name, 'utf8');
    lookup(b, 0, b.length);
    for (let i = 0; i < size; i++) if (values[i] === name) values[i] = name;
  }
  return lookup;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Decodes the five predefined entities and numeric character references in `s`.
 * `where` names the file and offset for errors.
 */
export function decodeEntities(s: string, where: () => string): string {
  let out = '';
  let from = 0;
  for (let amp = s.indexOf('&'); amp !== -1; amp = s.indexOf('&', from)) {
    const semi = s.indexOf(';', amp + 1);
    if (semi === -1 || semi - amp > 12) {
      throw new FerryError('REPO_METADATA', `${where()}: '&' not followed by a character or entity reference`);
    }
    const ref = s.slice(amp + 1, semi);
    let ch: string | undefined;
    if (ref.charCodeAt(0) === 0x23 /* # */) {
      const hex = ref[1] === 'x';
      const digits = hex ? ref.slice(2) : ref.slice(1);
      const ok = digits.length > 0 && (hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits);
      const cp = ok ? parseInt(digits, hex ? 16 : 10) : NaN;
      if (!ok || cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
          (cp < 0x20 && cp !== 0x9 && cp !== 0xa && cp !== 0xd)) {
        throw new FerryError('REPO_METADATA', `${where()}: invalid character reference &${ref};`);
      }
      ch = String.fromCodePoint(cp);
    } else {
      ch = PREDEFINED[ref];
      if (ch === undefined) {
        throw new FerryError('REPO_HOSTILE_XML', `${where()}: entity reference &${ref}; is not allowed ` +
          '(only &lt; &gt; &amp; &quot; &apos; and numeric character references are decoded)',
        { hint: 'Repository metadata never needs a DTD or custom entities; the file may be malicious.' });
      }
    }
    out += s.slice(from, amp) + ch;
    from = semi + 1;
  }
  return from === 0 ? s : out + s.slice(from);
}

/**
 * A byte-keyed string interner: hashes the bytes in place and returns the stored string on a hit, so a
 * repeated value costs no allocation. Bounded (open addressing, fixed table): once full, it decodes.
 */
/** The table slot of the last value createValueTable's lookup found or stored, or -1. */
let valueKey = -1;

function createValueTable(bits: number): (buf: Buffer, start: number, end: number) => string | undefined {
  const size = 1 << bits;
  const mask = size - 1;
  // Keys live in one arena (offset, length per slot): no per-key object to chase on a probe.
  const hashes = new Int32Array(size);
  const offsets = new Int32Array(size).fill(-1);
  const lengths = new Int32Array(size);
  const values: string[] = new Array(size);
  let arena = Buffer.allocUnsafe(1 << 20);
  let arenaUsed = 0;
  let used = 0;
  return (buf, start, end) => {
    const len = end - start;
    valueKey = -1;
    if (len > 256) return undefined;
    let h = 0x811c9dc5 ^ len;
    let high = 0;
    for (let i = start; i < end; i++) {
      const c = buf[i];
      high |= c;
      h = Math.imul(h ^ c, 0x01000193);
    }
    if (high >= 0x80) return undefined; // non-ASCII: the caller decodes UTF-8
    let slot = h & mask;
    for (;;) {
      const off = offsets[slot];
      if (off === -1) break;
      if (hashes[slot] === h && lengths[slot] === len) {
        let i = 0;
        while (i < len && arena[off + i] === buf[start + i]) i++;
        if (i === len) {
          valueKey = slot;
          return values[slot];
        }
      }
      slot = (slot + 1) & mask;
    }
    const str = buf.latin1Slice(start, end);
    if (used < size * 0.7) {
      if (arenaUsed + len > arena.length) {
        const bigger = Buffer.allocUnsafe(arena.length * 2);
        arena.copy(bigger, 0, 0, arenaUsed);
        arena = bigger;
      }
      buf.copy(arena, arenaUsed, start, end);
      offsets[slot] = arenaUsed;
      lengths[slot] = len;
      hashes[slot] = h;
      values[slot] = str;
      arenaUsed += len;
      used++;
      valueKey = slot;
    }
    return str;
  };
}

declare global {
  interface Buffer {
    /** Node's native one-byte decoder (undocumented but stable since Node 0.x; what toString('latin1') calls). */
    latin1Slice(start: number, end: number): string;
    utf8Slice(start: number, end: number): string;
  }
}

export function createXmlTokenizer(handler: XmlHandler, options: XmlTokenizerOptions): XmlTokenizer {
  const file = options.name;
  const maxToken = options.maxTokenBytes ?? 16 * 1024 * 1024;
  const maxDepth = options.maxDepth ?? 256;
  const internName = createNameTable(options.names ?? []);
  const internValue = createValueTable(VALUE_KEY_BITS);
  const utf8 = new TextDecoder('utf-8', { fatal: false });

  let buf: Buffer = Buffer.alloc(0); // the unparsed (always a Buffer: monomorphic element access) bytes: leftover + new chunk
  let base = 0; // absolute offset of buf[0] in the document
  const stack: string[] = [];
  const capture: boolean[] = [];
  let text: string | undefined; // accumulated text of the innermost capturing element
  let seenRoot = false;
  let rootClosed = false;
  let pos = 0; // parse position inside buf
  let scratch: Buffer = Buffer.alloc(0);
  let inScratch = false;

  // attribute offsets of the current tag: [nameStart, nameEnd, valueStart, valueEnd] * count
  const attrOff = new Int32Array(MAX_ATTRS * 4);
  let attrCount = 0;
  let attrAmp = 0; // bit a set: attribute a holds a reference (&…;) and needs decoding
  let attrBuf: Buffer = buf;
  const where = (off: number) => () => `${file}: byte ${base + off}`;

  /** The index (×4) of the attribute named `name` in attrOff, or -1. */
  function findAttr(name: string): number {
    const len = name.length;
    const c0 = name.charCodeAt(0);
    for (let k = 0; k < attrCount * 4; k += 4) {
      const ns = attrOff[k];
      if (attrOff[k + 1] - ns !== len || attrBuf[ns] !== c0) continue;
      let i = 1;
      while (i < len && attrBuf[ns + i] === name.charCodeAt(i)) i++;
      if (i === len) return k;
    }
    return -1;
  }
  const attrs: XmlAttributes = {
    get count() { return attrCount; },
    get(name: string): string | undefined {
      const k = findAttr(name);
      if (k === -1) return undefined;
      const vs = attrOff[k + 2];
      const v = decodeRange(attrBuf, vs, attrOff[k + 3]);
      return v.indexOf('&') === -1 ? v : decodeEntities(v, where(vs));
    },
    key(name: string): number {
      const k = findAttr(name);
      if (k === -1 || attrAmp & (1 << (k >> 2))) return -1;
      internValue(attrBuf, attrOff[k + 2], attrOff[k + 3]);
      return valueKey;
    },
    intern(name: string): string | undefined {
      const k = findAttr(name);
      if (k === -1) return undefined;
      const vs = attrOff[k + 2];
      const ve = attrOff[k + 3];
      if (attrAmp & (1 << (k >> 2))) return decodeEntities(decodeRange(attrBuf, vs, ve), where(vs));
      return internValue(attrBuf, vs, ve) ?? decodeRange(attrBuf, vs, ve);
    },
  };

  function decodeRange(b: Buffer, s: number, e: number): string {
    return b.utf8Slice(s, e);
  }

  function fail(code: 'REPO_METADATA' | 'REPO_HOSTILE_XML' | 'REPO_TRUNCATED', off: number, msg: string): never {
    throw new FerryError(code, `${file}: byte ${base + off}: ${msg}`,
      code === 'REPO_HOSTILE_XML'
        ? { hint: 'Repository metadata never needs a DTD or custom entities; the file may be malicious.' }
        : undefined);
  }

  function addText(s: number, e: number): void {
    if (s === e) return;
    if (stack.length === 0) {
      for (let i = s; i < e; i++) if (!isSpace(buf[i])) fail('REPO_METADATA', i, 'text outside the root element');
      return;
    }
    if (!capture[capture.length - 1]) {
      // Uncaptured text is skipped unread, except that a reference is checked for safety.
      if (nextAmp(s) < e) decodeEntities(decodeRange(buf, s, e), where(s));
      return;
    }
    const raw = decodeRange(buf, s, e);
    const t = raw.indexOf('&') === -1 ? raw : decodeEntities(raw, where(s));
    text = text === undefined ? t : text + t;
  }

  /** Parses one tag starting at buf[p] === '<'. Returns the position after it, or -1 if incomplete. */
  function parseTag(p: number): number {
    const n = buf.length;
    if (p + 1 >= n) return -1;
    const c1 = buf[p + 1];
    if (c1 === SLASH) {
      const gt = scan(buf, GT, p + 2, n);
      if (gt === -1) return -1;
      let e = gt;
      while (e > p + 2 && isSpace(buf[e - 1])) e--;
      const open = stack.pop();
      if (open === undefined) fail('REPO_METADATA', p, 'end tag without a start tag');
      let same = open.length === e - (p + 2);
      for (let i = 0; same && i < open.length; i++) if (buf[p + 2 + i] !== open.charCodeAt(i)) same = false;
      // The loop compares bytes with UTF-16 units: a non-ASCII name needs its UTF-8 bytes compared.
      if (!same) same = Buffer.from(open, 'utf8').equals(buf.subarray(p + 2, e));
      if (!same) {
        fail('REPO_METADATA', p, `end tag </${decodeRange(buf, p + 2, e)}> does not match <${open}>`);
      }
      const captured = capture.pop();
      const t = captured ? (text ?? '') : undefined;
      if (captured) text = undefined;
      if (stack.length === 0) rootClosed = true;
      handler.close(open, t);
      return gt + 1;
    }
    if (c1 === QMARK) {
      const end = indexOfSeq(buf, 0x3f, 0x3e, p + 2);
      if (end === -1) return -1;
      return end + 2;
    }
    if (c1 === BANG) {
      if (p + 3 >= n) return -1;
      if (buf[p + 2] === 0x2d && buf[p + 3] === 0x2d) {
        const end = indexOfSeq3(buf, 0x2d, 0x2d, 0x3e, p + 4);
        return end === -1 ? -1 : end + 3;
      }
      if (p + 9 > n) return -1;
      if (ascii(buf, p + 2, p + 9) === '[CDATA[') {
        const end = indexOfSeq3(buf, 0x5d, 0x5d, 0x3e, p + 9);
        if (end === -1) return -1;
        if (stack.length === 0) fail('REPO_METADATA', p, 'CDATA outside the root element');
        if (capture[capture.length - 1]) {
          const t = utf8.decode(buf.subarray(p + 9, end));
          text = text === undefined ? t : text + t;
        }
        return end + 3;
      }
      const word = ascii(buf, p + 2, Math.min(n, p + 10)).replace(/[^A-Za-z].*$/s, '');
      fail('REPO_HOSTILE_XML', p, `markup declaration <!${word}…> (DTD, entity or notation) is not allowed`);
    }
    // Start tag.
    let i = p + 1;
    while (i < n) {
      const c = buf[i];
      if (c === GT || c === SLASH || isSpace(c)) break;
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
      const c = buf[i];
      if (c === GT || c === SLASH) break;
      const ns = i;
      while (i < n && buf[i] !== EQ && !isSpace(buf[i]) && buf[i] !== GT && buf[i] !== SLASH) i++;
      const ne = i;
      while (i < n && isSpace(buf[i])) i++;
      if (i >= n) return -1;
      if (buf[i] !== EQ || ne === ns) fail('REPO_METADATA', i, 'malformed attribute');
      i++;
      while (i < n && isSpace(buf[i])) i++;
      if (i >= n) return -1;
      const q = buf[i];
      if (q !== QUOTE && q !== APOS) fail('REPO_METADATA', i, 'attribute value not quoted');
      const ve = buf.indexOf(q, i + 1);
      if (ve === -1) return -1;
      if (nextLt(i + 1) < ve) fail('REPO_METADATA', ltAt, "'<' in an attribute value");
      // References are checked even in attributes nobody reads: a hostile one is refused, never skipped.
      if (nextAmp(i + 1) < ve) {
        decodeEntities(decodeRange(buf, i + 1, ve), where(i + 1));
        if (attrCount < 31) attrAmp |= 1 << attrCount;
      }
      if (attrCount === MAX_ATTRS) fail('REPO_METADATA', ns, `more than ${MAX_ATTRS} attributes on one tag`);
      const k = attrCount * 4;
      attrOff[k] = ns;
      attrOff[k + 1] = ne;
      attrOff[k + 2] = i + 1;
      attrOff[k + 3] = ve;
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
    if (rootClosed) fail('REPO_METADATA', p, 'a second root element');
    if (stack.length >= maxDepth) fail('REPO_METADATA', p, `elements nested deeper than ${maxDepth}`);
    const name = internName(buf, p + 1, nameEnd);
    seenRoot = true;
    attrBuf = buf;
    const want = handler.open(name, attrs, selfClosing) === true;
    if (selfClosing) {
      if (stack.length === 0) rootClosed = true;
      if (want) handler.close(name, '');
    } else {
      stack.push(name);
      capture.push(want);
      if (want) text = undefined;
    }
    return i + 1;
  }

  // Positions of the next '<' and '&' (or buf.length when there is none), each with the position its
  // search started from. Queries mostly move forward, so each byte is searched once, by native indexOf;
  // a query behind the start point searches again.
  let ltAt = -1;
  let ltQ = 0;
  let ampAt = -1;
  let ampQ = 0;
  function nextLt(from: number): number {
    if (ltAt < from || from < ltQ) {
      const i = buf.indexOf(LT, from);
      ltAt = i === -1 ? buf.length : i;
      ltQ = from;
    }
    return ltAt;
  }
  function nextAmp(from: number): number {
    if (ampAt < from || from < ampQ) {
      const i = buf.indexOf(AMP, from);
      ampAt = i === -1 ? buf.length : i;
      ampQ = from;
    }
    return ampAt;
  }

  function run(final: boolean): void {
    const n = buf.length;
    let p = pos;
    while (p < n) {
      if (buf[p] === LT) {
        const next = parseTag(p);
        if (next === -1) break;
        p = next;
        continue;
      }
      const lt = nextLt(p);
      if (lt === n) {
        if (final) { addText(p, n); p = n; }
        else if (stack.length > 0 && !capture[capture.length - 1] && nextAmp(p) === n) {
          p = n; // uncaptured text: drop it now so it never accumulates
        }
        break;
      }
      addText(p, lt);
      p = lt;
    }
    pos = p;
    if (!final && n - pos > maxToken) {
      fail('REPO_METADATA', pos, `a token longer than ${maxToken} bytes`);
    }
  }

  return {
    write(chunk: Uint8Array): void {
      if (chunk.length === 0) return;
      const w: ChunkWindow = { data: buf, pos, base, scratch, inScratch };
      appendChunk(w, chunk);
      ({ data: buf, base, scratch, inScratch } = w);
      pos = 0;
      ltAt = -1;
      ampAt = -1;
      run(false);
    },
    end(): void {
      run(true);
      if (pos < buf.length) fail('REPO_TRUNCATED', pos, 'the document ends inside a tag');
      if (stack.length > 0) {
        fail('REPO_TRUNCATED', pos, `the document ends with <${stack[stack.length - 1]}> still open`);
      }
      if (!seenRoot) fail('REPO_TRUNCATED', pos, 'the document has no root element');
    },
  };
}

/**
 * What a streaming scanner reads: the bytes of earlier chunks it has not consumed (`data` from `pos`) and the
 * next chunk, in one buffer; `base` is the document offset of data[0]. `scratch` is reused for leftover +
 * chunk (values are copied out of it, never kept as views), so it may be overwritten on the next write.
 */
export interface ChunkWindow { data: Buffer; pos: number; base: number; scratch: Buffer; inScratch: boolean }

/** Appends `chunk` to what w has not consumed; afterwards w.data holds it all from 0 (w.pos is the caller's to reset). */
export function appendChunk(w: ChunkWindow, chunk: Uint8Array): void {
  const rest = w.data.length - w.pos;
  if (rest === 0) {
    w.base += w.data.length;
    w.inScratch = false;
    w.data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    return;
  }
  const need = rest + chunk.length;
  if (w.inScratch) {
    w.scratch.copyWithin(0, w.pos, w.pos + rest);
    if (need > w.scratch.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, w.scratch.length * 2));
      w.scratch.copy(bigger, 0, 0, rest);
      w.scratch = bigger;
    }
  } else {
    if (need > w.scratch.length) w.scratch = Buffer.allocUnsafe(Math.max(need, w.scratch.length * 2));
    w.data.copy(w.scratch, 0, w.pos, w.pos + rest);
  }
  w.scratch.set(chunk, rest);
  w.base += w.pos;
  w.data = w.scratch.subarray(0, need);
  w.inScratch = true;
}

/**
 * The first `c` in b[s, e), or -1. A plain loop: the tokens between two hits are short (tens of
 * bytes), where a JIT-compiled loop beats a call into Buffer.indexOf by far.
 */
function scan(b: Buffer, c: number, s: number, e: number): number {
  for (let i = s; i < e; i++) if (b[i] === c) return i;
  return -1;
}

function ascii(b: Buffer, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i]);
  return out;
}

function indexOfSeq(b: Buffer, c0: number, c1: number, from: number): number {
  for (let i = b.indexOf(c0, from); i !== -1 && i + 1 < b.length; i = b.indexOf(c0, i + 1)) {
    if (b[i + 1] === c1) return i;
  }
  return -1;
}

function indexOfSeq3(b: Buffer, c0: number, c1: number, c2: number, from: number): number {
  for (let i = b.indexOf(c0, from); i !== -1 && i + 2 < b.length; i = b.indexOf(c0, i + 1)) {
    if (b[i + 1] === c1 && b[i + 2] === c2) return i;
  }
  return -1;
}

/**
 * Feeds a byte stream through a tokenizer whose handler pushes finished items onto `done`, yielding them
 * after each chunk: a reader streams items without ever holding the whole document.
 */
export async function* streamItems<T>(tokenizer: XmlTokenizer, source: ByteSource, done: T[]): AsyncGenerator<T> {
  for await (const chunk of source) {
    tokenizer.write(chunk);
    if (done.length > 0) {
      yield* done;
      done.length = 0;
    }
  }
  tokenizer.end();
  yield* done;
  done.length = 0;
}

/**
 * Feeds a byte stream through a tokenizer. For readers that produce items, use streamItems.
 */
export async function parseXmlStream(
  source: ByteSource, handler: XmlHandler, options: XmlTokenizerOptions,
): Promise<void> {
  const t = createXmlTokenizer(handler, options);
  for await (const chunk of source) t.write(chunk);
  t.end();
}
