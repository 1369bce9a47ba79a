/**
 * The checked-in JSON Schema of the published Assessment (schema/assessment.schema.json) and its validator.
 * Every renderer and consumer may rely on a report that passes here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSchema, type SchemaError, type Validator } from '../core/index.js';
import { ASSESSMENT_FORMAT_VERSION } from '../assess/types.js';

export { ASSESSMENT_FORMAT_VERSION };

/** The schema file, beside this module (a build copies schema/ into dist/ with it). */
export function assessmentSchemaPath(): string {
  return join(import.meta.dirname, 'schema', 'assessment.schema.json');
}

let validator: Validator<unknown> | undefined;

export function assessmentSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(assessmentSchemaPath(), 'utf8')) as Record<string, unknown>;
}

export type { SchemaError };

/** Validates a parsed report against the schema; every error with its JSON path. */
export function validateAssessment(value: unknown): SchemaError[] {
  validator ??= compileSchema<unknown>(assessmentSchema());
  return validator.errors(value);
}
