/** src/catalog: distributions, releases, lifecycle, tiers, vendor packages, repos, GPG keys, paths and PES events. */
export * from './types.js';
export { armorFingerprints, keyArmorPath, readKeyArmor, releaseKeyArmor, type KeyArmor } from './keys.js';
export { loadCatalog, catalogDigest, recordValidatedCatalog, isCrossMajor, targetRelease, validateDataFile, defaultDataDir, type Catalog, type LineageTier } from './load.js';
export { computeLifecycle } from './lifecycle.js';
export { leappDataText, repoMapRefusal } from './leapp-data.js';
export { pathChain, MAX_ROUTE_HOPS } from './routes.js';
export { rpmdbFormatOf, rpmdbMoves, type RpmdbFormat } from './rpmdb.js';
export { DATA_FILES, type DataFileName } from './schemas.js';
export { loadPesEvents, readPesFile, repoMapBeside, parsePesEvents, validatePesDocument, computeTargetPackages, comparePesEvents, relevantReleases, removeUndesiredEvents, PesAction, PES_ARCHES, type PesEvent, type PesFile, type PesPackage, type PesInput, type PesResult, type ModuleStream, type PesRelease } from './pes.js';
export { loadRepoMap, parseRepoMap, validateRepoMapDocument, targetRepoid, repoMapper, type RepoMap, type RepoMapRepository, type RepoMapTarget } from './repomap.js';
