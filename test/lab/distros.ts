// Synthetic distributions shaped like the real ones. Every value is either taken from a file in
// ../shared/data (cited in README.md, "Facts and sources") or marked synthetic there. Names of vendor
// packages, repo ids, module platform ids and the base package NEVRAs of CentOS 7/8 and CentOS Stream 9
// are real; versions of the other distributions' packages are synthetic but follow their dist-tag style.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BinaryDef, SourceDef } from './model.js';
import { assert } from '../../src/core/index.js';
import { defaultDataDir } from '../../src/catalog/index.js';

/** The catalog's vendored key armor (src/catalog/data/keys, copied from ../shared/data/gpg-keys/keys): the lab needs no ../shared for keys. */
const GPG_KEYS = join(defaultDataDir(), 'keys');

/** A real public key from the vendored armor, else a marked placeholder. */
function realKey(rel: string): string {
  const p = join(GPG_KEYS, rel);
  return existsSync(p) ? readFileSync(p, 'utf8') : `# placeholder: ${rel} is not vendored in src/catalog/data/keys\n`;
}

export type Family = 'el7' | 'el8' | 'el9' | 'oe2203';

export interface RepoIdDef { id: string; name: string; url: string }

export interface DistroDef {
  id: string;
  /** Human name as in os-release NAME. */
  name: string;
  family: Family;
  releasever: string;
  modulePlatformId?: string;
  vendor: string;
  /** Release package name (owns /etc/os-release). */
  releasePackage: string;
  /** All vendor (branding) package names. */
  vendorPackages: string[];
  sources: SourceDef[];
  modulesYaml?: string;
  updateinfoXml?: string;
  /** Package names installed on a default host of this distribution. */
  hostPackages: string[];
}

interface VendorSpec {
  id: string;
  family: Family;
  /** dist tag suffix used in base package releases (e.g. `el8`, `oc8`). */
  dist: string;
  vendor: string;
  osRelease: Record<string, string>;
  /** /etc/<x>-release file name and its one-line content. */
  releaseFile: [string, string];
  releaseSrc: { name: string; version: string; release: string; arch: 'noarch' | 'x86_64' };
  /** Binary names from the release srpm: release, repos, gpg-keys (undefined when folded into release). */
  reposPkg?: string;
  gpgPkg?: string;
  /** Logos package; undefined where no source names the distribution's one. */
  logos?: string;
  indexhtml?: string;
  repoFile: string;
  repos: RepoIdDef[];
  keyFile: [string, string];
  /** Extra binaries of the release srpm (e.g. Oracle's redhat-release). */
  extraReleaseBinaries?: BinaryDef[];
}

function osReleaseText(kv: Record<string, string>): string {
  return Object.entries(kv).map(([k, v]) => `${k}="${v}"`).join('\n') + '\n';
}

function repoFileText(v: VendorSpec): string {
  return v.repos.map((r) => [
    `[${r.id}]`, `name=${r.name}`, `baseurl=${r.url}`, 'gpgcheck=1', 'enabled=1',
    `gpgkey=file://${v.keyFile[0]}`, '',
  ].join('\n')).join('\n');
}

function vendorSources(v: VendorSpec): SourceDef[] {
  const ver = v.osRelease.VERSION_ID;
  const major = ver.split('.')[0];
  const osr = osReleaseText(v.osRelease);
  const releaseBin: BinaryDef = {
    name: v.releaseSrc.name,
    provides: [
      `system-release = ${ver}`, `system-release(releasever) = ${major}`, `redhat-release = ${ver}`,
      `base-module(platform:el${major})`,
    ].filter((p) => v.family !== 'oe2203' || !p.startsWith('base-module')),
    files: {
      '/usr/lib/os-release': osr,
      [`/etc/${v.releaseFile[0]}`]: `${v.releaseFile[1]}\n`,
      '/etc/issue': '\\S\nKernel \\r on an \\m\n\n',
    },
    symlinks: {
      '/etc/os-release': '../usr/lib/os-release',
      ...(v.releaseFile[0] !== 'redhat-release' ? { '/etc/redhat-release': v.releaseFile[0] } : {}),
      ...(v.releaseFile[0] !== 'system-release' ? { '/etc/system-release': v.releaseFile[0] } : {}),
    },
    requires: [...(v.reposPkg ? [v.reposPkg] : [])],
  };
  const reposFiles = { [`/etc/yum.repos.d/${v.repoFile}`]: repoFileText(v) };
  const keyFiles = { [v.keyFile[0]]: v.keyFile[1] };
  const bins: BinaryDef[] = [releaseBin];
  if (v.reposPkg) {
    bins.push({ name: v.reposPkg, noarch: true, files: reposFiles, requires: v.gpgPkg ? [v.gpgPkg] : [],
      provides: [`system-repos = ${ver}`] });
  } else {
    Object.assign(releaseBin.files ?? {}, reposFiles);
  }
  if (v.gpgPkg) bins.push({ name: v.gpgPkg, noarch: true, files: keyFiles });
  else Object.assign(releaseBin.files ?? {}, keyFiles);
  bins.push(...(v.extraReleaseBinaries ?? []));
  const out: SourceDef[] = [{ ...v.releaseSrc, vendor: v.vendor, license: 'GPLv2', binaries: bins }];
  if (v.logos) out.push({
    name: v.logos, version: `${major}0.0`, release: `1.${v.dist}`, arch: 'noarch', vendor: v.vendor, license: 'Licensed only for approved usage',
    binaries: [{ name: v.logos, provides: ['system-logos', `system-logos = ${major}0.0`],
      files: { [`/usr/share/pixmaps/${v.logos}-fedora-logo.txt`]: `${v.id} logo\n` } }],
  });
  if (v.indexhtml) {
    out.push({
      name: v.indexhtml, version: `${major}.0`, release: `0.${v.dist}`, arch: 'noarch', vendor: v.vendor, license: 'Distributable',
      binaries: [{ name: v.indexhtml, provides: ['redhat-indexhtml'],
        files: { '/usr/share/doc/HTML/index.html': `<html><title>${v.osRelease.NAME}</title></html>\n` } }],
    });
  }
  return out;
}

interface BaseVersions {
  setup: string; filesystem: string; basesystem: string; bash: string; glibc: string; openssl: string;
  coreutils: string; tzdata: string; zlib: string; lz4?: string; libidn?: string; kernel: string;
  /** soname of libssl in this family */
  libssl: string;
  kernelSplit: boolean;
}

function vr(s: string): { epoch?: number; version: string; release: string } {
  const m = /^(?:(\d+):)?([^-]+)-(.+)$/.exec(s);
  assert(m, `bad version-release ${s}`);
  return { ...(m[1] ? { epoch: Number(m[1]) } : {}), version: m[2], release: m[3] };
}

