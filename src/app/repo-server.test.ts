import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { byteRange, servedPath, startRepoServer } from './repo-server.js';

test('servedPath: the mount and the file below it; traversal, dotfiles, encoded separators refused', () => {
  const rows: [string, ReturnType<typeof servedPath>][] = [
    ['/r/repodata/repomd.xml', { mount: 'r', segments: ['repodata', 'repomd.xml'] }],
    ['/r//Packages/a-1.0-1.x86_64.rpm?x=1', { mount: 'r', segments: ['Packages', 'a-1.0-1.x86_64.rpm'] }],
    ['/r/Packages/with%20space.rpm', { mount: 'r', segments: ['Packages', 'with space.rpm'] }],
    ['/r/../etc/passwd', { refused: 'a . or .. segment' }],
    ['/r/%2e%2e/etc/passwd', { refused: 'a . or .. segment' }],
    ['/r/./repodata/repomd.xml', { refused: 'a . or .. segment' }],
    ['/r/Packages%2f..%2f..%2fetc', { refused: 'a path separator or NUL inside a segment' }],
    ['/r/a%5c..%5cb', { refused: 'a path separator or NUL inside a segment' }],
    ['/r/a%00.rpm', { refused: 'a path separator or NUL inside a segment' }],
    ['/r/.git/config', { refused: 'a dotfile' }],
    ['/r/repodata/.hidden', { refused: 'a dotfile' }],
    ['/r/%zz', { refused: 'malformed percent-encoding' }],
    ['/r/', { refused: 'no file named' }],
    ['/', { refused: 'no file named' }],
    ['r/repodata/repomd.xml', { refused: 'not an absolute path' }],
  ];
  for (const [path, expected] of rows) assert.deepEqual(servedPath(path), expected, path);
});

test('byteRange: one range of a 100-byte file, as RFC 9110 reads it', () => {
  const rows: [string | undefined, ReturnType<typeof byteRange>][] = [
    [undefined, null],
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=90-', { start: 90, end: 99 }],
    ['bytes=90-200', { start: 90, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=-500', { start: 0, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=9-3', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=0-1,5-6', null],
    ['items=0-1', null],
  ];
  for (const [header, expected] of rows) assert.deepEqual(byteRange(header, 100), expected, String(header));
});

/** A raw request (the path sent as given: no client-side normalisation of `..`). */
function get(port: number, path: string, o: { method?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolveGet, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers: o.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolveGet({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the repository server: files of the mounted directory only, GET/HEAD only, one byte range; every request logged', async () => {
  const base = mkdtempSync(join(tmpdir(), 'ferry-repo-server-'));
  const repo = join(base, 'repo');
  mkdirSync(join(repo, 'repodata'), { recursive: true });
  mkdirSync(join(repo, 'Packages'));
  writeFileSync(join(repo, 'repodata', 'repomd.xml'), '<repomd>0123456789</repomd>\n');
  writeFileSync(join(repo, 'Packages', 'a.rpm'), 'RPM');
  writeFileSync(join(repo, '.secret'), 'no');
  writeFileSync(join(base, 'outside.txt'), 'OUTSIDE-CONTENT');
  symlinkSync(join(base, 'outside.txt'), join(repo, 'Packages', 'escape.rpm'));
  symlinkSync(join(repo, 'Packages', 'a.rpm'), join(repo, 'Packages', 'inside.rpm'));
  symlinkSync(join(repo, '.secret'), join(repo, 'Packages', 'dot.rpm'));
  const server = await startRepoServer();
  try {
    server.mount('ferry-r-0', repo);
    const p = server.port;
    const rows: [string, { method?: string; headers?: Record<string, string> }, number, string | null][] = [
      ['/ferry-r-0/repodata/repomd.xml', {}, 200, '<repomd>0123456789</repomd>\n'],
      ['/ferry-r-0/Packages/inside.rpm', {}, 200, 'RPM'],
      ['/ferry-r-0/repodata/repomd.xml', { headers: { range: 'bytes=8-11' } }, 206, '0123'],
      ['/ferry-r-0/repodata/repomd.xml', { headers: { range: 'bytes=500-' } }, 416, null],
      ['/ferry-r-0/repodata/repomd.xml', { method: 'HEAD' }, 200, ''],
      ['/ferry-r-0/repodata/repomd.xml', { method: 'POST' }, 405, null],
      ['/ferry-r-0/repodata/repomd.xml', { method: 'PUT' }, 405, null],
      ['/ferry-r-0/../outside.txt', {}, 404, null],
      ['/ferry-r-0/%2e%2e/outside.txt', {}, 404, null],
      ['/ferry-r-0/Packages/escape.rpm', {}, 404, null],
      ['/ferry-r-0/.secret', {}, 404, null],
      ['/ferry-r-0/Packages/dot.rpm', {}, 404, null],
      ['/ferry-r-0/repodata', {}, 404, null],
      ['/ferry-r-0/missing.rpm', {}, 404, null],
      ['/other/repodata/repomd.xml', {}, 404, null],
    ];
    for (const [path, opts, status, body] of rows) {
      const res = await get(p, path, opts);
      assert.equal(res.status, status, `${opts.method ?? 'GET'} ${path} ${JSON.stringify(opts.headers ?? {})}`);
      if (body !== null) assert.equal(res.body, body, path);
      assert.ok(!res.body.includes('OUTSIDE-CONTENT') && res.body !== 'no', `${path} gave nothing of the files outside or hidden`);
    }
    const head = await get(p, '/ferry-r-0/repodata/repomd.xml', { method: 'HEAD' });
    assert.equal(head.headers['content-length'], '28');
    assert.equal(head.headers['accept-ranges'], 'bytes');
    assert.equal(server.requests.length, rows.length + 1);
    const read = new Set(server.requests.flatMap((r) => (r.file ? [r.file] : [])));
    assert.deepEqual([...read].sort(), [join(repo, 'Packages', 'a.rpm'), join(repo, 'repodata', 'repomd.xml')].sort(), 'only the repository\'s own files were read');
    assert.ok(server.requests.filter((r) => r.status === 404 || r.status === 405).every((r) => r.bytes === 0 && r.file === undefined));
  } finally {
    await server.close();
    rmSync(base, { recursive: true, force: true });
  }
});
