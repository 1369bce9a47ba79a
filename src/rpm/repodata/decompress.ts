/**
 * Decompression of repository files, detected by magic bytes (never trusted from the extension),
 * with caps against decompression bombs.
 *
 * Codecs: gzip uses Node's zlib in-process (fastest, and the common case). xz, zstd and bzip2 run the
 * real `xz -dc`, `zstd -dc` and `bzip2 -dc` as child processes streaming stdin → stdout: Node 20's
 * zlib has none of them, the tools are the reference implementations (multi-stream, every filter),
 * they are installed by scripts/install-deps.sh, and they run on the other core in parallel with the
 * parser. Pure-JS decoders are several times slower, and wasm ones ship prebuilt binaries.
 */
import { spawn } from 'node:child_process';
import { createGunzip } from 'node:zlib';
import { Duplex, PassThrough, pipeline, Readable, Transform } from 'node:stream';
import { FerryError } from '../../core/errors.js';

export type Codec = 'gzip' | 'xz' | 'zstd' | 'bzip2' | 'plain';

export interface DecompressLimits {
  /** Largest decompressed size accepted; default 4 GiB. */
  maxExpandedBytes?: number;
  /** Largest expanded/compressed ratio accepted (checked past 1 MiB of output); default 200. */
  maxRatio?: number;
}

export const DEFAULT_MAX_EXPANDED_BYTES = 4 * 1024 * 1024 * 1024;
export const DEFAULT_MAX_RATIO = 200;
/** Below this many expanded bytes the ratio is not checked: tiny files legitimately compress oddly. */
const RATIO_FLOOR = 1024 * 1024;

/** The codec of a file from its first bytes (at least 6 are needed to tell xz). */
export function detectCodec(head: Uint8Array): Codec {
  const b = head;
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (b.length >= 6 && b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58 && b[4] === 0x5a &&
      b[5] === 0x00) return 'xz';
  if (b.length >= 4 && b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) return 'zstd';
  if (b.length >= 3 && b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68) return 'bzip2';
  return 'plain';
}

/** Classifies a decompressor's complaint: input ending early is REPO_TRUNCATED, anything else REPO_DECOMPRESS. */
function decompressError(file: string, codec: Codec, detail: string): FerryError {
  const truncated = /unexpected end|end of (file|input)|truncated|ends unexpectedly|premature|incomplete/i
    .test(detail);
  return new FerryError(truncated ? 'REPO_TRUNCATED' : 'REPO_DECOMPRESS',
    `${file}: ${truncated ? 'the compressed data ends early' : 'corrupt compressed data'} (${codec}: ${detail.trim()})`);
}

function spawnDecoder(tool: string, file: string, codec: Codec): Duplex {
  const child = spawn(tool, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => { if (stderr.length < 4096) stderr += d; });
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let stdoutEnded = false;
  const d = new Duplex({
    write(chunk: Buffer, _enc, cb) {
      if (child.stdin.write(chunk)) cb();
      else child.stdin.once('drain', () => cb());
    },
    final(cb) { child.stdin.end(); cb(); },
    read() { child.stdout.resume(); },
    destroy(err, cb) {
      if (exit === undefined) child.kill('SIGKILL');
      cb(err);
    },
  });
  const settle = (): void => {
    if (d.destroyed || exit === undefined) return;
    if (exit.code !== 0) {
      d.destroy(decompressError(file, codec, stderr || `${tool} exited with ${exit.code ?? exit.signal}`));
    } else if (stdoutEnded) d.push(null);
  };
  child.stdout.on('data', (c: Buffer) => { if (!d.push(c)) child.stdout.pause(); });
  child.stdout.on('end', () => { stdoutEnded = true; settle(); });
  child.stdin.on('error', () => { /* EPIPE when the tool quits early: its exit status says why */ });
  child.on('error', (err) => {
    d.destroy(new FerryError('REPO_DECOMPRESS', `${file}: cannot run ${tool} to decompress ${codec}`,
      { cause: err, hint: 'Install it (scripts/install-deps.sh installs xz-utils, zstd and bzip2).' }));
  });
  child.on('close', (code, signal) => { exit = { code, signal }; settle(); });
  return d;
}

