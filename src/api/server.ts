/**
 * Starts `ferry serve`: the API app on a node HTTP server (HTTPS with a certificate and key), on
 * 127.0.0.1 by default; the fleet job runner (collection, assessment) beside it in the same process,
 * outside any request.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { FerryError } from '../core/index.js';
import { runFleetJobs } from '../app/fleet-jobs.js';
import type { HostOptions } from '../app/host.js';
import { createApi, type ApiOptions } from './app.js';

export interface ServeOptions extends ApiOptions {
  /** HOST:PORT, [IPv6]:PORT or PORT (default 127.0.0.1:8080; port 0 picks a free one). */
  listen?: string;
  /** PEM files for TLS. */
  cert?: string;
  key?: string;
  /** Run collection/assessment jobs in this process (default true). */
  jobs?: boolean;
  hostDefaults?: Pick<HostOptions, 'identityFiles' | 'knownHostsFiles'>;
}

export interface RunningServer { url: string; close(): Promise<void> }

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(listen) ?? /^()()(\d+)$/.exec(listen);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port > 65535) throw new FerryError('USAGE', `--listen ${JSON.stringify(listen)} is not HOST:PORT, [IPv6]:PORT or PORT`);
  return { host: m[1] || m[2] || '127.0.0.1', port };
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new FerryError('IO', `Cannot read the TLS ${what} ${path}: ${(e as Error).message}`, { hint: `--cert and --key name PEM files readable by this user.` });
  }
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  if ((o.cert === undefined) !== (o.key === undefined)) throw new FerryError('USAGE', 'TLS needs both --cert and --key');
  const tls = o.cert !== undefined && o.key !== undefined ? { cert: readPem(o.cert, 'certificate'), key: readPem(o.key, 'key') } : undefined;
  const { host, port } = parseListen(o.listen ?? '127.0.0.1:8080');
  const app = createApi({ ...o, secure: tls !== undefined });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port, ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}) }, () => resolve(s));
    s.once('error', (e: NodeJS.ErrnoException) => reject(new FerryError('IO', `Cannot listen on ${host}:${port}: ${e.message}`, { hint: e.code === 'EADDRINUSE' ? 'Another process holds the port: pick another with --listen.' : undefined })));
  });
  const abort = new AbortController();
  const runner = o.jobs === false ? Promise.resolve() : runFleetJobs({ store: o.store, worker: `serve:${process.pid}`, signal: abort.signal, ...(o.hostDefaults ? { hostDefaults: o.hostDefaults } : {}) });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `${tls ? 'https' : 'http'}://${shown}:${address.port}`,
    async close() {
      abort.abort();
      // Open event streams would hold close() forever: they are cut.
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runner;
    },
  };
}
