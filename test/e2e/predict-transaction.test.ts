// Issue 19 item 4 on the lab: Ferry's predicted transaction of the vendor swap and distro-sync (src/assess/predict.ts:
// the host's facts, the target repositories' primary metadata and the solver) equals `dnf --assumeno`'s
// (src/exec/package-manager/dnf.ts predict, the migration's own prediction, read by transaction-summary.ts)
// package by package, on every same-major lab path the e2e tests migrate: the issue-15 erasures (a third-party
// package requiring centos-logos, one pinned to the source's openssl-libs build), downgrades (Stream 8 → stable),
// obsoletes (lab-utils replacing lab-legacy-utils), i686 multilib and the install-only kernel.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { skipUnlessTools } from '../support/shared.js';
import { loadCatalog } from '../../src/catalog/index.js';
import { collectFacts } from '../../src/facts/index.js';
import { predictMigration, transactionLines, vendorSwapPlan, type PredictedChange } from '../../src/assess/index.js';
import { dnf } from '../../src/exec/package-manager/dnf.js';
import { summaryLines } from '../../src/exec/package-manager/transaction-summary.js';
import { loadTargetRepos } from '../../src/app/repos.js';
import { assessTargets } from '../../src/assess/index.js';
import { planErrors } from '../../src/plan/index.js';
import { createLocalTransport } from '../../src/transport/local.js';
import type { SourceDef } from '../lab/model.js';
import type { HostOptions } from '../lab/lab.js';
import { ferry } from './cli.js';
import { THIRD_PARTY, useLab } from './helpers.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm');
const labOf = useLab(skip);

/** Each path's transaction must show these (so the comparison covers them), as comparable lines. */
// Two more kernels installed beside the lab's CentOS 8 kernel (4.18.0-193; rpm -i takes newer ones only): with the target's 4.18.0-305, four
// versions, one beyond installonly_limit=3.
const MORE_KERNELS: SourceDef[] = ['200.el8', '240.el8'].map((release) => ({ name: 'kernel', version: '4.18.0', release, arch: 'x86_64', vendor: 'CentOS', license: 'GPLv2',
  binaries: [{ name: 'kernel', provides: [`kernel-uname-r = 4.18.0-${release}.x86_64`, 'installonlypkg(kernel)'], files: { [`/boot/lab-vmlinuz-4.18.0-${release}`]: 'old lab kernel\n' } }] }));

interface Path { from: string; to: string; label?: string; host: Omit<HostOptions, 'from'>; shows: RegExp[] }

const PATHS: Path[] = [
  { from: 'centos-8', to: 'rocky-8', host: { extras: ['glibc.i686', 'nodejs', 'libidn'], epel: true, noRepoPackage: true, localPackages: THIRD_PARTY },
    shows: [/^erase acme-branding-1\.0-1\.noarch$/, /^install kernel-core-4\.18\.0-305\./, /^reinstall glibc-2\.28-101\.el8\.i686$/,
      /^obsolete lab-legacy-utils-1\.0-3\.el8\.x86_64 by lab-utils-2\.0-1\.el8\.x86_64$/, /^reinstall nodejs-1:10\./, /^upgrade lz4-libs-/] },
  { from: 'centos-stream-8', to: 'rocky-8', host: { extras: ['nodejs'] }, shows: [/^downgrade tzdata-2021a-1\.el8\.noarch$/, /^reinstall kernel-core-/] },
  { from: 'centos-8', to: 'opencloudos-8', host: { localPackages: THIRD_PARTY },
    shows: [/^erase acme-branding-1\.0-1\.noarch$/, /^erase acme-legacy-ssl-2\.0-1\.x86_64$/, /^upgrade openssl-libs-1:1\.1\.1c-15\.oc8\.x86_64$/] },
  { from: 'centos-8', to: 'rocky-8', label: 'three kernels', host: { localPackages: MORE_KERNELS }, shows: [/^erase kernel-4\.18\.0-193\.el8\.x86_64$/, /^install kernel-4\.18\.0-305\./] },
  { from: 'centos-8', to: 'almalinux-8', host: { extras: ['nodejs'] }, shows: [/^install almalinux-release-/, /^erase centos-release-/] },
];

const figures: string[] = [];
after(() => { for (const f of figures) console.log(f); });

