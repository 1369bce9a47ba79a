export * from './types.js';
export { buildPlan, conversionOf, dnfEnvFor, gateInhibitors, planPes, planSwap, routeFor, sourceReleaseOf, unplannablePath, type BuildPlanInput, type PlanInputs } from './build.js';
export * from './steps/index.js';
export { recipeFor, RECIPES, type Recipe, type RecipeInput, type RecipeOutput } from './recipes/index.js';
export { checkPlan, parsePlan, planErrors, planId, planSchema, routePlanSchema } from './schema.js';
export { predictPlanTransaction, publishedPlan, type PublishedPlan } from './predicted.js';
