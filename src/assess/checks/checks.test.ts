import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../../catalog/index.js';
import { createPool } from '../../rpm/pool.js';
import type { HostFacts } from '../../facts/types.js';
import type { CheckInput, PackageFate } from '../types.js';
import type { Package } from '../../rpm/types.js';
import { baseFacts, inst, pkg } from '../testing/fixtures.js';
import { assessTargets } from '../assess.js';
import { CHECKS } from './index.js';

const catalog = loadCatalog();

interface Case {
  facts?: Partial<HostFacts>;
  source?: string | null;
  target?: string;
  fates?: PackageFate[];
  /** The target repositories' packages (default: none). */
  pool?: Package[];
}

function input(c: Case): CheckInput {
  const source = c.source === null ? null : catalog.release(c.source ?? 'centos-8');
  const target = catalog.release(c.target ?? 'rocky-8');
  return { facts: baseFacts(c.facts), catalog, source, target, path: source ? catalog.path(source.id, target.id) : null, fates: c.fates ?? [], today: '2024-05-01',
    repo: { release: target.id, locations: ['test'], pool: createPool(c.pool ?? []) } };
}

const fate = (installed: string, f: PackageFate['fate'], target?: string[]): PackageFate => {
  const [name, arch] = [installed.replace(/-[^-]+-[^-]+$/, ''), installed.slice(installed.lastIndexOf('.') + 1)];
  return { installed, name, arch, fate: f, ...(target ? { target } : {}) };
};
const mib = (n: number): number => n * 1024;

const sonameFates = [fate('acme-app-2.1-1.x86_64', 'third-party'), fate('acme-libs-2.1-1.x86_64', 'third-party'), fate('openssl-libs-1:1.1.1g-15.el8.x86_64', 'upgrade')];
const sonameRelations: NonNullable<HostFacts['relations']> = {
  packages: [], unresolved: [],
  sonames: {
    requires: { 'acme-app-0:2.1-1.x86_64': ['libacme.so.2()(64bit)', 'libssl.so.1.1()(64bit)'], 'openssl-libs-1:1.1.1g-15.el8.x86_64': ['libc.so.6()(64bit)'] },
    providers: { 'libacme.so.2()(64bit)': ['acme-libs-0:2.1-1.x86_64'], 'libssl.so.1.1()(64bit)': ['openssl-libs-1:1.1.1g-15.el8.x86_64'], 'libc.so.6()(64bit)': ['glibc-0:2.28-151.el8.x86_64'] },
  },
};

