/** Repository metadata readers (see each module for its contract). */
export * from './xml.js';
export * from './decompress.js';
export * from './fetch.js';
export * from './repo.js';
export * from './primary.js';
export * from './filelists.js';
export * from './load.js';