async function comparePath(p: Path): Promise<{ ferry: string[]; dnf: string[]; changes: PredictedChange[]; erasedFates: string[] }> {
  const lab = labOf();
  const d = await lab.distro(p.to);
  const host = await lab.host({ from: p.from, ...p.host });
  const transport = createLocalTransport({ root: host.root });
  try {
    const facts = await collectFacts(transport);
    // the target's metadata as assess reads it
    const repo = await loadTargetRepos(p.to, [d.repoDir]);
    const target = repo.pool.packages;
    const modules = repo.modules;
    const installed = facts.packages ?? [];
    const swap = vendorSwapPlan({ catalog: loadCatalog(), source: p.from, target: p.to, installed: new Set(installed.map((x) => x.name)),
      osId: facts.os?.id, available: new Set(target.map((x) => x.name)) });
    const predicted = predictMigration({ installed, dependencies: facts.dependencies ?? [], target, modules, moduleStates: facts.modules,
      swap, arch: facts.system?.arch ?? 'x86_64' });
    assert.ok(predicted.ok, JSON.stringify(predicted));

    mkdirSync(join(host.root, 'var/lib/ferry-predict'), { recursive: true });
    const env = { releasever: d.releasever, modulePlatformId: d.modulePlatformId ?? null, repos: [{ id: `lab-${p.to}`, baseurl: d.baseurl }], gpgcheck: false };
    const reference = await dnf.predict({ transport, stateDir: '/var/lib/ferry-predict' }, env, { swap, distroSync: true });
    const ferry = transactionLines(predicted.changes);
    const ref = summaryLines(reference.transaction);
    const both = new Set([...ferry, ...ref]);
    const equal = ferry.filter((l) => ref.includes(l));
    figures.push(`${p.from} → ${p.to}${p.label ? ` (${p.label})` : ""}: ${both.size} packages compared, ${equal.length} equal`);
    if (process.env.DUMP) figures.push(...ref.map((l) => `    ${l}`));
    for (const l of ferry) if (!ref.includes(l)) figures.push(`  only Ferry: ${l}`);
    for (const l of ref) if (!ferry.includes(l)) figures.push(`  only dnf:   ${l}`);
    // the assessment's fates: what the transaction erases for a dependency is `erased`, with its chain
    const assessment = assessTargets({ facts, catalog: loadCatalog(), targets: [{ release: p.to, repo }], today: '2026-01-01' });
    const fates = assessment.targets[0].fates;
    const erasedFates = fates.filter((f) => f.fate === 'erased').map((f) => `${f.installed}: ${(f.chain ?? []).join(' <- ')}`);
    const erasedByDeps = predicted.changes.filter((c) => c.action === 'erase' && c.forcedBy?.kind === 'dependency').map((c) => c.nevra).sort();
    assert.deepEqual(fates.filter((f) => f.fate === 'erased').map((f) => f.installed).sort(), erasedByDeps);
    // and each erasure is its own finding (erased-packages), not a package said to stay
    const findings = assessment.targets[0].findings;
    assert.deepEqual(findings.filter((f) => f.check === 'erased-packages').map((f) => f.details?.package).sort(), erasedByDeps);
    const missing = findings.find((f) => f.check === 'missing-packages');
    for (const n of erasedByDeps) assert.ok(!JSON.stringify(missing ?? {}).includes(n), `${n} is not listed as staying installed`);
    return { ferry, dnf: ref, changes: predicted.changes, erasedFates };
  } finally {
    await transport.close();
    host.dispose();
  }
}

for (const p of PATHS.filter((x) => !process.env.ONLY || `${x.from}:${x.to}` === process.env.ONLY)) {
  test(`${p.from} → ${p.to}${p.label ? ` (${p.label})` : ""}: Ferry's predicted transaction equals dnf --assumeno's, package by package`, { skip, timeout: 300_000 }, async () => {
    const { ferry, dnf: ref, changes, erasedFates } = await comparePath(p);
    assert.ok(ref.length > 0, 'dnf predicts a transaction');
    for (const re of p.shows) assert.ok(ref.some((l) => re.test(l)), `dnf's transaction shows ${re}`);
    assert.deepEqual(ferry, ref);
    // the install-only kernel stays beside the new one, unless installonly_limit retires it
    for (const c of changes.filter((x) => x.name.startsWith('kernel') && (x.action === 'erase' || x.action === 'obsolete'))) {
      assert.deepEqual(c.forcedBy, { kind: 'job', job: 'installonly-limit' }, c.nevra);
    }
    // each erasure with its cause: the swap's job, or the requires that no longer holds, down to the package forcing it
    const cause = (name: string): unknown => changes.find((c) => c.name === name && c.action === 'erase')?.forcedBy;
    if (ferry.some((l) => l.startsWith('erase acme-branding-'))) {
      assert.deepEqual(cause('acme-branding'), { kind: 'dependency', requires: 'centos-logos', provider: 'centos-logos-80.0-1.el8.noarch',
        providerFate: 'erased', cause: { kind: 'job', job: 'vendor-swap-remove' }, root: 'centos-logos-80.0-1.el8.noarch' });
    }
    if (ferry.some((l) => l.startsWith('erase acme-legacy-ssl-'))) {
      assert.deepEqual(cause('acme-legacy-ssl'), { kind: 'dependency', requires: 'openssl-libs = 1:1.1.1c-15.el8', provider: 'openssl-libs-1:1.1.1c-15.el8.x86_64',
        providerFate: 'upgraded to openssl-libs-1:1.1.1c-15.oc8.x86_64', root: 'openssl-libs-1:1.1.1c-15.el8.x86_64' });
    }
    assert.deepEqual(cause('centos-logos'), { kind: 'job', job: 'vendor-swap-remove' });
    if (p.host.localPackages === THIRD_PARTY) {
      assert.ok(erasedFates.includes('acme-branding-1.0-1.noarch: requires centos-logos: centos-logos-80.0-1.el8.noarch erased <- removed by the vendor swap'), erasedFates.join('\n'));
    }
    if (p.to === 'opencloudos-8') {
      assert.ok(erasedFates.includes('acme-legacy-ssl-2.0-1.x86_64: requires openssl-libs = 1:1.1.1c-15.el8: openssl-libs-1:1.1.1c-15.el8.x86_64 upgraded to openssl-libs-1:1.1.1c-15.oc8.x86_64'), erasedFates.join('\n'));
    }
  });
}

