// Every assessment check end to end on lab hosts: a host whose content produces the finding and one
// that does not, each assessed with `ferry assess --root DIR` (local root) and over the real sshd (SSH
// transport with a root prefix). Checks that read only live facts (running kernel, /proc, firmware,
// container markers) are asserted to be silent AND listed as not assessed on roots.
//
// Four lab hosts, each an SSH lab host whose root is also assessed locally:
//  clean   centos-8 without lab-orphan (the package no target carries); unsigned lab packages
//  dirty   centos-8 + glibc.i686 + EPEL + acme-agent; /etc/system-fips; Spacewalk registration and an
//          unregistered rhsm.conf; graphical default target with gdm; root on a 6 GiB tmpfs, /boot on 16 MiB
//  stream  centos-stream-8 (tzdata newer than Rocky 8's) with lab-orphan's rpm header damaged
//  foreign rocky-8 packages from the signed lab repo (all signed), os-release of an unknown distribution
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CHECKS } from '../../src/assess/checks/index.js';
import type { Assessment, Severity, TargetAssessment } from '../../src/assess/types.js';
import { validateAssessment } from '../../src/report/assessment-schema.js';
import { createLab, type Lab, type LabSshHost } from '../lab/lab.js';
import { skipUnlessTools } from '../support/shared.js';
import {
  breakRpmHeader, enableFipsMarker, installSignedRoot, makeGraphical, mountSmallFs, registerSpacewalk, setForeignOsRelease,
} from './checks-fixtures.js';
import { ferry } from './cli.js';

const skip = skipUnlessTools('rpm', 'rpmbuild', 'createrepo_c', 'dnf', 'sshd', 'mount');
const ALL = ['rocky-8', 'almalinux-8', 'opencloudos-8', 'oraclelinux-8'];
type HostName = 'clean' | 'dirty' | 'stream' | 'foreign';
type Mode = 'root' | 'ssh';
const HOST_TARGETS: Record<HostName, string[]> = { clean: ALL, dirty: ALL, stream: ['rocky-8', 'almalinux-8'], foreign: ['rocky-8'] };
/** Sizes of the dirty host's filesystems: above Oracle's 5 GiB /var/cache, below OpenCloudOS's 10 GiB /, /boot below 50 MiB. */
const DIRTY_ROOT_MIB = 6144;
const DIRTY_BOOT_MIB = 16;

let lab: Lab;
let work: string;
let repoDirs: Map<string, string>;
const hosts = {} as Record<HostName, LabSshHost>;
const unmounts: Array<() => void> = [];
// a run killed before `after` must not leave tmpfs mounts behind (each unmount runs once)
process.once('exit', () => { for (const u of [...unmounts].reverse()) { try { u(); } catch { /* already gone */ } } });

before(async () => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), 'ferry-assess-checks-'));
  lab = await createLab();
  const distros = await Promise.all(ALL.map((id) => lab.distro(id)));
  repoDirs = new Map(distros.map((d) => [d.id, d.repoDir]));
  hosts.clean = await lab.sshHost({ from: 'centos-8' });
  hosts.dirty = await lab.sshHost({ from: 'centos-8', extras: ['glibc.i686'], epel: true, noRepoPackage: true });
  hosts.stream = await lab.sshHost({ from: 'centos-stream-8' });
  hosts.foreign = await lab.sshHost({ from: 'rocky-8' });

  const e = hosts.clean.env;
  const rpm = (root: string, ...args: string[]): void => {
    const r = spawnSync('rpm', ['--root', root, ...args], { env: e, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };
  rpm(hosts.clean.root, '-e', '--nodeps', 'lab-orphan');

  const d = hosts.dirty.root;
  unmounts.push(mountSmallFs(d, DIRTY_ROOT_MIB));
  unmounts.push(mountSmallFs(join(d, 'boot'), DIRTY_BOOT_MIB));
  enableFipsMarker(d);
  registerSpacewalk(d);
  makeGraphical(d);

  breakRpmHeader(hosts.stream.root, 'lab-orphan', e);

  const signedRocky = await lab.distro('rocky-8', { signed: true });
  installSignedRoot(hosts.foreign.root, [signedRocky], signedRocky.def.hostPackages, e, work);
  setForeignOsRelease(hosts.foreign.root);
});

