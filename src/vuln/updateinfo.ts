/**
 * A repository's updateinfo.xml (read by src/rpm/repodata/updateinfo.ts) as a Feed: its security advisories
 * (type="security"), each package of their collections a fix at its EVR, a collection's module its
 * stream. An updateinfo describes the distribution whose repository carries it: the caller says which
 * (the host's own release, for the host's enabled repositories). Pure.
 */
import type { Advisory } from '../rpm/repodata/updateinfo.js';
import { isModularRelease } from './osv.js';
import type { Feed, FeedAdvisory, Severity } from './types.js';

const SEVERITY: Readonly<Record<string, Severity>> = { critical: 'critical', important: 'important', moderate: 'moderate', low: 'low' };

/** updateinfo dates ("2021-07-22 18:25:24", seconds since the epoch) as ISO 8601; '' when unreadable. */
function isoDate(d: string | undefined): string {
  if (!d) return '';
  const t = /^\d+$/.test(d) ? Number(d) * 1000 : Date.parse(d.replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(d) ? '' : 'Z'));
  return Number.isNaN(t) ? '' : new Date(t).toISOString();
}

export function updateinfoFeed(advisories: readonly Advisory[], o: { source: string; covers: { distro: string; release: string } }): Feed {
  const out: FeedAdvisory[] = [];
  let date = '';
  for (const a of advisories) {
    if (a.type !== 'security') continue;
    const fixes = a.collections.flatMap((c) => c.packages.map((p) => ({ name: p.name, fixed: { epoch: p.epoch, version: p.version, ...(p.release !== undefined ? { release: p.release } : {}) }, modular: c.module !== undefined || isModularRelease(p.release) })));
    const module = a.collections.find((c) => c.module)?.module;
    const updated = isoDate(a.updated ?? a.issued);
    if (updated > date) date = updated;
    out.push({
      id: a.id, title: a.title, severity: SEVERITY[(a.severity ?? '').toLowerCase()] ?? 'unknown', cves: a.cves,
      ...(module ? { moduleStream: `${module.name}:${module.stream}` } : {}),
      ...(a.issued ? { published: isoDate(a.issued) } : {}),
      fixes,
    });
  }
  out.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return {
    info: { id: `updateinfo:${o.source}`, name: `updateinfo of ${o.source}`, source: o.source, date, covers: o.covers, lists: 'fixed-only', advisories: out.length },
    advisories: out,
  };
}
