export * from './types.js';
export { openSqliteStore, type OpenSqliteOptions } from './sqlite.js';
export { openStore, isPostgresLocation, type OpenStoreOptions } from './open.js';
export { MIGRATIONS, type Migration } from './migrations.js';
