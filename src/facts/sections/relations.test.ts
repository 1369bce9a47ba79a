import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessTools } from '../../../test/support/shared.js';
import { createLocalTransport } from '../../transport/index.js';
import type { Transport } from '../../transport/index.js';
import { collectFacts } from '../collect.js';
import { RPM_QUERY_FIELDS, RPM_QUERYFORMAT } from '../rpm-queryformat.js';
import { dependenciesOf } from './dependencies.js';
import { parseFileOwners, parseRelationRecords, resolveRelations } from './relations.js';

const FS = '\x1f';
const RS = '\x1e';
const GS = '\x1d';
// A packages-part record: Ferry's RPM_QUERY_FIELDS (those past the NEVRA left '(none)'), then the relations fields.
const rec = (n: string, e: string, v: string, r: string, a: string, digest: string, md5: string, req: string[], prov: string[], conflicts: string[] = [], obsoletes: string[] = []): string =>
  [n, e, v, r, a, ...Array<string>(RPM_QUERY_FIELDS.length - 5).fill('(none)'), digest, md5, ...[req, prov, conflicts, obsoletes].map((l) => l.map((x) => x + GS).join(''))].join(FS) + RS;

test('parseRelationRecords: the versioned lists kept as rpm prints them, requires and provides resolved by capability name; dependenciesOf reads the same records', () => {
  const text = rec('foo', '(none)', '1.2', '3', 'x86_64', 'sha256:ab', 'cd', ['libfoo >= 1.2-3', '(bar if baz)', 'rpmlib(CompressedFileNames) <= 3.0.4-1', '/bin/sh'], ['libfoo = 1.2-3', 'foo(x86-64) = 1.2-3'], ['oldfoo < 1'], ['foo-legacy <= 1:0.9'])
    + rec('libfoo', '1', '1.2', '3', 'x86_64', 'sha256:ef', '01', [], ['libfoo = 1:1.2-3']);
  const records = parseRelationRecords(text);
  assert.deepEqual(records[0].requires, ['libfoo', '(bar if baz)', 'rpmlib(CompressedFileNames)', '/bin/sh']);
  assert.deepEqual(records[0].provides, ['libfoo', 'foo(x86-64)']);
  assert.deepEqual(records[0].versioned, { requires: ['libfoo >= 1.2-3', '(bar if baz)', 'rpmlib(CompressedFileNames) <= 3.0.4-1', '/bin/sh'], provides: ['libfoo = 1.2-3', 'foo(x86-64) = 1.2-3'], conflicts: ['oldfoo < 1'], obsoletes: ['foo-legacy <= 1:0.9'] });
  const deps = dependenciesOf(records, new Map([['/bin/sh', ['libfoo-1:1.2-3.x86_64']]]));
  assert.deepEqual(deps.map((d) => [d.nevra, d.requires, d.files]), [
    ['foo-0:1.2-3.x86_64', ['libfoo >= 1.2-3', '(bar if baz)', '/bin/sh'], []],
    ['libfoo-1:1.2-3.x86_64', [], ['/bin/sh']],
  ]);
});

test('resolveRelations: requires resolve by capability and by file owner; rpmlib() is not a relationship; the unresolved are named', () => {
  const text = [
    rec('bash', '(none)', '4.4.19', '10.el8', 'x86_64', `sha256:${'a'.repeat(64)}`, 'c'.repeat(32), ['libc.so.6()(64bit)', 'rpmlib(CompressedFileNames)', 'filesystem', '/bin/sh', 'libmissing.so.2()(64bit)'], ['bash', '/bin/sh', 'bash(x86-64)']),
    rec('glibc', '(none)', '2.28', '151.el8', 'x86_64', 'sha256:(none)', '(none)', ['/usr/sbin/glibc_post_upgrade.x86_64', 'libfoo.so.1()(64bit)'], ['libc.so.6()(64bit)', 'glibc']),
    rec('filesystem', '(none)', '3.8', '6.el8', 'x86_64', `sha256:${'b'.repeat(64)}`, '(none)', [], ['filesystem']),
    rec('gpg-pubkey', '(none)', '8483c65d', '5ccc5b19', '(none)', 'sha256:(none)', '(none)', [], []),
  ].join('\n');
  // Real rpm -qf output groups: NAME FS EPOCH FS VERSION FS RELEASE FS ARCH per owner, after FS.
  const owners = parseFileOwners(`/usr/sbin/glibc_post_upgrade.x86_64${FS}glibc${FS}(none)${FS}2.28${FS}151.el8${FS}x86_64${RS}/nowhere${RS}`);
  const got = resolveRelations(parseRelationRecords(text), owners);
  assert.deepEqual(got.packages, [
    { nevra: 'bash-0:4.4.19-10.el8.x86_64', headerDigest: `sha256:${'a'.repeat(64)}`, sigmd5: 'c'.repeat(32), dependsOn: ['filesystem-0:3.8-6.el8.x86_64', 'glibc-0:2.28-151.el8.x86_64'] },
    { nevra: 'filesystem-0:3.8-6.el8.x86_64', headerDigest: `sha256:${'b'.repeat(64)}`, dependsOn: [] },
    { nevra: 'glibc-0:2.28-151.el8.x86_64', dependsOn: [] },
  ]);
  assert.deepEqual(got.unresolved, ['bash-0:4.4.19-10.el8.x86_64: libmissing.so.2()(64bit)', 'glibc-0:2.28-151.el8.x86_64: libfoo.so.1()(64bit)']);
  assert.deepEqual(owners.get('/nowhere'), []);
  // soname requires by name, with their installed providers (libmissing and libfoo: none)
  assert.deepEqual(got.sonames, {
    requires: { 'bash-0:4.4.19-10.el8.x86_64': ['libc.so.6()(64bit)', 'libmissing.so.2()(64bit)'], 'glibc-0:2.28-151.el8.x86_64': ['libfoo.so.1()(64bit)'] },
    providers: { 'libc.so.6()(64bit)': ['glibc-0:2.28-151.el8.x86_64'] },
  });
});

