// The import-layer rules of ../shared/DESIGN.md, as data: each src/ folder and the folders it may import.
// Used by eslint.config.js (no-restricted-imports) and by scripts/layers.test.ts.
export const LAYERS = {
  core: [],
  rpm: ['core'],
  catalog: ['core', 'rpm'],
  solver: ['core', 'rpm'],
  transport: ['core'],
  facts: ['core', 'rpm', 'transport'],
  assess: ['core', 'rpm', 'solver', 'catalog', 'facts'],
  plan: ['core', 'rpm', 'solver', 'catalog', 'facts', 'assess'],
  exec: ['core', 'rpm', 'solver', 'catalog', 'transport', 'facts', 'assess', 'plan'],
  fleet: ['core'],
  vuln: ['core', 'rpm'],
  report: ['core', 'rpm', 'solver', 'catalog', 'facts', 'assess', 'plan', 'exec', 'fleet', 'vuln'],
  store: ['core', 'rpm', 'solver', 'catalog', 'facts', 'assess', 'plan', 'exec', 'report', 'fleet', 'vuln'],
  app: ['core', 'rpm', 'solver', 'catalog', 'transport', 'facts', 'assess', 'plan', 'exec', 'report', 'store', 'fleet', 'vuln'],
  // cli hosts `ferry serve`, which starts the api adapter.
  cli: ['core', 'app', 'report', 'catalog', 'rpm', 'fleet', 'api'],
  api: ['core', 'app', 'report', 'catalog', 'rpm', 'fleet'],
};
