/** The checked-in JSON Schema of the published fleet report (../schema/fleet-report.schema.json) and its validator. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSchema, type SchemaError, type Validator } from '../../core/index.js';

let validator: Validator<unknown> | undefined;

export function fleetReportSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(import.meta.dirname, '..', 'schema', 'fleet-report.schema.json'), 'utf8')) as Record<string, unknown>;
}

/** Validates a parsed fleet report; every error with its JSON path. */
export function validateFleetReport(value: unknown): SchemaError[] {
  validator ??= compileSchema<unknown>(fleetReportSchema());
  return validator.errors(value);
}
