/**
 * The catalog's public types. Every fact a user could dispute is a `Fact<T>`: a value and the id of
 * the source it was read from (an entry of data/sources.json). A fact without a source has a null
 * value and a note saying why nothing was recorded — the catalog never invents a value.
 */

export interface Fact<T> {
  value: T | null;
  /** An id in data/sources.json, or null when no source was available (then value is null too). */
  source: string | null;
  note?: string;
  /**
   * What other sources say where they disagree with `value`, each with its source; `rule` says why `value`
   * won (data/successors.py: authority, then the newer document, then the earlier date).
   */
  alternatives?: { value: T; source: string; note?: string }[];
  rule?: string;
}

/** How much a source is worth when sources disagree (vendor official > packaging project > observed on a system > test fixture). */
export type SourceAuthority = 'vendor' | 'packaging' | 'observed' | 'fixture';

/** Where a fact comes from: a URL, a file in ../shared/data (with its upstream repo@commit), or a file in a public repo. */
export interface Source {
  id: string;
  /** `ref`: a stored public file whose repository and path were not recorded (`ref`), known through the research. */
  kind: 'url' | 'shared' | 'code' | 'ref';
  title: string;
  url?: string;
  /** For kind 'shared': the path under ../shared/data; for kind 'code': the path in `repo`. */
  path?: string;
  repo?: string;
  commit?: string;
  ref?: string;
  authority?: SourceAuthority;
  /** The key of this source in ../shared/research/successor-facts.md (e.g. `S4`), where the facts were collected. */
  research?: string;
  /** Source ids of older versions of the same document. */
  supersedes?: string[];
}

/** Supply-chain tier: L1 upstream, L2 commercial, L3 community stable, L4 derivative. */
export type TierId = 'L1' | 'L2' | 'L3' | 'L4';
export interface Tier {
  id: TierId;
  name: string;
  definition: string;
}

export interface Distribution {
  id: string;
  name: string;
  tier: Fact<TierId>;
  /** Distribution ids this one is built from (its upstream in the supply chain). */
  upstream: Fact<string[]>;
  supportModel: Fact<string>;
  vulnerabilityDisclosure: Fact<string>;
  status?: 'discontinued';
}

export interface Release {
  /** e.g. `centos-7`, `rocky-8`, `openeuler-22.03`. */
  id: string;
  distribution: string;
  version: string;
  major: number | null;
  /** General availability date (YYYY-MM-DD). */
  ga: Fact<string>;
  /** End of full/active support (where it differs from `eol`). */
  eolFull: Fact<string>;
  /** End of maintenance/security support: the end of life for a user without a paid extension. */
  eol: Fact<string>;
  /** End of paid extended support. */
  eolExtended: Fact<string>;
  /** Kernel line, e.g. `4.18`. */
  kernel: Fact<string>;
  /** Release ids whose userland this release is compatible with. */
  compatibleWith: Fact<string[]>;
  modulePlatformId: Fact<string>;
  arches: Fact<string[]>;
  /** MAJOR.MINOR versions of the release that exist (where the catalog records them). */
  minors?: Fact<string[]>;
  status?: 'discontinued';
}

/** A release joined with its distribution: what `catalog.release(id)` returns. */
export interface ReleaseView extends Release {
  distributionInfo: Distribution;
}

export interface RepoDef {
  id: string;
  name: string | null;
  baseurl?: string;
  mirrorlist?: string;
  metalink?: string;
  gpgkey?: string[];
  enabled: boolean;
}

export interface ReleaseRepos {
  release: string;
  /** Source id of the repo layout (a mock-core-configs template). */
  source: string;
  repos: RepoDef[];
}

export interface RepoMapRef {
  from: string;
  to: string;
  /** Path under ../shared/data of a Leapp repomap.json. */
  file: string;
  source: string;
}

export interface GpgKey {
  fingerprint: string;
  keyid: string;
  uid: string;
  created: string;
  expires: string;
  rpmName: string;
}
export interface GpgKeyFile {
  file: string;
  sharedPath: string;
  keys: GpgKey[];
}
export interface ReleaseGpgKeys {
  release: string;
  files: string[];
  /** Key files the repo layout names that the fingerprint list does not cover. */
  unresolved: string[];
  source: string;
}

export type VendorRole = 'release' | 'release-eula' | 'repos' | 'gpg-keys' | 'logos' | 'logos-httpd' | 'logos-ipa' | 'backgrounds' | 'indexhtml' | 'epel-release';
export interface VendorPackage {
  role: VendorRole;
  name: string;
  source: string;
  note?: string;
}
export interface VendorMapEntry {
  role: VendorRole | null;
  from: string[];
  to: string[];
  sources: string[];
  note?: string;
}

export interface ResourceNeeds {
  diskMiB?: Fact<Record<string, number>>;
  /** Installed memory (MemTotal). */
  memoryMiB?: Fact<number>;
  /** Memory free when the conversion starts (MemAvailable). */
  freeMemoryMiB?: Fact<number>;
}
/** A condition the vendor documents as blocking this path, judged by the check of that id. */
export interface PathBlocker {
  check: 'gui' | 'i686-packages';
  source: string;
  /** The vendor's words. */
  note: string;
}
export type PathMethod = 'same-major-swap' | 'cross-major-pes';
export interface MigrationPath {
  from: string;
  to: string;
  method: PathMethod;
  source: string;
  note?: string;
  resources?: ResourceNeeds;
  blockers?: PathBlocker[];
  /** Cross-major: the MAJOR.MINOR the path lands on; PES events are applied up to this release, as Leapp does. */
  targetVersion?: Fact<string>;
}

export type LifecyclePhase = 'unreleased' | 'full' | 'maintenance' | 'extended' | 'eol' | 'unknown';
export interface LifecycleStatus {
  release: string;
  today: string;
  phase: LifecyclePhase;
  /** Days until the end of the current phase's support (negative once past eol). */
  daysToEol: number | null;
  ga: string | null;
  eolFull: string | null;
  eol: string | null;
  eolExtended: string | null;
}
