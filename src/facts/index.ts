export * from './types.js';
export { collectFacts, type CollectOptions, dominantArch, KERNEL_PACKAGES } from './collect.js';
export { readRpmdbInventory, readPackageListFile } from './offline.js';
export { parseRpmQuery, parsePgpSig } from './parse-rpm.js';
export { PACKAGE_LIST_FORMATS, parsePackageList } from './package-list.js';
export { parseOsRelease, parseRepoFile, parseModuleFile, parseIni } from './parse-config.js';
export { parseProcModules, decodeTainted, parseDfLines, parseMeminfo, parseBoot, parseContainer, parseGui, detectAgents } from './parse-system.js';
export { RPM_QUERYFORMAT, FACTS_SCRIPT } from './script.js';
export { enabledUnitNames } from './parse-workload.js';
