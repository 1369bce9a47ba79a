import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedPath, skipUnlessShared } from '../../test/support/shared.js';
import { writeLabLeappData } from '../../test/lab/pes-fixture.js';
import { isFerryError, sha256Hex } from '../core/index.js';
import { computeTargetPackages, loadPesEvents, parsePesEvents, PesAction, readPesFile, type PesEvent } from './pes.js';
import { targetRepoid } from './repomap.js';
import { repoMapRefusal } from './leapp-data.js';
import { loadCatalog } from './load.js';

const skip = skipUnlessShared('leapp', 'pes-events.almalinux.json') || skipUnlessShared('manifests', 'docker-repo-info-2020', 'centos_7.txt');

/** The official CentOS 7 container image's installed packages plus typical server packages. */
function centos7Installed(): { name: string; repository: string }[] {
  const manifest = readFileSync(sharedPath('manifests', 'docker-repo-info-2020', 'centos_7.txt'), 'utf8')
    .trim().split('\n').map((nevra) => nevra.replace(/-[^-]+-[^-]+$/, ''));
  const server = ['httpd', 'mariadb', 'mariadb-server', 'postgresql-server', 'ntp', 'ntpdate', 'authconfig', 'dhclient', 'rsh', 'git', 'perl',
    'kernel', 'grub2', 'libselinux-python', 'python', 'yum-utils', 'compat-libstdc++-33', 'centos-release', 'libmemcached'];
  return [...new Set([...manifest, ...server])].map((name) => ({ name, repository: 'base' }));
}

let alma: PesEvent[] | undefined;
const almaEvents = () => (alma ??= loadPesEvents(sharedPath('leapp', 'pes-events.almalinux.json')));
const run = () => computeTargetPackages({ installed: centos7Installed(), events: almaEvents(), source: '7.9', target: '8.10', arch: 'x86_64' });

test('real AlmaLinux PES events load: ~2,290 entries, all 8 actions, string ids accepted as Leapp does', { skip }, () => {
  const events = almaEvents();
  assert.ok(events.length > 2200, `${events.length}`);
  assert.deepEqual(new Set(events.map((e) => e.action)), new Set([0, 1, 2, 3, 4, 5, 6, 7]));
  assert.ok(events.some((e) => e.id === 9003), 'the string id "9003" is parsed to 9003');
});

test('CentOS 7.9 → AlmaLinux 8.10: relevant releases are 8.0 and 8.1 (9.0 and 7.x events excluded)', { skip }, () => {
  assert.deepEqual(run().releases, ['8.0', '8.1']);
});

test('hand-checked events on the real CentOS 7 package set', { skip }, () => {
  const r = run();
  const names = new Set(r.target.map((p) => p.name));
  const repoOf = (n: string) => r.target.find((p) => p.name === n)?.repository;
  // replaced (event 2150): centos-release → almalinux-release
  assert.ok(r.toRemove.includes('centos-release') && r.toInstall.includes('almalinux-release'));
  assert.ok(r.applied.includes(2150));
  // replaced (event 29): authconfig → authselect-compat
  assert.ok(!names.has('authconfig') && names.has('authselect-compat'));
  // split (event 4): ntp → chrony + ntpstat; ntpdate is replaced by chrony too (event 527)
  assert.ok(!names.has('ntp') && names.has('chrony') && names.has('ntpstat') && !names.has('ntpdate'));
  // split (event 1824): kernel → kernel, kernel-core, kernel-modules, kernel-modules-extra; kernel stays
  for (const n of ['kernel', 'kernel-core', 'kernel-modules', 'kernel-modules-extra']) assert.ok(names.has(n), n);
  assert.equal(repoOf('kernel'), 'almalinux8-baseos');
  // merged (event 944): emacs-libidn + libidn → libidn; one installed input suffices, emacs-libidn is not added
  assert.ok(r.applied.includes(944));
  assert.ok(names.has('libidn') && !names.has('emacs-libidn'));
  assert.equal(repoOf('libidn'), 'almalinux8-baseos');
  // removed (event 5): rsh; (event 790): compat-libstdc++-33
  assert.ok(r.toRemove.includes('rsh') && r.toRemove.includes('compat-libstdc++-33'));
  // renamed (event 525): dhclient → dhcp-client
  assert.ok(!names.has('dhclient') && names.has('dhcp-client'));
  // moved (event 146): mariadb base → almalinux8-appstream, name unchanged
  assert.ok(r.applied.includes(146));
  assert.equal(repoOf('mariadb'), 'almalinux8-appstream');
  assert.ok(!r.toRemove.includes('mariadb') && !r.toInstall.includes('mariadb'));
  // a package no event touches keeps its source repository
  assert.equal(repoOf('bash'), 'base');
  // the 8.1 release applies on top of 8.0: libssh2 is removed by event 2189 (8.0 → 8.1)
  assert.ok(r.applied.includes(2189) && r.toRemove.includes('libssh2'));
});