const FS_DIRS = ['/etc', '/etc/pki', '/etc/pki/rpm-gpg', '/etc/yum.repos.d', '/usr', '/usr/bin', '/usr/sbin', '/usr/lib',
  '/usr/lib64', '/usr/share', '/usr/share/doc', '/usr/share/pixmaps', '/usr/share/doc/HTML', '/boot', '/var', '/var/lib', '/opt',
  '/usr/lib/modules', '/usr/share/zoneinfo'];

/**
 * The BLS snippet EL8's kernel-core ships as /lib/modules/KVER/bls.conf (the keys of RHEL 8's, with
 * `$kernelopts` left for grub to expand from grubenv), which kernel-install's 20-grub.install copies to
 * /boot/loader/entries/<machine-id>-KVER.conf.
 */
function blsConf(kver: string, vendor: string): string {
  return [`title ${vendor} (${kver})`, `version ${kver}`, `linux /vmlinuz-${kver}`, `initrd /initramfs-${kver}.img`, 'options $kernelopts',
    'grub_users $grub_users', 'grub_arg --unrestricted', 'grub_class kernel', ''].join('\n');
}

/**
 * The kernel's %posttrans as far as the boot loader sees it (`kernel-install add`, minus the initramfs): where
 * the root has /boot/loader/entries and a machine-id, bls.conf is copied to <machine-id>-KVER.conf. Lua, so it
 * runs in lab roots whose /bin/sh is a stub; a root without BLS entries (most lab roots) is left alone.
 */
function blsPosttrans(kver: string): string {
  return [
    `local kver, dir = "${kver}", "/boot/loader/entries"`,
    'if posix.stat(dir, "type") ~= "directory" then return end',
    'local f = io.open("/etc/machine-id")',
    'if not f then return end',
    'local mid = f:read("*l")',
    'f:close()',
    'if not mid or mid == "" then return end',
    'local src = io.open("/usr/lib/modules/" .. kver .. "/bls.conf")',
    'local text = src:read("*a")',
    'src:close()',
    'local out = io.open(dir .. "/" .. mid .. "-" .. kver .. ".conf", "w")',
    'out:write(text)',
    'out:close()',
  ].join('\n');
}

function baseSources(b: BaseVersions, vendor: string): SourceDef[] {
  const src = (name: string, v: string, arch: SourceDef['arch'], binaries: BinaryDef[], license = 'GPLv2+'): SourceDef =>
    ({ name, ...vr(v), arch, vendor, license, binaries });
  const fsreq = ['filesystem'];
  const kver = `${vr(b.kernel).version}-${vr(b.kernel).release}.x86_64`;
  const kernelFiles = { [`/boot/vmlinuz-${kver}`]: `lab kernel ${kver}\n`, [`/usr/lib/modules/${kver}/vmlinuz`]: `lab kernel ${kver}\n`,
    [`/usr/lib/modules/${kver}/bls.conf`]: blsConf(kver, vendor) };
  const posttransLua = blsPosttrans(kver);
  const kernelDirs = [`/usr/lib/modules/${kver}`, `/usr/lib/modules/${kver}/kernel`];
  const out: SourceDef[] = [
    src('setup', b.setup, 'noarch', [{ name: 'setup', files: { '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\n', '/etc/group': 'root:x:0:\n', '/etc/hosts': '127.0.0.1 localhost\n' } }], 'Public Domain'),
    src('filesystem', b.filesystem, 'x86_64', [{ name: 'filesystem', requires: ['setup'], dirs: FS_DIRS,
      symlinks: { '/bin': 'usr/bin', '/sbin': 'usr/sbin', '/lib': 'usr/lib', '/lib64': 'usr/lib64' } }], 'Public Domain'),
    src('basesystem', b.basesystem, 'noarch', [{ name: 'basesystem', requires: ['filesystem', 'setup', 'system-release'] }]),
    src('bash', b.bash, 'x86_64', [{ name: 'bash', requires: [...fsreq, 'libc.so.6()(64bit)'], provides: ['/bin/sh', '/bin/bash'],
      files: { '/usr/bin/bash': '#lab bash\n' }, symlinks: { '/usr/bin/sh': 'bash' } }], 'GPLv3+'),
    src('glibc', b.glibc, 'x86_64', [
      { name: 'glibc', requires: [...fsreq, `glibc-common = ${b.glibc}`], provides: ['libc.so.6()(64bit)', 'ld-linux-x86-64.so.2()(64bit)', 'rtld(GNU_HASH)'],
        files: { '/usr/lib64/libc.so.6': 'lab libc x86_64\n', '/usr/lib64/ld-linux-x86-64.so.2': 'lab ld\n' } },
      { name: 'glibc-common', requires: [...fsreq, '/usr/bin/sh'], files: { '/usr/share/doc/glibc-common.txt': 'glibc common\n' } },
    ], 'LGPLv2+'),
    // multilib: the 32-bit glibc, installable beside the 64-bit one
    src('glibc', b.glibc, 'i686', [{ name: 'glibc', requires: [...fsreq], provides: ['libc.so.6', 'ld-linux.so.2'],
      files: { '/usr/lib/libc.so.6': 'lab libc i686\n', '/usr/lib/ld-linux.so.2': 'lab ld i686\n' } }], 'LGPLv2+'),
    src('openssl', b.openssl, 'x86_64', [
      { name: 'openssl-libs', requires: [...fsreq, 'libc.so.6()(64bit)', 'libz.so.1()(64bit)'],
        provides: [`${b.libssl}()(64bit)`, `${b.libssl.replace('libssl', 'libcrypto')}()(64bit)`],
        files: { [`/usr/lib64/${b.libssl}`]: 'lab libssl\n' } },
      { name: 'openssl', requires: [`openssl-libs = ${b.openssl}`, `${b.libssl}()(64bit)`, '/usr/bin/sh'],
        files: { '/usr/bin/openssl': '#lab openssl\n', '/etc/pki/tls/openssl.cnf': '# lab openssl.cnf\n' }, dirs: ['/etc/pki/tls'] },
    ], 'OpenSSL'),
    src('coreutils', b.coreutils, 'x86_64', [{ name: 'coreutils', requires: [...fsreq, 'libc.so.6()(64bit)'],
      files: { '/usr/bin/ls': '#lab ls\n', '/usr/bin/cat': '#lab cat\n' } }], 'GPLv3+'),
    src('tzdata', b.tzdata, 'noarch', [{ name: 'tzdata', requires: fsreq, files: { '/usr/share/zoneinfo/UTC': 'TZif lab\n' } }], 'Public Domain'),
    src('zlib', b.zlib, 'x86_64', [{ name: 'zlib', requires: [...fsreq, 'libc.so.6()(64bit)'], provides: ['libz.so.1()(64bit)'],
      files: { '/usr/lib64/libz.so.1': 'lab zlib\n' } }], 'zlib and Boost'),
    src('kernel', b.kernel, 'x86_64', b.kernelSplit ? [
      { name: 'kernel', requires: [`kernel-core-uname-r = ${kver}`, `kernel-modules-uname-r = ${kver}`] },
      { name: 'kernel-core', requires: fsreq, provides: [`kernel-uname-r = ${kver}`, `kernel-core-uname-r = ${kver}`, 'installonlypkg(kernel)'],
        files: kernelFiles, dirs: kernelDirs, posttransLua },
      { name: 'kernel-modules', requires: [`kernel-core-uname-r = ${kver}`], provides: [`kernel-modules-uname-r = ${kver}`, 'installonlypkg(kernel-module)'],
        files: { [`/usr/lib/modules/${kver}/kernel/lab.ko`]: 'lab module\n' } },
    ] : [
      { name: 'kernel', requires: fsreq, provides: [`kernel-uname-r = ${kver}`, 'installonlypkg(kernel)'],
        files: { ...kernelFiles, [`/usr/lib/modules/${kver}/kernel/lab.ko`]: 'lab module\n' }, dirs: kernelDirs, posttransLua },
    ]),
  ];
  if (b.lz4) {
    out.push(src('lz4', b.lz4, 'x86_64', [{ name: 'lz4-libs', requires: [...fsreq, 'libc.so.6()(64bit)'], provides: ['liblz4.so.1()(64bit)'],
      files: { '/usr/lib64/liblz4.so.1': 'lab lz4\n' } }], 'GPLv2+ and BSD'));
  }
  if (b.libidn) {
    out.push(src('libidn', b.libidn, 'x86_64', [{ name: 'libidn', requires: [...fsreq, 'libc.so.6()(64bit)'], provides: ['libidn.so.11()(64bit)'],
      files: { '/usr/lib64/libidn.so.11': 'lab libidn\n' } }], 'LGPLv2+'));
  }
  return out;
}

