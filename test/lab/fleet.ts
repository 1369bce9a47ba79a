// A lab fleet: N real SSH hosts, each its own sshd on its own loopback address (127.0.1.x, Linux routes
// all of 127/8 to lo) in front of its own copy of a lab root, written as a real Ansible INI inventory.
//
// Contract of `createLabFleet(lab, {size})` (size >= 12, default 50):
// - Hosts are named web01…, db01…; ~70 % CentOS 8, ~20 % CentOS Stream 8, ~10 % CentOS 7, with glibc.i686,
//   the EPEL-like repo and the no-repo third-party package `acme-agent` spread over them (see `shapeOf`).
//   One root is built per shape with `lab.host()` (cached as a template) and every host gets its own
//   `cp -a` of it, so the rpmdb each migration writes is private to that host.
// - One client key, one known_hosts file (`[127.0.1.N]:port key` lines), authorized_keys giving the session
//   a fleet HOME whose `.rpmmacros` points rpm at `%_dbpath /var/lib/rpm` (Debian's rpm default is ~/.rpmdb).
// - Every host's root is its inventory var `ferry_root`: Ferry reaches it with `--root` (its SSH
//   root-prefix option), Ansible with `rpm --root {{ ferry_root }}`.
// - Faulty hosts, in the inventory like any other:
//   unreachable: an address and port with nothing listening (ssh: "Connection refused");
//   hostKeyChanged: its sshd's host key is not the one known_hosts lists for it (ssh: "REMOTE HOST
//     IDENTIFICATION HAS CHANGED", "Host key verification failed");
//   auth: its authorized_keys lacks the client key (ssh: "Permission denied (publickey)");
//   timeout (only with `timeoutHost: true`): a TCP listener in this process on its address that accepts and
//     never sends the SSH banner, as a wedged sshd or an accepting middlebox does (ssh: "Connection timed
//     out during banner exchange" after ConnectTimeout);
//   migrationFails: a reachable CentOS 8 host that also carries `acme-utils-compat`, a package from no repo
//     owning /usr/bin/lab-utils. The targets' `lab-utils` (which obsoletes the source's lab-legacy-utils)
//     ships the same path with other content, so the distro-sync transaction of `ferry migrate --to
//     rocky-8 --repo rocky-8=…` fails in rpm's file-conflict check ("file /usr/bin/lab-utils from install
//     of lab-utils-2.0-1.el8… conflicts with file from package acme-utils-compat-1.0-1.x86_64"): a real
//     dnf transaction failure, after the vendor swap, from the same repos every other host uses (no
//     per-host repo to wire). dnf's depsolve does not see file conflicts, only rpm's transaction test does.
// - Inhibited hosts (reachable, but assessment must stop them):
//   registration: a Uyuni/SUSE Manager Salt registration (/etc/venv-salt-minion/minion.d/susemanager.conf),
//     which Ferry's management-agents check makes an inhibitor for every target (migrate2rocky refuses
//     Uyuni-modified systems);
//   lowDisk: its sshd runs in a private mount namespace with a 16 MiB tmpfs over `<root>/boot`
//     (test/lab/low-disk.sh), so the facts script's `df -P -k <root>/boot` reads 16 MiB free where 50 MiB
//     are needed (low-disk check, migration preflight). Only that sshd's sessions see the tmpfs.
// - Every root has its own random /etc/machine-id (`machineId`); `changeMachineId(name)` writes a new one,
//   as a re-imaged or cloned host would have.
// - `changeHostKey(name)` restarts a host's sshd on the same address and port with a new host key and leaves
//   known_hosts as it was: "host key changed between collect and migrate".
// - `stop()` stops every sshd, removes the host roots and (when the fleet made it) its directory.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { mapLimit } from './build.js';
import type { HostOptions, Lab, LabHost } from './lab.js';
import type { SourceDef } from './model.js';
import { freePort, generateKeyPair, startSshd, type SshdHandle } from './sshd.js';

/** All but migration-fails are the store's CollectionOutcome names (src/store/types.ts) a collection must report. */
export type LabFleetFault = 'unreachable' | 'host-key-changed' | 'auth' | 'timeout' | 'migration-fails';
export type LabFleetInhibitor = 'registration' | 'low-disk';
export type LabFleetShapeGroup = 'centos8' | 'centos7' | 'stream8';

