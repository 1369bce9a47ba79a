// A real OpenSSH server on a loopback address (127.0.0.1 unless told) for tests: own host key, own config, key auth only, started in
// the foreground (-D -e) as a child of the test process and stopped by `stop()` (or at process exit).
// Contract: `startSshd` resolves only once sshd reports "Server listening", so the port is usable.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SshKeyPair {
  privateKeyPath: string;
  publicKeyPath: string;
  /** The `ssh-ed25519 AAAA… comment` line, ready for authorized_keys. */
  publicKey: string;
}

export interface StartSshdOptions {
  /** Public key lines accepted for every user (sshd runs as root, so log in as root). */
  authorizedKeys: string[];
  /** Working directory for config, host key, pidfile and log; a fresh temp dir when omitted. */
  dir?: string;
  /** Extra sshd_config lines (e.g. `ForceCommand …`, `SetEnv …`). */
  extraConfig?: string[];
  /** Milliseconds to wait for "Server listening"; default 10 000. */
  timeoutMs?: number;
  /** The loopback address to bind (Linux routes all of 127/8 to lo); default 127.0.0.1. */
  listenAddress?: string;
  /** A fixed port (e.g. to restart a host where its inventory says it is); default a free one. */
  port?: number;
  /** argv that runs sshd's own argv (appended): e.g. `unshare --mount … script` to give it a namespace. */
  wrapper?: string[];
}

export interface SshdHandle {
  /** The address sshd listens on. */
  host: string;
  port: number;
  pid: number;
  /** SHA256 fingerprint of the host key as `ssh-keygen -lf` prints it (`SHA256:…`). */
  hostKeyFingerprint: string;
  /** `[address]:port ssh-ed25519 AAAA…`, for a known_hosts file. */
  knownHostsLine: string;
  /** A known_hosts file containing `knownHostsLine`. */
  knownHostsPath: string;
  dir: string;
  /** The sshd log (stderr of `sshd -e`), useful when a test fails. */
  log(): string;
  stop(): Promise<void>;
}

const SSHD = existsSync('/usr/sbin/sshd') ? '/usr/sbin/sshd' : 'sshd';
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try { child.kill('SIGTERM'); } catch { /* already gone */ }
    }
  });
}

/**
 * Every live descendant of `pid`, from /proc (Linux). sshd leaves its per-connection children running
 * when the listener is stopped (so a restart keeps sessions); a lab sshd's stop must end them too, or a
 * client holding a connection (ansible's ControlPersist) keeps them alive past the test.
 */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[] = [];
  try { entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e)); } catch { return []; }
  for (const e of entries) {
    let stat: string;
    try { stat = readFileSync(`/proc/${e}/stat`, 'utf8'); } catch { continue; } // gone meanwhile
    // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last ')'
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(e));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const todo = [...(children.get(pid) ?? [])];
  while (todo.length) {
    const c = todo.pop() ?? -1;
    out.push(c);
    todo.push(...(children.get(c) ?? []));
  }
  return out;
}

function run(cmd: string, args: string[]): string {
  const res = spawnSync(cmd, args, { encoding: 'utf8' });
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${res.status}): ${res.stderr}`);
  }
  return res.stdout;
}

/** Generates an unencrypted ed25519 key pair at `<dir>/<name>` (and `.pub`). */
export function generateKeyPair(dir: string, name = 'id_ed25519'): SshKeyPair {
  mkdirSync(dir, { recursive: true });
  const privateKeyPath = join(dir, name);
  rmSync(privateKeyPath, { force: true });
  rmSync(`${privateKeyPath}.pub`, { force: true });
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `ferry-lab-${name}`, '-f', privateKeyPath]);
  return {
    privateKeyPath,
    publicKeyPath: `${privateKeyPath}.pub`,
    publicKey: readFileSync(`${privateKeyPath}.pub`, 'utf8').trim(),
  };
}

/** A currently free TCP port on `address` (the kernel picks it; sshd binds it right after). */
export function freePort(address = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, address, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

function waitListening(child: ChildProcess, logLines: string[], timeoutMs: number, address: string): Promise<void> {
  const listening = new RegExp(`Server listening on ${address.replace(/\./g, '\\.')} port \\d+`);
  return new Promise((resolveReady, reject) => {
    let buf = '';
    const timer = setTimeout(() => finish(new Error(`sshd did not start within ${timeoutMs} ms:\n${buf}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      buf += text;
      logLines.push(text);
      if (listening.test(buf)) finish();
    };
    const onExit = (code: number | null): void => finish(new Error(`sshd exited (${code}) before listening:\n${buf}`));
    function finish(err?: Error): void {
      clearTimeout(timer);
      child.off('exit', onExit);
      if (err) reject(err); else resolveReady();
    }
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

