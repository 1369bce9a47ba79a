/**
 * known_hosts checking (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): plain and hashed (`|1|salt|hmac-sha1`)
 * host patterns, `[host]:port` for non-22 ports, wildcards and negation, @revoked keys. @cert-authority
 * lines are not supported (certificates are not verified) and are ignored.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { matchHostPatterns } from './ssh-config.js';

export interface KnownHostKey {
  type: string;
  /** The raw public key blob (base64-decoded). */
  key: Buffer;
  revoked: boolean;
  /** file:line, for messages. */
  where: string;
}

/** The name known_hosts uses for a host and port. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** OpenSSH's `SHA256:<base64 without padding>` fingerprint of a public key blob. */
export function fingerprintSha256(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  return matchHostPatterns(field.split(','), name);
}

/** One key line of a known_hosts file, parsed: its host field (patterns or a hashed name) and key. */
export interface KnownHostsEntry extends KnownHostKey {
  hosts: string;
}

/** Every key line of a known_hosts file (comments, blank and @cert-authority lines left out). */
export function parseKnownHosts(text: string, file = 'known_hosts'): KnownHostsEntry[] {
  const out: KnownHostsEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0].startsWith('@')) {
      const marker = fields.shift();
      if (marker === '@cert-authority') return;
      revoked = marker === '@revoked';
    }
    const [hosts, type, b64] = fields;
    if (!hosts || !type || !b64) return;
    out.push({ hosts, type, key: Buffer.from(b64, 'base64'), revoked, where: `${file}:${i + 1}` });
  });
  return out;
}

/** The entries that name `host`:`port`. */
export function matchKnownHostKeys(entries: readonly KnownHostsEntry[], host: string, port: number): KnownHostKey[] {
  const name = knownHostsName(host, port);
  return entries.filter((e) => hostFieldMatches(e.hosts, name)).map(({ type, key, revoked, where }) => ({ type, key, revoked, where }));
}

/** Every key line in `text` that names `host`:`port`. */
export function findKnownHostKeys(text: string, host: string, port: number, file = 'known_hosts'): KnownHostKey[] {
  return matchKnownHostKeys(parseKnownHosts(text, file), host, port);
}

/**
 * A known_hosts file's entries, parsed once per process and again only when the file changed (its size,
 * mtime or inode): a fleet collection checks every host against the same file, which grows with the fleet.
 * undefined when the file does not exist.
 */
const knownHostsFiles = new Map<string, { stamp: string; entries: KnownHostsEntry[] }>();
export function readKnownHostsFile(file: string): KnownHostsEntry[] | undefined {
  let st;
  try {
    st = statSync(file);
  } catch {
    return undefined;
  }
  const stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
  const cached = knownHostsFiles.get(file);
  if (cached?.stamp === stamp) return cached.entries;
  const entries = parseKnownHosts(readFileSync(file, 'utf8'), file);
  knownHostsFiles.set(file, { stamp, entries });
  return entries;
}

export type HostKeyVerdict =
  | { ok: true }
  | { ok: false; reason: 'unknown' | 'mismatch' | 'revoked'; fingerprint: string; detail: string };

/** Decides whether the key a server presented is one of the known keys. */
export function verifyHostKey(known: KnownHostKey[], presented: Buffer): HostKeyVerdict {
  const fingerprint = fingerprintSha256(presented);
  const revoked = known.find((k) => k.revoked && k.key.equals(presented));
  if (revoked) return { ok: false, reason: 'revoked', fingerprint, detail: `the key is marked @revoked at ${revoked.where}` };
  const good = known.filter((k) => !k.revoked);
  if (good.some((k) => k.key.equals(presented))) return { ok: true };
  if (good.length === 0) return { ok: false, reason: 'unknown', fingerprint, detail: 'the host is not in known_hosts' };
  return { ok: false, reason: 'mismatch', fingerprint, detail: `known_hosts has a different key (${good.map((k) => `${k.type} at ${k.where}`).join(', ')})` };
}

/** ssh2 server host key algorithm names that can present a key of known_hosts type `type`. */
export function hostKeyAlgorithmsFor(type: string): string[] {
  if (type === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [type];
}
