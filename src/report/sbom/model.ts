/**
 * The SBOM's content, format-neutral: one component per installed package with its purl, license,
 * supplier, checksums, source rpm, signing key and the installed packages it depends on. Each format
 * (spdx-2.3.ts, spdx-3.ts, cyclonedx.ts) renders this model; the diff (diff.ts) compares two of them. Pure.
 */
import { type HostFacts, relationKey } from '../../facts/index.js';
import { parseRpmFilename } from '../../rpm/nevra.js';
import { mapRpmLicense, type MappedLicense } from './license.js';
import { rpmPurl } from './purl.js';

export const SBOM_FORMATS = ['spdx-2.3', 'spdx-3.0', 'cyclonedx-1.6'] as const;
export type SbomFormat = (typeof SBOM_FORMATS)[number];

export interface SbomComponent {
  /** relationKey (NEVRA, epoch always shown): unique within an SBOM, the reference relationships use. */
  key: string;
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: string;
  purl: string;
  /** The package's Vendor tag (who supplied it), when the header has one. */
  supplier?: string;
  license: MappedLicense;
  /** The License tag as written. */
  licenseText?: string;
  sourcerpm?: string;
  /** The source package's name (from the source rpm file name): pairs a package across a vendor switch. */
  sourceName?: string;
  /** Lower-case hex key id of the signing key; undefined when unsigned. */
  signingKey?: string;
  checksums: Array<{ algorithm: 'SHA256' | 'SHA1' | 'MD5'; value: string; of: 'header' | 'header+payload' }>;
  /** Keys of the components this one requires (resolved against the installed set). */
  dependsOn: string[];
}

export interface SbomModel {
  /** The host (its store name) the SBOM describes. */
  hostName: string;
  /** When the facts were collected (ISO 8601): the SBOM describes that moment. */
  collectedAt: string;
  /** os-release PRETTY_NAME or ID VERSION_ID, when known. */
  system?: string;
  /** `<ID>-<VERSION_ID>` (syft's purl `distro` qualifier), when os-release was read. */
  distro?: string;
  components: SbomComponent[];
  /** Whether dependency relationships were read (the relations section); false: the SBOM has none. */
  relationships: boolean;
  toolVersion: string;
}

function sourceNameOf(srpm: string | undefined): string | undefined {
  if (!srpm) return undefined;
  try {
    return parseRpmFilename(srpm).name;
  } catch {
    return undefined;
  }
}

/** The model of a host's facts. Without the packages section there is nothing to describe: undefined. */
export function sbomModelOf(facts: HostFacts, o: { hostName: string; toolVersion: string }): SbomModel | undefined {
  if (!facts.packages) return undefined;
  const os = facts.os;
  const distro = os?.id && os.versionId ? `${os.id}-${os.versionId}` : undefined;
  const rel = new Map((facts.relations?.packages ?? []).map((r) => [r.nevra, r]));
  const components = facts.packages.map((p): SbomComponent => {
    const key = relationKey(p);
    const r = rel.get(key);
    const checksums: SbomComponent['checksums'] = [];
    const digest = r?.headerDigest && /^(sha256|sha1):([0-9a-f]+)$/.exec(r.headerDigest);
    if (digest && digest[1] && digest[2]) checksums.push({ algorithm: digest[1] === 'sha256' ? 'SHA256' : 'SHA1', value: digest[2], of: 'header' });
    if (r?.sigmd5 && /^[0-9a-f]{32}$/.test(r.sigmd5)) checksums.push({ algorithm: 'MD5', value: r.sigmd5, of: 'header+payload' });
    // syft's namespace: the distribution's os-release ID; a package list without os-release: its vendor's first word.
    const namespace = os?.id ?? p.vendor?.split(/[\s,]+/)[0];
    const sourceName = sourceNameOf(p.sourcerpm);
    return {
      key, name: p.name, epoch: p.epoch, version: p.version, release: p.release ?? '', arch: p.arch,
      purl: rpmPurl({
        name: p.name, epoch: p.epoch, version: p.version, release: p.release ?? '', arch: p.arch,
        ...(namespace ? { namespace } : {}), ...(distro ? { distro } : {}), ...(p.epochSet !== undefined ? { epochSet: p.epochSet } : {}), ...(p.sourcerpm ? { sourcerpm: p.sourcerpm } : {}),
      }),
      ...(p.vendor ? { supplier: p.vendor } : {}),
      license: mapRpmLicense(p.license),
      ...(p.license ? { licenseText: p.license } : {}),
      ...(p.sourcerpm ? { sourcerpm: p.sourcerpm } : {}),
      ...(sourceName ? { sourceName } : {}),
      ...(p.signature ? { signingKey: p.signature.keyId } : {}),
      checksums,
      dependsOn: r?.dependsOn ?? [],
    };
  });
  return {
    hostName: o.hostName,
    collectedAt: facts.collectedAt,
    ...(os ? { system: os.prettyName ?? `${os.id} ${os.versionId ?? ''}`.trim() } : {}),
    ...(distro ? { distro } : {}),
    components,
    relationships: facts.relations !== undefined,
    toolVersion: o.toolVersion,
  };
}
