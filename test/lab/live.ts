// A LIVE lab host: a lab root made to look like a running CentOS host with Linux namespaces, so that
// Ferry's facts script runs in its genuine live mode (no root prefix) — over a real sshd inside the
// namespace, or locally with `exec` (nsenter into the same namespace and chroot).
//
// How it is built (one `unshare --mount --pid --fork --propagation private` per host, as root):
// - the new root is a tmpfs; /usr is the machine's /usr (read-only bind), /bin /sbin /lib /lib64 are
//   symlinks into it as on EL8; /dev and /sys are recursive binds; /tmp /run /var /root are fresh;
// - /etc: one symlink per entry of the machine's /etc (bound read-only at /.lab/etc), except that every
//   entry of the lab root's /etc (os-release, redhat/centos/system-release, yum.repos.d, dnf, pki, issue
//   …) wins, but passwd/group/hosts and the other files sshd and the dynamic linker need stay the machine's;
//   /usr/lib/os-release is the lab's too; /var/lib/rpm and /boot are binds of the lab root's;
// - /proc: a fresh procfs of the new pid namespace is mounted at /.lab/proc and /proc is a tmpfs of
//   symlinks into it, with the spec's files in place of the real ones (meminfo, modules, sys/kernel/tainted,
//   sys/crypto/fips_enabled). A symlink farm rather than file binds because a kernel without modules or
//   FIPS support (this machine's) has no /proc/modules or /proc/sys/crypto to bind over, and procfs cannot
//   create them. Only pid 1 and `self`/`thread-self` are linked: later pids are not listed in /proc;
// - /sys/firmware is replaced by a crafted dir: `efi/efivars/SecureBoot-8be4df61-…` (4 attribute bytes and
//   the value byte, as efivarfs shows it) for UEFI, nothing for BIOS;
// - `/.dockerenv` exists only when the spec asks; pid 1 of the namespace is the setup shell, whose
//   environment has no `container=`, and /run/systemd/container does not exist;
// - LAB SIMULATION: namespaces cannot change the kernel release, so a shim bound over /usr/bin/uname prints
//   the spec's release for exactly `uname -r` and runs the real uname otherwise (`uname -a` shows the
//   machine's release).
// A cgroup namespace too, so /proc/1/cgroup reads `/` as on a host's pid 1, not the machine's container path.
// - /etc/ssh is the host's own, writable: sshd_config (the one the inner sshd started with) and nothing else, so
//   `sshd -T` inside reads the host's effective configuration and a test may edit it (the running sshd keeps its own);
// - LAB SIMULATION of systemd: nothing runs systemd in a lab host, so a shim bound over /usr/bin/systemctl prints
//   /run/ferry-lab/units for `systemctl list-units` (UNIT LOAD ACTIVE SUB DESCRIPTION lines, as systemd prints them
//   with --plain --no-legend; a test writes them) and runs the real systemctl otherwise (list-unit-files reads the
//   unit files themselves, without a running systemd);
// - with `network`, its own network namespace (`ip netns add`), joined to the machine by a veth pair on a /30 of
//   10.213.0.0/16: the interface inside is named as the spec says, and sshd listens on its address (LiveHost.host),
//   so a test can rename the interface (`ip -n NETNS link set … name …`) while SSH goes on working. Removed by stop().
// - with `writable`, a host that dnf and rpm can change without touching the machine: /usr is an overlay (the
//   machine's /usr below, a tmpfs of the namespace above), /etc holds copies of the lab root's entries rather than
//   symlinks (rpm replaces a file by rename, which a symlinked or bind-mounted /etc entry defeats), /boot is a
//   writable copy of the lab root's, and /etc/rpm/macros.ferry-lab sets what EL's rpm has built in: %_dbpath
//   /var/lib/rpm (Debian's rpm defaults to ~/.rpmdb). LAB SIMULATION: the lab's packages carry text stubs for
//   bash, coreutils and glibc, which must not replace the machine's real binaries under the host's sshd and
//   shell, so %_netsharedpath lists those paths (rpm records them as not installed, as for a network-shared
//   /usr) together with the machine's passwd/group/hosts; everything else a package ships is written for real.
// Teardown: pid 1 waits on its stdin; closing it (stop()) or the test process dying ends pid 1, which kills
// every process of the pid namespace and releases the mount namespace. `unshare --kill-child` covers a
// killed unshare. Nothing is mounted in the machine's own mount namespace.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabHost } from './lab.js';
import { freePort, generateKeyPair } from './sshd.js';

