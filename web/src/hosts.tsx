/**
 * The host list: filtered, searched and sorted by the API (the store does it), fetched a page at a time as
 * rows scroll into view, and only the visible rows rendered (fixed row height), so 10,000 hosts stay fast.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { get, type HostPage, type HostSummary, type Overview } from './api';
import { Badge, ErrorLine, hostHref, RemovedBadge, useApi } from './shared';

const ROW = 32;
const PAGE = 200;
const HEIGHT = 640;

function queryOf(hash: string): URLSearchParams {
  return new URLSearchParams(hash.split('?')[1] ?? '');
}

export function HostsPage() {
  const initial = queryOf(location.hash);
  const [search, setSearch] = useState(initial.get('q') ?? '');
  const [source, setSource] = useState(initial.get('source') ?? '');
  const [target, setTarget] = useState(initial.get('target') ?? '');
  const [readiness, setReadiness] = useState(initial.get('readiness') ?? '');
  const [sort, setSort] = useState<'name' | 'address' | 'source'>('name');
  const [desc, setDesc] = useState(false);
  const [total, setTotal] = useState<number | null>(null);
  const [pages, setPages] = useState<Map<number, HostSummary[]>>(new Map());
  const [scrollTop, setScrollTop] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const loading = useRef(new Set<number>());
  const overview = useApi<Overview>('/api/overview').data;
  const targets = overview?.run?.targets.map((t) => t.release) ?? [];

  const filter = useMemo(() => {
    const q = new URLSearchParams({ sort, order: desc ? 'desc' : 'asc', limit: String(PAGE) });
    if (search) q.set('q', search);
    if (source) q.set('source', source);
    if (target && readiness) { q.set('target', target); q.set('readiness', readiness); }
    return q.toString();
  }, [search, source, target, readiness, sort, desc]);

  // A new filter starts a new list.
  useEffect(() => { setPages(new Map()); loading.current = new Set(); setTotal(null); }, [filter]);

  const first = Math.max(0, Math.floor(scrollTop / ROW) - 10);
  const count = Math.ceil(HEIGHT / ROW) + 20;
  useEffect(() => {
    const want = new Set<number>();
    for (let i = first; i < first + count; i += PAGE) want.add(Math.floor(i / PAGE));
    want.add(Math.floor((first + count) / PAGE));
    for (const p of want) {
      if (pages.has(p) || loading.current.has(p) || (total !== null && p * PAGE >= total && p > 0)) continue;
      loading.current.add(p);
      const f = filter;
      get<HostPage>(`/api/hosts?${f}&offset=${p * PAGE}`).then((r) => {
        if (f !== filter) return;
        setTotal(r.total);
        setPages((m) => new Map(m).set(p, r.hosts));
      }, (e: Error) => setError(e.message));
    }
  }, [first, count, filter, pages, total]);

  const rows: Array<{ index: number; host: HostSummary | undefined }> = [];
  const last = Math.min(total ?? 0, first + count);
  for (let i = first; i < last; i++) rows.push({ index: i, host: pages.get(Math.floor(i / PAGE))?.[i % PAGE] });
  const header = (key: typeof sort, label: string) => (
    <th><button class="link" onClick={() => { if (sort === key) setDesc(!desc); else { setSort(key); setDesc(false); } }}>{label}{sort === key ? (desc ? ' ▾' : ' ▴') : ''}</button></th>
  );
  return (
    <>
      <h1>Hosts <small data-testid="hosts-total">{total === null ? '…' : `${total.toLocaleString('en')} hosts`}</small></h1>
      <div class="filters">
        <input type="search" placeholder="search name or address" aria-label="search" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
        <select aria-label="source release" value={source} onChange={(e) => setSource((e.target as HTMLSelectElement).value)}>
          <option value="">any source</option>
          {overview?.bySource.map((s) => <option value={s.source ?? 'unknown'}>{s.source ?? 'unknown'} ({s.count})</option>)}
        </select>
        <select aria-label="target" value={target} onChange={(e) => setTarget((e.target as HTMLSelectElement).value)}>
          <option value="">any target</option>{targets.map((t) => <option value={t}>{t}</option>)}
        </select>
        <select aria-label="readiness" value={readiness} onChange={(e) => setReadiness((e.target as HTMLSelectElement).value)}>
          <option value="">any readiness</option>{['ready', 'risks', 'blocked', 'not-assessed'].map((r) => <option value={r}>{r}</option>)}
        </select>
      </div>
      <ErrorLine error={error} />
      <table class="fixed"><thead><tr>{header('name', 'host')}{header('address', 'address')}{header('source', 'source')}<th>groups</th><th>readiness</th></tr></thead></table>
      <div class="viewport" style={{ height: `${HEIGHT}px` }} onScroll={(e) => setScrollTop((e.target as HTMLElement).scrollTop)} data-testid="host-list">
        <div style={{ height: `${(total ?? 0) * ROW}px`, position: 'relative' }}>
          {rows.map(({ index, host }) => (
            <div class={host?.removedAt ? 'row removed' : 'row'} style={{ top: `${index * ROW}px`, height: `${ROW}px` }} key={index} data-testid="host-row">
              {host ? <>
                <span><a href={hostHref(host.name)}>{host.name}</a><RemovedBadge at={host.removedAt} /></span><span>{host.address ?? ''}</span><span>{host.source ?? 'unknown'}</span>
                <span>{host.groups.join(', ')}</span><span>{Object.entries(host.readiness).map(([t, r]) => <span title={t}><Badge value={r} /> </span>)}</span>
              </> : <span class="muted">…</span>}
            </div>
          ))}
        </div>
      </div>
    </>
  );
}
