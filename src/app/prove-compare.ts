/** `ferry compare`: drift between two repositories (paths or URLs), each read through the repository cache. */
import { compareRepos, type RepoDrift } from '../rpm/compare.js';
import { loadTargetRepos } from './repos.js';

export interface RepoComparison extends RepoDrift { locations: { a: string[]; b: string[] } }

export async function compareRepositories(a: readonly string[], b: readonly string[]): Promise<RepoComparison> {
  const [va, vb] = await Promise.all([loadTargetRepos('A', a), loadTargetRepos('B', b)]);
  return { locations: { a: [...a], b: [...b] }, ...compareRepos(va.pool.packages, vb.pool.packages) };
}
