/**
 * The fast path's scanner contract (the scanner itself is primary-scan.c, compiled to WebAssembly and
 * loaded by primary-scan-wasm.ts): a scanner specialised to the <package> element of primary.xml that
 * produces compact columns (interned string ids, dependency ids, typed arrays) instead of objects, so
 * it can run in a worker thread and hand its output over as transferable ArrayBuffers.
 * primary-columns.ts turns the columns into Packages.
 *
 * Contract: `scan(bytes, …)` reads a run of `ws* (<package …>…</package> ws*)*` and stops at the first
 * package it does not fully understand, reporting its offset (`consumed`). It accepts only a strict
 * subset of XML: the elements and nesting createrepo_c (and every other generator we know) writes,
 * whitespace between elements, attributes in any order, the five predefined entity references and
 * numeric character references. Anything else — comments, CDATA, processing instructions, unknown
 * elements or attributes, text where none belongs, a mismatched end tag, a malformed or hostile
 * reference, a non-decimal number, a package without a name — is declined, never reported: the caller
 * hands the declined bytes to the general, safe tokenizer (xml.ts) with the original handler, which
 * either accepts them (with the same result) or raises the error with its stable code. So every error a
 * user can meet is xml.ts's, and anything the scanner accepts is well-formed and yields exactly what
 * the general path would.
 */

/** Dependency list kinds, in the order of the Package fields they fill. */
export const DEP_KINDS = ['provides', 'requires', 'conflicts', 'obsoletes', 'recommends', 'suggests',
  'supplements', 'enhances'] as const;
/** Dependency flags by code (0: none). */
export const FLAGS = [undefined, 'EQ', 'LT', 'LE', 'GT', 'GE'] as const;

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

/** What one scan produced: each array a buffer of exactly its length (see Scanner.scan for views). */
export interface ScanBatch {
  /** Bytes of the strings first interned in this batch, in id order. */
  strBytes: Uint8Array;
  /** Their byte lengths. */
  strLens: Int32Array;
  /** New EVRs (epoch, version id, release id or -1) in id order. */
  evrs: Int32Array;
  /** New dependencies (name id, flags code, EVR id or -1, pre 0/1) in id order. */
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

/**
 * The state of one lane (a worker, or the main thread): interning tables that persist from batch to
 * batch, so each batch carries only the strings, EVRs and dependencies it saw first.
 */
export interface Scanner {
  /**
   * Scans bytes[0, end). With `views`, the batch's arrays may be views of the scanner's own memory,
   * valid only until its next scan (for a caller that reads them at once, on the same thread).
   */
  scan(bytes: Buffer, end: number, views?: boolean): ScanBatch;
  /** scan() of the concatenation of `parts` (`end` bytes in all), without concatenating them first. */
  scanParts(parts: readonly Buffer[], end: number, views?: boolean): ScanBatch;
}
