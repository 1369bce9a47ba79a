/**
 * The SSH adapter (ssh2): key, agent and password authentication, ProxyJump through forwarded channels,
 * ~/.ssh/config honoured, strict host key checking against known_hosts (no trust on first use), connect
 * and per-command timeouts. Commands travel as one exec string made of single-quoted argv words
 * (quote.ts), which assumes a POSIX login shell on the host (sh, bash, dash, ksh, zsh).
 *
 * Latency: one TCP connection per transport (TCP_NODELAY), and commands go to a small pool of persistent
 * runners (ssh-runner.ts: the login shell started once, reading commands from stdin) instead of one exec
 * request each, because each exec makes sshd fork a session and start the login shell, which for bash
 * sources ~/.bashrc (pyenv/conda/nvm set-ups cost hundreds of ms per command). A plain exec per command
 * remains the fallback: for stdin too large to carry inline (fitsInline), and when no runner can start on the host.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { AuthMethod, Client as SshClient, ClientChannel, ConnectConfig } from 'ssh2';
import { assert, FerryError } from '../core/index.js';
import { parseHostSpec } from './host-spec.js';
import { fingerprintSha256, hostKeyAlgorithmsFor, knownHostsName, matchKnownHostKeys, readKnownHostsFile, verifyHostKey, type KnownHostKey } from './known-hosts.js';
import { createCapture, DEFAULT_COMMAND_TIMEOUT, DEFAULT_MAX_OUTPUT } from './output.js';
import { assertEnvName, quoteArgv } from './quote.js';
import { normaliseRoot, underRoot } from './root.js';
import { resolveSshConfig, type SshHostConfig } from './ssh-config.js';
import { fitsInline, RunnerFailure, startRunner, type Runner, type RunnerReply } from './ssh-runner.js';
import type { Duplex } from 'node:stream';
import type { RemoteForward, RunOptions, RunResult, Transport, WriteFileOptions } from './types.js';

export interface SshAuthOptions {
  /** Private key files to try, in order. Default: IdentityFile from ssh config, else ~/.ssh/id_{ed25519,ecdsa,rsa}. */
  identityFiles?: string[];
  /** A private key given directly (OpenSSH/PEM text). */
  privateKey?: string | Buffer;
  /** Decrypts encrypted private keys (every one tried); from the environment or a file, never argv. */
  passphrase?: string;
  password?: string;
  /** ssh-agent socket; default $SSH_AUTH_SOCK; false disables the agent. */
  agent?: string | false;
}

export interface SshTransportOptions {
  host: string;
  port?: number;
  user?: string;
  root?: string;
  auth?: SshAuthOptions;
  /** known_hosts files; default UserKnownHostsFile from ssh config, else ~/.ssh/known_hosts{,2} and /etc/ssh/ssh_known_hosts. */
  knownHostsFiles?: string[];
  /** ssh_config path; default ~/.ssh/config when present; false ignores any config. */
  sshConfigPath?: string | false;
  /** `[user@]host[:port][,…]`, overriding ProxyJump from the config; 'none' disables it. */
  proxyJump?: string;
  /** Handshake + authentication timeout per hop, ms (default 15 000, or ConnectTimeout from config). */
  connectTimeoutMs?: number;
  /** Default per-command timeout, ms (10 minutes). */
  commandTimeoutMs?: number;
  /** SSH keepalive interval, ms (default 10 000; 3 unanswered → disconnected). */
  keepaliveIntervalMs?: number;
  /**
   * false: every command is a plain exec, no persistent runner. For a connection that runs one command (fleet
   * collection's facts script), where a runner's start-up (a login shell, mktemp) and per-command framing
   * (the output through files, wc, cat) would cost more processes on the host than they save. Default true.
   */
  runners?: boolean;
}

interface Endpoint {
  alias: string;
  host: string;
  port: number;
  user: string;
  config: SshHostConfig;
}

