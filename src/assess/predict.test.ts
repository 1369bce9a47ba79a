// The prediction's contract on small pools (the comparison with the real dnf is test/e2e/predict-transaction.test.ts):
// readable errors for unreadable facts, and the dup rules, install-only and erasure chains on hand-made packages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError } from '../core/index.js';
import type { PackageDependencies } from '../facts/index.js';
import { buildMigrationPool, erasureChain, predictMigration, transactionLines, type PredictInput } from './predict.js';
import { inst, pkg } from './testing/fixtures.js';
import type { Package } from '../rpm/types.js';

const deps = (nevra: string, d: Partial<PackageDependencies> = {}): PackageDependencies => ({ nevra, provides: [], requires: [], conflicts: [], obsoletes: [], files: [], ...d });
const withRequires = (p: Package, requires: string[]): Package => ({ ...p, requires: requires.map((name) => ({ name })) });

function input(over: Partial<PredictInput>): PredictInput {
  return { installed: [], dependencies: [], target: [], swap: { remove: [], install: [] }, arch: 'x86_64', ...over };
}

test('unreadable facts are named: a malformed rich dependency, a package without its dependencies', () => {
  const installed = [inst('app-1.0-1.x86_64')];
  assert.throws(() => predictMigration(input({ installed, dependencies: [deps('app-0:1.0-1.x86_64', { provides: ['app = 1.0-1'], requires: ['(lib or'] })] })),
    (e: unknown) => isFerryError(e, 'DEP_PARSE') && /app-0:1\.0-1\.x86_64/.test(e.message));
  assert.throws(() => predictMigration(input({ installed })), (e: unknown) => isFerryError(e, 'FACTS_PARSE') && /app-0:1\.0-1\.x86_64/.test(e.message));
});

test('distro-sync: a rebuild is reinstalled, an older target build downgraded, an orphan kept; an exact-version requires erases its package, with the chain', () => {
  const installed = [inst('lib-1.0-1.el8.x86_64', { vendor: 'CentOS' }), inst('tool-2.0-1.el8.x86_64', { vendor: 'CentOS' }),
    inst('pinned-1.0-1.x86_64', { vendor: 'ACME' }), inst('orphan-1.0-1.x86_64', { vendor: 'ACME' }),
    inst('a-1-1.x86_64', { vendor: 'ACME' }), inst('b-1-1.x86_64', { vendor: 'ACME' })];
  const dependencies = [
    deps('lib-0:1.0-1.el8.x86_64', { provides: ['lib = 1.0-1.el8'] }), deps('tool-0:2.0-1.el8.x86_64', { provides: ['tool = 2.0-1.el8'] }),
    deps('pinned-0:1.0-1.x86_64', { provides: ['pinned = 1.0-1'], requires: ['lib = 1.0-1.el8'] }),
    deps('orphan-0:1.0-1.x86_64', { provides: ['orphan = 1.0-1'], requires: ['lib'] }),
    // a dependency cycle of packages no repository carries: kept, in bounded time
    deps('a-0:1-1.x86_64', { provides: ['a = 1-1'], requires: ['b'] }), deps('b-0:1-1.x86_64', { provides: ['b = 1-1'], requires: ['a'] }),
  ];
  const target = [{ ...pkg('lib-1.0-1.oc8.x86_64'), vendor: 'OpenCloudOS' }, { ...pkg('tool-1.9-1.oc8.x86_64'), vendor: 'OpenCloudOS' }];
  const p = predictMigration(input({ installed, dependencies, target }));
  assert.ok(p.ok);
  assert.deepEqual(transactionLines(p.changes), ['downgrade tool-1.9-1.oc8.x86_64', 'erase pinned-1.0-1.x86_64', 'upgrade lib-1.0-1.oc8.x86_64']);
  const pinned = p.changes.find((c) => c.name === 'pinned');
  assert.ok(pinned?.forcedBy);
  assert.deepEqual(erasureChain(pinned.forcedBy), ['requires lib = 1.0-1.el8: lib-1.0-1.el8.x86_64 upgraded to lib-1.0-1.oc8.x86_64']);
});

test('the vendor swap: its removals erase their dependents (chain down to the job); an install-only kernel of a new version goes beside the old', () => {
  const installed = [inst('centos-logos-80-1.el8.noarch'), inst('branding-1-1.noarch'), inst('kernel-4.18.0-193.el8.x86_64')];
  const dependencies = [
    deps('centos-logos-0:80-1.el8.noarch', { provides: ['centos-logos = 80-1.el8'] }),
    deps('branding-0:1-1.noarch', { provides: ['branding = 1-1'], requires: ['centos-logos'] }),
    deps('kernel-0:4.18.0-193.el8.x86_64', { provides: ['kernel = 4.18.0-193.el8', 'installonlypkg(kernel)'] }),
  ];
  const target = [pkg('rocky-logos-80-1.el8.noarch'), withRequires(pkg('kernel-4.18.0-305.el8.x86_64', { provides: ['installonlypkg(kernel)'] }), [])];
  const p = predictMigration(input({ installed, dependencies, target, swap: { remove: ['centos-logos'], install: ['rocky-logos'] } }));
  assert.ok(p.ok);
  assert.deepEqual(transactionLines(p.changes), ['erase branding-1-1.noarch', 'erase centos-logos-80-1.el8.noarch', 'install kernel-4.18.0-305.el8.x86_64', 'install rocky-logos-80-1.el8.noarch']);
  const branding = p.changes.find((c) => c.name === 'branding');
  assert.ok(branding?.forcedBy);
  assert.deepEqual(erasureChain(branding.forcedBy), ['requires centos-logos: centos-logos-80-1.el8.noarch erased', 'removed by the vendor swap']);
});