async function startOnce(opts: StartSshdOptions, dir: string): Promise<SshdHandle> {
  const address = opts.listenAddress ?? '127.0.0.1';
  const port = opts.port ?? await freePort(address);
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  if (!existsSync(hostKey)) run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ferry-lab-host', '-f', hostKey]);
  const authorizedKeysPath = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeysPath, opts.authorizedKeys.map((k) => `${k.trim()}\n`).join(''), { mode: 0o600 });
  const configPath = join(dir, 'sshd_config');
  writeFileSync(configPath, [
    `Port ${port}`,
    `ListenAddress ${address}`,
    `HostKey ${hostKey}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${authorizedKeysPath}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'StrictModes no',
    'UsePAM no',
    'PrintMotd no',
    'AcceptEnv LANG LC_*',
    'Subsystem sftp internal-sftp',
    'LogLevel INFO',
    ...(opts.extraConfig ?? []),
    '',
  ].join('\n'));
  // sshd insists on its privilege-separation directory even in -D mode.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const argv = [SSHD, '-D', '-e', '-f', configPath];
  const [cmd, ...args] = [...(opts.wrapper ?? []), ...argv];
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  installExitHook();
  const logLines: string[] = [];
  try {
    await waitListening(child, logLines, opts.timeoutMs ?? 10_000, address);
  } catch (err) {
    live.delete(child);
    child.kill('SIGKILL');
    throw err;
  }
  const pub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/);
  const knownHostsLine = `[${address}]:${port} ${pub[0]} ${pub[1]}`;
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, `${knownHostsLine}\n`);
  const hostKeyFingerprint = run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`]).split(/\s+/)[1];
  let stopped: Promise<void> | undefined;
  return {
    host: address,
    port,
    pid: child.pid ?? -1,
    hostKeyFingerprint,
    knownHostsLine,
    knownHostsPath,
    dir,
    log: () => logLines.join(''),
    stop: () => {
      stopped ??= new Promise<void>((done) => {
        live.delete(child);
        if (child.exitCode !== null || child.signalCode !== null) { done(); return; }
        // the sessions first (their sshd children, and what runs in them), while they still have a parent to find
        for (const pid of child.pid ? descendantsOf(child.pid) : []) {
          try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
        }
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => { clearTimeout(timer); done(); });
        child.kill('SIGTERM');
      });
      return stopped;
    },
  };
}

/**
 * Starts sshd on a free loopback port (or the given one). Retries a few times when the port was taken between probing
 * and binding (the only race here).
 */
export async function startSshd(opts: StartSshdOptions): Promise<SshdHandle> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'ferry-sshd-'));
  mkdirSync(dir, { recursive: true });
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(opts, dir);
    } catch (err) {
      lastErr = err;
      if (opts.port !== undefined || !/Address already in use|Cannot bind/.test(String(err))) break;
    }
  }
  throw lastErr;
}

/** argv for the OpenSSH client reaching `sshd` with `key` as root, host key pinned, no config leaks. */
export function sshArgs(sshd: Pick<SshdHandle, 'port' | 'knownHostsPath'> & { host?: string }, key: Pick<SshKeyPair, 'privateKeyPath'>): string[] {
  return [
    '-F', '/dev/null',
    '-i', key.privateKeyPath,
    '-p', String(sshd.port),
    '-o', 'IdentitiesOnly=yes',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${sshd.knownHostsPath}`,
    '-o', 'ConnectTimeout=5',
    `root@${sshd.host ?? '127.0.0.1'}`,
  ];
}
