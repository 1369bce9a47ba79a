/**
 * Target repository metadata for assessments: each location is read once per process and its packages
 * shared by every host and every target that names it (DESIGN.md: "repository metadata is parsed once per
 * target and shared"). A target's pool is built once per distinct location list.
 */
import { join } from 'node:path';
import { FerryError, isFerryError, type ErrorCode, type ProgressOf } from '../core/index.js';
import { ferryHome } from '../exec/journal-key.js';
import { parseBaseurl } from '../exec/package-manager/index.js';
import { createPool, type Pool } from '../rpm/pool.js';
import { loadPackages, openRepo } from '../rpm/repodata/index.js';
import { readModules, type ModulesMetadata } from '../rpm/repodata/modules.js';
import type { Package } from '../rpm/types.js';
import type { TargetRepoView } from '../assess/types.js';

/** What loading repositories tells a watching person. */
export type RepoProgress = ProgressOf<'repos'>;

/** What one repository location contributes: its packages and, when repomd lists one, its modules.yaml. */
interface LocationData {
  packages: Package[];
  modules?: ModulesMetadata;
}

export interface RepoCache {
  packages: Map<string, Promise<LocationData>>;
  pools: Map<string, Promise<{ pool: Pool; modules?: ModulesMetadata }>>;
}

export function createRepoCache(): RepoCache {
  return { packages: new Map(), pools: new Map() };
}

/**
 * Where repositories' binary pool caches live (rpm/columnar.ts: keyed by the primary checksum repomd lists,
 * verified on load): `$FERRY_HOME/pool-cache`. Every reader of a repository's packages passes it.
 */
export function poolCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(ferryHome(env), 'pool-cache');
}

/** The process-wide cache used when the caller passes none. */
const processCache = createRepoCache();

/**
 * `--repo` as every command reads it: `TARGET=LOCATION[,LOCATION…]`, repeatable, locations accumulating per
 * target; each location a directory or URL Ferry reads on the controller (checked by parseBaseurl: no
 * control characters or whitespace smuggled into a later dnf configuration). A command of one target
 * (`options.target`: plan, migrate) also takes a bare LOCATION as that target's.
 */
export function parseRepoFlags(flags: readonly string[], options: { target?: string } = {}): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const flag of flags) {
    // A URL's own `=` (a query string) is not the TARGET= separator.
    const m = /^([A-Za-z0-9._-]+)=([\s\S]*)$/.exec(flag);
    const release = m && !/^[a-z][a-z0-9+.-]*:\/\//i.test(flag) ? m[1] : options.target;
    const location = m && release === m[1] ? m[2] : flag;
    const locations = location.split(',').map((l) => l.trim()).filter(Boolean);
    if (!release || locations.length === 0) {
      throw new FerryError('USAGE', `--repo ${JSON.stringify(flag)} is not TARGET=DIR_OR_URL`, { hint: 'e.g. --repo rocky-8=/srv/mirror/rocky/8/BaseOS/x86_64/os' });
    }
    for (const l of locations) parseBaseurl(l, `--repo ${flag}`);
    (out[release] ??= []).push(...locations);
  }
  return out;
}

function loadLocation(location: string, cache: RepoCache, progress: (p: RepoProgress) => void): Promise<LocationData> {
  let p = cache.packages.get(location);
  if (!p) {
    p = (async () => {
      progress({ scope: 'repos', phase: 'read', message: `reading ${location}` });
      const repo = await openRepo(location);
      const packages = await loadPackages(repo, {
        repoid: location,
        poolCache: { dir: poolCacheDir(), warn: (message) => progress({ scope: 'repos', phase: 'warning', message }) },
      });
      // dnf hides packages of inactive module streams: fates need the target's modules.yaml to agree with it.
      const modules = repo.entry('modules')
        ? await readModules(await repo.openData('modules'), { file: `${location}: modules.yaml` })
        : undefined;
      const streams = modules ? `, ${modules.streams.length} module streams` : '';
      progress({ scope: 'repos', phase: 'loaded', message: `${location}: ${packages.length} packages${streams}` });
      return modules ? { packages, modules } : { packages };
    })();
    // A failed load is not cached: the next host may retry (a mirror can come back).
    p.catch(() => cache.packages.delete(location));
    cache.packages.set(location, p);
  }
  return p;
}

/** What a mirror that cannot be read fails with (unreachable, too large, corrupt, hostile): the target's repositories are unusable. */
const UNREADABLE: ReadonlySet<ErrorCode> = new Set(['REPO_FETCH', 'REPO_TOO_LARGE', 'REPO_TIMEOUT', 'REPO_CHECKSUM', 'REPO_METADATA', 'REPO_HOSTILE_XML',
  'REPO_DECOMPRESS', 'REPO_DECOMPRESSION_BOMB', 'REPO_TRUNCATED']);

/** True for the failure of a mirror (not of Ferry or its input): an assessment goes on without that target's repositories. */
export function isUnreadableRepo(e: unknown): e is FerryError {
  return isFerryError(e) && UNREADABLE.has(e.code);
}

/** Loads (or reuses) the pool of a target's repositories. */
export async function loadTargetRepos(release: string, locations: readonly string[], options: { cache?: RepoCache; onProgress?: (p: RepoProgress) => void } = {}): Promise<TargetRepoView> {
  const cache = options.cache ?? processCache;
  const progress = options.onProgress ?? ((): void => {});
  const key = [...locations].join('\n');
  let pool = cache.pools.get(key);
  const hit = pool !== undefined;
  if (!pool) {
    pool = (async () => {
      const lists = await Promise.all(locations.map((l) => loadLocation(l, cache, progress)));
      const created = createPool(lists.flatMap((l) => l.packages));
      if (locations.length > 1) progress({ scope: 'repos', phase: 'pool', message: `${release}: pool of ${created.packages.length} packages from ${locations.length} repositories` });
      const modules = mergeModules(lists.flatMap((l) => (l.modules ? [l.modules] : [])));
      return modules ? { pool: created, modules } : { pool: created };
    })();
    pool.catch(() => cache.pools.delete(key));
    cache.pools.set(key, pool);
  }
  const ready = await pool;
  if (hit) progress({ scope: 'repos', phase: 'cached', message: `${release}: ${ready.pool.packages.length} packages (already loaded)` });
  return { release, locations: [...locations], pool: ready.pool, ...(ready.modules ? { modules: ready.modules } : {}) };
}

/** The union of several repositories' module metadata (dnf sees all enabled repos' modules at once). */
function mergeModules(all: ModulesMetadata[]): ModulesMetadata | undefined {
  if (all.length === 0) return undefined;
  if (all.length === 1) return all[0];
  return {
    streams: all.flatMap((m) => m.streams),
    defaults: all.flatMap((m) => m.defaults),
    obsoletes: all.flatMap((m) => m.obsoletes),
    otherDocuments: all.reduce<Record<string, number>>((sum, m) => {
      for (const [kind, n] of Object.entries(m.otherDocuments)) sum[kind] = (sum[kind] ?? 0) + n;
      return sum;
    }, {}),
  };
}
