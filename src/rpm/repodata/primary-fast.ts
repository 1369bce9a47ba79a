/**
 * The fast path of readPrimary (`fast: true`): cuts the decompressed stream into slices of whole
 * <package> elements (at `</package>` boundaries, about 1 MiB each), scans each slice with primary-scan.ts — on this thread or
 * in a worker thread, as ArrayBuffers transferred both ways, never cloned — and turns the columns
 * into Packages (primary-columns.ts) here, in document order.
 *
 * The general tokenizer (xml.ts, with primary-handler.ts) sees every byte the scanner does not claim:
 * the prolog and root start tag, whatever lies between packages that is not whitespace, every package
 * the scanner declines, the end of the document. A slice's scan is used only when the tokenizer is
 * between packages at the slice's start (`ready()`); otherwise the whole slice goes to the tokenizer.
 * So bad input is rejected by xml.ts with its codes and byte offsets (skip() keeps offsets true),
 * and the scanner never decides anything on its own.
 *
 * Memory: one slice being cut, at most MAX_IN_FLIGHT slices per lane in flight, and a package larger than
 * MAX_CARRY is not buffered whole (it goes to the tokenizer, which streams). The whole document is never
 * held.
 */
import { Worker } from 'node:worker_threads';
import type { Package } from '../types.js';
import { createLane, type Lane } from './primary-columns.js';
import { createInterner, createPrimaryHandler, NAMES, type ReaderOptions } from './primary-handler.js';
import { createScanner, type ScanBatch, type ScanReply, type ScanRequest } from './primary-scan.js';
import { createXmlTokenizer, type ByteSource } from './xml.js';

const SLICE_BYTES = 1 << 20;
/** A run without a </package> longer than this is handed to the tokenizer rather than buffered. */
const MAX_CARRY = 8 << 20;
/** Input seen before worker threads are worth their start-up (about 30 ms each). */
const WORKER_THRESHOLD = 2 << 20;
const MAX_IN_FLIGHT = 2;
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
  /** The slice's bytes; transferred (and returned with the reply) when a worker scans it. */
  bytes: Buffer;
  length: number;
  /** Set when a worker scans it; undefined: scanned here when its turn comes. */
  reply?: Promise<ScanReply>;
  settled: boolean;
  worker?: WorkerLane;
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
function owned(bytes: Buffer): Buffer {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length) return bytes;
  const out = Buffer.from(new ArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
}

export async function* readPrimaryFast(source: ByteSource, options: ReaderOptions = {}): AsyncGenerator<Package> {
  const file = options.name ?? 'primary.xml';
  const intern = options.intern ?? createInterner();
  const done: Package[] = [];
  const h = createPrimaryHandler(file, intern, done);
  const tok = createXmlTokenizer(h.handler, { name: file, names: NAMES });
  const wanted = Math.max(0, Math.floor(options.workers ?? 0));
  const local = { scanner: createScanner(), lane: createLane(intern) };
  const workers: WorkerLane[] = [];
  const queue: Slice[] = [];
  let parts: Buffer[] = [];
  let partsLen = 0;
  let seen = 0;
  let prolog = true;

  const ready = (): boolean => tok.depth >= 1 && tok.pending === 0 && h.idle() && tok.depth + 3 < MAX_DEPTH;

  /** The Packages of the head slice (and of the tokenizer), in document order. */
  function take(s: Slice, reply: ScanReply | undefined): Package[] {
    const bytes = reply ? Buffer.from(reply.bytes, 0, s.length) : s.bytes;
    let batch: ScanBatch | undefined = reply?.batch;
    const lane = s.worker?.lane ?? local.lane;
    const use = ready();
    // With workers, this thread reads its own slices with the tokenizer: it is already warm (the prolog),
    // and a third JIT warm-up (of the scanner, here) would cost more than it saves.
    if (batch === undefined && use && wanted === 0) batch = local.scanner.scan(bytes, bytes.length);
    // A worker's batch also carries ids later batches refer to: it is absorbed even when not used.
    const out = batch ? lane.materialize(batch, use) : [];
    if (use && batch) {
      tok.skip(batch.consumed);
      if (batch.consumed < bytes.length) tok.write(bytes.subarray(batch.consumed));
    } else {
      tok.write(bytes);
    }
    if (done.length > 0) {
      for (const p of done) out.push(p);
      done.length = 0;
    }
    return out;
  }

  function enqueue(bytes: Buffer): void {
    const s: Slice = { bytes, length: bytes.length, settled: false };
    if (wanted > 0 && workers.length === 0 && seen >= WORKER_THRESHOLD) {
      for (let k = 0; k < wanted; k++) workers.push(startWorker(intern));
    }
    let best: WorkerLane | undefined;
    for (const w of workers) if (w.inFlight < MAX_IN_FLIGHT && (!best || w.inFlight < best.inFlight)) best = w;
    if (best) {
      s.worker = best;
      s.bytes = owned(bytes);
      s.reply = dispatch(best, s.bytes);
      s.reply.then(() => { s.settled = true; }, () => { s.settled = true; });
    } else {
      s.settled = true;
    }
    queue.push(s);
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
      prolog = false;
      parts = stop < data.length ? [data.subarray(stop)] : [];
      partsLen = data.length - stop;
      if (partsLen === 0) return;
    }
    if (!final && partsLen < SLICE_BYTES) return;
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
      enqueue(data.subarray(pos, stop));
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
      while (queue.length > 0 && (queue[0].settled || queue.length > MAX_IN_FLIGHT * (workers.length + 1))) {
        const s = queue.shift()!;
        const out = take(s, s.reply ? await s.reply : undefined);
        if (out.length > 0) yield* out;
      }
    }
    cut(true);
    while (queue.length > 0) {
      const s = queue.shift()!;
      const out = take(s, s.reply ? await s.reply : undefined);
      if (out.length > 0) yield* out;
    }
    tok.end();
    if (done.length > 0) yield* done.splice(0);
  } finally {
    for (const w of workers) void w.worker.terminate();
  }
}
