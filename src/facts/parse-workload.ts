/**
 * Readers of the workload section's command outputs (sections/workload.ts): systemctl's plain tables, ss,
 * findmnt -J, ip -j, sshd -T, /etc/passwd and /etc/group, /etc/alternatives links. Pure; each returns its
 * part of WorkloadFacts, and a reader given output it cannot read throws naming the command.
 */
import { sha256Hex } from '../core/index.js';
import { readFindmntJson } from './parse-findmnt.js';

export interface WorkloadUnit { name: string; load: string; active: string; sub: string }
export interface WorkloadUnitFile { name: string; state: string }
export interface WorkloadListener { proto: string; address: string; port: number; process?: string }
export interface WorkloadMount { target: string; source: string; fstype: string; options: string }
export interface WorkloadInterface { name: string; mac?: string; addresses: string[] }
export interface WorkloadUser { name: string; uid: number; gid: number; home: string; shell: string }
export interface WorkloadGroup { name: string; gid: number; members: string[] }

/**
 * `systemctl list-units --all --plain --no-legend --no-pager`: UNIT LOAD ACTIVE SUB DESCRIPTION. systemd
 * before 246 (EL7's 219, EL8's 239) has no JSON output, and prints a `●` before a failed unit without --plain.
 */
export function parseListUnits(text: string): WorkloadUnit[] {
  const out: WorkloadUnit[] = [];
  for (const line of text.split('\n')) {
    const f = line.replace(/^\s*●\s*/, '').trim().split(/\s+/);
    if (f.length < 4 || !f[0].includes('.')) continue;
    out.push({ name: f[0], load: f[1], active: f[2], sub: f[3] });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** `systemctl list-unit-files --no-legend --no-pager`: UNIT STATE [VENDOR-PRESET]. */
export function parseListUnitFiles(text: string): WorkloadUnitFile[] {
  const out: WorkloadUnitFile[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 2 && f[0].includes('.')) out.push({ name: f[0], state: f[1] });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Whether a unit file counts as enabled: systemctl's state `enabled` only (not `enabled-runtime`, `alias`,
 * `indirect`, `static`, `generated`). The one rule for verification's services and the workload diff.
 */
export function isEnabledUnitFile(u: WorkloadUnitFile): boolean {
  return u.state === 'enabled';
}

/** The unit names systemctl calls enabled, from list-unit-files output (what verification compares). */
export function enabledUnitNames(text: string): string[] {
  return [...new Set(parseListUnitFiles(text).filter(isEnabledUnitFile).map((u) => u.name))].sort();
}

/**
 * `ss -ltnup` (with or without its header; -H is iproute2 4.17+, EL7 has 4.11): Netid State Recv-Q Send-Q
 * Local:Port Peer:Port [users:(("name",pid=…))]. The local column is `addr:port`, `[v6]:port`, `*:port`
 * or `addr%if:port`.
 */
export function parseSs(text: string): WorkloadListener[] {
  const out = new Map<string, WorkloadListener>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || f[0] === 'Netid' || !/^(tcp|udp)/.test(f[0])) continue;
    const local = f[4];
    const i = local.lastIndexOf(':');
    const port = Number(local.slice(i + 1));
    if (i < 0 || !Number.isInteger(port)) continue;
    const address = local.slice(0, i).replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
    const process = /users:\(\("([^"]*)"/.exec(line)?.[1];
    const l: WorkloadListener = { proto: f[0], address, port, ...(process ? { process } : {}) };
    out.set(`${l.proto} ${l.address} ${l.port}`, l);
  }
  return [...out.values()].sort((a, b) => a.port - b.port || a.proto.localeCompare(b.proto) || a.address.localeCompare(b.address));
}

/** `findmnt -J -o TARGET,SOURCE,FSTYPE,OPTIONS` (tree or --list): every mount, flattened, by target. */
export function parseFindmnt(text: string): WorkloadMount[] {
  return readFindmntJson(text).filter((n) => typeof n.target === 'string')
    .map((n) => ({ target: n.target as string, source: String(n.source ?? ''), fstype: String(n.fstype ?? ''), options: String(n.options ?? '') }))
    .sort((a, b) => a.target.localeCompare(b.target));
}

interface IpAddrEntry { ifname?: unknown; address?: unknown; addr_info?: unknown }

/** `ip -j addr`: each interface with its MAC (link/ether) and its addresses as `addr/prefix`. */
export function parseIpAddr(text: string): WorkloadInterface[] {
  const doc = JSON.parse(text) as unknown;
  if (!Array.isArray(doc)) throw new Error('ip -j addr: not a JSON array');
  return (doc as IpAddrEntry[]).filter((e) => typeof e.ifname === 'string').map((e) => {
    const addrs = Array.isArray(e.addr_info) ? (e.addr_info as Array<{ local?: unknown; prefixlen?: unknown }>) : [];
    return {
      name: e.ifname as string,
      ...(typeof e.address === 'string' && e.address !== '00:00:00:00:00:00' ? { mac: e.address } : {}),
      addresses: addrs.filter((a) => typeof a.local === 'string').map((a) => `${String(a.local)}/${String(a.prefixlen)}`).sort(),
    };
  }).sort((a, b) => a.name.localeCompare(b.name));
}

interface IpRouteEntry { dst?: unknown; gateway?: unknown; dev?: unknown }

/** `ip -j route`: each route as `DST [via GW] dev DEV` (what a workload reaches its peers by). */
export function parseIpRoute(text: string): string[] {
  const doc = JSON.parse(text) as unknown;
  if (!Array.isArray(doc)) throw new Error('ip -j route: not a JSON array');
  return [...new Set((doc as IpRouteEntry[]).map((r) => `${String(r.dst ?? '?')}${typeof r.gateway === 'string' ? ` via ${r.gateway}` : ''}${typeof r.dev === 'string' ? ` dev ${r.dev}` : ''}`))].sort();
}

/** `sshd -T`: keyword (lowercase, as sshd prints it) → value; a repeated keyword (listenaddress) keeps every value, joined by ', '. */
export function parseSshdT(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const k = m[1].toLowerCase();
    out[k] = k in out ? `${out[k]}, ${m[2]}` : m[2];
  }
  return out;
}

/** /etc/passwd: name, uid, gid, home and shell (the GECOS field is left out: free text, sometimes personal). */
export function parsePasswd(text: string): WorkloadUser[] {
  return text.split('\n').map((l) => l.split(':')).filter((f) => f.length >= 7 && f[0] && !f[0].startsWith('#') && !f[0].startsWith('+'))
    .map((f) => ({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5], shell: f[6].trim() }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** /etc/group: name, gid, members. */
export function parseGroup(text: string): WorkloadGroup[] {
  return text.split('\n').map((l) => l.split(':')).filter((f) => f.length >= 4 && f[0] && !f[0].startsWith('#') && !f[0].startsWith('+'))
    .map((f) => ({ name: f[0], gid: Number(f[2]), members: f[3].trim().split(',').filter(Boolean).sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `NAME<TAB>TARGET` lines (the /etc/alternatives links) → name → target. */
export function parseAlternatives(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('\t');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** A crontab is compared by content digest: its commands may carry credentials, which facts never keep. */
export function crontabDigest(content: string): string {
  return `sha256:${sha256Hex(content)}`;
}
