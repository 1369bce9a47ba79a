import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sharedPath, skipUnlessShared, skipUnlessTools } from '../../test/support/shared.js';
import { formatNevra } from './nevra.js';
import { createPool, parseCapability } from './pool.js';
import { loadPackages, openRepo } from './repodata/index.js';
import type { Dep, Package } from './types.js';

const BASEOS = ['repodata', 'cs9-baseos-20220207'];

function pkg(nevra: string, extra: Partial<Package> = {}): Package {
  const m = /^(.+)-(?:(\d+):)?([^-]+)-([^-]+)\.([^.]+)$/.exec(nevra);
  assert.ok(m, nevra);
  return {
    name: m[1], epoch: Number(m[2] ?? 0), version: m[3], release: m[4], arch: m[5], location: `${nevra}.rpm`,
    provides: [{ name: m[1], flags: 'EQ', evr: { epoch: Number(m[2] ?? 0), version: m[3], release: m[4] } }],
    requires: [], conflicts: [], obsoletes: [], recommends: [], suggests: [], supplements: [], enhances: [], files: [],
    ...extra,
  };
}
const dep = (text: string): Dep => parseCapability(text);
const names = (list: Package[]) => list.map((p) => formatNevra(p));

const A1 = pkg('a-1.0-1.x86_64', { provides: [dep('a = 1.0-1'), dep('libfoo.so.1()(64bit)'), dep('virt = 2')], files: ['/usr/bin/a'] });
const A2 = pkg('a-1:0.5-1.x86_64', { provides: [dep('a = 1:0.5-1'), dep('virt = 3')], requires: [dep('/usr/bin/b')] });
const A3 = pkg('a-2.0-1.i686');
const B = pkg('b-2.0-1.noarch', {
  files: ['/usr/bin/b', '/etc/b.conf'],
  requires: [dep('virt >= 3'), dep('libfoo.so.1()(64bit)'), { name: '(a >= 1:0 if c)' }],
  obsoletes: [dep('old-b < 2.0'), dep('gone')],
});
const OLD = pkg('old-b-1.5-1.noarch');
const OLD2 = pkg('old-b-2.5-1.noarch');
const GONE = pkg('gone-0.1-1.noarch');
const pool = createPool([A1, A2, A3, B, OLD, OLD2, GONE]);

test('by name, name.arch and package specs', () => {
  assert.deepEqual(names(pool.byName('a')), ['a-1.0-1.x86_64', 'a-1:0.5-1.x86_64', 'a-2.0-1.i686']);
  assert.deepEqual(names(pool.byNameArch('a', 'i686')), ['a-2.0-1.i686']);
  assert.deepEqual(names(pool.resolve('a.i686')), ['a-2.0-1.i686']);
  assert.deepEqual(names(pool.resolve('a-1.0-1')), ['a-1.0-1.x86_64']);
  assert.deepEqual(names(pool.resolve('a-1:0.5-1.x86_64')), ['a-1:0.5-1.x86_64']);
  assert.deepEqual(names(pool.resolve('old-b-2.5')), ['old-b-2.5-1.noarch']);
  assert.deepEqual(names(pool.resolve('old*')), ['old-b-1.5-1.noarch', 'old-b-2.5-1.noarch']);
  assert.deepEqual(pool.resolve('nothing'), []);
});

test('whatProvides: names, versions, globs, files, rich capabilities', () => {
  const cases: [string, string[]][] = [
    ['virt', ['a-1.0-1.x86_64', 'a-1:0.5-1.x86_64']],
    ['virt >= 3', ['a-1:0.5-1.x86_64']],
    ['virt < 3', ['a-1.0-1.x86_64']],
    ['virt = 2-5', ['a-1.0-1.x86_64']], // the provide has no release: any release matches
    ['a > 1.0', ['a-1:0.5-1.x86_64', 'a-2.0-1.i686']], // epoch 1 beats any epoch-0 version
    ['libfoo.so.1()(64bit)', ['a-1.0-1.x86_64']],
    ['lib*', ['a-1.0-1.x86_64']],
    ['/usr/bin/b', ['b-2.0-1.noarch']],
    ['/usr/bin/?', ['a-1.0-1.x86_64', 'b-2.0-1.noarch']],
    ['(virt = 2 or b)', ['a-1.0-1.x86_64', 'b-2.0-1.noarch']],
    ['(virt and a >= 1:0)', ['a-1:0.5-1.x86_64']],
    ['missing', []],
  ];
  for (const [cap, want] of cases) assert.deepEqual(names(pool.whatProvides(cap)), want, cap);
});

test('whatRequires: direct, through a resolved package\'s provides and files, rich requirements', () => {
  const cases: [string, string[]][] = [
    ['virt', ['b-2.0-1.noarch']],
    ['virt = 2', []], // b needs virt >= 3
    ['libfoo.so.1()(64bit)', ['b-2.0-1.noarch']],
    ['a-1.0-1', ['b-2.0-1.noarch']], // provides libfoo
    ['b', ['a-1:0.5-1.x86_64']], // owns /usr/bin/b
    ['a', ['b-2.0-1.noarch']], // also via the rich (a >= 1:0 if c)
    ['c', []], // a condition is not required (libsolv's pool_match_dep)
  ];
  for (const [cap, want] of cases) assert.deepEqual(names(pool.whatRequires(cap)), want, cap);
});

