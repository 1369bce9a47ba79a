export * from './errors.js';
export * from './canonical.js';
export * from './log.js';
export * from './json.js';
export * from './schema.js';
export * from './close-matches.js';
export * from './glob.js';
export * from './progress.js';
