import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mountsSection } from './mounts.js';

/** `s_mounts` run by sh on `root`, with PATH starting at `pathDir` when given. */
function runMounts(root: string, pathDir?: string): { stdout: string; status: number | null } {
  const r = spawnSync('sh', ['-c', `${mountsSection.script}\ns_mounts`, 'sh'], {
    encoding: 'utf8', env: { ...process.env, R: root, ...(pathDir ? { PATH: `${pathDir}:${process.env.PATH ?? ''}` } : {}) },
  });
  return { stdout: r.stdout, status: r.status };
}

/** Numbers masked: the disk is shared, so its used and free blocks change between two df runs. */
const shape = (dfOutput: string): string => dfOutput.replace(/\d+/g, 'N');

/** What the part printed before it ran one df for every path: a df and a sed per existing path. */
function perPathReference(root: string, paths: string[]): string {
  return paths.map((p) => {
    const r = spawnSync('sh', ['-c', 'df -P -k "$1" | sed -n 2p', 'sh', `${root}${p}`], { encoding: 'utf8' });
    return `${p}\t${r.stdout}`;
  }).join('');
}

test('s_mounts: one df for every existing path prints what a df per path printed; a failing df falls back to one per path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-mounts-'));
  try {
    const all = ['/', '/var', '/boot', '/usr'];
    const cases: [string, string[]][] = [['all four', all], ['boot', ['/', '/boot']], ['root-only', ['/']]];
    for (const [what, paths] of cases) {
      const root = join(dir, what);
      for (const p of paths) mkdirSync(join(root, p), { recursive: true });
      const got = runMounts(root);
      assert.equal(got.status, 0, what);
      assert.equal(shape(got.stdout), shape(perPathReference(root, paths)), what);
    }
    // A df that refuses several operands (as one unreadable path makes it fail): the per-path loop's output.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'df'), '#!/bin/sh\n[ $# -gt 3 ] && { echo "df: refused" >&2; exit 1; }\nexec /bin/df "$@"\n');
    chmodSync(join(bin, 'df'), 0o755);
    const root = join(dir, 'all four');
    const fallback = runMounts(root, bin);
    assert.equal(shape(fallback.stdout), shape(perPathReference(root, all)));
    assert.equal(fallback.stdout.split('\n').length, all.length + 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
