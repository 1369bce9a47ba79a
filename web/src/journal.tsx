import type { JournalEntry } from './api';

/** One line per journal entry: what happened, to which step, how it ended. */
export function describeEntry(e: JournalEntry): string {
  const f = (k: string): string => (typeof e[k] === 'string' || typeof e[k] === 'number' ? String(e[k]) : '');
  const error = typeof e.error === 'object' && e.error !== null ? (e.error as { message?: string }).message ?? '' : f('error');
  return [e.event, f('phase'), f('stepId') || f('kind') || f('findingKey') || f('restorableId'), f('status'), f('by') && `by ${f('by')}`, error].filter(Boolean).join(' · ');
}

export function JournalTable({ entries, testid }: { entries: Array<JournalEntry & { host?: string }>; testid?: string }) {
  return (
    <table data-testid={testid}><thead><tr><th class="num">seq</th><th>at</th>{entries.some((e) => e.host) && <th>host</th>}<th>entry</th></tr></thead>
      <tbody>{entries.map((e) => <tr class={e.event === 'step' && e.phase === 'failed' ? 'bad' : ''}><td class="num">{e.seq}</td><td>{e.at}</td>{e.host !== undefined && <td>{e.host}</td>}<td>{describeEntry(e)}</td></tr>)}</tbody>
    </table>
  );
}
