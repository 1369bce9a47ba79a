export * from './errors.js';
export * from './canonical.js';
export * from './log.js';
