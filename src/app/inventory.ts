/**
 * Inventory use cases: read inventory files (any format Ferry takes), refuse hosts that could not be reached
 * safely, record them in the store with an audit entry, and list stored hosts through a selector.
 * Parsing is src/fleet's (Ansible INI/YAML, CSV); ~/.ssh/config and host lists are read here because their
 * readers are the transport's (resolveSshConfig, parseHostSpec), so an alias or `user@host:port` means
 * the same in an inventory as on the command line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { FerryError, globToRegExp, isFerryError, isGlob, type JsonValue } from '../core/index.js';
import {
  createInventoryData, detectInventoryFormat, finishInventory, INVENTORY_FORMATS, inventoryDirFiles, inventoryError, parseInventorySource,
  type Inventory, type InventoryData, type InventoryFormat, type InventoryHost, type InventoryReader,
} from '../fleet/inventory/index.js';
import { selectHosts, type SelectableHost } from '../fleet/selector.js';
import type { HostRecord, Store } from '../store/index.js';
import { operatorName } from './store.js';
import { isValidHostname, isValidLoginName, parseHostSpec, resolveSshConfig, sshConfigHostAliases } from '../transport/index.js';

/** The file system as the inventory parsers read it. */
export const fileInventoryReader: InventoryReader = {
  readText(path) {
    try {
      if (!statSync(path).isFile()) return undefined;
      return readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw new FerryError('IO', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
    }
  },
  listDir(path) {
    try {
      return readdirSync(path, { withFileTypes: true }).map((d) => ({ name: d.name, isDirectory: d.isDirectory() || (d.isSymbolicLink() && statSync(join(path, d.name), { throwIfNoEntry: false })?.isDirectory() === true) }));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw new FerryError('IO', `cannot list ${path}: ${(e as Error).message}`, { cause: e });
    }
  },
};

/** ssh_config `Include` lines replaced by the files they name (relative to ~/.ssh; `*` globs in the last component). */
function inlineIncludes(text: string, file: string, reader: InventoryReader, home: string, depth = 0): string {
  if (depth > 8) throw inventoryError({ file, line: 1 }, 'Include nests more than 8 deep');
  return text.split(/\r?\n/).map((line, i) => {
    const m = /^\s*Include\s+(.+)$/i.exec(line);
    if (!m) return line;
    return m[1].trim().split(/\s+/).flatMap((pattern) => {
      const p = pattern.replace(/^~(?=\/)/, home);
      const abs = isAbsolute(p) ? p : join(home, '.ssh', p);
      const base = abs.slice(abs.lastIndexOf('/') + 1);
      if (isGlob(dirname(abs))) throw inventoryError({ file, line: i + 1 }, `Include ${JSON.stringify(pattern)}: a wildcard in a directory is not supported`);
      const names = isGlob(base)
        ? (reader.listDir(dirname(abs)) ?? []).filter((e) => !e.isDirectory && globToRegExp(base).test(e.name)).map((e) => join(dirname(abs), e.name)).sort()
        : [abs];
      return names.map((n) => inlineIncludes(reader.readText(n) ?? '', n, reader, home, depth + 1));
    }).join('\n');
  }).join('\n');
}

/** Hosts named outright by an ssh config (Host lines without wildcards), with the connection ssh would use. */
function readSshConfig(data: InventoryData, text: string, file: string, reader: InventoryReader, home: string): void {
  const hasInclude = /^\s*Include\s/im.test(text);
  const full = hasInclude ? inlineIncludes(text, file, reader, home) : text;
  for (const { alias, line } of sshConfigHostAliases(full)) {
    // after inlining, line numbers past an Include point into the joined text: report the file itself then
    const at = { file, line: hasInclude ? 1 : line };
    const c = resolveSshConfig(full, alias, { home });
    data.addHost(alias, undefined, at);
    if (c.hostName) data.setHostVar(alias, 'ansible_host', c.hostName);
    if (c.port !== undefined) data.setHostVar(alias, 'ansible_port', c.port);
    if (c.user) data.setHostVar(alias, 'ansible_user', c.user);
    if (c.identityFiles[0]) data.setHostVar(alias, 'ansible_ssh_private_key_file', c.identityFiles[0]);
  }
}

/** A plain host list: one `[user@]host[:port]` per line, `#` comments. */
function readHostList(data: InventoryData, text: string, file: string): void {
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const at = { file, line: i + 1 };
    let spec;
    try {
      spec = parseHostSpec(line);
    } catch (e) {
      if (isFerryError(e, 'HOST_INVALID')) throw inventoryError(at, e.message);
      throw e;
    }
    if (spec.kind !== 'ssh') throw inventoryError(at, `${JSON.stringify(line)} is not a remote host`);
    data.addHost(spec.host, undefined, at);
    if (spec.port !== undefined) data.setHostVar(spec.host, 'ansible_port', spec.port);
    if (spec.user !== undefined) data.setHostVar(spec.host, 'ansible_user', spec.user);
  });
}

