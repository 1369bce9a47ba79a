export * from './types.js';
export { buildPlan, planSwap, sourceReleaseOf, type BuildPlanInput } from './build.js';