export const SECURE_BOOT_VAR = 'SecureBoot-8be4df61-93ca-11d2-aa0d-e98c2a2d8cb5';

export interface LiveSpec {
  /** What `uname -r` prints inside (lab simulation, see above). */
  kernelRelease: string;
  /** /proc/meminfo: the machine's, with MemTotal, MemFree and MemAvailable replaced. */
  memory: { totalKiB: number; availableKiB: number };
  /** /proc/modules lines; omitted: the machine's file when it has one, else none. */
  modules?: string[];
  /** /proc/sys/kernel/tainted; default 0. */
  tainted?: number;
  /** /proc/sys/crypto/fips_enabled is 1 when true, 0 when false. */
  fips: boolean;
  firmware: 'bios' | 'uefi' | 'uefi-secure-boot';
  /** Create /.dockerenv in the new root. */
  dockerenv?: boolean;
  /** Machine paths bound read-only at the same path inside (the project, the lab cache for --repo dirs). */
  binds?: string[];
  /** An own network namespace with one veth interface of this name (see above); default: the machine's network. */
  network?: { interface: string };
  /** A host dnf and rpm can change (see "writable" above): /usr an overlay, /etc and /boot the host's own copies. */
  writable?: boolean;
}

export interface LiveExecResult { code: number | null; stdout: string; stderr: string }

export interface LiveHost {
  /** pid of the namespace's pid 1, as the machine sees it. */
  initPid: number;
  /** 127.0.0.1, or the address inside its own network namespace. */
  host: string;
  /** The network namespace's name (`ip -n NAME …`), with `network`. */
  netns?: string;
  port: number;
  user: 'root';
  privateKeyPath: string;
  knownHostsPath: string;
  /** Runs argv inside the namespace and new root (the "local" case), with a minimal environment plus `env`. */
  exec(argv: string[], opts?: { env?: Record<string, string>; cwd?: string; timeoutMs?: number }): Promise<LiveExecResult>;
  /** The setup and sshd log (stderr of pid 1). */
  log(): string;
  /** Starts a TCP listener on `port` (all addresses) inside, as a process of the host; stop() ends that process. */
  listen(port: number): Promise<{ pid: number; stop(): Promise<void> }>;
  stop(): Promise<void>;
}

/** Entries of the lab root's /etc that stay the machine's: sshd, logins and the dynamic linker need them. */
const KEEP_MACHINE_ETC = ['passwd', 'group', 'shadow', 'gshadow', 'hosts', 'nsswitch.conf', 'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d',
  'alternatives', 'ssh', 'localtime', 'resolv.conf', 'rpm'];

/** rpm macros of a writable live host (see above). */
const WRITABLE_MACROS = ['%_dbpath /var/lib/rpm',
  `%_netsharedpath ${['/usr/bin', '/usr/sbin', '/usr/lib64', '/usr/lib/libc.so.6', '/usr/lib/ld-linux.so.2', '/etc/passwd', '/etc/group', '/etc/hosts'].join(':')}`];

const BASE_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C' };

const INIT = join(import.meta.dirname, 'live-init.sh');

