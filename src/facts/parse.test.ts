import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError } from '../core/index.js';
import { parseModuleFile, parseOsRelease, parseRepoFile } from './parse-config.js';
import { parsePgpSig, parseRpmQuery, rpmWarnings } from './parse-rpm.js';
import { splitScriptOutput } from './parse-script.js';
import { decodeTainted, detectAgents, parseBoot, parseContainer, parseDfLines, parseGui, parseMeminfo, parseProcModules } from './parse-system.js';
import { RPM_FIELD_SEP as F, RPM_RECORD_SEP as R } from './script.js';
import type { InstalledPackage } from './types.js';

test('parsePgpSig: rpm 4.14+ and rpm 4.11 (CentOS 7) date formats, (none)', () => {
  assert.deepEqual(parsePgpSig('RSA/SHA256, Tue Jul  2 02:39:19 2019, Key ID 05b555b38483c65d'),
    { algorithm: 'RSA/SHA256', keyId: '05b555b38483c65d', time: Date.UTC(2019, 6, 2, 2, 39, 19) / 1000 });
  assert.deepEqual(parsePgpSig('RSA/SHA256, Fri 03 Apr 2020 08:47:19 PM UTC, Key ID 24c6a8a7f4a80eb5'),
    { algorithm: 'RSA/SHA256', keyId: '24c6a8a7f4a80eb5', time: Date.UTC(2020, 3, 3, 20, 47, 19) / 1000 });
  assert.equal(parsePgpSig('(none)'), undefined);
});

test('parseRpmQuery: epoch (none) vs 0, gpg-pubkey, malformed records reported', () => {
  const rec = (...f: string[]): string => f.join(F) + R;
  const text = rec('bash', '(none)', '4.4.19', '10.el8', 'x86_64', 'CentOS', 'CentOS Buildsys <bugs@centos.org>', 'bash-4.4.19-10.el8.src.rpm',
    '1600000000', '1590000000', 'RSA/SHA256, Tue Jul  2 02:39:19 2019, Key ID 05b555b38483c65d', 'GPLv3+', '6930068', 'The GNU Bourne Again shell')
    + rec('dbus', '1', '1.12.8', '14.el8', 'x86_64', '(none)', '(none)', 'dbus-1.12.8-14.el8.src.rpm', '1600000001', '1590000001', '(none)', 'GPLv2+', '0', 'D-BUS')
    + rec('gpg-pubkey', '(none)', '8483c65d', '5ccc5b19', '(none)', '(none)', '(none)', '(none)', '1', '1', '(none)', 'pubkey', '0', 'gpg(CentOS (CentOS Official Signing Key) <security@centos.org>)')
    + 'broken' + F + 'x' + R;
  const r = parseRpmQuery(text);
  assert.equal(r.packages.length, 2);
  assert.deepEqual(r.packages[0], {
    name: 'bash', epoch: 0, epochSet: false, version: '4.4.19', release: '10.el8', arch: 'x86_64', vendor: 'CentOS',
    packager: 'CentOS Buildsys <bugs@centos.org>', sourcerpm: 'bash-4.4.19-10.el8.src.rpm', license: 'GPLv3+', installTime: 1600000000,
    buildTime: 1590000000, size: 6930068, signature: { algorithm: 'RSA/SHA256', keyId: '05b555b38483c65d', time: 1562035159 },
  });
  assert.equal(r.packages[1].epoch, 1);
  assert.equal(r.packages[1].epochSet, true);
  assert.equal(r.packages[1].vendor, undefined);
  assert.equal(r.packages[1].signature, undefined);
  assert.deepEqual(r.importedKeys, [{ keyId: '8483c65d', summary: 'gpg(CentOS (CentOS Official Signing Key) <security@centos.org>)' }]);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0], /record 4 has 2 fields/);
});

test('parseOsRelease: quoting as in os-release(5) (CentOS 7 file)', () => {
  const os = parseOsRelease('NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\nCPE_NAME="cpe:/o:centos:centos:7"\nX=\'single $x\'\nY="esc \\"q\\""\n');
  assert.equal(os.id, 'centos');
  assert.deepEqual(os.idLike, ['rhel', 'fedora']);
  assert.equal(os.versionId, '7');
  assert.equal(os.raw.X, 'single $x');
  assert.equal(os.raw.Y, 'esc "q"');
  assert.equal(os.platformId, undefined);
});

