import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFileOwners, parseRelationRecords, resolveRelations } from './relations.js';

const FS = '\x1f';
const RS = '\x1e';
const GS = '\x1d';
const rec = (n: string, e: string, v: string, r: string, a: string, digest: string, md5: string, req: string[], prov: string[]): string =>
  [n, e, v, r, a, digest, md5, req.map((x) => x + GS).join(''), prov.map((x) => x + GS).join('')].join(FS) + RS;

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
