// The live lab host (live.ts): inside the namespace and over its sshd the lab root looks like a running
// CentOS 8 host with the spec's kernel release, memory, modules, taint, FIPS, firmware and container marks;
// the machine itself is left as it was, and stop() leaves no process, mount or file behind.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { createLab, type Lab, type LabHost } from './lab.js';
import { SECURE_BOOT_VAR, startLiveHost, type LiveHost } from './live.js';
import { sshArgs } from './sshd.js';
import { skipUnlessTools } from '../support/shared.js';

const skip = process.getuid?.() !== 0 ? 'needs root (unshare, mount)' : skipUnlessTools('rpm', 'rpmbuild', 'createrepo_c', 'dnf', 'sshd', 'unshare', 'nsenter', 'systemd-detect-virt');

let lab: Lab;
let host: LabHost;
let live: LiveHost;
let machineBefore: Record<string, string>;
const mounts = (): string => readFileSync('/proc/self/mountinfo', 'utf8');
const read = (p: string): string => (existsSync(p) ? readFileSync(p, 'utf8') : '(absent)');
/** What the live host fakes, as the machine sees it. */
const machine = (): Record<string, string> => ({
  memTotal: read('/proc/meminfo').split('\n')[0], modules: read('/proc/modules'), tainted: read('/proc/sys/kernel/tainted'),
  fips: read('/proc/sys/crypto/fips_enabled'), firmware: readdirSync('/sys/firmware').join(','), dockerenv: String(existsSync('/.dockerenv')),
  uname: spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim(), osRelease: read('/etc/os-release'),
});

before(async () => {
  if (skip) return;
  machineBefore = machine();
  lab = await createLab();
  host = await lab.host({ from: 'centos-8' });
  live = await startLiveHost(host, {
    kernelRelease: '4.18.0-80.el8.x86_64', memory: { totalKiB: 1_000_000, availableKiB: 600_000 },
    modules: ['acme_net 16384 0 - Live 0x0000000000000000 (OE)'], tainted: 12288, fips: true, firmware: 'uefi-secure-boot',
  });
});

after(async () => {
  if (skip) return;
  await live?.stop();
  await lab?.close();
});

test('inside the namespace the lab root is a running CentOS 8 with the spec\'s kernel facts', { skip }, async () => {
  const script = [
    'uname -r', 'uname -m', '. /etc/os-release; echo "$ID $VERSION_ID"', 'cat /etc/redhat-release', 'grep -E "^Mem(Total|Available):" /proc/meminfo',
    'cat /proc/modules /proc/sys/kernel/tainted /proc/sys/crypto/fips_enabled', `od -An -tu1 /sys/firmware/efi/efivars/${SECURE_BOOT_VAR}`,
    'test -e /.dockerenv && echo dockerenv', 'systemd-detect-virt -c || true', 'rpm --dbpath /var/lib/rpm -q centos-release', 'ls /etc/yum.repos.d',
  ].join('\n');
  const r = await live.exec(['sh', '-c', script]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => l.trim().replace(/\s+/g, ' '));
  assert.deepEqual(lines.slice(0, 12), [
    '4.18.0-80.el8.x86_64', spawnSync('uname', ['-m'], { encoding: 'utf8' }).stdout.trim(), 'centos 8', 'CentOS Linux release 8.2.2004 (Core)',
    'MemTotal: 1000000 kB', 'MemAvailable: 600000 kB', 'acme_net 16384 0 - Live 0x0000000000000000 (OE)', '12288', '1', '6 0 0 0 1',
    // /.dockerenv absent, no container= in pid 1's environment, a fresh /run: systemd-detect-virt sees no container
    'none', 'centos-release-8.2-2.2004.0.1.el8.x86_64',
  ]);
  assert.ok(lines.some((l) => l.endsWith('.repo')), lines.join('\n'));
  // own cgroup namespace: pid 1 sits at the root of every hierarchy, as on a host (no docker/… path)
  const cg = await live.exec(['cat', '/proc/1/cgroup']);
  assert.equal(cg.code, 0, cg.stderr);
  for (const l of cg.stdout.trim().split('\n')) assert.match(l, /^\d+:[^:]*:\/$/);
});

test('the sshd inside logs in to the same root (OpenSSH client, no root prefix)', { skip }, () => {
  const r = spawnSync('ssh', [...sshArgs(live, live), 'uname -r; cat /etc/centos-release; cat /proc/sys/crypto/fips_enabled'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['4.18.0-80.el8.x86_64', 'CentOS Linux release 8.2.2004 (Core)', '1']);
});

test('the machine is untouched, and stop() removes every process, mount and file', { skip }, async () => {
  assert.deepEqual(machine(), machineBefore, 'the machine\'s own files, while the live host runs');
  assert.equal(machineBefore.uname, release());
  assert.doesNotMatch(mounts(), /ferry-live/, 'no mount of the namespace is visible on the machine');
  const stageDir = live.knownHostsPath.replace(/\/known_hosts$/, '');
  assert.ok(existsSync(stageDir));
  assert.ok(existsSync(`/proc/${live.initPid}`), 'pid 1 of the namespace runs');
  await live.stop();
  assert.equal(existsSync(`/proc/${live.initPid}`), false, 'pid 1 of the namespace is gone');
  assert.equal(existsSync(stageDir), false, 'the stage dir is removed');
  assert.doesNotMatch(mounts(), /ferry-live/);
  assert.deepEqual(machine(), machineBefore, 'the machine\'s own files, after stop()');
  const r = spawnSync('ssh', [...sshArgs(live, live), 'true'], { encoding: 'utf8', timeout: 20_000 });
  assert.notEqual(r.status, 0, 'sshd died with the namespace');
});
