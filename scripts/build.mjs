// The build: compiles src/ to dist/ (tsconfig.build.json), then copies the run-time data the compiled code
// reads beside it — catalog data with the vendored GPG key armor, and the published JSON schemas — so the
// package (`npm pack`: bin/ and dist/) runs without the source tree or ../shared.
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = join(import.meta.dirname, '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
for (const dir of ['catalog/data', 'report/schema']) {
  cpSync(join(root, 'src', dir), join(root, 'dist', dir), { recursive: true, filter: (src) => !/\.(py|ts)$/.test(src) });
}
