export * from './types.js';
export { buildPlan, conversionOf, gateInhibitors, planSwap, sourceReleaseOf, type BuildPlanInput } from './build.js';
