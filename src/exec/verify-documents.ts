/**
 * The documents verification keeps in an execution's state dir on the host and reads back: the backup step's
 * evidence of the host before the run (before.json) and the verify report (verify.json). Both are read
 * through their schemas: a file changed or damaged on the host is refused (DOCUMENT_INVALID, naming host,
 * file and each JSON path) instead of being compared against or shown as the run's result.
 */
import { posix } from 'node:path';
import { compileSchema, parseDocument, type DocumentOrigin, type SchemaOf } from '../core/index.js';
import type { Transport } from '../transport/types.js';
import { BEFORE_FILE, verifyReportPath, type Evidence, type VerifyReport } from './verify.js';

const STRINGS: SchemaOf<string[]> = { type: 'array', items: { type: 'string' } };
const NULLABLE_STRINGS: SchemaOf<string[] | null> = { type: 'array', items: { type: 'string' }, nullable: true };

const EVIDENCE_SCHEMA: SchemaOf<Evidence> = {
  type: 'object',
  properties: {
    packages: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, nevra: { type: 'string' }, vendor: { type: 'string' } },
        required: ['name', 'nevra', 'vendor'],
        additionalProperties: false,
      },
    },
    rpmVa: STRINGS,
    services: NULLABLE_STRINGS,
    configLeftovers: STRINGS,
  },
  required: ['packages', 'rpmVa', 'services', 'configLeftovers'],
  additionalProperties: false,
};

const VERIFY_REPORT_SCHEMA: SchemaOf<VerifyReport> = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, ok: { type: 'boolean' }, detail: { type: 'string' } },
        required: ['id', 'ok', 'detail'],
        additionalProperties: false,
      },
    },
    leftovers: {
      type: 'array',
      items: {
        type: 'object',
        properties: { nevra: { type: 'string' }, why: { type: 'string' }, ok: { type: 'boolean' } },
        required: ['nevra', 'why', 'ok'],
        additionalProperties: false,
      },
    },
    packageSet: {
      type: 'object', nullable: true,
      properties: { id: { type: 'string' }, ok: { type: 'boolean' }, detail: { type: 'string' } },
      required: ['id', 'ok', 'detail'],
      additionalProperties: false,
    },
    rpmVaNew: STRINGS,
    rpmVaGone: STRINGS,
    configFiles: STRINGS,
    services: {
      type: 'object',
      properties: { before: NULLABLE_STRINGS, after: NULLABLE_STRINGS, added: STRINGS, removed: STRINGS },
      required: ['before', 'after', 'added', 'removed'],
      additionalProperties: false,
    },
  },
  required: ['ok', 'checks', 'packageSet', 'leftovers', 'rpmVaNew', 'rpmVaGone', 'configFiles', 'services'],
  additionalProperties: false,
};

const evidence = compileSchema<Evidence>(EVIDENCE_SCHEMA);
const verifyReport = compileSchema<VerifyReport>(VERIFY_REPORT_SCHEMA);

/**
 * A JSON document Ferry wrote on the host, read back through `parse` (which refuses a malformed one naming
 * the host and file); undefined when the file does not exist.
 */
export async function readHostDocument<T>(transport: Transport, path: string, document: string, parse: (text: string, origin: DocumentOrigin) => T): Promise<T | undefined> {
  if (!await transport.exists(path)) return undefined;
  return parse((await transport.readFile(path)).toString('utf8'), { document, from: `host ${transport.hostName}, ${path}` });
}

/** The backup step's evidence (before.json), if recorded. */
export function readEvidence(transport: Transport, stateDir: string): Promise<Evidence | undefined> {
  return readHostDocument(transport, posix.join(stateDir, BEFORE_FILE), 'evidence recorded before the run', (text, origin) => parseDocument(evidence, text, origin));
}

/** The verify step's report (verify.json), if written. */
export function readVerifyReport(transport: Transport, stateDir: string): Promise<VerifyReport | undefined> {
  return readHostDocument(transport, verifyReportPath(stateDir), 'verify report', (text, origin) => parseDocument(verifyReport, text, origin));
}
