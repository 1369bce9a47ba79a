/** Convenience: a whole repository's packages in memory, files merged from filelists. */
import { FerryError } from '../../core/errors.js';
import type { Package } from '../types.js';
import { readFilelists } from './filelists.js';
import { createInterner, readPrimary } from './primary.js';
import type { Repo } from './repo.js';

export interface LoadOptions {
  /** Replace each package's primary file subset with its complete list from filelists.xml. */
  filelists?: boolean;
  /** Set on every package (Package.repoid). */
  repoid?: string;
}

export async function loadPackages(repo: Repo, options: LoadOptions = {}): Promise<Package[]> {
  const intern = createInterner();
  const name = repo.entry('primary')?.location ?? 'primary';
  const packages: Package[] = [];
  for await (const pkg of readPrimary(await repo.openData('primary'), { name, intern })) {
    if (options.repoid !== undefined) pkg.repoid = options.repoid;
    packages.push(pkg);
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
