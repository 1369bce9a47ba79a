/** The checked-in JSON Schema of the published fleet report (../schema/fleet-report.schema.json) and its validator. */
import type { SchemaError } from '../../core/index.js';
import { checkedInSchema } from '../checked-in-schema.js';

const fleetReport = checkedInSchema('fleet-report');

export function fleetReportSchema(): Record<string, unknown> {
  return fleetReport.schema();
}

/** Validates a parsed fleet report; every error with its JSON path. */
export function validateFleetReport(value: unknown): SchemaError[] {
  return fleetReport.validate(value);
}
