import { useEffect, useState } from 'preact/hooks';
import type { HostView, JournalEntry } from './api';
import { JournalTable } from './journal';
import { Badge, ErrorLine, RemovedBadge, useApi } from './shared';

function FactsSummary({ facts }: { facts: Record<string, unknown> }) {
  // Scalars as they are, small objects as key=value, lists and larger objects by their size.
  const show = (v: unknown): string => {
    if (Array.isArray(v)) return `${v.length} entries`;
    if (v === null || typeof v !== 'object') return String(v);
    const scalars = Object.entries(v).filter(([, x]) => x === null || typeof x !== 'object');
    return scalars.length > 0 && scalars.length <= 10 ? scalars.map(([k, x]) => `${k}=${String(x)}`).join(' · ') : `${Object.keys(v).length} fields`;
  };
  const rows = Object.entries(facts).map(([k, v]) => [k, show(v)]);
  return <table class="facts"><tbody>{rows.map(([k, v]) => <tr><th>{k}</th><td>{v}</td></tr>)}</tbody></table>;
}

export function HostPage({ name }: { name: string }) {
  const { data, error } = useApi<HostView>(`/api/hosts/${encodeURIComponent(name)}`);
  const [live, setLive] = useState<JournalEntry[]>([]);
  // The journal as it grows (the host's current execution), over SSE; the browser reconnects with Last-Event-ID.
  useEffect(() => {
    const source = new EventSource(`/api/hosts/${encodeURIComponent(name)}/events`);
    source.addEventListener('snapshot', () => setLive([]));
    source.addEventListener('journal', (e) => {
      const { entry } = JSON.parse((e as MessageEvent<string>).data) as { entry: JournalEntry };
      setLive((l) => (l.some((x) => x.seq === entry.seq) ? l : [...l, entry]));
    });
    return () => source.close();
  }, [name]);
  if (!data) return <><h1>{name}</h1><ErrorLine error={error} /></>;
  const journal = live.length ? live : data.execution?.journal ?? [];
  const verified = journal.some((e) => e.event === 'execution' && e.phase === 'end' && e.status === 'completed');
  return (
    <>
      <h1 data-testid="host-name"><span class={data.host.removedAt ? 'removed-name' : ''}>{data.host.name}</span><RemovedBadge at={data.host.removedAt} /> <small>{data.host.address}</small></h1>
      {data.host.removedAt && <p class="hint" data-testid="host-removed-note">Removed from its inventory {data.host.removedAt}: no selector picks it, the overview does not count it; ferry inventory import --prune deletes it.</p>}
      <p>{data.host.labels.source ?? 'source not collected'} · groups {data.host.groups.join(', ') || '–'} · host key {data.host.hostKeyFingerprint ?? '–'}</p>
      <section>
        <h2>Assessment</h2>
        {data.assessments.length ? (
          <>
            <table data-testid="assessments"><thead><tr><th>target</th><th>readiness</th><th class="num">score</th><th>inhibitors</th><th class="num">missing packages</th></tr></thead>
              <tbody>{data.assessments.map((a) => <tr><td>{a.target}</td><td><Badge value={a.readiness} /></td><td class="num">{a.score ?? '–'}</td><td>{a.blockers.map((b) => <code>{b} </code>)}</td><td class="num">{a.missing}</td></tr>)}</tbody></table>
            <p><a href={`/api/hosts/${encodeURIComponent(name)}/report`} target="_blank" rel="noopener" data-testid="report-link">Full assessment report with package fates</a></p>
          </>
        ) : <p>Not assessed in the newest fleet run.</p>}
      </section>
      <section>
        <h2>Migration {data.execution && <Badge value={data.execution.state} />}</h2>
        {data.execution ? <>
          <p>Execution <code>{data.execution.id}</code> · verification: {verified ? 'completed and verified' : 'not (yet) verified'}</p>
          <JournalTable entries={journal} testid="journal" />
        </> : <p>No migration recorded.</p>}
      </section>
      <section>
        <h2>Facts {data.facts && <small>collected {data.facts.collectedAt}</small>}</h2>
        {data.collection && <p>Last collection: <Badge value={data.collection.outcome === 'ok' ? 'succeeded' : 'failed'} /> {data.collection.outcome}{data.collection.message ? ` — ${data.collection.message}` : ''}</p>}
        {data.facts ? <FactsSummary facts={data.facts.facts} /> : <p>No facts collected.</p>}
      </section>
    </>
  );
}
