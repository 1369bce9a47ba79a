import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath, skipUnlessShared } from '../../test/support/shared.js';
import { isFerryError } from '../core/index.js';
import { loadCatalog } from './load.js';
import { computeTargetPackages, loadPesEvents, type PesEvent } from './pes.js';
import { parseRepoMap, repoMapper, targetRepoid } from './repomap.js';

const skipPes = skipUnlessShared('leapp', 'pes-events.rocky.json') || skipUnlessShared('manifests', 'docker-repo-info-2020', 'centos_7.txt');
const catalog = loadCatalog();

test('the vendored repomaps are the shared leapp-data files byte for byte', { skip: skipUnlessShared('leapp', 'almalinux-leapp-data-HEAD') }, () => {
  for (const [from, to] of [['centos-7', 'rocky-8'], ['centos-7', 'almalinux-8'], ['centos-8', 'rocky-9'], ['rocky-8', 'almalinux-9']] as const) {
    const ref = catalog.repoMapRefs(from, to)[0];
    const map = catalog.repoMap(from, to);
    assert.ok(ref && map, `${from} → ${to}`);
    assert.equal(readFileSync(map.origin, 'utf8'), readFileSync(sharedPath(...ref.file.split('/')), 'utf8'), `${from} → ${to}`);
  }
  assert.equal(catalog.repoMap('centos-7', 'opencloudos-8'), undefined, 'Leapp data has no OpenCloudOS repomap');
});

test('targetRepoid: Leapp\'s rule — pesid, target major, arch, repo_type rpm, no rhui, ga channel', () => {
  const map = catalog.repoMap('centos-7', 'rocky-8');
  assert.ok(map);
  const x86 = { targetMajor: '8', arch: 'x86_64' };
  const rows: [string, typeof x86, string | undefined][] = [
    ['rocky8-baseos', x86, 'rocky8-baseos'],
    ['rocky8-powertools', x86, 'rocky8-powertools'], // not enabled by default: Leapp enables the repo it maps to
    ['base', x86, undefined], // a source (7) repository
    ['rocky9-baseos', x86, undefined], // another major
    ['kernelcare-8', x86, undefined], // a third party's, only in vendors.d/kernelcare_map.json.el8
    ['@System', x86, undefined],
    ['rocky8-baseos', { targetMajor: '8', arch: 'aarch64' }, undefined], // ELevate's el8 map lists x86_64 only
  ];
  for (const [pesid, t, want] of rows) assert.equal(targetRepoid(map, pesid, t), want, `${pesid} ${t.arch}`);
  // Oracle Linux's map lists aarch64 too
  assert.equal(targetRepoid(catalog.repoMap('centos-7', 'oraclelinux-8')!, 'ol8-baseos', { targetMajor: '8', arch: 'aarch64' }) !== undefined, true);
});

test('targetRepoid: the exact channel first, then ga; rhui and distro must match when the entry has them', () => {
  const entry = (o: Record<string, string>) => ({ repoid: `r-${o.channel ?? 'ga'}-${o.rhui ?? ''}-${o.distro ?? ''}`, major_version: '9', arch: 'x86_64', channel: 'ga', repo_type: 'rpm', ...o });
  const map = parseRepoMap({ version_format: '1.3.0', mapping: [], repositories: [{ pesid: 'p', entries: [
    entry({ channel: 'eus' }), entry({}), entry({ rhui: 'aws', channel: 'e4s' }), entry({ distro: 'rhel', channel: 'beta' }),
  ] }] }, 'test');
  assert.equal(targetRepoid(map, 'p', { targetMajor: '9', arch: 'x86_64' }), 'r-ga--');
  assert.equal(targetRepoid(map, 'p', { targetMajor: '9', arch: 'x86_64', channel: 'eus' }), 'r-eus--');
  assert.equal(targetRepoid(map, 'p', { targetMajor: '9', arch: 'x86_64', channel: 'e4s' }), 'r-ga--', 'a RHUI entry never matches');
  assert.equal(targetRepoid(map, 'p', { targetMajor: '9', arch: 'x86_64', channel: 'beta', distro: 'centos' }), 'r-ga--', 'another distro\'s entry never matches');
  assert.equal(targetRepoid(map, 'p', { targetMajor: '9', arch: 'x86_64', channel: 'beta', distro: 'rhel' }), 'r-beta--rhel');
});

test('a damaged repomap is refused naming each field at fault', () => {
  const doc = { version_format: '2.0', mapping: [{ source_major_version: 7, entries: [{ source: 'base', target: 'rocky8-baseos' }] }],
    repositories: [{ pesid: 'x', entries: [{ repoid: 'x', major_version: '8', arch: 'x86_64', channel: 'ga', rhui: 3 }] }] };
  assert.throws(() => parseRepoMap(doc, 'bad.json'), (e: unknown) => isFerryError(e) && e.code === 'CATALOG_INVALID'
    && ['/version_format', '/mapping/0/source_major_version', '/mapping/0/target_major_version', '/mapping/0/entries/0/target', '/repositories/0/entries/0/repo_type', '/repositories/0/entries/0/rhui']
      .every((p) => e.message.includes(`${p}:`)) && e.message.includes('bad.json'));
});

