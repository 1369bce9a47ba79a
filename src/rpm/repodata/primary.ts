/**
 * primary.xml reader: a stream of decompressed bytes in, Packages out, one input chunk at a time.
 * Memory is bounded by the packages the caller keeps; strings that repeat across packages (dependency
 * names, versions, arches, licenses) are interned so a loaded repository shares them.
 *
 * Two paths, one result. The default is the general tokenizer (xml.ts) with primary-handler.ts. The
 * opt-in fast path (`fast: true`, primary-fast.ts) scans whole <package> elements with a scanner compiled
 * to WebAssembly (primary-scan.c; optionally in worker threads) and hands everything it does not fully
 * understand to that same tokenizer and handler. Both yield exactly the same packages and reject bad
 * input with the same errors (primary-fast.test.ts). The fast path is about 1.3x faster end to end but
 * raises the peak RSS of a loaded AppStream from about 148 to about 184 MB (its scanner's memory, which
 * WebAssembly cannot give back, and its interning tables), past the 150 MB budget the default meets;
 * bench/repodata.bench.mjs prints both on every run.
 */
import type { Package } from '../types.js';
import { createInterner, createPrimaryHandler, NAMES, type ReaderOptions } from './primary-handler.js';
import { readPrimaryFast } from './primary-fast.js';
import { createXmlTokenizer, streamItems, type ByteSource } from './xml.js';

export { createInterner, parseEpoch, parseFlag, type ReaderOptions } from './primary-handler.js';

/**
 * Parses primary.xml, yielding packages in document order, in batches as input arrives.
 * A Package's `files` holds the primary subset; loadPackages merges filelists.
 * Dep and Evr objects inside packages are shared between packages: treat them as read-only.
 */
export function readPrimary(source: ByteSource, options: ReaderOptions = {}): AsyncGenerator<Package> {
  return options.fast ? readPrimaryFast(source, options) : readPrimaryTokenized(source, options);
}

/** readPrimary through the general tokenizer only (the default, and the reference of the fast path). */
export async function* readPrimaryTokenized(source: ByteSource, options: ReaderOptions = {}):
AsyncGenerator<Package> {
  const file = options.name ?? 'primary.xml';
  const done: Package[] = [];
  const { handler } = createPrimaryHandler(file, options.intern ?? createInterner(), done);
  yield* streamItems(createXmlTokenizer(handler, { name: file, names: NAMES }), source, done);
}