function meminfo(spec: LiveSpec['memory']): string {
  const base = existsSync('/proc/meminfo') ? readFileSync('/proc/meminfo', 'utf8') : 'MemTotal: 0 kB\nMemFree: 0 kB\nMemAvailable: 0 kB\n';
  const set = (text: string, key: string, kib: number): string =>
    text.replace(new RegExp(`^${key}:\\s+\\d+ kB$`, 'm'), `${key}:${String(kib).padStart(16 - key.length + 8)} kB`);
  return set(set(set(base, 'MemTotal', spec.totalKiB), 'MemFree', spec.availableKiB), 'MemAvailable', spec.availableKiB);
}

/** A shim for /usr/bin/NAME in the stage dir: `lines`, then the real NAME (copied beside it) for everything else. */
function shim(stageDir: string, name: string, lines: string[]): void {
  copyFileSync(`/usr/bin/${name}`, join(stageDir, `${name}.real`));
  writeFileSync(join(stageDir, name), ['#!/bin/sh', ...lines, `exec /.lab/stage/${name}.real "$@"`, ''].join('\n'));
  chmodSync(join(stageDir, name), 0o755);
}

/** Writes the stage dir: crafted /proc and /sys/firmware files, the uname shim, sshd config and keys. */
function stage(dir: string, spec: LiveSpec, port: number, publicKey: string, address: string): void {
  mkdirSync(join(dir, 'root'));
  const proc = join(dir, 'proc');
  mkdirSync(join(proc, 'sys', 'kernel'), { recursive: true });
  mkdirSync(join(proc, 'sys', 'crypto'), { recursive: true });
  writeFileSync(join(proc, 'meminfo'), meminfo(spec.memory));
  if (spec.modules) writeFileSync(join(proc, 'modules'), spec.modules.map((l) => `${l}\n`).join(''));
  writeFileSync(join(proc, 'sys', 'kernel', 'tainted'), `${spec.tainted ?? 0}\n`);
  writeFileSync(join(proc, 'sys', 'crypto', 'fips_enabled'), spec.fips ? '1\n' : '0\n');
  const fw = join(dir, 'firmware');
  mkdirSync(fw);
  if (spec.firmware !== 'bios') {
    mkdirSync(join(fw, 'efi', 'efivars'), { recursive: true });
    // efivarfs: a little-endian u32 of attributes (NV|BS|RT = 0x07 is not set for SecureBoot: BS|RT = 0x06), then the value
    writeFileSync(join(fw, 'efi', 'efivars', SECURE_BOOT_VAR), Buffer.from([6, 0, 0, 0, spec.firmware === 'uefi-secure-boot' ? 1 : 0]));
  }
  if (spec.dockerenv) writeFileSync(join(dir, 'dockerenv'), '');
  if (spec.writable) writeFileSync(join(dir, 'writable'), `${WRITABLE_MACROS.join('\n')}\n`);
  writeFileSync(join(dir, 'binds'), (spec.binds ?? []).map((b) => `${b}\n`).join(''));
  writeFileSync(join(dir, 'keep-etc'), KEEP_MACHINE_ETC.map((n) => `${n}\n`).join(''));
  const st = join(dir, 'stage');
  mkdirSync(join(st, 'sshd'), { recursive: true });
  writeFileSync(join(st, 'kernel-release'), `${spec.kernelRelease}\n`);
  shim(st, 'uname', [
    '# Ferry lab simulation: namespaces cannot change the kernel release; `uname -r` reports the lab host\'s.',
    'if [ "$#" -eq 1 ] && [ "$1" = -r ]; then cat /.lab/stage/kernel-release; exit 0; fi']);
  if (existsSync('/usr/bin/systemctl')) {
    shim(st, 'systemctl', [
      '# Ferry lab simulation: no systemd runs in a lab host; list-units prints /run/ferry-lab/units (see test/lab/live.ts).',
      'for a in "$@"; do [ "$a" = list-units ] && { cat /run/ferry-lab/units 2>/dev/null; exit 0; }; done']);
  }
  const hostKey = join(st, 'sshd', 'ssh_host_ed25519_key');
  const kg = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ferry-live-host', '-f', hostKey], { encoding: 'utf8' });
  if (kg.status !== 0) throw new Error(`ssh-keygen failed: ${kg.stderr}`);
  writeFileSync(join(st, 'sshd', 'authorized_keys'), `${publicKey}\n`);
  const inside = '/.lab/stage/sshd';
  const sshdConfig = [
    `Port ${port}`, `ListenAddress ${address}`, `HostKey ${inside}/ssh_host_ed25519_key`, 'PidFile none',
    `AuthorizedKeysFile ${inside}/authorized_keys`, 'PermitRootLogin prohibit-password', 'PubkeyAuthentication yes',
    'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'StrictModes no', 'UsePAM no', 'PrintMotd no',
    'Subsystem sftp internal-sftp', 'LogLevel INFO', ''].join('\n');
  writeFileSync(join(st, 'sshd', 'sshd_config'), sshdConfig);
  mkdirSync(join(dir, 'etc-ssh'), { mode: 0o755 });
  writeFileSync(join(dir, 'etc-ssh', 'sshd_config'), sshdConfig, { mode: 0o600 });
  const pub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/);
  writeFileSync(join(dir, 'known_hosts'), `[${address}]:${port} ${pub[0]} ${pub[1]}\n`);
}

