/** src/assess: pure checks, per-package fates and multi-target ranking over HostFacts. */
export * from './types.js';
export { assessRoute, assessTargets, pesResultFor, sourceMinorVersion, type AssessTargetsInput, type HopTarget, type RouteWalk, type WalkedHop } from './assess.js';
export { computeFates, countFates, crossMajorTransaction, distTagRebuild, leftBehind, leftBehindOf, modularFilter, pesTransaction, type FateInput } from './fates.js';
export { classifyOrigin, detectSourceVendor, type OriginRule, type Origin } from './origin.js';
export { availableNames, computeVendorSwap, vendorSwapPlan, type VendorSwapInput } from './vendor-swap.js';
export {
  compareRanked, rankTargets, rankingReasons, recommendFleetTarget, recommendHostTarget, TIER_POINTS,
  type FleetRecommendation, type FleetResult, type RankKey,
} from './rank.js';
export { hostLevelFindingKeys, splitHostFindings } from './host-findings.js';
export { READINESS, targetReadiness, type Readiness } from './readiness.js';
export { assessedFacts, assessmentInputKey } from './inputs.js';
export { detectSourceRelease, osReleaseFor } from './source.js';
export { CHECKS } from './checks/index.js';
export { buildMigrationPool, erasureChain, predictMigration, transactionLines, type ErasureCause, type PredictedAction, type RemovalJob, type PredictedChange, type PredictInput, type Prediction } from './predict.js';
export { predictedFacts } from './predicted-facts.js';
