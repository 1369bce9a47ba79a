/** The embedded WebAssembly module is what primary-scan-build.sh makes of primary-scan.c. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { skipUnlessTools } from '../../../test/support/shared.js';

const here = fileURLToPath(new URL('.', import.meta.url));

test('primary-scan-wasm-module.ts is primary-scan-build.sh\'s output for primary-scan.c', { skip: skipUnlessTools('clang-14', 'wasm-ld-14') }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-wasm-'));
  try {
    const out = join(dir, 'module.ts');
    const r = spawnSync('sh', [join(here, 'primary-scan-build.sh'), out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(out, 'utf8'), readFileSync(join(here, 'primary-scan-wasm-module.ts'), 'utf8'),
      'the committed module is stale: run sh src/rpm/repodata/primary-scan-build.sh');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
