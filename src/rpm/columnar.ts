/**
 * A columnar package pool, libsolv's Pool in TypeScript: every string interned once into a string table,
 * solvables (packages) as rows of typed arrays (name, arch, EVR, repo ids), dependencies as interned
 * (name, flags, evr) ids, each solvable's dependency lists as [start, end) ranges of one flat id array.
 * primary.xml is parsed straight into the columns: no per-package object is built; packageAt()
 * materialises a Package view on demand.
 *
 * Id-level accessors for a solver (all ids are non-negative integers, -1 means "none"):
 * - solvable s in [0, solvableCount): nameOf(s), archOf(s), evrOf(s) (string ids), repoOf(s) (repo index);
 * - deps(s, kind) → Int32Array of dep ids (a subarray view, do not mutate); depName/depFlags/depEvr(d);
 * - whatprovides(d) → solvable ids whose provides (or, for an unversioned path, file list) match dep d,
 *   in solvable order; the index is built once, on first use;
 * - obsoleters(nameId) → solvables with an Obsoletes on that name.
 * Strings: str(id), id(text) (-1 when absent). EVR text is "[epoch:]version[-release]" as rpm prints it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assert } from '../core/errors.js';
import { parseEvr } from './evr.js';
import { matchesDep } from './deps.js';
import type { Dep, DepFlag, Package } from './types.js';
import type { Repo } from './repodata/repo.js';
import { DEP_KINDS, PRE, RANGES, scanPrimaryColumns, storeFromPacked, type Columns, type DepKind, type ScanInput } from './columnar-scan.js';

export { DEP_KINDS, type DepKind } from './columnar-scan.js';
const KINDS = DEP_KINDS.length;
const FILES = KINDS; // the file list is the last range of a solvable

const FLAG_CODES: readonly (DepFlag | undefined)[] = [undefined, 'EQ', 'LT', 'LE', 'GT', 'GE'];

const INT_COLUMNS = ['sName', 'sArch', 'sEvr', 'sRepo', 'sLocation', 'sPkgid', 'sSourcerpm', 'sVendor', 'sBuildTime',
  'sFileTime', 'sRanges', 'depData', 'dName', 'dFlags', 'dEvr'] as const;

export interface ColumnarPool {
  readonly solvableCount: number;
  readonly depCount: number;
  /** Repository names, indexed by repo id (the installed system is a repo like any other). */
  readonly repos: readonly string[];
  str(id: number): string;
  id(text: string): number;
  nameOf(s: number): number;
  archOf(s: number): number;
  evrOf(s: number): number;
  repoOf(s: number): number;
  deps(s: number, kind: DepKind): Int32Array;
  files(s: number): Int32Array;
  depName(d: number): number;
  depFlags(d: number): DepFlag | undefined;
  depPre(d: number): boolean;
  /** String id of the dependency's EVR text, -1 for an unversioned dependency. */
  depEvr(d: number): number;
  /** The dependency as the string API's Dep (EVR parsed). */
  dep(d: number): Dep;
  whatprovides(d: number): Int32Array;
  /** Solvables whose provides name is `nameId`, versions ignored. */
  providersOfName(nameId: number): Int32Array;
  obsoleters(nameId: number): Int32Array;
  /** Solvables named nameId, in solvable order. */
  byName(nameId: number): Int32Array;
  /** Solvable s as the string API's Package; `repoid` defaults to its repository's name (null: none set). */
  packageAt(s: number, repoid?: string | null): Package;
  /** The binary cache form, keyed by `key` (the repomd checksum of the data it was built from). */
  serialize(key: string): Buffer;
}

export type BuildInput = ScanInput;

/** Builds a pool from one or more repositories' primary.xml, scanned straight into the columns (columnar-scan.ts). */
export async function buildColumnarPool(inputs: readonly BuildInput[]): Promise<ColumnarPool> {
  return poolFromColumns(await scanPrimaryColumns(inputs));
}

