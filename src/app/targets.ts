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
import { FerryError, isFerryError } from '../core/index.js';
import { isCrossMajor, targetRelease, type Catalog, type MigrationPath, type ReleaseView } from '../catalog/index.js';
import type { TargetRepoView } from '../assess/types.js';
import { dnfEnvFor, routeFor, type TargetRepo } from '../plan/index.js';
import { bindServedRepo, parseBaseurl, unbindServedRepo, type PackageManagerEnv } from '../exec/package-manager/index.js';
import type { Transport } from '../transport/index.js';
import { serveToHost, type ServedRequest } from './repo-server.js';
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
  /** Without a direct path: the releases of the route Ferry plans from `source` (plan/build.ts routeFor: source first, this target last), else undefined. */
  route(source: string | null): string[] | undefined;
  /** The package-manager environment on the host: its release version, platform and these repositories as the host reaches them (hostRepos). */
  environment(transport: Transport, gpgcheck: boolean, onProgress?: (p: RepoProgress) => void): Promise<PackageManagerEnv>;
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
      route: (source) => (source ? routeReleases(catalog, source, id) : undefined),
      environment: async (transport, gpgcheck, onProgress) => dnfEnvFor(releases[i], await hostRepos(transport, id, locations, onProgress), gpgcheck),
    };
  });
}

/** One hop of a route as the catalog gives it: its path's ends, and whether it takes PES events (a cross-major path). */
export interface RouteLeg { from: string; to: string; crossMajor: boolean }

/**
 * The hops source → target: the catalog's route (plan/build.ts routeFor, the one chain finder), or the one
 * direct hop (also for a pair Ferry cannot plan: unplannablePath says why).
 */
export function routeLegs(catalog: Catalog, sourceId: string, targetId: string): RouteLeg[] {
  const chain = routeFor(catalog, catalog.release(sourceId), catalog.release(targetId));
  if (chain) return chain.map((p) => ({ from: p.from, to: p.to, crossMajor: p.method === 'cross-major-pes' }));
  return [{ from: sourceId, to: targetId, crossMajor: isCrossMajor(catalog.path(sourceId, targetId)) }];
}

/** The releases of the multi-hop route Ferry plans source → target (routeLegs: source first), or undefined: a direct path, or none. */
export function routeReleases(catalog: Catalog, source: string, target: string): string[] | undefined {
  const legs = catalog.hasRelease(source) ? routeLegs(catalog, source, target) : [];
  return legs.length > 1 ? [source, ...legs.map((l) => l.to)] : undefined;
}

/**
 * How the host reaches a repository Ferry read on the controller: the one answer. A URL is the same URL.
 * A directory is a `file://` URL: on this machine (local, root prefix) as it is; on an SSH host as it is
 * when the host sees the same mirror at the same path (a shared mount or a copy: its repomd.xml equals the
 * one read here); otherwise Ferry serves the directory to the host over the SSH connection
 * (reachServedRepos: the repo is marked `served`, the plan keeps the directory). An sshd refusing the
 * forward gets the refusal with the ways out.
 */
export async function hostRepos(transport: Transport, target: string, locations: readonly string[], onProgress?: (p: RepoProgress) => void): Promise<TargetRepo[]> {
  const repos = await Promise.all(locations.map(async (loc, i): Promise<TargetRepo> => {
    const id = `ferry-${target}-${i}`;
    const baseurl = parseBaseurl(loc, `--repo ${target}=${loc}`);
    if (!baseurl.startsWith('file:') || transport.kind !== 'ssh') return { id, baseurl };
    const repomd = posix.join(fileURLToPath(baseurl), 'repodata', 'repomd.xml');
    const mine = existsSync(repomd) ? readFileSync(repomd) : undefined;
    const theirs = await transport.run(['cat', '--', repomd], { timeoutMs: 60_000 });
    if (mine && theirs.code === 0 && mine.equals(Buffer.from(theirs.stdout, 'utf8'))) return { id, baseurl };
    return { id, baseurl, served: true };
  }));
  try {
    await reachServedRepos(transport, repos, onProgress);
  } catch (e) {
    if (!isFerryError(e, 'TRANSPORT_FORWARD_REFUSED')) throw e;
    const dirs = repos.filter((r) => r.served).map((r) => fileURLToPath(r.baseurl));
    throw new FerryError('REPO_FETCH', `${transport.hostName} does not see the ${target} repository ${dirs.join(', ')} that Ferry read here, and its sshd refused the port forward Ferry would serve it through (AllowTcpForwarding in its sshd_config)`, {
      cause: e,
      hint: 'Allow it (AllowTcpForwarding yes or remote), make the same directory available on the host (shared mount or copy), or serve the mirror over HTTP (e.g. python3 -m http.server in it) and pass --repo TARGET=http://….',
    });
  }
  return repos;
}

/**
 * Serves each `served` repository of `repos` to the host over this connection and binds the URL the
 * host reaches it at (exec/package-manager hostEnv), so the dnf configuration Ferry writes names the
 * forward of this connection, never an earlier one. Every use case that runs dnf on the host with a
 * plan's repositories calls it first (migrate through planning, resume, rollback).
 */
export async function reachServedRepos(transport: Transport, repos: readonly TargetRepo[], onProgress?: (p: RepoProgress) => void): Promise<void> {
  for (const r of repos) {
    if (!r.served) continue;
    const dir = fileURLToPath(r.baseurl);
    if (!existsSync(posix.join(dir, 'repodata', 'repomd.xml'))) {
      throw new FerryError('NOT_FOUND', `Repository ${r.id} of the plan is ${dir} on the controller, served to ${transport.hostName} by Ferry, and this machine has no repository there`, {
        hint: 'Run the command from the controller that planned the migration, or restore the mirror at that path.',
      });
    }
    const { url, closed } = await serveToHost(transport, r.id, dir, onProgress && ((q: ServedRequest) => onProgress({
      scope: 'repos', phase: 'served', message: `${transport.hostName} ${q.method} ${q.path}: ${q.status}${q.bytes ? `, ${q.bytes} bytes` : ''}`,
    })));
    bindServedRepo(transport, r.baseurl, url);
    void closed.then(() => unbindServedRepo(transport, r.baseurl, url));
  }
}
