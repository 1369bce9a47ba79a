/**
 * AlmaLinux's OSV database (https://github.com/AlmaLinux/osv-database, schema https://ossf.github.io/osv-schema/)
 * read into Feeds: one per ecosystem (AlmaLinux:8, :9, :10). Each affected package has one ECOSYSTEM
 * range {introduced: 0, fixed: EVR}; the severity is the Red Hat-style prefix of the summary
 * ("Important: firefox security update"), the module stream the "name:stream" after it
 * ("Moderate: nodejs:18 security…"), the CVEs are `related`. Pure: the caller reads the files.
 */
import { FerryError } from '../core/index.js';
import { parseEvr } from '../rpm/evr.js';
import type { Feed, FeedAdvisory, FeedFix, Severity } from './types.js';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const SEVERITY: Readonly<Record<string, Severity>> = { Critical: 'critical', Important: 'important', Moderate: 'moderate', Low: 'low' };

/** `.module_el8.5.0+81+7dbe79d3` (EL8) and `.module+el9.1.0+…` (EL9) releases are module builds. */
export function isModularRelease(release: string | undefined): boolean {
  return release !== undefined && /\.module[_+]el\d/.test(release);
}

function bad(file: string, what: string): FerryError {
  return new FerryError('FEED_UNREADABLE', `${file}: ${what}`, { hint: 'use an OSV database as AlmaLinux publishes it (one advisory JSON per file)' });
}

/**
 * One OSV advisory document, per ecosystem it names (an AlmaLinux advisory may list the packages of two
 * releases: each release's feed gets the advisory with its own packages).
 */
export function parseOsvAdvisory(doc: unknown, file: string): { modified: string; byEcosystem: Map<string, FeedAdvisory> } {
  if (!isRecord(doc) || typeof doc.id !== 'string' || !Array.isArray(doc.affected)) throw bad(file, 'not an OSV advisory (no id or affected)');
  const summary = typeof doc.summary === 'string' ? doc.summary : '';
  const m = /^(Critical|Important|Moderate|Low): (?:(\S+:\S+) )?/.exec(summary);
  const fixesBy = new Map<string, FeedFix[]>();
  for (const a of doc.affected) {
    if (!isRecord(a) || !isRecord(a.package) || typeof a.package.name !== 'string' || typeof a.package.ecosystem !== 'string') throw bad(file, 'an affected entry has no package name or ecosystem');
    const fixes = fixesBy.get(a.package.ecosystem) ?? [];
    fixesBy.set(a.package.ecosystem, fixes);
    for (const r of Array.isArray(a.ranges) ? a.ranges : []) {
      if (!isRecord(r) || r.type !== 'ECOSYSTEM' || !Array.isArray(r.events)) continue;
      for (const e of r.events) {
        if (!isRecord(e) || typeof e.fixed !== 'string') continue;
        const fixed = parseEvr(e.fixed);
        fixes.push({ name: a.package.name, fixed, modular: isModularRelease(fixed.release) });
      }
    }
  }
  if (fixesBy.size === 0) throw bad(file, 'no affected package');
  const cves = (Array.isArray(doc.related) ? doc.related : []).filter((x): x is string => typeof x === 'string' && x.startsWith('CVE-'));
  const ref = (Array.isArray(doc.references) ? doc.references : []).find((r) => isRecord(r) && r.type === 'ADVISORY' && typeof r.url === 'string' && r.url.includes('errata.almalinux.org'));
  const byEcosystem = new Map<string, FeedAdvisory>();
  for (const [ecosystem, fixes] of fixesBy) {
    byEcosystem.set(ecosystem, {
      id: doc.id,
      title: summary,
      severity: m?.[1] ? (SEVERITY[m[1]] ?? 'unknown') : 'unknown',
      cves,
      ...(m?.[2] && fixes.some((f) => f.modular) ? { moduleStream: m[2] } : {}),
      ...(typeof doc.published === 'string' ? { published: doc.published } : {}),
      ...(isRecord(ref) && typeof ref.url === 'string' ? { url: ref.url } : {}),
      fixes,
    });
  }
  return { modified: typeof doc.modified === 'string' ? doc.modified : '', byEcosystem };
}

/** `AlmaLinux:8` → almalinux 8. Other ecosystems are not read (no distribution they cover is known). */
function coversOf(ecosystem: string): { distro: string; release: string } | undefined {
  const m = /^(AlmaLinux|Rocky Linux):(\d+)$/.exec(ecosystem);
  if (!m?.[1] || !m[2]) return undefined;
  return { distro: m[1] === 'AlmaLinux' ? 'almalinux' : 'rocky', release: m[2] };
}

/** Feeds from the security advisories of an OSV database, one per ecosystem, advisories sorted by id. */
export function osvFeeds(docs: Iterable<{ file: string; doc: unknown }>, source: string): Feed[] {
  const by = new Map<string, { modified: string; advisories: FeedAdvisory[] }>();
  for (const { file, doc } of docs) {
    const a = parseOsvAdvisory(doc, file);
    for (const [ecosystem, advisory] of a.byEcosystem) {
      // A security feed: bug-fix and enhancement advisories (ALBA, ALEA: no severity, no CVE) are not exposure.
      if (advisory.severity === 'unknown' && advisory.cves.length === 0) continue;
      let f = by.get(ecosystem);
      if (!f) by.set(ecosystem, (f = { modified: '', advisories: [] }));
      f.advisories.push(advisory);
      if (a.modified > f.modified) f.modified = a.modified;
    }
  }
  const feeds: Feed[] = [];
  for (const [ecosystem, f] of [...by].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    const covers = coversOf(ecosystem);
    if (!covers) continue;
    f.advisories.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    feeds.push({
      info: { id: `osv:${ecosystem}`, name: `OSV database (${ecosystem})`, source, date: f.modified, covers, lists: 'fixed-only', advisories: f.advisories.length },
      advisories: f.advisories,
    });
  }
  return feeds;
}
