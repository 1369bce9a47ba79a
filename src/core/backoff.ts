/**
 * The pause before retry `attempt + 1` (attempt ≥ 1): `baseMs` doubled per attempt, capped at `maxMs`;
 * with `random`, equal jitter (scaled into [0.5, 1) of the delay, rounded) so many retries spread out.
 * The one backoff rule of fleet collection's retries and the reboot wait's reconnects.
 */
export function backoffDelay(attempt: number, o: { baseMs: number; maxMs?: number; random?: () => number }): number {
  const delay = Math.min(o.maxMs ?? Number.POSITIVE_INFINITY, o.baseMs * 2 ** Math.max(0, attempt - 1));
  return o.random ? Math.round(delay * (0.5 + o.random() / 2)) : delay;
}
