import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { LAYERS } from './scripts/layers.mjs';

const all = Object.keys(LAYERS);

/** For src/<layer>/, forbid relative imports that reach a folder the layer may not import. */
const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => {
  const forbidden = all.filter((l) => l !== layer && !allowed.includes(l));
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: forbidden.length === 0 ? [] : [{
          group: forbidden.flatMap((l) => [`../${l}/**`, `../../${l}/**`, `../../../${l}/**`, `../${l}`, `../../${l}`]),
          message: `src/${layer} may import only: ${allowed.join(', ') || '(nothing)'} (see ../shared/DESIGN.md)`,
        }],
      }],
    },
  };
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'coverage/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  ...layerRules,
);
