/** Text renderings of inventory import and listing; every inventory-supplied string is terminal-escaped. */
import { escapeTerminal } from './escape.js';

export interface InventoryRow { name: string; address: string | null; port?: number; user?: string; groups: readonly string[] }

/** The host table of `ferry inventory list`: name, address:port, user, groups. */
export function renderInventoryTable(rows: readonly InventoryRow[]): string {
  if (!rows.length) return 'no hosts';
  const cells = rows.map((r) => [r.name, `${r.address ?? r.name}${r.port !== undefined ? `:${r.port}` : ''}`, r.user ?? '-', r.groups.join(',') || '-'].map(escapeTerminal));
  const head = ['NAME', 'ADDRESS', 'USER', 'GROUPS'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]))).join('  ');
  return [line(head), ...cells.map(line), `${rows.length} host${rows.length === 1 ? '' : 's'}`].join('\n');
}

export interface ImportSummaryView { files: ReadonlyArray<{ file: string; format: string; hosts: number }>; hosts: number; groups: number; notices: readonly string[] }

/** What `ferry inventory import` did: hosts and groups per file, then each notice. */
export function renderImportSummary(s: ImportSummaryView): string {
  return [
    ...s.files.map((f) => `${escapeTerminal(f.file)} (${f.format}): ${f.hosts} host${f.hosts === 1 ? '' : 's'}`),
    `imported ${s.hosts} host${s.hosts === 1 ? '' : 's'} in ${s.groups} group${s.groups === 1 ? '' : 's'}`,
    ...s.notices.map((n) => `notice: ${escapeTerminal(n)}`),
  ].join('\n');
}