/**
 * Synthetic shapes a migration tool must handle (names are lab-only, see README): a rename via
 * Obsoletes/Provides, a split, and a package absent from targets.
 */
function shapeSources(role: 'source' | 'target', dist: string, vendor: string): SourceDef[] {
  if (role === 'source') {
    return [
      { name: 'lab-legacy-utils', version: '1.0', release: `3.${dist}`, arch: 'x86_64', vendor, binaries: [
        { name: 'lab-legacy-utils', requires: ['filesystem', '/usr/bin/sh'], files: { '/usr/bin/lab-legacy': '#legacy\n' } }] },
      { name: 'lab-bundle', version: '2.0', release: `1.${dist}`, arch: 'x86_64', vendor, binaries: [
        { name: 'lab-bundle', requires: ['filesystem'], files: { '/usr/bin/lab-bundle': '#bundle\n', '/usr/share/lab-bundle/data.txt': 'data\n' }, dirs: ['/usr/share/lab-bundle'] }] },
      { name: 'lab-orphan', version: '0.9', release: `1.${dist}`, arch: 'noarch', vendor, binaries: [
        { name: 'lab-orphan', requires: ['filesystem'], files: { '/usr/share/doc/lab-orphan.txt': 'only in sources\n' } }] },
    ];
  }
  return [
    { name: 'lab-utils', version: '2.0', release: `1.${dist}`, arch: 'x86_64', vendor, binaries: [
      { name: 'lab-utils', requires: ['filesystem', '/usr/bin/sh'], provides: ['lab-legacy-utils = 2.0'], obsoletes: ['lab-legacy-utils < 2.0'],
        files: { '/usr/bin/lab-utils': '#utils\n' }, symlinks: { '/usr/bin/lab-legacy': 'lab-utils' } }] },
    { name: 'lab-bundle', version: '2.1', release: `1.${dist}`, arch: 'x86_64', vendor, binaries: [
      { name: 'lab-bundle', requires: ['filesystem', 'lab-bundle-data = 2.1'], files: { '/usr/bin/lab-bundle': '#bundle 2.1\n' } },
      { name: 'lab-bundle-data', noarch: true, requires: ['filesystem'], files: { '/usr/share/lab-bundle/data.txt': 'data 2.1\n' }, dirs: ['/usr/share/lab-bundle'] }] },
  ];
}

/** EL8 AppStream shape: nodejs module with streams 10 (default) and 12; packages hidden unless enabled. */
function nodejsModule(dist: string, vendor: string): { sources: SourceDef[]; yaml: string } {
  const streams = [
    { stream: '10', version: '10.24.0', release: `1.module_${dist}.3.0+717+fa496f1d`, mver: '8030020210304194401', ctx: '30b713e6' },
    { stream: '12', version: '12.22.1', release: `1.module_${dist}.4.0+782+b1c7e1ed`, mver: '8040020210527175536', ctx: '30b713e6' },
  ];
  const sources: SourceDef[] = streams.map((s): SourceDef => ({
    name: 'nodejs', epoch: 1, version: s.version, release: s.release, arch: 'x86_64', vendor, license: 'MIT',
    binaries: [
      { name: 'nodejs', requires: ['filesystem', 'libc.so.6()(64bit)', 'libz.so.1()(64bit)'], files: { '/usr/bin/node': `#node ${s.version}\n` } },
      { name: 'npm', requires: [`nodejs = 1:${s.version}-${s.release}`], files: { '/usr/bin/npm': `#npm for ${s.version}\n` } },
    ],
  }));
  const docs = streams.map((s) => `---
document: modulemd
version: 2
data:
  name: nodejs
  stream: "${s.stream}"
  version: ${s.mver}
  context: ${s.ctx}
  arch: x86_64
  summary: Javascript runtime
  description: >-
    Node.js is a platform built on Chrome's JavaScript runtime (Ferry lab shape).
  license:
    module:
    - MIT
  dependencies:
  - buildrequires:
      platform: [el8]
    requires:
      platform: [el8]
  profiles:
    common:
      rpms:
      - nodejs
      - npm
  api:
    rpms:
    - nodejs
    - npm
  artifacts:
    rpms:
    - nodejs-1:${s.version}-${s.release}.x86_64
    - npm-1:${s.version}-${s.release}.x86_64
...
`);
  docs.push(`---
document: modulemd-defaults
version: 1
data:
  module: nodejs
  stream: "10"
  profiles:
    10: [common]
    12: [common]
...
`);
  return { sources, yaml: docs.join('') };
}

