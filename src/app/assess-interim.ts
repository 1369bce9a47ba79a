// INTERIM: stands in for src/assess assessTargets (checks + ranking, another engineer) until it lands; computes
// fates only, no findings, no ranking. Deleted when the real assessTargets is exported.
import type { Catalog } from '../catalog/index.js';
import type { HostFacts } from '../facts/types.js';
import { computeFates, countFates } from '../assess/fates.js';
import type { Assessment, TargetRepoView } from '../assess/types.js';

export function assessTargets(i: { facts: HostFacts; catalog: Catalog; targets: { release: string; repo?: TargetRepoView }[]; today: string }): Assessment {
  return {
    formatVersion: 1, assessedAt: new Date().toISOString(), host: { origin: i.facts.origin, source: i.facts.source }, sourceRelease: null, sourceName: i.facts.os?.prettyName ?? 'unknown',
    targets: i.targets.map((t, n) => {
      const fates = t.repo ? computeFates({ installed: i.facts.packages ?? [], pool: t.repo.pool, origin: { sourceVendor: 'CentOS' } }) : [];
      return { target: t.release, targetName: i.catalog.release(t.release).distributionInfo.name, path: null, repositories: t.repo?.locations ?? [], findings: [], inhibitors: [], fates, counts: countFates(fates), score: 0, rank: n + 1, reasons: [] };
    }),
  };
}
