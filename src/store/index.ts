export * from './types.js';
export { openSqliteStore, type OpenSqliteOptions } from './sqlite.js';
export { MIGRATIONS, type Migration } from './migrations.js';
