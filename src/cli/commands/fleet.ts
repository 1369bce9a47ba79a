/**
 * `ferry fleet …`: commands over the hosts in the store. `fleet assess` assesses every selected host against
 * several targets from its stored facts; `fleet report` renders a run (text, JSON with schema
 * src/report/schema/fleet-report.schema.json, HTML, CSV). Each subcommand is one `register…` function below,
 * added to the `fleet` group in `register`.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { FerryError } from '../../core/index.js';
import { assessFleet, loadFleetReport, selectFleetHosts } from '../../app/fleet-assess.js';
import { parseRepoFlags } from '../../app/repos.js';
import { renderFleetCsv, renderFleetHtml, renderFleetText, type FleetReport } from '../../report/fleet/index.js';
import { collect, emit, type CliContext } from '../output.js';
import { withStore, withStoreFlag, type StoreFlags } from '../store-flags.js';

const FORMATS = ['text', 'json', 'html', 'csv'] as const;
type Format = (typeof FORMATS)[number];

function renderFleetReport(r: FleetReport, format: Format): string {
  switch (format) {
    case 'json': return JSON.stringify(r, null, 2) + '\n';
    case 'html': return renderFleetHtml(r);
    case 'csv': return renderFleetCsv(r);
    case 'text': return renderFleetText(r);
  }
}

interface AssessOpts extends StoreFlags { to: string; repo: string[]; today?: string; pes?: string; progress: boolean }

function registerAssess(fleet: Command, ctx: CliContext): void {
  withStoreFlag(fleet.command('assess'), 'holding the hosts\' facts; the run is recorded there')
    .description('assess the selected hosts (default: all) against several targets from their stored facts')
    .argument('[hosts...]', 'host names as stored (default: every host in the store)')
    .requiredOption('--to <targets>', 'comma-separated target releases, e.g. rocky-8,almalinux-8,oraclelinux-8')
    .option('--repo <target=location>', 'target repository (directory or URL with repodata/); repeatable', collect, [])
    .option('--today <date>', 'evaluate lifecycles on this date (YYYY-MM-DD)')
    .option('--pes <file>', 'Leapp package-evolution events (pes-events.json) for cross-major targets')
    .option('--no-progress', 'do not print progress on stderr')
    .action((hosts: string[], opts: AssessOpts) => withStore(opts, async (store) => {
      const started = Date.now();
      const hostNames = await selectFleetHosts(store, hosts);
      const summary = await assessFleet({
        store, targets: opts.to.split(','), repos: parseRepoFlags(opts.repo),
        ...(hostNames ? { hostNames } : {}),
        ...(opts.today !== undefined ? { today: opts.today } : {}),
        ...(opts.pes !== undefined ? { pes: opts.pes } : {}),
        onProgress: (p) => { if (opts.progress) ctx.stderr(`ferry: [${p.phase}] ${p.message} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`); },
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
    .action(async (opts: ReportOpts) => {
      const format = (opts.format ?? (ctx.json ? 'json' : 'text')) as Format;
      if (!FORMATS.includes(format)) throw new FerryError('USAGE', `--format ${JSON.stringify(opts.format)} is not one of ${FORMATS.join(', ')}`);
      const report = await withStore(opts, (store) => loadFleetReport({ store, ...(opts.run !== undefined ? { runId: opts.run } : {}) }));
      const text = renderFleetReport(report, format);
      if (opts.out === undefined) {
        ctx.stdout(text);
        return;
      }
      try {
        writeFileSync(opts.out, text);
      } catch (cause) {
        throw new FerryError('IO', `Cannot write the report to ${opts.out}: ${(cause as Error).message}`, { cause });
      }
      ctx.stderr(`ferry: wrote the ${format} fleet report of ${report.runId} (${report.hostCount} hosts) to ${opts.out}\n`);
    });
}

export function register(program: Command, ctx: CliContext): void {
  const fleet = program.command('fleet').description('assess and report on many hosts from the store');
  registerAssess(fleet, ctx);
  registerReport(fleet, ctx);
}
