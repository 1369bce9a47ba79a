import { posix } from 'node:path';
import { FerryError } from '../core/index.js';

/**
 * The path of `path` below `root`. `path` must be absolute; `..` cannot climb above the root. Symlinks are
 * not followed here (the caller's file system does that), so an absolute symlink inside an image can still
 * point outside it; fact scanners resolve the final symlink hop themselves.
 */
export function underRoot(root: string | undefined, path: string): string {
  if (!path.startsWith('/')) throw new FerryError('USAGE', `Path ${JSON.stringify(path)} must be absolute`);
  if (path.includes('\0')) throw new FerryError('USAGE', 'A path contains a NUL byte');
  const clean = posix.normalize(posix.resolve('/', path));
  if (root === undefined || root === '/' || root === '') return clean;
  return posix.join(root, clean);
}

/** A root prefix missing on the host `on` ("this machine", a host name): the one error for it, whoever finds it. */
export function rootNotFound(root: string, on: string): FerryError {
  return new FerryError('NOT_FOUND', `The root ${root} does not exist on ${on}`, {
    hint: '--root names a directory holding an installed system (a mounted image or an installed root).',
  });
}

/** Validates a root prefix: absolute, no NUL, normalised without a trailing slash. */
export function normaliseRoot(root: string | undefined): string | undefined {
  if (root === undefined) return undefined;
  if (!root.startsWith('/') || root.includes('\0') || root.includes('\n')) {
    throw new FerryError('HOST_INVALID', `Root prefix ${JSON.stringify(root)} must be an absolute path`);
  }
  const n = posix.normalize(root).replace(/\/+$/, '');
  return n === '' ? undefined : n;
}
