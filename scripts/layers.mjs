// The import-layer rules of ../shared/DESIGN.md, as data: each src/ folder and the folders it may import.
// Used by eslint.config.js (no-restricted-imports) and by scripts/layers.test.ts.
export const LAYERS = {
  core: [],
  rpm: ['core'],
  catalog: ['core', 'rpm'],
  transport: ['core'],
  facts: ['core', 'rpm', 'transport'],
  assess: ['core', 'rpm', 'catalog', 'facts'],
  plan: ['core', 'rpm', 'catalog', 'facts', 'assess'],
  exec: ['core', 'rpm', 'catalog', 'transport', 'facts', 'assess', 'plan'],
  report: ['core', 'rpm', 'catalog', 'facts', 'assess', 'plan', 'exec'],
  store: ['core', 'rpm', 'catalog', 'facts', 'assess', 'plan', 'exec', 'report'],
  app: ['core', 'rpm', 'catalog', 'transport', 'facts', 'assess', 'plan', 'exec', 'report', 'store'],
  cli: ['core', 'app', 'report', 'catalog', 'rpm'],
  api: ['core', 'app', 'report', 'catalog', 'rpm'],
};