test('obsoletes both ways and latest per name.arch', () => {
  assert.deepEqual(names(pool.whatObsoletes(OLD)), ['b-2.0-1.noarch']);
  assert.deepEqual(names(pool.whatObsoletes(OLD2)), []);
  assert.deepEqual(names(pool.whatObsoletes('old-b')), ['b-2.0-1.noarch']);
  assert.deepEqual(names(pool.whatObsoletes('old-b = 1.9')), ['b-2.0-1.noarch']);
  assert.deepEqual(names(pool.whatObsoletes('old-b >= 2.0')), []);
  assert.deepEqual(names(pool.obsoletedBy('b')), ['old-b-1.5-1.noarch', 'gone-0.1-1.noarch']);
  assert.deepEqual(names(pool.latest()), ['a-2.0-1.i686', 'a-1:0.5-1.x86_64', 'b-2.0-1.noarch', 'gone-0.1-1.noarch', 'old-b-2.5-1.noarch']);
});

test('parseCapability', () => {
  assert.deepEqual(parseCapability('glibc >= 2.34'), { name: 'glibc', flags: 'GE', evr: { epoch: 0, version: '2.34' } });
  assert.deepEqual(parseCapability('foo=1:2-3'), { name: 'foo', flags: 'EQ', evr: { epoch: 1, version: '2', release: '3' } });
  assert.deepEqual(parseCapability('(a or b)'), { name: '(a or b)' });
  assert.throws(() => parseCapability('a b c d'), /DEP_PARSE|not "name"/);
  assert.throws(() => parseCapability('  '), /empty/);
});

// Differential: the same questions to dnf repoquery over the real BaseOS repository.
const PROVIDES = [
  'libc.so.6()(64bit)', 'libc.so.6', 'libcrypto.so.3(OPENSSL_3.0.0)(64bit)', '/usr/bin/sh', '/bin/sh',
  '/usr/sbin/ip', '/etc/os-release', 'system-release', 'config(bash)', 'glibc >= 2.34-10', 'glibc < 2.34',
  'kernel-uname-r = 5.14.0-55.el9.x86_64', 'pkgconfig(systemd)', 'libssl*', '/usr/bin/python3*',
  // only in filelists.xml
  '/usr/lib64/libssl.so.3', '/usr/share/doc/bash/*', '/usr/lib/systemd/system/sshd.service',
];
const OBSOLETES = ['NetworkManager', 'NetworkManager = 1:1.30.0-1', 'NetworkManager = 1:1.36.0-1', 'coreutils', 'PolicyKit < 1', 'cronie-sysvinit'];
const REQUIRES = [
  'libc.so.6(GLIBC_2.34)(64bit)', '/bin/sh', '/usr/bin/sh', 'bash', 'glibc', 'systemd >= 249', 'openssl-libs',
  'libcrypto.so.3()(64bit)', 'coreutils', 'selinux-policy-targeted', 'kernel', 'python3-dnf', 'u2f-hidraw-policy',
  'selinux-policy >= 34.1.20', 'python3.9dist(idna)', 'policycoreutils',
];

test('whatProvides, whatRequires and whatObsoletes equal dnf repoquery on CentOS Stream 9 BaseOS', {
  skip: skipUnlessShared(...BASEOS) || skipUnlessTools('dnf'),
  timeout: 300_000,
}, async () => {
  const base = createPool(await loadBaseos());
  const dnf = dnfQuerier(sharedPath(...BASEOS));
  try {
    const queries = [
      ...PROVIDES.map((c) => ['--whatprovides', c] as const),
      ...REQUIRES.map((c) => ['--whatrequires', c] as const),
      ...OBSOLETES.map((c) => ['--whatobsoletes', c] as const),
    ];
    const answers = await mapLimit(queries, 2, ([opt, cap]) => dnf([opt, cap]));
    queries.forEach(([opt, cap], i) => {
      const found = opt === '--whatprovides' ? base.whatProvides(cap) : opt === '--whatrequires' ? base.whatRequires(cap) : base.whatObsoletes(cap);
      const ours = found.map((p) => formatNevra(p, { alwaysEpoch: true }));
      assert.deepEqual([...new Set(ours)].sort(), answers[i], `${opt} ${cap}`);
      assert.ok(answers[i].length > 0 || cap === 'glibc < 2.34' || cap === 'NetworkManager = 1:1.36.0-1', `${opt} ${cap}: dnf found nothing, a weak case`);
    });
  } finally {
    dnf.close();
  }
});

async function loadBaseos(): Promise<Package[]> {
  return loadPackages(await openRepo(sharedPath(...BASEOS)), { filelists: true });
}

type Querier = ((args: readonly string[]) => Promise<string[]>) & { close(): void };

function dnfQuerier(repo: string): Querier {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-dnf-'));
  writeFileSync(join(dir, 'dnf.conf'), '[main]\n');
  const run = promisify(execFile);
  const query = async (args: readonly string[]) => {
    const { stdout } = await run('dnf', [
      '-q', 'repoquery', `--config=${dir}/dnf.conf`, `--installroot=${dir}/root`, '--releasever=9',
      `--setopt=cachedir=${dir}/cache`, '--setopt=reposdir=/dev/null', `--repofrompath=baseos,${repo}`, '--repo=baseos',
      '--qf', '%{name}-%{epoch}:%{version}-%{release}.%{arch}', ...args,
    ], { maxBuffer: 64 << 20 });
    return stdout.split('\n').filter((l) => l !== '').sort();
  };
  return Object.assign(query, { close: () => rmSync(dir, { recursive: true, force: true }) });
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}
