/**
 * The API's one error mapper: a FerryError becomes `{error: {code, message, hint}}` with its code's HTTP
 * status from core's ERROR_STATUS (the table the CLI takes its exit statuses from); anything else is an
 * INTERNAL 500 whose message does not leak internals. Every string passes redact.
 */
import { errorStatus, FerryError, redactJson } from '../core/index.js';

export interface ErrorBody { error: { code: string; message: string; hint?: string } }

export function errorBody(err: unknown): { status: number; body: ErrorBody } {
  const status = errorStatus(err).http;
  if (err instanceof FerryError) {
    return { status, body: redactJson({ error: { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) } }) };
  }
  return { status, body: { error: { code: 'INTERNAL', message: 'An unexpected internal error; the server log has its details', hint: 'Report it with the server log.' } } };
}
