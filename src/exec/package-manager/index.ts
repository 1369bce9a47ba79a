/**
 * The package-manager port (./types.ts) and its adapters: the only place that builds a package manager's
 * argv and configuration. Steps, verification and rollback ask `packageManagerFor(env)`; rpm database
 * queries (./rpmdb.ts) and the detached runner (./detached.ts) are shared by every adapter.
 */
import { dnf } from './dnf.js';
import type { PackageManager, PackageManagerEnv } from './types.js';

/**
 * The adapter that runs a migration's environment. Every supported path runs dnf today (CentOS 7 hosts get
 * dnf from their extras repository, see dnf.require); a yum adapter would be chosen here by the env.
 */
export function packageManagerFor(env: PackageManagerEnv | null): PackageManager {
  void env;
  return dnf;
}

export { isPackageManagerEnv, type HostState, type PackageManager, type PackageManagerEnv, type Transaction } from './types.js';
export { runDetached, type DetachedResult } from './detached.js';
export { duplicatePackages, installedNevras, installedPackageList, installedPackages, installOnlyNames, packageListDifferences, rpmArgv } from './rpmdb.js';
export { parseBaseurl } from './repo-location.js';
export { bindServedRepo, hostEnv, unbindServedRepo } from './served.js';
