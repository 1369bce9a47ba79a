/**
 * The repository use cases behind `ferry repo`: what a repository holds (repoInfo: counts, arches,
 * revision, newest builds, modules, advisories, groups) and what it answers (queryRepo: dnf repoquery's
 * filters over its pool). Read-only; a location is a directory or an http(s) URL read on the controller.
 */
import type { Readable } from 'node:stream';
import { isFerryError } from '../core/index.js';
import { formatEvr } from '../rpm/evr.js';
import { formatNevra } from '../rpm/nevra.js';
import { createPool, type Pool } from '../rpm/pool.js';
import { readComps } from '../rpm/repodata/comps.js';
import { readModules, compareModuleVersions, type ModulesMetadata } from '../rpm/repodata/modules.js';
import { readAdvisories, type Advisory } from '../rpm/repodata/updateinfo.js';
import { loadPackages, openRepo, type Repo } from '../rpm/repodata/index.js';
import type { Dep, Package } from '../rpm/types.js';
import type { QueryResult, RepoInfo } from '../report/repo-text.js';
import { poolCacheDir } from './repos.js';

export type { QueryResult, RepoInfo };

/** The filters of a repository query; each given one narrows the result. */
export interface QueryOptions {
  provides?: string;
  whatprovides?: string;
  whatrequires?: string;
  name?: string;
}

const NEWEST = 10;

/**
 * The packages of the repository at `location` matching every filter of `opts`, sorted by NEVRA. Primary is
 * read through the pool cache; `warn` hears why a cache was refused (it is then rebuilt).
 */
export async function queryRepo(location: string, opts: QueryOptions, options: { warn?: (message: string) => void } = {}): Promise<QueryResult[]> {
  const repo = await openRepo(location);
  const files = needsFilelists(opts) && hasData(repo, 'filelists');
  const poolCache = { dir: poolCacheDir(), ...(options.warn ? { warn: options.warn } : {}) };
  const pool = createPool(await loadPackages(repo, { filelists: files, poolCache }));
  return queryPool(pool, opts);
}

/** A path capability, or a package whose files others require, needs the complete file lists. */
function needsFilelists(opts: QueryOptions): boolean {
  return opts.whatrequires !== undefined || (opts.whatprovides?.includes('/') ?? false);
}

function hasData(repo: Repo, type: string): boolean {
  return dataTypes(repo).includes(type);
}

function dataTypes(repo: Repo): string[] {
  return repo.repomd.data.map((d) => d.type);
}

/** Runs the query filters in turn; each narrows the previous result. No filter: every package. */
export function queryPool(pool: Pool, opts: QueryOptions): QueryResult[] {
  let set: Package[] | undefined;
  const narrow = (list: Package[]) => {
    if (set === undefined) set = list;
    else {
      const keep = new Set(list);
      set = set.filter((p) => keep.has(p));
    }
  };
  if (opts.name !== undefined) narrow(pool.resolve(opts.name));
  if (opts.whatprovides !== undefined) narrow(pool.whatProvides(opts.whatprovides));
  if (opts.whatrequires !== undefined) narrow(pool.whatRequires(opts.whatrequires));
  if (opts.provides !== undefined) narrow(pool.resolve(opts.provides));
  const list = set ?? [...pool.packages];
  const seen = new Set<string>();
  const out: QueryResult[] = [];
  for (const p of list) {
    const nevra = formatNevra(p);
    if (seen.has(nevra)) continue;
    seen.add(nevra);
    out.push({
      nevra, name: p.name, epoch: p.epoch, version: p.version, release: p.release ?? '', arch: p.arch,
      ...(opts.provides !== undefined ? { provides: p.provides.map(formatDepEntry) } : {}),
    });
  }
  return out.sort((a, b) => (a.nevra < b.nevra ? -1 : a.nevra > b.nevra ? 1 : 0));
}

const OP: Record<string, string> = { EQ: '=', LT: '<', LE: '<=', GT: '>', GE: '>=' };

/** A dependency as rpm and dnf print it: `name`, or `name op [epoch:]version[-release]`. */
export function formatDepEntry(d: Dep): string {
  return d.flags && d.evr ? `${d.name} ${OP[d.flags]} ${formatEvr(d.evr)}` : d.name;
}