export interface LabFleetHost {
  /** Inventory name (web01, db01, …). */
  name: string;
  /** Its loopback address, 127.0.1.N (the inventory's ansible_host). */
  address: string;
  port: number;
  user: 'root';
  /** The lab root on this machine (the inventory's ferry_root, Ferry's --root). */
  root: string;
  /** Environment for rpm/dnf run locally against `root` (the fleet HOME). */
  env: NodeJS.ProcessEnv;
  /** The lab distribution the root was installed from (centos-8, centos-stream-8, centos-7). */
  from: string;
  /** A short shape name (`c8`, `c8+i686+epel`, …), also the inventory var lab_shape. */
  shape: string;
  /** What `lab.host()` was given for this shape. */
  hostOptions: HostOptions;
  /** Inventory groups the host is in directly (shape group, web|db). */
  groups: string[];
  /** Inventory host vars as written on its line (strings, as Ansible INI reads them). */
  vars: Record<string, string>;
  fault?: LabFleetFault;
  inhibitor?: LabFleetInhibitor;
  /** The 32 hex digits of `<root>/etc/machine-id`. */
  machineId: string;
  /** Absent for the unreachable host (nothing listens). */
  sshd?: SshdHandle;
  /** `lab.host()`'s handle, for `dnfArgs` against the root. */
  lab: LabHost;
}

export interface LabFleet {
  dir: string;
  hosts: LabFleetHost[];
  inventoryPath: string;
  privateKeyPath: string;
  knownHostsPath: string;
  /** The HOME every session gets (its .rpmmacros sets %_dbpath /var/lib/rpm). */
  home: string;
  /** `timeout` only with the `timeoutHost` option. */
  faulty: { unreachable: string; hostKeyChanged: string; auth: string; migrationFails: string; timeout?: string };
  inhibited: { registration: string; lowDisk: string };
  /** Hosts without fault or inhibitor. */
  healthy(): LabFleetHost[];
  host(name: string): LabFleetHost;
  /** Milliseconds: the roots (templates + copies), the sshds, all. */
  timings: { rootsMs: number; sshdMs: number; totalMs: number };
  changeHostKey(name: string): Promise<void>;
  changeMachineId(name: string): void;
  stop(): Promise<void>;
}

export interface LabFleetOptions {
  /** Number of hosts, >= 12; default 50 (or FERRY_LAB_FLEET_SIZE). */
  size?: number;
  /** Where keys, sshd configs and the inventory go; a fresh dir in the lab's workDir (removed by stop()) when omitted. */
  dir?: string;
  /** Hosts built and started at a time; default 8. */
  concurrency?: number;
  /** Also a `timeout` host (one ordinary host fewer): see the header. Default false. */
  timeoutHost?: boolean;
}

/** The no-repo package of the migration-fails host; see the header for the conflict it causes. */
export const CONFLICT_SOURCE: SourceDef = {
  name: 'acme-utils-compat', version: '1.0', release: '1', arch: 'x86_64', vendor: 'ACME Corp', license: 'Proprietary',
  binaries: [{ name: 'acme-utils-compat', requires: ['filesystem'], files: { '/usr/bin/lab-utils': '#acme lab-utils compat wrapper\n' } }],
};

export const REGISTRATION_FILE = '/etc/venv-salt-minion/minion.d/susemanager.conf';
export const LOW_DISK_TMPFS_SIZE = '16m';
const LOW_DISK_SCRIPT = resolve(import.meta.dirname, 'low-disk.sh');
/** 127.0.1.1 is Debian's /etc/hosts address for the machine's own name; fleet hosts start above it. */
const FIRST_ADDRESS = 10;

interface Shape { from: string; shape: string; group: LabFleetShapeGroup; options: HostOptions }

/** The shape of the k-th ordinary host: 10 % CentOS 7, 20 % Stream 8, else CentOS 8; extras by k. */
export function shapeOf(k: number): Shape {
  const [from, group, short] = k % 10 === 7 ? ['centos-7', 'centos7', 'c7'] as const
    : k % 10 === 4 || k % 10 === 9 ? ['centos-stream-8', 'stream8', 's8'] as const : ['centos-8', 'centos8', 'c8'] as const;
  const i686 = k % 3 === 0;
  const epel = from !== 'centos-7' && k % 4 === 1; // the EPEL-like repo is EPEL 8 (epel-release requires releasever 8)
  const acme = k % 5 === 2;
  const options: HostOptions = { from, ...(i686 ? { extras: ['glibc.i686'] } : {}), ...(epel ? { epel: true } : {}), ...(acme ? { noRepoPackage: true } : {}) };
  return { from, group, options, shape: [short, ...(i686 ? ['i686'] : []), ...(epel ? ['epel'] : []), ...(acme ? ['acme'] : [])].join('+') };
}

