/**
 * Serving controller-side repositories to an SSH host: a read-only static HTTP server in this process,
 * bound to 127.0.0.1 on an ephemeral port, reached from the host through a remote port forward over the
 * host's own SSH connection (Transport.forwardRemote), so dnf there uses `http://127.0.0.1:PORT/MOUNT/`.
 * Whether a repository is served at all is decided by targets.ts (hostRepos); this module only serves.
 *
 * What is served: the regular files below each mounted directory, nothing else — no listing, no dotfile
 * or dot-directory, no `..`, no encoded `/` or NUL, no symlink leading out of the directory (the real path
 * must stay below the directory's real path); GET and HEAD only; one byte range per request (librepo
 * resumes interrupted downloads with `Range: bytes=N-`). One server and one forward per connection: they
 * end when the connection does (a reconnected run serves again, on a new port). Both ends listen on
 * loopback only; local users of either machine can read what dnf can while a run lasts (repository files).
 */
import { createReadStream, realpathSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { assert } from '../core/index.js';
import type { RemoteForward, Transport } from '../transport/index.js';

/** One request the server answered: what was asked and what it sent. */
export interface ServedRequest {
  method: string;
  /** The request path as sent (decoded only for the check). */
  path: string;
  status: number;
  /** Body bytes sent (0 for HEAD and refusals). */
  bytes: number;
  /** The file read, when one was. */
  file?: string;
}

/** The path rule: `/MOUNT/a/b.rpm` → the mount and the relative segments, or why it is refused. */
export type ServedPath = { mount: string; segments: string[] } | { refused: string };

/**
 * Pure: which file a request path names below a mount, by the rule above (query strings ignored). Segments
 * are percent-decoded one by one, so an encoded `/` or `..` cannot cross a segment boundary.
 */
export function servedPath(urlPath: string): ServedPath {
  const raw = urlPath.split('?')[0].split('#')[0];
  if (!raw.startsWith('/')) return { refused: 'not an absolute path' };
  const parts = raw.split('/').filter((p) => p !== '');
  if (parts.length < 2) return { refused: 'no file named' };
  const segments: string[] = [];
  for (const p of parts) {
    let s: string;
    try { s = decodeURIComponent(p); } catch { return { refused: 'malformed percent-encoding' }; }
    if (s.includes('/') || s.includes('\\') || s.includes('\0')) return { refused: 'a path separator or NUL inside a segment' };
    if (s === '.' || s === '..') return { refused: 'a . or .. segment' };
    if (s.startsWith('.')) return { refused: 'a dotfile' };
    segments.push(s);
  }
  return { mount: segments[0], segments: segments.slice(1) };
}

/** Pure: a `Range` header against a file of `size` bytes → the one range to send, 'unsatisfiable', or null (send it all). */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null; // several ranges or another unit: the whole file (RFC 9110 allows it)
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

export interface RepoServer {
  /** The port on this machine's 127.0.0.1. */
  readonly port: number;
  /** Makes `dir` available below `/NAME/`; the same name again must name the same directory. */
  mount(name: string, dir: string): void;
  /** Every request answered so far. */
  readonly requests: readonly ServedRequest[];
  close(): Promise<void>;
}

/** Starts the static server on 127.0.0.1 (ephemeral port); `onRequest` hears each request answered. */
export async function startRepoServer(o: { onRequest?: (r: ServedRequest) => void } = {}): Promise<RepoServer> {
  const mounts = new Map<string, string>(); // name → real path of the directory
  const requests: ServedRequest[] = [];
  const done = (r: ServedRequest): void => { requests.push(r); o.onRequest?.(r); };
  const server: Server = createServer((req, res) => { void answer(req, res, mounts, done); });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { server.off('error', reject); resolveListen(); });
  });
  server.unref(); // a forgotten server never keeps the process alive
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    requests,
    mount(name, dir) {
      const real = realpathSync(dir);
      const prior = mounts.get(name);
      assert(prior === undefined || prior === real, `mount ${name} already serves ${prior}, not ${real}`);
      mounts.set(name, real);
    },
    close: () => new Promise<void>((resolveClose) => {
      server.close(() => resolveClose());
      server.closeAllConnections();
    }),
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, mounts: ReadonlyMap<string, string>, done: (r: ServedRequest) => void): Promise<void> {
  const method = req.method ?? '';
  const path = req.url ?? '';
  const refuse = (status: number, why: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(method === 'HEAD' ? undefined : `${why}\n`);
    done({ method, path, status, bytes: 0 });
  };
  if (method !== 'GET' && method !== 'HEAD') { refuse(405, 'only GET and HEAD', { allow: 'GET, HEAD' }); return; }
  const p = servedPath(path);
  if ('refused' in p) { refuse(404, p.refused); return; }
  const root = mounts.get(p.mount);
  if (!root) { refuse(404, 'no such repository'); return; }
  let file: string;
  let size: number;
  try {
    file = await realpath([root, ...p.segments].join(sep));
    if (!file.startsWith(root + sep)) { refuse(404, 'outside the repository'); return; }
    if (file.slice(root.length + 1).split(sep).some((s) => s.startsWith('.'))) { refuse(404, 'a dotfile'); return; } // reached through a symlink
    const st = await stat(file);
    if (!st.isFile()) { refuse(404, 'not a file'); return; }
    size = st.size;
  } catch {
    refuse(404, 'not found');
    return;
  }
  const range = byteRange(req.headers.range, size);
  if (range === 'unsatisfiable') { refuse(416, 'range not satisfiable', { 'content-range': `bytes */${size}` }); return; }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const length = size === 0 ? 0 : end - start + 1;
  res.writeHead(range ? 206 : 200, {
    'content-type': 'application/octet-stream',
    'content-length': String(length),
    'accept-ranges': 'bytes',
    ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
  });
  const record = (bytes: number): void => done({ method, path, status: range ? 206 : 200, bytes, file });
  if (method === 'HEAD' || length === 0) { res.end(); record(0); return; }
  const stream = createReadStream(file, { start, end });
  stream.on('error', () => res.destroy());
  res.on('close', () => { stream.destroy(); });
  stream.pipe(res);
  stream.on('end', () => record(length));
}

