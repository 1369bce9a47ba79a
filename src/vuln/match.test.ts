import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEvr } from '../rpm/evr.js';
import { sharedPath, skipUnlessShared, skipUnlessTools } from '../../test/support/shared.js';
import { indexFeed, matchPackage, type FeedIndex } from './match.js';
import { osvFeeds, parseOsvAdvisory } from './osv.js';
import { extractAlmaOsv, osvDocs } from './testing.js';

const skip = skipUnlessShared('security', 'almalinux-osv-database', 'advisories.tar.xz') || skipUnlessTools('tar', 'xz');

/**
 * Real AlmaLinux OSV advisories, each row checked by hand against the advisory's JSON: the advisory, the
 * package, the installed EVR, whether it is affected, and the fixed-in EVR the advisory states (for
 * several builds in one advisory, the lowest).
 */
const TABLE: Array<[string, string, string, boolean, string, string]> = [
  // advisory, package, installed EVR, affected, fixed in, why
  ['ALSA-2022:0267', 'polkit', '0.115-11.el8', true, '0.115-13.el8_5.2', 'release below (pwnkit)'],
  ['ALSA-2022:0267', 'polkit', '0.115-13.el8_5.2', false, '0.115-13.el8_5.2', 'the fixed EVR itself'],
  ['ALSA-2022:0267', 'polkit', '0.115-13.el8_5.1', true, '0.115-13.el8_5.2', 'one z-stream below'],
  ['ALSA-2022:1065', 'openssl', '1:1.1.1g-15.el8_3', true, '1:1.1.1k-6.el8_5', 'version letter g < k'],
  ['ALSA-2022:1065', 'openssl', '1.1.1k-6.el8_5', true, '1:1.1.1k-6.el8_5', 'epoch 0 < 1 whatever the version'],
  ['ALSA-2022:1065', 'openssl', '1:1.1.1k-6.el8_5', false, '1:1.1.1k-6.el8_5', 'same EVR with its epoch'],
  ['ALSA-2023:0284', 'sudo', '1.8.29-7.el8', true, '1.8.29-8.el8_7.1', 'release below'],
  ['ALSA-2023:0284', 'sudo', '1.9.5p2-1.el8_10.1', false, '1.8.29-8.el8_7.1', 'newer upstream version'],
  ['ALSA-2022:1642', 'zlib', '1.2.11-17.el8', true, '1.2.11-18.el8_5', 'release below'],
  ['ALSA-2022:7106', 'zlib', '1.2.11-18.el8_5', true, '1.2.11-19.el8_6', 'the previous fix is not this one'],
  ['ALSA-2024:2722', 'glibc', '2.28-236.el8_9.12', true, '2.28-236.el8_9.13', 'boundary: last segment below'],
  ['ALSA-2022:4991', 'xz-libs', '5.2.4-3.el8', true, '5.2.4-4.el8_6', 'release below'],
  ['ALSA-2022:6206', 'systemd', '239-58.el8_6.4', false, '239-58.el8_6.4', 'boundary: equal'],
  ['ALSA-2022:6206', 'systemd', '239-58.el8_6.3', true, '239-58.el8_6.4', 'boundary: last segment below'],
  ['ALSA-2023:5455', 'glibc', '2.28-164.el8', true, '2.28-225.el8_8.6', 'CentOS 8.5 glibc'],
  ['ALSA-2023:5455', 'glibc', '2.28-225.el8_8.6', false, '2.28-225.el8_8.6', 'boundary: equal'],
  ['ALSA-2024:0647', 'rpm', '4.14.3-19.el8', true, '4.14.3-28.el8_9', 'CentOS 8.5 rpm'],
  ['ALSA-2022:2013', 'openssh', '8.0p1-12.el8', true, '8.0p1-13.el8', 'p1 versions equal, release below'],
  ['ALSA-2022:2013', 'openssh', '8.0p1-13.el8', false, '8.0p1-13.el8', 'boundary: equal'],
  ['ALSA-2021:4517', 'vim-minimal', '2:8.0.1763-16.el8', true, '2:8.0.1763-16.el8_5.13', 'el8 < el8_5.13'],
  ['ALSA-2021:4517', 'vim-minimal', '8.0.1763-16.el8_5.13', true, '2:8.0.1763-16.el8_5.13', 'epoch 0 < 2'],
  ['ALSA-2022:1986', 'python3-libs', '3.6.8-45.el8', true, '3.6.8-45.el8.alma', 'the CentOS build sorts below the .alma rebuild'],
  ['ALSA-2022:1986', 'python3-libs', '3.6.8-47.el8_6.alma', false, '3.6.8-45.el8.alma', 'newer release'],
  ['ALSA-2021:4537', 'httpd', '2.4.37-39.module_el8.4.0+950+0577e6ac.1', true, '2.4.37-43.module_el8.5.0+2597+c4b14997.alma', 'modular httpd:2.4, release below'],
  ['ALSA-2021:4537', 'httpd', '2.4.37-10.el8', false, '2.4.37-43.module_el8.5.0+2597+c4b14997.alma', 'a non-modular install is not the module\'s line'],
  ['ALSA-2021:0735', 'nodejs', '1:10.23.1-1.module_el8.3.0+2047+b07ac28e', true, '1:10.24.0-1.module_el8.3.0+2047+b07ac28e', 'nodejs:10, lowest of three builds'],
  ['ALSA-2023:4035', 'nodejs', '1:16.20.2-2.module_el8.8.0+3614+204d6f43', false, '1:18.14.2-3.module_el8.8.0+3587+ee652244', 'nodejs:18 advisory, nodejs:16 installed'],
  ['ALSA-2023:4035', 'nodejs', '1:18.14.2-2.module_el8.7.0+3497+c65299e7', true, '1:18.14.2-3.module_el8.8.0+3587+ee652244', 'nodejs:18, release below'],
  ['ALSA-2021:2360', 'postgresql', '9.6.22-1.module_el8.4.0+2479+beebcf7e', false, '9.6.22-1.module_el8.4.0+2479+beebcf7e', 'two builds: the lower is the fix'],
  ['ALSA-2024:3128', 'perl', '4:5.26.3-419.el8', false, '4:5.32.1-473.module_el8.10.0+3779+d5938d28', 'perl:5.32 module fix, default non-modular perl'],
  ['ALSA-2025:11805', 'perl', '4:5.26.3-422.el8', true, '4:5.26.3-423.el8_10', 'non-modular perl, release below'],
  ['ALSA-2023:0610', 'git', '2.31.1^20230101-1.el8', false, '2.31.1-3.el8_7', '^ sorts after the version it extends'],
  ['ALSA-2023:0610', 'git', '2.31.0^20230101-9.el8', true, '2.31.1-3.el8_7', '^ snapshot of an older version'],
  ['ALSA-2025:16441', 'avahi', '0.9~rc1-1.el10', true, '0.9~rc2-1.el10_0.1', '~: rc1 < rc2'],
  ['ALSA-2025:16441', 'avahi', '0.9-1.el10', false, '0.9~rc2-1.el10_0.1', '~: a prerelease sorts before the release'],
  ['ALSA-2025:16441', 'avahi', '0.8-22.el10', true, '0.9~rc2-1.el10_0.1', 'older version'],
];

