/**
 * A host's exposure against one feed, as the report shows it: whether the feed covers the host at all,
 * then counts by severity, per package and per advisory, and whether each fix can be installed from the
 * host's enabled repositories. Pure: the feed, the packages and the candidate versions are given.
 *
 * Coverage is decided here, once: a feed covers a host of its own distribution and major release
 * ("covered": what the vendor fixed that the host has not installed); a feed of a successor covers a CentOS
 * host of the same major when the caller names that successor ("successor-fixes": what staying on CentOS
 * leaves open); anything else is "not-covered", with no counts at all — never a 0.
 */
import { compareEvr, formatEvr, parseEvr } from '../rpm/evr.js';
import type { Evr } from '../rpm/types.js';
import { matchPackages, type ExposureFinding, type FeedIndex, type InstalledForMatch } from './match.js';
import { SEVERITIES, type FeedInfo, type Severity } from './types.js';

export const EXPOSURE_FORMAT_VERSION = 1 as const;

export type Coverage = 'covered' | 'successor-fixes' | 'not-covered';

export interface HostRelease {
  /** os-release ID. */
  id?: string;
  /** os-release VERSION_ID. */
  versionId?: string;
}

/** How a feed relates to a host (see the module comment). */
export function coverageOf(host: HostRelease, feed: FeedInfo, successor?: string): { coverage: Coverage; note: string } {
  const major = host.versionId?.split('.')[0];
  const fixedOnly = feed.lists === 'fixed-only' ? '; the feed lists fixed vulnerabilities only: CVEs without a fix are not counted' : '';
  const what = `${feed.name}, ${feed.advisories} advisories, newest ${feed.date.slice(0, 10)}`;
  if (!host.id || !major) return { coverage: 'not-covered', note: `the host's release is unknown (no os-release): ${what} cannot be matched to it` };
  if (host.id === feed.covers.distro && major === feed.covers.release) {
    return { coverage: 'covered', note: `fixes published in ${what} that this host has not installed${fixedOnly}` };
  }
  if (host.id === 'centos' && successor === feed.covers.distro && major === feed.covers.release) {
    return { coverage: 'successor-fixes', note: `fixes ${feed.covers.distro} ${major} published (${what}) for packages this host still has at CentOS versions: what staying on CentOS leaves open${fixedOnly}` };
  }
  return { coverage: 'not-covered', note: `${what} covers ${feed.covers.distro} ${feed.covers.release}, not ${host.id} ${host.versionId}: no figure for this host` };
}

export interface ExposedPackage {
  name: string;
  arch: string;
  installed: string;
  advisories: string[];
  cves: string[];
  worst: Severity;
  /** The highest fixed-in EVR among its advisories: installing it takes every one. */
  fixedIn: string;
  /** yes: the enabled repositories carry ≥ fixedIn; no: they do not; unknown: no repositories were read. */
  installable: 'yes' | 'no' | 'unknown';
  /** The newest EVR the enabled repositories carry, when read. */
  available?: string;
}

export interface ExposedAdvisory { id: string; severity: Severity; cves: string[]; packages: string[]; url?: string }

export interface Exposure {
  formatVersion: typeof EXPOSURE_FORMAT_VERSION;
  host: string;
  feed: FeedInfo;
  coverage: Coverage;
  note: string;
  /** Absent when not covered. */
  totals?: {
    advisories: number;
    cves: number;
    packages: number;
    bySeverity: Record<Severity, { advisories: number; cves: number; packages: number }>;
    installable: { yes: number; no: number; unknown: number };
  };
  packages: ExposedPackage[];
  advisories: ExposedAdvisory[];
  /** Why installability is unknown, when it is. */
  repositories?: string;
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

/** The newest EVR per name.arch (and per name for noarch) the repositories carry. */
export type Candidates = ReadonlyMap<string, Evr>;

export function candidatesOf(packages: Iterable<{ name: string; arch: string } & Evr>): Map<string, Evr> {
  const out = new Map<string, Evr>();
  for (const p of packages) {
    for (const key of [`${p.name}.${p.arch}`, `${p.name}.*`]) {
      const prior = out.get(key);
      if (!prior || compareEvr(p, prior) > 0) out.set(key, p);
    }
  }
  return out;
}

export interface ExposureInput {
  host: string;
  release: HostRelease;
  packages: readonly InstalledForMatch[];
  index: FeedIndex;
  successor?: string;
  streams?: ReadonlyMap<string, string>;
  /** The enabled repositories' newest EVRs; undefined: not read (`repositories` says why). */
  candidates?: Candidates;
  repositories?: string;
}

export function computeExposure(o: ExposureInput): Exposure {
  const { coverage, note } = coverageOf(o.release, o.index.feed.info, o.successor);
  const base = { formatVersion: EXPOSURE_FORMAT_VERSION, host: o.host, feed: o.index.feed.info, coverage, note, ...(o.repositories ? { repositories: o.repositories } : {}) };
  if (coverage === 'not-covered') return { ...base, packages: [], advisories: [] };
  const findings: ExposureFinding[] = matchPackages(o.index, o.packages, o.streams);
  const byPkg = new Map<string, ExposureFinding[]>();
  const byAdv = new Map<string, ExposureFinding[]>();
  for (const f of findings) {
    const pk = `${f.package}.${f.arch}\0${f.installed}`;
    byPkg.set(pk, [...(byPkg.get(pk) ?? []), f]);
    byAdv.set(f.advisory, [...(byAdv.get(f.advisory) ?? []), f]);
  }
  const packages = [...byPkg.values()].map((fs): ExposedPackage => {
    const first = fs[0];
    const fixedIn = fs.map((f) => parseEvr(f.fixedIn)).reduce((a, b) => (compareEvr(a, b) >= 0 ? a : b));
    const avail = o.candidates?.get(`${first.package}.${first.arch}`) ?? o.candidates?.get(`${first.package}.noarch`) ?? o.candidates?.get(`${first.package}.*`);
    const installable = !o.candidates ? 'unknown' : avail && compareEvr(avail, fixedIn) >= 0 ? 'yes' : 'no';
    return {
      name: first.package, arch: first.arch, installed: first.installed,
      advisories: [...new Set(fs.map((f) => f.advisory))].sort(),
      cves: [...new Set(fs.flatMap((f) => f.cves))].sort(),
      worst: fs.map((f) => f.severity).reduce((a, b) => (rank(a) <= rank(b) ? a : b)),
      fixedIn: formatEvr(fixedIn), installable, ...(avail ? { available: formatEvr(avail) } : {}),
    };
  }).sort((a, b) => rank(a.worst) - rank(b.worst) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const advisories = [...byAdv].map(([id, fs]): ExposedAdvisory => ({
    id, severity: fs[0].severity, cves: fs[0].cves, packages: [...new Set(fs.map((f) => `${f.package}.${f.arch}`))].sort(), ...(fs[0].url ? { url: fs[0].url } : {}),
  })).sort((a, b) => rank(a.severity) - rank(b.severity) || (a.id < b.id ? -1 : 1));
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => {
    const adv = advisories.filter((a) => a.severity === s);
    return [s, { advisories: adv.length, cves: new Set(adv.flatMap((a) => a.cves)).size, packages: packages.filter((p) => p.worst === s).length }];
  })) as Record<Severity, { advisories: number; cves: number; packages: number }>;
  const count = (v: ExposedPackage['installable']): number => packages.filter((p) => p.installable === v).length;
  return {
    ...base,
    totals: {
      advisories: advisories.length, cves: new Set(advisories.flatMap((a) => a.cves)).size, packages: packages.length, bySeverity,
      installable: { yes: count('yes'), no: count('no'), unknown: count('unknown') },
    },
    packages, advisories,
  };
}

