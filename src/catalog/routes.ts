/**
 * Multi-hop routes: the chain of recorded migration paths from one release to another when the catalog
 * records no direct path (CentOS 7 → Rocky 9 is CentOS 7 → Rocky 8 → Rocky 9). The one path-chain finder:
 * plan asks it (src/plan/build.ts planRoute) with its own answer to "can Ferry plan this hop" as `usable`.
 *
 * The shortest chain in hops wins; among chains of one length, the one whose intermediate releases belong
 * to the target's distribution (each hop then uses one vendor's own data: Rocky 8 → Rocky 9 with Rocky's PES
 * events), then the first by release ids, so the answer never depends on the order of paths.json.
 */
import type { Catalog } from './load.js';
import type { MigrationPath } from './types.js';

/** The paths' hop count before a route is given up (EL7 → EL8 → EL9 needs 2). */
export const MAX_ROUTE_HOPS = 3;

function distributionOf(catalog: Pick<Catalog, 'release'>, id: string): string {
  return catalog.release(id).distribution;
}

/**
 * The shortest chain of recorded, usable paths from → to (each hop's `to` the next hop's `from`), or null
 * when there is none within MAX_ROUTE_HOPS. A direct path is a chain of one.
 */
export function pathChain(catalog: Pick<Catalog, 'paths' | 'release'>, from: string, to: string, usable: (p: MigrationPath) => boolean = () => true): MigrationPath[] | null {
  if (from === to) return null;
  const targetDistribution = distributionOf(catalog, to);
  let frontier: MigrationPath[][] = [[]];
  const seen = new Set([from]);
  for (let hops = 1; hops <= MAX_ROUTE_HOPS; hops++) {
    const next: MigrationPath[][] = [];
    const reached: MigrationPath[][] = [];
    for (const chain of frontier) {
      const at = chain.length ? chain[chain.length - 1].to : from;
      for (const p of catalog.paths({ from: at }).filter(usable)) {
        if (p.to === to) reached.push([...chain, p]);
        else if (!seen.has(p.to)) next.push([...chain, p]);
      }
    }
    if (reached.length) {
      const score = (c: MigrationPath[]): number => c.slice(0, -1).filter((p) => distributionOf(catalog, p.to) !== targetDistribution).length;
      const key = (c: MigrationPath[]): string => c.map((p) => p.to).join(' ');
      return reached.sort((a, b) => score(a) - score(b) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))[0];
    }
    for (const c of next) seen.add(c[c.length - 1].to);
    frontier = next;
  }
  return null;
}
