/**
 * Ansible's INI inventory (ansible-core 2.14 `plugins/inventory/ini.py`), with its errors: `[group]`,
 * `[group:children]`, `[group:vars]` sections; host lines `pattern key=value…` split as shlex does, values
 * typed by literal_eval (`parseIniValue`); `#` and `;` comment lines. Children and vars may name a group
 * declared further down; one never declared is refused at the line that named it, as Ansible does.
 */
import type { JsonValue } from '../../core/index.js';
import { expandHostPattern, HostRangeError } from './host-pattern.js';
import { inventoryError, type InventoryData } from './inventory-data.js';
import { parseIniValue } from './python-literal.js';
import { shlexSplit } from './shlex.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

/** Reads `text` (the file `file`) into `data`. */
export function parseIniInventory(text: string, file: string, data: InventoryData): void {
  let group = 'ungrouped';
  let state: 'hosts' | 'children' | 'vars' = 'hosts';
  const pending = new Map<string, { line: number; state: 'children' | 'vars'; parents: string[] }>();
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const at = { file, line: n + 1 };
    const line = lines[n].trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const m = SECTION.exec(line);
    if (m) {
      group = m[1];
      const kind = m[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'children' && kind !== 'vars') throw inventoryError(at, `section ${JSON.stringify(line)} has unknown type ${JSON.stringify(kind)} (hosts, children or vars)`);
      state = kind;
      if (!data.groups.has(group)) {
        if (state === 'vars' && !pending.has(group)) pending.set(group, { line: n + 1, state: 'vars', parents: [] });
        data.addGroup(group, at);
      }
      const p = pending.get(group);
      if (p && state !== 'vars') {
        if (p.state === 'children') for (const parent of p.parents) data.addChild(parent, group, at);
        pending.delete(group);
      }
      continue;
    }
    if (line.startsWith('[') && line.endsWith(']')) throw inventoryError(at, `invalid section ${JSON.stringify(line)}: a section name has no spaces, ':' or ']'`);
    if (state === 'hosts') parseHostLine(line, group, at, data);
    else if (state === 'children') {
      const c = GROUP_NAME.exec(line);
      if (!c) throw inventoryError(at, `expected a group name, got ${JSON.stringify(line)}`);
      const child = c[1];
      if (data.groups.has(child)) data.addChild(group, child, at);
      else {
        const p = pending.get(child);
        if (p) p.parents.push(group);
        else pending.set(child, { line: n + 1, state: 'children', parents: [group] });
      }
    } else {
      const eq = line.indexOf('=');
      if (eq < 0) throw inventoryError(at, `expected key=value, got ${JSON.stringify(line)}`);
      data.setGroupVar(group, line.slice(0, eq).trim(), parseIniValue(line.slice(eq + 1).trim()), at);
    }
  }
  for (const [name, p] of pending) {
    const at = { file, line: p.line };
    if (p.state === 'vars') throw inventoryError(at, `section [${name}:vars] is for group ${JSON.stringify(name)}, which is never declared`, { hint: `Declare it with a [${name}] or [${name}:children] section, or remove the variables.` });
    throw inventoryError(at, `section [${p.parents[p.parents.length - 1]}:children] names group ${JSON.stringify(name)}, which is never declared`, { hint: `Declare it with a [${name}] section.` });
  }
}

function parseHostLine(line: string, group: string, at: { file: string; line: number }, data: InventoryData): void {
  const words = shlexSplit(line);
  if (!words) throw inventoryError(at, `host line ${JSON.stringify(line)} has an unclosed quote or a trailing backslash`);
  if (words.length === 0) return;
  let expanded: { names: string[]; port?: number };
  try {
    expanded = expandHostPattern(words[0]);
  } catch (e) {
    if (e instanceof HostRangeError) throw inventoryError(at, `${JSON.stringify(words[0])}: ${e.message}`);
    throw e;
  }
  const vars: Record<string, JsonValue> = {};
  for (const w of words.slice(1)) {
    const eq = w.indexOf('=');
    if (eq < 0) throw inventoryError(at, `expected key=value host variable, got ${JSON.stringify(w)}`);
    vars[w.slice(0, eq)] = parseIniValue(w.slice(eq + 1));
  }
  for (const name of expanded.names) {
    data.addHost(name, group, at);
    if (expanded.port !== undefined) data.setHostVar(name, 'ansible_port', expanded.port);
    for (const [k, v] of Object.entries(vars)) data.setHostVar(name, k, v);
  }
}
