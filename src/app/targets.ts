/**
 * resolveTargets: the one target context of every use case (assess, plan, migrate, and the fleet). Per
 * requested target it answers, once: the catalog release (targetRelease: an unknown id is refused with its
 * close matches), the repository locations `--repo` names (or, for commands that run dnf, the catalog's),
 * the repository view read from them on the controller (through the repo cache: each location parsed once
 * per process), the catalog path from a host's source release (its method, through isCrossMajor, the only
 * answer to same- vs cross-major), and the package-manager environment the host is given for them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FerryError } from '../core/index.js';
import { isCrossMajor, targetRelease, type Catalog, type MigrationPath, type ReleaseView } from '../catalog/index.js';
import type { TargetRepoView } from '../assess/types.js';
import { dnfEnvFor, type TargetRepo } from '../plan/index.js';
import { parseBaseurl, type PackageManagerEnv } from '../exec/package-manager/index.js';
import type { Transport } from '../transport/index.js';
import { loadTargetRepos, type RepoCache, type RepoProgress } from './repos.js';

export interface TargetContext {
  id: string;
  release: ReleaseView;
  /** The directories or URLs Ferry reads for this target (empty: assessed without package fates). */
  locations: readonly string[];
  /** The repository view of `locations`, read on first call (undefined without locations); the same promise after. */
  repo(): Promise<TargetRepoView | undefined>;
  /** catalog.path(source, target); null for an unknown source or a path the catalog does not record. */
  path(source: string | null): MigrationPath | null;
  /** Whether going from `source` is a major upgrade: the path's method decides (isCrossMajor). */
  crossMajor(source: string | null): boolean;
  /** The package-manager environment on the host: its release version, platform and these repositories as the host reaches them (hostRepos). */
  environment(transport: Transport, gpgcheck: boolean): Promise<PackageManagerEnv>;
}

export interface ResolveTargetsOptions {
  cache?: RepoCache;
  onProgress?: (p: RepoProgress) => void;
  /**
   * A target without a `--repo` location takes the catalog's enabled repositories (plan, migrate: dnf needs
   * some). Default: none, the target is assessed without package fates (and onProgress says so).
   */
  catalogRepos?: boolean;
}

/**
 * The targets `ids` names (trimmed, deduplicated, in order) with the repository locations `repos` gives per
 * target; refused before any host is contacted: no target, an unknown one, or a `--repo` of another target.
 */
export function resolveTargets(catalog: Catalog, ids: readonly string[], repos: Readonly<Record<string, readonly string[]>> = {}, options: ResolveTargetsOptions = {}): TargetContext[] {
  const list = [...new Set(ids.map((t) => t.trim()).filter(Boolean))];
  if (list.length === 0) throw new FerryError('USAGE', 'No target given', { hint: 'Name targets with --to rocky-8,almalinux-8 (see ferry catalog list).' });
  const releases = list.map((t) => targetRelease(catalog, t));
  for (const r of Object.keys(repos)) {
    if (!list.includes(r)) throw new FerryError('USAGE', `--repo names ${JSON.stringify(r)}, which is not one of the targets (${list.join(', ')})`);
  }
  const progress = options.onProgress ?? ((): void => {});
  return list.map((id, i) => {
    let locations: readonly string[] = repos[id] ?? [];
    if (locations.length === 0 && options.catalogRepos) {
      locations = (catalog.repos(id)?.repos ?? []).filter((r) => r.enabled && r.baseurl).map((r) => r.baseurl ?? '');
    }
    let view: Promise<TargetRepoView | undefined> | undefined;
    const repo = (): Promise<TargetRepoView | undefined> => {
      if (!view) {
        if (locations.length === 0) {
          progress({ scope: 'repos', phase: 'none', message: `${id}: no repository given, package fates will not be compared` });
          view = Promise.resolve(undefined);
        } else {
          view = loadTargetRepos(id, locations, { ...(options.cache ? { cache: options.cache } : {}), onProgress: progress });
        }
      }
      return view;
    };
    const path = (source: string | null): MigrationPath | null => (source ? catalog.path(source, id) : null);
    return {
      id, release: releases[i], locations, repo, path,
      crossMajor: (source) => isCrossMajor(path(source)),
      environment: async (transport, gpgcheck) => dnfEnvFor(releases[i], await hostRepos(transport, id, locations), gpgcheck),
    };
  });
}

/**
 * How the host reaches a repository Ferry read on the controller. A URL is the same URL. A directory is a
 * `file://` URL: on this machine (local, root prefix) as it is; on an SSH host it must be the same mirror at
 * the same path (a shared mount, or a copy), which is checked by comparing the host's repomd.xml with the
 * one Ferry read — a controller-only directory is refused, since dnf on the host could not read it.
 */
export async function hostRepos(transport: Transport, target: string, locations: readonly string[]): Promise<TargetRepo[]> {
  return Promise.all(locations.map(async (loc, i) => {
    const id = `ferry-${target}-${i}`;
    const baseurl = parseBaseurl(loc, `--repo ${target}=${loc}`);
    if (!baseurl.startsWith('file:')) return { id, baseurl };
    const dir = fileURLToPath(baseurl);
    if (transport.kind === 'ssh') {
      const repomd = posix.join(dir, 'repodata', 'repomd.xml');
      const mine = existsSync(repomd) ? readFileSync(repomd) : undefined;
      const theirs = await transport.run(['cat', '--', repomd], { timeoutMs: 60_000 });
      if (!mine || theirs.code !== 0 || !mine.equals(Buffer.from(theirs.stdout, 'utf8'))) {
        throw new FerryError('REPO_FETCH', `${transport.hostName} does not see the ${target} repository ${dir} that Ferry read here (${repomd} ${theirs.code !== 0 ? 'is absent there' : 'differs there'})`, {
          hint: 'Serve the mirror over HTTP (e.g. python3 -m http.server in it) and pass --repo TARGET=http://…, or make the same directory available on the host (shared mount or copy).',
        });
      }
    }
    return { id, baseurl };
  }));
}
