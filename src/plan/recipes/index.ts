/**
 * Recipes by path method: the one answer to "which steps does a path of this method take", and so to
 * "can Ferry plan this path" (build.ts unplannablePath asks it). A method without a recipe is refused.
 */
import type { PathMethod } from '../../catalog/index.js';
import { crossMajorPes } from './cross-major-pes.js';
import { sameMajorSwap } from './same-major-swap.js';
import type { Recipe } from './types.js';

export const RECIPES: Partial<Record<PathMethod, Recipe>> = {
  'same-major-swap': sameMajorSwap,
  'cross-major-pes': crossMajorPes,
};

export function recipeFor(method: PathMethod): Recipe | undefined {
  return RECIPES[method];
}

export type { Recipe, RecipeInput, RecipeOutput } from './types.js';
export { crossMajorTransaction } from '../../assess/index.js';