test('an event for another architecture is skipped (Leapp reads `architectures` only)', () => {
  const doc = { packageinfo: [
    { id: 1, action: 1, architectures: ['s390x'], in_packageset: { package: [{ name: 'foo', repository: 'base' }] }, out_packageset: null,
      initial_release: { major_version: 7, minor_version: 7 }, release: { major_version: 8, minor_version: 0 } },
    { id: 2, action: 1, arches: ['s390x'], in_packageset: { package: [{ name: 'bar', repository: 'base' }] }, out_packageset: null,
      initial_release: { major_version: 7, minor_version: 7 }, release: { major_version: 8, minor_version: 0 } },
  ] };
  const r = computeTargetPackages({ installed: [{ name: 'foo', repository: 'base' }, { name: 'bar', repository: 'base' }], events: parsePesEvents(doc), source: '7.9', target: '8.0', arch: 'x86_64' });
  assert.deepEqual(r.toRemove, ['bar']);
});

test('modulestream maps: a modular package is renamed stream-to-stream, and other modular packages are demodularized', () => {
  // The real AlmaLinux/Rocky data carry no module streams, so this case is hand-written in Leapp's format.
  const doc = { packageinfo: [{
    id: 10, action: PesAction.RENAMED, architectures: [],
    in_packageset: { package: [{ name: 'nodejs-old', repository: 'rhel8-AppStream', modulestreams: [{ name: 'nodejs', stream: '10' }, { name: 'nodejs', stream: '12' }] }] },
    out_packageset: { package: [{ name: 'nodejs', repository: 'rhel9-AppStream', modulestreams: [{ name: 'nodejs', stream: '18' }, null] }] },
    modulestream_maps: [
      { in_modulestream: { name: 'nodejs', stream: '10' }, out_modulestream: { name: 'nodejs', stream: '18' } },
      { in_modulestream: { name: 'nodejs', stream: '12' }, out_modulestream: null },
    ],
    initial_release: { major_version: 8, minor_version: 6 }, release: { major_version: 9, minor_version: 0 },
  }] };
  const events = parsePesEvents(doc);
  assert.equal(events.length, 2, 'one event per modulestream map entry');
  const r = computeTargetPackages({
    installed: [{ name: 'nodejs-old', repository: 'appstream', modulestream: ['nodejs', '10'] }, { name: 'perl-DBI', repository: 'appstream', modulestream: ['perl-DBI', '1.641'] }],
    events, source: '8.10', target: '9.4', arch: 'x86_64',
  });
  assert.deepEqual(r.toInstall, ['nodejs']);
  assert.deepEqual(r.toRemove, ['nodejs-old']);
  assert.deepEqual(r.modulesToEnable, ['nodejs:18']);
  assert.deepEqual(r.demodularized, ['perl-DBI@perl-DBI:1.641']);
  assert.equal(r.target.find((p) => p.name === 'perl-DBI')?.modulestream, null);
});