const { Client, utils } = ssh2;

function loadConfig(opts: SshTransportOptions, alias: string): SshHostConfig {
  const path = opts.sshConfigPath === undefined ? join(homedir(), '.ssh', 'config') : opts.sshConfigPath;
  if (path === false || !existsSync(path)) return { identityFiles: [], userKnownHostsFiles: [], ignored: [] };
  return resolveSshConfig(readFileSync(path, 'utf8'), alias);
}

function endpointFor(opts: SshTransportOptions, alias: string, user: string | undefined, port: number | undefined): Endpoint {
  const config = loadConfig(opts, alias);
  const host = config.hostName ?? alias;
  if (host !== alias) parseHostSpec(host); // HostName from a config file passes the same validation
  return {
    alias,
    host,
    port: port ?? config.port ?? 22,
    user: user ?? config.user ?? process.env.USER ?? 'root',
    config,
  };
}

function knownKeysFor(opts: SshTransportOptions, ep: Endpoint): KnownHostKey[] {
  const home = homedir();
  const files = opts.knownHostsFiles
    ?? (ep.config.userKnownHostsFiles.length ? ep.config.userKnownHostsFiles : [join(home, '.ssh', 'known_hosts'), join(home, '.ssh', 'known_hosts2')]);
  const all = [...files, ...(opts.knownHostsFiles ? [] : ['/etc/ssh/ssh_known_hosts'])];
  return all.flatMap((f) => matchKnownHostKeys(readKnownHostsFile(f) ?? [], ep.host, ep.port));
}

/** A private key that could not be used, and why (encrypted without a passphrase, a wrong one, not a key). */
interface SkippedKey {
  where: string;
  why: string;
}

/** ssh2's parseKey error → what the user must do about the key. */
function skippedKey(where: string, err: Error, passphrase: string | undefined): SkippedKey {
  if (/no passphrase given/i.test(err.message)) return { where, why: 'is encrypted and no passphrase was given' };
  if (passphrase !== undefined && /passphrase|decrypt|integrity check/i.test(err.message)) return { where, why: 'could not be decrypted with the passphrase given' };
  return { where, why: `is not a private key ssh2 reads (${err.message})` };
}

/**
 * ssh2's parseKey, once per process for each key text and passphrase: parsing (ASN.1, and deriving the key of an
 * encrypted one) cost every connection of a fleet collection a few ms for the same key. Keyed by content, so a
 * rotated key file is parsed afresh; bounded, as a long-running worker may see many keys.
 */
const parsedKeys = new Map<string, ReturnType<typeof utils.parseKey>>();
function parsedKey(data: Buffer | string, passphrase: string | undefined): ReturnType<typeof utils.parseKey> {
  const id = createHash('sha256').update(data).update('\0').update(passphrase ?? '\0none').digest('base64');
  let parsed = parsedKeys.get(id);
  if (parsed === undefined) {
    if (parsedKeys.size >= 64) parsedKeys.clear();
    parsed = utils.parseKey(data, passphrase);
    parsedKeys.set(id, parsed);
  }
  return parsed;
}

const PASSPHRASE_HINT = 'Set FERRY_SSH_KEY_PASSPHRASE to its passphrase (never on the command line), or load the key into ssh-agent (ssh-add KEY).';

