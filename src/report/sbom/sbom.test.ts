import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { HOST_FACTS_FORMAT_VERSION, type HostFacts } from '../../facts/index.js';
import { skipUnlessShared, sharedPath } from '../../../test/support/shared.js';
import { diffSboms, mapRpmLicense, renderSbom, requireSbomModel, rpmPurl, SBOM_FORMATS, sbomModelOf } from './index.js';
import { KNOWN_SPDX_IDS } from './license.js';
import { sbomValidators } from './testing/validate.js';

test('rpmPurl: syft\'s form, qualifiers sorted and encoded, epoch only when the header has one', () => {
  const rows: Array<[Parameters<typeof rpmPurl>[0], string]> = [
    [{ name: 'bash', epoch: 0, version: '4.4.19', release: '10.el8', arch: 'x86_64', namespace: 'CentOS', distro: 'centos-8', sourcerpm: 'bash-4.4.19-10.el8.src.rpm' },
      'pkg:rpm/centos/bash@4.4.19-10.el8?arch=x86_64&distro=centos-8&upstream=bash-4.4.19-10.el8.src.rpm'],
    [{ name: 'openssl', epoch: 1, version: '1.1.1k', release: '5.el8_5', arch: 'x86_64', namespace: 'almalinux', epochSet: true },
      'pkg:rpm/almalinux/openssl@1.1.1k-5.el8_5?arch=x86_64&epoch=1'],
    [{ name: 'glibc', epoch: 0, version: '2.28', release: '151.el8', arch: 'i686', epochSet: true },
      'pkg:rpm/glibc@2.28-151.el8?arch=i686&epoch=0'],
    [{ name: 'libstdc++', epoch: 0, version: '8.5.0', release: '4.el8^1', arch: 'x86_64', namespace: 'rocky' },
      'pkg:rpm/rocky/libstdc%2B%2B@8.5.0-4.el8%5E1?arch=x86_64'],
  ];
  for (const [input, want] of rows) assert.equal(rpmPurl(input), want);
});

test('mapRpmLicense: legacy Fedora names and SPDX ids map, anything else is one declared LicenseRef', () => {
  const rows: Array<[string | undefined, string, string?]> = [
    ['GPLv2+', 'GPL-2.0-or-later'],
    ['GPLv3+ and GPLv3+ with exceptions', 'LicenseRef-GPLv3-and-GPLv3-with-exceptions', 'GPLv3+ and GPLv3+ with exceptions'],
    ['ASL 2.0 or MIT', 'Apache-2.0 OR MIT'],
    ['(MIT or GPLv2) and ISC', '(MIT OR GPL-2.0-only) AND ISC'],
    ['LGPL-2.1-or-later AND MIT', 'LGPL-2.1-or-later AND MIT'],
    ['BSD', 'LicenseRef-BSD', 'BSD'],
    ['LGPLv2+', 'LicenseRef-LGPLv2', 'LGPLv2+'],
    ['Public Domain', 'LicenseRef-Public-Domain', 'Public Domain'],
    [undefined, 'NOASSERTION'],
  ];
  for (const [tag, expression, refText] of rows) {
    const got = mapRpmLicense(tag);
    assert.equal(got.expression, expression, String(tag));
    assert.equal(got.ref?.text, refText, String(tag));
  }
});

test('every SPDX id the license table produces is on the official SPDX license list', { skip: skipUnlessShared('sbom-schemas', 'cyclonedx-1.6', 'spdx.schema.json') }, () => {
  const list = new Set((JSON.parse(readFileSync(sharedPath('sbom-schemas', 'cyclonedx-1.6', 'spdx.schema.json'), 'utf8')) as { enum: string[] }).enum);
  assert.deepEqual(KNOWN_SPDX_IDS.filter((id) => !list.has(id)), []);
});

function factsOf(packages: NonNullable<HostFacts['packages']>, extra: Partial<HostFacts> = {}): HostFacts {
  return { formatVersion: HOST_FACTS_FORMAT_VERSION, collectedAt: '2026-01-02T03:04:05.678Z', source: 'live', origin: 'web01', sections: {}, packages, ...extra };
}

