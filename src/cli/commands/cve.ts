/** `ferry cve`: vulnerability exposure of a host, a stored snapshot, a package list or the fleet, from security feeds. */
import type { Command } from 'commander';
import { exposureOfFacts, fleetExposure, hostExposure, loadOsvFeeds } from '../../app/prove-cve.js';
import { factsForProof, sbomModelFor } from '../../app/prove.js';
import { FerryError } from '../../core/index.js';
import { renderExposureCycloneDx, renderExposureText, renderFleetExposureText } from '../../report/cve/index.js';
import { HOST_ARGUMENT_HELP, hostOptions, withHostFlags, type HostFlags } from '../host-flags.js';
import { VERSION } from '../main.js';
import { collect, emit, type CliContext } from '../output.js';
import { withStore, withStoreFlag, type StoreFlags } from '../store-flags.js';

interface CveFlags extends HostFlags, StoreFlags { osv: string; successor?: string; repo?: string[]; snapshot?: string; manifest?: string; fleet?: boolean; format: string }

export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('cve [host]')
    .description(`vulnerability exposure of a host (${HOST_ARGUMENT_HELP}), a stored snapshot, a package list or the fleet: advisories whose fixes it has not installed`)
    .requiredOption('--osv <dir>', 'an OSV database directory (e.g. AlmaLinux/osv-database: advisories/almalinux8/*.json)')
    .option('--successor <id>', 'for a CentOS host: measure against this successor\'s fixes (os-release ID: almalinux, rocky)')
    .option('--repo <location>', 'an enabled repository of the host (repeatable): whether each fix is installable', collect)
    .option('--snapshot <host>', 'the newest stored fact snapshot of this host')
    .option('--manifest <file>', 'a package list (rpm -qa, NEVRA list, queryformat dump, sosreport)')
    .option('--fleet', 'every host in the store (newest snapshots)')
    .option('--format <format>', 'text (or --json) | cyclonedx-1.6 (VEX: the host\'s components with their vulnerabilities)', 'text');
  withStoreFlag(withHostFlags(cmd), 'holding snapshots').action(async (host: string | undefined, f: CveFlags) => {
    if (f.format !== 'text' && f.format !== 'cyclonedx-1.6') throw new FerryError('USAGE', `--format ${JSON.stringify(f.format)} is not text or cyclonedx-1.6`);
    const feeds = await loadOsvFeeds(f.osv);
    const opts = { feeds, ...(f.successor ? { successor: f.successor } : {}), ...(f.repo?.length ? { repos: f.repo } : {}) };
    if (f.fleet) {
      if (host !== undefined || f.snapshot !== undefined || f.manifest !== undefined) throw new FerryError('USAGE', '--fleet takes no host, --snapshot or --manifest');
      emit(ctx, await withStore(f, (store) => fleetExposure({ ...opts, store })), renderFleetExposureText);
      return;
    }
    const source = { ...(host !== undefined ? { host: hostOptions(host, f) } : {}), ...(f.manifest !== undefined ? { manifest: f.manifest } : {}) };
    const run = async (store?: Parameters<typeof hostExposure>[0]['store']): Promise<void> => {
      const src = { ...source, ...(f.snapshot !== undefined ? { snapshot: f.snapshot } : {}), ...(store ? { store } : {}) };
      if (f.format === 'cyclonedx-1.6') {
        const facts = await factsForProof({ ...src, toolVersion: VERSION });
        const e = await exposureOfFacts(facts.hostName, facts.facts, opts);
        ctx.stdout(JSON.stringify(renderExposureCycloneDx(e, sbomModelFor(facts, VERSION)), null, 2) + '\n');
        return;
      }
      emit(ctx, await hostExposure({ ...src, ...opts }), renderExposureText);
    };
    if (f.snapshot !== undefined) await withStore(f, (store) => run(store));
    else await run();
  });
}