let indexes: Map<string, FeedIndex> | undefined;
function feedIndex(release: string): FeedIndex {
  indexes ??= new Map(osvFeeds(osvDocs(extractAlmaOsv(sharedPath('security', 'almalinux-osv-database', 'advisories.tar.xz'))), 'almalinux-osv-database')
    .map((f) => [f.info.covers.release, indexFeed(f)]));
  const i = indexes.get(release);
  assert.ok(i, `AlmaLinux ${release} feed`);
  return i;
}

test('CVE matching agrees with 20+ real AlmaLinux OSV advisories checked by hand (boundaries, epochs, modules, ~ and ^)', { skip }, () => {
  assert.ok(new Set(TABLE.map((r) => r[0])).size >= 20);
  for (const [advisory, name, evr, affected, fixedIn, why] of TABLE) {
    const release = advisory.startsWith('ALSA-2025:16441') ? '10' : '8';
    const found = matchPackage(feedIndex(release), { name, arch: 'x86_64', ...parseEvr(evr) }).filter((f) => f.advisory === advisory);
    assert.equal(found.length > 0, affected, `${advisory} ${name}-${evr}: ${why}`);
    if (affected) assert.equal(found[0]?.fixedIn, fixedIn, `${advisory} ${name}: fixed in`);
  }
  // A NEVRA list says nothing of epochs: the fix's epoch is taken, so only version and release decide.
  const unknown = { name: 'openssl', arch: 'x86_64', ...parseEvr('1.1.1k-6.el8_5'), epochUnknown: true };
  assert.ok(matchPackage(feedIndex('8'), unknown).every((f) => f.advisory !== 'ALSA-2022:1065'));
  assert.ok(matchPackage(feedIndex('8'), { ...unknown, ...parseEvr('1.1.1g-15.el8_3') }).some((f) => f.advisory === 'ALSA-2022:1065'));
  // The stream rule, with the host's enabled stream known: nodejs:18 advisories do not apply to a nodejs:16 host.
  const n16 = { name: 'nodejs', arch: 'x86_64', ...parseEvr('1:16.20.2-2.module_el8.8.0+3614+204d6f43') };
  assert.ok(matchPackage(feedIndex('8'), n16, new Map([['nodejs', '16']])).every((f) => f.advisory !== 'ALSA-2023:4035'));
});

test('the feed says what it covers: ecosystem, date, fixed-only; severities from the summary', { skip }, () => {
  const i = feedIndex('8');
  assert.deepEqual([i.feed.info.covers, i.feed.info.lists], [{ distro: 'almalinux', release: '8' }, 'fixed-only']);
  assert.match(i.feed.info.date, /^20\d\d-\d\d-\d\dT/);
  const pwnkit = i.feed.advisories.find((a) => a.id === 'ALSA-2022:0267');
  assert.deepEqual([pwnkit?.severity, pwnkit?.cves], ['important', ['CVE-2021-4034']]);
});

test('parseOsvAdvisory refuses what is not an OSV advisory, naming the file', () => {
  assert.throws(() => parseOsvAdvisory({ id: 'X' }, 'a/b.json'), /FEED|a\/b\.json/);
  assert.throws(() => parseOsvAdvisory({ id: 'X', affected: [{ package: { name: 'p' } }] }, 'c.json'), /c\.json.*ecosystem/);
  const range = (fixed: string): unknown => [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }];
  const a = parseOsvAdvisory({ id: 'ALSA-1', summary: 'Low: x', affected: [
    { package: { name: 'p', ecosystem: 'AlmaLinux:9' }, ranges: range('1.0-1.el9') },
    { package: { name: 'p', ecosystem: 'AlmaLinux:10' }, ranges: range('1.0-1.el10') }] }, 'd.json');
  assert.deepEqual([...a.byEcosystem].map(([e, x]) => [e, x.severity, x.fixes.map((f) => f.fixed.release)]), [['AlmaLinux:9', 'low', ['1.el9']], ['AlmaLinux:10', 'low', ['1.el10']]]);
});
