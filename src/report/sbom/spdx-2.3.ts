/**
 * SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/): one package per installed rpm, DESCRIBES from
 * the document to each, DEPENDS_ON between packages, licenses as SPDX expressions with every LicenseRef
 * declared in hasExtractedLicensingInfos. Checksums are rpm's header digests (no package file is on the
 * host to hash), so the package comment says what they cover. Pure.
 */
import { sha256Hex } from '../../core/index.js';
import type { SbomComponent, SbomModel } from './model.js';

/** SPDXRef-… ids allow letters, digits, `.` and `-` only. */
export function spdxRef(key: string): string {
  return `SPDXRef-Package-${key.replace(/[^A-Za-z0-9.-]/g, '-')}-${sha256Hex(key).slice(0, 8)}`;
}

/** A stable document URI: the same facts give the same namespace, other facts another. */
export function documentNamespace(format: string, m: SbomModel): string {
  const digest = sha256Hex(JSON.stringify([m.hostName, m.collectedAt, m.components.map((c) => c.key)])).slice(0, 32);
  return `https://ferry.invalid/sbom/${format}/${encodeURIComponent(m.hostName)}/${digest}`;
}

function supplierOf(c: SbomComponent): string {
  // Agent syntax "Organization: NAME"; rpm's Vendor is an organization.
  return c.supplier ? `Organization: ${c.supplier.replace(/[()]/g, '')}` : 'NOASSERTION';
}

function checksumComment(c: SbomComponent): string | undefined {
  if (c.checksums.length === 0) return undefined;
  return `checksums: ${c.checksums.map((x) => `${x.algorithm} of the rpm ${x.of}`).join(', ')} (rpm's SHA256HEADER/SHA1HEADER and SIGMD5)`;
}

export function renderSpdx23(m: SbomModel): Record<string, unknown> {
  const refs = new Map<string, string>();
  const packages = m.components.map((c) => {
    const comment = [checksumComment(c), c.signingKey ? `signed with key ${c.signingKey}` : 'unsigned'].filter(Boolean).join('; ');
    if (c.license.ref) refs.set(c.license.ref.id, c.license.ref.text);
    return {
      SPDXID: spdxRef(c.key),
      name: c.name,
      versionInfo: `${c.epoch ? `${c.epoch}:` : ''}${c.version}-${c.release}`,
      supplier: supplierOf(c),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      ...(c.sourcerpm ? { sourceInfo: `built from source rpm ${c.sourcerpm}` } : {}),
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: c.license.expression,
      copyrightText: 'NOASSERTION',
      ...(c.checksums.length ? { checksums: c.checksums.map((x) => ({ algorithm: x.algorithm, checksumValue: x.value })) } : {}),
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: c.purl }],
      primaryPackagePurpose: 'LIBRARY',
      comment,
    };
  });
  const relationships = [
    ...m.components.map((c) => ({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: spdxRef(c.key) })),
    ...m.components.flatMap((c) => c.dependsOn.map((d) => ({ spdxElementId: spdxRef(c.key), relationshipType: 'DEPENDS_ON', relatedSpdxElement: spdxRef(d) }))),
  ];
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${m.hostName} installed packages`,
    documentNamespace: documentNamespace('spdx-2.3', m),
    creationInfo: {
      created: m.collectedAt.replace(/\.\d+Z$/, 'Z'),
      creators: [`Tool: ferry-${m.toolVersion}`],
      comment: `The rpm database of ${m.hostName}${m.system ? ` (${m.system})` : ''} as read at ${m.collectedAt}${m.relationships ? '' : '; no dependency relationships (the requires were not read)'}`,
    },
    ...(refs.size ? { hasExtractedLicensingInfos: [...refs].map(([licenseId, extractedText]) => ({ licenseId, extractedText, name: extractedText })) } : {}),
    packages,
    relationships,
  };
}
