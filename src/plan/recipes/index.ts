/**
 * Recipes by path method: the one answer to "which steps does a path of this method take", and so to
 * "can Ferry plan this path". A method without a recipe (cross-major-pes: a Leapp-style upgrade) is refused.
 */
import type { PathMethod } from '../../catalog/index.js';
import { sameMajorSwap } from './same-major-swap.js';
import type { Recipe } from './types.js';

export const RECIPES: Partial<Record<PathMethod, Recipe>> = {
  'same-major-swap': sameMajorSwap,
};

export function recipeFor(method: PathMethod): Recipe | undefined {
  return RECIPES[method];
}

export type { Recipe, RecipeInput, RecipeOutput } from './types.js';
