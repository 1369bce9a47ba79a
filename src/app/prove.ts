/**
 * The prove use cases' one way to get a host's facts (a live host or root, a stored snapshot, a package
 * list), and the SBOM of them. `ferry sbom`, `ferry cve` and the migration proof all start here.
 */
import { FerryError } from '../core/index.js';
import { collectFacts, readPackageListFile, type HostFacts } from '../facts/index.js';
import { renderSbom, requireSbomModel, type SbomFormat, type SbomModel } from '../report/sbom/index.js';
import type { Store } from '../store/index.js';
import { snapshotFacts } from './fleet-assess.js';
import { type HostOptions, withHost } from './host.js';
import { storeHostName } from './store.js';

export interface ProveSource {
  /** A host to collect now (local, SSH, with a root prefix). */
  host?: HostOptions;
  /** The newest stored fact snapshot of this host name. */
  snapshot?: string;
  /** A package list file (rpm -qa, NEVRA list, queryformat, sosreport). */
  manifest?: string;
  /** Needed with `snapshot`. */
  store?: Pick<Store, 'latestFactSnapshot'>;
  /** Ferry's version, named as the SBOM's creating tool. */
  toolVersion: string;
}

export interface HostFactsOf { hostName: string; facts: HostFacts }

export async function factsForProof(o: ProveSource): Promise<HostFactsOf> {
  const given = [o.host, o.snapshot, o.manifest].filter((x) => x !== undefined).length;
  if (given !== 1) throw new FerryError('USAGE', 'Give exactly one of a host, --snapshot HOST or --manifest FILE');
  if (o.manifest !== undefined) return { hostName: o.manifest, facts: await readPackageListFile(o.manifest) };
  if (o.snapshot !== undefined) {
    if (!o.store) throw new FerryError('USAGE', '--snapshot needs a store (--store or FERRY_STORE)');
    const s = await o.store.latestFactSnapshot(o.snapshot);
    if (!s) throw new FerryError('NOT_FOUND', `no stored fact snapshot of host ${o.snapshot}`, { hint: 'collect it first: ferry fleet collect, or give the host itself' });
    const facts = snapshotFacts(s);
    if (typeof facts === 'string') throw new FerryError('DOCUMENT_INVALID', `the stored facts of ${o.snapshot} cannot be read: ${facts}`, { hint: 'collect the host again' });
    return { hostName: o.snapshot, facts };
  }
  const host = o.host ?? { host: 'local' };
  return { hostName: storeHostName(host), facts: await withHost(host, (t) => collectFacts(t)) };
}

export function sbomModelFor(f: HostFactsOf, toolVersion: string): SbomModel {
  return requireSbomModel(f.facts, { hostName: f.hostName, toolVersion });
}

/** The SBOM document of a host, snapshot or package list in one format. */
export async function hostSbom(o: ProveSource & { format: SbomFormat }): Promise<Record<string, unknown>> {
  return renderSbom(sbomModelFor(await factsForProof(o), o.toolVersion), o.format);
}
