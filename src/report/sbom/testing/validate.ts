/**
 * Test support: the official SBOM schemas of ../shared/data/sbom-schemas compiled with ajv under the draft
 * each declares (CycloneDX 1.6: draft-07 with its two referenced schemas; SPDX 2.3: 2019-09; SPDX 3.0.1:
 * 2020-12), formats checked (ajv-formats). Each validator returns the errors as `path: message`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { SbomFormat } from '../model.js';

type AnyAjv = Ajv | Ajv2019 | Ajv2020;

/** ajv-formats' formats, plus the IRI and IDN ones the schemas name and it lacks (accepted unchecked). */
function addFormats(ajv: AnyAjv): void {
  addFormatsModule.default(ajv);
  for (const f of ['iri', 'iri-reference', 'idn-email', 'idn-hostname']) ajv.addFormat(f, true);
}

export function sbomValidators(schemaDir: string): Record<SbomFormat, (doc: unknown) => string[]> {
  const read = (...p: string[]): Record<string, unknown> => JSON.parse(readFileSync(join(schemaDir, ...p), 'utf8')) as Record<string, unknown>;
  const errorsOf = (v: { errors?: Array<{ instancePath: string; message?: string }> | null }): string[] => (v.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? ''}`);
  const cdx = new Ajv({ strict: false, allErrors: false });
  addFormats(cdx);
  cdx.addSchema(read('cyclonedx-1.6', 'spdx.schema.json'), 'spdx.schema.json');
  cdx.addSchema(read('cyclonedx-1.6', 'jsf-0.82.schema.json'), 'jsf-0.82.schema.json');
  const vCdx = cdx.compile(read('cyclonedx-1.6', 'bom-1.6.schema.json'));
  const s23 = new Ajv2019({ strict: false });
  addFormats(s23);
  const v23 = s23.compile(read('spdx-2.3', 'spdx-schema.json'));
  const s3 = new Ajv2020({ strict: false });
  addFormats(s3);
  const v3 = s3.compile(read('spdx-3.0.1', 'spdx-json-schema.json'));
  return {
    'cyclonedx-1.6': (d) => (vCdx(d) ? [] : errorsOf(vCdx)),
    'spdx-2.3': (d) => (v23(d) ? [] : errorsOf(v23)),
    'spdx-3.0': (d) => (v3(d) ? [] : errorsOf(v3)),
  };
}