/** check id → [no-finding case, finding case, expected keys, inhibitor?, text the summary must name]. */
const TABLE: Record<string, [Case, Case, string[], boolean, string]> = {
  // an aarch64 host against x86_64 repositories; noarch-only repositories fit any host
  'arch-mismatch': [{ facts: { system: { arch: 'aarch64' } }, pool: [pkg('tzdata-2021a-1.el8.noarch')] },
    { facts: { system: { arch: 'aarch64' } }, pool: [pkg('bash-4.4.20-1.el8.x86_64'), pkg('glibc-2.28-151.el8.x86_64'), pkg('glibc-2.28-151.el8.i686'), pkg('tzdata-2021a-1.el8.noarch')] },
    ['arch-mismatch'], true, 'The host is aarch64, the rocky-8 repositories are built for x86_64'],
  'package-list': [{ facts: { source: 'manifest', packageList: { format: 'nevra', epochsKnown: true, duplicates: [], importedKeys: [] } } },
    { facts: { source: 'manifest', packageList: { format: 'rpm-qa', epochsKnown: false, duplicates: [], importedKeys: [] } } },
    ['package-list:epochs-unknown'], false, 'carries no epochs'],
  'unknown-source': [{}, { source: null, facts: { os: { id: 'slackware', idLike: [], versionId: '15.0', raw: {} } } }, ['unknown-source'], true, 'slackware'],
  'unsupported-path': [{}, { target: 'openeuler-22.03' }, ['unsupported-path'], true, 'openeuler-22.03'],
  container: [{}, { facts: { container: { inContainer: true, kind: 'docker', evidence: ['/.dockerenv'] } } }, ['container'], true, '/.dockerenv'],
  rpmdb: [{}, { facts: { rpmdb: { healthy: false, queryExitCode: 1, packageCount: 0, importedKeys: [], problems: ['error: rpmdb: BDB0113 Thread/process 123 failed'] } } }, ['rpmdb'], true, 'BDB0113'],
  // the default case is centos-8 → rocky-8 (same major: the database keeps its format); EL8 → EL9 moves it
  'rpmdb-conversion': [{}, { target: 'rocky-9', facts: { rpmdb: { healthy: true, backend: 'bdb', packageCount: 1, importedKeys: [], problems: [] } } }, ['rpmdb-conversion'], false, 'Berkeley DB'],
  'management-agents': [{}, { facts: { agents: [{ kind: 'katello', packages: ['katello-host-tools'], evidence: ['/etc/yum.repos.d/redhat.repo'], registered: true }] } },
    ['management-agents:katello'], true, 'redhat.repo'],
  'low-memory': [{ facts: { memory: { totalKiB: mib(2048) } } }, { facts: { memory: { totalKiB: mib(1024) } } }, ['low-memory'], true, '1536 MiB'],
  'low-disk': [{}, { facts: { mounts: [{ path: '/', mountPoint: '/', filesystem: '/dev/sda1', sizeKiB: mib(10240), usedKiB: mib(9800), availableKiB: mib(440) }] } },
    ['low-disk:/'], true, '/usr, /var, /boot'],
  'secure-boot': [{}, { facts: { boot: { mode: 'uefi', secureBoot: 'enabled', secureBootSource: 'mokutil' } } }, ['secure-boot'], false, 'mokutil'],
  fips: [{}, { facts: { security: { fips: 'enabled' } } }, ['fips'], false, 'FIPS'],
  'kernel-modules': [{ facts: { kernel: { running: '4.18.0-193.el8.x86_64', installed: [], loadedModules: [{ name: 'xfs', size: 1, taint: '', outOfTree: false, unsigned: false, proprietary: false }] } } },
    { facts: { kernel: { running: '4.18.0-193.el8.x86_64', installed: [], loadedModules: [{ name: 'nvidia', size: 1, taint: 'POE', outOfTree: true, unsigned: true, proprietary: true }] } } },
    ['kernel-modules'], false, 'nvidia (out-of-tree, unsigned, proprietary)'],
  'kernel-not-latest': [{}, { facts: { kernel: { running: '4.18.0-193.el8.x86_64', installed: [inst('kernel-core-4.18.0-240.el8.x86_64'), inst('kernel-core-4.18.0-193.el8.x86_64')], loadedModules: [] } } },
    ['kernel-not-latest'], false, 'kernel-core-4.18.0-240.el8.x86_64'],
  gui: [{}, { facts: { gui: { defaultTarget: 'graphical.target', displayManager: 'gdm', packages: ['gdm', 'gnome-shell'], graphical: true } } }, ['gui'], false, 'gdm'],
  'i686-packages': [{}, { facts: { packages: [inst('glibc-2.28-101.el8.i686'), inst('bash-4.4.19-10.el8.x86_64')] }, fates: [fate('glibc-2.28-101.el8.i686', 'missing')] },
    ['i686-packages'], false, 'glibc-2.28-101.el8.i686'],
  // a package the vendor swap removes on purpose does not stay installed: no finding for it
  'missing-packages': [{ fates: [fate('bash-4.4.19-10.el8.x86_64', 'same', ['bash-4.4.19-10.el8.x86_64']), { ...fate('insights-client-3.1-1.el8.noarch', 'missing'), via: 'vendor-swap' }] },
    { fates: [fate('lab-orphan-0.9-1.el8.noarch', 'missing')] },
    ['missing-packages'], false, 'lab-orphan-0.9-1.el8.noarch'],
  // an erased package is its own finding, with its chain (and no longer a missing one: it does not stay)
  'erased-packages': [{ fates: [fate('lab-orphan-0.9-1.el8.noarch', 'missing')] },
    { fates: [{ ...fate('acme-branding-1.0-1.noarch', 'erased'), chain: ['requires centos-logos: centos-logos-80.0-1.el8.noarch erased', 'removed by the vendor swap'], reason: 'requires centos-logos: centos-logos-80.0-1.el8.noarch erased <- removed by the vendor swap', thirdParty: true }] },
    ['erased-packages:acme-branding.noarch'], false, 'requires centos-logos: centos-logos-80.0-1.el8.noarch erased <- removed by the vendor swap'],
  downgrades: [{ fates: [fate('tzdata-2020a-1.el8.noarch', 'upgrade', ['tzdata-2021a-1.el8.noarch'])] }, { fates: [fate('tzdata-2021e-1.el8.noarch', 'downgrade', ['tzdata-2021a-1.el8.noarch'])] },
    ['downgrades'], false, 'tzdata-2021e-1.el8.noarch → tzdata-2021a-1.el8.noarch'],
  'third-party-packages': [{}, { fates: [fate('htop-3.2.1-1.el8.x86_64', 'third-party')] }, ['third-party-packages'], false, 'htop-3.2.1-1.el8.x86_64'],
  // acme-app needs libssl.so.1.1 and libacme.so.2 (the latter from its own acme-libs, third-party too): the target lacks libssl.so.1.1
  'third-party-sonames': [
    { fates: sonameFates, facts: { relations: sonameRelations }, pool: [pkg('openssl-libs-1.1.1k-5.el8.x86_64', { provides: ['libssl.so.1.1()(64bit)'] })] },
    { fates: sonameFates, facts: { relations: sonameRelations }, pool: [pkg('openssl-libs-3.0.1-1.el9.x86_64', { provides: ['libssl.so.3()(64bit)'] })] },
    ['third-party-sonames:acme-app.x86_64'], true, 'acme-app-2.1-1.x86_64 requires libssl.so.1.1()(64bit), which no package of the rocky-8 repositories provides (on the host: openssl-libs-1:1.1.1g-15.el8.x86_64)'],
  'unsigned-packages': [
    { facts: { packages: [inst('bash-4.4.19-10.el8.x86_64', { signature: { algorithm: 'RSA/SHA256', keyId: '05b555b38483c65d' } })] } },
    { facts: { packages: [inst('acme-agent-1.4.2-1.x86_64', { vendor: 'ACME Corp' })] } }, ['unsigned-packages'], false, 'acme-agent-1.4.2-1.x86_64'],
};