const noRpm = skipUnlessTools('rpm', 'rpmbuild');

/** A root whose packages require files: a chain, a path two packages own, an explicit file provide, an unowned path. */
/** `byName`: every package Provides its file by name, and none requires a path only a file list has. */
function buildFileRequiresRoot(dir: string, count: number, byName = false): string {
  const spec = join(dir, 'frq.spec');
  const sub = Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const extra = byName ? [] : n === 1 ? ['Requires: /opt/frq/nobody-owns-this', 'Requires: /opt/frq/virtual'] : n === 4 ? ['Requires: /opt/frq/shared'] : [];
    const files = n <= 2 ? ['/opt/frq/shared'] : [];
    const provides = byName ? [`Provides: /opt/frq/f${n}`] : n === 3 ? ['Provides: /opt/frq/virtual'] : [];
    return [`%package p${n}`, `Summary: p${n}`, `Requires: /opt/frq/f${(n % count) + 1}`, `Requires: /opt/frq/f${((n * 7) % count) + 1}`, ...extra, ...provides,
      `%description p${n}`, `p${n}`, `%files p${n}`, `/opt/frq/f${n}`, ...files, ''].join('\n');
  });
  writeFileSync(spec, ['Name: frq', 'Version: 1', 'Release: 1', 'Summary: file requires', 'License: MIT', 'BuildArch: noarch', '%description', 'x', '%install',
    'mkdir -p %{buildroot}/opt/frq', `for i in $(seq 1 ${count}); do echo $i > %{buildroot}/opt/frq/f$i; done`, 'echo shared > %{buildroot}/opt/frq/shared', '%files', '', ...sub].join('\n'));
  const top = join(dir, 'top');
  const env = { ...process.env, LC_ALL: 'C' };
  const build = spawnSync('rpmbuild', ['-bb', '--define', `_topdir ${top}`, spec], { encoding: 'utf8', env });
  assert.equal(build.status, 0, build.stderr);
  const root = join(dir, 'root');
  mkdirSync(join(root, 'var', 'lib', 'rpm'), { recursive: true });
  const rpms = readdirSync(join(top, 'RPMS', 'noarch')).filter((f) => f.startsWith('frq-p')).map((f) => join(top, 'RPMS', 'noarch', f));
  const install = spawnSync('rpm', ['--root', root, '--dbpath', '/var/lib/rpm', '-i', '--nodeps', '--nosignature', '--nodigest', '--justdb', ...rpms], { encoding: 'utf8', env });
  assert.equal(install.status, 0, install.stderr);
  return root;
}

