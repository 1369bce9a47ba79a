/**
 * Test support: the AlmaLinux OSV database of ../shared/data/security extracted once per machine (tar -xJ
 * into the OS temp directory, keyed by the tarball's size and mtime) and read as documents.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The directory holding advisories/almalinux{8,9,10}/*.json. */
export function extractAlmaOsv(tarball: string): string {
  const st = statSync(tarball);
  const dir = join(tmpdir(), `ferry-alma-osv-${st.size}-${Math.floor(st.mtimeMs)}`);
  if (existsSync(join(dir, 'advisories'))) return dir;
  const tmp = `${dir}.${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  const r = spawnSync('tar', ['-xJf', tarball, '-C', tmp], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar -xJf ${tarball}: ${r.stderr}`);
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process extracted it first
  }
  return dir;
}

export function* osvDocs(dir: string, release?: string): Generator<{ file: string; doc: unknown }> {
  const base = join(dir, 'advisories');
  for (const sub of readdirSync(base).sort()) {
    if (release && sub !== `almalinux${release}`) continue;
    for (const f of readdirSync(join(base, sub)).sort()) {
      if (f.endsWith('.json')) yield { file: join(sub, f), doc: JSON.parse(readFileSync(join(base, sub, f), 'utf8')) };
    }
  }
}
