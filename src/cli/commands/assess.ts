/**
 * `ferry assess`: which successor suits this host, and what happens to it there. Facts from a live host
 * (local or SSH), an installed root, an rpm database or a package list; targets ranked; the report as text,
 * JSON (schema src/report/schema/assessment.schema.json), Markdown or self-contained HTML. Exits 0 once
 * assessed, inhibitors or not: inhibitors are results, shown first.
 */
import type { Command } from 'commander';
import { FerryError } from '../../core/index.js';
import { assessHost, PACKAGE_LIST_FORMATS, type Assessment } from '../../app/assess.js';
import { openFerryStore, recordAssessment, storeHostName } from '../../app/store.js';
import { parseRepoFlags } from '../../app/repos.js';
import { renderAssessmentHtml } from '../../report/assessment-html.js';
import { renderAssessmentMarkdown } from '../../report/assessment-markdown.js';
import { renderAssessmentSummary, renderAssessmentText } from '../../report/assessment-text.js';
import { renderProgress } from '../../report/progress-text.js';
import { HOST_ARGUMENT_HELP, hostOptions, withHostFlags, type HostFlags } from '../host-flags.js';
import { collect, emit, writeReport, type CliContext } from '../output.js';

const FORMATS = ['text', 'json', 'md', 'html'] as const;
type Format = (typeof FORMATS)[number];

interface AssessOpts extends HostFlags {
  rpmdb?: string;
  manifest?: string;
  to: string;
  repo: string[];
  format?: string;
  out?: string;
  today?: string;
  pes: string[];
  store?: string;
  progress: boolean;
}


export function renderAssessment(a: Assessment, format: Format): string {
  switch (format) {
    case 'json': return JSON.stringify(a, null, 2) + '\n';
    case 'md': return renderAssessmentMarkdown(a);
    case 'html': return renderAssessmentHtml(a);
    case 'text': return renderAssessmentText(a);
  }
}

export function register(program: Command, ctx: CliContext): void {
  withHostFlags(program.command('assess')
    .description('assess a host against candidate targets: findings, inhibitors, package fates and a ranking')
    .argument('[host...]', HOST_ARGUMENT_HELP))
    .requiredOption('--to <targets>', 'comma-separated target releases, e.g. rocky-8,almalinux-8')
    .option('--rpmdb <file>', 'read an rpm database (Packages, rpmdb.sqlite or its directory) instead of a host')
    .option('--manifest <file>', `read a package list instead of a host: ${Object.values(PACKAGE_LIST_FORMATS).join('; ')}`)
    .option('--repo <target=location>', 'target repository (directory or URL with repodata/), also of a route\'s intermediate release (each hop is assessed on its own); repeatable', collect, [])
    .option('--format <format>', `report format: ${FORMATS.join(', ')} (default text; json with --json)`)
    .option('--out <file>', 'write the report to a file; stdout gets the ranking only (with --json: the assessment as JSON)')
    .option('--today <date>', 'evaluate lifecycles on this date (YYYY-MM-DD)')
    .option('--pes <[target=]file>', 'Leapp package-evolution events (pes-events.json) for cross-major targets and the hops of their routes; TARGET=FILE gives a target or hop its vendor\'s own file; repeatable', collect, [])
    .option('--store <path>', 'also record the host and one assessment per target in Ferry\'s store (a SQLite file, or a postgres:// URL)')
    .option('--no-progress', 'do not print progress on stderr')
    // Unknown dash-words reach the host check (so `-oProxyCommand=…` is HOST_INVALID, never an ssh option).
    .allowUnknownOption()
    .action(async (hosts: string[], opts: AssessOpts) => {
      if (hosts.length > 1) {
        throw new FerryError('USAGE', `assess takes one host, got ${hosts.length}: ${hosts.map((h) => JSON.stringify(h)).join(' ')}`,
          { hint: 'Options must be spelt as in ferry assess --help; to assess several hosts, run ferry assess once per host.' });
      }
      const format = (opts.format ?? (ctx.json ? 'json' : 'text')) as Format;
      if (!FORMATS.includes(format)) throw new FerryError('USAGE', `--format ${JSON.stringify(opts.format)} is not one of ${FORMATS.join(', ')}`);
      const host = hosts[0];
      const offline = [opts.rpmdb, opts.manifest].filter((x) => x !== undefined).length;
      if (offline > 1 || (offline === 1 && (host !== undefined || opts.root !== undefined))) {
        throw new FerryError('USAGE', 'Give exactly one of a host, --root, --rpmdb or --manifest');
      }
      const started = Date.now();
      const assessment = await assessHost({
        ...(host !== undefined || opts.root !== undefined ? { host: hostOptions(host ?? 'local', opts) } : {}),
        ...(opts.rpmdb !== undefined ? { rpmdb: opts.rpmdb } : {}),
        ...(opts.manifest !== undefined ? { manifest: opts.manifest } : {}),
        targets: opts.to.split(','),
        repos: parseRepoFlags(opts.repo),
        ...(opts.today !== undefined ? { today: opts.today } : {}),
        ...(opts.pes.length > 0 ? { pes: opts.pes } : {}),
        onProgress: (p) => { if (opts.progress) ctx.stderr(`ferry: ${renderProgress(p)} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`); },
      });
      if (opts.store !== undefined) {
        const store = await openFerryStore(opts.store);
        const name = host !== undefined || opts.root !== undefined ? storeHostName({ host: host ?? 'local', ...(opts.root !== undefined ? { root: opts.root } : {}) }) : assessment.host.origin;
        try { await recordAssessment(store, name, assessment); } finally { await store.close(); }
      }
      if (opts.out !== undefined) {
        writeReport(opts.out, renderAssessment(assessment, format));
        if (opts.progress) ctx.stderr(`ferry: wrote the ${format} report to ${opts.out}\n`);
        // Text: the short summary --help promises; --json: the assessment document itself, for programs.
        emit(ctx, assessment, (a) => `${renderAssessmentSummary(a)}\n\nFull report: ${opts.out}`);
        return;
      }
      if (format === 'text') emit(ctx, assessment, renderAssessmentText);
      else ctx.stdout(renderAssessment(assessment, format));
    });
}