export async function repoInfo(location: string): Promise<RepoInfo> {
  const repo = await openRepo(location);
  const types = dataTypes(repo);
  // what the summary reads of packages (arch, sourcerpm, build time, NEVRA) is all in the pool cache
  const packages = await loadPackages(repo, { poolCache: { dir: poolCacheDir() } });
  const arches: Record<string, number> = {};
  const sources = new Set<string>();
  let sourcePackages = 0;
  for (const p of packages) {
    arches[p.arch] = (arches[p.arch] ?? 0) + 1;
    if (p.arch === 'src' || p.arch === 'nosrc') sourcePackages++;
    else if (p.sourcerpm) sources.add(p.sourcerpm);
  }
  const newest = [...packages]
    .sort((a, b) => (b.time?.build ?? 0) - (a.time?.build ?? 0) || formatNevra(a).localeCompare(formatNevra(b)))
    .slice(0, NEWEST)
    .map((p) => ({ nevra: formatNevra(p), ...(p.time?.build ? { buildTime: new Date(p.time.build * 1000).toISOString() } : {}) }));
  const info: RepoInfo = {
    location,
    ...(repo.repomd.revision !== undefined ? { revision: repo.repomd.revision } : {}),
    dataTypes: types,
    packages: packages.length,
    sourceRpms: sources.size,
    sourcePackages,
    arches: Object.fromEntries(Object.entries(arches).sort(([a], [b]) => a.localeCompare(b))),
    newest,
  };
  // optional metadata: a listed file that cannot be read is reported, not fatal to the summary
  const optional = async <T>(type: string, read: (stream: Readable) => Promise<T>): Promise<T | undefined> => {
    try {
      return await read(await repo.openData(type));
    } catch (err) {
      if (!isFerryError(err, 'REPO_FETCH') && !isFerryError(err, 'NOT_FOUND')) throw err;
      (info.unreadable ??= []).push(type);
      return undefined;
    }
  };
  const entryName = (type: string) => repo.entry(type)?.location ?? type;
  if (types.includes('modules')) {
    const md = await optional('modules', (s) => readModules(s, { file: entryName('modules') }));
    if (md) info.modules = summarizeModules(md);
  }
  if (types.includes('updateinfo')) {
    const list = await optional('updateinfo', (s) => readAdvisories(s, { file: entryName('updateinfo') }));
    if (list) info.advisories = summarizeAdvisories(list);
  }
  // group_gz first: some repositories (osbuild's test copies) list an uncompressed comps they do not ship
  for (const type of ['group_gz', 'group', 'group_xz', 'group_zck'].filter((t) => types.includes(t))) {
    const comps = await optional(type, (s) => readComps(s, { file: entryName(type) }));
    if (!comps) continue;
    info.groups = { groups: comps.groups.length, environments: comps.environments.length, categories: comps.categories.length };
    break;
  }
  return info;
}

function summarizeModules(md: ModulesMetadata): NonNullable<RepoInfo['modules']> {
  const byModule: Record<string, Set<string>> = {};
  for (const s of md.streams) (byModule[s.name] ??= new Set()).add(s.stream);
  const names = Object.keys(byModule).sort();
  // the newest version of each stream is what dnf offers; count distinct name:stream pairs
  const latest = new Map<string, string>();
  for (const s of md.streams) {
    const key = `${s.name}:${s.stream}`;
    const cur = latest.get(key);
    if (cur === undefined || compareModuleVersions(s.version, cur) > 0) latest.set(key, s.version);
  }
  return {
    streams: latest.size,
    modules: names.length,
    defaults: md.defaults.length,
    byModule: Object.fromEntries(names.map((n) => [n, [...byModule[n]].sort()])),
  };
}

function summarizeAdvisories(list: Advisory[]): NonNullable<RepoInfo['advisories']> {
  const byType: Record<string, number> = {};
  const bySeverity: Record<string, number> = {};
  const cves = new Set<string>();
  for (const a of list) {
    byType[a.type || 'unknown'] = (byType[a.type || 'unknown'] ?? 0) + 1;
    const sev = a.severity ?? 'None';
    bySeverity[sev] = (bySeverity[sev] ?? 0) + 1;
    for (const c of a.cves) cves.add(c);
  }
  return { count: list.length, byType, bySeverity, cves: cves.size };
}

