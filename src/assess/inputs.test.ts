import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../catalog/index.js';
import type { HostFacts } from '../facts/types.js';
import { createPool } from '../rpm/pool.js';
import { assessTargets } from './assess.js';
import { assessedFacts, assessmentInputKey } from './inputs.js';
import { baseFacts, inst, pkg } from './testing/fixtures.js';

const catalog = loadCatalog();
const repo = {
  release: 'rocky-8', locations: ['mem://rocky-8'],
  pool: createPool([pkg('bash-4.4.20-1.el8.x86_64'), pkg('rocky-release-8.6-2.el8.noarch', { obsoletes: ['centos-release'] }), pkg('kernel-core-4.18.0-372.el8.x86_64')]),
};

/** A host with every member the assessment does not read filled in, differently from baseFacts. */
function decorated(): HostFacts {
  const f = baseFacts({
    collectedAt: '2025-01-02T03:04:05Z', origin: 'ssh://root@db7:22', root: '/mnt/img',
    repos: [{ id: 'local-mirror', enabled: true, file: '/etc/yum.repos.d/m.repo', baseurl: ['http://mirror.invalid/'], gpgkey: [], options: {} }],
  });
  f.system = { hostname: 'db7.example', arch: 'x86_64' };
  f.packages = (f.packages ?? []).map((p, i) => ({ ...p, installTime: 1_700_000_000 + i, buildTime: 1_600_000_000, size: 1000 + i, license: 'GPLv3+', packager: 'CentOS Buildsys', sourcerpm: `${p.name}.src.rpm`, epochSet: true }));
  f.packages.push(inst('unsigned-tool-1.0-1.el8.x86_64', { vendor: 'Acme', signature: { algorithm: 'RSA/SHA256', keyId: '05b555b38483c65d', time: 1_650_000_000 } }));
  return f;
}

test('the assessment of assessedFacts(facts) is the assessment of facts: the members declared not read are not read', () => {
  const facts = decorated();
  const input = { catalog, targets: [{ release: 'rocky-8', repo }, { release: 'almalinux-8' }], today: '2026-01-01', now: new Date('2026-01-01T00:00:00Z') };
  const whole = assessTargets({ ...input, facts });
  const projected = assessTargets({ ...input, facts: assessedFacts(facts) });
  assert.deepEqual(projected.targets, whole.targets);
  assert.equal(projected.sourceRelease, whole.sourceRelease);
  assert.equal(projected.sourceName, whole.sourceName);
  // The header is the host's own, never part of a shared document.
  assert.equal(assessedFacts(facts).origin, '');
  assert.equal(assessedFacts(facts).system?.hostname, undefined);
});

test('assessmentInputKey: equal for hosts that differ only in what is not read, different for each read member', () => {
  const key = assessmentInputKey(decorated());
  const rows: Array<[string, (f: HostFacts) => void, boolean]> = [
    ['hostname', (f) => { f.system = { ...f.system, hostname: 'other' }; }, true],
    ['collectedAt', (f) => { f.collectedAt = '2030-01-01T00:00:00Z'; }, true],
    ['origin', (f) => { f.origin = 'ssh://root@web1:22'; }, true],
    ['repos', (f) => { f.repos = []; }, true],
    ['installTime', (f) => { for (const p of f.packages ?? []) p.installTime = 1; }, true],
    ['signature time', (f) => { for (const p of f.packages ?? []) if (p.signature) p.signature.time = 1; }, true],
    ['a package version', (f) => { (f.packages ?? [])[0].version = '9.9'; }, false],
    ['a package vendor', (f) => { (f.packages ?? [])[0].vendor = 'Other'; }, false],
    ['a package vendor left out', (f) => { delete (f.packages ?? [])[0].vendor; }, false],
    ['an epoch the list did not give', (f) => { (f.packages ?? [])[0].epochUnknown = true; }, false],
    ['a signing key', (f) => { for (const p of f.packages ?? []) if (p.signature) p.signature.keyId = '0000000000000000'; }, false],
    ['an added package', (f) => { f.packages?.push(inst('glibc-2.28-101.el8.i686')); }, false],
    ['arch', (f) => { f.system = { ...f.system, arch: 'aarch64' }; }, false],
    ['free disk', (f) => { for (const m of f.mounts ?? []) m.availableKiB = 1; }, false],
    ['memory', (f) => { f.memory = { totalKiB: 1024 }; }, false],
    ['os release', (f) => { if (f.os) f.os.versionId = '8.5'; }, false],
    ['running kernel', (f) => { if (f.kernel) f.kernel.running = '4.18.0-305.el8.x86_64'; }, false],
    ['source', (f) => { f.source = 'root'; }, false],
  ];
  for (const [what, change, same] of rows) {
    const f = decorated();
    change(f);
    assert.equal(assessmentInputKey(f) === key, same, `${what}: the key should ${same ? 'not ' : ''}change`);
  }
});
