/** The RPM vocabulary shared by every reader, the pool and the solver. */

/** Epoch-Version-Release. A missing epoch is 0 (rpm and libsolv agree); a missing release is "unspecified". */
export interface Evr {
  epoch: number;
  version: string;
  /** undefined when the string had no release: in a dependency, "unspecified", matching any release. */
  release?: string;
}

export interface Nevra extends Evr {
  name: string;
  arch: string;
}

export type DepFlag = 'EQ' | 'LT' | 'LE' | 'GT' | 'GE';

/** A simple dependency `name [op evr]`, as in repodata's <rpm:entry>. Rich deps carry the whole text in `name`. */
export interface Dep {
  name: string;
  flags?: DepFlag;
  evr?: Evr;
  /** `pre="1"` on a requires (Requires(pre)). */
  pre?: boolean;
}

export interface Checksum {
  type: string; // sha256, sha1, sha512, md5 …
  value: string;
}

/** One package as primary.xml (and filelists.xml for files) describe it. */
export interface Package extends Nevra {
  pkgid?: string; // checksum of the package file, the key that ties primary/filelists/other
  checksum?: Checksum;
  summary?: string;
  description?: string;
  url?: string;
  packager?: string;
  vendor?: string;
  license?: string;
  group?: string;
  buildhost?: string;
  sourcerpm?: string;
  location: string;
  locationBase?: string;
  size?: { package: number; installed: number; archive: number };
  time?: { file: number; build: number };
  provides: Dep[];
  requires: Dep[];
  conflicts: Dep[];
  obsoletes: Dep[];
  recommends: Dep[];
  suggests: Dep[];
  supplements: Dep[];
  enhances: Dep[];
  /** Files listed in primary (the "primary" subset); filelists.xml adds the rest. */
  files: string[];
  /** The repository this package came from, when known. */
  repoid?: string;
}