after(async () => {
  if (skip) return;
  for (const u of unmounts.reverse()) u();
  await lab.close();
  rmSync(work, { recursive: true, force: true });
});

const reports = new Map<string, Promise<Assessment>>();

async function runAssess(name: HostName, mode: Mode): Promise<Assessment> {
  const h = hosts[name];
  const where = mode === 'root' ? ['--root', h.root]
    : [`ssh://root@127.0.0.1:${h.port}`, '--root', h.root, '--identity', h.privateKeyPath, '--known-hosts', h.knownHostsPath];
  const repos = HOST_TARGETS[name].flatMap((id) => ['--repo', `${id}=${repoDirs.get(id)}`]);
  const r = await ferry(['--json', 'assess', ...where, '--to', HOST_TARGETS[name].join(','), ...repos, '--today', '2024-06-01']);
  assert.equal(r.code, 0, `${name} over ${mode}: exit ${r.code}: ${r.err}\n${r.out.slice(0, 2000)}`);
  const a = JSON.parse(r.out) as Assessment;
  assert.deepEqual(validateAssessment(a), [], 'the report validates against the schema');
  assert.equal(a.host.source, 'root');
  if (mode === 'ssh') assert.match(a.host.origin, /ssh/);
  return a;
}

/** One `ferry assess` per host and mode, shared by every case that reads it. */
function report(name: HostName, mode: Mode): Promise<Assessment> {
  const k = `${name}/${mode}`;
  let p = reports.get(k);
  if (!p) { p = runAssess(name, mode); reports.set(k, p); }
  return p;
}

function targetOf(a: Assessment, id: string): TargetAssessment {
  const t = a.targets.find((x) => x.target === id);
  assert.ok(t, `no target ${id} in the report`);
  return t;
}

interface Found { host: HostName; target: string; key: string; severity: Severity; inhibitor: boolean; names: RegExp }
interface Silent { host: HostName; targets: string[]; notAssessed?: RegExp }
interface Row { check: string; found: Found[]; silent: Silent[] }

/** Checks that read only facts of a running system: on roots they are silent and say why. */
const LIVE_ONLY: Record<string, RegExp> = {
  container: /^no container evidence .*: offline root$/,
  'low-memory': /^no memory size \(\/proc\/meminfo\): offline root$/,
  'secure-boot': /^no firmware facts .*: offline root$/,
  'kernel-modules': /\/proc\/modules\) exist only on a running host; these facts come from an offline root/,
  'kernel-not-latest': /no running kernel \(uname -r\) in facts from an offline root/,
};

/** Checks whose finding a lab root cannot show (it is x86_64 and no package list), with the file that shows it. */
const FOUND_ELSEWHERE: Record<string, string> = {
  'arch-mismatch': 'assess-package-lists.test.ts: an aarch64 package list against the x86_64 repository',
  'erased-packages': 'predict-transaction.test.ts: the third-party packages dnf erases on the lab paths (acme-branding, acme-legacy-ssl), one finding each',
  'package-list': 'assess-package-lists.test.ts: a plain rpm -qa list, a list naming a package twice',
  'rpmdb-conversion': 'migrate-cross-major.test.ts: a CentOS 8 root whose rpm database is Berkeley DB, planned to rocky-9 and almalinux-9',
  'third-party-sonames': 'assess-sonames.test.ts: a third-party package needing libssl.so.1.1 and libidn.so.11 against rocky-9',
};