for (const check of CHECKS) {
  test(`check ${check.id}: no finding, then a finding`, () => {
    const row = TABLE[check.id];
    assert.ok(row, `a table row for ${check.id}`);
    const [none, some, keys, inhibitor, names] = row;
    const signedBase = none.facts?.packages ? none : { ...none, facts: { ...none.facts, packages: baseFacts().packages?.map((p) => ({ ...p, signature: { algorithm: 'RSA/SHA256', keyId: '05b555b38483c65d' } })) } };
    assert.deepEqual(check.run(input(check.id === 'unsigned-packages' ? none : signedBase)), [], `${check.id}: no finding on a clean host`);
    const found = check.run(input(some));
    assert.deepEqual(found.map((f) => f.key), keys);
    for (const f of found) {
      assert.equal(f.check, check.id);
      assert.equal(f.groups.includes('inhibitor'), inhibitor, `${f.key} inhibitor`);
      assert.ok(f.title.length > 0 && f.remediation?.hint, `${f.key} has a title and a hint`);
      assert.ok(`${f.title} ${f.summary}`.includes(names), `${f.key} names "${names}": ${f.summary}`);
      for (const argv of f.remediation?.commands ?? []) assert.ok(Array.isArray(argv) && argv.every((a) => typeof a === 'string'));
      assert.doesNotThrow(() => JSON.stringify(f.details));
    }
  });
}

test('arch-mismatch: the repositories\' base arch is their most common one, so multilib i686 packages do not fit an i686 host', () => {
  const check = CHECKS.find((c) => c.id === 'arch-mismatch')!;
  const x86 = [pkg('bash-4.4.20-1.el8.x86_64'), pkg('glibc-2.28-151.el8.x86_64'), pkg('glibc-2.28-151.el8.i686')];
  assert.deepEqual(check.run(input({ facts: { system: { arch: 'x86_64' } }, pool: x86 })), []);
  const i686 = check.run(input({ facts: { system: { arch: 'i686' } }, pool: x86 }));
  assert.deepEqual(i686.map((f) => [f.key, f.details?.hostArch, f.details?.repositoryArch]), [['arch-mismatch', 'i686', 'x86_64']]);
  // no host arch (a root without packages of an arch): not assessed, with the reason
  assert.match(check.notAssessed?.(input({ facts: { system: {}, sections: { system: { status: 'error', message: 'uname failed' } } } })) ?? '', /no host architecture: uname failed/);
});

