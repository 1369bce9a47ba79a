// The plan names the host's source release exactly as the assessment does (one detection rule).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog, parsePesEvents } from '../catalog/index.js';
import { isFerryError } from '../core/index.js';
import { detectSourceRelease } from '../assess/index.js';
import { baseFacts, inst } from '../assess/testing/fixtures.js';
import { buildPlan, routeFor, sourceReleaseOf, unplannablePath } from './build.js';

test('sourceReleaseOf: the release assess detects; no os-release or an unknown one is refused', () => {
  const catalog = loadCatalog();
  const os = baseFacts().os!;
  const cases: [Partial<typeof os>, string][] = [
    [{}, 'centos-8'],
    [{ id: 'ol', name: 'Oracle Linux Server', versionId: '8.4' }, 'oraclelinux-8'],
    [{ id: 'centos', name: 'CentOS Stream', prettyName: 'CentOS Stream 8', versionId: '8' }, 'centos-stream-8'],
    [{ id: 'CentOS', versionId: '7' }, 'centos-7'], // IDs compared case-insensitively, as assess does
  ];
  for (const [over, want] of cases) {
    const facts = baseFacts({ os: { ...os, ...over } });
    assert.equal(sourceReleaseOf(facts, catalog).id, want, JSON.stringify(over));
    assert.equal(detectSourceRelease(facts, catalog), want);
  }
  assert.throws(() => sourceReleaseOf(baseFacts({ os: { ...os, id: 'plan9', versionId: '4' } }), catalog),
    (e: unknown) => isFerryError(e, 'CATALOG_UNKNOWN_RELEASE') && /plan9-4/.test(e.message));
  const noOs = baseFacts();
  delete noOs.os;
  assert.throws(() => sourceReleaseOf(noOs, catalog), (e: unknown) => isFerryError(e, 'PATH_UNSUPPORTED'));
});

test('the path\'s method decides the plan: TencentOS 3.1 from CentOS 8 and 2.4 from CentOS 7 are same-major swaps; a cross-major path needs PES events, a same-major one refuses them', () => {
  const catalog = loadCatalog();
  const os = baseFacts().os!;
  const repos = [{ id: 'ferry-t-0', baseurl: 'file:///srv/mirror' }];
  const cases: [string, string, string][] = [['8.5', 'tencentos-3.1', 'centos-8'], ['7', 'tencentos-2.4', 'centos-7']];
  for (const [versionId, target, source] of cases) {
    const facts = baseFacts({ os: { ...os, versionId } });
    assert.equal(catalog.path(source, target)?.method, 'same-major-swap', `${source} -> ${target} in the catalog`);
    const plan = buildPlan({ facts, catalog, target, repos, targetAvailable: ['tencentos-release', 'bash'], gpgcheck: false });
    assert.equal(plan.source, source);
    assert.equal(plan.method, 'same-major-swap', target);
    assert.ok(plan.swap.install.includes('tencentos-release'), `${target}: ${plan.swap.install.join(' ')}`);
    assert.ok(plan.steps.some((s) => s.kind === 'distro-sync' && s.pointOfNoReturn), target);
  }
  const el7 = baseFacts({ os: { ...os, versionId: '7' } });
  assert.equal(catalog.path('centos-7', 'rocky-8')?.method, 'cross-major-pes');
  // A cross-major path takes its target package set from the vendor's PES events: without them it is refused, named.
  assert.throws(() => buildPlan({ facts: el7, catalog, target: 'rocky-8', repos, targetAvailable: ['rocky-release'], gpgcheck: false }),
    (e: unknown) => isFerryError(e, 'PES_REQUIRED') && /centos-7 → rocky-8 is a cross-major upgrade/.test(e.message)
      && /^Pass --pes rocky-8=FILE .*: the vendor's pes-events\.json \(pes:rocky, AlmaLinux\/leapp-data@966d75db, \.\.\/shared\/data\/leapp\/pes-events\.rocky\.json\); repomap: the catalog's \(leapp-repomap:rocky-el8\)\.$/.test(e.hint ?? ''));
  // Events given for a same-major path are refused, not ignored.
  assert.throws(() => buildPlan({ facts: baseFacts({ os: { ...os, versionId: '8.5' } }), catalog, target: 'tencentos-3.1', repos, targetAvailable: ['tencentos-release'], gpgcheck: false, pes: [] }),
    (e: unknown) => isFerryError(e, 'PES_UNUSED') && /centos-8 → tencentos-3.1 is not a cross-major upgrade/.test(e.message));
  assert.equal(unplannablePath(catalog, catalog.release('centos-7'), catalog.release('rocky-8'), { pes: true }), null, 'plannable with events');
  assert.equal(unplannablePath(catalog, catalog.release('centos-7'), catalog.release('rocky-8'))?.code, 'PES_REQUIRED', 'rollouts (no events) cannot plan it');
});

