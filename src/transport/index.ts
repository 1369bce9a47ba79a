export type { Transport, RunOptions, RunResult, WriteFileOptions, TransportKind, RemoteForward } from './types.js';
export { createLocalTransport, type LocalTransportOptions } from './local.js';
export { connectSsh, type SshTransportOptions, type SshAuthOptions } from './ssh.js';
export { parseHostSpec, isValidHostname, isValidLoginName, type HostSpec } from './host-spec.js';
export { quoteArg, quoteArgv } from './quote.js';
export { resolveSshConfig, sshConfigHostAliases, type SshHostConfig } from './ssh-config.js';
export { findKnownHostKeys, verifyHostKey, fingerprintSha256, knownHostsName } from './known-hosts.js';
export { rootNotFound, underRoot } from './root.js';

import { connectSsh, type SshTransportOptions } from './ssh.js';
import { createLocalTransport } from './local.js';
import type { HostSpec } from './host-spec.js';
import type { Transport } from './types.js';

/** Opens the transport a parsed host spec names. SSH options other than host/user/port/root come from `ssh`. */
export async function openTransport(spec: HostSpec, ssh: Omit<SshTransportOptions, 'host' | 'user' | 'port' | 'root'> = {}): Promise<Transport> {
  if (spec.kind === 'local') return createLocalTransport(spec.root ? { root: spec.root } : {});
  return connectSsh({ ...ssh, host: spec.host, user: spec.user, port: spec.port, root: spec.root });
}
