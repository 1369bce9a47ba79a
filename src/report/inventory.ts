/** Text renderings of inventory import and listing; every inventory-supplied string is terminal-escaped. */
import { escapeTerminal } from './escape.js';

export interface InventoryRow {
  name: string; address: string | null; port?: number; user?: string; groups: readonly string[];
  /** When its inventory stopped listing it (the store's removedAt); absent while listed. */
  removedAt?: string;
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * The host table of `ferry inventory list`: name, address:port, user, groups; and, when some host's inventory no
 * longer lists it, a STATE column saying which (listed, or removed with the date).
 */
export function renderInventoryTable(rows: readonly InventoryRow[]): string {
  if (!rows.length) return 'no hosts';
  const removed = rows.filter((r) => r.removedAt !== undefined).length;
  const state = (r: InventoryRow): string[] => (removed ? [r.removedAt === undefined ? 'listed' : `removed ${r.removedAt.slice(0, 10)}`] : []);
  const cells = rows.map((r) => [r.name, `${r.address ?? r.name}${r.port !== undefined ? `:${r.port}` : ''}`, r.user ?? '-', ...state(r), r.groups.join(',') || '-'].map(escapeTerminal));
  const head = ['NAME', 'ADDRESS', 'USER', ...(removed ? ['STATE'] : []), 'GROUPS'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]))).join('  ');
  return [line(head), ...cells.map(line), `${plural(rows.length, 'host')}${removed ? ` (${removed} removed from their inventory: no selector picks them; ferry inventory import --prune deletes them)` : ''}`].join('\n');
}

export interface ImportSummaryView {
  files: ReadonlyArray<{ file: string; format: string; hosts: number }>; hosts: number; groups: number; notices: readonly string[];
  removed: readonly string[]; pruned: readonly string[];
}

/** Names, the first few of them: `a, b, c and 7 more`. */
function someNames(names: readonly string[], max = 10): string {
  return `${names.slice(0, max).map(escapeTerminal).join(', ')}${names.length > max ? ` and ${names.length - max} more` : ''}`;
}

/** What `ferry inventory import` did: hosts and groups per file, the hosts its sources no longer list, then each notice. */
export function renderImportSummary(s: ImportSummaryView): string {
  return [
    ...s.files.map((f) => `${escapeTerminal(f.file)} (${f.format}): ${plural(f.hosts, 'host')}`),
    `imported ${plural(s.hosts, 'host')} in ${plural(s.groups, 'group')}`,
    ...(s.removed.length ? [`removed: ${plural(s.removed.length, 'host')}: ${someNames(s.removed)}${s.pruned.length ? '' : ' (no longer listed: kept, marked removed; --prune deletes them)'}`] : []),
    ...(s.pruned.length ? [`pruned: ${plural(s.pruned.length, 'host')}: ${someNames(s.pruned)} (deleted with their snapshots, assessments and collections)`] : []),
    ...s.notices.map((n) => `notice: ${escapeTerminal(n)}`),
  ].join('\n');
}
