/** Convenience: a whole repository's packages in memory, files merged from filelists. */
import { FerryError } from '../../core/errors.js';
import type { Package } from '../types.js';
import { loadRepoPool } from '../columnar.js';
import { readFilelists } from './filelists.js';
import { createInterner, readPrimary } from './primary.js';
import type { Repo } from './repo.js';

export interface LoadOptions {
  /** Replace each package's primary file subset with its complete list from filelists.xml. */
  filelists?: boolean;
  /** Set on every package (Package.repoid). */
  repoid?: string;
  /**
   * Read primary through the columnar pool and its binary cache in this directory (keyed by the checksum
   * repomd lists for primary, verified on load, rebuilt when it does not verify). Packages then carry what
   * the pool keeps: NEVRA, dependencies, files, location, pkgid, sourcerpm, vendor, times (no summary,
   * description, sizes or other descriptive fields).
   */
  poolCache?: { dir: string; warn?: (message: string) => void };
}

export async function loadPackages(repo: Repo, options: LoadOptions = {}): Promise<Package[]> {
  const intern = createInterner();
  const name = repo.entry('primary')?.location ?? 'primary';
  const packages: Package[] = [];
  if (options.poolCache) {
    const { pool } = await loadRepoPool(repo, {
      name: options.repoid ?? repo.location, cacheDir: options.poolCache.dir,
      ...(options.poolCache.warn ? { warn: options.poolCache.warn } : {}),
    });
    // the cache may have been written for the same primary under another location: repoid is this load's
    for (let s = 0; s < pool.solvableCount; s++) packages.push(pool.packageAt(s, options.repoid ?? null));
  } else {
    for await (const pkg of readPrimary(await repo.openData('primary'), { name, intern })) {
      if (options.repoid !== undefined) pkg.repoid = options.repoid;
      packages.push(pkg);
    }
  }
  if (options.filelists) {
    const byId = new Map<string, Package>();
    for (const p of packages) if (p.pkgid) byId.set(p.pkgid, p);
    const flName = repo.entry('filelists')?.location ?? 'filelists';
    for await (const entry of readFilelists(await repo.openData('filelists'), { name: flName, intern })) {
      const p = byId.get(entry.pkgid);
      if (p === undefined) {
        throw new FerryError('REPO_METADATA',
          `${flName}: package ${entry.name} (pkgid ${entry.pkgid}) is not in primary`);
      }
      p.files = entry.files;
    }
  }
  return packages;
}
