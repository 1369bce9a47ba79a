/** `ferry sbom`: the SBOM of a host's installed packages (SPDX 2.3, SPDX 3.0.1 JSON-LD, CycloneDX 1.6). */
import type { Command } from 'commander';
import { hostSbom } from '../../app/prove.js';
import { FerryError } from '../../core/index.js';
import { isSbomFormat, SBOM_FORMATS } from '../../report/sbom/index.js';
import { HOST_ARGUMENT_HELP, hostOptions, withHostFlags, type HostFlags } from '../host-flags.js';
import type { CliContext } from '../output.js';
import { withStore, withStoreFlag, type StoreFlags } from '../store-flags.js';
import { VERSION } from '../main.js';

interface SbomFlags extends HostFlags, StoreFlags { format: string; snapshot?: string; manifest?: string }

export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('sbom [host]')
    .description(`SBOM of the installed packages of a host (${HOST_ARGUMENT_HELP}), a stored snapshot or a package list; the document on stdout`)
    .option('--format <format>', `${SBOM_FORMATS.join(' | ')}`, 'spdx-2.3')
    .option('--snapshot <host>', 'the newest fact snapshot of this host in the store instead of collecting')
    .option('--manifest <file>', 'a package list (rpm -qa, NEVRA list, queryformat dump, sosreport) instead of a host');
  withStoreFlag(withHostFlags(cmd), 'holding the snapshot').action(async (host: string | undefined, f: SbomFlags) => {
    if (!isSbomFormat(f.format)) throw new FerryError('USAGE', `--format ${JSON.stringify(f.format)} is not one of ${SBOM_FORMATS.join(', ')}`);
    const format = f.format;
    const source = { ...(host !== undefined ? { host: hostOptions(host, f) } : {}), ...(f.manifest !== undefined ? { manifest: f.manifest } : {}), toolVersion: VERSION };
    const doc = f.snapshot !== undefined
      ? await withStore(f, (store) => hostSbom({ ...source, snapshot: f.snapshot, store, format }))
      : await hostSbom({ ...source, format });
    // The document is the output, --json or not.
    ctx.stdout(JSON.stringify(doc, null, 2) + '\n');
  });
}