test('unplannablePath on OpenCloudOS\'s cross-major paths, whose Leapp data the catalog lacks: PES_REQUIRED says so and names --pes TARGET=FILE; events without a repomap beside them are REPOMAP_REQUIRED (Leapp stops without one); with one, plannable', () => {
  const catalog = loadCatalog();
  for (const [from, to] of [['centos-7', 'opencloudos-8'], ['opencloudos-8', 'opencloudos-9']] as const) {
    assert.deepEqual(catalog.leappData(from, to), { pes: null, repoMap: null });
    const none = unplannablePath(catalog, catalog.release(from), catalog.release(to));
    assert.equal(none?.code, 'PES_REQUIRED');
    assert.match(none?.hint ?? '', new RegExp(`^Pass --pes ${to}=FILE .*: an operator's file in Leapp's pes-events\\.json format \\(the catalog's sources have no PES events of ${to}\\); repomap: the operator's repomap\\.json beside that file`));
    const bare = unplannablePath(catalog, catalog.release(from), catalog.release(to), { pes: true });
    assert.equal(bare?.code, 'REPOMAP_REQUIRED');
    assert.match(bare?.message ?? '', new RegExp(`^${from} → ${to}: the catalog has no Leapp repomap for this path and none lies beside the PES events given`));
    assert.equal(unplannablePath(catalog, catalog.release(from), catalog.release(to), { pes: true, repoMap: true }), null);
  }
  // A path the catalog has a repomap for needs none beside the events.
  assert.equal(unplannablePath(catalog, catalog.release('centos-7'), catalog.release('oraclelinux-8'), { pes: true }), null);
  assert.deepEqual(catalog.leappData('centos-7', 'oraclelinux-8').pes, null, 'no Oracle events in the catalog\'s sources');
});

test('routeFor: CentOS 7 → Rocky 9 is the route through Rocky 8; a recorded or same-major path is no route; the unplannable direct path names the route', () => {
  const catalog = loadCatalog();
  assert.deepEqual(routeFor(catalog, catalog.release('centos-7'), catalog.release('rocky-9'))?.map((p) => p.to), ['rocky-8', 'rocky-9']);
  assert.equal(routeFor(catalog, catalog.release('centos-8'), catalog.release('rocky-9')), null, 'a recorded path is planned directly');
  assert.equal(routeFor(catalog, catalog.release('centos-7'), catalog.release('oraclelinux-7')), null, 'same major: a swap');
  assert.equal(routeFor(catalog, catalog.release('rocky-9'), catalog.release('centos-7')), null);
  const e = unplannablePath(catalog, catalog.release('centos-7'), catalog.release('rocky-9'));
  assert.equal(e?.code, 'PATH_UNSUPPORTED');
  assert.match(e?.hint ?? '', /ferry plan\|migrate take rocky-9 as the route centos-7 → rocky-8 → rocky-9 \(one plan, a gate between the hops\), as ferry rollout create does\./);
  assert.doesNotMatch(unplannablePath(catalog, catalog.release('rocky-9'), catalog.release('centos-7'))?.hint ?? '', /route/);
});

/** A PES event in Leapp's format: action, in and out names, CentOS 7.7 → Rocky 8.0. */
function pesEntry(id: number, action: number, ins: string[], outs: string[]): Record<string, unknown> {
  const set = (names: string[]) => ({ package: names.map((name) => ({ name, repository: 'rocky8-baseos', modulestreams: [null] })), set_id: id });
  return { id, action, in_packageset: set(ins), out_packageset: outs.length ? set(outs) : null, architectures: [],
    initial_release: { major_version: 7, minor_version: 7, os_name: 'CentOS' }, release: { major_version: 8, minor_version: 0, os_name: 'Rocky' } };
}

