/**
 * The fleet progress renderer on stderr. On a terminal: one bar redrawn in place (counts ok/failed/remaining,
 * rate and ETA), throttled to 10 redraws a second and always drawn at the end. Elsewhere (a log, CI): one
 * plain line per host finished, so nothing is lost and no escape sequence reaches a file.
 */
import type { CollectProgressEvent } from '../app/fleet-collect.js';
import { escapeTerminal } from '../report/escape.js';

export interface ProgressRendererOptions {
  write: (text: string) => void;
  /** Redraw in place (stderr is a terminal). */
  tty: boolean;
  /** Bar width in characters (default 24). */
  width?: number;
  now?: () => number;
}

/** `1h02m`, `3m05s`, `12s`: an ETA for people. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** The bar line for an event `elapsedMs` after the start. */
export function progressLine(e: CollectProgressEvent, elapsedMs: number, width = 24): string {
  const fraction = e.total ? e.done / e.total : 1;
  const filled = Math.round(fraction * width);
  const rate = elapsedMs > 0 ? e.done / (elapsedMs / 1000) : 0;
  const remaining = e.total - e.done;
  const eta = e.done > 0 && remaining > 0 ? ` · ETA ${formatEta(remaining / rate)}` : '';
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${e.done}/${e.total} · ok ${e.done - e.failed} · failed ${e.failed} · remaining ${remaining}`
    + ` · ${rate.toFixed(1)} hosts/s${eta}`;
}

export function createProgressRenderer(o: ProgressRendererOptions): (e: CollectProgressEvent) => void {
  const now = o.now ?? Date.now;
  let started = now();
  let lastDraw = -Infinity;
  return (e) => {
    if (e.phase === 'start') { started = now(); lastDraw = -Infinity; }
    const elapsed = now() - started;
    if (!o.tty) {
      if (e.phase === 'host') o.write(`[${e.done}/${e.total}] ${escapeTerminal(e.host ?? '')}: ${escapeTerminal(e.message ?? '')}\n`);
      else if (e.phase === 'end') o.write(`${progressLine(e, elapsed, o.width)}\n`);
      return;
    }
    if (e.phase === 'host' && now() - lastDraw < 100) return;
    lastDraw = now();
    o.write(`\r${progressLine(e, elapsed, o.width)}\x1b[K${e.phase === 'end' ? '\n' : ''}`);
  };
}
