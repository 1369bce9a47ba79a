/**
 * The fast path of readPrimary (`fast: true`): cuts the decompressed stream into slices of whole
 * <package> elements (at `</package>` boundaries, about 1 MiB each) and scans them with primary-scan.c
 * (as WebAssembly, primary-scan-wasm.ts), turning the columns into Packages here (primary-columns.ts):
 * - without workers, this thread scans every slice itself, in order;
 * - with workers, a worker scans each slice it is given (ArrayBuffers transferred both ways, never
 *   cloned) while this thread scans the others at once — speculatively: the tokenizer that keeps this
 *   thread's view of the document skips a worker's slice assuming the scanner consumes it whole,
 *   ending between packages.
 * Packages are yielded in document order.
 *
 * Everything the scanner does not claim goes to the general tokenizer: the prolog and root start tag,
 * the end of the document, and a package the scanner declines (the rest of that slice is read by a
 * tokenizer resumed at the slice's start state, so errors carry their true byte offsets). If that
 * leaves the document anywhere but between packages at the slice's end — the speculation was wrong —
 * every later slice is read again, in order, by that tokenizer. So bad input is rejected by xml.ts with
 * its codes and messages, and the scanner never decides anything on its own.
 *
 * Memory: at most MAX_QUEUE slices (read, or in a worker) ahead of the packages yielded, and a
 * package larger than MAX_CARRY is not buffered whole (the tokenizer streams it). The whole document
 * is never held.
 */
import { Worker } from 'node:worker_threads';
import type { Package } from '../types.js';
import { createLane, type Lane } from './primary-columns.js';
import { createInterner, createPrimaryHandler, NAMES, type ReaderOptions } from './primary-handler.js';
import type { ScanReply, ScanRequest } from './primary-scan.js';
import { createWasmScanner } from './primary-scan-wasm.js';
import { createXmlTokenizer, type ByteSource } from './xml.js';

const SLICE_BYTES = 1 << 20;
/** A run without a </package> longer than this is handed to the tokenizer rather than buffered. */
const MAX_CARRY = 8 << 20;
/** Input seen before worker threads are worth their start-up (about 30 ms each). */
const WORKER_THRESHOLD = 2 << 20;
const MAX_IN_FLIGHT = 4;
/** Slices read ahead of the packages yielded. */
const MAX_QUEUE = 16;
/** The tokenizer's default maxDepth: a package opened at depth d nests entries at d + 3. */
const MAX_DEPTH = 256;
const PACKAGE_END = Buffer.from('</package>');
const PACKAGE_START = Buffer.from('<package');

interface WorkerLane {
  worker: Worker;
  lane: Lane;
  inFlight: number;
  waiting: Map<number, { resolve(r: ScanReply): void; reject(e: unknown): void }>;
}

interface Slice {
  /** The slice's bytes: views of the input (read here), or one buffer transferred to a worker and back. */
  parts: Buffer[];
  length: number;
  /** Byte offset of the slice in the document. */
  offset: number;
  /** Set when a worker scans it. */
  worker?: WorkerLane;
  reply?: Promise<ScanReply>;
  /** A worker's slice: the elements open at its start (for a resumed tokenizer). */
  open?: string[];
  /** Read here already: its packages, or the error reading it raised (thrown in document order). */
  packages?: Package[];
  error?: unknown;
  /** To be read (again) in order by the tokenizer when its turn comes. */
  raw?: boolean;
  settled: boolean;
}

