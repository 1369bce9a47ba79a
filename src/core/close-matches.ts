/** "Did you mean" suggestions: the one rule for every name a user can mistype (a release, a group, a host). */

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** Names close to `id`: same prefix (up to its first '-'), substring, or small edit distance; at most 6, closest first. */
export function closeMatches(id: string, ids: readonly string[]): string[] {
  const q = id.toLowerCase();
  const prefix = q.split('-')[0];
  return ids
    .map((c) => ({ c, d: (prefix !== '' && c.startsWith(prefix)) || c.includes(q) || q.includes(c) ? 0 : distance(q, c) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(q.length / 3)))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, 6)
    .map((x) => x.c);
}