test('PES_INVALID lists every error with its JSON path', () => {
  const bad = { packageinfo: [{ id: 1, action: 9, in_packageset: { package: [{ repository: 'base' }] }, release: { major_version: 'eight' } }, { action: 1, architectures: ['vax'] }] };
  assert.throws(() => parsePesEvents(bad, 'bad.json'), (err) => {
    assert.ok(isFerryError(err, 'PES_INVALID'));
    const errors = (err.details?.errors ?? []) as string[];
    for (const p of ['/packageinfo/0/action', '/packageinfo/0/in_packageset/package/0/name', '/packageinfo/0/release/major_version', '/packageinfo/1/architectures/0'])
      assert.ok(errors.some((e) => e.startsWith(p)), p);
    assert.match(err.message, /bad\.json/);
    return true;
  });
});

// ---- Leapp's semantics, hand-checked per action ------------------------------------------------------
// Each case is one or more events in Leapp's JSON format, an installed set, and the target Leapp's
// pes_events_scanner computes for it (worked out by hand from compute_pkg_changes_between_consequent_releases).
type Ev = { id: number; action: PesAction; in: string[]; out?: string[]; outRepo?: string; from?: [number, number]; to?: [number, number] };
const doc = (events: Ev[]) => ({ packageinfo: events.map((e) => ({
  id: e.id, action: e.action, architectures: [],
  in_packageset: { package: e.in.map((name) => ({ name, repository: 'base' })) },
  out_packageset: e.out ? { package: e.out.map((name) => ({ name, repository: e.outRepo ?? 'baseos' })) } : null,
  initial_release: { major_version: (e.from ?? [7, 9])[0], minor_version: (e.from ?? [7, 9])[1] },
  release: { major_version: (e.to ?? [8, 0])[0], minor_version: (e.to ?? [8, 0])[1] },
})) });
const cases: { name: string; installed: string[]; events: Ev[]; target: string[]; repos?: Record<string, string> }[] = [
  { name: 'Present: kept, its repository now the event\'s', installed: ['bash'], events: [{ id: 1, action: PesAction.PRESENT, in: ['bash'] }], target: ['bash'] },
  { name: 'Present of a package not installed adds nothing', installed: ['bash'], events: [{ id: 1, action: PesAction.PRESENT, in: ['zsh'] }], target: ['bash'] },
  { name: 'Removed', installed: ['rsh', 'bash'], events: [{ id: 2, action: PesAction.REMOVED, in: ['rsh'] }], target: ['bash'] },
  { name: 'Deprecated: still installed on the target', installed: ['net-tools'], events: [{ id: 3, action: PesAction.DEPRECATED, in: ['net-tools'] }], target: ['net-tools'] },
  { name: 'Replaced', installed: ['authconfig'], events: [{ id: 4, action: PesAction.REPLACED, in: ['authconfig'], out: ['authselect-compat'] }], target: ['authselect-compat'] },
  { name: 'Replaced needs every input installed', installed: ['a'], events: [{ id: 4, action: PesAction.REPLACED, in: ['a', 'b'], out: ['c'] }], target: ['a'] },
  { name: 'Split', installed: ['ntp'], events: [{ id: 5, action: PesAction.SPLIT, in: ['ntp'], out: ['chrony', 'ntpstat'] }], target: ['chrony', 'ntpstat'] },
  { name: 'Split keeping its own name', installed: ['kernel'], events: [{ id: 5, action: PesAction.SPLIT, in: ['kernel'], out: ['kernel', 'kernel-core'] }], target: ['kernel', 'kernel-core'], repos: { kernel: 'baseos' } },
  { name: 'Merged: one input installed suffices, the others are not added', installed: ['libidn'], events: [{ id: 6, action: PesAction.MERGED, in: ['emacs-libidn', 'libidn'], out: ['libidn'] }], target: ['libidn'], repos: { libidn: 'baseos' } },
  { name: 'Moved: same name, new repository', installed: ['mariadb'], events: [{ id: 7, action: PesAction.MOVED, in: ['mariadb'], out: ['mariadb'], outRepo: 'appstream' }], target: ['mariadb'], repos: { mariadb: 'appstream' } },
  { name: 'Renamed', installed: ['dhclient'], events: [{ id: 8, action: PesAction.RENAMED, in: ['dhclient'], out: ['dhcp-client'] }], target: ['dhcp-client'] },
  { name: 'a later minor of the target applies on top (8.0 then 8.1)', installed: ['libssh2', 'quagga'],
    events: [{ id: 9, action: PesAction.REMOVED, in: ['libssh2'], from: [8, 0], to: [8, 1] }, { id: 10, action: PesAction.REPLACED, in: ['quagga'], out: ['frr'], from: [8, 0], to: [8, 1] }], target: ['frr'] },
  { name: 'an event past the target minor (8.2 for 8.1) and a 7.x event are dropped', installed: ['a', 'b'],
    events: [{ id: 11, action: PesAction.REMOVED, in: ['a'], from: [8, 1], to: [8, 2] }, { id: 12, action: PesAction.REMOVED, in: ['b'], from: [7, 5], to: [7, 6] }], target: ['a', 'b'] },
  { name: 'a chain across releases: a → b in 8.0, b → c in 8.1', installed: ['a'],
    events: [{ id: 13, action: PesAction.RENAMED, in: ['a'], out: ['b'] }, { id: 14, action: PesAction.RENAMED, in: ['b'], out: ['c'], from: [8, 0], to: [8, 1] }], target: ['c'] },
];
for (const c of cases) {
  test(`PES as Leapp applies it: ${c.name}`, () => {
    const r = computeTargetPackages({ installed: c.installed.map((name) => ({ name, repository: 'base' })), events: parsePesEvents(doc(c.events)), source: '7.9', target: '8.1', arch: 'x86_64' });
    assert.deepEqual(r.target.map((p) => p.name), c.target);
    for (const [name, repo] of Object.entries(c.repos ?? {})) assert.equal(r.target.find((p) => p.name === name)?.repository, repo, name);
  });
}