/** Counts expanded bytes and stops a stream that grows past the caps. */
function bombGuard(file: string, limits: Required<DecompressLimits>, compressedBytes: () => number,
  declaredOpenSize: number | undefined): Transform {
  let expanded = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      expanded += chunk.length;
      if (expanded > limits.maxExpandedBytes) {
        cb(new FerryError('REPO_DECOMPRESSION_BOMB',
          `${file}: expands beyond ${limits.maxExpandedBytes} bytes (maxExpandedBytes)`));
        return;
      }
      if (declaredOpenSize !== undefined && expanded > declaredOpenSize) {
        cb(new FerryError('REPO_DECOMPRESSION_BOMB',
          `${file}: expands beyond the open-size of ${declaredOpenSize} bytes declared in repomd.xml`));
        return;
      }
      const packed = compressedBytes();
      if (expanded > RATIO_FLOOR && expanded > limits.maxRatio * Math.max(packed, 1)) {
        cb(new FerryError('REPO_DECOMPRESSION_BOMB',
          `${file}: expands more than ${limits.maxRatio}× (${expanded} bytes from ${packed}; maxRatio)`));
        return;
      }
      cb(null, chunk);
    },
  });
}

export interface DecompressOptions extends DecompressLimits {
  /** The file's name for error messages. */
  name: string;
  /** Open-size declared in repomd.xml: output beyond it is refused early. */
  openSize?: number;
}

/** Reads the first bytes of `source` without consuming them (they are unshifted back). */
async function peek(source: Readable, want: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  for (;;) {
    const c = source.read() as Buffer | null;
    if (c !== null) {
      parts.push(c);
      have += c.length;
      if (have >= want) break;
      continue;
    }
    if (source.readableEnded || source.destroyed) break;
    const ended = await new Promise<boolean>((resolve, reject) => {
      const onReadable = (): void => { cleanup(); resolve(false); };
      const onEnd = (): void => { cleanup(); resolve(true); };
      const onError = (err: Error): void => { cleanup(); reject(err); };
      const cleanup = (): void => {
        source.off('readable', onReadable);
        source.off('end', onEnd);
        source.off('error', onError);
      };
      source.on('readable', onReadable);
      source.on('end', onEnd);
      source.on('error', onError);
    });
    if (ended) break;
  }
  const head = Buffer.concat(parts);
  if (head.length > 0) source.unshift(head);
  return head;
}

/**
 * Decompresses `source` (any codec, detected from its first bytes). The result is a plain byte
 * stream; errors on it are FerryError REPO_DECOMPRESS, REPO_TRUNCATED or REPO_DECOMPRESSION_BOMB
 * (or whatever error `source` itself raised).
 */
export async function decompress(source: Readable, options: DecompressOptions): Promise<Readable> {
  const limits: Required<DecompressLimits> = {
    maxExpandedBytes: options.maxExpandedBytes ?? DEFAULT_MAX_EXPANDED_BYTES,
    maxRatio: options.maxRatio ?? DEFAULT_MAX_RATIO,
  };
  const file = options.name;
  const codec = detectCodec(await peek(source, 8));
  let compressed = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) { compressed += chunk.length; cb(null, chunk); },
  });
  let decoder: Duplex;
  if (codec === 'gzip') {
    decoder = createGunzip({ chunkSize: 256 * 1024 });
  } else if (codec === 'plain') {
    decoder = new PassThrough();
  } else {
    decoder = spawnDecoder(codec === 'xz' ? 'xz' : codec === 'zstd' ? 'zstd' : 'bzip2', file, codec);
  }
  const guard = bombGuard(file, limits, () => compressed, options.openSize);
  const tail = pipeline(source, counter, decoder, guard, () => { /* errors surface through `tail` */ });
  // zlib raises its own errors (Z_DATA_ERROR, Z_BUF_ERROR): map every foreign error to Ferry's codes.
  async function* mapErrors(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of tail) yield chunk as Buffer;
    } catch (err) {
      if (err instanceof FerryError) throw err;
      const e = err as Error & { code?: string };
      if (typeof e.code === 'string' && e.code.startsWith('Z_')) throw decompressError(file, codec, e.message);
      throw err;
    }
  }
  return Readable.from(mapErrors(), { objectMode: false });
}
