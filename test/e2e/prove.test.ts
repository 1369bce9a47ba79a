import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipUnlessShared, skipUnlessTools, sharedPath } from '../support/shared.js';
import { migrate } from '../../src/app/migrate.js';
import { sbomModelFor } from '../../src/app/prove.js';
import { collectFacts } from '../../src/facts/index.js';
import { diffSboms, renderSbom, SBOM_FORMATS } from '../../src/report/sbom/index.js';
import { sbomValidators } from '../../src/report/sbom/testing/validate.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { packageSet, useLab } from './helpers.js';
import { ferry } from './cli.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'gpg') || skipUnlessShared('sbom-schemas');
const labOf = useLab(skip);

test('SBOMs of a lab host before and after centos-8 → rocky-8: valid in every format, differing exactly by the migrated packages', { skip }, async () => {
  const d = await labOf().distro('rocky-8');
  const host = await labOf().host({ from: 'centos-8', extras: ['nodejs'] });
  const transport = createLocalTransport({ root: host.root });
  const v = sbomValidators(sharedPath('sbom-schemas'));
  try {
    const before = sbomModelFor({ hostName: 'lab', facts: await collectFacts(transport) }, 'test');
    const rpmBefore = packageSet(host.root, host.env);
    const res = await migrate({ transport, target: 'rocky-8', repos: [`rocky-8=${d.repoDir}`], gpgcheck: false });
    assert.equal(res.result.status, 'completed');
    const after = sbomModelFor({ hostName: 'lab', facts: await collectFacts(transport) }, 'test');
    const rpmAfter = packageSet(host.root, host.env);
    for (const m of [before, after]) {
      assert.ok(m.components.some((c) => c.dependsOn.length > 0), 'dependency relationships read');
      for (const f of SBOM_FORMATS) assert.deepEqual(v[f](renderSbom(m, f)), [], f);
    }
    assert.ok(after.components.every((c) => c.purl.startsWith('pkg:rpm/rocky/')), 'the namespace follows the distribution');
    // rpm's own view of what the migration changed, NEVRA by NEVRA (epoch always shown).
    const gone = rpmBefore.filter((p) => !rpmAfter.includes(p));
    const came = rpmAfter.filter((p) => !rpmBefore.includes(p));
    assert.ok(gone.length > 0 && came.length > 0);
    const diff = diffSboms(before, after);
    const nevra = (name: string, arch: string, evr: string): string => `${name}-${evr.includes(':') ? evr : `0:${evr}`}.${arch}`;
    const sbomGone = [...diff.removed.map((x) => nevra(x.name, x.arch, x.evr)), ...diff.changed.map((x) => nevra(x.name, x.arch, x.before.evr))].sort();
    const sbomCame = [...diff.added.map((x) => nevra(x.name, x.arch, x.evr)), ...diff.changed.map((x) => nevra(x.name, x.arch, x.after.evr))].sort();
    assert.deepEqual(sbomGone, gone.sort());
    assert.deepEqual(sbomCame, came.sort());
    assert.equal(diff.unchanged + diff.supplierChanged.filter((s) => s.before.evr === s.after.evr).length + diff.changed.length + diff.removed.length, before.components.length);
    assert.ok(diff.supplierChanged.some((s) => s.before.supplier === 'CentOS' && s.after.supplier === 'Rocky Enterprise Software Foundation'));
  } finally {
    await transport.close();
    host.dispose();
  }
});

test('ferry sbom --root prints a valid CycloneDX document; a bad --format is a usage error', { skip }, async () => {
  const host = await labOf().host({ from: 'centos-8' });
  const v = sbomValidators(sharedPath('sbom-schemas'));
  const r = await ferry(['sbom', 'local', '--root', host.root, '--format', 'cyclonedx-1.6']);
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as { components: Array<{ name: string }> };
  assert.deepEqual(v['cyclonedx-1.6'](doc), []);
  assert.equal(doc.components.length, packageSet(host.root, host.env).length);
  const bad = await ferry(['sbom', 'local', '--root', host.root, '--format', 'spdx-9']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /USAGE.*spdx-9/);
  host.dispose();
});