let rocky: PesEvent[] | undefined;
const rockyEvents = () => (rocky ??= loadPesEvents(sharedPath('leapp', 'pes-events.rocky.json')));
/** The official CentOS 7 image's packages with ntp, dhclient, and kernelcare, whose Rocky event 2231 lands in a repository the repomap does not map. */
function installed(): { name: string; repository: string }[] {
  const manifest = readFileSync(sharedPath('manifests', 'docker-repo-info-2020', 'centos_7.txt'), 'utf8').trim().split('\n').map((n) => n.replace(/-[^-]+-[^-]+$/, ''));
  return [...new Set([...manifest, 'ntp', 'dhclient', 'python36-six', 'kernelcare'])].map((name) => ({ name, repository: '' }));
}

test('CentOS 7.9 → Rocky 8.10 with the real repomap: only the events whose target repository does not map change, as Leapp computes', { skip: skipPes }, () => {
  const base = { installed: installed(), events: rockyEvents(), source: '7.9', target: '8.10', arch: 'x86_64' };
  const without = computeTargetPackages(base);
  const map = catalog.repoMap('centos-7', 'rocky-8');
  assert.ok(map);
  const withMap = computeTargetPackages({ ...base, mapRepository: repoMapper(map, { targetMajor: '8', arch: 'x86_64' }) });
  // Hand-checked in pes-events.rocky.json: 2231 (7.9 → 8.6) moves kernelcare to 'kernelcare-8', a repository
  // files/rocky/repomap.json.el8 does not have (only vendors.d/kernelcare_map.json.el8 does), so Leapp drops it
  // from the target set and — the rpm tasks being the difference of the two sets by name — removes kernelcare.
  // 2224 (python36-six → python3-six in '@System', 8.6) never fires: 2158 removes python36-six at 8.0.
  assert.deepEqual(withMap.unmapped, [{ name: 'kernelcare', repository: 'kernelcare-8' }]);
  assert.ok(withMap.applied.includes(2231) && withMap.applied.includes(2158) && !withMap.applied.includes(2224));
  assert.ok(withMap.toRemove.includes('kernelcare') && withMap.toRemove.includes('python36-six'));
  assert.ok(!without.toRemove.includes('kernelcare'), 'without the map kernelcare is moved, not removed');
  // Everything else is as without the map: the mapped repoids are the PESIDs (ELevate names them alike).
  const names = (r: typeof without) => r.target.map((p) => `${p.name}@${p.repository}`).filter((n) => !n.startsWith('kernelcare@'));
  assert.deepEqual(names(withMap), names(without));
  assert.ok(withMap.target.some((p) => p.name === 'chrony' && p.repository === 'rocky8-baseos'), 'ntp → chrony lands in rocky8-baseos');
  // On aarch64 ELevate's el8 map has no repository at all: Leapp would install nothing an event touches.
  const arm = computeTargetPackages({ ...base, arch: 'aarch64', mapRepository: repoMapper(map, { targetMajor: '8', arch: 'aarch64' }) });
  assert.ok(arm.unmapped.some((u) => u.name === 'chrony') && !arm.toInstall.includes('chrony'));
});

test('every CentOS 7 image manifest → Rocky 8 and AlmaLinux 8, and CentOS 8 → Rocky 9: the repomap changes the target set by exactly the packages it reports unmapped', { skip: skipPes || skipUnlessShared('leapp', 'pes-events.almalinux.json') }, () => {
  const dir = sharedPath('manifests', 'docker-repo-info-2020');
  const names = (f: string) => [...new Set(readFileSync(join(dir, f), 'utf8').trim().split('\n').map((n) => n.replace(/-[^-]+-[^-]+$/, '')))].map((name) => ({ name, repository: '' }));
  const rows: [string, string, string, string, string, string][] = [
    ...readdirSync(dir).filter((f) => /^centos_7[.\d]*\.txt$/.test(f)).flatMap((f) => [[f, 'rocky', 'rocky-8', '7.9', '8.10', '8'], [f, 'almalinux', 'almalinux-8', '7.9', '8.10', '8']] as [string, string, string, string, string, string][]),
    ['centos_8.txt', 'rocky', 'rocky-9', '8.10', '9.6', '9'],
  ];
  assert.ok(rows.length >= 20, `${rows.length} cases`);
  for (const [file, vendor, target, source, to, major] of rows) {
    const events = vendor === 'rocky' ? rockyEvents() : loadPesEvents(sharedPath('leapp', 'pes-events.almalinux.json'));
    const from = file.startsWith('centos_8') ? 'centos-8' : 'centos-7';
    const map = catalog.repoMap(from, target);
    assert.ok(map, `${from} → ${target}`);
    const base = { installed: names(file), events, source, target: to, arch: 'x86_64' };
    const without = computeTargetPackages(base);
    const withMap = computeTargetPackages({ ...base, mapRepository: repoMapper(map, { targetMajor: major, arch: 'x86_64' }) });
    const key = (p: { name: string; repository: string }) => `${p.name}@${p.repository}`;
    const dropped = new Set(withMap.unmapped.map(key));
    assert.deepEqual(without.target.map(key).filter((k) => !dropped.has(k)), withMap.target.map(key), `${file} → ${target}`);
    // Every repository a package lands in is one of the target's (ELevate names its repoids as its PESIDs), or a source one (no event).
    assert.ok(withMap.target.every((p) => p.repository === '' || p.repository.startsWith(`${vendor}${major}-`)), `${file} → ${target}: ${[...new Set(withMap.target.map((p) => p.repository))].join(' ')}`);
    // Of these images, only kernelcare's move (Rocky's event 2231) could land outside the map, and no image carries kernelcare.
    assert.deepEqual(withMap.unmapped, [], `${file} → ${target}`);
  }
});
