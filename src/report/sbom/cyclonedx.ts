/**
 * CycloneDX 1.6 JSON (https://cyclonedx.org/docs/1.6/json/): the host's operating system as the
 * metadata component, one `library` component per installed rpm (bom-ref = its NEVRA key) with purl,
 * supplier, licenses (an SPDX expression, or the tag as a license name when it does not map), rpm's
 * header digests as hashes, the source rpm and signing key as properties, and the dependency graph.
 * Pure.
 */
import { sha256Hex } from '../../core/index.js';
import type { SbomComponent, SbomModel } from './model.js';

const ALG = { SHA256: 'SHA-256', SHA1: 'SHA-1', MD5: 'MD5' } as const;

/** A deterministic RFC 4122-shaped (version 5 layout) urn:uuid from a digest of the content. */
export function serialNumberOf(seed: string): string {
  const h = sha256Hex(seed);
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function cyclonedxComponent(c: SbomComponent): Record<string, unknown> {
  const properties = [
    ...(c.sourcerpm ? [{ name: 'ferry:rpm:sourcerpm', value: c.sourcerpm }] : []),
    { name: 'ferry:rpm:signingKey', value: c.signingKey ?? 'unsigned' },
    ...(c.epoch ? [{ name: 'ferry:rpm:epoch', value: String(c.epoch) }] : []),
    ...(c.checksums.length ? [{ name: 'ferry:rpm:hashesOf', value: c.checksums.map((x) => `${ALG[x.algorithm]}: ${x.of}`).join(', ') }] : []),
  ];
  return {
    type: 'library',
    'bom-ref': c.key,
    ...(c.supplier ? { supplier: { name: c.supplier } } : {}),
    name: c.name,
    version: `${c.epoch ? `${c.epoch}:` : ''}${c.version}-${c.release}`,
    ...(c.license.expression === 'NOASSERTION' ? {}
      : { licenses: c.license.ref ? [{ license: { name: c.license.ref.text } }] : [{ expression: c.license.expression }] }),
    ...(c.checksums.length ? { hashes: c.checksums.map((x) => ({ alg: ALG[x.algorithm], content: x.value })) } : {}),
    purl: c.purl,
    properties,
  };
}

export function renderCycloneDx(m: SbomModel, extra: { vulnerabilities?: unknown[] } = {}): Record<string, unknown> {
  const host = `host:${m.hostName}`;
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: serialNumberOf(JSON.stringify([m.hostName, m.collectedAt, m.components.map((c) => c.key)])),
    version: 1,
    metadata: {
      timestamp: m.collectedAt.replace(/\.\d+Z$/, 'Z'),
      tools: { components: [{ type: 'application', name: 'ferry', version: m.toolVersion }] },
      component: { type: 'operating-system', 'bom-ref': host, name: m.system ?? m.hostName, description: `installed packages of ${m.hostName}` },
    },
    components: m.components.map(cyclonedxComponent),
    ...(m.relationships ? {
      dependencies: [
        { ref: host, dependsOn: m.components.map((c) => c.key) },
        ...m.components.map((c) => ({ ref: c.key, dependsOn: c.dependsOn })),
      ],
    } : {}),
    ...(extra.vulnerabilities ? { vulnerabilities: extra.vulnerabilities } : {}),
  };
}
