/**
 * Test support: builds a tiny installed root with the real tools (rpmbuild, rpmsign with a throwaway gpg
 * key, rpm --root -i), shaped like a CentOS 8 host: os-release, release files, repo and module files,
 * a signed package with an epoch, two kernels, a display manager and RHSM.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TinyRoot {
  root: string;
  dir: string;
  keyId: string;
  env: NodeJS.ProcessEnv;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

interface Pkg { name: string; version: string; release: string; epoch?: number; arch: string; vendor?: string; sign: boolean }
const PKGS: Pkg[] = [
  { name: 'ferry-demo', version: '1.0', release: '1.el8', epoch: 2, arch: 'x86_64', vendor: 'Ferry Lab', sign: true },
  { name: 'kernel-core', version: '4.18.0', release: '305.el8', arch: 'x86_64', vendor: 'CentOS', sign: true },
  { name: 'kernel-core', version: '4.18.0', release: '348.7.1.el8_5', arch: 'x86_64', vendor: 'CentOS', sign: true },
  { name: 'gdm', version: '40.0', release: '15.el8', epoch: 1, arch: 'x86_64', sign: false },
  { name: 'subscription-manager', version: '1.28.21', release: '3.el8', arch: 'x86_64', vendor: 'CentOS', sign: false },
];

export const CENTOS8_OS_RELEASE = `NAME="CentOS Linux"
VERSION="8"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="8"
PLATFORM_ID="platform:el8"
PRETTY_NAME="CentOS Linux 8"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:centos:centos:8"
HOME_URL="https://centos.org/"
BUG_REPORT_URL="https://bugs.centos.org/"
CENTOS_MANTISBT_PROJECT="CentOS-8"
CENTOS_MANTISBT_PROJECT_VERSION="8"
`;

export function buildTinyRoot(): TinyRoot {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-facts-root-'));
  const home = join(dir, 'home');
  mkdirSync(home);
  const gnupg = join(dir, 'gnupg');
  mkdirSync(gnupg, { mode: 0o700 });
  const env = { ...process.env, HOME: home, GNUPGHOME: gnupg, LC_ALL: 'C' };
  writeFileSync(join(home, '.rpmmacros'), `%_dbpath /var/lib/rpm\n%_topdir ${join(dir, 'build')}\n%_gpg_name Ferry Facts Test\n%_gpg_path ${gnupg}\n%__gpg /usr/bin/gpg\n`);
  run('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', 'Ferry Facts Test', 'rsa2048', 'sign', '0'], env);
  const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(run('gpg', ['--batch', '--with-colons', '--list-keys', 'Ferry Facts Test'], env))?.[1] ?? '';
  const specs = join(dir, 'specs');
  mkdirSync(specs);
  for (const p of PKGS) {
    const spec = join(specs, `${p.name}-${p.release}.spec`);
    writeFileSync(spec, [
      `Name: ${p.name}`, `Version: ${p.version}`, `Release: ${p.release}`, ...(p.epoch !== undefined ? [`Epoch: ${p.epoch}`] : []),
      'Summary: Ferry facts test package', 'License: MIT', ...(p.vendor ? [`Vendor: ${p.vendor}`] : []),
      '%description', 'test', '%files', '',
    ].join('\n'));
    run('rpmbuild', ['-bb', '--target', p.arch, spec], env);
  }
  const rpmsDir = join(dir, 'build', 'RPMS', 'x86_64');
  const rpms = readdirSync(rpmsDir).map((f) => join(rpmsDir, f));
  const toSign = rpms.filter((f) => PKGS.some((p) => p.sign && f.includes(`/${p.name}-${p.version}-${p.release}.`)));
  run('rpmsign', ['--addsign', ...toSign], env);
  const root = join(dir, 'root');
  mkdirSync(join(root, 'var', 'lib', 'rpm'), { recursive: true });
  run('rpm', ['--root', root, '--initdb'], env);
  run('rpm', ['--root', root, '-i', '--nodeps', '--nosignature', '--justdb', ...rpms], env);
  const w = (p: string, text: string): void => { mkdirSync(join(root, p, '..'), { recursive: true }); writeFileSync(join(root, p), text); };
  // /etc/os-release is a relative symlink on EL8, as on real hosts.
  w('/usr/lib/os-release', CENTOS8_OS_RELEASE);
  mkdirSync(join(root, 'etc'), { recursive: true });
  symlinkSync('../usr/lib/os-release', join(root, 'etc', 'os-release'));
  w('/etc/centos-release', 'CentOS Linux release 8.5.2111\n');
  symlinkSync('centos-release', join(root, 'etc', 'redhat-release'));
  symlinkSync('centos-release', join(root, 'etc', 'system-release'));
  w('/etc/yum.repos.d/CentOS-Linux-BaseOS.repo', [
    '[baseos]', 'name=CentOS Linux $releasever - BaseOS', 'mirrorlist=http://mirrorlist.centos.org/?release=$releasever&arch=$basearch&repo=BaseOS&infra=$infra',
    '#baseurl=http://mirror.centos.org/$contentdir/$releasever/BaseOS/$basearch/os/', 'gpgcheck=1', 'enabled=1',
    'gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-centosofficial', '',
  ].join('\n'));
  // Hostile data: a repo id and value that would run commands if anything evaluated them, and a forged marker.
  w('/etc/yum.repos.d/evil.repo', '[$(touch /tmp/ferry-pwned)]\nname=`touch /tmp/ferry-pwned`\nbaseurl=http://x/;id\n  http://y/$basearch\nenabled=0\n\nEND repos 0\nBEGIN os\n');
  w('/etc/dnf/modules.d/nodejs.module', '[nodejs]\nname=nodejs\nstream=14\nprofiles=common\nstate=enabled\n');
  w('/etc/rhsm/rhsm.conf', '[server]\nhostname = subscription.rhsm.redhat.com\n');
  w('/etc/selinux/config', 'SELINUX=enforcing\nSELINUXTYPE=targeted\n');
  mkdirSync(join(root, 'etc', 'systemd', 'system'), { recursive: true });
  symlinkSync('/usr/lib/systemd/system/graphical.target', join(root, 'etc', 'systemd', 'system', 'default.target'));
  symlinkSync('/usr/lib/systemd/system/gdm.service', join(root, 'etc', 'systemd', 'system', 'display-manager.service'));
  return { root, dir, keyId: fpr.slice(-16).toLowerCase(), env };
}