interface AdvisoryPkg { name: string; epoch: number; version: string; release: string; arch: string; src: string }

function updateinfo(prefix: string, release: string, pkgs: { lz4?: AdvisoryPkg; kernel?: AdvisoryPkg }): string {
  const pkgXml = (p: AdvisoryPkg): string =>
    `        <package name="${p.name}" version="${p.version}" release="${p.release}" epoch="${p.epoch}" arch="${p.arch}" src="${p.src}">\n` +
    `          <filename>${p.name}-${p.version}-${p.release}.${p.arch}.rpm</filename>\n        </package>\n`;
  const upd = (id: string, title: string, sev: string, date: string, cves: string[], p: AdvisoryPkg): string => `  <update from="lab@ferry.invalid" status="final" type="security" version="2">
    <id>${prefix}-${id}</id>
    <title>${sev}: ${title}</title>
    <issued date="${date}"/>
    <updated date="${date}"/>
    <rights>Copyright ${date.slice(0, 4)}</rights>
    <release>${release}</release>
    <severity>${sev}</severity>
    <summary>${title}</summary>
    <description>Lab advisory shaped like ${prefix}-${id}.</description>
    <references>
${cves.map((c) => `      <reference href="https://access.redhat.com/security/cve/${c}" id="${c}" type="cve" title="${c}"/>`).join('\n')}
    </references>
    <pkglist>
      <collection short="${prefix}-${id}">
        <name>${release}</name>
${pkgXml(p)}      </collection>
    </pkglist>
  </update>
`;
  const parts: string[] = [];
  if (pkgs.lz4) parts.push(upd('2021:2575', 'lz4 security update', 'Moderate', '2021-06-29 00:00:00', ['CVE-2021-3520'], pkgs.lz4));
  if (pkgs.kernel) parts.push(upd('2021:3057', 'kernel security, bug fix, and enhancement update', 'Important', '2021-08-10 00:00:00',
    ['CVE-2021-22543', 'CVE-2021-22555', 'CVE-2021-3609'], pkgs.kernel));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<updates>\n${parts.join('')}</updates>\n`;
}

// Base package NEVRAs. el7: CentOS 7.8.2003 container manifest; el8: CentOS 8.2.2004 container manifest;
// el9: CentOS Stream 9 BaseOS repodata 2022-02-07. el8-target: el8 plus the fixed lz4/kernel from the
// real Rocky 8 advisories RLSA-2021:2575 and RLSA-2021:3057 (rocky8-updateinfo-sample).
const EL7: BaseVersions = { setup: '2.8.71-11.el7', filesystem: '3.2-25.el7', basesystem: '10.0-7.el7.centos', bash: '4.2.46-34.el7',
  glibc: '2.17-307.el7.1', openssl: '1:1.0.2k-19.el7', coreutils: '8.22-24.el7', tzdata: '2020a-1.el7', zlib: '1.2.7-18.el7',
  libidn: '1.28-4.el7', kernel: '3.10.0-1127.el7', libssl: 'libssl.so.10', kernelSplit: false };
const EL8: BaseVersions = { setup: '2.12.2-5.el8', filesystem: '3.8-2.el8', basesystem: '11-5.el8', bash: '4.4.19-10.el8',
  glibc: '2.28-101.el8', openssl: '1:1.1.1c-15.el8', coreutils: '8.30-7.el8_2.1', tzdata: '2020a-1.el8', zlib: '1.2.11-13.el8',
  lz4: '1.8.1.2-4.el8', libidn: '1.34-5.el8', kernel: '4.18.0-193.el8', libssl: 'libssl.so.1.1', kernelSplit: true };
function el8Target(dist: string, over: Partial<BaseVersions> = {}): BaseVersions {
  const d = (s: string): string => s.replace(/\.el8(_\d+)?(\.\d+)?$/, (m) => m.replace('el8', dist));
  const b: BaseVersions = { ...EL8, lz4: '1.8.3-3.el8_4', kernel: '4.18.0-305.12.1.el8_4', ...over };
  if (dist === 'el8') return b;
  return { ...b, setup: d(b.setup), filesystem: d(b.filesystem), basesystem: d(b.basesystem), bash: d(b.bash), glibc: d(b.glibc),
    openssl: d(b.openssl), coreutils: d(b.coreutils), tzdata: d(b.tzdata), zlib: d(b.zlib), lz4: b.lz4 && d(b.lz4),
    libidn: b.libidn && d(b.libidn), kernel: d(b.kernel) };
}
const EL9: BaseVersions = { setup: '2.13.7-6.el9', filesystem: '3.16-2.el9', basesystem: '11-13.el9', bash: '5.1.8-2.el9',
  glibc: '2.34-21.el9', openssl: '1:3.0.1-5.el9', coreutils: '8.32-31.el9', tzdata: '2021e-1.el9', zlib: '1.2.11-31.el9',
  lz4: '1.9.3-5.el9', kernel: '5.14.0-55.el9', libssl: 'libssl.so.3', kernelSplit: true };
const OE2203: BaseVersions = { setup: '2.13.7-1.oe2203', filesystem: '3.16-3.oe2203', basesystem: '12-3.oe2203', bash: '5.1.8-6.oe2203',
  glibc: '2.34-70.oe2203', openssl: '1:1.1.1m-2.oe2203', coreutils: '9.0-4.oe2203', tzdata: '2022a-1.oe2203', zlib: '1.2.11-19.oe2203',
  lz4: '1.9.3-2.oe2203', kernel: '5.10.0-60.18.0.50.oe2203', libssl: 'libssl.so.1.1', kernelSplit: false };

function elRelease(id: string, name: string, version: string, platform: string, cpe: string, home: string, extra: Record<string, string> = {}): Record<string, string> {
  return { NAME: name, VERSION: version, ID: id, ID_LIKE: 'rhel centos fedora', VERSION_ID: version.split(' ')[0], PLATFORM_ID: platform,
    PRETTY_NAME: `${name} ${version}`, ANSI_COLOR: '0;31', CPE_NAME: cpe, HOME_URL: home, ...extra };
}

function vendorSpecs(): VendorSpec[] {
  const k = realKey;
  return [
    { id: 'centos-7', family: 'el7', dist: 'el7', vendor: 'CentOS',
      osRelease: { NAME: 'CentOS Linux', VERSION: '7 (Core)', ID: 'centos', ID_LIKE: 'rhel fedora', VERSION_ID: '7',
        PRETTY_NAME: 'CentOS Linux 7 (Core)', ANSI_COLOR: '0;31', CPE_NAME: 'cpe:/o:centos:centos:7', HOME_URL: 'https://www.centos.org/',
        BUG_REPORT_URL: 'https://bugs.centos.org/', CENTOS_MANTISBT_PROJECT: 'CentOS-7', CENTOS_MANTISBT_PROJECT_VERSION: '7',
        REDHAT_SUPPORT_PRODUCT: 'centos', REDHAT_SUPPORT_PRODUCT_VERSION: '7' },
      releaseFile: ['centos-release', 'CentOS Linux release 7.8.2003 (Core)'],
      releaseSrc: { name: 'centos-release', version: '7', release: '8.2003.0.el7.centos', arch: 'x86_64' },
      logos: 'centos-logos', indexhtml: 'centos-indexhtml', repoFile: 'CentOS-Base.repo',
      repos: [{ id: 'base', name: 'CentOS-$releasever - Base', url: 'http://mirror.centos.org/centos/$releasever/os/$basearch/' },
        { id: 'updates', name: 'CentOS-$releasever - Updates', url: 'http://mirror.centos.org/centos/$releasever/updates/$basearch/' },
        { id: 'extras', name: 'CentOS-$releasever - Extras', url: 'http://mirror.centos.org/centos/$releasever/extras/$basearch/' }],
      keyFile: ['/etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7', k('centos/RPM-GPG-KEY-CentOS-7')] },
    { id: 'centos-8', family: 'el8', dist: 'el8', vendor: 'CentOS',
      osRelease: elRelease('centos', 'CentOS Linux', '8 (Core)', 'platform:el8', 'cpe:/o:centos:centos:8', 'https://www.centos.org/',
        { ID_LIKE: 'rhel fedora', BUG_REPORT_URL: 'https://bugs.centos.org/', CENTOS_MANTISBT_PROJECT: 'CentOS-8', CENTOS_MANTISBT_PROJECT_VERSION: '8' }),
      releaseFile: ['centos-release', 'CentOS Linux release 8.2.2004 (Core)'],
      releaseSrc: { name: 'centos-release', version: '8.2', release: '2.2004.0.1.el8', arch: 'x86_64' },
      reposPkg: 'centos-repos', gpgPkg: 'centos-gpg-keys', logos: 'centos-logos', indexhtml: 'centos-indexhtml', repoFile: 'CentOS-Base.repo',
      repos: [{ id: 'BaseOS', name: 'CentOS-$releasever - Base', url: 'http://mirror.centos.org/$contentdir/$releasever/BaseOS/$basearch/os/' },
        { id: 'AppStream', name: 'CentOS-$releasever - AppStream', url: 'http://mirror.centos.org/$contentdir/$releasever/AppStream/$basearch/os/' },
        { id: 'extras', name: 'CentOS-$releasever - Extras', url: 'http://mirror.centos.org/$contentdir/$releasever/extras/$basearch/os/' }],
      keyFile: ['/etc/pki/rpm-gpg/RPM-GPG-KEY-centosofficial', k('centos/RPM-GPG-KEY-CentOS-Official')] },
    { id: 'centos-stream-8', family: 'el8', dist: 'el8', vendor: 'CentOS',
      osRelease: elRelease('centos', 'CentOS Stream', '8', 'platform:el8', 'cpe:/o:centos:centos:8', 'https://centos.org/',
        { ID_LIKE: 'rhel fedora', BUG_REPORT_URL: 'https://bugzilla.redhat.com/', REDHAT_SUPPORT_PRODUCT: 'Red Hat Enterprise Linux 8', REDHAT_SUPPORT_PRODUCT_VERSION: 'CentOS Stream' }),
      releaseFile: ['centos-release', 'CentOS Stream release 8'],
      releaseSrc: { name: 'centos-stream-release', version: '8.6', release: '1.el8', arch: 'noarch' },
      reposPkg: 'centos-stream-repos', gpgPkg: 'centos-gpg-keys', logos: 'centos-logos', indexhtml: 'centos-indexhtml', repoFile: 'CentOS-Stream-BaseOS.repo',
      repos: [{ id: 'baseos', name: 'CentOS Stream $releasever - BaseOS', url: 'http://mirror.centos.org/$contentdir/$stream/BaseOS/$basearch/os/' },
        { id: 'appstream', name: 'CentOS Stream $releasever - AppStream', url: 'http://mirror.centos.org/$contentdir/$stream/AppStream/$basearch/os/' }],
      keyFile: ['/etc/pki/rpm-gpg/RPM-GPG-KEY-centosofficial', k('centos/RPM-GPG-KEY-CentOS-Official')] },
    { id: 'rocky-8', family: 'el8', dist: 'el8', vendor: 'Rocky Enterprise Software Foundation',
      osRelease: elRelease('rocky', 'Rocky Linux', '8.4 (Green Obsidian)', 'platform:el8', 'cpe:/o:rocky:rocky:8.4:GA', 'https://rockylinux.org/',
        { ROCKY_SUPPORT_PRODUCT: 'Rocky Linux', ROCKY_SUPPORT_PRODUCT_VERSION: '8' }),
      releaseFile: ['rocky-release', 'Rocky Linux release 8.4 (Green Obsidian)'],
      releaseSrc: { name: 'rocky-release', version: '8.4', release: '35.el8', arch: 'noarch' },
      reposPkg: 'rocky-repos', gpgPkg: 'rocky-gpg-keys', logos: 'rocky-logos', indexhtml: 'rocky-indexhtml', repoFile: 'Rocky-BaseOS.repo',
      repos: [{ id: 'baseos', name: 'Rocky Linux $releasever - BaseOS', url: 'http://dl.rockylinux.org/$contentdir/$releasever/BaseOS/$basearch/os/' },
        { id: 'appstream', name: 'Rocky Linux $releasever - AppStream', url: 'http://dl.rockylinux.org/$contentdir/$releasever/AppStream/$basearch/os/' },
        { id: 'extras', name: 'Rocky Linux $releasever - Extras', url: 'http://dl.rockylinux.org/$contentdir/$releasever/extras/$basearch/os/' }],
      keyFile: ['/etc/pki/rpm-gpg/RPM-GPG-KEY-rockyofficial', k('rocky/RPM-GPG-KEY-Rocky-8')] },
    { id: 'rocky-9', family: 'el9', dist: 'el9', vendor: 'Rocky Enterprise Software Foundation',
      osRelease: elRelease('rocky', 'Rocky Linux', '9.0 (Blue Onyx)', 'platform:el9', 'cpe:/o:rocky:rocky:9::baseos', 'https://rockylinux.org/'),
      releaseFile: ['rocky-release', 'Rocky Linux release 9.0 (Blue Onyx)'],
      releaseSrc: { name: 'rocky-release', version: '9.0', release: '2.1.el9', arch: 'noarch' },
      reposPkg: 'rocky-repos', gpgPkg: 'rocky-gpg-keys', logos: 'rocky-logos', indexhtml: 'rocky-indexhtml', repoFile: 'rocky.repo',
      repos: [{ id: 'baseos', name: 'Rocky Linux $releasever - BaseOS', url: 'http://dl.rockylinux.org/$contentdir/$releasever/BaseOS/$basearch/os/' },
        { id: 'appstream', name: 'Rocky Linux $releasever - AppStream', url: 'http://dl.rockylinux.org/$contentdir/$releasever/AppStream/$basearch/os/' },
        { id: 'crb', name: 'Rocky Linux $releasever - CRB', url: 'http://dl.rockylinux.org/$contentdir/$releasever/CRB/$basearch/os/' }],
      keyFile: ['/etc/pki/rpm-gpg/RPM-GPG-KEY-Rocky-9', k('rocky/RPM-GPG-KEY-Rocky-9')] },
    { id: 'almalinux-8', family: 'el8', dist: 'el8', vendor: 'AlmaLinux',
      osRelease: elRelease('almalinux', 'AlmaLinux', '8.4 (Electric Cheetah)', 'platform:el8', 'cpe:/o:almalinux:almalinux:8.4:GA', 'https://almalinux.org/'),
      releaseFile: ['almalinux-release', 'AlmaLinux release 8.4 (Electric Cheetah)'],
      releaseSrc: { name: 'almalinux-release', version: '8.4', release: '3.el8', arch: 'x86_64' },
      logos: 'almalinux-logos', indexhtml: 'almalinux-indexhtml', repoFile: 'almalinux.repo',
      repos: [{ id: 'baseos', name: 'AlmaLinux $releasever - BaseOS', url: 'https://repo.almalinux.org/almalinux/$releasever/BaseOS/$basearch/os/' },
        { id: 'appstream', name: 'AlmaLinux $releasever - AppStream', url: 'https://repo.almalinux.org/almalinux/$releasever/AppStream/$basearch/os/' },
        { id: 'powertools', name: 'AlmaLinux $releasever - PowerTools', url: 'https://repo.almalinux.org/almalinux/$releasever/PowerTools/$basearch/os/' }],
      keyFile: ['/etc/pki/rpm-gpg/RPM-GPG-KEY-AlmaLinux', k('alma/RPM-GPG-KEY-AlmaLinux-8')] },
    { id: 'almalinux-9', family: 'el9', dist: 'el9', vendor: 'AlmaLinux',
      osRelease: elRelease('almalinux', 'AlmaLinux', '9.0 (Emerald Puma)', 'platform:el9', 'cpe:/o:almalinux:almalinux:9::baseos', 'https://almalinux.org/'),
      releaseFile: ['almalinux-release', 'AlmaLinux release 9.0 (Emerald Puma)'],
      releaseSrc: { name: 'almalinux-release', version: '9.0', release: '1.el9', arch: 'x86_64' },
      reposPkg: 'almalinux-repos', gpgPkg: 'almalinux-gpg-keys', logos: 'almalinux-logos', repoFile: 'almalinux-baseos.repo',
      repos: [{ id: 'baseos', name: 'AlmaLinux $releasever - BaseOS', url: 'https://repo.almalinux.org/almalinux/$releasever/BaseOS/$basearch/os/' },
        { id: 'appstream', name: 'AlmaLinux $releasever - AppStream', url: 'https://repo.almalinux.org/almalinux/$releasever/AppStream/$basearch/os/' },
        { id: 'crb', name: 'AlmaLinux $releasever - CRB', url: 'https://repo.almalinux.org/almalinux/$releasever/CRB/$basearch/os/' }],
      keyFile: ['/etc/pki/rpm-gpg/RPM-GPG-KEY-AlmaLinux-9', k('alma/RPM-GPG-KEY-AlmaLinux-9')] },
    { id: 'oraclelinux-8', family: 'el8', dist: 'el8', vendor: 'Oracle America',
      osRelease: { NAME: 'Oracle Linux Server', VERSION: '8.4', ID: 'ol', ID_LIKE: 'fedora', VARIANT: 'Server', VARIANT_ID: 'server',
        VERSION_ID: '8.4', PLATFORM_ID: 'platform:el8', PRETTY_NAME: 'Oracle Linux Server 8.4', ANSI_COLOR: '0;31',
        CPE_NAME: 'cpe:/o:oracle:linux:8:4:server', HOME_URL: 'https://linux.oracle.com/' },
      releaseFile: ['oracle-release', 'Oracle Linux Server release 8.4'],
      releaseSrc: { name: 'oraclelinux-release', version: '8.4', release: '1.0.6.el8', arch: 'x86_64' },
      reposPkg: 'oraclelinux-release-el8', logos: 'oracle-logos', repoFile: 'oracle-linux-ol8.repo',
      repos: [{ id: 'ol8_baseos_latest', name: 'Oracle Linux 8 BaseOS Latest ($basearch)', url: 'https://yum.oracle.com/repo/OracleLinux/OL8/baseos/latest/$basearch/' },
        { id: 'ol8_appstream', name: 'Oracle Linux 8 Application Stream ($basearch)', url: 'https://yum.oracle.com/repo/OracleLinux/OL8/appstream/$basearch/' }],
      keyFile: ['/etc/pki/rpm-gpg/RPM-GPG-KEY-oracle', k('oraclelinux/RPM-GPG-KEY-oracle-ol8')],
      extraReleaseBinaries: [{ name: 'redhat-release', files: { '/usr/share/doc/redhat-release/GPL': 'Oracle redhat-release compat\n' },
        provides: ['redhat-release-server = 8.4'] }] },
    // Oracle Linux 7: centos2ol.sh's EL7 names (oracle/centos2ol@2669ed0a: new_releases oraclelinux-release,
    // oraclelinux-release-el7, redhat-release-server; oracle-logos); repo ids from mock-core-configs oraclelinux-7.tpl.
    { id: 'oraclelinux-7', family: 'el7', dist: 'el7', vendor: 'Oracle America',
      osRelease: { NAME: 'Oracle Linux Server', VERSION: '7.9', ID: 'ol', ID_LIKE: 'fedora', VARIANT: 'Server', VARIANT_ID: 'server',
        VERSION_ID: '7.9', PRETTY_NAME: 'Oracle Linux Server 7.9', ANSI_COLOR: '0;31',
        CPE_NAME: 'cpe:/o:oracle:linux:7:9:server', HOME_URL: 'https://linux.oracle.com/' },
      releaseFile: ['oracle-release', 'Oracle Linux Server release 7.9'],
      releaseSrc: { name: 'oraclelinux-release', version: '7.9', release: '1.0.9.el7', arch: 'x86_64' },
      reposPkg: 'oraclelinux-release-el7', logos: 'oracle-logos', repoFile: 'oracle-linux-ol7.repo',
      repos: [{ id: 'ol7_latest', name: 'Oracle Linux $releasever Latest ($basearch)', url: 'https://yum.oracle.com/repo/OracleLinux/OL7/latest/$basearch/' },
        { id: 'ol7_optional_latest', name: 'Oracle Linux $releasever Optional Latest ($basearch)', url: 'https://yum.oracle.com/repo/OracleLinux/OL7/optional/latest/$basearch/' }],
      keyFile: ['/etc/pki/rpm-gpg/RPM-GPG-KEY-oracle', k('oraclelinux/RPM-GPG-KEY-oracle-ol7')],
      extraReleaseBinaries: [{ name: 'redhat-release-server', files: { '/usr/share/doc/redhat-release-server/GPL': 'Oracle redhat-release-server compat\n' },
        provides: ['redhat-release-server = 7.9'] }] },
    // Anolis OS 7.9: os-release as observed on a host (research 2d, ref-51821460252); /etc/anolis-release is the
    // release file (sos policies/distros/anolis.py, research 2d; its one line is lab-made); anolis-release is
    // the release package and os/updates/extras the repos with RPM-GPG-KEY-ANOLIS (mock-core-configs
    // anolis-7.tpl, ../shared/data); repo file AnolisOS-os.repo (research 3d, ref-22303973664). No logos,
    // indexhtml, repos or gpg-keys package is sourced for Anolis 7: the release package carries the repo file and key.
    { id: 'anolis-7', family: 'el7', dist: 'an7', vendor: 'OpenAnolis Community',
      osRelease: { NAME: 'Anolis OS', VERSION: '7.9', ID: 'anolis', ID_LIKE: 'rhel fedora centos', VERSION_ID: '7.9',
        PRETTY_NAME: 'Anolis OS 7.9', ANSI_COLOR: '0;31', HOME_URL: 'https://openanolis.cn/', BUG_REPORT_URL: 'https://bugs.openanolis.cn/',
        CENTOS_MANTISBT_PROJECT: 'CentOS-7', CENTOS_MANTISBT_PROJECT_VERSION: '7', REDHAT_SUPPORT_PRODUCT: 'centos',
        REDHAT_SUPPORT_PRODUCT_VERSION: '7' },
      releaseFile: ['anolis-release', 'Anolis OS release 7.9'],
      releaseSrc: { name: 'anolis-release', version: '7.9', release: '1.an7', arch: 'x86_64' },
      repoFile: 'AnolisOS-os.repo',
      repos: [{ id: 'os', name: 'AnolisOS-7 - os', url: 'http://mirrors.openanolis.cn/anolis/7/os/$basearch/os' },
        { id: 'updates', name: 'AnolisOS-7 - updates', url: 'http://mirrors.openanolis.cn/anolis/7/updates/$basearch/os' },
        { id: 'extras', name: 'AnolisOS-7 - extras', url: 'http://mirrors.openanolis.cn/anolis/7/extras/$basearch/os' }],
      keyFile: ['/etc/pki/rpm-gpg/RPM-GPG-KEY-ANOLIS', k('anolis/RPM-GPG-KEY-ANOLIS')] },
    { id: 'opencloudos-8', family: 'el8', dist: 'oc8', vendor: 'OpenCloudOS',
      osRelease: elRelease('opencloudos', 'OpenCloudOS', '8.6', 'platform:oc8', 'cpe:/o:opencloudos:opencloudos:8', 'https://www.opencloudos.org/'),
      releaseFile: ['opencloudos-release', 'OpenCloudOS release 8.6'],
      releaseSrc: { name: 'opencloudos-release', version: '8.6', release: '1.oc8', arch: 'noarch' },
      reposPkg: 'opencloudos-repos', logos: 'opencloudos-logos', repoFile: 'OpenCloudOS.repo',
      repos: [{ id: 'BaseOS', name: 'OpenCloudOS $releasever - BaseOS', url: 'https://mirrors.opencloudos.tech/opencloudos/$releasever/BaseOS/$basearch/os/' },
        { id: 'AppStream', name: 'OpenCloudOS $releasever - AppStream', url: 'https://mirrors.opencloudos.tech/opencloudos/$releasever/AppStream/$basearch/os/' }],
      keyFile: ['/etc/pki/rpm-gpg/RPM-GPG-KEY-OpenCloudOS', '# synthetic: no OpenCloudOS 8 key in ../shared/data\n'] },
    { id: 'opencloudos-9', family: 'el9', dist: 'ocs9', vendor: 'OpenCloudOS',
      osRelease: elRelease('opencloudos', 'OpenCloudOS Stream', '9', 'platform:ocs9', 'cpe:/o:opencloudos:opencloudos:9', 'https://www.opencloudos.org/'),
      releaseFile: ['opencloudos-release', 'OpenCloudOS release 9'],
      releaseSrc: { name: 'opencloudos-release', version: '9.0', release: '1.ocs9', arch: 'noarch' },
      reposPkg: 'opencloudos-repos', logos: 'opencloudos-logos', repoFile: 'OpenCloudOS-Stream.repo',
      repos: [{ id: 'BaseOS', name: 'OpenCloudOS $releasever - BaseOS', url: 'https://mirrors.opencloudos.tech/opencloudos/$releasever/BaseOS/$basearch/os/' },
        { id: 'AppStream', name: 'OpenCloudOS $releasever - AppStream', url: 'https://mirrors.opencloudos.tech/opencloudos/$releasever/AppStream/$basearch/os/' }],
      keyFile: ['/etc/pki/rpm-gpg/RPM-GPG-KEY-OpenCloudOS-9', k('opencloudos/RPM-GPG-KEY-OpenCloudOS-9')] },
    { id: 'tencentos-3', family: 'el8', dist: 'tl3', vendor: 'Tencent',
      osRelease: elRelease('tencentos', 'TencentOS Server', '3.1 (Final)', 'platform:el8', 'cpe:/o:tencent:tencentos:3', 'https://cloud.tencent.com/product/ts'),
      releaseFile: ['tencentos-release', 'TencentOS Server release 3.1 (Final)'],
      releaseSrc: { name: 'tencentos-release', version: '3.1', release: '1.tl3', arch: 'noarch' },
      logos: 'tencentos-logos', repoFile: 'TencentOS-Base.repo',
      repos: [{ id: 'BaseOS', name: 'TencentOS Server $releasever - BaseOS', url: 'https://mirrors.tencent.com/tlinux/$releasever/BaseOS/$basearch/os/' },
        { id: 'AppStream', name: 'TencentOS Server $releasever - AppStream', url: 'https://mirrors.tencent.com/tlinux/$releasever/AppStream/$basearch/os/' }],
      keyFile: ['/etc/pki/rpm-gpg/RPM-GPG-KEY-TencentOS-3', '# synthetic: no TencentOS key in ../shared/data\n'] },
    { id: 'openeuler-22.03', family: 'oe2203', dist: 'oe2203', vendor: 'openEuler',
      osRelease: { NAME: 'openEuler', VERSION: '22.03 (LTS)', ID: 'openEuler', VERSION_ID: '22.03', PRETTY_NAME: 'openEuler 22.03 (LTS)', ANSI_COLOR: '0;31' },
      releaseFile: ['openEuler-release', 'openEuler release 22.03 (LTS)'],
      releaseSrc: { name: 'openEuler-release', version: '22.03LTS', release: '52.oe2203', arch: 'x86_64' },
      reposPkg: 'openEuler-repos', gpgPkg: 'openEuler-gpg-keys', logos: 'openEuler-logos', repoFile: 'openEuler.repo',
      repos: [{ id: 'OS', name: 'OS', url: 'http://repo.openeuler.org/openEuler-22.03-LTS/OS/$basearch/' },
        { id: 'everything', name: 'everything', url: 'http://repo.openeuler.org/openEuler-22.03-LTS/everything/$basearch/' },
        { id: 'update', name: 'update', url: 'http://repo.openeuler.org/openEuler-22.03-LTS/update/$basearch/' }],
      keyFile: ['/etc/pki/rpm-gpg/RPM-GPG-KEY-openEuler', k('openeuler/RPM-GPG-KEY-openEuler')] },
  ];
}

/** The base versions with the dist tag `re` matches replaced by `dist` (a rebuild of the same sources). */
function retag(b: BaseVersions, re: RegExp, dist: string): BaseVersions {
  return { ...b, ...Object.fromEntries(Object.entries(b).map(([k, x]) => [k, typeof x === 'string' ? x.replace(re, dist) : x])) } as BaseVersions;
}

const SOURCE_IDS = new Set(['centos-7', 'centos-8', 'centos-stream-8']);

function baseFor(v: VendorSpec): BaseVersions {
  // Oracle Linux 7: Oracle's `.0.1` rebuild suffix on a few base packages (synthetic versions, like every target's).
  if (v.id === 'oraclelinux-7') return { ...EL7, basesystem: '10.0-7.0.1.el7', glibc: '2.17-307.0.1.el7.1' };
  // Anolis OS 7: CentOS 7's base rebuilt with the an7 dist tag (synthetic versions, like every target's).
  if (v.id === 'anolis-7') return retag(EL7, /\.el7(\.centos)?/, '.an7');
  if (v.family === 'el7') return EL7;
  if (v.family === 'el9') return v.dist === 'el9' ? EL9 : retag(EL9, /el9$/, v.dist);
  if (v.family === 'oe2203') return OE2203;
  if (v.id === 'centos-8') return EL8;
  // CentOS Stream 8 runs ahead of the rebuilds: its tzdata is newer than Rocky 8's (a downgrade on migration).
  if (v.id === 'centos-stream-8') return el8Target('el8', { tzdata: '2021e-1.el8' });
  // Oracle rebuilds some packages with a `.0.1` release suffix.
  if (v.id === 'oraclelinux-8') return el8Target('el8', { glibc: '2.28-101.0.1.el8', libidn: undefined });
  // TencentOS 3 drops libidn (package missing in a target).
  if (v.id === 'tencentos-3') return { ...el8Target(v.dist), libidn: undefined };
  return el8Target(v.dist, v.id === 'rocky-8' ? { tzdata: '2021a-1.el8' } : {});
}

export function defineDistros(): Map<string, DistroDef> {
  const out = new Map<string, DistroDef>();
  for (const v of vendorSpecs()) {
    const base = baseFor(v);
    const role = SOURCE_IDS.has(v.id) ? 'source' : 'target';
    const sources = [...vendorSources(v), ...baseSources(base, v.vendor), ...shapeSources(role, v.dist, v.vendor)];
    let modulesYaml: string | undefined;
    if (v.family === 'el8') {
      const mod = nodejsModule(v.dist === 'el8' ? 'el8' : v.dist, v.vendor);
      sources.push(...mod.sources);
      modulesYaml = mod.yaml;
    }
    const major = v.osRelease.VERSION_ID.split('.')[0];
    let updateinfoXml: string | undefined;
    if (v.family === 'el8' && role === 'target' && base.lz4 && base.kernel) {
      const lz = vr(base.lz4);
      const kv = vr(base.kernel);
      const prefix = v.id.startsWith('rocky') ? 'RLSA' : v.id.startsWith('alma') ? 'ALSA' : v.id.startsWith('oracle') ? 'ELSA' : 'LABSA';
      updateinfoXml = updateinfo(prefix, v.osRelease.NAME + ' ' + major, {
        lz4: { name: 'lz4-libs', epoch: 0, version: lz.version, release: lz.release, arch: 'x86_64', src: `lz4-${lz.version}-${lz.release}.src.rpm` },
        kernel: { name: 'kernel', epoch: 0, version: kv.version, release: kv.release, arch: 'x86_64', src: `kernel-${kv.version}-${kv.release}.src.rpm` },
      });
    }
    const vendorPackages = sources.filter((s) => s.name === v.releaseSrc.name || s.name === v.logos || s.name === v.indexhtml)
      .flatMap((s) => s.binaries.map((b) => b.name));
    out.set(v.id, {
      id: v.id, name: v.osRelease.NAME, family: v.family, releasever: major,
      ...(v.family === 'oe2203' ? {} : { modulePlatformId: v.osRelease.PLATFORM_ID }),
      vendor: v.vendor, releasePackage: v.releaseSrc.name, vendorPackages, sources, modulesYaml, updateinfoXml,
      hostPackages: ['basesystem', 'bash', 'coreutils', 'openssl', 'tzdata', base.kernelSplit ? 'kernel' : 'kernel',
        ...(base.lz4 ? ['lz4-libs'] : []), ...vendorPackages,
        ...(role === 'source' ? ['lab-legacy-utils', 'lab-bundle', 'lab-orphan'] : ['lab-utils', 'lab-bundle'])],
    });
  }
  return out;
}
