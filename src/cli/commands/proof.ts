/** `ferry proof`: the migration proof of a migrated host (text, --json, or --html FILE). */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadOsvFeeds } from '../../app/prove-cve.js';
import { proveMigrationOfHost } from '../../app/prove-proof.js';
import { proofFileName, renderProofHtml, renderProofText } from '../../report/proof/index.js';
import { HOST_ARGUMENT_HELP, hostOptions, withHostFlags, type HostFlags } from '../host-flags.js';
import { VERSION } from '../main.js';
import { emit, writeReport, type CliContext } from '../output.js';
import { withStore, withStoreFlag, type StoreFlags } from '../store-flags.js';

interface ProofFlags extends HostFlags, StoreFlags { execution?: string; before?: string; osv?: string; html?: string }

export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('proof <host>')
    .description(`migration proof of a migrated host (${HOST_ARGUMENT_HELP}): package and SBOM diff, verification, CVE delta, support gained, journal integrity`)
    .option('--execution <id>', 'the execution to prove (default: the host\'s current one)')
    .option('--before <host>', 'the stored host whose newest fact snapshot is the state before the migration (default: the host\'s store name)')
    .option('--osv <dir>', 'an OSV database directory: the CVE delta against the target\'s feed')
    .option('--html <file|dir>', 'also write the proof as an HTML page (into a directory: DIR/<host>.html, which ferry fleet report --proofs DIR links)');
  withStoreFlag(withHostFlags(cmd), 'holding the snapshot from before the migration').action(async (host: string, f: ProofFlags) => {
    const feeds = f.osv ? await loadOsvFeeds(f.osv) : undefined;
    const proof = await withStore(f, (store) => proveMigrationOfHost({
      host: hostOptions(host, f), store, toolVersion: VERSION,
      ...(f.execution ? { executionId: f.execution } : {}), ...(f.before ? { beforeHost: f.before } : {}), ...(feeds ? { feeds } : {}),
    }));
    if (f.html) writeReport(isDirectory(f.html) ? join(f.html, proofFileName(proof.host)) : f.html, renderProofHtml(proof));
    emit(ctx, proof, renderProofText);
    if (proof.verdict !== 'proven') ctx.exitCode = 1;
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
