/**
 * `ferry fleet …`: the fleet commands over Ferry's store. One function per subcommand.
 * - `collect [SELECTOR]`: facts from the selected hosts over SSH (app/fleet-collect.ts); exit 0 when every
 *   host came back ok, 1 when any did not (a failure class, or identity-changed), after recording them all.
 */
import type { Command } from 'commander';
import { collectFleet } from '../../app/fleet-collect.js';
import { listInventory } from '../../app/inventory.js';
import { FerryError } from '../../core/index.js';
import { parseDuration } from '../../fleet/flags.js';
import { SELECTOR_HELP } from '../../fleet/selector.js';
import { renderCollection } from '../../report/collection-text.js';
import { collect, emit, type CliContext } from '../output.js';
import { createProgressRenderer } from '../progress.js';
import { withStore, withStoreFlag, type StoreFlags } from '../store-flags.js';

interface CollectFlags extends StoreFlags {
  concurrency: string;
  timeout: string;
  retries: string;
  identity?: string[];
  knownHosts?: string[];
}

/** A whole number ≥ min, or USAGE naming the option. */
function integerOption(text: string, option: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new FerryError('USAGE', `${option} ${JSON.stringify(text)} is not a whole number ≥ ${min}`);
  return n;
}

function registerCollect(fleet: Command, ctx: CliContext): void {
  withStoreFlag(fleet.command('collect [selector]'), 'holding the hosts, where snapshots and collection records go').description('collect facts from the selected hosts over SSH and store a snapshot of each')
    .option('--concurrency <n>', 'hosts collected at the same time', '50')
    .option('--timeout <duration>', 'bound on one attempt at one host (connect, authenticate, facts script): 30s, 2m, 1m30s', '60s')
    .option('--retries <n>', 'further attempts after a transient failure (unreachable, timeout)', '2')
    .option('-i, --identity <file>', 'SSH private key, tried after the host\'s own (ansible_ssh_private_key_file) and before the agent\'s (repeatable)', collect)
    .option('--known-hosts <file>', 'known_hosts file for host key checking (repeatable)', collect)
    .addHelpText('after', `\n${SELECTOR_HELP}`)
    .action(async (selector: string | undefined, f: CollectFlags) => {
      const concurrency = integerOption(f.concurrency, '--concurrency', 1);
      const retries = integerOption(f.retries, '--retries', 0);
      const timeoutMs = parseDuration('--timeout', f.timeout) * 1000;
      if (timeoutMs === 0) throw new FerryError('USAGE', '--timeout 0 would fail every host', { hint: 'Give a bound such as 30s or 2m.' });
      await withStore(f, async (store) => {
        const hosts = await listInventory(store, selector);
        const result = await collectFleet({
          store, hosts, concurrency, retries, timeoutMs,
          ...(f.identity?.length ? { identityFiles: f.identity } : {}),
          ...(f.knownHosts?.length ? { knownHostsFiles: f.knownHosts } : {}),
          onProgress: createProgressRenderer({ write: ctx.stderr, tty: ctx.stderrIsTty === true }),
        });
        emit(ctx, result, renderCollection);
        if (result.failed > 0) ctx.exitCode = 1;
      });
    });
}

export function register(program: Command, ctx: CliContext): void {
  const fleet = program.command('fleet').description('Collect, assess and report on many hosts from Ferry\'s store');
  registerCollect(fleet, ctx);
}
