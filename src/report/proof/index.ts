/** The migration proof: its model, renderings and checked-in schema (../schema/migration-proof.schema.json). */
import type { SchemaError } from '../../core/index.js';
import { checkedInSchema } from '../checked-in-schema.js';

export {
  buildProof, configurationSection, MIGRATION_PROOF_FORMAT_VERSION, summarizeExposure, workloadSection,
  type MigrationProof, type JournalIntegrity, type ProofDriftInput, type ProofItem, type ProofSection, type ProofWorkloadInput,
} from './model.js';
export { renderProofHtml, renderProofText } from './render.js';

const migrationProof = checkedInSchema('migration-proof');

/** Validates a parsed migration proof; every error with its JSON path. */
export function validateMigrationProof(value: unknown): SchemaError[] {
  return migrationProof.validate(value);
}

/** The file name of a host's proof page in a proofs directory (`ferry proof --html DIR/<this>`, linked by `ferry fleet report --proofs DIR`). */
export function proofFileName(host: string): string {
  return `${host.replace(/[^A-Za-z0-9._-]/g, '_')}.html`;
}
