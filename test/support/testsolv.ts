/**
 * Runs Debian's testsolv (libsolv-tools) on a testcase and returns its result lines, reduced to what Ferry's
 * result format models (src/solver/result.ts normaliseReference). Tests skip when testsolv is absent.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { normaliseReference } from '../../src/solver/result.js';

export function testsolvResult(path: string): string[] {
  const r = spawnSync('testsolv', ['-r', path], { encoding: 'utf8' });
  if (r.error) throw r.error;
  return normaliseReference(r.stdout.split('\n'));
}

/** Whether testsolv passes the case: its own result equals the case's `result` lines (exit status 0). */
export function testsolvPasses(path: string): boolean {
  const r = spawnSync('testsolv', [path], { encoding: 'utf8' });
  if (r.error) throw r.error;
  return r.status === 0;
}

/** Where differing scenarios are written: .cache/solver-diff in the repository. */
export const DIFF_DIR = resolve(import.meta.dirname, '..', '..', '.cache', 'solver-diff');

export function writeScenario(dir: string, name: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/**
 * testsolv's result lines for a testcase text (written to a temporary file), or undefined when testsolv is not
 * installed — tests then check their own expected lines only.
 */
export function testsolvText(text: string): string[] | undefined {
  const probe = spawnSync('testsolv', ['-h'], { encoding: 'utf8' });
  if (probe.error) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'ferry-testsolv-'));
  try {
    return testsolvResult(writeScenario(dir, 'case.t', text));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