function authMethods(opts: SshTransportOptions, ep: Endpoint): { methods: AuthMethod[]; skipped: SkippedKey[] } {
  const a = opts.auth ?? {};
  const methods: AuthMethod[] = [];
  const skipped: SkippedKey[] = [];
  const username = ep.user;
  const keys: { where: string; data: Buffer | string }[] = [];
  if (a.privateKey) keys.push({ where: 'the given private key', data: a.privateKey });
  const files = a.identityFiles ?? (ep.config.identityFiles.length ? ep.config.identityFiles
    : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((n) => join(homedir(), '.ssh', n)).filter((f) => existsSync(f)));
  for (const f of files) {
    if (!existsSync(f)) continue;
    keys.push({ where: f, data: readFileSync(f) });
  }
  for (const k of keys) {
    const parsed = parsedKey(k.data, a.passphrase);
    if (parsed instanceof Error) { skipped.push(skippedKey(k.where, parsed, a.passphrase)); continue; } // the other methods may still do
    methods.push({ type: 'publickey', username, key: Array.isArray(parsed) ? parsed[0] : parsed } as AuthMethod);
  }
  const agent = a.agent === false ? undefined : a.agent ?? process.env.SSH_AUTH_SOCK;
  if (agent && !(ep.config.identitiesOnly && keys.length)) methods.push({ type: 'agent', username, agent } as AuthMethod);
  if (a.password !== undefined) methods.push({ type: 'password', username, password: a.password } as AuthMethod);
  return { methods, skipped };
}

function describeSkipped(skipped: readonly SkippedKey[]): string {
  return skipped.map((k) => `the private key ${k.where} ${k.why}`).join('; ');
}

function name(ep: Endpoint): string {
  return `${ep.user}@${ep.host}:${ep.port}`;
}

/** --connect-timeout, else ssh_config's ConnectTimeout, else 15 s. */
function connectTimeoutFor(opts: SshTransportOptions, ep: Endpoint): number {
  return opts.connectTimeoutMs ?? (ep.config.connectTimeoutSeconds ? ep.config.connectTimeoutSeconds * 1000 : 15_000);
}

/** A connected, authenticated client and the fingerprint of the host key it accepted. */
interface Connected { conn: SshClient; hostKeyFingerprint: string }

function connectOne(opts: SshTransportOptions, ep: Endpoint, sock?: NodeJS.ReadableStream): Promise<Connected> {
  const known = knownKeysFor(opts, ep);
  const { methods, skipped } = authMethods(opts, ep);
  const keyTrouble = skipped.some((k) => !k.why.startsWith('is not'));
  const timeout = connectTimeoutFor(opts, ep);
  return new Promise((resolveConn, reject) => {
    const conn = new Client();
    let hostKeyError: FerryError | undefined;
    let accepted: string | undefined;
    let settled = false;
    const timer = setTimeout(() => fail(new FerryError('TRANSPORT_TIMEOUT', `Connecting to ${name(ep)} timed out after ${timeout} ms`, {
      hint: 'Check that the host is reachable and sshd answers; raise the connect timeout for slow links.',
    })), timeout + 1000);
    function fail(err: FerryError): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.end();
      reject(err);
    }
    if (methods.length === 0) {
      fail(new FerryError('TRANSPORT_AUTH', `No usable credentials for ${name(ep)}${skipped.length ? `: ${describeSkipped(skipped)}` : ''}`, {
        hint: keyTrouble ? PASSPHRASE_HINT : 'Give an identity file (readable, with its passphrase if encrypted), an ssh-agent or a password.',
      }));
      return;
    }
    conn.on('ready', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      assert(accepted !== undefined, 'ssh2 reported ready without verifying the host key');
      resolveConn({ conn, hostKeyFingerprint: accepted });
    });
    conn.on('error', (err: Error & { level?: string; code?: string }) => {
      if (hostKeyError) { fail(hostKeyError); return; }
      if (err.level === 'client-authentication') {
        fail(new FerryError('TRANSPORT_AUTH', `Authentication to ${name(ep)} failed (tried: ${methods.map((m) => m.type).join(', ')}${skipped.length ? `; not tried: ${describeSkipped(skipped)}` : ''})`, {
          cause: err, hint: keyTrouble ? PASSPHRASE_HINT : 'Check the user, the key in authorized_keys, or the password.',
        }));
      } else if (err.level === 'client-timeout') {
        fail(new FerryError('TRANSPORT_TIMEOUT', `Connecting to ${name(ep)} timed out after ${timeout} ms`, { cause: err }));
      } else {
        fail(new FerryError('TRANSPORT_CONNECT', `Could not connect to ${name(ep)}: ${err.message}`, { cause: err }));
      }
    });
    conn.on('close', () => fail(new FerryError('TRANSPORT_CONNECT', `${name(ep)} closed the connection during the handshake`)));
    const config: ConnectConfig = {
      host: ep.host,
      port: ep.port,
      username: ep.user,
      readyTimeout: timeout,
      keepaliveInterval: opts.keepaliveIntervalMs ?? 10_000,
      keepaliveCountMax: 3,
      authHandler: methods,
      hostVerifier: (key: Buffer): boolean => {
        const verdict = verifyHostKey(known, key);
        if (verdict.ok) { accepted = fingerprintSha256(key); return true; }
        hostKeyError = new FerryError('TRANSPORT_HOSTKEY',
          `Host key of ${knownHostsName(ep.host, ep.port)} was refused: ${verdict.detail}; it presented ${verdict.fingerprint}`, {
            hint: verdict.reason === 'unknown'
              ? `Verify the fingerprint out of band, then add the host: ssh-keyscan -p ${ep.port} ${ep.host} >> ~/.ssh/known_hosts`
              : 'The host key changed: this may be an attack. Confirm with the host owner before editing known_hosts.',
            details: { host: ep.host, port: ep.port, fingerprint: verdict.fingerprint, reason: verdict.reason },
          });
        return false;
      },
      ...(sock ? { sock: sock as ConnectConfig['sock'] } : {}),
    };
    const types = [...new Set(known.filter((k) => !k.revoked).map((k) => k.type))];
    if (types.length) config.algorithms = { serverHostKey: types.flatMap(hostKeyAlgorithmsFor) as never };
    try {
      conn.connect(config);
      // Before the TCP connect, not after ready: the handshake and authentication are small request/reply
      // packets too, and with Nagle + delayed ACK each stalled ~40 ms (ssh2 applies it to its own socket;
      // a jump host's forwarded channel has no TCP socket of its own).
      conn.setNoDelay(true);
    } catch (err) {
      fail(new FerryError('TRANSPORT_CONNECT', `Could not connect to ${name(ep)}: ${(err as Error).message}`, { cause: err }));
    }
  });
}