/** A compressed-sparse-row index: key → ids, built from (key, id) pairs pushed in id order. */
function buildIndex(keyCount: number, each: (emit: (key: number, id: number) => void) => void):
(key: number) => Int32Array {
  const counts = new Int32Array(keyCount + 1);
  each((k) => { counts[k + 1]++; });
  for (let i = 0; i < keyCount; i++) counts[i + 1] += counts[i];
  const fill = counts.slice(0, keyCount);
  const ids = new Int32Array(counts[keyCount]);
  let last = new Int32Array(keyCount).fill(-1);
  each((k, id) => {
    if (last[k] === id) return; // one entry per (key, solvable)
    last[k] = id;
    ids[fill[k]++] = id;
  });
  last = new Int32Array(0);
  return (key) => (key < 0 || key >= keyCount ? new Int32Array(0) : ids.subarray(counts[key], fill[key]));
}

function poolFromColumns(c: Columns): ColumnarPool {
  const n = c.sName.length;
  const str = c.strings.str;
  const range = (s: number, r: number): Int32Array => {
    assert(s >= 0 && s < n, `solvable ${s} out of range`);
    return c.depData.subarray(c.sRanges[s * RANGES + r], c.sRanges[s * RANGES + r + 1]);
  };
  const depsOf = (s: number, kind: DepKind): Int32Array => range(s, DEP_KINDS.indexOf(kind));
  const stringCount = c.strings.count;
  const eachOfRange = (r: number, key: (d: number) => number) => (emit: (k: number, id: number) => void) => {
    for (let s = 0; s < n; s++) for (const d of range(s, r)) emit(key(d), s);
  };
  let provIndex: ((k: number) => Int32Array) | undefined;
  let fileIndex: ((k: number) => Int32Array) | undefined;
  let obsIndex: ((k: number) => Int32Array) | undefined;
  let nameIndex: ((k: number) => Int32Array) | undefined;
  const providersOfName = (nameId: number): Int32Array =>
    (provIndex ??= buildIndex(stringCount, eachOfRange(0, (d) => c.dName[d])))(nameId);
  const depObjects: (Dep | undefined)[] = [];
  const dep = (d: number): Dep => {
    let out = depObjects[d];
    if (out === undefined) {
      out = { name: str(c.dName[d]) };
      const f = FLAG_CODES[c.dFlags[d] & 7];
      if (f !== undefined) out.flags = f;
      if (c.dEvr[d] >= 0) out.evr = parseEvr(str(c.dEvr[d]));
      if ((c.dFlags[d] & PRE) !== 0) out.pre = true;
      depObjects[d] = out;
    }
    return out;
  };
  const whatprovides = (d: number): Int32Array => {
    const want = dep(d);
    const out: number[] = [];
    for (const s of providersOfName(c.dName[d])) {
      if (depsOf(s, 'provides').some((p) => c.dName[p] === c.dName[d] && matchesDep(dep(p), want))) out.push(s);
    }
    if (want.name.startsWith('/') && want.flags === undefined) {
      fileIndex ??= buildIndex(stringCount, eachOfRange(FILES, (f) => f));
      for (const s of fileIndex(c.dName[d])) out.push(s);
      out.sort((a, b) => a - b);
      return Int32Array.from(out.filter((s, i) => i === 0 || out[i - 1] !== s));
    }
    return Int32Array.from(out);
  };
  const optional = (id: number): string | undefined => (id >= 0 ? str(id) : undefined);
  const depList = (s: number, r: number): Dep[] => {
    const ids = range(s, r);
    const out = new Array<Dep>(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = dep(ids[i]);
    return out;
  };
  const packageAt = (s: number, repoid: string | null = c.repos[c.sRepo[s]]): Package => {
    const evr = parseEvr(str(c.sEvr[s]));
    const fileIds = range(s, FILES);
    const files = new Array<string>(fileIds.length);
    for (let i = 0; i < fileIds.length; i++) files[i] = str(fileIds[i]);
    // one literal, then the optional fields in a fixed order: the objects share a few hidden classes
    const pkg: Package = {
      name: str(c.sName[s]), arch: str(c.sArch[s]), epoch: evr.epoch, version: evr.version,
      release: evr.release ?? '', location: optional(c.sLocation[s]) ?? '',
      provides: depList(s, 0), requires: depList(s, 1), conflicts: depList(s, 2), obsoletes: depList(s, 3),
      recommends: depList(s, 4), suggests: depList(s, 5), supplements: depList(s, 6), enhances: depList(s, 7), files,
    };
    const pkgid = optional(c.sPkgid[s]);
    if (pkgid !== undefined) pkg.pkgid = pkgid;
    const srpm = optional(c.sSourcerpm[s]);
    if (srpm !== undefined) pkg.sourcerpm = srpm;
    const vendor = optional(c.sVendor[s]);
    if (vendor !== undefined) pkg.vendor = vendor;
    if (c.sBuildTime[s] !== 0 || c.sFileTime[s] !== 0) pkg.time = { file: c.sFileTime[s] >>> 0, build: c.sBuildTime[s] >>> 0 };
    if (repoid !== null) pkg.repoid = repoid;
    return pkg;
  };
  return {
    solvableCount: n,
    depCount: c.dName.length,
    repos: c.repos,
    str,
    id: (text) => c.strings.id(text),
    nameOf: (s) => c.sName[s],
    archOf: (s) => c.sArch[s],
    evrOf: (s) => c.sEvr[s],
    repoOf: (s) => c.sRepo[s],
    deps: depsOf,
    files: (s) => range(s, FILES),
    depName: (d) => c.dName[d],
    depFlags: (d) => FLAG_CODES[c.dFlags[d] & 7],
    depPre: (d) => (c.dFlags[d] & PRE) !== 0,
    depEvr: (d) => c.dEvr[d],
    dep,
    whatprovides,
    providersOfName,
    obsoleters: (nameId) => (obsIndex ??= buildIndex(stringCount, eachOfRange(3, (d) => c.dName[d])))(nameId),
    byName: (nameId) => (nameIndex ??= buildIndex(stringCount, (emit) => {
      for (let s = 0; s < n; s++) emit(c.sName[s], s);
    }))(nameId),
    packageAt,
    serialize: (key) => serializeColumns(c, key),
  };
}

// Binary cache layout, in the host's byte order (a cache is this machine's own): MAGIC (8 bytes) | key length
// u32 | key UTF-8 | zero padding to a multiple of 4 | body length u32 | sha256(body) (32 bytes) | body. Body,
// every part a multiple of 4 bytes long (so each column is read in place as an Int32Array view): the
// strings as count u32, byte length u32, their bounds (Int32 × count + 1: string i is bytes [bounds[i],
// bounds[i + 1])), their UTF-8 back to back, zero padding to 4; the repository names likewise; then each
// Int32 column as length u32 + its values.
const MAGIC = Buffer.from('FERRYPL3');
/** Earlier formats' magic: the same 7 bytes, another version digit. */
const MAGIC_FAMILY = MAGIC.subarray(0, 7);
const pad4 = (n: number): number => (4 - (n % 4)) % 4;

function serializeColumns(c: Columns, key: string): Buffer {
  const parts: Buffer[] = [];
  const u32 = (v: number): void => { const b = Buffer.alloc(4); b.writeUInt32LE(v); parts.push(b); };
  const ints = (a: Int32Array): void => { parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength)); };
  const strs = ({ bytes, bounds }: { bytes: Buffer; bounds: Int32Array }): void => {
    u32(bounds.length - 1);
    u32(bytes.length);
    ints(bounds);
    parts.push(bytes, Buffer.alloc(pad4(bytes.length)));
  };
  strs(c.strings.packed());
  const repoBytes = c.repos.map((r) => Buffer.from(r, 'utf8'));
  let end = 0;
  strs({ bytes: Buffer.concat(repoBytes), bounds: Int32Array.from([0, ...repoBytes.map((r) => (end += r.length))]) });
  for (const k of INT_COLUMNS) {
    u32(c[k].length);
    ints(c[k]);
  }
  const body = Buffer.concat(parts);
  const keyBytes = Buffer.from(key, 'utf8');
  const keyEnd = 12 + keyBytes.length + pad4(keyBytes.length);
  const head = Buffer.alloc(keyEnd + 4);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(keyBytes.length, 8);
  keyBytes.copy(head, 12);
  head.writeUInt32LE(body.length, keyEnd);
  return Buffer.concat([head, createHash('sha256').update(body).digest(), body]);
}

