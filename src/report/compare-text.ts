/** `ferry compare` as text: the summary, then each kind of drift per package. */
import type { RepoDrift } from '../rpm/compare.js';
import { escapeTerminal as t } from './escape.js';

export function renderRepoDrift(d: RepoDrift & { locations?: { a: string[]; b: string[] } }, o: { limit?: number } = {}): string {
  const limit = o.limit ?? 50;
  const s = d.summary;
  const out = [
    ...(d.locations ? [`A: ${t(d.locations.a.join(', '))}`, `B: ${t(d.locations.b.join(', '))}`] : []),
    `packages (name.arch): A ${d.a.packages}, B ${d.b.packages}, both ${s.both}, only in A ${d.onlyA.length}, only in B ${d.onlyB.length}`,
    `versions of the packages in both: ${s.sameEvr} same, ${s.newerA} newer in A, ${s.newerB} newer in B`,
    `provides drift: ${s.providesDrift} packages; sonames only in A: ${s.sonamesOnlyA}, only in B: ${s.sonamesOnlyB}`,
  ];
  const section = (title: string, items: string[]): void => {
    if (!items.length) return;
    out.push(`${title} (${items.length}):`, ...items.slice(0, limit).map((x) => `  ${t(x)}`));
    if (items.length > limit) out.push(`  … ${items.length - limit} more (--json for all)`);
  };
  section('only in A', d.onlyA);
  section('only in B', d.onlyB);
  section('version drift', d.versions.map((v) => `${v.package}: ${v.a} | ${v.b} (${v.kind}, newer in ${v.newer.toUpperCase()})`));
  section('provides drift', d.provides.map((p) => `${p.package}: ${[...p.onlyA.map((x) => `-${x}`), ...p.onlyB.map((x) => `+${x}`)].join(' ')}`));
  section('sonames only in A', d.sonames.onlyA.map((x) => `${x.soname} (${x.providers.join(', ')})`));
  section('sonames only in B', d.sonames.onlyB.map((x) => `${x.soname} (${x.providers.join(', ')})`));
  return out.join('\n') + '\n';
}