test('ferry plan prints the predicted transaction: per package, the erasures with the chain that forces them', { skip, timeout: 300_000 }, async () => {
  const lab = labOf();
  const d = await lab.distro('opencloudos-8');
  const host = await lab.host({ from: 'centos-8', localPackages: THIRD_PARTY });
  try {
    const r = await ferry(['plan', 'local', '--root', host.root, '--to', 'opencloudos-8', '--repo', `opencloudos-8=${d.repoDir}`, '--nogpgcheck']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Predicted transaction \(vendor swap \+ distro-sync\): .*erase 7.*$/m);
    assert.match(r.out, /^ {2}erase {5}acme-branding-1\.0-1\.noarch: requires centos-logos: centos-logos-80\.0-1\.el8\.noarch erased <- removed by the vendor swap$/m);
    assert.match(r.out, /^ {2}erase {5}acme-legacy-ssl-2\.0-1\.x86_64: requires openssl-libs = 1:1\.1\.1c-15\.el8: openssl-libs-1:1\.1\.1c-15\.el8\.x86_64 upgraded to openssl-libs-1:1\.1\.1c-15\.oc8\.x86_64$/m);
    assert.match(r.out, /^ {2}upgrade {3}openssl-libs-1:1\.1\.1c-15\.oc8\.x86_64 \(from openssl-libs-1:1\.1\.1c-15\.el8\.x86_64\)$/m);
    assert.match(r.out, /^ {2}obsolete {2}lab-legacy-utils-1\.0-3\.el8\.x86_64 by lab-utils-2\.0-1\.oc8\.x86_64$/m);
    assert.match(r.out, /^ {2}erase {5}centos-logos-80\.0-1\.el8\.noarch: removed by the vendor swap$/m);
    // --json: the plan document with the same transaction, valid against the plan schema
    const j = await ferry(['plan', 'local', '--root', host.root, '--to', 'opencloudos-8', '--repo', `opencloudos-8=${d.repoDir}`, '--nogpgcheck', '--json']);
    assert.equal(j.code, 0, j.err);
    const doc = JSON.parse(j.out) as { predictedTransaction?: { ok: boolean; changes: PredictedChange[] } };
    assert.deepEqual(planErrors(doc), []);
    assert.ok(doc.predictedTransaction?.ok);
    const textLines = r.out.split('\n').slice(r.out.split('\n').findIndex((l) => l.startsWith('Predicted transaction')) + 1)
      .map((l) => /^ {2}(\w+) +(\S+?)(?:: | \(| by |$)/.exec(l)).filter((m) => m !== null).map((m) => `${m[1]} ${m[2]}`).sort();
    assert.ok(textLines.length >= 20, `${textLines.length} text lines`);
    assert.deepEqual(doc.predictedTransaction.changes.map((c) => `${c.action} ${c.nevra}`).sort(), textLines);
    assert.deepEqual(doc.predictedTransaction.changes.find((c) => c.name === 'acme-branding')?.forcedBy,
      { kind: 'dependency', requires: 'centos-logos', provider: 'centos-logos-80.0-1.el8.noarch', providerFate: 'erased', cause: { kind: 'job', job: 'vendor-swap-remove' }, root: 'centos-logos-80.0-1.el8.noarch' });
  } finally {
    host.dispose();
  }
});