test('relations on a real rpmdb with many file requires: the one-pass file owners equal `rpm -qf` per path (every owner, unowned paths alone)', { skip: noRpm }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-relations-'));
  try {
    const root = buildFileRequiresRoot(dir, 60);
    const f = await collectFacts(createLocalTransport({ root }), { sections: ['relations'] });
    assert.deepEqual(f.sections.relations, { status: 'ok' });
    // The reference: rpm's own answer for each distinct file require, one rpm -qf per path.
    const rpm = (args: string[]): string => spawnSync('rpm', ['--root', root, '--dbpath', '/var/lib/rpm', ...args], { encoding: 'utf8' }).stdout;
    const NQF = ['NAME', 'EPOCH', 'VERSION', 'RELEASE', 'ARCH'].map((t) => `%{${t}}`).join(FS);
    const paths = [...new Set(rpm(['-qa', '--qf', '[%{REQUIRENAME}\\n]']).split('\n').filter((l) => l.startsWith('/')))].sort();
    assert.ok(paths.length >= 60, `${paths.length} distinct file requires`);
    const reference = paths.map((p) => {
      const r = spawnSync('rpm', ['--root', root, '--dbpath', '/var/lib/rpm', '-qf', '--qf', `${FS}${NQF}`, p], { encoding: 'utf8' });
      return `${p}${r.status === 0 ? r.stdout : ''}${RS}`;
    }).join('');
    const owners = parseFileOwners(reference);
    assert.deepEqual(owners.get('/opt/frq/shared')?.length, 2, 'two owners of one path');
    assert.deepEqual(owners.get('/opt/frq/nobody-owns-this'), []);
    const records = parseRelationRecords(rpm(['-qa', '--qf', `${RPM_QUERYFORMAT.slice(0, -1)}${FS}sha256:%{SHA256HEADER}${FS}%{SIGMD5}${FS}[%{REQUIRENEVRS}${GS}]${FS}[%{PROVIDENEVRS}${GS}]${FS}[%{CONFLICTNEVRS}${GS}]${FS}[%{OBSOLETENEVRS}${GS}]${RS}`]));
    assert.deepEqual(f.relations, resolveRelations(records, owners));
    const deps = (n: number): string[] | undefined => f.relations?.packages.find((p) => p.nevra === `frq-p${n}-0:1-1.noarch`)?.dependsOn;
    assert.deepEqual(deps(1), ['frq-p2-0:1-1.noarch', 'frq-p3-0:1-1.noarch', 'frq-p8-0:1-1.noarch'], 'the chain and the explicit provider');
    assert.deepEqual(deps(4), ['frq-p1-0:1-1.noarch', 'frq-p2-0:1-1.noarch', 'frq-p29-0:1-1.noarch', 'frq-p5-0:1-1.noarch'], 'both owners of the shared path');
    assert.deepEqual(f.relations?.unresolved, ['frq-p1-0:1-1.noarch: /opt/frq/nobody-owns-this']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('relations when every file require is provided by name: no file list is needed, each require resolves by capability', { skip: noRpm }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-relations-'));
  try {
    const root = buildFileRequiresRoot(dir, 40, true);
    const f = await collectFacts(createLocalTransport({ root }), { sections: ['relations'] });
    assert.deepEqual(f.sections.relations, { status: 'ok' });
    const deps = (n: number): string[] | undefined => f.relations?.packages.find((p) => p.nevra === `frq-p${n}-0:1-1.noarch`)?.dependsOn;
    assert.deepEqual(deps(1), ['frq-p2-0:1-1.noarch', 'frq-p8-0:1-1.noarch'], 'p1 requires f2 and f8, provided by name by p2 and p8');
    assert.deepEqual(f.relations?.unresolved, []);
    assert.equal(f.relations?.packages.length, 40);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the packages and relations sections come from one rpm -qa: every rpm the facts script starts, counted', { skip: noRpm }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-relations-'));
  try {
    const root = buildFileRequiresRoot(dir, 8);
    const log = join(dir, 'rpm.log');
    const local = createLocalTransport({ root });
    // A shell function named rpm wins over PATH: it logs each rpm start of the script, then runs the real rpm.
    const counting: Transport = Object.create(local, {
      run: { value: (argv: readonly string[], opts?: Parameters<Transport['run']>[1]) =>
        local.run(argv[0] === 'sh' && argv[1] === '-c' ? ['sh', '-c', `rpm() { printf '%s\\n' "$*" >>'${log}'; command rpm "$@"; }\n${argv[2]}`, ...argv.slice(3)] : argv, opts as never) },
    }) as Transport;
    const f = await collectFacts(counting, { sections: ['packages', 'relations', 'dependencies', 'rpmdb'] });
    assert.deepEqual([f.sections.packages, f.sections.relations, f.sections.dependencies, f.sections.rpmdb], [{ status: 'ok' }, { status: 'ok' }, { status: 'ok' }, { status: 'ok' }]);
    assert.deepEqual(f.dependencies?.map((d) => d.nevra), f.relations?.packages.map((p) => p.nevra), 'the dependencies section read from the same records');
    const queries = readFileSync(log, 'utf8').split('\n').filter((l) => / -qa /.test(l));
    assert.equal(queries.filter((l) => l.includes('%{REQUIRENEVRS}')).length, 1, queries.join('\n'));
    assert.equal(queries.filter((l) => l.includes('%{VENDOR}')).length, 1, queries.join('\n'));
    assert.ok(queries.some((l) => l.includes('%{REQUIRENEVRS}') && l.includes('%{OBSOLETENEVRS}') && l.includes('%{VENDOR}')), 'one query carries the packages, relations and dependencies sections');
    assert.equal(queries.length, 2, `the packages query and the file owners' pass only:\n${queries.join('\n')}`);
    assert.equal(f.packages?.length, 8);
    assert.deepEqual(f.relations?.packages.map((p) => p.nevra), f.packages?.map((p) => `${p.name}-0:${p.version}-${p.release}.${p.arch}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