test('cross-major plan (CentOS 7 → Rocky 8): the target transaction is the vendor swap plus what the PES events change, by the fates\' rule', () => {
  const catalog = loadCatalog();
  const os = baseFacts().os!;
  const facts = baseFacts({
    os: { ...os, versionId: '7' },
    packages: ['bash-4.2.46-34.el7.x86_64', 'centos-release-7-8.2003.0.el7.centos.x86_64', 'kernel-3.10.0-1127.el7.x86_64', 'yum-utils-1.1.31-54.el7_8.noarch',
      'pygpgme-0.3-9.el7.x86_64', 'python-2.7.5-88.el7.x86_64', 'ntp-4.2.6p5-29.el7.x86_64'].map((n) => inst(n, { vendor: 'CentOS' })),
  });
  // Rocky's real events for these names (pes-events.rocky.json ids 915, 187, 1824, 916, 4, 2151), in their shape.
  const events = parsePesEvents({ packageinfo: [
    pesEntry(915, 3, ['yum-utils'], ['dnf-utils']), // replaced, the target carries dnf-utils
    pesEntry(187, 1, ['pygpgme'], []), // removed
    pesEntry(1824, 4, ['kernel'], ['kernel', 'kernel-core', 'kernel-modules', 'kernel-modules-extra']), // split, kernel-modules-extra not carried
    pesEntry(916, 3, ['python'], ['platform-python']), // replaced, platform-python not carried: python stays
    pesEntry(4, 4, ['ntp'], ['chrony', 'ntpstat']), // split, ntpstat not carried: ntp stays, chrony not installed
    pesEntry(2151, 3, ['centos-release'], ['rocky-release']), // the vendor swap's
  ] });
  const available = ['bash', 'rocky-release', 'rocky-repos', 'rocky-gpg-keys', 'rocky-logos', 'kernel', 'kernel-core', 'kernel-modules', 'dnf-utils', 'chrony'];
  const plan = buildPlan({ facts, catalog, target: 'rocky-8', repos: [{ id: 'ferry-rocky-8-0', baseurl: 'file:///srv/rocky8' }], targetAvailable: available, gpgcheck: false, pes: events });
  assert.equal(plan.method, 'cross-major-pes');
  assert.deepEqual(plan.steps.map((s) => s.kind), ['preflight', 'backup', 'disable-repos', 'import-gpg-keys', 'download-packages', 'upgrade-transaction',
    'finalize', 'bootloader', 'remove-source-keys', 'verify']);
  const upgrade = plan.steps.find((s) => s.kind === 'upgrade-transaction');
  const download = plan.steps.find((s) => s.kind === 'download-packages');
  assert.ok(upgrade?.kind === 'upgrade-transaction' && download?.kind === 'download-packages');
  assert.deepEqual(upgrade.options.remove, ['centos-release', 'pygpgme', 'yum-utils']);
  assert.deepEqual(upgrade.options.install, ['dnf-utils', 'kernel-core', 'kernel-modules', 'rocky-release'], 'no centos-logos installed, so no rocky-logos');
  assert.equal(upgrade.options.dnf.releasever, '8');
  assert.equal(upgrade.pointOfNoReturn, true);
  assert.deepEqual([download.options.remove, download.options.install], [upgrade.options.remove, upgrade.options.install], 'the download is of the same transaction');
  assert.equal(plan.steps.filter((s) => s.pointOfNoReturn).length, 1, 'one point of no return');
  // The transaction is a systemd offline update: its step ends in the reboot into system-update.target, which reboots into the target.
  assert.match(upgrade.title, /^Upgrade to rocky-8 offline: reboot into system-update\.target, where dnf --releasever=8 distro-sync --allowerasing runs/);
  assert.ok(plan.notes.some((n) => n.includes('systemd offline update') && n.includes('no service of the host started')), plan.notes.join('\n'));
  const finalize = plan.steps.find((s) => s.kind === 'finalize');
  assert.deepEqual(finalize?.kind === 'finalize' && finalize.options, { rpmdbRebuild: false, autorelabel: true }, 'EL8 keeps the EL7 rpmdb format; SELinux enforcing → relabel');
  assert.ok(plan.notes.some((n) => n.includes('kernel-modules-extra, ntpstat, platform-python') && n.includes('do not carry')), plan.notes.join('\n'));
});