test('parseRepoFile: CentOS 7 CentOS-Base.repo, variables kept, continuation lines, defaults', () => {
  const text = `# CentOS-Base.repo
[base]
name=CentOS-$releasever - Base
mirrorlist=http://mirrorlist.centos.org/?release=$releasever&arch=$basearch&repo=os&infra=$infra
#baseurl=http://mirror.centos.org/centos/$releasever/os/$basearch/
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7

#additional packages that may be useful
[extras]
name=CentOS-$releasever - Extras
baseurl=http://a/$releasever/
        http://b/$basearch/
gpgcheck=0

[centosplus]
name=CentOS-$releasever - Plus
enabled=0
`;
  const repos = parseRepoFile(text, '/etc/yum.repos.d/CentOS-Base.repo');
  assert.deepEqual(repos.map((r) => [r.id, r.enabled, r.gpgcheck]), [['base', true, true], ['extras', true, false], ['centosplus', false, undefined]]);
  assert.equal(repos[0].mirrorlist, 'http://mirrorlist.centos.org/?release=$releasever&arch=$basearch&repo=os&infra=$infra');
  assert.deepEqual(repos[0].baseurl, []);
  assert.deepEqual(repos[1].baseurl, ['http://a/$releasever/', 'http://b/$basearch/']);
  assert.equal(repos[0].file, '/etc/yum.repos.d/CentOS-Base.repo');
});

test('parseModuleFile', () => {
  assert.deepEqual(parseModuleFile('[postgresql]\nname=postgresql\nstream=12\nprofiles=server,client\nstate=enabled\n', 'f'),
    [{ name: 'postgresql', stream: '12', profiles: ['server', 'client'], state: 'enabled', file: 'f' }]);
});

test('kernel: /proc/modules taints, tainted bits', () => {
  const mods = parseProcModules('nvidia 35323904 1 nvidia_modeset, Live 0x0000000000000000 (POE)\nxfs 1548288 2 - Live 0xffffffffc0a7e000\n');
  assert.deepEqual(mods.map((m) => [m.name, m.taint, m.outOfTree, m.unsigned, m.proprietary]), [['nvidia', 'POE', true, true, true], ['xfs', '', false, false, false]]);
  assert.deepEqual(decodeTainted(12289), ['P', 'O', 'E']);
  assert.deepEqual(decodeTainted(0), []);
});

test('df -P, meminfo, boot, container, agents', () => {
  const df = parseDfLines('/\t/dev/mapper/cl-root  52403200 3011264  49391936       6% /\n/boot\t/dev/sda1 1038336 243912 794424 24% /boot\n/var\t/dev/mapper/x 10 5 5 50% /srv/img/var\n', '/srv/img');
  assert.deepEqual(df.map((m) => [m.path, m.mountPoint, m.availableKiB]), [['/', '/', 49391936], ['/boot', '/boot', 794424], ['/var', '/var', 5]]);
  assert.deepEqual(parseMeminfo('MemTotal:        1860952 kB\nMemFree: 1 kB\nMemAvailable:    1401880 kB\nSwapTotal:       2097148 kB\n'),
    { totalKiB: 1860952, availableKiB: 1401880, swapTotalKiB: 2097148 });
  assert.equal(parseMeminfo('nothing'), undefined);
  assert.deepEqual(parseBoot({ mode: 'uefi', mokutil: 'SecureBoot enabled' }), { mode: 'uefi', secureBoot: 'enabled', secureBootSource: 'mokutil' });
  assert.deepEqual(parseBoot({ mode: 'uefi', efivar: '6 0 0 0 0' }), { mode: 'uefi', secureBoot: 'disabled', secureBootSource: 'efivars' });
  assert.deepEqual(parseBoot({ mode: 'uefi', efivar: '6 0 0 0 1' }), { mode: 'uefi', secureBoot: 'enabled', secureBootSource: 'efivars' });
  assert.deepEqual(parseBoot({ mode: 'bios' }), { mode: 'bios', secureBoot: 'disabled' });
  assert.deepEqual(parseContainer({ 'detect-virt': 'none' }, '0::/init.scope\n'), { inContainer: false, evidence: [] });
  const c = parseContainer({ dockerenv: 'yes' }, '12:pids:/docker/3f2a9b\n');
  assert.equal(c.inContainer, true);
  assert.equal(c.kind, 'docker');
  assert.equal(c.evidence.length, 2);
  const pk = (name: string) => ({ name, epoch: 0, version: '1', release: '1', arch: 'x86_64' });
  const agents = detectAgents(['/etc/rhsm/rhsm.conf', '/etc/pki/consumer/cert.pem', '/etc/rhsm/ca/katello-server-ca.pem'],
    [pk('subscription-manager'), pk('katello-host-tools'), pk('venv-salt-minion'), pk('bash')]);
  assert.deepEqual(agents.map((a) => [a.kind, a.registered]), [['katello', true], ['rhsm', true], ['uyuni-salt', false]]);
  assert.deepEqual(detectAgents([], [pk('bash')]), []);
});

