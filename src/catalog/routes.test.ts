import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog, pathChain, type MigrationPath } from './index.js';

const catalog = await loadCatalog();
const hops = (c: MigrationPath[] | null): string[] | null => c?.map((p) => `${p.from}→${p.to} (${p.method})`) ?? null;
const crossMajor = (p: MigrationPath): boolean => p.method === 'cross-major-pes';

test('pathChain: CentOS 7 → Rocky 9 is CentOS 7 → Rocky 8 → Rocky 9 (the target vendor\'s own EL8 between, of the two-hop chains the catalog records)', () => {
  assert.deepEqual(hops(pathChain(catalog, 'centos-7', 'rocky-9')), ['centos-7→rocky-8 (cross-major-pes)', 'rocky-8→rocky-9 (cross-major-pes)']);
  assert.deepEqual(hops(pathChain(catalog, 'centos-7', 'almalinux-9')), ['centos-7→almalinux-8 (cross-major-pes)', 'almalinux-8→almalinux-9 (cross-major-pes)']);
  // CentOS 7 → CentOS Stream 9: no CentOS Stream 8 path from CentOS 7; the first EL8 by id that reaches it.
  const stream = pathChain(catalog, 'centos-7', 'centos-stream-9', crossMajor);
  assert.equal(stream?.length, 2);
  assert.equal(stream?.[1].to, 'centos-stream-9');
  assert.ok(stream && catalog.path(stream[0].to, 'centos-stream-9'), 'each hop is a recorded path');
});

test('pathChain: a direct path is a chain of one; no chain is null; `usable` drops hops', () => {
  assert.deepEqual(hops(pathChain(catalog, 'centos-8', 'rocky-9')), ['centos-8→rocky-9 (cross-major-pes)']);
  assert.equal(pathChain(catalog, 'rocky-9', 'centos-7'), null);
  assert.equal(pathChain(catalog, 'centos-7', 'centos-7'), null);
  assert.equal(pathChain(catalog, 'centos-7', 'rocky-9', (p) => p.to !== 'rocky-8' && p.from !== 'rocky-8')?.[0].to, 'almalinux-8', 'without Rocky 8, the next two-hop chain');
  assert.equal(pathChain(catalog, 'centos-7', 'rocky-9', (p) => !crossMajor(p)), null);
});

test('pathChain: the answer does not depend on the order the catalog lists paths in', () => {
  const reversed = { paths: (f?: { from?: string; to?: string }) => catalog.paths(f).reverse(), release: (id: string) => catalog.release(id) };
  for (const [from, to] of [['centos-7', 'rocky-9'], ['centos-7', 'centos-stream-9'], ['centos-7', 'almalinux-9']] as const) {
    assert.deepEqual(hops(pathChain(reversed, from, to)), hops(pathChain(catalog, from, to)), `${from} → ${to}`);
  }
});