/**
 * Refuses what must never reach ssh: an address that is not a hostname or IP address, a login name that
 * is not one (both could be read as options: `-oProxyCommand=…`), an identity file with control characters
 * or a leading '-'. The transport checks the same at connect time; refusing at import names the file:line.
 */
function checkConnection(h: InventoryHost): void {
  const address = h.connection.address ?? h.name;
  const problems: string[] = [];
  // a local connection (ansible_connection=local, as the lab's root hosts use) has no address to reach
  if (h.vars.ansible_connection !== 'local' && !isValidHostname(address)) problems.push(`address ${JSON.stringify(address)} is not a hostname or IP address${h.connection.address ? '' : ' (the host name is its address when ansible_host is not set)'}`);
  if (h.connection.user !== undefined && !isValidLoginName(h.connection.user)) problems.push(`user ${JSON.stringify(h.connection.user)} is not a login name`);
  if (h.connection.identityFile !== undefined && (/\p{Cc}/u.test(h.connection.identityFile) || h.connection.identityFile.startsWith('-'))) problems.push(`identity file ${JSON.stringify(h.connection.identityFile)} has control characters or starts with '-'`);
  if (problems.length) throw inventoryError(h.origin, `host ${JSON.stringify(h.name)}: ${problems.join('; ')}`, { hint: 'Set ansible_host/ansible_user to a plain hostname/IP address and login name.' });
}

/** Ansible connection plugins that mean what Ferry does: SSH (ssh, smart, paramiko) or this machine (local). */
const SSH_OR_LOCAL = new Set(['ssh', 'smart', 'paramiko', 'paramiko_ssh', 'local']);

export interface ReadInventoryOptions {
  /** Every file's format; detected per file (extension, then content) when omitted. */
  format?: InventoryFormat;
  reader?: InventoryReader;
  /** For ~ in ssh configs. */
  home?: string;
}

/** Reads inventory files (several merge as `ansible-inventory -i A -i B` does) into one inventory; nothing is stored. */
export function readInventory(files: readonly string[], opts: ReadInventoryOptions = {}): Inventory & { formats: Record<string, InventoryFormat> } {
  const reader = opts.reader ?? fileInventoryReader;
  const home = opts.home ?? homedir();
  if (opts.format !== undefined && !(INVENTORY_FORMATS as readonly string[]).includes(opts.format)) {
    throw new FerryError('USAGE', `unknown inventory format ${JSON.stringify(opts.format)}`, { hint: `One of ${INVENTORY_FORMATS.join(', ')}.` });
  }
  const data = createInventoryData();
  const varsDirs: string[] = [];
  const formats: Record<string, InventoryFormat> = {};
  const readFile = (file: string): void => {
    const text = reader.readText(file);
    if (text === undefined) throw new FerryError('NOT_FOUND', `inventory ${file} does not exist or is not a file`);
    const format = opts.format ?? detectInventoryFormat(file, text);
    formats[file] = format;
    if (format === 'ssh-config') readSshConfig(data, text, file, reader, home);
    else if (format === 'list') readHostList(data, text, file);
    else parseInventorySource(data, { path: file, text, format });
    if (format === 'ini' || format === 'yaml') varsDirs.push(dirname(file));
  };
  for (const path of files) {
    if (reader.listDir(path) === undefined) { readFile(path); continue; }
    // a directory is an Ansible inventory of its files, with group_vars/ and host_vars/ of its own
    const before = varsDirs.length;
    inventoryDirFiles(reader, path).forEach(readFile);
    varsDirs.splice(before, varsDirs.length - before, path);
  }
  const inventory = finishInventory(data, varsDirs, reader);
  inventory.hosts.forEach(checkConnection);
  const foreign = inventory.hosts.filter((h) => typeof h.vars.ansible_connection === 'string' && !SSH_OR_LOCAL.has(h.vars.ansible_connection));
  for (const kind of new Set(foreign.map((h) => String(h.vars.ansible_connection)))) {
    const names = foreign.filter((h) => h.vars.ansible_connection === kind).map((h) => h.name);
    inventory.notices.push(`ansible_connection=${kind} on ${names.length} host${names.length === 1 ? '' : 's'} (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}): Ferry reaches hosts over SSH (or locally), so it will connect to them over SSH`);
  }
  return { ...inventory, formats };
}

export interface ImportSummary {
  files: Array<{ file: string; format: InventoryFormat; hosts: number }>;
  hosts: number;
  groups: number;
  notices: string[];
  /** Hosts of these sources that the inventory no longer lists, marked removed by this import. */
  removed: string[];
  /** Hosts deleted by this import (--prune): every removed host of these sources, the ones just removed included. */
  pruned: string[];
}

