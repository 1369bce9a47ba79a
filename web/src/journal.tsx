import type { JournalEntry } from './api';

/** Step titles by id, from the entries that start an execution (they list its steps). */
function stepTitles(entries: readonly JournalEntry[]): Map<string, string> {
  const titles = new Map<string, string>();
  for (const e of entries) {
    if (e.event !== 'execution' || !Array.isArray(e.steps)) continue;
    for (const s of e.steps as Array<{ id?: unknown; title?: unknown }>) if (typeof s.id === 'string' && typeof s.title === 'string') titles.set(s.id, s.title);
  }
  return titles;
}

/** One line per journal entry: what happened, to which step, how it ended. */
export function describeEntry(e: JournalEntry, titles: ReadonlyMap<string, string> = new Map()): string {
  const f = (k: string): string => (typeof e[k] === 'string' || typeof e[k] === 'number' ? String(e[k]) : '');
  const step = f('stepId');
  const error = typeof e.error === 'object' && e.error !== null ? (e.error as { message?: string }).message ?? '' : f('error');
  return [e.event, f('phase'), (step && (titles.get(step) ?? step)) || f('kind') || f('findingKey') || f('restorableId'), f('status'), f('by') && `by ${f('by')}`, error].filter(Boolean).join(' · ');
}

export function JournalTable({ entries, testid }: { entries: Array<JournalEntry & { host?: string }>; testid?: string }) {
  const titles = stepTitles(entries);
  return (
    <table data-testid={testid}><thead><tr><th class="num">seq</th><th>at</th>{entries.some((e) => e.host) && <th>host</th>}<th>entry</th></tr></thead>
      <tbody>{entries.map((e) => <tr class={e.event === 'step' && e.phase === 'failed' ? 'bad' : ''}><td class="num">{e.seq}</td><td>{e.at}</td>{e.host !== undefined && <td>{e.host}</td>}<td>{describeEntry(e, titles)}</td></tr>)}</tbody>
    </table>
  );
}