function forward(via: SshClient, viaName: string, ep: Endpoint): Promise<ClientChannel> {
  return new Promise((resolveFwd, reject) => {
    via.forwardOut('127.0.0.1', 0, ep.host, ep.port, (err, stream) => {
      if (err) reject(new FerryError('TRANSPORT_CONNECT', `Jump host ${viaName} could not reach ${name(ep)}: ${err.message}`, { cause: err }));
      else resolveFwd(stream);
    });
  });
}

function parseJump(text: string, opts: SshTransportOptions): Endpoint[] {
  return text.split(',').map((hop) => {
    const spec = parseHostSpec(hop.includes('://') ? hop : `ssh://${hop}`);
    if (spec.kind !== 'ssh') throw new FerryError('HOST_INVALID', `Jump host ${JSON.stringify(hop)} is invalid`);
    return endpointFor(opts, spec.host, spec.user, spec.port);
  });
}

/** Connects (through any jump hosts) and returns a Transport; the caller must close() it. */
export async function connectSsh(opts: SshTransportOptions): Promise<Transport> {
  parseHostSpec(opts.host); // validation: HOST_INVALID for hostile names
  const root = normaliseRoot(opts.root);
  const target = endpointFor(opts, opts.host, opts.user, opts.port);
  const jumpText = opts.proxyJump ?? target.config.proxyJump;
  const hops = jumpText && jumpText !== 'none' ? parseJump(jumpText, opts) : [];
  const clients: SshClient[] = [];
  let hostKeyFingerprint = '';
  try {
    let sock: NodeJS.ReadableStream | undefined;
    for (const hop of hops) {
      const c = (await connectOne(opts, hop, sock)).conn;
      clients.push(c);
      const next = hops[hops.indexOf(hop) + 1] ?? target;
      sock = await forward(c, name(hop), next);
    }
    const last = await connectOne(opts, target, sock);
    clients.push(last.conn);
    hostKeyFingerprint = last.hostKeyFingerprint;
  } catch (err) {
    for (const c of clients) c.end();
    throw err;
  }
  const conn = clients[clients.length - 1];
  const hostName = name(target);
  const describe = (): string => [
    `ssh ${hostName}`,
    ...(hops.length ? [`via ${hops.map(name).join(',')}`] : []),
    ...(root ? [`(root ${root})`] : []),
  ].join(' ');
  for (const c of clients) c.setNoDelay(true); // small request/reply packets: Nagle + delayed ACK would add 40 ms stalls
  const runnerStartMs = connectTimeoutFor(opts, target);
  return createSshTransport(conn, clients, { hostName, root, describe, commandTimeoutMs: opts.commandTimeoutMs, runnerStartMs, hostKeyFingerprint,
    runners: opts.runners !== false });
}