/** A host's connection serving repositories: the server, the forward to it, the URL base the host uses. */
interface Served {
  server: RepoServer;
  forward: RemoteForward;
  /** `http://127.0.0.1:PORT/` as the host reaches the server. */
  base: string;
  /** Who hears each request: the latest caller's reporter. */
  hooks: { onRequest?: (r: ServedRequest) => void };
}

const servedTo = new WeakMap<Transport, Promise<Served>>();

async function startServing(transport: Transport): Promise<Served> {
  assert(transport.forwardRemote, `serving to ${transport.hostName}, whose transport forwards no ports`);
  const hooks: Served['hooks'] = {};
  const server = await startRepoServer({ onRequest: (r) => hooks.onRequest?.(r) });
  let forward: RemoteForward;
  try {
    forward = await transport.forwardRemote((stream: Duplex) => {
      const local = connect(server.port, '127.0.0.1');
      stream.pipe(local).pipe(stream);
      const end = (): void => { local.destroy(); stream.destroy(); };
      local.on('error', end);
      stream.on('error', end);
      stream.on('close', () => local.destroy());
    });
  } catch (e) {
    await server.close();
    throw e;
  }
  void forward.closed.then(() => server.close());
  return { server, forward, base: `http://127.0.0.1:${forward.port}/`, hooks };
}

/**
 * Serves `dir` to `transport`'s host below `/NAME/`: the URL the host reaches it at, and when that ends. One server
 * and forward per connection, started on first use and ended with the connection (a reconnected run gets
 * a new one, on a new port). Throws TRANSPORT_FORWARD_REFUSED when sshd refuses the forward.
 */
export async function serveToHost(transport: Transport, name: string, dir: string, onRequest?: (r: ServedRequest) => void): Promise<{ url: string; closed: Promise<void> }> {
  let served = servedTo.get(transport);
  if (!served) {
    const starting = startServing(transport);
    served = starting;
    servedTo.set(transport, starting);
    starting.then((s) => { void s.forward.closed.then(() => { if (servedTo.get(transport) === starting) servedTo.delete(transport); }); },
      () => { if (servedTo.get(transport) === starting) servedTo.delete(transport); });
  }
  const s = await served;
  if (onRequest) s.hooks.onRequest = onRequest;
  s.server.mount(name, dir);
  return { url: `${s.base}${encodeURIComponent(name)}/`, closed: s.forward.closed };
}

/** The requests served to `transport`'s host on this connection (none when nothing is served). */
export async function servedRequests(transport: Transport): Promise<readonly ServedRequest[]> {
  const s = servedTo.get(transport);
  return s ? (await s).server.requests : [];
}
