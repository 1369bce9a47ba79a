// low-memory: what the documented need measures. centos-8 → opencloudos-8 documents "free memory greater
// than 500 MB" (MemAvailable); centos-7 → opencloudos-8 "minimum 2 GB memory" and Leapp's default are MemTotal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../../catalog/index.js';
import { createPool } from '../../rpm/pool.js';
import type { MemoryFacts } from '../../facts/types.js';
import type { CheckInput } from '../types.js';
import { baseFacts } from '../testing/fixtures.js';
import { lowMemory } from './low-memory.js';

const catalog = loadCatalog();
const mib = (n: number): number => n * 1024;

function input(source: string, target: string, memory: MemoryFacts): CheckInput {
  const t = catalog.release(target);
  return { facts: baseFacts({ memory }), catalog, source: catalog.release(source), target: t, path: catalog.path(source, target), fates: [], today: '2024-05-01',
    repo: { release: t.id, locations: ['test'], pool: createPool([]) } };
}

test('the catalog figures this check reads say what they measure: free memory or installed memory', () => {
  const needs = (from: string, to: string) => catalog.paths({ from, to })[0]?.resources;
  assert.equal(needs('centos-8', 'opencloudos-8')?.freeMemoryMiB?.value, 500);
  assert.equal(needs('centos-8', 'opencloudos-8')?.memoryMiB, undefined);
  assert.equal(needs('centos-7', 'opencloudos-8')?.freeMemoryMiB, undefined);
  assert.equal(needs('centos-7', 'opencloudos-8')?.memoryMiB?.value, 2048);
});

const TABLE: Array<[string, string, string, MemoryFacts, string[], RegExp?]> = [
  // a need documented as free memory: a large host with little available memory fails it; MemTotal alone does not
  ['free need, plenty available', 'centos-8', 'opencloudos-8', { totalKiB: mib(976), availableKiB: mib(600) }, []],
  ['free need, little available', 'centos-8', 'opencloudos-8', { totalKiB: mib(976), availableKiB: mib(292) }, ['low-memory'],
    /292 MiB of memory available \(MemAvailable, of 976 MiB installed\); 500 MiB free is needed/],
  ['free need, no MemAvailable: MemTotal', 'centos-8', 'opencloudos-8', { totalKiB: mib(400) }, ['low-memory'], /400 MiB of memory; 500 MiB is needed/],
  // installed-memory needs ignore MemAvailable
  ['installed need, little available', 'centos-7', 'opencloudos-8', { totalKiB: mib(4096), availableKiB: mib(100) }, []],
  ['installed need, too small', 'centos-7', 'opencloudos-8', { totalKiB: mib(1024), availableKiB: mib(900) }, ['low-memory'], /1024 MiB of memory; 2048 MiB is needed/],
  ['Leapp default, little available', 'centos-8', 'rocky-8', { totalKiB: mib(2048), availableKiB: mib(100) }, []],
];

for (const [name, from, to, memory, keys, summary] of TABLE) {
  test(`low-memory: ${name} (${from} → ${to})`, () => {
    const found = lowMemory.run(input(from, to, memory));
    assert.deepEqual(found.map((f) => f.key), keys);
    if (summary) assert.match(found[0].summary, summary);
  });
}
