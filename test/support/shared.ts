import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

/** ../shared/data beside the project (see its README); tests using it skip cleanly when absent. */
export const SHARED_DATA = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data');

export function sharedPath(...parts: string[]): string {
  return join(SHARED_DATA, ...parts);
}

/** For node:test's `skip` option: false when the file exists, else a reason string. */
export function skipUnlessShared(...parts: string[]): false | string {
  return existsSync(sharedPath(...parts)) ? false : `../shared/data/${parts.join('/')} is absent`;
}

/** For node:test's `skip` option: false when every tool is on PATH, else a reason string. */
export function skipUnlessTools(...tools: string[]): false | string {
  const missing = tools.filter((t) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', t]).status !== 0);
  return missing.length === 0 ? false : `missing tools: ${missing.join(', ')}`;
}
