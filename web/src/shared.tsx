import { useEffect, useState } from 'preact/hooks';
import { get } from './api';

/** GET `path` (again whenever it changes); `reload` refetches. */
export function useApi<T>(path: string | null): { data: T | undefined; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    get<T>(path).then((d) => { if (live) { setData(d); setError(null); } }, (e: Error) => { if (live) setError(e.message); });
    return () => { live = false; };
  }, [path, n]);
  return { data, error, reload: () => setN((x) => x + 1) };
}

export const READINESS_COLOURS: Record<string, string> = { ready: '#067647', risks: '#b54708', blocked: '#b42318', 'not-assessed': '#98a2b3', notAssessed: '#98a2b3' };
export const STATE_COLOURS: Record<string, string> = {
  pending: '#98a2b3', queued: '#6172f3', running: '#1570ef', succeeded: '#067647', failed: '#b42318', skipped: '#b54708', cancelled: '#667085',
};

export function Badge({ value }: { value: string }) {
  return <span class="badge" style={{ background: READINESS_COLOURS[value] ?? STATE_COLOURS[value] ?? '#475467' }}>{value}</span>;
}

/** A host its inventory no longer lists: kept with its history, picked by no selector, counted in no overview figure. */
export function RemovedBadge({ at }: { at: string | null }) {
  return at === null ? null : <span class="badge removed" data-testid="host-removed" title={`removed from its inventory ${at}`}>removed</span>;
}

export function ErrorLine({ error }: { error: string | null }) {
  return error ? <p class="error" role="alert">{error}</p> : null;
}

export const hostHref = (name: string): string => `#/hosts/${encodeURIComponent(name)}`;
