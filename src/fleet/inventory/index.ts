/**
 * Inventory import, pure: text in, hosts with groups, merged variables and connection out. Ansible INI and
 * YAML read as ansible-core 2.14 does (with group_vars/ and host_vars/ beside each file, through the
 * caller's reader) and CSV host tables; ~/.ssh/config and plain host lists are read by src/app, which owns
 * the transport's ssh_config and host-spec readers, into the same InventoryData.
 */
import { dirname, join } from 'node:path';
import { parseCsvInventory } from './csv.js';
import { parseIniInventory } from './ini.js';
import { createInventoryData, resolveInventory, type InventoryData } from './inventory-data.js';
import type { Inventory, InventoryReader } from './types.js';
import { readVarsSource } from './vars-files.js';
import { parseYamlInventory } from './yaml.js';

export type { Inventory, InventoryConnection, InventoryGroup, InventoryHost, InventoryOrigin, InventoryReader } from './types.js';
export { checkName, createInventoryData, inventoryError, isSecretVar, resolveInventory, type InventoryData } from './inventory-data.js';
export { expandHostPattern } from './host-pattern.js';
export { parseIniValue } from './python-literal.js';

export const INVENTORY_FORMATS = ['ini', 'yaml', 'ssh-config', 'list', 'csv'] as const;
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

/** The format of `path` from its extension, else its content: what Ferry reads when --format is not given. */
export function detectInventoryFormat(path: string, text: string): InventoryFormat {
  const ext = /\.([^./]+)$/.exec(path)?.[1]?.toLowerCase();
  if (ext === 'ini' || ext === 'cfg') return 'ini';
  if (ext === 'yml' || ext === 'yaml' || ext === 'json') return 'yaml';
  if (ext === 'csv') return 'csv';
  if (ext === 'txt' || ext === 'list') return 'list';
  if (/(^|\/)\.ssh\/config$|(^|\/)ssh_config$/.test(path)) return 'ssh-config';
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';'));
  if (lines.length === 0) return 'ini';
  if (/^(Host|Match|Include)\s/i.test(lines[0])) return 'ssh-config';
  if (lines[0].startsWith('[')) return 'ini';
  if (/^[A-Za-z0-9_-]+:\s*($|\{|#)/.test(lines[0]) || lines[0] === '---' || lines[0].startsWith('{')) return 'yaml';
  if (/^name\s*,|,\s*name\s*(,|$)/i.test(lines[0])) return 'csv';
  if (lines.every((l) => /^\S+$/.test(l) && !l.includes('=')) && lines.some((l) => l.includes('@'))) return 'list';
  return 'ini';
}

/** Reads Ansible INI/YAML and CSV sources into `data` (the app adds ssh-config and list sources itself). */
export function parseInventorySource(data: InventoryData, source: { path: string; text: string; format: 'ini' | 'yaml' | 'csv' }): void {
  if (source.format === 'ini') parseIniInventory(source.text, source.path, data);
  else if (source.format === 'yaml') parseYamlInventory(source.text, source.path, data);
  else parseCsvInventory(source.text, source.path, data);
}

/**
 * Resolves `data` once every source is in: group_vars/ and host_vars/ in each Ansible source's directory (a
 * file's own directory, a directory source itself; in the order given, as `ansible-inventory -i A -i B`
 * does), then Ansible's precedence.
 */
export function finishInventory(data: InventoryData, varsDirs: readonly string[], reader: InventoryReader): Inventory {
  const names = { groups: [...data.groups.keys()], hosts: [...data.hosts.keys()] };
  const sources = varsDirs.map((dir) => readVarsSource(reader, dir, names, data.notices));
  return resolveInventory(data, sources);
}

/**
 * What Ansible skips in a directory given as an inventory (ansible-core 2.14 `InventoryManager.parse_source`:
 * hidden entries, host_vars, group_vars, vars_plugins, and INVENTORY_IGNORE_EXTS' default extensions —
 * REJECT_EXTS plus .orig, .ini, .cfg and .retry).
 */
export const IGNORED_IN_INVENTORY_DIR = /^\.|^host_vars$|^group_vars$|^vars_plugins$|(\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$/;

/** The files of a directory inventory, in the order Ansible reads them (sorted, recursing into subdirectories). */
export function inventoryDirFiles(reader: InventoryReader, dir: string): string[] {
  const entries = (reader.listDir(dir) ?? []).slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return entries.filter((e) => !IGNORED_IN_INVENTORY_DIR.test(e.name)).flatMap((e) => (e.isDirectory ? inventoryDirFiles(reader, join(dir, e.name)) : [join(dir, e.name)]));
}

/** Parses one or more Ansible/CSV sources into an inventory (the pure path the differential test exercises). */
export function parseInventory(sources: ReadonlyArray<{ path: string; text: string; format: 'ini' | 'yaml' | 'csv' }>, reader: InventoryReader): Inventory {
  const data = createInventoryData();
  for (const s of sources) parseInventorySource(data, s);
  return finishInventory(data, sources.filter((s) => s.format !== 'csv').map((s) => dirname(s.path)), reader);
}