test('the result does not depend on the order of the events in the file', () => {
  // A removal and a replacement of the same package reaching the same release: Leapp's answer would follow
  // the file's order; Ferry's is the same for every order.
  const events = parsePesEvents(doc([
    { id: 20, action: PesAction.REMOVED, in: ['x'] }, { id: 21, action: PesAction.REPLACED, in: ['x'], out: ['y'], from: [7, 8] },
    { id: 22, action: PesAction.SPLIT, in: ['ntp'], out: ['chrony', 'ntpstat'] }, { id: 23, action: PesAction.RENAMED, in: ['chrony'], out: ['chrony2'], from: [8, 0], to: [8, 1] },
  ]));
  const installed = ['x', 'ntp'].map((name) => ({ name, repository: 'base' }));
  const results = [events, [...events].reverse(), [events[2], events[0], events[3], events[1]]]
    .map((evs) => computeTargetPackages({ installed, events: evs, source: '7.9', target: '8.1', arch: 'x86_64' }));
  for (const r of results.slice(1)) assert.deepEqual(r, results[0]);
  assert.deepEqual(results[0].target.map((p) => p.name), ['chrony2', 'ntpstat', 'y']);
});

test('real CentOS 7 manifest → Rocky 8.10 with Rocky\'s own PES file: counts per fate, and 7.9 → 8.0 would miss the 8.1 events', { skip: skipUnlessShared('leapp', 'pes-events.rocky.json') || skip }, () => {
  const events = loadPesEvents(sharedPath('leapp', 'pes-events.rocky.json'));
  const installed = centos7Installed();
  const r = computeTargetPackages({ installed, events, source: '7.9', target: '8.10', arch: 'x86_64' });
  const srcNames = new Set(installed.map((p) => p.name));
  const dstNames = new Set(r.target.map((p) => p.name));
  const kept = [...srcNames].filter((n) => dstNames.has(n)).length;
  console.log(`CentOS 7 (${installed.length} packages) → Rocky 8.10 via ${r.releases.join(', ')}: kept ${kept}, removed ${r.toRemove.length}, installed ${r.toInstall.length}, events applied ${r.applied.length}, target ${r.target.length}`);
  assert.deepEqual(r.releases, ['8.0', '8.1', '8.6']);
  assert.equal(kept + r.toRemove.length, srcNames.size);
  assert.ok(r.toRemove.includes('centos-release') && r.toInstall.includes('rocky-release'), 'Rocky\'s file, not AlmaLinux\'s: centos-release → rocky-release');
  assert.ok(!r.toInstall.includes('almalinux-release'));
  const at80 = computeTargetPackages({ installed, events, source: '7.9', target: '8.0', arch: 'x86_64' });
  assert.ok(r.toRemove.includes('libssh2') && !at80.toRemove.includes('libssh2'), 'libssh2 is removed by an 8.1 event');
});

