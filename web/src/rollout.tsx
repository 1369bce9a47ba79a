/**
 * One rollout, live: a `snapshot` over SSE, then `rollout`, `host` and `journal` events as workers move
 * it on. EventSource reconnects by itself after a dropped connection, sending the last event id, and the
 * server sends what changed since. Operator actions are buttons for operators and admins only.
 */
import { useEffect, useState } from 'preact/hooks';
import { post, type JournalEntry, type Me, type RolloutHost, type RolloutStatus } from './api';
import { JournalTable } from './journal';
import { Badge, ErrorLine, hostHref } from './shared';

const ACTIONS: Record<string, string[]> = {
  created: ['start', 'abort'], running: ['pause', 'abort'], 'awaiting-approval': ['approve', 'pause', 'abort'], paused: ['resume', 'abort'], halted: ['resume', 'abort'],
};

export function RolloutPage({ id, me }: { id: string; me: Me }) {
  const [status, setStatus] = useState<RolloutStatus | null>(null);
  const [journal, setJournal] = useState<Array<JournalEntry & { host: string }>>([]);
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const source = new EventSource(`/api/rollouts/${encodeURIComponent(id)}/events`);
    const data = <T,>(e: Event): T => JSON.parse((e as MessageEvent<string>).data) as T;
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.addEventListener('snapshot', (e) => { setStatus(data<RolloutStatus>(e)); setJournal([]); });
    source.addEventListener('rollout', (e) => {
      const r = data<Pick<RolloutStatus, 'rollout' | 'counts' | 'waves' | 'next'>>(e);
      setStatus((s) => (s ? { ...s, ...r } : s));
    });
    source.addEventListener('host', (e) => {
      const h = data<RolloutHost>(e);
      setStatus((s) => (s ? { ...s, hosts: s.hosts.map((x) => (x.hostName === h.hostName ? h : x)) } : s));
    });
    source.addEventListener('journal', (e) => {
      const { host, entry } = data<{ host: string; entry: JournalEntry }>(e);
      setJournal((j) => [...j, { ...entry, host }].slice(-300));
    });
    return () => source.close();
  }, [id]);
  if (!status) return <><h1>Rollout {id}</h1><ErrorLine error={error} /></>;
  const r = status.rollout;
  const operator = me.role !== 'viewer';
  const act = (path: string): void => {
    setError(null);
    post<RolloutStatus>(`/api/rollouts/${encodeURIComponent(id)}/${path}`).then((s) => setStatus((cur) => ({ ...s, hosts: cur?.hosts ?? s.hosts })), (e: Error) => setError(e.message));
  };
  return (
    <>
      <h1>Rollout {r.name ?? r.id} <Badge value={r.state} /> <small data-testid="rollout-state">{r.state}</small></h1>
      <p>{r.target} · hosts <code>{r.selector}</code> · created by {r.createdBy} · {status.settings}</p>
      <p data-testid="next">{status.next} <span class={connected ? 'live' : 'muted'}>{connected ? '● live' : '○ reconnecting'}</span></p>
      {operator && <div class="actions" data-testid="rollout-actions">{(ACTIONS[r.state] ?? []).map((a) => <button onClick={() => act(a)} data-action={a}>{a}</button>)}</div>}
      <ErrorLine error={error} />
      <h2>Waves</h2>
      <table><thead><tr><th class="num">wave</th><th class="num">hosts</th><th>states</th></tr></thead>
        <tbody>{status.waves.map((w) => <tr class={w.wave === r.currentWave ? 'current' : ''}><td class="num">{w.wave === 0 ? 'canary' : w.wave}</td><td class="num">{w.hosts}</td><td>{Object.entries(w.counts).map(([k, n]) => <span><Badge value={k} /> {n} </span>)}</td></tr>)}</tbody></table>
      <h2>Hosts</h2>
      <table data-testid="rollout-hosts"><thead><tr><th>host</th><th class="num">wave</th><th>state</th><th>failed step / error</th>{operator && <th />}</tr></thead>
        <tbody>{status.hosts.map((h) => (
          <tr data-host={h.hostName} data-state={h.state}>
            <td><a href={hostHref(h.hostName)}>{h.hostName}</a></td><td class="num">{h.wave}</td><td><Badge value={h.state} /></td>
            <td>{h.failedStep && <code>{h.failedStep}</code>} {h.lastError}{h.logTail && <pre>{h.logTail}</pre>}</td>
            {operator && <td>{h.state === 'failed' && <><button onClick={() => act(`hosts/${encodeURIComponent(h.hostName)}/retry`)} data-action="retry">retry</button> <button onClick={() => act(`hosts/${encodeURIComponent(h.hostName)}/skip`)} data-action="skip">skip</button></>}</td>}
          </tr>
        ))}</tbody></table>
      <h2>Live journal</h2>
      {journal.length ? <JournalTable entries={journal} testid="rollout-journal" /> : <p class="muted">No journal entries yet.</p>}
    </>
  );
}
