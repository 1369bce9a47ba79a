import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipUnlessShared, skipUnlessTools, sharedPath } from '../support/shared.js';
import { migrate } from '../../src/app/migrate.js';
import { sbomModelFor } from '../../src/app/prove.js';
import { collectFacts } from '../../src/facts/index.js';
import { diffSboms, renderSbom, SBOM_FORMATS } from '../../src/report/sbom/index.js';
import { sbomValidators } from '../../src/report/sbom/testing/validate.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exposureOfFacts, loadOsvFeeds } from '../../src/app/prove-cve.js';
import { proveMigration } from '../../src/app/prove-proof.js';
import { journalPathFor } from '../../src/exec/journal.js';
import { renderProofHtml, renderProofText, validateMigrationProof } from '../../src/report/proof/index.js';
import { extractAlmaOsv } from '../../src/vuln/testing.js';
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

test('the migration proof of a lab host: proven with its package diff, CVE delta and support; a tampered journal entry makes it "tampered", naming the entry', { skip: skip || skipUnlessShared('security', 'almalinux-osv-database', 'advisories.tar.xz') }, async () => {
  const d = await labOf().distro('almalinux-8');
  const host = await labOf().host({ from: 'centos-8' });
  const transport = createLocalTransport({ root: host.root });
  try {
    const before = await collectFacts(transport);
    const res = await migrate({ transport, target: 'almalinux-8', repos: [`almalinux-8=${d.repoDir}`], gpgcheck: false });
    assert.equal(res.result.status, 'completed');
    const feeds = await loadOsvFeeds(extractAlmaOsv(sharedPath('security', 'almalinux-osv-database', 'advisories.tar.xz')));
    const proof = await proveMigration({ transport, hostName: 'lab-c8', before, feeds, toolVersion: 'test', today: '2026-01-01' });
    assert.deepEqual([proof.verdict, proof.reasons], ['proven', []]);
    assert.equal(proof.journal.status, 'intact');
    assert.equal(proof.verification.status, 'passed');
    // Verification's package-set verdict (part of its ok) is listed with its other checks.
    assert.deepEqual(proof.verification.checks.filter((c) => c.id === 'package-set').map((c) => c.ok), [true]);
    assert.ok(!('status' in proof.packages) && proof.packages.supplierChanged > 0);
    assert.ok(!('status' in proof.cve) && proof.cve.comparable, JSON.stringify(proof.cve));
    assert.equal(proof.cve.before.coverage, 'successor-fixes');
    assert.equal(proof.cve.after.coverage, 'covered');
    assert.deepEqual([proof.support.before?.release, proof.support.after?.release], ['centos-8', 'almalinux-8']);
    assert.ok((proof.support.daysGained ?? 0) > 0);
    // AlmaLinux 8's end of life 2029-05-31 is 1246 days after 2026-01-01; CentOS 8's (2021-12-31) had passed.
    assert.equal(proof.support.daysGained, 1246);
    assert.deepEqual(validateMigrationProof(JSON.parse(JSON.stringify(proof))), []);
    // Installability from the host's enabled repository (the lab's AlmaLinux 8): each open fix is yes or no, none unknown.
    const open = await exposureOfFacts('lab-c8', await collectFacts(transport), { feeds, repos: [d.repoDir] });
    assert.equal(open.totals?.installable.unknown, 0);
    assert.equal((open.totals?.installable.yes ?? 0) + (open.totals?.installable.no ?? 0), open.totals?.packages);
    assert.match(renderProofHtml(proof), /Migration proof: lab-c8/);
    // Tamper: change one recorded fact of entry 3, keep its mac.
    const path = join(host.root, journalPathFor(res.result.executionId));
    const lines = readFileSync(path, 'utf8').split('\n');
    const third = JSON.parse(lines[2] ?? '') as Record<string, unknown>;
    third.at = '2020-01-01T00:00:00.000Z';
    lines[2] = JSON.stringify(third);
    writeFileSync(path, lines.join('\n'));
    const tampered = await proveMigration({ transport, hostName: 'lab-c8', before, feeds, toolVersion: 'test', today: '2026-01-01' });
    assert.equal(tampered.journal.status, 'tampered');
    assert.equal(tampered.verdict, 'not-proven');
    assert.ok(tampered.journal.status === 'tampered' && tampered.journal.entry?.seq === 3, JSON.stringify(tampered.journal));
    assert.match(renderProofText(tampered), /journal: TAMPERED at entry 3 \(/);
  } finally {
    await transport.close();
    host.dispose();
  }
});
