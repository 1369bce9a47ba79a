/**
 * A CentOS 7 host on the route to Rocky 9 whose second hop is inhibited: a third-party package needing libidn's
 * soname, which CentOS 7 and Rocky 8 carry and Rocky 9 does not (PES event 2269 removes libidn in 8 → 9), with
 * small Rocky 8 and Rocky 9 repository views. For the route walk's tests and the renderers'.
 */
import { assert } from '../../core/index.js';
import { loadCatalog } from '../../catalog/index.js';
import type { HostFacts, PackageDependencies } from '../../facts/index.js';
import { createPool, parseCapability } from '../../rpm/pool.js';
import type { Package } from '../../rpm/types.js';
import { predictedFacts } from '../predicted-facts.js';
import type { TargetRepoView } from '../types.js';
import { baseFacts, inst, pkg } from './fixtures.js';

const catalog = loadCatalog();
export const LIBIDN = 'libidn.so.11()(64bit)';
const deps = (nevra: string, d: Partial<PackageDependencies> = {}): PackageDependencies => ({ nevra, provides: [], requires: [], conflicts: [], obsoletes: [], files: [], ...d });
const providing = (nevra: string, vendor: string, provides: string[] = []): Package => {
  const p = pkg(nevra);
  return { ...p, vendor, repoid: 'test', provides: [...p.provides, ...provides.map(parseCapability)] };
};
const repo = (release: string, packages: Package[]): TargetRepoView => ({ release, locations: [`/srv/${release}`], pool: createPool(packages) });

/** A CentOS 7 host with a third-party package needing libidn's soname: Rocky 8 carries libidn, Rocky 9 does not (as PES event 2269 has it). */
export function centos7(): HostFacts {
  const packages = [inst('bash-4.2.46-34.el7.x86_64', { vendor: 'CentOS' }), inst('libidn-1.28-4.el7.x86_64', { vendor: 'CentOS' }), inst('acme-idn-1.0-1.x86_64', { vendor: 'Acme Corp' })];
  const dependencies = [
    deps('acme-idn-0:1.0-1.x86_64', { provides: ['acme-idn = 1.0-1'], requires: [LIBIDN] }),
    deps('bash-0:4.2.46-34.el7.x86_64', { provides: ['bash = 4.2.46-34.el7'] }),
    deps('libidn-0:1.28-4.el7.x86_64', { provides: ['libidn = 1.28-4.el7', LIBIDN] }),
  ];
  const bare = baseFacts({ packages, dependencies, kernel: undefined, rpmdb: undefined });
  // The relations section as the host's own rule resolves it (predictedFacts of a transaction that changes nothing).
  const facts = predictedFacts({ facts: bare, prediction: { ok: true, changes: [] }, target: [], release: catalog.release('centos-7') });
  assert(facts, 'predictedFacts of a host with packages and dependencies');
  return facts;
}
export const rocky8 = repo('rocky-8', [providing('bash-4.4.20-4.el8.x86_64', 'Rocky'), providing('libidn-1.34-5.el8.x86_64', 'Rocky', [LIBIDN])]);
export const rocky9 = repo('rocky-9', [providing('bash-5.1.8-6.el9.x86_64', 'Rocky')]);