test('splitScriptOutput: sections, files, stderr, exit codes; forged markers without the nonce are plain data', () => {
  const N = 'abcdef0123456789';
  const out = `\n${N} BEGIN repos\n\n${N} FILE /etc/yum.repos.d/x.repo\n[x]\n\nxyz END repos 0\nxyz BEGIN os\n\n${N} STDERR repos\nwarn\n\n${N} END repos 0\n`
    + `\n${N} BEGIN packages\npartial`;
  const s = splitScriptOutput(out, N);
  const repos = s.get('repos');
  assert.equal(repos?.files[0].content, '[x]\n\nxyz END repos 0\nxyz BEGIN os\n');
  assert.equal(repos?.stderr, 'warn\n');
  assert.equal(repos?.code, 0);
  assert.equal(s.get('packages')?.code, undefined, 'a section cut short has no exit code');
  assert.equal(s.has('os'), false);
  assert.throws(() => splitScriptOutput('garbage', N), (e) => isFerryError(e, 'FACTS_PARSE'));
});

test('parseGui: a desktop needs a display manager, or a graphical default with desktop packages (graphical.target is systemd\'s own default)', () => {
  const pkg = (name: string): InstalledPackage => ({ name, epoch: 0, version: '1', release: '1', arch: 'x86_64' });
  // a server nobody set to multi-user: systemctl get-default says graphical.target, but nothing graphical is there
  assert.equal(parseGui({ 'get-default': 'graphical.target', 'default-link': '' }, [pkg('bash')]).graphical, false);
  assert.equal(parseGui({ 'get-default': 'graphical.target' }, [pkg('gdm')]).graphical, true);
  assert.equal(parseGui({ 'default-link': '/usr/lib/systemd/system/multi-user.target', 'display-manager': '/usr/lib/systemd/system/gdm.service' }, []).graphical, true);
  assert.deepEqual(parseGui({ 'id:5:initdefault:': '' }, [pkg('xorg-x11-server-Xorg')]), { defaultTarget: 'runlevel5 (graphical)', packages: ['xorg-x11-server-Xorg'], graphical: true });
  assert.equal(parseGui({ 'id:3:initdefault:': '' }, [pkg('xorg-x11-server-Xorg')]).graphical, false);
});

test('detectAgents: a registration file alone (Spacewalk systemid, RHSM consumer certificate) is a registered agent', () => {
  assert.deepEqual(detectAgents(['/etc/sysconfig/rhn/systemid'], []), [{ kind: 'spacewalk', packages: [], evidence: ['/etc/sysconfig/rhn/systemid'], registered: true }]);
  assert.deepEqual(detectAgents(['/etc/pki/consumer/cert.pem'], []).map((a) => [a.kind, a.registered]), [['rhsm', true]]);
  assert.deepEqual(detectAgents(['/etc/rhsm/rhsm.conf'], []).map((a) => [a.kind, a.registered]), [['rhsm', false]]);
  assert.deepEqual(detectAgents([], []), []);
});

test('rpmWarnings drops rpm\'s note that it read another backend, and a missing index only of a copied database', () => {
  const detected = 'warning: Found bdb_ro Packages database while attempting sqlite backend: using bdb_ro backend.';
  const index = 'warning: could not open /var/lib/rpm/Providename: No such file or directory';
  const other = 'warning: /var/lib/rpm/Packages: BDB0091 DB_VERSION_MISMATCH';
  assert.deepEqual(rpmWarnings(`${detected}\n${index}\n\n${other}\n`), [index, other]);
  assert.deepEqual(rpmWarnings(`${detected}\n${index}\n${other}\n`, { copied: true }), [other]);
  assert.equal(rpmWarnings('warning: could not open /var/lib/rpm/Unknownindex: No such file or directory', { copied: true }).length, 1);
});
