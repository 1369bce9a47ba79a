/**
 * The checked-in OpenAPI 3.1 document (openapi.json beside this file): served at /openapi.json, and the
 * source of the request body schemas the routes validate against (one contract for the server, its tests
 * and its clients).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, compileSchema, type Validator } from '../core/index.js';

export const OPENAPI_PATH = join(import.meta.dirname, 'openapi.json');
export const openapiText = readFileSync(OPENAPI_PATH, 'utf8');
const document = JSON.parse(openapiText) as { components: { schemas: Record<string, Record<string, unknown>> } };

const validators = new Map<string, Validator<unknown>>();

/** The validator of a request body schema of the document (self-contained: no $ref, so it compiles alone). */
export function bodyValidator<T>(name: string): Validator<T> {
  let v = validators.get(name);
  if (!v) {
    const schema = document.components.schemas[name];
    assert(schema !== undefined, `openapi.json has no schema ${name}`);
    v = compileSchema<unknown>(schema);
    validators.set(name, v);
  }
  return v as Validator<T>;
}