const ROWS: Row[] = [
  ...Object.keys(FOUND_ELSEWHERE).map((check): Row => ({ check, found: [], silent: [{ host: 'clean', targets: ALL }, { host: 'dirty', targets: ALL }] })),
  { check: 'unknown-source',
    found: [{ host: 'foreign', target: 'rocky-8', key: 'unknown-source', severity: 'high', inhibitor: true, names: /Ferry Lab Linux 1 \(ID=ferrylab, VERSION_ID=1\)/ }],
    silent: [{ host: 'clean', targets: ALL }] },
  { check: 'unsupported-path',
    // the catalog records centos-stream-8 → rocky-8 (migrate2rocky) and no path to almalinux-8
    found: [{ host: 'stream', target: 'almalinux-8', key: 'unsupported-path', severity: 'high', inhibitor: true, names: /from centos-stream-8 to almalinux-8.*Recorded targets from centos-stream-8: rocky-8/ }],
    silent: [{ host: 'stream', targets: ['rocky-8'] }, { host: 'clean', targets: ALL }] },
  { check: 'rpmdb',
    found: [{ host: 'stream', target: 'rocky-8', key: 'rpmdb', severity: 'high', inhibitor: true, names: /rpmdbNextIterator: skipping h#/ }],
    silent: [{ host: 'clean', targets: ALL }, { host: 'dirty', targets: ALL }] },
  { check: 'management-agents',
    found: [
      { host: 'dirty', target: 'rocky-8', key: 'management-agents:spacewalk', severity: 'high', inhibitor: true, names: /\/etc\/sysconfig\/rhn\/up2date, \/etc\/sysconfig\/rhn\/systemid/ },
      { host: 'dirty', target: 'rocky-8', key: 'management-agents:rhsm', severity: 'low', inhibitor: false, names: /\/etc\/rhsm\/rhsm.conf.*not registered/ },
    ],
    silent: [{ host: 'clean', targets: ALL }] },
  { check: 'low-disk',
    // rocky-8: migrate2rocky's dir_space_map (/boot 50 MiB); almalinux-8: the same as the default;
    // opencloudos-8: 10 GB free on / (tencent centos8-to-oc8); oraclelinux-8: 5 GB in /var/cache (centos2ol)
    found: [
      { host: 'dirty', target: 'rocky-8', key: 'low-disk:/boot', severity: 'high', inhibitor: true, names: /\/boot is on \/boot .* with 1\d MiB free; 50 MiB is needed, per the documented need/ },
      { host: 'dirty', target: 'almalinux-8', key: 'low-disk:/boot', severity: 'high', inhibitor: true, names: /50 MiB is needed, per a default/ },
      { host: 'dirty', target: 'opencloudos-8', key: 'low-disk:/', severity: 'high', inhibitor: true, names: /\/ is on \/ .* with 6\d{3} MiB free; 10240 MiB is needed/ },
    ],
    silent: [{ host: 'dirty', targets: ['oraclelinux-8'] }, { host: 'clean', targets: ALL }] },
  { check: 'fips',
    found: [{ host: 'dirty', target: 'rocky-8', key: 'fips', severity: 'high', inhibitor: false, names: /runs in FIPS mode/ }],
    silent: [{ host: 'clean', targets: ALL, notAssessed: /^FIPS mode could not be read from an offline root: .*no \/etc\/system-fips marker$/ }] },
  { check: 'gui',
    found: [{ host: 'dirty', target: 'rocky-8', key: 'gui', severity: 'medium', inhibitor: false, names: /default target graphical\.target, display manager gdm/ }],
    silent: [{ host: 'clean', targets: ALL }] },
  { check: 'i686-packages',
    found: [{ host: 'dirty', target: 'rocky-8', key: 'i686-packages', severity: 'low', inhibitor: false, names: /glibc-2\.28-101\.el8\.i686.*rocky-8 carries the multilib set/ }],
    silent: [{ host: 'clean', targets: ALL }] },
  { check: 'missing-packages',
    found: [{ host: 'dirty', target: 'rocky-8', key: 'missing-packages', severity: 'medium', inhibitor: false, names: /No package in rocky-8's repositories takes the place of: lab-orphan-0\.9-1\.el8\.noarch\./ }],
    silent: [{ host: 'clean', targets: ['rocky-8', 'almalinux-8', 'oraclelinux-8'] }] },
  { check: 'downgrades',
    found: [{ host: 'stream', target: 'rocky-8', key: 'downgrades', severity: 'medium', inhibitor: false, names: /tzdata-2021e-1\.el8\.noarch → tzdata-2021a-1\.el8\.noarch/ }],
    silent: [{ host: 'clean', targets: ALL }] },
  { check: 'third-party-packages',
    found: [{ host: 'dirty', target: 'rocky-8', key: 'third-party-packages', severity: 'low', inhibitor: false, names: /acme-agent-1\.4\.2-1\.x86_64.*htop-3\.2\.1-1\.el8\.x86_64/ }],
    silent: [{ host: 'clean', targets: ALL }] },
  { check: 'unsigned-packages',
    found: [{ host: 'clean', target: 'rocky-8', key: 'unsigned-packages', severity: 'medium', inhibitor: false, names: /Installed without a signature .*bash-/ }],
    silent: [{ host: 'foreign', targets: ['rocky-8'] }] },
  ...Object.entries(LIVE_ONLY).map(([check, why]): Row => ({
    check, found: [], silent: [{ host: 'clean', targets: ALL, notAssessed: why }, { host: 'dirty', targets: ALL, notAssessed: why }],
  })),
];

test('every check has a row: a finding case, or is live-only and said to be not assessed on roots, or found in another file', () => {
  assert.deepEqual(ROWS.map((r) => r.check).sort(), CHECKS.map((c) => c.id).sort());
  for (const r of ROWS) assert.ok(r.found.length > 0 || r.check in LIVE_ONLY || r.check in FOUND_ELSEWHERE, `${r.check} has no finding case`);
});

test('the test machine has room for the clean host\'s no-finding low-disk case', { skip }, () => {
  // the clean host lives on the machine's disk: OpenCloudOS 8 needs 10 GB free on / (the largest need)
  const fs = statfsSync(hosts.clean.root);
  const freeMiB = Math.floor((fs.bavail * fs.bsize) / 1048576);
  assert.ok(freeMiB >= 10240, `only ${freeMiB} MiB free under ${hosts.clean.root}; the clean host would be short of disk`);
});

for (const mode of ['root', 'ssh'] as const) {
  for (const row of ROWS) {
    if (row.found.length > 0) {
      const on = [...new Set(row.found.map((f) => `${f.host} ${f.target}`))].join(', ');
      test(`${row.check} over ${mode}: finding (${on})`, { skip }, async () => {
        for (const f of row.found) {
          const t = targetOf(await report(f.host, mode), f.target);
          const got = t.findings.find((x) => x.key === f.key);
          assert.ok(got, `${f.host} → ${f.target}: no ${f.key} in ${t.findings.map((x) => x.key).join(', ')}`);
          assert.equal(got.check, row.check);
          assert.equal(got.severity, f.severity, `${f.key} severity`);
          assert.equal(got.groups.includes('inhibitor'), f.inhibitor, `${f.key} inhibitor group`);
          assert.equal(t.inhibitors.includes(f.key), f.inhibitor, `${f.key} in the target's inhibitors`);
          assert.match(`${got.title} ${got.summary}`, f.names);
          assert.ok(!(t.notAssessed ?? []).some((n) => n.check === row.check), `${row.check} both found and not assessed`);
        }
      });
    }
    const on = row.silent.map((s) => `${s.host} ${s.targets.length === ALL.length ? 'all targets' : s.targets.join('+')}`).join(', ');
    test(`${row.check} over ${mode}: no finding${row.silent.some((s) => s.notAssessed) ? ', said to be not assessed' : ''} (${on})`, { skip }, async () => {
      for (const s of row.silent) {
        const a = await report(s.host, mode);
        for (const id of s.targets) {
          const t = targetOf(a, id);
          const got = t.findings.filter((x) => x.check === row.check);
          assert.deepEqual(got.map((x) => x.key), [], `${s.host} → ${id}: ${got.map((x) => x.summary).join(' | ')}`);
          const na = (t.notAssessed ?? []).find((n) => n.check === row.check);
          if (s.notAssessed) {
            assert.ok(na, `${s.host} → ${id}: ${row.check} is silent but not listed as not assessed`);
            assert.match(na.reason, s.notAssessed);
          } else {
            assert.equal(na, undefined, `${s.host} → ${id}: ${row.check} was not assessed: ${na?.reason}`);
          }
        }
      }
    });
  }
}

test('local root and SSH give the same findings and the same not-assessed list per host and target', { skip }, async () => {
  for (const name of Object.keys(HOST_TARGETS) as HostName[]) {
    const [l, s] = await Promise.all([report(name, 'root'), report(name, 'ssh')]);
    for (const id of HOST_TARGETS[name]) {
      const keys = (a: Assessment): string[] => targetOf(a, id).findings.map((f) => `${f.key} ${f.severity}`).sort();
      assert.deepEqual(keys(s), keys(l), `${name} → ${id}: findings`);
      assert.deepEqual(targetOf(s, id).notAssessed, targetOf(l, id).notAssessed, `${name} → ${id}: not assessed`);
    }
  }
});
