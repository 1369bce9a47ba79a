/**
 * Host specifications as users type them: `local`, `host`, `user@host`, `user@host:port`, `[::1]:2222`,
 * `ssh://user@host:port`, `ssh://[::1]:2222`, plus an optional root prefix (`--root DIR`). A bare IPv6
 * address (two colons or more) takes no port unless bracketed, as in ssh:// URLs.
 * Everything that reaches ssh2 or a message passes through here, so hostnames that could be read as
 * options or shell syntax (`-oProxyCommand=…`, `host;id`, spaces, newlines) are rejected.
 */
import { FerryError } from '../core/index.js';
import { normaliseRoot } from './root.js';

export type HostSpec =
  | { kind: 'local'; root?: string }
  | { kind: 'ssh'; host: string; user?: string; port?: number; root?: string };

const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})$/;
const USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}\$?$/;
const IPV6 = /^[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?$/;

/** True for a DNS name, an IPv4 address or (bare) IPv6 address; never a string starting with '-'. */
export function isValidHostname(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  if (host.includes(':')) return IPV6.test(host) && host.split(':').length >= 3;
  const labels = host.replace(/\.$/, '').split('.');
  return labels.every((l) => LABEL.test(l));
}

/** True for a login name ssh2 may be given: starts with a letter or '_', never with '-'. */
export function isValidLoginName(user: string): boolean {
  return USER.test(user);
}

function invalid(spec: string, why: string): FerryError {
  return new FerryError('HOST_INVALID', `Host ${JSON.stringify(spec)} is invalid: ${why}`, {
    hint: 'Use local, host, user@host or ssh://user@host:port (and --root DIR for an image or lab root).',
  });
}

export function parseHostSpec(spec: string, options: { root?: string } = {}): HostSpec {
  const root = normaliseRoot(options.root);
  if (/[\s\0]/.test(spec)) throw invalid(spec, 'it contains whitespace or control characters');
  if (spec === 'local' || spec === '') {
    if (spec === '' && !root) throw invalid(spec, 'it is empty');
    return { kind: 'local', ...(root ? { root } : {}) };
  }
  let rest = spec;
  let port: number | undefined;
  const url = /^ssh:\/\//i.test(rest);
  if (url) {
    rest = rest.slice(6);
    if (rest.endsWith('/')) rest = rest.slice(0, -1);
    if (rest.includes('/') || rest.includes('?') || rest.includes('#')) throw invalid(spec, 'an ssh:// URL takes no path');
    const m = /^(.*?)(?::(\d{1,5}))?$/.exec(rest.replace(/^(.*@)?\[([^\]]+)\]/, (_all, u: string | undefined, h: string) => `${u ?? ''}${h.replace(/:/g, '\u0001')}`));
    if (!m) throw invalid(spec, 'it is not user@host:port');
    rest = m[1].replace(/\u0001/g, ':');
    if (m[2] !== undefined) {
      port = Number(m[2]);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(spec, `port ${m[2]} is out of range`);
    }
  } else if (spec.includes('://')) {
    throw invalid(spec, 'only ssh:// URLs are supported');
  } else {
    // user@host:port and [v6]:port; a bare v6 address (several colons) is left whole.
    const at = rest.lastIndexOf('@');
    const hostPart = rest.slice(at + 1);
    const m = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(hostPart) ?? (hostPart.split(':').length === 2 ? /^([^:]*):(\d{1,5})$/.exec(hostPart) : null);
    if (hostPart.split(':').length === 2 && !m) throw invalid(spec, `${JSON.stringify(hostPart)} is not host:port`);
    if (m) {
      rest = rest.slice(0, at + 1) + m[1];
      if (m[2] !== undefined) port = Number(m[2]);
    }
  }
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw invalid(spec, `port ${port} is out of range`);
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    // As OpenSSH 9.2 (`ssh -G`): the user of an ssh:// URL is percent-decoded, a malformed escape refused;
    // in user@host a % is the user's own character (and no valid login name has one).
    user = url ? decodeUser(spec, rest.slice(0, at)) : rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!isValidLoginName(user)) throw invalid(spec, `user ${JSON.stringify(user)} is not a valid login name`);
  }
  if (!isValidHostname(rest)) throw invalid(spec, `${JSON.stringify(rest)} is not a hostname or IP address`);
  return { kind: 'ssh', host: rest, ...(user ? { user } : {}), ...(port ? { port } : {}), ...(root ? { root } : {}) };
}

function decodeUser(spec: string, encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw invalid(spec, `user ${JSON.stringify(encoded)} has a malformed %-escape (an ssh:// URL percent-encodes the user: %XX, two hex digits)`);
  }
}
