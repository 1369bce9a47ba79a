// The fates read off the solver's transaction (fates.ts transactionFate, the one mapping when the facts carry
// the installed dependencies), on small pools solved by predict.ts; the lab's comparison with the real dnf is
// test/e2e/fates-dnf.test.ts. Each case is one the rules alone (computeFates without a transaction) get wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InstalledPackage, PackageDependencies } from '../facts/index.js';
import { createPool } from '../rpm/pool.js';
import type { Package } from '../rpm/types.js';
import { computeFates } from './fates.js';
import { predictMigration, type PredictedChange } from './predict.js';
import { inst, pkg } from './testing/fixtures.js';
import type { PackageFate } from './types.js';

const withDeps = (p: Package, d: { requires?: string[]; conflicts?: string[] }): Package => ({
  ...p, requires: (d.requires ?? []).map((name) => ({ name })), conflicts: (d.conflicts ?? []).map((name) => ({ name })),
});

/** Both answers for one host: the transaction's fates and the rules'. */
function fatesOf(installed: InstalledPackage[], target: Package[], deps: Record<string, { requires?: string[]; provides?: string[] }> = {}): { tx: PackageFate[]; rules: PackageFate[] } {
  const dependencies: PackageDependencies[] = installed.map((p) => {
    const nevra = `${p.name}-${p.epoch}:${p.version}-${p.release}.${p.arch}`;
    return { nevra, provides: [`${p.name} = ${p.epoch}:${p.version}-${p.release}`, ...(deps[p.name]?.provides ?? [])], requires: deps[p.name]?.requires ?? [], conflicts: [], obsoletes: [], files: [] };
  });
  const prediction = predictMigration({ installed, dependencies, target, swap: { remove: [], install: [] }, arch: 'x86_64' });
  assert.ok(prediction.ok, JSON.stringify(prediction));
  const base = { installed, pool: createPool(target), baseArch: 'x86_64', origin: { sourceVendor: 'CentOS' } };
  return { tx: computeFates({ ...base, transaction: prediction.changes }), rules: computeFates(base) };
}

const brief = (f: PackageFate | undefined): string => (f ? `${f.fate} ${(f.target ?? []).join(',')}`.trim() : 'none');

test('an obsoleted package is replaced by every incoming package that obsoletes it (dnf\'s "replacing"), of its arch only', () => {
  // the transaction as given (dnf 4.14 installs both b11 and c11 for a11: measured on hand-built rpms)
  const installed = [inst('gdbm-1.10-8.el7.x86_64', { vendor: 'CentOS' }), inst('a11-1.0-1.noarch', { vendor: 'CentOS' })];
  const target = [pkg('gdbm-libs-1:1.19-4.el9.i686', { obsoletes: ['gdbm < 1:1.13'] }), pkg('gdbm-libs-1:1.19-4.el9.x86_64', { obsoletes: ['gdbm < 1:1.13'] }),
    pkg('b11-1.0-1.noarch', { obsoletes: ['a11'] }), pkg('c11-1.0-1.noarch', { obsoletes: ['a11'] })];
  const transaction: PredictedChange[] = [
    { action: 'install', nevra: 'gdbm-libs-1:1.19-4.el9.x86_64', name: 'gdbm-libs', arch: 'x86_64' },
    { action: 'obsolete', nevra: 'gdbm-1.10-8.el7.x86_64', name: 'gdbm', arch: 'x86_64', by: 'gdbm-libs-1:1.19-4.el9.x86_64' },
    { action: 'install', nevra: 'b11-1.0-1.noarch', name: 'b11', arch: 'noarch' }, { action: 'install', nevra: 'c11-1.0-1.noarch', name: 'c11', arch: 'noarch' },
    { action: 'obsolete', nevra: 'a11-1.0-1.noarch', name: 'a11', arch: 'noarch', by: 'b11-1.0-1.noarch' },
  ];
  const fates = computeFates({ installed, pool: createPool(target), baseArch: 'x86_64', transaction });
  assert.deepEqual(fates.map(brief), ['replaced gdbm-libs-1:1.19-4.el9.x86_64', 'replaced b11-1.0-1.noarch,c11-1.0-1.noarch']);
  assert.deepEqual(fates.map((f) => f.via), ['obsoletes', 'obsoletes']);
});

test('the solver\'s transaction decides where the rules guess: a Conflicts erases, an exact-version requires erases with its chain', () => {
  // dnf 4.14 distro-sync --allowerasing on hand-built rpms: "Upgrading lib", "Removing dependent packages: agent"
  const { tx, rules } = fatesOf([inst('acme-agent-2.0-1.x86_64', { vendor: 'ACME' }), inst('lib-1.0-1.el8.x86_64', { vendor: 'CentOS' }), inst('pinned-1-1.x86_64', { vendor: 'ACME' })], [
    withDeps(pkg('lib-2.0-1.el9.x86_64'), { conflicts: ['acme-agent'] }),
  ], { pinned: { requires: ['lib = 0:1.0-1.el8'] } });
  assert.deepEqual(rules.map(brief), ['third-party', 'upgrade lib-2.0-1.el9.x86_64', 'third-party']);
  assert.deepEqual(tx.map(brief), ['erased', 'upgrade lib-2.0-1.el9.x86_64', 'erased']);
  assert.equal(tx[0].reason, 'conflicts with lib-2.0-1.el9.x86_64 (Conflicts: acme-agent)');
  assert.deepEqual(tx[2].chain, ['requires lib = 1.0-1.el8: lib-1.0-1.el8.x86_64 upgraded to lib-2.0-1.el9.x86_64']);
  assert.equal(tx[2].erasedBy, 'lib-1.0-1.el8.x86_64');
});

test('kept builds: the same build in the target is same, none is missing or third-party by origin; an install-only kernel is upgraded beside', () => {
  const { tx } = fatesOf([inst('bash-5.1-1.el9.x86_64', { vendor: 'CentOS' }), inst('old-1-1.el8.x86_64', { vendor: 'CentOS' }), inst('epel-thing-1-1.el8.x86_64', { vendor: 'Fedora Project' }),
    inst('kernel-core-4.18.0-193.el8.x86_64', { vendor: 'CentOS' }), inst('tool-1.0-1.el8.x86_64', { vendor: 'CentOS' })], [
    pkg('bash-5.1-1.el9.x86_64'), pkg('kernel-core-5.14.0-70.el9.x86_64', { provides: ['installonlypkg(kernel)'] }), pkg('tool-2.0-1.el9.i686'),
  ], { 'kernel-core': { provides: ['installonlypkg(kernel)'] } });
  assert.deepEqual(tx.map(brief), ['same bash-5.1-1.el9.x86_64', 'missing', 'third-party', 'upgrade kernel-core-5.14.0-70.el9.x86_64', 'missing']);
  assert.match(tx[3].reason ?? '', /install-only/);
  // another arch only: kept, and the reason names the target's build
  assert.match(tx[4].reason ?? '', /the target's tool-2\.0-1\.el9\.i686 is not installed in its place/);
});
