/**
 * group_vars/ and host_vars/ beside an inventory, as Ansible's host_group_vars plugin and DataLoader read
 * them (ansible-core 2.14 `find_vars_files`, `_get_dir_vars_files`): for an entity NAME the first of `NAME`,
 * `NAME.yml`, `NAME.yaml`, `NAME.json` that exists; a directory contributes its files (no extension or one of
 * those three), sorted by name, recursing into subdirectories, hidden files and `~` backups skipped. Files
 * are combined in that order, a later one replacing an earlier one's keys; an empty file adds nothing.
 */
import { join } from 'node:path';
import type { JsonValue } from '../../core/index.js';
import type { VarsSource } from './inventory-data.js';
import type { InventoryReader } from './types.js';
import { loadYaml, varsOf } from './yaml.js';

const EXTENSIONS = ['', '.yml', '.yaml', '.json'];

function dirFiles(reader: InventoryReader, dir: string): string[] {
  const entries = (reader.listDir(dir) ?? []).slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return entries.flatMap((e) => {
    if (e.name.startsWith('.') || e.name.endsWith('~')) return [];
    const ext = /\.[^.]*$/.exec(e.name)?.[0] ?? '';
    const path = join(dir, e.name);
    if (e.isDirectory) return ext === '' ? dirFiles(reader, path) : [];
    return EXTENSIONS.includes(ext) ? [path] : [];
  });
}

/** The files Ansible reads for NAME in `dir`. */
export function varsFilesFor(reader: InventoryReader, dir: string, name: string): string[] {
  for (const ext of EXTENSIONS) {
    const path = join(dir, name + ext);
    if (reader.listDir(path) !== undefined) return dirFiles(reader, path);
    if (reader.readText(path) !== undefined) return [path];
  }
  return [];
}

function loadVarsFile(reader: InventoryReader, path: string, notices: string[]): Record<string, JsonValue> {
  const text = reader.readText(path) ?? '';
  const y = loadYaml(text, path);
  const root = y.doc.contents;
  if (root === null) return {};
  return varsOf(root, y, path, (k) => notices.push(`${path}: variable ${k} dropped (encrypted with !vault; Ferry does not store secrets)`));
}

/** The group_vars/ and host_vars/ variables in `baseDir` for the named groups and hosts. */
export function readVarsSource(reader: InventoryReader, baseDir: string, names: { groups: Iterable<string>; hosts: Iterable<string> }, notices: string[]): VarsSource {
  const load = (sub: string, entities: Iterable<string>): Map<string, Record<string, JsonValue>> => {
    const out = new Map<string, Record<string, JsonValue>>();
    const dir = join(baseDir, sub);
    if (reader.listDir(dir) === undefined) return out;
    for (const name of entities) {
      const files = varsFilesFor(reader, dir, name);
      if (!files.length) continue;
      const vars: Record<string, JsonValue> = {};
      for (const f of files) Object.assign(vars, loadVarsFile(reader, f, notices));
      out.set(name, vars);
    }
    return out;
  };
  return { groups: load('group_vars', names.groups), hosts: load('host_vars', names.hosts) };
}