test('cross-major plan (CentOS 8 → Rocky 9) on a host whose rpm database is Berkeley DB: the target\'s rpm converts it right before the transaction, after the download, and the target keys are imported after it; EL8 targets keep the database as it is', () => {
  const catalog = loadCatalog();
  const os = baseFacts().os!;
  const pkgs = ['bash-4.4.19-12.el8.x86_64', 'centos-release-8.2-2.2004.0.1.el8.x86_64'].map((n) => inst(n, { vendor: 'CentOS' }));
  const facts = baseFacts({ os: { ...os, versionId: '8' }, packages: pkgs, rpmdb: { healthy: true, backend: 'bdb', packageCount: 2, importedKeys: [], problems: [] } });
  const events = parsePesEvents({ packageinfo: [pesEntry(2151, 3, ['centos-release'], ['rocky-release'])] });
  const plan = buildPlan({ facts, catalog, target: 'rocky-9', repos: [{ id: 'ferry-rocky-9-0', baseurl: 'file:///srv/rocky9' }], targetAvailable: ['bash', 'rocky-release', 'rocky-repos', 'rocky-gpg-keys'], gpgcheck: true, pes: events,
    keys: [{ name: 'RPM-GPG-KEY-Rocky-9', armored: '(armor: not read when planning)', fingerprints: ['21CB256AE16FC54C6E652949702D426D350D275D'] }] });
  const kinds = plan.steps.map((s) => s.kind);
  assert.deepEqual(kinds.slice(0, kinds.indexOf('upgrade-transaction') + 1).filter((k) => k !== 'snapshot'),
    ['preflight', 'backup', 'disable-repos', 'download-packages', 'rpmdb-rebuild', 'import-gpg-keys', 'upgrade-transaction'], 'nothing before the rebuild writes the rpm database');
  const rebuild = plan.steps.find((s) => s.kind === 'rpmdb-rebuild');
  assert.ok(rebuild?.kind === 'rpmdb-rebuild');
  assert.deepEqual(rebuild.options, { from: 'bdb' });
  assert.match(rebuild.title, /^rpm database converted from Berkeley DB to sqlite by the target's rpm, right before the target transaction/);
  assert.ok(plan.notes.some((n) => n.startsWith('rpm database converted from Berkeley DB to sqlite by the target\'s rpm')), plan.notes.join('\n'));
  // gpgcheck on: the download checks signatures against the same keys in a keyring of its own.
  const imported = plan.steps.find((s) => s.kind === 'import-gpg-keys');
  const download = plan.steps.find((s) => s.kind === 'download-packages');
  assert.ok(imported?.kind === 'import-gpg-keys' && download?.kind === 'download-packages');
  assert.equal(imported.options.keys.length, 1);
  assert.deepEqual(download.options.keyring, imported.options.keys);
  // A host already in sqlite is rebuilt all the same (Leapp rebuilds for every target major ≥ 9), and says so.
  const sqlite = buildPlan({ facts: { ...facts, rpmdb: { healthy: true, backend: 'sqlite', packageCount: 2, importedKeys: [], problems: [] } }, catalog, target: 'rocky-9', repos: [{ id: 'ferry-rocky-9-0', baseurl: 'file:///srv/rocky9' }], targetAvailable: ['bash', 'rocky-release'], gpgcheck: false, pes: events });
  assert.match(sqlite.steps.find((s) => s.kind === 'rpmdb-rebuild')?.title ?? '', /already sqlite on the host/);
  const unsigned = sqlite.steps.find((s) => s.kind === 'download-packages');
  assert.ok(unsigned?.kind === 'download-packages' && unsigned.options.keyring.length === 0, 'gpgcheck off: no keyring');
  // EL7 → EL8: rpm 4.14 keeps Berkeley DB, so no rebuild and the keys are imported where they always were.
  const el7 = baseFacts({ os: { ...os, versionId: '7' }, packages: ['bash-4.2.46-34.el7.x86_64', 'centos-release-7-8.2003.0.el7.centos.x86_64'].map((n) => inst(n, { vendor: 'CentOS' })), rpmdb: { healthy: true, backend: 'bdb', packageCount: 2, importedKeys: [], problems: [] } });
  const to8 = buildPlan({ facts: el7, catalog, target: 'rocky-8', repos: [{ id: 'ferry-rocky-8-0', baseurl: 'file:///srv/rocky8' }], targetAvailable: ['bash', 'rocky-release'], gpgcheck: false, pes: events });
  assert.ok(!to8.steps.some((s) => s.kind === 'rpmdb-rebuild'));
  assert.ok(to8.steps.findIndex((s) => s.kind === 'import-gpg-keys') < to8.steps.findIndex((s) => s.kind === 'download-packages'));
});