/** Before/after: what the migration closed and what remains (CVE ids), both against the successor's feed. */
export function exposureDelta(before: Exposure, after: Exposure): { closed: string[]; remaining: string[]; opened: string[]; comparable: boolean; note: string } {
  const cves = (e: Exposure): Set<string> => new Set(e.advisories.flatMap((a) => a.cves));
  const b = cves(before);
  const a = cves(after);
  const comparable = before.coverage !== 'not-covered' && after.coverage !== 'not-covered' && before.feed.id === after.feed.id;
  return {
    closed: [...b].filter((c) => !a.has(c)).sort(),
    remaining: [...a].filter((c) => b.has(c)).sort(),
    opened: [...a].filter((c) => !b.has(c)).sort(),
    comparable,
    note: comparable ? `both against ${before.feed.name} (${before.feed.date.slice(0, 10)})` : 'not comparable: the two sides are not covered by the same feed',
  };
}

export interface FleetExposure {
  hosts: Array<{ host: string; coverage: Coverage | 'no-facts'; feed?: string; advisories?: number; cves?: number; critical?: number; important?: number; note?: string }>;
  /** Distinct CVEs and advisories over the covered hosts. */
  totals: { hosts: number; covered: number; notCovered: number; noFacts: number; cves: number; advisories: number };
  /** The advisories open on the most hosts, most severe first. */
  topAdvisories: Array<{ id: string; severity: Severity; hosts: number; cves: number }>;
  feeds: FeedInfo[];
}

export type FleetEntry = { host: string; exposure: Exposure } | { host: string; problem: string };

/** The fleet view of per-host exposures: covered and not covered hosts apart, never summed together. */
export function aggregateExposures(entries: readonly FleetEntry[]): FleetExposure {
  const out: FleetExposure = { hosts: [], totals: { hosts: entries.length, covered: 0, notCovered: 0, noFacts: 0, cves: 0, advisories: 0 }, topAdvisories: [], feeds: [] };
  const cves = new Set<string>();
  const adv = new Map<string, { severity: Severity; hosts: number; cves: number }>();
  const feeds = new Map<string, FeedInfo>();
  for (const entry of entries) {
    if ('problem' in entry) {
      out.hosts.push({ host: entry.host, coverage: 'no-facts', note: entry.problem });
      out.totals.noFacts++;
      continue;
    }
    const e = entry.exposure;
    feeds.set(e.feed.id, e.feed);
    if (!e.totals) {
      out.hosts.push({ host: e.host, coverage: e.coverage, feed: e.feed.id, note: e.note });
      out.totals.notCovered++;
      continue;
    }
    out.totals.covered++;
    out.hosts.push({ host: e.host, coverage: e.coverage, feed: e.feed.id, advisories: e.totals.advisories, cves: e.totals.cves, critical: e.totals.bySeverity.critical.advisories, important: e.totals.bySeverity.important.advisories });
    for (const a of e.advisories) {
      for (const c of a.cves) cves.add(c);
      const prior = adv.get(a.id) ?? { severity: a.severity, hosts: 0, cves: a.cves.length };
      prior.hosts++;
      adv.set(a.id, prior);
    }
  }
  out.totals.cves = cves.size;
  out.totals.advisories = adv.size;
  out.topAdvisories = [...adv].map(([id, a]) => ({ id, ...a }))
    .sort((x, y) => rank(x.severity) - rank(y.severity) || y.hosts - x.hosts || (x.id < y.id ? -1 : 1)).slice(0, 20);
  out.feeds = [...feeds.values()];
  return out;
}
