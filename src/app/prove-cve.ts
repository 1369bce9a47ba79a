/**
 * `ferry cve`: a host's (or a snapshot's, or the fleet's) exposure against security feeds. Feeds are read
 * once per process from an OSV database directory (AlmaLinux's layout: advisories/<release>/*.json, or any
 * tree of OSV JSON files); the enabled repositories, when given, say whether each fix is installable.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FerryError, isFerryError } from '../core/index.js';
import { detectSourceRelease } from '../assess/index.js';
import { loadCatalog } from '../catalog/index.js';
import type { HostFacts } from '../facts/index.js';
import type { Store } from '../store/index.js';
import { aggregateExposures, candidatesOf, computeExposure, type Exposure, type FleetEntry, type FleetExposure, type HostRelease } from '../vuln/exposure.js';
import { indexFeed, type FeedIndex } from '../vuln/match.js';
import { osvFeeds } from '../vuln/osv.js';
import { updateinfoFeed } from '../vuln/updateinfo.js';
import { openRepo } from '../rpm/repodata/index.js';
import { readAdvisories } from '../rpm/repodata/updateinfo.js';
import { snapshotFacts } from './fleet-assess.js';
import { factsForProof, type ProveSource } from './prove.js';
import { loadTargetRepos } from './repos.js';

const feedCache = new Map<string, Promise<FeedIndex[]>>();

async function* jsonFiles(dir: string): AsyncGenerator<string> {
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* jsonFiles(p);
    else if (e.isFile() && e.name.endsWith('.json')) yield p;
  }
}

/** The feeds of an OSV database directory, indexed; FEED_UNREADABLE naming the directory or file at fault. */
export function loadOsvFeeds(dir: string): Promise<FeedIndex[]> {
  let p = feedCache.get(dir);
  if (!p) {
    p = (async () => {
      const docs: Array<{ file: string; doc: unknown }> = [];
      try {
        for await (const file of jsonFiles(dir)) docs.push({ file, doc: JSON.parse(await readFile(file, 'utf8')) as unknown });
      } catch (e) {
        if (isFerryError(e)) throw e;
        throw new FerryError('FEED_UNREADABLE', `OSV database ${dir}: ${(e as Error).message}`, { hint: 'give the directory of an OSV database (e.g. a checkout of AlmaLinux/osv-database)', cause: e });
      }
      const feeds = osvFeeds(docs, dir);
      if (feeds.length === 0) throw new FerryError('FEED_UNREADABLE', `OSV database ${dir}: no advisory of a known ecosystem (AlmaLinux:N, Rocky Linux:N)`, { hint: 'give the directory of an OSV database' });
      return feeds.map(indexFeed);
    })();
    p.catch(() => feedCache.delete(dir));
    feedCache.set(dir, p);
  }
  return p;
}

export interface ExposureOptions {
  feeds: readonly FeedIndex[];
  /** The successor whose fixes a CentOS host is measured against (os-release ID: almalinux, rocky). */
  successor?: string;
  /** The host's enabled repositories (paths or URLs): each fix is then installable or not. */
  repos?: readonly string[];
}

/**
 * The host's os-release ID and version: os-release when read, else the release the assessment detects
 * from the release file or package (a bare package list), as its catalog distribution and version.
 */
export function hostReleaseOf(facts: HostFacts): HostRelease {
  if (facts.os?.id) return { id: facts.os.id, ...(facts.os.versionId ? { versionId: facts.os.versionId } : {}) };
  const id = detectSourceRelease(facts, loadCatalog());
  const m = id ? /^(.*)-(\d[\d.]*)$/.exec(id) : null;
  if (!m?.[1] || !m[2]) return {};
  // CentOS Stream's os-release ID is centos too.
  return { id: m[1] === 'centos-stream' ? 'centos' : m[1] === 'oraclelinux' ? 'ol' : m[1], versionId: m[2] };
}