export type CacheLoad = { pool: ColumnarPool } | { pool?: undefined; reason: string };

/**
 * Reads a binary pool cache. Anything but a cache written for `key` whose body checksum verifies (a
 * truncated file, flipped bytes, another key, another format) gives a reason instead of a pool: the
 * caller rebuilds from the repodata and warns, never trusts it. The pool's columns and strings are views
 * of `buf` (copied first only when it is not 4-byte aligned): the caller must not change it afterwards.
 */
export function loadColumnarCache(buf: Uint8Array, key: string): CacheLoad {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length >= 8 && !b.subarray(0, 8).equals(MAGIC) && b.subarray(0, 7).equals(MAGIC_FAMILY)) {
    return { reason: `written in another format (${b.subarray(0, 8).toString('latin1')}, this version reads ${MAGIC.toString('latin1')})` };
  }
  if (b.length < 8 || !b.subarray(0, 8).equals(MAGIC)) return { reason: 'not a Ferry pool cache (bad magic)' };
  if (b.length < 12) return { reason: 'truncated header' };
  const keyLength = b.readUInt32LE(8);
  const keyEnd = 12 + keyLength + pad4(keyLength);
  if (keyEnd + 4 + 32 > b.length) return { reason: 'truncated header' };
  const cachedKey = b.subarray(12, 12 + keyLength).toString('utf8');
  if (cachedKey !== key) return { reason: `built for repomd checksum ${cachedKey}, not ${key}` };
  const bodyLength = b.readUInt32LE(keyEnd);
  const sumAt = keyEnd + 4;
  let body = b.subarray(sumAt + 32);
  if (body.length !== bodyLength) return { reason: `body is ${body.length} bytes, header says ${bodyLength} (truncated?)` };
  if (!createHash('sha256').update(body).digest().equals(b.subarray(sumAt, sumAt + 32))) {
    return { reason: 'body checksum mismatch (corrupt)' };
  }
  if (body.byteOffset % 4 !== 0) body = Buffer.from(new Uint8Array(body).buffer);
  // the checksum verified: the body is one this code wrote, so its lengths fit it (asserted, not trusted blindly)
  let at = 0;
  const u32 = (): number => {
    assert(at + 4 <= body.length, 'pool cache body ends early after a verified checksum');
    const v = body.readUInt32LE(at);
    at += 4;
    return v;
  };
  const ints = (count: number): Int32Array => {
    assert(at + count * 4 <= body.length, 'pool cache body ends early after a verified checksum');
    const v = new Int32Array(body.buffer, body.byteOffset + at, count);
    at += count * 4;
    return v;
  };
  const packed = (): { bytes: Buffer; bounds: Int32Array } => {
    const count = u32();
    const length = u32();
    const bounds = ints(count + 1);
    assert(at + length <= body.length, 'pool cache body ends early after a verified checksum');
    const bytes = body.subarray(at, at + length);
    at += length + pad4(length);
    return { bytes, bounds };
  };
  const sp = packed();
  const strings = storeFromPacked(sp.bytes, sp.bounds);
  const r = packed();
  const repos = Array.from(r.bounds.subarray(1), (end, i) => r.bytes.toString('utf8', r.bounds[i], end));
  const cols: Partial<Record<typeof INT_COLUMNS[number], Int32Array>> = {};
  for (const k of INT_COLUMNS) cols[k] = ints(u32());
  assert(at === body.length, 'pool cache body has trailing bytes after a verified checksum');
  const col = (k: typeof INT_COLUMNS[number]): Int32Array => {
    const v = cols[k];
    assert(v !== undefined, `pool cache column ${k} missing`);
    return v;
  };
  return {
    pool: poolFromColumns({
      strings, repos, sName: col('sName'), sArch: col('sArch'), sEvr: col('sEvr'), sRepo: col('sRepo'),
      sLocation: col('sLocation'), sPkgid: col('sPkgid'), sSourcerpm: col('sSourcerpm'), sVendor: col('sVendor'),
      sBuildTime: col('sBuildTime'), sFileTime: col('sFileTime'), sRanges: col('sRanges'),
      depData: col('depData'), dName: col('dName'), dFlags: col('dFlags'), dEvr: col('dEvr'),
    }),
  };
}