/**
 * The stored hosts that came from what was imported — a file read now, or a file under a directory given now (a
 * file deleted from an inventory directory included) — and that the inventory no longer lists. The
 * inventory is the truth for its source, as Ansible's is: hosts from other files, or recorded by single-host
 * commands, are never touched.
 */
export function hostsGoneFrom(stored: readonly HostRecord[], listed: ReadonlySet<string>, read: { files: readonly string[]; dirs: readonly string[] }): HostRecord[] {
  const files = new Set(read.files);
  const fromSource = (source: string | null): boolean => source !== null && (files.has(source) || read.dirs.some((d) => source.startsWith(`${d.replace(/\/+$/, '')}/`)));
  return stored.filter((h) => !listed.has(h.name) && fromSource(h.source));
}

export interface ImportOptions extends ReadInventoryOptions {
  env?: NodeJS.ProcessEnv;
  /** Delete the hosts these sources no longer list (HOST_IN_ROLLOUT for one a rollout still has under way), instead of keeping them marked removed. */
  prune?: boolean;
}

/**
 * Imports inventory files into the store (hosts created or updated; stored labels kept), audited. Hosts these
 * sources listed before and no longer do are marked removed (hostsGoneFrom), or with `prune` deleted.
 */
export async function importInventory(store: Store, files: readonly string[], opts: ImportOptions = {}): Promise<ImportSummary> {
  const absolute = files.map((f) => resolve(f));
  const inv = readInventory(absolute, opts);
  const stored = await store.listHosts();
  const prior = new Map(stored.map((h) => [h.name, h]));
  const reader = opts.reader ?? fileInventoryReader;
  const gone = hostsGoneFrom(stored, new Set(inv.hosts.map((h) => h.name)), {
    files: Object.keys(inv.formats), dirs: absolute.filter((p) => reader.listDir(p) !== undefined),
  });
  // Deleting first: a host a rollout still has under way refuses the whole import before anything is written.
  const pruned = opts.prune && gone.length ? gone.map((h) => h.name) : [];
  if (pruned.length) await store.deleteHosts(pruned);
  await store.upsertHosts(inv.hosts.map((h) => ({
    name: h.name,
    address: h.connection.address ?? h.name,
    groups: h.groups,
    vars: h.vars,
    connection: h.connection,
    source: h.origin.file,
    ...(Object.keys(h.labels).length ? { labels: { ...(prior.get(h.name)?.labels ?? {}), ...h.labels } } : {}),
  })));
  const newlyGone = gone.filter((h) => h.removedAt === null).map((h) => h.name);
  if (!opts.prune && newlyGone.length) await store.markHostsRemoved(newlyGone);
  const summary: ImportSummary = {
    files: Object.entries(inv.formats).map(([file, format]) => ({ file, format, hosts: inv.hosts.filter((h) => h.origin.file === file).length })),
    hosts: inv.hosts.length,
    groups: inv.groups.filter((g) => g.name !== 'all' && g.name !== 'ungrouped').length,
    notices: inv.notices,
    removed: newlyGone,
    pruned,
  };
  const details: JsonValue = { files: summary.files, hosts: summary.hosts, groups: summary.groups, notices: summary.notices, removed: summary.removed, pruned: summary.pruned };
  await store.appendAudit({ operator: operatorName(opts.env), action: 'inventory.import', subject: absolute.join(' '), details });
  return summary;
}

/**
 * The stored hosts a selector picks (every host without one). A host's release is its `source` label (set
 * when it is assessed); readiness per target is the newest fleet assessment's. Hosts removed from their
 * inventory are never picked, unless `includeRemoved` (ferry inventory list, which shows them as removed).
 */
export async function listInventory(store: Pick<Store, 'listHosts' | 'listFleetAssessments'>, selector?: string, opts: { includeRemoved?: boolean } = {}): Promise<HostRecord[]> {
  const hosts = (await store.listHosts()).filter((h) => opts.includeRemoved === true || h.removedAt === null);
  if (selector === undefined || selector.trim() === '') return hosts;
  const readiness = new Map<string, Record<string, string>>();
  if (selector.includes('readiness:')) {
    for (const r of await store.listFleetAssessments()) readiness.set(r.hostName, { ...(readiness.get(r.hostName) ?? {}), [r.target]: r.readiness });
  }
  const selectable: SelectableHost[] = hosts.map((h) => ({ name: h.name, groups: h.groups, labels: h.labels, release: h.labels.source ?? null, readiness: readiness.get(h.name) ?? {} }));
  const picked = new Set(selectHosts(selector, selectable));
  return hosts.filter((h) => picked.has(h.name));
}