/** The feed for a host: its own distribution's, else the named successor's of its major, else the first of its major. */
export function feedFor(release: HostRelease, o: ExposureOptions): FeedIndex {
  const major = release.versionId?.split('.')[0];
  const same = o.feeds.filter((f) => f.feed.info.covers.release === major);
  const pick = same.find((f) => f.feed.info.covers.distro === release.id) ?? same.find((f) => f.feed.info.covers.distro === o.successor) ?? same[0] ?? o.feeds[0];
  if (!pick) throw new FerryError('FEED_UNREADABLE', 'no security feed was loaded', { hint: 'give --osv DIR' });
  return pick;
}

/**
 * What the host's enabled repositories say: the newest EVRs they carry (repositories with packages) and
 * their updateinfo as feeds of the host's own release (repositories with one).
 */
async function readHostRepos(locations: readonly string[], release: HostRelease): Promise<{ candidates?: ReturnType<typeof candidatesOf>; feeds: FeedIndex[]; packages: number }> {
  const feeds: FeedIndex[] = [];
  const withPackages: string[] = [];
  for (const location of locations) {
    const repo = await openRepo(location);
    if (repo.entry('primary')) withPackages.push(location);
    const major = release.versionId?.split('.')[0];
    if (repo.entry('updateinfo') && release.id && major) {
      const advisories = await readAdvisories(await repo.openData('updateinfo'), { file: `${location}: ${repo.entry('updateinfo')?.location ?? 'updateinfo'}` });
      feeds.push(indexFeed(updateinfoFeed(advisories, { source: location, covers: { distro: release.id, release: major } })));
    }
  }
  if (withPackages.length === 0) return { feeds, packages: 0 };
  const view = await loadTargetRepos('host repositories', withPackages);
  return { candidates: candidatesOf(view.pool.packages), feeds, packages: view.pool.packages.length };
}

export async function exposureOfFacts(hostName: string, facts: HostFacts, o: ExposureOptions): Promise<Exposure> {
  const release = hostReleaseOf(facts);
  const repos = o.repos?.length ? await readHostRepos(o.repos, release) : undefined;
  // The host's own repositories' updateinfo first: it is the vendor's word on the host's own release.
  const index = feedFor(release, { ...o, feeds: [...(repos?.feeds ?? []), ...o.feeds] });
  const candidates = repos?.candidates;
  const repositories = !repos ? 'no repositories given: installability unknown'
    : candidates ? `${o.repos?.join(', ')} (${repos.packages} packages)` : `${o.repos?.join(', ')} (no package metadata: installability unknown)`;
  const streams = facts.modules ? new Map(facts.modules.filter((m) => m.state === 'enabled' && m.stream).map((m) => [m.name, m.stream ?? ''])) : undefined;
  return computeExposure({
    host: hostName,
    release,
    packages: facts.packages ?? [],
    index,
    ...(o.successor ? { successor: o.successor } : {}),
    ...(streams?.size ? { streams } : {}),
    ...(candidates ? { candidates } : {}),
    repositories,
  });
}

export async function hostExposure(o: Omit<ProveSource, 'toolVersion'> & ExposureOptions): Promise<Exposure> {
  const f = await factsForProof({ ...o, toolVersion: '' });
  return exposureOfFacts(f.hostName, f.facts, o);
}

/** Every stored host's newest snapshot against the feeds; identical package sets match once (the feed's memo). */
export async function fleetExposure(o: ExposureOptions & { store: Pick<Store, 'listHosts' | 'latestFactSnapshots'> }): Promise<FleetExposure> {
  const hosts = (await o.store.listHosts()).map((h) => h.name).sort();
  const entries: FleetEntry[] = [];
  for (let i = 0; i < hosts.length; i += 500) {
    const batch = hosts.slice(i, i + 500);
    const snaps = new Map((await o.store.latestFactSnapshots(batch)).map((s) => [s.hostName, s]));
    for (const host of batch) {
      const s = snaps.get(host);
      const facts = s ? snapshotFacts(s) : 'no stored facts';
      entries.push(typeof facts === 'string' ? { host, problem: facts } : { host, exposure: await exposureOfFacts(host, facts, { ...o, repos: [] }) });
    }
  }
  return aggregateExposures(entries);
}
