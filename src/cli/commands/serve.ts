/**
 * `ferry serve`: the HTTP API and the dashboard over the store (src/api), until SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { openFerryStore, defaultStorePath } from '../../app/store.js';
import { startServer } from '../../api/server.js';
import { fleetHostDefaults, withFleetKeyFlags, type FleetKeyFlags } from '../host-flags.js';
import type { CliContext } from '../output.js';
import { withStoreFlag, type StoreFlags } from '../store-flags.js';

interface ServeFlags extends StoreFlags, FleetKeyFlags { listen?: string; cert?: string; key?: string; reports?: string; jobs: boolean }

export function register(program: Command, ctx: CliContext): void {
  withFleetKeyFlags(withStoreFlag(program.command('serve').description('serve the HTTP API (/openapi.json) and the dashboard; log in with a token from ferry token create'), 'the API reads and writes')
    .option('--listen <host:port>', 'address to listen on (default 127.0.0.1:8080)')
    .option('--cert <file>', 'TLS certificate (PEM); with --key, serves HTTPS and the session cookie is Secure')
    .option('--key <file>', 'TLS private key (PEM)')
    .option('--reports <dir>', 'directory of reports served under /api/reports/ (e.g. written by ferry fleet report --out)')
    .option('--no-jobs', 'do not run collection and assessment jobs in this process'))
    .action(async (f: ServeFlags) => {
      const store = await openFerryStore(f.store ?? defaultStorePath());
      const server = await startServer({
        store, jobs: f.jobs, ...(f.listen ? { listen: f.listen } : {}), ...(f.cert ? { cert: f.cert } : {}), ...(f.key ? { key: f.key } : {}),
        ...(f.reports ? { reportsDir: f.reports } : {}),
        hostDefaults: fleetHostDefaults(f),
        onInternalError: (e, c) => ctx.stderr(`ferry serve: ${c.req.method} ${c.req.path}: ${(e as Error).stack ?? String(e)}\n`),
      }).catch(async (e: unknown) => { await store.close(); throw e; });
      ctx.stderr(`ferry serve: listening on ${server.url} (dashboard ${server.url}/, API ${server.url}/openapi.json)\n`);
      if (ctx.json) ctx.stdout(JSON.stringify({ url: server.url }) + '\n');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
      await store.close();
    });
}
