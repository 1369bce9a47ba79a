/**
 * The dashboard: the files vite built from web/ (web/dist in the source tree, dist/web in the package),
 * served with a strict Content-Security-Policy (own scripts and styles only: nothing from a CDN). Paths
 * that are not files are the single-page app's own routes and get index.html.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { Hono } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json',
};
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/** Where the built dashboard is: beside the compiled API (package) or in the source tree. */
export function dashboardDirectory(): string | undefined {
  return [join(import.meta.dirname, '..', 'web'), join(import.meta.dirname, '..', '..', 'web', 'dist')].find((d) => existsSync(join(d, 'index.html')));
}

export function dashboard(dir = dashboardDirectory()): Hono {
  const app = new Hono();
  const files = new Map<string, { body: Buffer; type: string }>();
  const load = (rel: string): { body: Buffer; type: string } | undefined => {
    if (!dir) return undefined;
    let f = files.get(rel);
    if (!f) {
      const path = normalize(join(dir, rel));
      if (!path.startsWith(dir + sep) || !existsSync(path) || !statSync(path).isFile()) return undefined;
      f = { body: readFileSync(path), type: TYPES[extname(path)] ?? 'application/octet-stream' };
      files.set(rel, f);
    }
    return f;
  };
  app.get('*', (c) => {
    const rel = c.req.path === '/' ? 'index.html' : c.req.path.slice(1);
    const asset = rel.startsWith('assets/') ? load(rel) : undefined;
    const f = asset ?? (rel.startsWith('assets/') ? undefined : load('index.html'));
    if (!f) return c.text(dir ? `No file ${c.req.path}` : 'The dashboard is not built (npm run build builds it into the package)', 404);
    c.header('Content-Security-Policy', CSP);
    // Built assets carry a content hash in their names: cached for good; index.html is always revalidated.
    c.header('Cache-Control', asset ? 'public, max-age=31536000, immutable' : 'no-cache');
    return c.body(new Uint8Array(f.body), 200, { 'content-type': f.type });
  });
  return app;
}