interface Plan { name: string; kind: 'web' | 'db'; shape: Shape; fault?: LabFleetFault; inhibitor?: LabFleetInhibitor; haPair?: string }

/** Names, shapes, faults: the special hosts are the first web hosts (web01 the one whose migration fails), the others healthy. */
export function planFleet(size: number, opts: { timeoutHost?: boolean } = {}): Plan[] {
  if (!Number.isInteger(size) || size < 12 || size > 240) throw new Error(`lab fleet size must be an integer in 12..240, not ${size}`);
  const db = Math.max(4, Math.round(size / 5));
  const web = size - db;
  const width = String(Math.max(web, db)).length < 2 ? 2 : String(Math.max(web, db)).length;
  // The special hosts are the first web hosts, the one whose migration fails first of all: in name order it
  // comes early (after the db hosts), so a rollout's stop threshold halts with waves still to come after it.
  const special: Array<[LabFleetFault | undefined, LabFleetInhibitor | undefined]> = [
    ['migration-fails', undefined], [undefined, 'low-disk'], [undefined, 'registration'], ['unreachable', undefined], ['host-key-changed', undefined], ['auth', undefined],
    ...(opts.timeoutHost ? [['timeout', undefined] as [LabFleetFault, undefined]] : [])];
  const plain: Shape = { from: 'centos-8', group: 'centos8', shape: 'c8', options: { from: 'centos-8' } };
  const out: Plan[] = [];
  let k = 0;
  for (let i = 1; i <= web; i++) {
    const s = i <= special.length ? i - 1 : -1;
    const name = `web${String(i).padStart(width, '0')}`;
    if (s >= 0) {
      const [fault, inhibitor] = special[s];
      const shape = fault === 'migration-fails' ? { ...plain, shape: 'c8+conflict', options: { from: 'centos-8', localPackages: [CONFLICT_SOURCE] } } : plain;
      out.push({ name, kind: 'web', shape, ...(fault ? { fault } : {}), ...(inhibitor ? { inhibitor } : {}) });
    } else out.push({ name, kind: 'web', shape: shapeOf(k++) });
  }
  for (let i = 1; i <= db; i++) {
    // db01/db02 and db03/db04 are HA pairs (the rollout's "at most one host of each pair" cap)
    out.push({ name: `db${String(i).padStart(width, '0')}`, kind: 'db', shape: shapeOf(k++), ...(i <= 4 ? { haPair: i <= 2 ? 'db-a' : 'db-b' } : {}) });
  }
  return out;
}

/** The INI inventory: shape groups with the hosts' connection vars, web/db by range, prod:children, all:vars. */
export function renderInventory(hosts: ReadonlyArray<Pick<LabFleetHost, 'name' | 'groups' | 'vars'>>, common: { privateKeyPath: string; knownHostsPath: string }): string {
  const lines: string[] = ['# Ferry lab fleet (test/lab/fleet.ts); generated, real addresses of this run.', ''];
  for (const group of ['centos8', 'stream8', 'centos7'] as const) {
    lines.push(`[${group}]`);
    for (const h of hosts.filter((x) => x.groups.includes(group))) {
      lines.push([h.name, ...Object.entries(h.vars).map(([k, v]) => `${k}=${v}`)].join(' '));
    }
    lines.push('');
  }
  for (const group of ['web', 'db'] as const) {
    const names = hosts.filter((h) => h.groups.includes(group)).map((h) => h.name);
    // names are prefix + zero-padded 1..n, so one Ansible range covers them
    const digits = names[0].slice(group.length);
    lines.push(`[${group}]`, `${group}[${digits}:${names[names.length - 1].slice(group.length)}]`, '');
  }
  lines.push('[prod:children]', 'web', 'db', '');
  lines.push('[all:vars]', 'ansible_user=root', `ansible_ssh_private_key_file=${common.privateKeyPath}`,
    `ansible_ssh_common_args='-F /dev/null -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${common.knownHostsPath}'`,
    'ansible_python_interpreter=/usr/bin/python3', '');
  return lines.join('\n');
}

/** Vars of group_vars/<group>.yml files written beside the inventory (Ansible reads them from there). */
export const GROUP_VARS: Record<string, Record<string, string>> = {
  db: { backup_window: '02:00-04:00' },
  prod: { environment_tier: 'production' },
};

interface Silent { servers: Server[]; sockets: Set<Socket> }

