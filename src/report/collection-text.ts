/**
 * The text rendering of a fleet collection (`ferry fleet collect`): the counts per outcome, then one row
 * per host that did not come back ok (host, class, attempts, message). Host names and messages come from
 * the inventory and the hosts, so they are terminal-escaped; a message is cut to one line.
 */
import { escapeTerminal as t } from './escape.js';

export interface CollectionView {
  hosts: ReadonlyArray<{ host: string; outcome: string; message?: string; attempts: number }>;
  counts: Readonly<Record<string, number>>;
  failed: number;
  wallMs: number;
}

const MESSAGE_WIDTH = 160;

export function renderCollection(r: CollectionView): string {
  const total = r.hosts.length;
  const classes = Object.entries(r.counts).filter(([k, n]) => k !== 'ok' && n > 0).map(([k, n]) => `${k} ${n}`);
  const lines = [`Collected ${total} host${total === 1 ? '' : 's'} in ${(r.wallMs / 1000).toFixed(1)} s: ${r.counts.ok ?? 0} ok, ${r.failed} failed`
    + (classes.length ? ` (${classes.join(', ')})` : '')];
  const failed = r.hosts.filter((h) => h.outcome !== 'ok');
  if (failed.length) {
    const rows = failed.map((h) => {
      const message = t((h.message ?? '').replace(/\s+/g, ' ').trim());
      return [t(h.host), h.outcome, String(h.attempts), message.length > MESSAGE_WIDTH ? `${message.slice(0, MESSAGE_WIDTH - 1)}…` : message];
    });
    const head = ['HOST', 'CLASS', 'ATTEMPTS', 'MESSAGE'];
    const widths = head.slice(0, 3).map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells: string[]): string => [...cells.slice(0, 3).map((c, i) => c.padEnd(widths[i])), cells[3]].join('  ').trimEnd();
    lines.push('', line(head), ...rows.map(line));
  }
  return lines.join('\n');
}