const BEFORE = factsOf([
  { name: 'bash', epoch: 0, epochSet: false, version: '4.4.19', release: '10.el8', arch: 'x86_64', vendor: 'CentOS', sourcerpm: 'bash-4.4.19-10.el8.src.rpm', license: 'GPLv3+', signature: { algorithm: 'RSA/SHA256', keyId: '05b555b38483c65d' } },
  { name: 'centos-release', epoch: 0, version: '8.5', release: '1.2111.el8', arch: 'noarch', vendor: 'CentOS', sourcerpm: 'centos-release-8.5-1.2111.el8.src.rpm', license: 'GPLv2' },
  { name: 'kernel-core', epoch: 0, version: '4.18.0', release: '305.el8', arch: 'x86_64', vendor: 'CentOS', sourcerpm: 'kernel-4.18.0-305.el8.src.rpm', license: 'GPLv2 and Redistributable, no modification permitted' },
  { name: 'openssl-libs', epoch: 1, epochSet: true, version: '1.1.1k', release: '5.el8_5', arch: 'x86_64', vendor: 'CentOS', sourcerpm: 'openssl-1.1.1k-5.el8_5.src.rpm', license: 'OpenSSL and ASL 2.0' },
], {
  os: { id: 'centos', idLike: ['rhel'], versionId: '8', prettyName: 'CentOS Linux 8', raw: {} },
  relations: { packages: [{ nevra: 'bash-0:4.4.19-10.el8.x86_64', headerDigest: `sha256:${'a'.repeat(64)}`, sigmd5: 'b'.repeat(32), dependsOn: ['openssl-libs-1:1.1.1k-5.el8_5.x86_64'] }], unresolved: [] },
});
const AFTER = factsOf([
  { name: 'bash', epoch: 0, version: '4.4.19', release: '10.el8', arch: 'x86_64', vendor: 'Rocky Enterprise Software Foundation', sourcerpm: 'bash-4.4.19-10.el8.src.rpm', license: 'GPLv3+' },
  { name: 'kernel-core', epoch: 0, version: '4.18.0', release: '305.el8', arch: 'x86_64', vendor: 'CentOS', sourcerpm: 'kernel-4.18.0-305.el8.src.rpm', license: 'GPLv2' },
  { name: 'openssl-libs', epoch: 1, version: '1.1.1k', release: '6.el8_5', arch: 'x86_64', vendor: 'Rocky Enterprise Software Foundation', sourcerpm: 'openssl-1.1.1k-6.el8_5.src.rpm', license: 'OpenSSL and ASL 2.0' },
  { name: 'rocky-release', epoch: 0, version: '8.5', release: '3.el8', arch: 'noarch', vendor: 'Rocky Enterprise Software Foundation', sourcerpm: 'rocky-release-8.5-3.el8.src.rpm', license: 'BSD' },
], { os: { id: 'rocky', idLike: ['rhel'], versionId: '8.5', raw: {} } });

test('the SBOM model: purl, supplier, license, checksums, signing key and relationships of each package', () => {
  const m = requireSbomModel(BEFORE, { hostName: 'web01', toolVersion: '0.1.0' });
  const bash = m.components.find((c) => c.name === 'bash');
  assert.deepEqual(bash && [bash.purl, bash.supplier, bash.license.expression, bash.signingKey, bash.checksums.map((c) => c.algorithm), bash.dependsOn], [
    'pkg:rpm/centos/bash@4.4.19-10.el8?arch=x86_64&distro=centos-8&upstream=bash-4.4.19-10.el8.src.rpm', 'CentOS', 'GPL-3.0-or-later', '05b555b38483c65d',
    ['SHA256', 'MD5'], ['openssl-libs-1:1.1.1k-5.el8_5.x86_64']]);
  assert.equal(sbomModelOf(factsOf([]), { hostName: 'x', toolVersion: '0' })?.components.length, 0);
  const none = { ...factsOf([]), packages: undefined };
  assert.throws(() => requireSbomModel(none, { hostName: 'db07', toolVersion: '0' }), /SBOM_NO_PACKAGES|db07/);
});

const schemas = skipUnlessShared('sbom-schemas');
test('every format validates against its official schema, and a broken document does not', { skip: schemas }, () => {
  const v = sbomValidators(sharedPath('sbom-schemas'));
  for (const facts of [BEFORE, AFTER]) {
    const m = requireSbomModel(facts, { hostName: 'web01', toolVersion: '0.1.0' });
    for (const f of SBOM_FORMATS) assert.deepEqual(v[f](renderSbom(m, f)), [], f);
  }
  const m = requireSbomModel(BEFORE, { hostName: 'web01', toolVersion: '0.1.0' });
  const broken: Record<(typeof SBOM_FORMATS)[number], (d: Record<string, unknown>) => void> = {
    'spdx-2.3': (d) => { delete d.documentNamespace; },
    'spdx-3.0': (d) => { (d['@graph'] as Array<Record<string, unknown>>)[0].specVersion = 3; },
    'cyclonedx-1.6': (d) => { (d.components as Array<Record<string, unknown>>)[0].type = 'rpm'; },
  };
  for (const f of SBOM_FORMATS) {
    const d = renderSbom(m, f);
    broken[f](d);
    assert.notDeepEqual(v[f](d), [], `${f}: the broken document is refused`);
  }
  // SPDX 2.3: every LicenseRef used is declared.
  const d = renderSbom(m, 'spdx-2.3') as { hasExtractedLicensingInfos: Array<{ licenseId: string }>; packages: Array<{ licenseDeclared: string }> };
  const declared = new Set(d.hasExtractedLicensingInfos.map((x) => x.licenseId));
  for (const p of d.packages) for (const ref of p.licenseDeclared.match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []) assert.ok(declared.has(ref), ref);
});

test('diffSboms pairs by name, arch and source package across a vendor switch', () => {
  const o = { hostName: 'web01', toolVersion: '0' };
  const d = diffSboms(requireSbomModel(BEFORE, o), requireSbomModel(AFTER, o));
  assert.deepEqual(d.added.map((x) => x.name), ['rocky-release']);
  assert.deepEqual(d.removed.map((x) => x.name), ['centos-release']);
  assert.deepEqual(d.changed.map((x) => [x.name, x.before.evr, x.after.evr]), [['openssl-libs', '1:1.1.1k-5.el8_5', '1:1.1.1k-6.el8_5']]);
  assert.deepEqual(d.supplierChanged.map((x) => [x.name, x.before.supplier, x.after.supplier]), [
    ['bash', 'CentOS', 'Rocky Enterprise Software Foundation'], ['openssl-libs', 'CentOS', 'Rocky Enterprise Software Foundation']]);
  assert.equal(d.unchanged, 1, 'kernel-core: same EVR, same vendor');
});
