/**
 * The one set of host flags every host command takes (assess, plan, migrate, resume, rollback, status),
 * mapped to the app's HostOptions. The host itself is the command's argument.
 */
import type { Command } from 'commander';
import type { HostOptions } from '../app/host.js';
import { collect } from './output.js';
import { PASSWORD_FILE_HELP, readSshPassword } from './ssh-password.js';

export interface HostFlags {
  root?: string;
  identity?: string[];
  knownHosts?: string[];
  passwordFile?: string;
}

export const HOST_ARGUMENT_HELP = 'local, host, user@host, user@host:port or ssh://user@host:port (~/.ssh/config aliases too)';

export function withHostFlags(c: Command): Command {
  return c.option('--root <dir>', 'act on an installed root below DIR on that host (a mounted image, a lab root)')
    .option('-i, --identity <file>', 'SSH private key, tried before the ssh-agent\'s keys (repeatable; an encrypted one takes its passphrase from FERRY_SSH_KEY_PASSPHRASE)', collect)
    .option('--known-hosts <file>', 'known_hosts file for host key checking (repeatable)', collect)
    .option('--password-file <file>', PASSWORD_FILE_HELP);
}

export function hostOptions(host: string, f: HostFlags): HostOptions {
  const password = host !== 'local' ? readSshPassword(f.passwordFile) : undefined;
  // The key passphrase comes from the environment only: argv is visible to every user in ps.
  const passphrase = host !== 'local' ? process.env.FERRY_SSH_KEY_PASSPHRASE || undefined : undefined;
  return {
    host,
    ...(f.root !== undefined ? { root: f.root } : {}),
    ...(f.identity?.length ? { identityFiles: f.identity } : {}),
    ...(f.knownHosts?.length ? { knownHostsFiles: f.knownHosts } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(passphrase !== undefined ? { passphrase } : {}),
  };
}

/** The keys and known_hosts a command that reaches many hosts (worker, serve) uses for hosts whose inventory names none. */
export interface FleetKeyFlags { identity?: string[]; knownHosts?: string[] }

export function withFleetKeyFlags(c: Command): Command {
  return c.option('-i, --identity <file>', 'SSH private key for hosts whose inventory names none (repeatable)', collect)
    .option('--known-hosts <file>', 'known_hosts file for host key checking (repeatable)', collect);
}

export function fleetHostDefaults(f: FleetKeyFlags): Pick<HostOptions, 'identityFiles' | 'knownHostsFiles'> {
  return { ...(f.identity?.length ? { identityFiles: f.identity } : {}), ...(f.knownHosts?.length ? { knownHostsFiles: f.knownHosts } : {}) };
}