/** Live hosts not stopped yet: pid 1's unshare, the stage dir and the network namespace, cleaned up at process exit too. */
const running = new Map<ChildProcess, { dir: string; netns?: string }>();

/** A network namespace with a veth pair on a random /30 of 10.213.0.0/16: the inner end named `inner`, with lo up. */
function createNetns(name: string, inner: string): string {
  const a = Math.floor(Math.random() * 256);
  const b = Math.floor(Math.random() * 64) * 4;
  const outer = `fl${name.slice(-8)}`;
  const steps = [
    ['netns', 'add', name], ['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner, 'netns', name],
    ['addr', 'add', `10.213.${a}.${b + 1}/30`, 'dev', outer], ['link', 'set', outer, 'up'],
    ['-n', name, 'addr', 'add', `10.213.${a}.${b + 2}/30`, 'dev', inner], ['-n', name, 'link', 'set', inner, 'up'], ['-n', name, 'link', 'set', 'lo', 'up'],
  ];
  for (const argv of steps) {
    const r = spawnSync('ip', argv, { encoding: 'utf8' });
    if (r.status !== 0) {
      deleteNetns(name);
      throw new Error(`live host: ip ${argv.join(' ')}: ${r.stderr}`);
    }
  }
  return `10.213.${a}.${b + 2}`;
}

/** Removes the namespace (its veth pair goes with it). */
function deleteNetns(name: string): void {
  spawnSync('ip', ['netns', 'del', name]);
}
let exitHook = false;

function waitFor(child: ChildProcess, log: string[], pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolveMatch, reject) => {
    const timer = setTimeout(() => done(new Error(`live host: no ${pattern} within ${timeoutMs} ms:\n${log.join('')}`)), timeoutMs);
    const check = (): void => { const m = pattern.exec(log.join('')); if (m) done(undefined, m); };
    const onExit = (code: number | null): void => done(new Error(`live host setup exited (${code}):\n${log.join('')}`));
    function done(err?: Error, m?: RegExpExecArray): void {
      clearTimeout(timer);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
      if (err) reject(err); else resolveMatch(m as RegExpExecArray);
    }
    child.stderr?.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

/**
 * Starts `host` as a live host described by `spec`. Requires root, util-linux unshare/nsenter and sshd.
 * Resolves once sshd inside listens; a port taken between probing and binding (the only race) is retried.
 */
export async function startLiveHost(host: LabHost, spec: LiveSpec): Promise<LiveHost> {
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(host, spec);
    } catch (err) {
      lastErr = err;
      if (!/Address already in use|Cannot bind/.test(String(err))) break;
    }
  }
  throw lastErr;
}

