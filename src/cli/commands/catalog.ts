/** `ferry catalog …`: views over src/catalog (list, show, lifecycle, paths, lineage). */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { FerryError } from '../../core/index.js';
import { isCrossMajor, leappDataText, loadCatalog, type Fact, type ReleaseView } from '../../catalog/index.js';
import { renderTimelineHtml, renderTimelineSvg, renderTimelineText, type TimelineRow } from '../../catalog/chart.js';
import { emit, type CliContext } from '../output.js';

const valueText = (v: unknown): string => (Array.isArray(v) ? v.join(', ') : String(v));
/** A fact with its source; where sources disagree, every other value with its source and the rule that chose. */
const show = <T>(f: Fact<T>): string => {
  if (f.value === null) return `— (${f.note ?? 'unknown'})`;
  const others = (f.alternatives ?? []).map((a) => `\n                    also ${valueText(a.value)}  [${a.source}]${a.note ? `  ${a.note}` : ''}`).join('');
  return `${valueText(f.value)}  [${f.source}]${others ? `${f.note ? `  ${f.note}` : ''}${others}\n                    chosen by: ${f.rule ?? ''}` : ''}`;
};
const todayIso = (): string => new Date().toISOString().slice(0, 10);

export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('catalog').description('Distributions, releases, lifecycles, paths and supply-chain lineage');

  cmd.command('list').description('list every release').action(() => {
    const rows = loadCatalog().releases().map((r) => ({ id: r.id, name: `${r.distributionInfo.name} ${r.version}`, tier: r.distributionInfo.tier.value, ga: r.ga.value, eol: r.eol.value }));
    emit(ctx, rows, (rs) => rs.map((r) => `${r.id.padEnd(20)} ${r.name.padEnd(30)} ${String(r.tier ?? '-').padEnd(3)} ${r.ga ?? '?'.padEnd(10)}  ${r.eol ?? '?'}`).join('\n'));
  });

  cmd.command('show <release>').description('every fact about a release, with its source').action((id: string) => {
    const c = loadCatalog();
    const r: ReleaseView = c.release(id);
    const data = { release: r, repos: c.repos(id)?.repos ?? [], gpgKeys: c.gpgKeys(id), vendorPackages: c.vendorPackages(id), paths: c.paths({ from: id }) };
    emit(ctx, data, (d) => [
      `${d.release.distributionInfo.name} ${d.release.version} (${d.release.id})`,
      `  tier:             ${show(d.release.distributionInfo.tier)}`,
      `  upstream:         ${show(d.release.distributionInfo.upstream)}`,
      `  support model:    ${show(d.release.distributionInfo.supportModel)}`,
      `  vulnerabilities:  ${show(d.release.distributionInfo.vulnerabilityDisclosure)}`,
      `  GA:               ${show(d.release.ga)}`,
      `  end full support: ${show(d.release.eolFull)}`,
      `  end of life:      ${show(d.release.eol)}`,
      `  extended until:   ${show(d.release.eolExtended)}`,
      `  kernel:           ${show(d.release.kernel)}`,
      `  compatible with:  ${show(d.release.compatibleWith)}`,
      `  module platform:  ${show(d.release.modulePlatformId)}`,
      `  arches:           ${show(d.release.arches)}`,
      ...(d.release.minors ? [`  minor versions:   ${show(d.release.minors)}`] : []),
      `  repos:            ${d.repos.map((x) => x.id + (x.enabled ? '' : '(off)')).join(' ') || '—'}`,
      `  GPG keys:         ${[...d.gpgKeys.files.map((f) => `${f.file} ${f.keys.map((k) => k.fingerprint).join('/')}`),
        ...d.gpgKeys.unresolved.map((f) => `${f} (no fingerprint in the sources: not verifiable)`)].join('; ') || '—'}`,
      `  vendor packages:  ${d.vendorPackages.map((p) => `${p.name}(${p.role})`).join(' ') || '—'}`,
      `  migrates to:      ${d.paths.map((p) => `${p.to} [${p.method}]`).join(', ') || '—'}`,
      ...c.paths({ to: id }).filter((p) => p.blockers?.length).map((p) => `  blocks ${p.from} → ${id}: ${(p.blockers ?? []).map((b) => `${b.check} (${b.note}) [${b.source}]`).join('; ')}`),
    ].join('\n'));
  });

  cmd.command('lifecycle').description('lifecycle timeline of every release')
    .option('--today <date>', 'the date to evaluate on (YYYY-MM-DD)')
    .option('--svg <file>', 'also write an SVG chart')
    .option('--html <file>', 'also write an HTML page with the chart')
    .action((opts: { today?: string; svg?: string; html?: string }) => {
      const c = loadCatalog();
      const today = opts.today ?? todayIso();
      const rows: TimelineRow[] = c.releases().map((r) => ({ ...c.lifecycle(r.id, today), name: `${r.distributionInfo.name} ${r.version}` }));
      try {
        if (opts.svg) writeFileSync(opts.svg, renderTimelineSvg(rows));
        if (opts.html) writeFileSync(opts.html, renderTimelineHtml(rows));
      } catch (cause) {
        throw new FerryError('IO', `cannot write chart: ${(cause as Error).message}`, { cause });
      }
      emit(ctx, rows, (rs) => renderTimelineText(rs));
    });

  cmd.command('paths').description('supported migration paths').option('--from <release>', 'source release').option('--to <release>', 'target release')
    .action((opts: { from?: string; to?: string }) => {
      const c = loadCatalog();
      // A cross-major path says what --pes it takes: the vendor's events the catalog knows of, or an operator's file with its repomap beside it.
      const paths = c.paths(opts).map((p) => {
        if (!isCrossMajor(p)) return p;
        const d = c.leappData(p.from, p.to);
        return { ...p, leapp: { pes: d.pes?.id ?? null, repoMap: d.repoMap?.source ?? null, operatorPes: d.pes === null, operatorRepoMap: d.repoMap === null } };
      });
      emit(ctx, paths, (ps) => ps.map((p) => `${p.from} → ${p.to}  ${p.method}  [${p.source}]${p.note ? `  ${p.note}` : ''}${p.resources ? `  needs ${JSON.stringify(Object.fromEntries(Object.entries(p.resources).map(([k, v]) => [k, (v as Fact<unknown>).value])))}` : ''}`
        + ('leapp' in p ? `\n    needs --pes ${p.to}=FILE: ${leappDataText(c, p.from, p.to)}` : '')).join('\n') || 'no paths');
    });

  cmd.command('lineage').description('the L1–L4 supply chain').action(() => {
    const lineage = loadCatalog().lineage();
    emit(ctx, lineage, (ls) => ls.map((l) => `${l.tier.id} ${l.tier.name}: ${l.tier.definition}\n${l.distributions.map((d) => `    ${d.name}${d.upstream.length ? ` ← ${d.upstream.join(', ')}` : ''}${d.source ? `  [${d.source}]` : `  (${d.note ?? 'unsourced'})`}`).join('\n') || '    —'}`).join('\n'));
  });
}
