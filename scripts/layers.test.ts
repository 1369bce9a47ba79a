import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
// @ts-expect-error plain ESM data module without types
import { LAYERS } from './layers.mjs';

const layers = LAYERS as Record<string, string[]>;
const src = resolve(import.meta.dirname, '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('every src/ folder is a known layer', () => {
  for (const name of readdirSync(src)) {
    if (statSync(join(src, name)).isDirectory()) assert.ok(name in layers, `src/${name} is not in scripts/layers.mjs`);
  }
});

test('no module imports a layer it may not (../shared/DESIGN.md)', () => {
  const violations: string[] = [];
  for (const file of files(src)) {
    if (file.endsWith('.test.ts')) continue;
    const layer = relative(src, file).split('/')[0];
    const allowed = new Set([layer, ...(layers[layer] ?? [])]);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
      const target = relative(src, resolve(file, '..', m[1])).split('/')[0];
      if (!target.startsWith('..') && !allowed.has(target)) violations.push(`${relative(src, file)} imports ${m[1]}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the check itself catches a violation', () => {
  // assess must never import transport: a regression in the table would let it.
  assert.ok(!layers.assess.includes('transport'));
  assert.ok(!layers.core.length);
});