/** A command's outcome before it becomes a RunResult: a runner's reply, or an exec channel's (which may end by a signal). */
type RawResult = Omit<RunnerReply, 'code'> & { code: number | null; signal?: string };

/** Concurrent commands beyond this many queue for a runner (sshd's MaxSessions defaults to 10 per connection). */
const MAX_RUNNERS = 4;

function createSshTransport(conn: SshClient, clients: SshClient[], o: {
  hostName: string; root: string | undefined; describe: () => string; commandTimeoutMs?: number; runnerStartMs: number;
  hostKeyFingerprint: string; runners: boolean;
}): Transport {
  const { hostName, root } = o;
  let dropped: FerryError | undefined;
  const pending = new Set<(err: FerryError) => void>();
  const drop = (why: string): void => {
    if (dropped) return;
    dropped = new FerryError('TRANSPORT_DISCONNECTED', `The connection to ${hostName} dropped: ${why}`, {
      hint: 'Check the network and sshd on the host, then run the command again: a read-only one (assess, status) is safe to repeat, and an interrupted migration continues with ferry resume (dnf runs on, detached, on the host).',
    });
    for (const rejectPending of pending) rejectPending(dropped);
    pending.clear();
  };
  // Resolves when every connection's socket has closed: close() waits for it, so a caller that bounds
  // how many hosts are connected at once (fleet collection) opens the next one only after.
  const socketsClosed = Promise.all(clients.map((c) => new Promise<void>((resolveClosed) => c.once('close', () => resolveClosed()))));
  for (const c of clients) {
    c.on('error', (err: Error) => drop(err.message));
    c.on('close', () => drop('connection closed'));
  }

  // The runner pool: a runner is leased from acquire() until its command's reply has been read.
  const runners: Runner[] = [];
  const leased = new Set<Runner>();
  const waiters: ((r: Runner | undefined) => void)[] = [];
  let starting = 0;
  let runnerStarted = false;
  let runnersUnsupported = !o.runners;

  /** Forgets runners whose shell has gone (unless a command still holds them). */
  function prune(): void {
    for (let i = runners.length - 1; i >= 0; i--) if (runners[i].closed && !leased.has(runners[i])) runners.splice(i, 1);
  }

  function release(r: Runner): void {
    if (r.closed) {
      leased.delete(r);
      prune();
      if (waiters.length) grow();
      return;
    }
    const next = waiters.shift();
    if (next) next(r); else leased.delete(r);
  }

  function grow(): void {
    if (dropped || starting + runners.length >= MAX_RUNNERS) return;
    starting++;
    startRunner(conn, { timeoutMs: o.runnerStartMs, onClose: () => { prune(); if (waiters.length) grow(); } }).then((r) => {
      starting--;
      runnerStarted = true;
      if (dropped) { r.close(); return; }
      runners.push(r);
      leased.add(r);
      release(r);
    }, () => {
      starting--;
      // A host where no runner ever started (no POSIX login shell, ForceCommand, no mktemp) gets plain
      // execs from now on; otherwise only the commands waiting right now fall back to one exec each.
      if (!runnerStarted) runnersUnsupported = true;
      for (const w of waiters.splice(0)) w(undefined);
    });
  }

  /** A leased runner, or undefined when commands must take a plain exec. */
  function acquire(): Promise<Runner | undefined> {
    if (runnersUnsupported || dropped) return Promise.resolve(undefined);
    prune();
    const idle = runners.find((r) => !r.closed && !leased.has(r));
    if (idle) { leased.add(idle); return Promise.resolve(idle); }
    const waiting = new Promise<Runner | undefined>((resolveWait) => waiters.push(resolveWait));
    if (starting < waiters.length) grow();
    return waiting;
  }

  function toResult(r: RawResult,
    encoding: 'utf8' | 'buffer' | undefined): RunResult<string> | RunResult<Buffer> {
    return {
      code: r.code,
      ...(r.signal ? { signal: r.signal } : {}),
      stdout: encoding === 'buffer' ? r.stdout : r.stdout.toString('utf8'),
      stderr: r.stderr.toString('utf8'),
      truncated: r.truncated,
    } as RunResult<string> | RunResult<Buffer>;
  }

  function run(argv: readonly string[], opts: RunOptions & { encoding: 'buffer' }): Promise<RunResult<Buffer>>;
  function run(argv: readonly string[], opts?: RunOptions & { encoding?: 'utf8' }): Promise<RunResult<string>>;
  function run(argv: readonly string[], opts: RunOptions & { encoding?: 'utf8' | 'buffer' } = {}): Promise<RunResult<string> | RunResult<Buffer>> {
    if (dropped) return Promise.reject(dropped);
    assert(argv.length > 0, 'empty argv');
    const envWords: string[] = [];
    for (const [k, v] of Object.entries(opts.env ?? {})) { assertEnvName(k); envWords.push(`${k}=${v}`); }
    if (envWords.length && argv[0].includes('=')) throw new FerryError('USAGE', `Command name ${JSON.stringify(argv[0])} contains '='`);
    const words = envWords.length ? ['env', ...envWords, ...argv] : argv;
    const command = quoteArgv(words); // also the NUL check, before anything is sent
    const timeoutMs = opts.timeoutMs ?? o.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT;
    const max = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const stdin = opts.stdin === undefined ? undefined : Buffer.from(opts.stdin);
    const viaRunner = !runnersUnsupported && (!stdin || fitsInline(stdin));
    return new Promise((resolveRun, reject) => {
      let finished = false;
      let onTimeout = (): void => { /* set once the command is under way */ };
      const finish = (err: FerryError | undefined, result?: RunResult<string> | RunResult<Buffer>): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        pending.delete(onDrop);
        if (err) reject(err); else if (result) resolveRun(result);
      };
      const onDrop = (err: FerryError): void => finish(err);
      pending.add(onDrop);
      const timer = setTimeout(() => {
        onTimeout();
        finish(new FerryError('TRANSPORT_TIMEOUT', `Command ${argv[0]} on ${hostName} timed out after ${timeoutMs} ms`, {
          hint: 'Raise the command timeout, or check the host for a hung process.',
        }));
      }, timeoutMs);
      const viaExec = (): void => {
        if (finished) return;
        onTimeout = execCommand(command, argv[0], { stdin, max }, (err, r) => finish(err, r && toResult(r, opts.encoding)));
      };
      if (!viaRunner) { viaExec(); return; }
      void acquire().then((r) => {
        if (!r) { viaExec(); return; }
        if (finished) { release(r); return; }
        let job;
        try {
          job = r.start(words, { stdin, maxOutputBytes: max });
        } catch {
          release(r);
          viaExec();
          return;
        }
        const { pidFile } = job;
        // A runner whose command timed out is retired, not reused: the kill may fail, and its reply may
        // never come. The kill reads the pid from the runner's directory, so the runner closes after it.
        let settled = false;
        const retire = (): void => {
          if (settled) return;
          settled = true;
          r.close();
          release(r);
        };
        onTimeout = () => {
          execCommand(quoteArgv(['sh', '-c', 'kill -KILL "$(cat "$1")" 2>/dev/null; :', 'sh', pidFile]), 'kill', { max: 4096 }, retire);
        };
        job.reply.then((reply: RunnerReply | 'unstaged') => {
          if (finished) { retire(); return; }
          if (reply === 'unstaged') { retire(); viaExec(); return; } // the command did not run: a plain exec is safe
          settled = true;
          release(r);
          finish(undefined, toResult(reply, opts.encoding));
        }, (err: unknown) => {
          if (finished) { retire(); return; }
          settled = true;
          release(r);
          if (!dropped) drop(`the command runner stopped during ${argv[0]}: ${err instanceof RunnerFailure ? err.message : String(err)}`);
          finish(dropped);
        });
      });
    });
  }

  /**
   * One exec request for `command`; calls `done` once. Returns a function that abandons the command
   * (signal KILL where sshd supports it, then close the channel).
   */
  function execCommand(command: string, what: string, x: { stdin?: Buffer; max: number },
    done: (err: FerryError | undefined, r?: RawResult) => void): () => void {
    let channel: ClientChannel | undefined;
    let abandoned = false;
    const once = (err: FerryError | undefined, r?: Parameters<typeof done>[1]): void => {
      if (abandoned) return;
      abandoned = true;
      done(err, r);
    };
    try {
      conn.exec(command, (err, stream) => {
        if (err) {
          once(dropped ?? new FerryError('TRANSPORT_COMMAND', `Could not run ${what} on ${hostName}: ${err.message}`, { cause: err }));
          return;
        }
        channel = stream;
        if (abandoned) { stream.close(); return; }
        const out = createCapture(x.max);
        const errOut = createCapture(x.max);
        let exit: { code: number | null; signal?: string } | undefined;
        stream.on('data', (c: Buffer) => out.push(c));
        stream.stderr.on('data', (c: Buffer) => errOut.push(c));
        stream.on('exit', (code: number | null, signal?: string) => {
          exit = { code: typeof code === 'number' ? code : null, ...(signal ? { signal } : {}) };
        });
        stream.on('close', () => {
          if (!exit) { drop('the command channel closed without an exit status'); once(dropped); return; }
          once(undefined, { ...exit, stdout: out.buffer(), stderr: errOut.buffer(), truncated: out.truncated || errOut.truncated });
        });
        stream.end(x.stdin ?? '');
      });
    } catch (err) {
      once(dropped ?? new FerryError('TRANSPORT_DISCONNECTED', `The connection to ${hostName} is not usable: ${(err as Error).message}`, { cause: err }));
    }
    return () => {
      abandoned = true;
      try { channel?.signal('KILL'); } catch { /* not supported by every sshd */ }
      channel?.close();
    };
  }

  // Remote forwards by port: one 'tcp connection' listener dispatches them; a connection to a port no
  // forward of ours holds is refused.
  const forwards = new Map<number, (stream: Duplex) => void>();
  const connClosed = new Promise<void>((resolveClosed) => conn.once('close', () => resolveClosed()));
  conn.on('tcp connection', (info, accept, reject) => {
    const onStream = info.destIP === '127.0.0.1' ? forwards.get(info.destPort) : undefined;
    if (onStream) onStream(accept()); else reject();
  });

  function forwardRemote(onStream: (stream: Duplex) => void): Promise<RemoteForward> {
    if (dropped) return Promise.reject(dropped);
    return new Promise((resolveFwd, reject) => {
      const ask = (cb: (err: Error | undefined, port: number) => void): void => {
        try {
          conn.forwardIn('127.0.0.1', 0, cb);
        } catch (err) {
          reject(dropped ?? new FerryError('TRANSPORT_DISCONNECTED', `The connection to ${hostName} is not usable: ${(err as Error).message}`, { cause: err }));
        }
      };
      ask((err, port) => {
        if (err) {
          reject(new FerryError('TRANSPORT_FORWARD_REFUSED', `${hostName} refused a remote port forward to 127.0.0.1 (ssh -R): ${err.message}`, {
            cause: err, hint: 'sshd allows it with AllowTcpForwarding yes (or remote) in sshd_config, and no PermitListen restricting it.',
          }));
          return;
        }
        forwards.set(port, onStream);
        let ended = false;
        let endForward = (): void => {};
        const closed = Promise.race([connClosed, new Promise<void>((resolveEnd) => { endForward = resolveEnd; })]).then(() => { forwards.delete(port); });
        resolveFwd({
          port,
          closed,
          close: () => {
            if (ended || dropped) { endForward(); return closed; }
            ended = true;
            forwards.delete(port);
            return new Promise<void>((resolveClose) => {
              try {
                conn.unforwardIn('127.0.0.1', port, () => { endForward(); resolveClose(); });
              } catch { endForward(); resolveClose(); } // the connection is going: so is the forward
            });
          },
        });
      });
    });
  }

  const transport: Transport = {
    kind: 'ssh',
    root,
    hostName,
    hostKeyFingerprint: o.hostKeyFingerprint,
    run,
    async readFile(path) {
      const p = underRoot(root, path);
      const res = await run(['cat', '--', p], { encoding: 'buffer' });
      if (res.code === 0) return res.stdout;
      if (/No such file|Not a directory/.test(res.stderr)) throw new FerryError('NOT_FOUND', `${p} does not exist on ${hostName}`);
      throw new FerryError('IO', `Reading ${p} on ${hostName} failed: ${res.stderr.trim()}`);
    },
    async writeFile(path, data, opts: WriteFileOptions = {}) {
      const p = underRoot(root, path);
      const mode = (opts.mode ?? 0o600).toString(8);
      const res = await run(['sh', '-c', 'set -e; t="$1.ferry-tmp.$$"; umask 077; cat > "$t"; chmod "$2" "$t"; mv -f "$t" "$1"', 'sh', p, mode], { stdin: data });
      if (res.code !== 0) throw new FerryError('IO', `Writing ${p} on ${hostName} failed: ${res.stderr.trim()}`);
    },
    async exists(path) {
      const res = await run(['test', '-e', underRoot(root, path)]);
      return res.code === 0;
    },
    async upload(localPath, remotePath, opts = {}) {
      let data: Buffer;
      try { data = await readFile(localPath); } catch (e) {
        throw new FerryError('IO', `Reading ${localPath} for upload failed: ${(e as Error).message}`, { cause: e });
      }
      await transport.writeFile(remotePath, data, opts);
    },
    async close() {
      if (!dropped) {
        dropped = new FerryError('TRANSPORT_DISCONNECTED', `The connection to ${hostName} was closed`);
      }
      for (const w of waiters.splice(0)) w(undefined);
      for (const r of runners.splice(0)) r.close();
      for (const c of [...clients].reverse()) c.end();
      let timer: NodeJS.Timeout | undefined;
      // A peer that never acknowledges the end must not hold the caller: the sockets are destroyed after 2 s.
      const late = new Promise<void>((resolveLate) => { timer = setTimeout(() => { for (const c of clients) c.destroy(); resolveLate(); }, 2000); });
      await Promise.race([socketsClosed, late]);
      clearTimeout(timer);
    },
    forwardRemote,
    describe: o.describe,
  };
  if (o.runners) grow(); // the first runner starts while the caller prepares its first command
  return transport;
}

