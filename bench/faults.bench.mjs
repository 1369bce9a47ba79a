// The fault soak: `npm run bench -- faults --n=50 [--seed=S] [--kind=KIND]`; `--kind=route` the route fault matrix (scripts/bench/faults.ts says what it does and checks).
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'bench', 'faults.ts'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
