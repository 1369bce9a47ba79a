/**
 * `ferry fleet …`: the fleet commands over Ferry's store, one `register…` function per subcommand.
 * - `collect [SELECTOR]`: facts from the selected hosts over SSH (app/fleet-collect.ts); exit 0 when every
 *   host came back ok, 1 when any did not (a failure class, or identity-changed), after recording them all.
 * - `assess [SELECTOR]`: every selected host against several targets from its stored facts (app/fleet-assess.ts).
 * - `report`: a run rendered as text, JSON (schema src/report/schema/fleet-report.schema.json), HTML or CSV.
 * Each action imports its use case and renderers when it runs: `fleet collect` never loads the assessment's.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { listInventory } from '../../app/inventory.js';
import { FerryError } from '../../core/index.js';
import { parseDuration } from '../../fleet/flags.js';
import { SELECTOR_HELP } from '../../fleet/selector.js';
import type { FleetReport } from '../../report/fleet/index.js';
import { collect, emit, integerOption, writeReport, type CliContext } from '../output.js';
import { createProgressRenderer } from '../progress.js';
import { withStore, withStoreFlag, type StoreFlags } from '../store-flags.js';

interface CollectFlags extends StoreFlags {
  concurrency: string;
  timeout: string;
  retries: string;
  identity?: string[];
  knownHosts?: string[];
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
      const [{ collectFleet }, { renderCollection }] = await Promise.all([import('../../app/fleet-collect.js'), import('../../report/collection-text.js')]);
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

const FORMATS = ['text', 'json', 'html', 'csv'] as const;
type Format = (typeof FORMATS)[number];

async function renderFleetReport(r: FleetReport, format: Format, proofs?: string): Promise<string> {
  const [{ renderFleetCsv, renderFleetHtml, renderFleetText }, { proofFileName }] = await Promise.all([import('../../report/fleet/index.js'), import('../../report/proof/index.js')]);
  switch (format) {
    case 'json': return JSON.stringify(r, null, 2) + '\n';
    case 'html': return renderFleetHtml(r, proofs === undefined ? {} : { proofHref: (host) => (existsSync(join(proofs, proofFileName(host))) ? join(proofs, proofFileName(host)) : undefined) });
    case 'csv': return renderFleetCsv(r);
    case 'text': return renderFleetText(r);
  }
}

interface AssessOpts extends StoreFlags { to: string; repo: string[]; today?: string; pes: string[]; progress: boolean }

function registerAssess(fleet: Command, ctx: CliContext): void {
  withStoreFlag(fleet.command('assess'), 'holding the hosts\' facts; the run is recorded there')
    .description('assess the selected hosts (default: all) against several targets from their stored facts')
    .argument('[selector]', 'the hosts to assess (default: every host in the store)')
    .requiredOption('--to <targets>', 'comma-separated target releases, e.g. rocky-8,almalinux-8,oraclelinux-8')
    .option('--repo <target=location>', 'target repository (directory or URL with repodata/), also of a route\'s intermediate release; repeatable', collect, [])
    .option('--today <date>', 'evaluate lifecycles on this date (YYYY-MM-DD)')
    .option('--pes <[target=]file>', 'Leapp package-evolution events (pes-events.json) for cross-major targets and the hops of their routes; TARGET=FILE gives a target or hop its vendor\'s own file; repeatable', collect, [])
    .option('--no-progress', 'do not print progress on stderr')
    .addHelpText('after', `\n${SELECTOR_HELP}`)
    .action(async (selector: string | undefined, opts: AssessOpts) => withStore(opts, async (store) => {
      const [{ assessFleet, loadFleetReport }, { parseRepoFlags }, { renderProgress }, { renderFleetText }] = await Promise.all([
        import('../../app/fleet-assess.js'), import('../../app/repos.js'), import('../../report/progress-text.js'), import('../../report/fleet/index.js')]);
      const started = Date.now();
      const hostNames = selector === undefined ? undefined : (await listInventory(store, selector)).map((h) => h.name);
      const summary = await assessFleet({
        store, targets: opts.to.split(','), repos: parseRepoFlags(opts.repo),
        ...(hostNames ? { hostNames } : {}),
        ...(opts.today !== undefined ? { today: opts.today } : {}),
        ...(opts.pes.length > 0 ? { pes: opts.pes } : {}),
        onProgress: (p) => { if (opts.progress) ctx.stderr(`ferry: ${renderProgress(p)} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`); },
      });
      const report = await loadFleetReport({ store, runId: summary.runId });
      emit(ctx, { summary, report }, ({ summary: s, report: r }) => `${renderFleetText(r)}\n${s.hosts} hosts, ${s.distinctInputs} distinct package sets, `
        + `${s.assessments} target assessments in ${(s.durationMs / 1000).toFixed(1)} s; ${s.notAssessed.length} not assessed. Run ${s.runId}: ferry fleet report --run ${s.runId}`);
    }));
}

interface ReportOpts extends StoreFlags { format?: string; out?: string; run?: string }

function registerReport(fleet: Command, ctx: CliContext): void {
  withStoreFlag(fleet.command('report'), 'holding the runs')
    .description('the fleet report of an assessment run: readiness per target, inhibitors, recommendations, missing packages')
    .option('--format <format>', `${FORMATS.join(', ')} (default text; json with --json)`)
    .option('--out <file>', 'write the report to a file')
    .option('--run <id>', 'the run to report (default: the newest)')
    .option('--proofs <dir>', 'html: link each host to its migration proof DIR/<host>.html (ferry proof --html) when present')
    .action(async (opts: ReportOpts & { proofs?: string }) => {
      const format = (opts.format ?? (ctx.json ? 'json' : 'text')) as Format;
      if (!FORMATS.includes(format)) throw new FerryError('USAGE', `--format ${JSON.stringify(opts.format)} is not one of ${FORMATS.join(', ')}`);
      const { loadFleetReport } = await import('../../app/fleet-assess.js');
      const report = await withStore(opts, (store) => loadFleetReport({ store, ...(opts.run !== undefined ? { runId: opts.run } : {}) }));
      const text = await renderFleetReport(report, format, opts.proofs);
      if (opts.out === undefined) {
        ctx.stdout(text);
        return;
      }
      writeReport(opts.out, text);
      ctx.stderr(`ferry: wrote the ${format} fleet report of ${report.runId} (${report.hostCount} hosts) to ${opts.out}\n`);
    });
}

export function register(program: Command, ctx: CliContext): void {
  const fleet = program.command('fleet').description('collect, assess and report on many hosts from Ferry\'s store');
  registerCollect(fleet, ctx);
  registerAssess(fleet, ctx);
  registerReport(fleet, ctx);
}
