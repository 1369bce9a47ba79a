/**
 * Report downloads: files under the directory given to `ferry serve --reports` (fleet reports written by
 * `ferry fleet report --out`, CSV exports). A path that leaves the directory — `..` segments, an absolute
 * path, a NUL, a symbolic link pointing outside — is API_PATH_INVALID naming it; a missing file is NOT_FOUND.
 */
import { realpathSync, statSync, readFileSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Context } from 'hono';
import { FerryError } from '../core/index.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.csv': 'text/csv; charset=utf-8', '.txt': 'text/plain; charset=utf-8', '.md': 'text/markdown; charset=utf-8',
};

const inside = (dir: string, path: string): boolean => {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
};

/** The file `requested` (the URL's path after /api/reports/, still percent-encoded) names inside `dir`. */
export function resolveReportPath(dir: string, requested: string): string {
  let rel: string;
  try {
    rel = decodeURIComponent(requested);
  } catch {
    throw new FerryError('API_PATH_INVALID', `Report path ${JSON.stringify(requested)} is not valid percent-encoding`);
  }
  if (rel.includes('\0') || isAbsolute(rel) || rel.split(/[\\/]/).includes('..')) {
    throw new FerryError('API_PATH_INVALID', `Report path ${JSON.stringify(rel)} leaves the reports directory`, { hint: 'Name a file inside it, e.g. fleet.html.' });
  }
  const root = realpathSync(dir);
  const path = resolve(root, rel);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new FerryError('NOT_FOUND', `No report ${JSON.stringify(rel)} in the reports directory`, { hint: 'ferry fleet report --format html --out DIR/fleet.html writes one there.' });
  }
  if (!inside(root, real)) throw new FerryError('API_PATH_INVALID', `Report path ${JSON.stringify(rel)} leads outside the reports directory (a symbolic link)`);
  if (!statSync(real).isFile()) throw new FerryError('NOT_FOUND', `Report ${JSON.stringify(rel)} is not a file`);
  return real;
}

export function reportFile(c: Context, dir: string | undefined, requested: string): Response {
  if (dir === undefined) throw new FerryError('NOT_FOUND', 'This server has no reports directory', { hint: 'Start it with ferry serve --reports DIR.' });
  const path = resolveReportPath(dir, requested);
  const body = readFileSync(path);
  c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  return c.body(body, 200, { 'content-type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream' });
}