async function startOnce(host: LabHost, spec: LiveSpec): Promise<LiveHost> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-live-'));
  const key = generateKeyPair(join(dir, 'client'), 'id_ed25519');
  const port = await freePort();
  const netns = spec.network ? `ferry-${dir.slice(-6).replace(/[^A-Za-z0-9]/g, 'x')}` : undefined;
  const address = netns && spec.network ? createNetns(netns, spec.network.interface) : '127.0.0.1';
  stage(dir, spec, port, key.publicKey, address);
  const unshare = ['unshare', '--mount', '--pid', '--cgroup', '--fork', '--propagation', 'private', '--kill-child', '--', 'bash', INIT, dir, host.root];
  const argv = netns ? ['ip', 'netns', 'exec', netns, ...unshare] : unshare;
  const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'ignore', 'pipe'], env: BASE_ENV });
  running.set(child, { dir, ...(netns ? { netns } : {}) });
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const [c, r] of running) {
        try { c.kill('SIGKILL'); } catch { /* gone */ }
        rmSync(r.dir, { recursive: true, force: true });
        if (r.netns) deleteNetns(r.netns);
      }
    });
  }
  const log: string[] = [];
  child.stderr.on('data', (c: Buffer) => { log.push(c.toString('utf8')); });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((done) => {
      running.delete(child);
      const finish = (): void => { rmSync(dir, { recursive: true, force: true }); if (netns) deleteNetns(netns); done(); };
      if (child.exitCode !== null || child.signalCode !== null) { finish(); return; }
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => { clearTimeout(timer); finish(); });
      child.stdin?.end();
    });
    return stopped;
  };
  try {
    const m = await waitFor(child, log, /init-pid=(\d+)/, 10_000);
    const sshd = await waitFor(child, log, new RegExp(`Server listening on ${address.replace(/\./g, '\\.')} port \\d+|Cannot bind any address|Address already in use`), 15_000);
    if (!sshd[0].startsWith('Server listening')) throw new Error(`live host: sshd could not listen on ${port}:\n${log.join('')}`);
    const initPid = Number(m[1]);
    const exec: LiveHost['exec'] = (argv, opts = {}) => new Promise((resolveRun, reject) => {
      const env = { ...BASE_ENV, ...(opts.env ?? {}) };
      // pid 1 itself is not chrooted (the new root is its mount point), so the command chroots after nsenter
      const p = spawn('nsenter', ['--target', String(initPid), '--mount', '--pid', '--cgroup', ...(netns ? ['--net'] : []), '--', 'chroot', join(dir, 'root'),
        '/usr/bin/env', '-i', '-C', opts.cwd ?? '/', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv],
      { stdio: ['ignore', 'pipe', 'pipe'], env: BASE_ENV });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
      p.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
      p.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
      p.on('error', reject);
      p.on('close', (code) => { clearTimeout(timer); resolveRun({ code, stdout, stderr }); });
    });
    const listen: LiveHost['listen'] = async (listenPort) => {
      // a node process of the host's pid namespace, detached from exec's pipes; it prints its pid (as the namespace sees it) once listening
      const r = await exec(['sh', '-c', 'setsid /usr/bin/node -e "$1" "$2" </dev/null >/tmp/ferry-listen.$2 2>&1 & for i in $(seq 100); do [ -s /tmp/ferry-listen.$2 ] && break; sleep 0.05; done; cat /tmp/ferry-listen.$2',
        'sh', 'require("net").createServer().listen(Number(process.argv[1]), () => console.log(process.pid))', String(listenPort)]);
      const pid = Number(r.stdout.trim());
      if (r.code !== 0 || !Number.isInteger(pid) || pid <= 0) throw new Error(`live host: no listener on ${listenPort}: ${r.stdout}${r.stderr}`);
      return { pid, stop: async () => { await exec(['kill', String(pid)]); } };
    };
    return { initPid, host: address, ...(netns ? { netns } : {}), port, user: 'root', privateKeyPath: key.privateKeyPath, knownHostsPath: join(dir, 'known_hosts'),
      exec, log: () => log.join(''), listen, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
