// The sonames a third-party package needs and the target lacks, on a lab host: `acme-legacy` (no repository
// carries it, installed with rpm -i; libidn installed from CentOS 8) requires libc.so.6, libssl.so.1.1 and libidn.so.11, which the lab's
// CentOS 8 provides (glibc, openssl-libs, libidn). Rocky 8 provides all three; Rocky 9 provides libc.so.6
// only (its openssl-libs carries libssl.so.3 and it has no libidn), so against rocky-9 the package is named
// with the two sonames. `acme-tools` needs libacme.so.2, which only its own third-party acme-libs provides:
// it stays installed with it, so no target is asked for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { Assessment } from '../../src/assess/types.js';
import { validateAssessment } from '../../src/report/assessment-schema.js';
import type { SourceDef } from '../lab/model.js';
import { skipUnlessTools } from '../support/shared.js';
import { ferry } from './cli.js';
import { useLab } from './helpers.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'dnf', 'rpm');
const labOf = useLab(skip);

const acme = (name: string, binaries: SourceDef['binaries']): SourceDef => ({ name, version: '2.1', release: '1', arch: 'x86_64', vendor: 'ACME Corp', license: 'Proprietary', binaries });
const LOCAL: SourceDef[] = [
  acme('acme-legacy', [{ name: 'acme-legacy', requires: ['filesystem', 'libc.so.6()(64bit)', 'libssl.so.1.1()(64bit)', 'libidn.so.11()(64bit)'], files: { '/opt/acme/bin/legacy': '#acme legacy\n' } }]),
  acme('acme-libs', [{ name: 'acme-libs', requires: ['libc.so.6()(64bit)'], provides: ['libacme.so.2()(64bit)'], files: { '/opt/acme/lib/libacme.so.2': 'lab libacme\n' } }]),
  acme('acme-tools', [{ name: 'acme-tools', requires: ['libacme.so.2()(64bit)', 'libc.so.6()(64bit)'], files: { '/opt/acme/bin/tools': '#acme tools\n' } }]),
];

test('third-party sonames: acme-legacy needs libssl.so.1.1 and libidn.so.11, which rocky-9 lacks and rocky-8 provides; a soname another third-party package provides is not asked of the target', { skip }, async () => {
  const lab = labOf();
  const [r8, r9] = await Promise.all([lab.distro('rocky-8'), lab.distro('rocky-9')]);
  const host = await lab.host({ from: 'centos-8', extras: ['libidn'], localPackages: LOCAL });
  try {
    // rpm's own view: the requires as the package header carries them, and CentOS 8's providers
    const req = spawnSync('rpm', ['--root', host.root, '-q', '--requires', 'acme-legacy'], { env: host.env, encoding: 'utf8' }).stdout;
    for (const s of ['libssl.so.1.1()(64bit)', 'libidn.so.11()(64bit)']) assert.ok(req.split('\n').includes(s), req);
    const r = await ferry(['--json', 'assess', '--root', host.root, '--to', 'rocky-8,rocky-9', '--repo', `rocky-8=${r8.repoDir}`, '--repo', `rocky-9=${r9.repoDir}`, '--today', '2024-06-01']);
    const a = JSON.parse(r.out) as Assessment;
    assert.deepEqual(validateAssessment(a), []);
    const findings = (id: string): Assessment['targets'][number]['findings'] => {
      const t = a.targets.find((x) => x.target === id);
      assert.ok(t, id);
      assert.ok(!(t.notAssessed ?? []).some((n) => n.check === 'third-party-sonames'), `${id}: assessed`);
      return t.findings.filter((f) => f.check === 'third-party-sonames');
    };
    assert.deepEqual(findings('rocky-8'), []);
    const [f, ...more] = findings('rocky-9');
    assert.deepEqual(more, [], 'acme-tools (libacme.so.2 from acme-libs) and acme-libs are not named');
    assert.equal(f?.key, 'third-party-sonames:acme-legacy.x86_64');
    assert.equal(f.severity, 'high');
    assert.ok(a.targets.find((t) => t.target === 'rocky-9')?.inhibitors.includes(f.key));
    assert.deepEqual(f.details, { package: 'acme-legacy-2.1-1.x86_64', sonames: ['libidn.so.11()(64bit)', 'libssl.so.1.1()(64bit)'],
      providers: ['libidn-0:1.34-5.el8.x86_64', 'openssl-libs-1:1.1.1c-15.el8.x86_64'] });
    assert.match(f.summary, /acme-legacy-2\.1-1\.x86_64 requires libidn\.so\.11\(\)\(64bit\), libssl\.so\.1\.1\(\)\(64bit\), which no package of the rocky-9 repositories provides/);
    const text = await ferry(['assess', '--root', host.root, '--to', 'rocky-9', '--repo', `rocky-9=${r9.repoDir}`, '--today', '2024-06-01']);
    assert.match(text.out, /acme-legacy-2\.1-1\.x86_64 needs 2 libraries rocky-9 does not provide/);
    console.log(text.out.split('\n').filter((l) => /needs 2 libraries|libssl\.so\.1\.1/.test(l)).join('\n'));
  } finally {
    host.dispose();
  }
});
