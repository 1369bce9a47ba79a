import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { READINESS } from './readiness.js';

/**
 * Every enum in a JSON document whose values are readiness words (a second list would drift): one with
 * `not-assessed` and another readiness word (a route hop's `assessedOn` also has `not-assessed`, beside
 * `collected` and `predicted`: not a readiness).
 */
function readinessEnums(value: unknown, found: string[][] = []): string[][] {
  if (Array.isArray(value)) for (const v of value) readinessEnums(v, found);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'enum' && Array.isArray(v) && v.includes('not-assessed') && v.some((w) => w !== 'not-assessed' && (READINESS as readonly unknown[]).includes(w))) found.push(v.map(String));
      else readinessEnums(v, found);
    }
  }
  return found;
}

const DOCUMENTS = [
  { file: '../api/openapi.json', min: 1 },
  { file: '../report/schema/fleet-report.schema.json', min: 1 },
];

for (const { file, min } of DOCUMENTS) {
  test(`readiness: ${file} lists exactly the core readiness words`, () => {
    const enums = readinessEnums(JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')));
    assert.ok(enums.length >= min, `${file} has no readiness enum`);
    for (const e of enums) assert.deepEqual(e, [...READINESS]);
  });
}