test('readPesFile: the repomap beside the events file (Leapp\'s /etc/leapp/files layout) is read with it and counts in the digest; a changed one is PES_CHANGED, an invalid one refused where the path needs it, naming it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-pes-'));
  const { pes, repomap } = writeLabLeappData(dir);
  const eventsOnly = mkdtempSync(join(tmpdir(), 'ferry-pes-'));
  copyFileSync(pes, join(eventsOnly, 'pes-events.json'));
  const alone = readPesFile(join(eventsOnly, 'pes-events.json'));
  assert.equal(alone.repoMap, undefined, 'no repomap beside it');
  assert.equal(alone.sha256, sha256Hex(readFileSync(pes)), 'the digest of the events file alone');
  const read = readPesFile(pes);
  assert.deepEqual(read.events.map((e) => e.id), [9001, 9002, 9003, 9101]);
  assert.equal(read.repoMap?.origin, repomap);
  assert.equal(read.sha256, sha256Hex(Buffer.concat([readFileSync(pes), Buffer.from([0]), readFileSync(repomap)])));
  assert.equal(read.repoMap && targetRepoid(read.repoMap, 'lab-oc8-appstream', { targetMajor: '8', arch: 'x86_64' }), 'AppStream');
  assert.equal(read.repoMap && targetRepoid(read.repoMap, 'lab-oc8-appstream', { targetMajor: '9', arch: 'x86_64' }), undefined);
  // The recorded digest covers the repomap: changing it alone is PES_CHANGED, naming both files.
  writeFileSync(repomap, readFileSync(repomap, 'utf8').replace('"AppStream"', '"appstream"'));
  assert.throws(() => readPesFile(pes, read.sha256), (e: unknown) => isFerryError(e, 'PES_CHANGED') && e.message.includes(`(with ${repomap})`));
  // One that is not a Leapp repomap is a problem said where the path needs it (repoMapRefusal), not when read: an
  // /etc/leapp/files of another Leapp's data serves a path whose repomap the catalog has.
  writeFileSync(repomap, JSON.stringify({ version_format: '1.2.0', mapping: [], repositories: [{ pesid: 'x', entries: [{ repoid: 'r' }] }] }));
  const invalid = readPesFile(pes);
  assert.equal(invalid.repoMap, undefined);
  assert.ok(invalid.repoMapProblem?.startsWith(`${repomap} (beside PES events ${pes}) does not validate as a Leapp repomap`) && invalid.repoMapProblem.includes('/repositories/0/entries/0/major_version'), invalid.repoMapProblem);
  const catalog = loadCatalog();
  const refused = repoMapRefusal(catalog, 'centos-7', 'opencloudos-8', invalid);
  assert.ok(isFerryError(refused, 'PES_INVALID') && refused.message.startsWith('centos-7 → opencloudos-8 takes the repomap beside its PES events (the catalog has none for the path): '), String(refused));
  assert.equal(repoMapRefusal(catalog, 'centos-7', 'rocky-8', invalid), null, 'the catalog\'s repomap serves Rocky');
  assert.equal(repoMapRefusal(catalog, 'centos-7', 'opencloudos-8', read), null);
  assert.equal(repoMapRefusal(catalog, 'centos-7', 'opencloudos-8', alone)?.code, 'REPOMAP_REQUIRED');
  writeFileSync(repomap, '{ "version_format": ');
  assert.match(readPesFile(pes).repoMapProblem ?? '', new RegExp(`^${repomap.replace(/[.]/g, '\\.')} is not readable JSON`));
});