test('package-list: a package listed twice is said once, with its NEVRA', () => {
  const check = CHECKS.find((c) => c.id === 'package-list')!;
  const found = check.run(input({ facts: { source: 'manifest', packageList: { format: 'nevra', epochsKnown: true, duplicates: ['bash-4.4.19-10.el8.x86_64'], importedKeys: [] } } }));
  assert.deepEqual(found.map((f) => [f.key, f.title]), [['package-list:duplicates', '1 package listed more than once']]);
  assert.match(found[0].summary, /bash-4\.4\.19-10\.el8\.x86_64 more than once; each is counted once/);
});

test('documented figures win over defaults, and the default is said to be one', () => {
  const lowMem = CHECKS.find((c) => c.id === 'low-memory')!;
  // centos-8 → opencloudos-8 documents 500 MB free memory (tencent centos8-to-oc8 script)
  const oc = lowMem.run(input({ target: 'opencloudos-8', facts: { memory: { totalKiB: mib(400) } } }));
  assert.match(oc[0].summary, /500 MiB is needed, per the documented need/);
  const def = lowMem.run(input({ facts: { memory: { totalKiB: mib(1024) } } }));
  assert.match(def[0].summary, /conservative default .*no figure/);
  const lowDisk = CHECKS.find((c) => c.id === 'low-disk')!;
  const var1 = lowDisk.run(input({ facts: { mounts: [
    { path: '/', mountPoint: '/', filesystem: 'a', sizeKiB: mib(99999), usedKiB: 0, availableKiB: mib(99999) },
    { path: '/var', mountPoint: '/var', filesystem: 'b', sizeKiB: mib(2000), usedKiB: mib(1000), availableKiB: mib(1000) },
  ] } }));
  assert.deepEqual(var1.map((f) => f.key), ['low-disk:/var']);
  assert.match(var1[0].summary, /1536 MiB is needed, per the documented need/);
});

test('the vendor\'s blockers: a desktop or i686 rpms inhibit CentOS → OpenCloudOS/TencentOS with the vendor\'s words, not CentOS → Rocky', () => {
  const desktop: Case['facts'] = { gui: { defaultTarget: 'graphical.target', displayManager: 'gdm', packages: ['gdm'], graphical: true } };
  const i686: Case['facts'] = { packages: [inst('glibc-2.28-101.el8.i686'), inst('bash-4.4.19-10.el8.x86_64')] };
  // [check, facts, source, target, inhibitor?, the vendor's words in the summary]
  const rows: [string, Case['facts'], string, string, boolean, RegExp | null][] = [
    ['gui', desktop, 'centos-8', 'opencloudos-8', true, /安装了图形界面.*code:tencent-centos8-to-oc8/],
    ['gui', desktop, 'centos-8', 'tencentos-3.1', true, /安装了图形界面.*tencent:centos-to-tencentos/],
    ['gui', desktop, 'centos-7', 'tencentos-2.4', true, /安装了图形界面/],
    // the CentOS 7 → OpenCloudOS 7.9 guide: "以下情况不支持迁移：安装了图形界面。安装了 i686 的 rpm 包。"
    ['gui', desktop, 'centos-7', 'opencloudos-7.9', true, /安装了图形界面.*opencloudos:centos7-to-oc7/],
    // centos2ol and the third-party centos2anolis how-to name no such blocker
    ['gui', desktop, 'centos-7', 'oraclelinux-7', false, null],
    ['gui', desktop, 'centos-7', 'anolis-7', false, null],
    ['gui', desktop, 'centos-8', 'rocky-8', false, null],
    ['i686-packages', i686, 'centos-8', 'opencloudos-8', true, /安装了i686的 rpm 包/],
    ['i686-packages', i686, 'centos-7', 'tencentos-2.4', true, /安装了i686的 rpm 包.*tencent:centos-to-tencentos/],
    ['i686-packages', i686, 'centos-7', 'opencloudos-7.9', true, /安装了 i686 的 rpm 包.*snapshot, remove them.*opencloudos:centos7-to-oc7/],
    ['i686-packages', i686, 'centos-8', 'rocky-8', false, null],
  ];
  for (const [id, facts, source, target, inhibits, words] of rows) {
    const check = CHECKS.find((c) => c.id === id)!;
    const [f] = check.run(input({ source, target, facts }));
    const label = `${id} ${source} → ${target}`;
    assert.equal(f.groups.includes('inhibitor'), inhibits, label);
    if (words) assert.match(f.summary, words, label);
  }
});

test('cross-major paths turn Secure Boot and out-of-tree modules into inhibitors', () => {
  const sb = CHECKS.find((c) => c.id === 'secure-boot')!;
  const f = sb.run(input({ source: 'centos-7', target: 'rocky-8', facts: { boot: { mode: 'uefi', secureBoot: 'enabled' } } }));
  assert.ok(f[0].groups.includes('inhibitor'));
});

