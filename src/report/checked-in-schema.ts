/** The one loader of the published documents' checked-in JSON Schemas (./schema/<name>.schema.json) and their validators. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSchema, type SchemaError, type Validator } from '../core/index.js';

export interface CheckedInSchema {
  schema(): Record<string, unknown>;
  /** Validates a parsed document; every error with its JSON path. The validator is compiled on first use. */
  validate(value: unknown): SchemaError[];
}

export function checkedInSchema(name: string): CheckedInSchema {
  let validator: Validator<unknown> | undefined;
  const schema = (): Record<string, unknown> => JSON.parse(readFileSync(join(import.meta.dirname, 'schema', `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
  return {
    schema,
    validate(value) {
      validator ??= compileSchema<unknown>(schema());
      return validator.errors(value);
    },
  };
}
