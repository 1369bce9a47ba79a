/**
 * The checked-in JSON Schema of the published Assessment (schema/assessment.schema.json) and its validator.
 * Every renderer and consumer may rely on a report that passes here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { ASSESSMENT_FORMAT_VERSION } from '../assess/types.js';

export { ASSESSMENT_FORMAT_VERSION };

/** The schema file, beside this module (a build copies schema/ into dist/ with it). */
export function assessmentSchemaPath(): string {
  return join(import.meta.dirname, 'schema', 'assessment.schema.json');
}

let validator: ValidateFunction | undefined;

export function assessmentSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(assessmentSchemaPath(), 'utf8')) as Record<string, unknown>;
}

export interface SchemaError {
  /** JSON pointer of the offending value ('' for the document). */
  path: string;
  message: string;
}

/** Validates a parsed report against the schema; every error with its JSON path. */
export function validateAssessment(value: unknown): SchemaError[] {
  validator ??= new Ajv({ allErrors: true, strict: true }).compile(assessmentSchema());
  if (validator(value)) return [];
  return (validator.errors ?? []).map((e) => ({ path: e.instancePath, message: `${e.message ?? 'invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}` }));
}
