/**
 * The host context: how every command opens a host. One set of host options and one `openHost()`:
 * `local` or an SSH host (`host`, `user@host`, `user@host:port`, `ssh://user@host:port`, `[::1]:22`), an
 * optional root prefix (`--root DIR`: a mounted image or an installed root, on that host), private keys
 * (`-i`), known_hosts files, a password (from a file or the environment, never argv) and ~/.ssh/config.
 *
 * The ssh-agent rule is OpenSSH's: keys given with `-i` are tried first, then the agent's, unless the
 * host's ssh config says IdentitiesOnly (ssh(1): "-i … in addition to the identities of the agent").
 * A root that does not exist on the host is an error naming it, before anything is read below it.
 */
import { FerryError } from '../core/index.js';
import { openTransport, parseHostSpec, rootNotFound, type HostSpec, type Transport } from '../transport/index.js';

export interface HostOptions {
  /** `local`, `host`, `user@host`, `user@host:port`, `ssh://user@host:port`. */
  host: string;
  /** A root prefix on that host: facts are read and changes made below it. */
  root?: string;
  /** SSH private key files, tried in order before the agent's keys. */
  identityFiles?: readonly string[];
  /** known_hosts files; default: ~/.ssh/known_hosts and the ssh config's UserKnownHostsFile. */
  knownHostsFiles?: readonly string[];
  /** SSH password (for hosts without key or agent authentication). */
  password?: string;
  /** SSH handshake + authentication timeout, ms (default: the ssh config's ConnectTimeout, else 15 s). */
  connectTimeoutMs?: number;
  /** Passphrase of encrypted private keys (from the environment, never argv). */
  passphrase?: string;
  /**
   * The caller runs one command, which checks the root itself (fleet collection: the facts script fails with
   * rootNotFound's NOT_FOUND): no persistent runner on the connection and no separate root check, each of
   * which would cost the host a login shell and more processes than the command itself saves.
   */
  singleCommand?: boolean;
}

/** The parsed host spec; a malformed one is HOST_INVALID before anything is contacted. */
export function hostSpecOf(o: Pick<HostOptions, 'host' | 'root'>): HostSpec {
  return parseHostSpec(o.host, o.root !== undefined ? { root: o.root } : {});
}

/** Opens the host. The caller closes the transport. */
export async function openHost(o: HostOptions): Promise<Transport> {
  const spec = hostSpecOf(o);
  const auth = {
    ...(o.identityFiles?.length ? { identityFiles: [...o.identityFiles] } : {}),
    ...(o.password !== undefined ? { password: o.password } : {}),
    ...(o.passphrase !== undefined ? { passphrase: o.passphrase } : {}),
  };
  const transport = await openTransport(spec, {
    ...(Object.keys(auth).length ? { auth } : {}),
    ...(o.knownHostsFiles?.length ? { knownHostsFiles: [...o.knownHostsFiles] } : {}),
    ...(o.connectTimeoutMs !== undefined ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
    ...(o.singleCommand ? { runners: false } : {}),
  });
  if (spec.root !== undefined && !o.singleCommand && !await transport.exists('/').catch(() => false)) {
    await transport.close();
    throw rootNotFound(spec.root, spec.kind === 'local' ? 'this machine' : spec.host);
  }
  return transport;
}

/** Runs `fn` with the host open, and closes it whatever happens. */
export async function withHost<T>(o: HostOptions, fn: (transport: Transport) => Promise<T>): Promise<T> {
  const transport = await openHost(o);
  try {
    return await fn(transport);
  } finally {
    await transport.close();
  }
}
export type { Transport } from '../transport/index.js';

/** The inventory variable naming a root prefix on the host (the lab's installed roots, a mounted image). */
export const HOST_ROOT_VAR = 'ferry_root';

/** Connection and defaults of a host the store knows (from an inventory) → the options `openHost` takes. */
export function hostOptionsFor(
  host: { name: string; address: string | null; connection: { address?: string; port?: number; user?: string; identityFile?: string }; vars: Record<string, unknown> },
  defaults: Pick<HostOptions, 'identityFiles' | 'knownHostsFiles'> = {},
): HostOptions {
  const root = host.vars[HOST_ROOT_VAR];
  if (root !== undefined && typeof root !== 'string') throw new FerryError('HOST_INVALID', `${host.name}: ${HOST_ROOT_VAR} must be a path, got ${JSON.stringify(root)}`);
  const common = {
    ...(root !== undefined ? { root } : {}),
    ...(defaults.knownHostsFiles?.length ? { knownHostsFiles: defaults.knownHostsFiles } : {}),
  };
  if (host.vars.ansible_connection === 'local') return { host: 'local', ...common };
  const address = host.connection.address ?? host.address ?? host.name;
  const bracketed = address.includes(':') ? `[${address}]` : address;
  const identityFiles = [...(host.connection.identityFile ? [host.connection.identityFile] : []), ...(defaults.identityFiles ?? [])];
  return {
    host: `ssh://${host.connection.user ? `${host.connection.user}@` : ''}${bracketed}${host.connection.port ? `:${host.connection.port}` : ''}`,
    ...common,
    ...(identityFiles.length ? { identityFiles } : {}),
  };
}
