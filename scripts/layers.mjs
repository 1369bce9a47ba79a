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
  fleet: ['core'],
  report: ['core', 'fleet', 'rpm', 'catalog', 'facts', 'assess', 'plan', 'exec'],
  store: ['core', 'fleet', 'rpm', 'catalog', 'facts', 'assess', 'plan', 'exec', 'report'],
  app: ['core', 'fleet', 'rpm', 'catalog', 'transport', 'facts', 'assess', 'plan', 'exec', 'report', 'store'],
  cli: ['core', 'fleet', 'app', 'report', 'catalog', 'rpm'],
  api: ['core', 'fleet', 'app', 'report', 'catalog', 'rpm'],
};
