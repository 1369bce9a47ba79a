// The build: compiles src/ to dist/ (tsconfig.build.json), then copies beside the compiled modules every
// other file under src/ they may read at run time (catalog data with the vendored GPG key armor, JSON
// schemas; not TypeScript, not the Python generator), so dist/ resolves them exactly as src/ does and the
// package (`npm pack`: bin/ and dist/) runs without the source tree or ../shared. dist/ is emptied first, so
// a file deleted from src/ does not linger in a package. The dashboard (web/) is built by vite into web/dist and
// copied to dist/web, where `ferry serve` finds it (src/api/static.ts).
import { cpSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = join(import.meta.dirname, '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
cpSync(join(root, 'src'), join(root, 'dist'), { recursive: true, filter: (src) => statSync(src).isDirectory() || !/\.(py|ts)$/.test(src) });
// The catalog data shipped in dist/ is validated here, once, and its digest recorded beside it: the CLI then
// skips compiling the catalog's schemas for these bytes (src/catalog/load.ts, VALIDATED_RECORD).
const { recordValidatedCatalog } = await import(pathToFileURL(join(root, 'dist', 'catalog', 'load.js')).href);
recordValidatedCatalog(join(root, 'dist', 'catalog', 'data'));
const { build } = await import('vite');
await build({ configFile: join(root, 'web', 'vite.config.mjs') });
cpSync(join(root, 'web', 'dist'), join(root, 'dist', 'web'), { recursive: true });