function startWorker(intern: (s: string) => string): WorkerLane {
  // Compiled, the worker is primary-worker.js beside this file; under tsx (tests) it is a .ts file,
  // which a worker can load only once tsx's loader is registered in it.
  const self = import.meta.url;
  const worker = self.endsWith('.ts')
    ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${
      JSON.stringify(new URL('./primary-worker.ts', self).href)}); })`, { eval: true })
    : new Worker(new URL('./primary-worker.js', self));
  const w: WorkerLane = { worker, lane: createLane(intern), inFlight: 0, waiting: new Map() };
  worker.unref();
  const failAll = (err: unknown): void => {
    for (const p of w.waiting.values()) p.reject(err);
    w.waiting.clear();
  };
  worker.on('message', (m: ScanReply) => {
    const p = w.waiting.get(m.id);
    w.waiting.delete(m.id);
    if (--w.inFlight === 0) worker.unref();
    p?.resolve(m);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`Assertion failed: a primary.xml worker exited (${code})`)));
  return w;
}

let nextId = 0;
function dispatch(w: WorkerLane, bytes: Buffer): Promise<ScanReply> {
  const id = nextId++;
  if (w.inFlight++ === 0) w.worker.ref();
  const p = new Promise<ScanReply>((resolve, reject) => w.waiting.set(id, { resolve, reject }));
  const req: ScanRequest = { id, bytes: bytes.buffer as ArrayBuffer, length: bytes.length };
  w.worker.postMessage(req, [req.bytes]);
  return p;
}

/** A fresh Buffer that owns its ArrayBuffer (transferable), holding the concatenation of `parts`. */
function joined(parts: Buffer[], length: number): Buffer {
  return parts.length === 1 ? parts[0] : Buffer.concat(parts, length);
}

export async function* readPrimaryFast(source: ByteSource, options: ReaderOptions = {}): AsyncGenerator<Package> {
  const file = options.name ?? 'primary.xml';
  const intern = options.intern ?? createInterner();
  const wanted = Math.max(0, Math.floor(options.workers ?? 0));
  let done: Package[] = [];
  let h = createPrimaryHandler(file, intern, done);
  let tok = createXmlTokenizer(h.handler, { name: file, names: NAMES });
  /** False once a speculation failed: from then on everything is read in order by `tok`. */
  let speculate = true;
  /** `tok` raised an error on a slice: later slices wait, unread, for that slice's turn. */
  let broken = false;
  const local = { scanner: createWasmScanner(), lane: createLane(intern) };
  const workers: WorkerLane[] = [];
  const queue: Slice[] = [];
  let parts: Buffer[] = [];
  let partsLen = 0;
  let seen = 0;
  let offset = 0;
  let prolog = true;

  const ready = (): boolean => tok.depth >= 1 && tok.pending === 0 && h.idle() && tok.depth + 3 < MAX_DEPTH;
  const drain = (): Package[] => {
    const out = done.slice();
    done.length = 0;
    return out;
  };

  /** Reads a slice on this thread, in order (in `tok`'s view of the document). */
  function readHere(parts: Buffer[], length: number): Package[] {
    if (ready()) {
      const batch = local.scanner.scanParts(parts, length, true);
      const out = local.lane.materialize(batch);
      tok.skip(batch.consumed);
      if (batch.consumed < length) tok.write(joined(parts, length).subarray(batch.consumed));
      for (const p of drain()) out.push(p);
      return out;
    }
    for (const part of parts) tok.write(part);
    return drain();
  }

  function enqueue(parts: Buffer[], length: number, final: boolean): void {
    const s: Slice = { parts, length, offset, settled: true };
    offset += length;
    if (!speculate || broken) {
      s.raw = true;
    } else {
      if (wanted > 0 && workers.length === 0 && seen >= WORKER_THRESHOLD) {
        for (let k = 0; k < wanted; k++) workers.push(startWorker(intern));
      }
      let best: WorkerLane | undefined;
      for (const w of workers) if (w.inFlight < MAX_IN_FLIGHT && (!best || w.inFlight < best.inFlight)) best = w;
      if (best && !final && ready()) {
        s.worker = best;
        s.open = tok.openElements();
        tok.skip(length);
        const bytes = Buffer.from(new ArrayBuffer(length));
        let off = 0;
        for (const part of parts) { bytes.set(part, off); off += part.length; }
        s.parts = [];
        s.settled = false;
        s.reply = dispatch(best, bytes);
        s.reply.then(() => { s.settled = true; }, () => { s.settled = true; });
      } else {
        try {
          s.packages = readHere(parts, length);
        } catch (err) {
          s.error = err;
          broken = true;
        }
      }
    }
    queue.push(s);
  }

  /** The packages of the head slice, in document order; throws the error reading it raised. */
  function take(s: Slice, reply: ScanReply | undefined): Package[] {
    const bytes = reply ? Buffer.from(reply.bytes, 0, s.length) : joined(s.parts, s.length);
    if (s.raw) {
      if (reply) s.worker!.lane.materialize(reply.batch, false); // later batches refer to its ids
      tok.write(bytes);
      return drain();
    }
    if (!reply) {
      if (s.error !== undefined) throw s.error;
      return s.packages ?? [];
    }
    const batch = reply.batch;
    const out = s.worker!.lane.materialize(batch);
    if (batch.consumed < s.length) {
      // A declined package: the rest of the slice goes to a tokenizer resumed where the slice began.
      const rdone: Package[] = [];
      const rh = createPrimaryHandler(file, intern, rdone);
      const rt = createXmlTokenizer(rh.handler, {
        name: file, names: NAMES, resume: { open: s.open ?? [], offset: s.offset + batch.consumed },
      });
      rt.write(bytes.subarray(batch.consumed));
      for (const p of rdone) out.push(p);
      rdone.length = 0;
      const open = rt.openElements();
      const between = rt.pending === 0 && rh.idle() && open.length === (s.open ?? []).length &&
        open.every((n, k) => n === s.open![k]);
      if (!between) {
        // The main tokenizer skipped this slice assuming it ended between packages; it did not. The
        // resumed tokenizer takes over and reads every later slice again, in order.
        speculate = false;
        broken = false;
        tok = rt;
        h = rh;
        done = rdone;
        for (const later of queue) later.raw = true;
      }
    }
    return out;
  }

  /** Cuts whole-package slices from the pending parts (all of them when `final`). */
  function cut(final: boolean): void {
    if (partsLen === 0) return;
    if (prolog) {
      // Everything before the first <package goes to the tokenizer directly.
      const data = parts.length === 1 ? parts[0] : Buffer.concat(parts, partsLen);
      const k = data.indexOf(PACKAGE_START);
      if (k === -1 && !final && partsLen < MAX_CARRY) { parts = [data]; return; }
      const stop = k === -1 ? data.length : k;
      tok.write(data.subarray(0, stop));
      offset += stop;
      prolog = false;
      parts = stop < data.length ? [data.subarray(stop)] : [];
      partsLen = data.length - stop;
      if (partsLen === 0) return;
    }
    if (!final && partsLen < SLICE_BYTES) return;
    // Usually the last part holds a </package>: the slice is the earlier parts and that part up to it,
    // as views (copied once: into the scanner's memory, or into a buffer a worker takes).
    const last = parts[parts.length - 1];
    const head = partsLen - last.length;
    const at = final ? -1 : last.lastIndexOf(PACKAGE_END);
    if (at !== -1 && head + at + PACKAGE_END.length <= MAX_CARRY) {
      const stop = at + PACKAGE_END.length;
      const slice = parts.slice(0, -1);
      slice.push(last.subarray(0, stop));
      parts = stop < last.length ? [last.subarray(stop)] : [];
      partsLen = last.length - stop;
      enqueue(slice, head + stop, false);
      return;
    }
    const data = parts.length === 1 ? parts[0] : Buffer.concat(parts, partsLen);
    let pos = 0;
    while (pos < data.length) {
      const remaining = data.length - pos;
      if (!final && remaining < SLICE_BYTES) break;
      let end = data.lastIndexOf(PACKAGE_END, pos + SLICE_BYTES - PACKAGE_END.length);
      if (end < pos) end = data.indexOf(PACKAGE_END, pos); // a package longer than a slice
      let stop: number;
      if (end === -1) {
        if (!final && remaining < MAX_CARRY) break;
        stop = data.length;
      } else {
        stop = end + PACKAGE_END.length;
      }
      enqueue([data.subarray(pos, stop)], stop - pos, final && stop === data.length);
      pos = stop;
    }
    parts = pos < data.length ? [data.subarray(pos)] : [];
    partsLen = data.length - pos;
  }

  try {
    for await (const chunk of source) {
      const c = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
      if (c.length === 0) continue;
      seen += c.length;
      parts.push(c);
      partsLen += c.length;
      cut(false);
      while (queue.length > 0 && (queue[0].settled || queue.length > MAX_QUEUE)) {
        const s = queue.shift()!;
        const out = take(s, s.reply ? await s.reply : undefined);
        if (out.length > 0) yield* out;
      }
    }
    if (prolog && partsLen === 0) prolog = false;
    cut(true);
    while (queue.length > 0) {
      const s = queue.shift()!;
      const out = take(s, s.reply ? await s.reply : undefined);
      if (out.length > 0) yield* out;
    }
    tok.end();
    if (done.length > 0) yield* drain();
  } finally {
    for (const w of workers) void w.worker.terminate();
  }
}