/** The pool cache's key: the repomd checksums of the data a pool was built from, in order. */
export function poolCacheKey(checksums: readonly string[]): string {
  return checksums.join('+');
}

export interface CachedPoolOptions {
  /** Cache file path; written after a rebuild (atomically: temp file, then rename). */
  path: string;
  /** poolCacheKey() of the repomd checksums the pool is built from. */
  key: string;
  build: () => Promise<ColumnarPool>;
  /** Told why an existing cache was refused before it is rebuilt. */
  warn: (message: string) => void;
}

/** The pool from its cache when it verifies for `key`; otherwise rebuilt (with a warning if a cache was there) and cached. */
export async function loadOrBuildPool(o: CachedPoolOptions): Promise<{ pool: ColumnarPool; fromCache: boolean }> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readFile(o.path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') o.warn(`pool cache ${o.path}: ${(e as Error).message}; rebuilding`);
  }
  if (bytes !== undefined) {
    const r = loadColumnarCache(bytes, o.key);
    if (r.pool) return { pool: r.pool, fromCache: true };
    o.warn(`pool cache ${o.path}: ${r.reason}; rebuilding it from the repodata`);
  }
  const pool = await o.build();
  // the cache only saves time: one that cannot be written is a warning, never a failed load
  const tmp = `${o.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, pool.serialize(o.key));
    await rename(tmp, o.path);
  } catch (e) {
    o.warn(`pool cache ${o.path}: not written (${(e as Error).message})`);
    await unlink(tmp).catch(() => undefined);
  }
  return { pool, fromCache: false };
}

/** Pool caches kept per directory; older ones (by modification time) are removed when a new one is written. */
export const POOL_CACHE_KEEP = 16;

export interface RepoPoolOptions {
  /** The pool's repository name (its repo id 0). */
  name: string;
  /** Directory of the binary pool caches; without one the pool is built from primary every time. */
  cacheDir?: string;
  warn?: (message: string) => void;
}

/**
 * A repository's columnar pool: from the binary cache in `cacheDir` when one verifies for the primary
 * checksum repomd lists (the key), else scanned from primary and cached. A repomd that lists no checksum
 * for primary gives nothing to key a cache by: the pool is built every time.
 */
export async function loadRepoPool(repo: Repo, o: RepoPoolOptions): Promise<{ pool: ColumnarPool; fromCache: boolean }> {
  const primary = repo.entry('primary');
  const build = async (): Promise<ColumnarPool> =>
    buildColumnarPool([{
      repo: o.name, primary: await repo.openData('primary'), name: `${repo.location}: ${primary?.location ?? 'primary'}`,
      ...(primary?.openSize !== undefined ? { sizeHint: primary.openSize } : {}),
    }]);
  if (o.cacheDir === undefined || primary?.checksum === undefined) return { pool: await build(), fromCache: false };
  const key = poolCacheKey([`primary ${primary.checksum.type}:${primary.checksum.value}`]);
  const dir = o.cacheDir;
  const path = join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.pool`);
  const warn = o.warn ?? ((): void => {});
  await mkdir(dir, { recursive: true });
  const r = await loadOrBuildPool({ path, key, build, warn });
  if (!r.fromCache) await pruneCaches(dir, path);
  return r;
}

async function pruneCaches(dir: string, keep: string): Promise<void> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.pool')).map((f) => join(dir, f));
  if (files.length <= POOL_CACHE_KEEP) return;
  const dated = await Promise.all(files.map(async (f) => ({ f, t: (await stat(f).catch(() => undefined))?.mtimeMs ?? 0 })));
  dated.sort((a, b) => b.t - a.t);
  for (const { f } of dated.slice(POOL_CACHE_KEEP)) if (f !== keep) await unlink(f).catch(() => undefined);
}
