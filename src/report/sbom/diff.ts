/**
 * Before/after SBOM diff. Components pair by name, arch and source package name — not by purl, whose
 * namespace changes with the vendor on every package of a migration. A package whose version, release
 * or epoch changed is `changed`; one whose supplier changed is in `supplierChanged` too (a rebuild by the
 * successor usually is both). Pure.
 */
import { formatEvr } from '../../rpm/evr.js';
import type { SbomComponent, SbomModel } from './model.js';

export interface SbomChange {
  name: string;
  arch: string;
  before: { evr: string; supplier?: string; purl: string };
  after: { evr: string; supplier?: string; purl: string };
}

export interface SbomDiff {
  added: Array<{ name: string; arch: string; evr: string; purl: string }>;
  removed: Array<{ name: string; arch: string; evr: string; purl: string }>;
  /** Same package, another EVR. */
  changed: SbomChange[];
  /** Same package, another supplier (Vendor tag), whether or not its EVR changed. */
  supplierChanged: SbomChange[];
  unchanged: number;
}

const pairKey = (c: SbomComponent): string => `${c.name}\0${c.arch}\0${c.sourceName ?? ''}`;
const evrOf = (c: SbomComponent): string => formatEvr(c);

export function diffSboms(before: SbomModel, after: SbomModel): SbomDiff {
  const group = (m: SbomModel): Map<string, SbomComponent[]> => {
    const g = new Map<string, SbomComponent[]>();
    for (const c of m.components) {
      const k = pairKey(c);
      const list = g.get(k);
      if (list) list.push(c);
      else g.set(k, [c]);
    }
    return g;
  };
  const a = group(before);
  const b = group(after);
  const out: SbomDiff = { added: [], removed: [], changed: [], supplierChanged: [], unchanged: 0 };
  const brief = (c: SbomComponent): SbomDiff['added'][number] => ({ name: c.name, arch: c.arch, evr: evrOf(c), purl: c.purl });
  const side = (c: SbomComponent): SbomChange['before'] => ({ evr: evrOf(c), ...(c.supplier ? { supplier: c.supplier } : {}), purl: c.purl });
  for (const [k, olds] of a) {
    const news = b.get(k) ?? [];
    // Installonly packages (kernels) may be there several times: equal EVRs pair first, the rest in order.
    const left = olds.filter((o) => !news.some((n) => evrOf(n) === evrOf(o)));
    const right = news.filter((n) => !olds.some((o) => evrOf(o) === evrOf(n)));
    for (const o of olds) {
      const same = news.find((n) => evrOf(n) === evrOf(o));
      if (!same) continue;
      if ((o.supplier ?? '') !== (same.supplier ?? '')) out.supplierChanged.push({ name: o.name, arch: o.arch, before: side(o), after: side(same) });
      else out.unchanged++;
    }
    const pairs = Math.min(left.length, right.length);
    for (let i = 0; i < pairs; i++) {
      const change = { name: left[i].name, arch: left[i].arch, before: side(left[i]), after: side(right[i]) };
      out.changed.push(change);
      if ((left[i].supplier ?? '') !== (right[i].supplier ?? '')) out.supplierChanged.push(change);
    }
    out.removed.push(...left.slice(pairs).map(brief));
    out.added.push(...right.slice(pairs).map(brief));
  }
  for (const [k, news] of b) if (!a.has(k)) out.added.push(...news.map(brief));
  const byName = (x: { name: string; arch: string }, y: { name: string; arch: string }): number => (x.name < y.name ? -1 : x.name > y.name ? 1 : x.arch < y.arch ? -1 : x.arch > y.arch ? 1 : 0);
  out.added.sort(byName); out.removed.sort(byName); out.changed.sort(byName); out.supplierChanged.sort(byName);
  return out;
}
