import type { Overview, ReleaseView } from './api';
import { BarChart } from './chart';
import { Badge, ErrorLine, READINESS_COLOURS, useApi } from './shared';

function Lifecycle({ r }: { r: ReleaseView }) {
  const days = r.lifecycle.daysToEol;
  return <td>{r.lifecycle.phase}{r.lifecycle.eol ? ` · EOL ${r.lifecycle.eol}` : ''}{days !== null ? ` (${days < 0 ? `${-days} days ago` : `in ${days} days`})` : ''}</td>;
}

export function OverviewPage() {
  const { data, error } = useApi<Overview>('/api/overview');
  if (!data) return <><h1>Fleet</h1><ErrorLine error={error} /></>;
  const sources = data.bySource.map((s) => s.source ?? 'unknown');
  const run = data.run;
  const releases = [...data.bySource.flatMap((s) => (s.release ? [{ ...s.release, role: 'source', hosts: s.count }] : [])), ...(run?.targets ?? []).map((t) => ({ ...t, role: 'target', hosts: null }))];
  return (
    <>
      <h1>Fleet <small data-testid="host-count">{data.hostCount.toLocaleString('en')} hosts</small></h1>
      <ErrorLine error={error} />
      <div class="grid">
        <section>
          <h2>Hosts by source release</h2>
          <BarChart label="hosts by source release" labels={sources} series={[{ label: 'hosts', data: data.bySource.map((s) => s.count), colour: '#1570ef' }]} horizontal />
        </section>
        <section>
          <h2>Readiness per target {run && <small>run {run.runId}</small>}</h2>
          {run ? <BarChart label="readiness per target" labels={run.readiness.map((r) => r.target)} stacked
            series={(['ready', 'risks', 'blocked', 'notAssessed'] as const).map((k) => ({ label: k === 'notAssessed' ? 'not assessed' : k, data: run.readiness.map((r) => r[k]), colour: READINESS_COLOURS[k] }))} />
            : <p>No fleet assessment yet: <code>ferry fleet assess --to …</code></p>}
          {run?.recommendation.target && <p data-testid="recommendation">Recommended: <strong>{run.recommendation.target}</strong> — {run.recommendation.rule}</p>}
        </section>
      </div>
      {run && (
        <section>
          <h2>Top inhibitors</h2>
          <table><thead><tr><th>inhibitor</th><th>target</th><th class="num">hosts</th></tr></thead>
            <tbody>{run.inhibitors.length === 0 && <tr><td colSpan={3} class="muted">none: no host is blocked</td></tr>}{run.inhibitors.map((i) => <tr><td><code>{i.key}</code></td><td>{i.target}</td>
              <td class="num"><a href={`#/hosts?target=${encodeURIComponent(i.target)}&readiness=blocked`}>{i.hostCount}</a></td></tr>)}</tbody></table>
        </section>
      )}
      <section>
        <h2>Lifecycle and supply chain</h2>
        <table data-testid="lifecycle"><thead><tr><th>release</th><th>role</th><th>tier</th><th>lifecycle</th><th class="num">hosts</th></tr></thead>
          <tbody>{releases.map((r) => <tr><td>{r.name} <code>{r.release}</code></td><td>{r.role}</td><td>{r.tier ?? '–'}</td><Lifecycle r={r} /><td class="num">{r.hosts ?? ''}</td></tr>)}</tbody></table>
        <p class="hint">Tiers: L1 upstream, L2 commercial, L3 community stable, L4 derivative (Ferry's catalog, with sources).</p>
      </section>
      <section>
        <h2>Rollouts</h2>
        <table><thead><tr><th>rollout</th><th>target</th><th>state</th><th>created</th></tr></thead>
          <tbody>{data.rollouts.map((r) => <tr><td><a href={`#/rollouts/${r.id}`}>{r.name ?? r.id}</a></td><td>{r.target}</td><td><Badge value={r.state} /></td><td>{r.createdAt}</td></tr>)}</tbody></table>
      </section>
    </>
  );
}