/** A TCP listener on `address` that accepts and never answers (no SSH banner); resolves with its port. */
function silentListener(address: string, into: Silent): Promise<number> {
  return new Promise((done, reject) => {
    const srv = createServer((sock) => {
      into.sockets.add(sock);
      sock.on('error', () => { /* the client gave up */ });
      sock.on('close', () => into.sockets.delete(sock));
    });
    srv.once('error', reject);
    srv.listen(0, address, () => {
      into.servers.push(srv);
      const a = srv.address();
      done(typeof a === 'object' && a ? a.port : 0);
    });
  });
}

/** A fresh random machine-id (systemd's format: 32 lowercase hex digits and a newline), written into the root. */
function writeMachineId(root: string): string {
  const id = randomBytes(16).toString('hex');
  writeFileSync(join(root, 'etc', 'machine-id'), `${id}\n`, { mode: 0o444 });
  return id;
}

export async function createLabFleet(lab: Lab, opts: LabFleetOptions = {}): Promise<LabFleet> {
  const t0 = Date.now();
  const size = opts.size ?? Number(process.env.FERRY_LAB_FLEET_SIZE ?? 50);
  const plan = planFleet(size, { timeoutHost: opts.timeoutHost ?? false });
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(lab.workDir, 'fleet-'));
  mkdirSync(dir, { recursive: true });
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const client = generateKeyPair(join(dir, 'client'), 'id_ed25519');
  const knownHostsPath = join(dir, 'known_hosts');
  const inventoryPath = join(dir, 'inventory.ini');
  const concurrency = opts.concurrency ?? 8;

  // Templates first, one per shape (cold builds run dnf; two at a time is what 2 cores take), then copies.
  const shapes = new Map(plan.map((p) => [p.shape.shape, p.shape.options]));
  await mapLimit([...shapes.values()], 2, async (o) => { (await lab.host(o)).dispose(); });
  const roots = await mapLimit(plan, concurrency, (p) => lab.host(p.shape.options));
  copyFileSync(join(roots[0].env.HOME ?? '', '.rpmmacros'), join(home, '.rpmmacros'));
  const rootsMs = Date.now() - t0;

  const hosts: LabFleetHost[] = plan.map((p, i) => {
    const address = `127.0.1.${FIRST_ADDRESS + i}`;
    const root = roots[i].root;
    return { name: p.name, address, port: 0, user: 'root', root, machineId: writeMachineId(root), env: { ...roots[i].env, HOME: home }, from: p.shape.from, shape: p.shape.shape,
      hostOptions: p.shape.options, groups: [p.shape.group, p.kind], vars: {}, lab: roots[i],
      ...(p.fault ? { fault: p.fault } : {}), ...(p.inhibitor ? { inhibitor: p.inhibitor } : {})  };
  });
  const haPairs = new Map(plan.filter((p) => p.haPair).map((p) => [p.name, p.haPair ?? '']));

  const t1 = Date.now();
  const sessionKey = `environment="HOME=${home}" ${client.publicKey}`;
  const stranger = generateKeyPair(join(dir, 'client'), 'not_the_client');
  const sshdOptions = (h: LabFleetHost, port?: number): Parameters<typeof startSshd>[0] => ({
    authorizedKeys: [h.fault === 'auth' ? `environment="HOME=${home}" ${stranger.publicKey}` : sessionKey],
    dir: join(dir, 'hosts', h.name), listenAddress: h.address, extraConfig: ['PermitUserEnvironment yes'],
    ...(port !== undefined ? { port } : {}),
    ...(h.inhibitor === 'low-disk' ? { wrapper: ['unshare', '--mount', '--propagation', 'private', 'sh', LOW_DISK_SCRIPT, join(h.root, 'boot'), LOW_DISK_TMPFS_SIZE] } : {}),
  });
  const known: string[] = [];
  const silent: Silent = { servers: [], sockets: new Set() };
  await mapLimit(hosts, concurrency, async (h) => {
    if (h.inhibitor === 'registration') {
      mkdirSync(join(h.root, '/etc/venv-salt-minion/minion.d'), { recursive: true });
      writeFileSync(join(h.root, REGISTRATION_FILE), 'master: uyuni.lab.ferry.invalid\n');
    }
    if (h.fault === 'unreachable') {
      h.port = await freePort(h.address);
      return;
    }
    if (h.fault === 'timeout') {
      h.port = await silentListener(h.address, silent);
      return;
    }
    h.sshd = await startSshd(sshdOptions(h));
    h.port = h.sshd.port;
  });
  for (const h of hosts) {
    if (!h.sshd) continue;
    if (h.fault === 'host-key-changed') {
      // the key known_hosts expects is one this sshd never had
      const other = generateKeyPair(join(dir, 'hosts', h.name, 'previous'), 'ssh_host_ed25519_key').publicKey.split(/\s+/);
      known.push(`[${h.address}]:${h.port} ${other[0]} ${other[1]}`);
    } else known.push(h.sshd.knownHostsLine);
  }
  writeFileSync(knownHostsPath, `${known.join('\n')}\n`);
  const sshdMs = Date.now() - t1;

  for (const h of hosts) {
    h.vars = { ansible_host: h.address, ansible_port: String(h.port), ferry_root: h.root, lab_shape: h.shape,
      ...(haPairs.has(h.name) ? { ha_pair: haPairs.get(h.name) ?? '' } : {}) };
  }
  writeFileSync(inventoryPath, renderInventory(hosts, { privateKeyPath: client.privateKeyPath, knownHostsPath }));
  mkdirSync(join(dir, 'group_vars'), { recursive: true });
  for (const [group, vars] of Object.entries(GROUP_VARS)) {
    writeFileSync(join(dir, 'group_vars', `${group}.yml`), Object.entries(vars).map(([k, v]) => `${k}: "${v}"\n`).join(''));
  }

  const byName = new Map(hosts.map((h) => [h.name, h]));
  const nameOf = (pred: (h: LabFleetHost) => boolean): string => {
    const h = hosts.find(pred);
    if (!h) throw new Error('lab fleet plan lost a special host');
    return h.name;
  };
  let stopped: Promise<void> | undefined;
  return {
    dir, hosts, inventoryPath, privateKeyPath: client.privateKeyPath, knownHostsPath, home,
    faulty: { unreachable: nameOf((h) => h.fault === 'unreachable'), hostKeyChanged: nameOf((h) => h.fault === 'host-key-changed'),
      auth: nameOf((h) => h.fault === 'auth'), migrationFails: nameOf((h) => h.fault === 'migration-fails'),
      ...(opts.timeoutHost ? { timeout: nameOf((h) => h.fault === 'timeout') } : {}) },
    inhibited: { registration: nameOf((h) => h.inhibitor === 'registration'), lowDisk: nameOf((h) => h.inhibitor === 'low-disk') },
    healthy: () => hosts.filter((h) => !h.fault && !h.inhibitor),
    host: (name) => {
      const h = byName.get(name);
      if (!h) throw new Error(`no lab fleet host ${name}; hosts: ${hosts[0]?.name}…${hosts[hosts.length - 1]?.name}`);
      return h;
    },
    timings: { rootsMs, sshdMs, totalMs: Date.now() - t0 },
    changeMachineId(name) {
      const h = byName.get(name);
      if (!h) throw new Error(`no lab fleet host ${name}`);
      h.machineId = writeMachineId(h.root);
    },
    async changeHostKey(name) {
      const h = byName.get(name);
      if (!h?.sshd) throw new Error(`lab fleet host ${name} has no sshd to re-key`);
      const before = h.sshd.knownHostsLine;
      await h.sshd.stop();
      rmSync(join(h.sshd.dir, 'ssh_host_ed25519_key'), { force: true });
      rmSync(join(h.sshd.dir, 'ssh_host_ed25519_key.pub'), { force: true });
      h.sshd = await startSshd(sshdOptions(h, h.port));
      if (h.sshd.knownHostsLine === before) throw new Error(`lab fleet host ${name} kept its host key`);
    },
    stop: () => {
      stopped ??= (async () => {
        for (const sock of silent.sockets) sock.destroy();
        await Promise.all([...hosts.map((h) => h.sshd?.stop()), ...silent.servers.map((srv) => new Promise((done) => srv.close(done)))]);
        for (const h of hosts) h.lab.dispose();
        if (ownDir) rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

/** Ferry's host argument and host flags for a fleet host: `ssh://root@127.0.1.N:port --root … --identity … --known-hosts …`. */
export function ferryHostArgs(fleet: Pick<LabFleet, 'privateKeyPath' | 'knownHostsPath'>, h: Pick<LabFleetHost, 'address' | 'port' | 'root'>): string[] {
  return [`ssh://root@${h.address}:${h.port}`, '--root', h.root, '--identity', fleet.privateKeyPath, '--known-hosts', fleet.knownHostsPath];
}