test('a check whose facts are missing says it was not assessed, with the reason; with facts it is assessed', () => {
  const offline = { status: 'not-applicable', reason: 'offline root' } as const;
  const root: Partial<HostFacts> = {
    source: 'root', memory: undefined, boot: undefined, container: undefined,
    kernel: { installed: [inst('kernel-core-4.18.0-193.el8.x86_64')], loadedModules: [] },
    security: { fips: 'unknown', selinux: 'enforcing' },
    sections: { memory: offline, boot: offline, container: offline },
  };
  const reasons = (c: Case): Record<string, string> =>
    Object.fromEntries(CHECKS.flatMap((k) => { const r = k.notAssessed?.(input(c)); return r === undefined ? [] : [[k.id, r]]; }));
  assert.deepEqual(reasons({}), {}, 'a live host with every section: every check is assessed');
  const r = reasons({ facts: root });
  assert.deepEqual(Object.keys(r).sort(), ['container', 'fips', 'kernel-modules', 'kernel-not-latest', 'low-memory', 'secure-boot']);
  assert.match(r.container, /offline root/);
  assert.equal(r['low-memory'], 'no memory size (/proc/meminfo): offline root');
  assert.match(r['secure-boot'], /firmware .*offline root/);
  assert.match(r['kernel-modules'], /\/proc\/modules.* an offline root/);
  assert.match(r['kernel-not-latest'], /no running kernel/);
  assert.match(r.fips, /\/etc\/system-fips/);
  // the marker answers the question on a root
  assert.equal(reasons({ facts: { ...root, security: { fips: 'enabled' } } }).fips, undefined);
  // a live UEFI host whose Secure Boot state could not be read is not an all-clear either
  assert.match(reasons({ facts: { boot: { mode: 'uefi', secureBoot: 'unknown' } } })['secure-boot'], /could not be read \(uefi boot/);
  // a package list: no signatures, no kernel facts that say what runs
  const manifest = reasons({ facts: { source: 'manifest' } });
  assert.equal(manifest['unsigned-packages'], 'a package list carries no signatures');
  // third-party packages and no soname requires in the facts (a package list, or facts of an older Ferry)
  assert.match(reasons({ facts: { source: 'manifest' }, fates: sonameFates })['third-party-sonames'] ?? '', /no soname requires in the facts/);
  // no repository for the target: the fate checks did not compare anything
  const noRepo = Object.fromEntries(CHECKS.flatMap((k) => { const x = k.notAssessed?.({ ...input({}), repo: undefined }); return x === undefined ? [] : [[k.id, x]]; }));
  assert.deepEqual(Object.keys(noRepo).sort(), ['arch-mismatch', 'downgrades', 'erased-packages', 'missing-packages', 'third-party-packages', 'third-party-sonames']);
  assert.match(noRepo.downgrades, /no repository metadata was given for rocky-8/);
});

test('assessTargets lists the checks it could not run per target and does not run them', () => {
  const facts = baseFacts({ source: 'root', memory: { totalKiB: 1 }, sections: { memory: { status: 'not-applicable', reason: 'offline root' } } });
  const lowMemory = CHECKS.find((c) => c.id === 'low-memory')!;
  // memory facts present but the check says so only when they are absent: here it runs and finds
  let a = assessTargets({ facts, catalog, targets: [{ release: 'rocky-8' }], today: '2024-05-01', checks: [lowMemory] });
  assert.deepEqual(a.targets[0].findings.map((f) => f.key), ['low-memory']);
  a = assessTargets({ facts: { ...facts, memory: undefined }, catalog, targets: [{ release: 'rocky-8' }, { release: 'almalinux-8' }], today: '2024-05-01', checks: [lowMemory] });
  for (const t of a.targets) {
    assert.deepEqual(t.findings, []);
    assert.deepEqual(t.notAssessed, [{ check: 'low-memory', reason: 'no memory size (/proc/meminfo): offline root' }]);
  }
});

test('unsupported-path on a multi-hop route: the check alone finds no direct path CentOS 7 → Rocky 9 (an inhibitor); given the route\'s hops, the target is assessed hop by hop and the route said (multi-hop-route, info) with each hop\'s verdict', () => {
  const unsupported = CHECKS.find((c) => c.id === 'unsupported-path')!;
  const bare = unsupported.run(input({ source: 'centos-7', target: 'rocky-9' }));
  assert.deepEqual(bare.map((f) => [f.key, f.groups.includes('inhibitor')]), [['unsupported-path', true]], 'without the route: no path, an inhibitor');
  const facts = baseFacts({ os: { id: 'centos', idLike: ['rhel', 'fedora'], versionId: '7', name: 'CentOS Linux', prettyName: 'CentOS Linux 7 (Core)', raw: {} } });
  const a = assessTargets({ facts, catalog, targets: [{ release: 'rocky-9', hops: [{ release: 'rocky-8' }, { release: 'rocky-9' }] }], today: '2024-05-01', checks: [unsupported] });
  const t = a.targets[0];
  assert.deepEqual([a.sourceRelease, t.route, t.inhibitors, t.path], ['centos-7', ['centos-7', 'rocky-8', 'rocky-9'], [], null]);
  // Without rocky-8's repositories hop 1's transaction is not predicted: hop 2 is said not assessed, not passed.
  assert.deepEqual(t.hops?.map((h) => [h.hop, h.from, h.to, h.assessedOn, h.path?.method ?? null]), [[1, 'centos-7', 'rocky-8', 'collected', 'cross-major-pes'], [2, 'rocky-8', 'rocky-9', 'not-assessed', null]]);
  const [f, ...more] = t.findings;
  assert.equal(more.length, 0, 'each hop is on a recorded path: no unsupported-path finding');
  assert.deepEqual([f.key, f.severity, f.groups.includes('inhibitor')], ['multi-hop-route', 'info', false]);
  assert.match(f.title, /^Reached in 2 hops: centos-7 → rocky-8 → rocky-9$/);
  assert.match(f.summary, /hop 1 on the host's facts, every later hop on the predicted end state of the one before\. Hop 2 \(rocky-8 → rocky-9\) and after could not be assessed\.$/);
  assert.deepEqual(t.notAssessed?.find((n) => n.check === 'route'), { check: 'route', reason: 'hop 2 (rocky-8 → rocky-9): Ferry could not predict the package set hop 1 (centos-7 → rocky-8) leaves (no repository of rocky-8 was given)' });
});

test('rpmdb-conversion: EL8 → EL9 (a path, or a route\'s hop) says the Berkeley DB database moves to sqlite, from the collected backend; EL7 → EL8 and same-major paths say nothing', () => {
  const check = CHECKS.find((c) => c.id === 'rpmdb-conversion');
  assert.ok(check);
  const rpmdb = (backend: 'bdb' | 'sqlite'): Partial<HostFacts> => ({ rpmdb: { healthy: true, backend, packageCount: 1, importedKeys: [], problems: [] } });
  const [f, ...more] = check.run(input({ source: 'centos-8', target: 'rocky-9', facts: rpmdb('bdb') }));
  assert.equal(more.length, 0);
  assert.deepEqual([f.key, f.severity, f.groups.includes('inhibitor'), f.details], ['rpmdb-conversion', 'info', false, { from: 'bdb', to: 'sqlite' }]);
  assert.equal(f.title, 'The rpm database moves from Berkeley DB to sqlite');
  assert.match(f.summary, /rocky-9's rpm keeps its database in sqlite; centos-8's in Berkeley DB \(collected on the host: Berkeley DB\)\. The plan rebuilds it \(rpmdb --rebuilddb\) right before the target transaction/);
  assert.equal(check.run(input({ source: 'centos-8', target: 'rocky-9', facts: rpmdb('sqlite') }))[0]?.title, 'The rpm database is rebuilt in sqlite for rocky-9');
  assert.match(check.run(input({ source: 'centos-8', target: 'rocky-9', facts: { rpmdb: undefined } }))[0]?.summary ?? '', /the host's backend was not collected/);
  assert.equal(check.run(input({ source: 'rocky-8', target: 'rocky-9', facts: rpmdb('bdb') })).length, 1, 'a route\'s hop to EL9 moves it too');
  assert.deepEqual(check.run(input({ source: 'centos-7', target: 'rocky-8', facts: rpmdb('bdb') })), [], 'EL8 keeps Berkeley DB');
  assert.deepEqual(check.run(input({ source: 'centos-8', target: 'rocky-8', facts: rpmdb('bdb') })), [], 'same major');
  assert.deepEqual(check.run(input({ source: 'centos-7', target: 'rocky-9', facts: rpmdb('bdb') })), [], 'no path and no route: unsupported-path says it');
});
