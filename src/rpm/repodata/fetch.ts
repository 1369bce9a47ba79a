/**
 * Reading repository files from a local directory, a file:// URL or an http(s) URL.
 * HTTP downloads have an overall deadline (REPO_TIMEOUT) and a byte cap (REPO_TOO_LARGE), and are
 * spooled to a private temporary file so a checksum can be verified before a byte is parsed.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { isAbsolute, join, normalize, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { FerryError } from '../../core/errors.js';

export interface FetchOptions {
  /** Overall deadline of one HTTP download in ms; default 60 000. */
  timeoutMs?: number;
  /** Largest file accepted (compressed bytes as stored); default 1 GiB. */
  maxBytes?: number;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;

/** Where a repository lives: a local root directory or an http(s) base URL ending in '/'. */
export type RepoBase = { kind: 'local'; root: string } | { kind: 'http'; base: URL };

export function parseRepoLocation(location: string): RepoBase {
  if (/^https?:\/\//i.test(location)) {
    const base = new URL(location);
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    return { kind: 'http', base };
  }
  if (/^file:/i.test(location)) return { kind: 'local', root: fileURLToPath(location) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new FerryError('REPO_FETCH', `${location}: unsupported URL scheme (use a path, file://, http:// or https://)`);
  }
  return { kind: 'local', root: resolve(location) };
}

/** Resolves an href from repomd.xml against the repository, refusing anything outside it. */
export function resolveHref(base: RepoBase, href: string): string {
  const clean = normalize(href);
  if (href === '' || isAbsolute(href) || /^[a-z][a-z0-9+.-]*:/i.test(href) || clean.startsWith('..') ||
      clean.split(sep).includes('..')) {
    throw new FerryError('REPO_METADATA', `repomd.xml: location href "${href}" points outside the repository`);
  }
  return base.kind === 'local' ? join(base.root, clean) : new URL(clean, base.base).href;
}

/** Node's crypto name for a repomd checksum type. */
export function hashAlgorithm(type: string, file: string): string {
  const t = type.toLowerCase();
  const map: Record<string, string> = {
    sha: 'sha1', sha1: 'sha1', sha224: 'sha224', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512', md5: 'md5',
  };
  const alg = map[t];
  if (alg === undefined) throw new FerryError('REPO_METADATA', `${file}: unknown checksum type "${type}"`);
  return alg;
}

function httpGet(url: string, options: FetchOptions, redirects = 0): Promise<{ res: IncomingMessage; abort: () => void }> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolvePromise, reject) => {
    const get = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = get(url, { method: 'GET', headers: { 'user-agent': 'ferry', accept: '*/*' } });
    const timer = setTimeout(() => {
      req.destroy(new FerryError('REPO_TIMEOUT', `${url}: no complete response within ${timeoutMs} ms`,
        { hint: 'Check the mirror, or raise timeoutMs.' }));
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err instanceof FerryError ? err
        : new FerryError('REPO_FETCH', `${url}: ${err.message}`, { cause: err }));
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        clearTimeout(timer);
        res.resume();
        if (redirects >= 5) {
          reject(new FerryError('REPO_FETCH', `${url}: too many redirects`));
          return;
        }
        const next = new URL(res.headers.location, url).href;
        httpGet(next, options, redirects + 1).then(resolvePromise, reject);
        return;
      }
      if (status !== 200) {
        clearTimeout(timer);
        res.resume();
        reject(new FerryError('REPO_FETCH', `${url}: HTTP ${status}`));
        return;
      }
      res.on('close', () => clearTimeout(timer));
      res.on('end', () => clearTimeout(timer));
      // Errors after the response started (the deadline included) surface on `res`.
      req.on('error', (err) => res.destroy(err));
      resolvePromise({ res, abort: () => { clearTimeout(timer); req.destroy(); } });
    });
    req.end();
  });
}

/**
 * The REPO_TOO_LARGE error of a file over its cap; `size` is its size, or `more than N` when the download was
 * cut at the cap. Callers that know why the cap is what it is (repomd.xml's own cap, a size repomd declares)
 * say so in their own error.
 */
export type TooLarge = (size: string) => FerryError;

const tooLargeFor = (location: string, maxBytes: number): TooLarge => (size) =>
  new FerryError('REPO_TOO_LARGE', `${location}: ${/^\d+$/.test(size) ? `${size} bytes exceeds the cap of ${maxBytes}` : `${size} bytes`} (maxBytes)`);

/** Downloads `url` whole into memory (small files: repomd.xml), with the caps. */
export async function fetchSmall(url: string, options: FetchOptions, tooLarge?: TooLarge): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const refuse = tooLarge ?? tooLargeFor(url, maxBytes);
  const { res, abort } = await httpGet(url, options);
  const parts: Buffer[] = [];
  let n = 0;
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    abort();
    throw refuse(String(declared));
  }
  for await (const chunk of res) {
    n += (chunk as Buffer).length;
    if (n > maxBytes) {
      abort();
      throw refuse(`more than ${maxBytes}`);
    }
    parts.push(chunk as Buffer);
  }
  if (!res.complete) throw new FerryError('REPO_TRUNCATED', `${url}: the response ended early`);
  return Buffer.concat(parts);
}

export interface FetchedFile {
  /** Opens the (still compressed) file for reading; closing the stream releases any spool file. */
  open(): Readable;
  size: number;
  /** Hex digest of the stored bytes, when an algorithm was asked for. */
  digest?: string;
}

/**
 * Makes one repository file readable from local disk: local files are hashed in place, HTTP files
 * are downloaded (with the caps) into a private temporary directory while being hashed.
 */
export async function fetchFile(location: string, options: FetchOptions & { hash?: string }, tooLarge?: TooLarge): Promise<FetchedFile> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const refuse = tooLarge ?? tooLargeFor(location, maxBytes);
  if (!/^https?:/i.test(location)) {
    let size: number;
    try {
      size = (await stat(location)).size;
    } catch (err) {
      throw new FerryError('REPO_FETCH', `${location}: cannot read (${(err as Error).message})`, { cause: err });
    }
    if (size > maxBytes) throw refuse(String(size));
    let digest: string | undefined;
    if (options.hash) {
      const h = createHash(options.hash);
      for await (const chunk of createReadStream(location, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
      digest = h.digest('hex');
    }
    return { size, digest, open: () => createReadStream(location, { highWaterMark: 1 << 20 }) };
  }
  const { res, abort } = await httpGet(location, options);
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    abort();
    throw refuse(String(declared));
  }
  const dir = await mkdtemp(join(tmpdir(), 'ferry-repo-'));
  const spool = join(dir, 'data');
  const h = options.hash ? createHash(options.hash) : undefined;
  let size = 0;
  try {
    const out = createWriteStream(spool);
    for await (const chunk of res) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        abort();
        throw refuse(`more than ${maxBytes}`);
      }
      h?.update(chunk as Buffer);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
    if (!res.complete) throw new FerryError('REPO_TRUNCATED', `${location}: the response ended early`);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    size,
    digest: h?.digest('hex'),
    open: () => {
      const s = createReadStream(spool, { highWaterMark: 1 << 20 });
      s.on('close', () => { void rm(dir, { recursive: true, force: true }); });
      return s;
    },
  };
}
