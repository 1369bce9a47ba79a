/** The migration proof: its model, renderings and checked-in schema (../schema/migration-proof.schema.json). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSchema, type SchemaError, type Validator } from '../../core/index.js';

export { buildProof, MIGRATION_PROOF_FORMAT_VERSION, summarizeExposure, type MigrationProof, type JournalIntegrity, type ProofSection } from './model.js';
export { renderProofHtml, renderProofText } from './render.js';

let validator: Validator<unknown> | undefined;

export function migrationProofSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(import.meta.dirname, '..', 'schema', 'migration-proof.schema.json'), 'utf8')) as Record<string, unknown>;
}

/** Validates a parsed migration proof; every error with its JSON path. */
export function validateMigrationProof(value: unknown): SchemaError[] {
  validator ??= compileSchema<unknown>(migrationProofSchema());
  return validator.errors(value);
}
