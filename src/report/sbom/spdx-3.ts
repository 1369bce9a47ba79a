/**
 * SPDX 3.0.1 JSON-LD (https://spdx.github.io/spdx-spec/v3.0.1/serializations/): every element flat in
 * `@graph` under the mandatory context, one CreationInfo shared by reference (a blank node), a
 * software_Package per installed rpm with its purl, version, supplier (an Organization element per
 * vendor) and header digests, `dependsOn` relationships between packages, and `hasDeclaredLicense` to a
 * LicenseExpression (mapped) or a SimpleLicensingText carrying the tag (unmapped). Pure.
 */
import { sha256Hex } from '../../core/index.js';
import { documentNamespace } from './spdx-2.3.js';
import type { SbomModel } from './model.js';

export const SPDX3_CONTEXT = 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld';

export function renderSpdx3(m: SbomModel): Record<string, unknown> {
  const base = documentNamespace('spdx-3.0', m);
  const id = (kind: string, key: string): string => `${base}#${kind}-${sha256Hex(key).slice(0, 16)}`;
  const ci = '_:creationinfo';
  const tool = id('Tool', 'ferry');
  const graph: Array<Record<string, unknown>> = [];
  graph.push({
    type: 'CreationInfo', '@id': ci, specVersion: '3.0.1', created: m.collectedAt.replace(/\.\d+Z$/, 'Z'),
    createdBy: [id('Organization', 'ferry')], createdUsing: [tool],
  });
  graph.push({ type: 'Organization', spdxId: id('Organization', 'ferry'), creationInfo: ci, name: 'Ferry' });
  graph.push({ type: 'Tool', spdxId: tool, creationInfo: ci, name: `ferry-${m.toolVersion}` });
  const suppliers = new Map<string, string>();
  const licenses = new Map<string, string>();
  const elements: string[] = [];
  const rels: Array<Record<string, unknown>> = [];
  for (const c of m.components) {
    let supplier: string | undefined;
    if (c.supplier) {
      supplier = suppliers.get(c.supplier);
      if (!supplier) {
        supplier = id('Organization', `vendor:${c.supplier}`);
        suppliers.set(c.supplier, supplier);
        graph.push({ type: 'Organization', spdxId: supplier, creationInfo: ci, name: c.supplier });
      }
    }
    const pkg = id('Package', c.key);
    elements.push(pkg);
    graph.push({
      type: 'software_Package', spdxId: pkg, creationInfo: ci, name: c.name,
      software_packageVersion: `${c.epoch ? `${c.epoch}:` : ''}${c.version}-${c.release}`,
      software_packageUrl: c.purl,
      ...(supplier ? { suppliedBy: supplier } : {}),
      ...(c.sourcerpm ? { software_sourceInfo: `built from source rpm ${c.sourcerpm}` } : {}),
      ...(c.checksums.length ? {
        verifiedUsing: c.checksums.map((x) => ({ type: 'Hash', algorithm: x.algorithm.toLowerCase(), hashValue: x.value, comment: `rpm ${x.of} digest` })),
      } : {}),
      externalIdentifier: [{ type: 'ExternalIdentifier', externalIdentifierType: 'packageUrl', identifier: c.purl }],
      software_primaryPurpose: 'library',
      comment: c.signingKey ? `signed with key ${c.signingKey}` : 'unsigned',
    });
    if (c.license.expression !== 'NOASSERTION') {
      const text = c.license.ref ? `ref:${c.license.ref.text}` : `expr:${c.license.expression}`;
      let lic = licenses.get(text);
      if (!lic) {
        lic = id('License', text);
        licenses.set(text, lic);
        graph.push(c.license.ref
          ? { type: 'simplelicensing_SimpleLicensingText', spdxId: lic, creationInfo: ci, name: c.license.ref.id, simplelicensing_licenseText: c.license.ref.text }
          : { type: 'simplelicensing_LicenseExpression', spdxId: lic, creationInfo: ci, simplelicensing_licenseExpression: c.license.expression });
      }
      rels.push({ type: 'Relationship', spdxId: id('Relationship', `lic:${c.key}`), creationInfo: ci, from: pkg, to: [lic], relationshipType: 'hasDeclaredLicense' });
    }
    if (c.dependsOn.length) {
      rels.push({ type: 'Relationship', spdxId: id('Relationship', `dep:${c.key}`), creationInfo: ci, from: pkg, to: c.dependsOn.map((d) => id('Package', d)), relationshipType: 'dependsOn' });
    }
  }
  const doc = id('SpdxDocument', m.hostName);
  graph.push({
    type: 'SpdxDocument', spdxId: doc, creationInfo: ci, name: `${m.hostName} installed packages`,
    comment: `The rpm database of ${m.hostName}${m.system ? ` (${m.system})` : ''} as read at ${m.collectedAt}${m.relationships ? '' : '; no dependency relationships (the requires were not read)'}`,
    profileConformance: ['core', 'software', 'simpleLicensing'],
    rootElement: elements, element: [...elements, ...rels.map((r) => r.spdxId as string), ...licenses.values(), ...suppliers.values()],
    dataLicense: id('License', 'expr:CC0-1.0'),
  });
  if (!licenses.has('expr:CC0-1.0')) graph.push({ type: 'simplelicensing_LicenseExpression', spdxId: id('License', 'expr:CC0-1.0'), creationInfo: ci, simplelicensing_licenseExpression: 'CC0-1.0' });
  return { '@context': SPDX3_CONTEXT, '@graph': [...graph, ...rels] };
}