test('hosts against one target package list share its prepared side: dependencies parsed once', () => {
  const target = [withRequires(pkg('tool-2.0-1.el8.x86_64'), ['lib'])];
  const one = buildMigrationPool({ installed: [inst('tool-1.0-1.el8.x86_64')], dependencies: [deps('tool-0:1.0-1.el8.x86_64', { provides: ['tool = 1.0-1.el8'] })], target });
  const two = buildMigrationPool({ installed: [inst('lib-1.0-1.el8.x86_64'), inst('tool-1.0-1.el8.x86_64')],
    dependencies: [deps('lib-0:1.0-1.el8.x86_64', { provides: ['lib = 1.0-1.el8'] }), deps('tool-0:1.0-1.el8.x86_64', { provides: ['tool = 1.0-1.el8'] })], target });
  const targetTool = (pool: typeof one.pool) => pool.solvable(pool.named('tool').find((id) => pool.solvable(id).repo === 1) ?? -1);
  const t1 = targetTool(one.pool);
  const t2 = targetTool(two.pool);
  assert.equal(t1.requires, t2.requires);
  assert.equal(t2.repo, 1);
  assert.deepEqual(two.pool.whatprovides({ type: 'simple', name: 'lib' }).map((id) => two.pool.solvable(id).repo), [0]);
});

test('a host\'s pool holds the target packages its transaction can install: its names, their obsoleters, the requires closure', () => {
  const target = [withRequires(pkg('tool-2.0-1.el9.x86_64'), ['libfoo.so.2()(64bit)']), pkg('foo-libs-2.0-1.el9.x86_64', { provides: ['libfoo.so.2()(64bit)'] }),
    pkg('alt-foo-1.0-1.el9.x86_64', { provides: ['libfoo.so.2()(64bit)'] }), pkg('ng-1.0-1.el9.noarch', { obsoletes: ['old < 2'] }),
    withRequires(pkg('unrelated-1.0-1.el9.x86_64'), ['tool']), pkg('tool-1.9-1.el9.i686')];
  const installed = [inst('tool-1.0-1.el8.x86_64'), inst('old-1.0-1.el8.noarch')];
  const { pool } = buildMigrationPool({ installed, target,
    dependencies: [deps('tool-0:1.0-1.el8.x86_64', { provides: ['tool = 1.0-1.el8'] }), deps('old-0:1.0-1.el8.noarch', { provides: ['old = 1.0-1.el8'] })] });
  const names = Array.from({ length: pool.count }, (_, id) => pool.solvable(id)).filter((x) => x.repo === 1).map((x) => `${x.name}.${x.arch}`).sort();
  // every provider of a requires (a choice dnf makes), every build of a name; not a package that only requires one of them
  assert.deepEqual(names, ['alt-foo.x86_64', 'foo-libs.x86_64', 'ng.noarch', 'tool.i686', 'tool.x86_64']);
});

test('installonly_limit=3: beyond three kernels the oldest is erased by the re-solve, and a module pinned to it goes with it', () => {
  const kernels = ['193', '200', '240'];
  const installed = [...kernels.map((r) => inst(`kernel-4.18.0-${r}.el8.x86_64`)), inst('acme-kmod-1-1.x86_64')];
  const dependencies = [
    ...kernels.map((r) => deps(`kernel-0:4.18.0-${r}.el8.x86_64`, { provides: [`kernel = 4.18.0-${r}.el8`, 'installonlypkg(kernel)'] })),
    deps('acme-kmod-0:1-1.x86_64', { provides: ['acme-kmod = 1-1'], requires: ['kernel = 4.18.0-193.el8'] }),
  ];
  const target = [pkg('kernel-4.18.0-305.el8.x86_64', { provides: ['installonlypkg(kernel)'] })];
  const p = predictMigration(input({ installed, dependencies, target }));
  assert.ok(p.ok);
  assert.deepEqual(transactionLines(p.changes), ['erase acme-kmod-1-1.x86_64', 'erase kernel-4.18.0-193.el8.x86_64', 'install kernel-4.18.0-305.el8.x86_64']);
  const oldest = p.changes.find((c) => c.nevra === 'kernel-4.18.0-193.el8.x86_64');
  assert.deepEqual(oldest?.forcedBy, { kind: 'job', job: 'installonly-limit' });
  const kmod = p.changes.find((c) => c.name === 'acme-kmod');
  assert.ok(kmod?.forcedBy);
  assert.deepEqual(erasureChain(kmod.forcedBy), ['requires kernel = 4.18.0-193.el8: kernel-4.18.0-193.el8.x86_64 erased', `beyond installonly_limit=3: the oldest install-only version goes`]);
});
