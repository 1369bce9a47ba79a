/**
 * The inventory being built (Ansible's InventoryData, Group and Host) and the one rule that turns it into
 * hosts with merged variables: ansible-core 2.14's VariableManager.get_vars for inventory sources —
 *   1. inventory group vars, groups sorted by (depth, ansible_group_priority, name), 'all' first (depth 0);
 *   2. group_vars/all, then group_vars/<group> in the same order;
 *   3. the host's inventory vars; 4. host_vars/<host>.
 * A later layer replaces a key of an earlier one (combine_vars with the default hash_behaviour=replace).
 * A group's depth is its longest path from 'all' (Group.add_child_group raises children's depth).
 */
import { FerryError, type JsonValue } from '../../core/index.js';
import type { Inventory, InventoryConnection, InventoryHost, InventoryOrigin } from './types.js';

interface GroupData { name: string; vars: Record<string, JsonValue>; children: string[]; hosts: string[]; parents: Set<string>; priority: number }
interface HostData { name: string; vars: Record<string, JsonValue>; groups: Set<string>; origin: InventoryOrigin }

export interface InventoryData {
  readonly groups: Map<string, GroupData>;
  readonly hosts: Map<string, HostData>;
  readonly notices: string[];
  addGroup(name: string, at: InventoryOrigin): void;
  addChild(parent: string, child: string, at: InventoryOrigin): void;
  addHost(name: string, group: string | undefined, at: InventoryOrigin): void;
  setGroupVar(group: string, key: string, value: JsonValue, at: InventoryOrigin): void;
  setHostVar(host: string, key: string, value: JsonValue): void;
}

/** Refused as an inventory error at `at`: the file:line and the offending text, escaped. */
export function inventoryError(at: InventoryOrigin, what: string, options: { hint?: string } = {}): FerryError {
  return new FerryError('INVENTORY_INVALID', `${at.file}:${at.line}: ${what}`, {
    hint: options.hint ?? 'Fix the line; `ansible-inventory -i FILE --list` shows how Ansible reads the file.',
    details: { file: at.file, line: at.line },
  });
}

/**
 * A host or group name Ferry accepts: printable, no whitespace, no '/' (it names a host_vars/group_vars
 * file), not '.'/'..', not starting with '-' (it could be read as an option). Ansible accepts more
 * (chroot paths as host names); Ferry's hosts are SSH hosts.
 */
export function checkName(kind: 'host' | 'group', name: string, at: InventoryOrigin): void {
  const bad = name === '' ? 'is empty'
    : /[\s\p{Cc}]/u.test(name) ? 'contains whitespace or control characters'
      : name.includes('/') ? "contains '/'"
        : name === '.' || name === '..' ? 'is a path component'
          : name.startsWith('-') ? "starts with '-' (it could be read as an option)"
            : undefined;
  if (bad) throw inventoryError(at, `${kind} name ${JSON.stringify(name)} ${bad}`);
}

export function createInventoryData(): InventoryData {
  const groups = new Map<string, GroupData>();
  const hosts = new Map<string, HostData>();
  const newGroup = (name: string): GroupData => ({ name, vars: {}, children: [], hosts: [], parents: new Set(), priority: 1 });
  groups.set('all', newGroup('all'));
  groups.set('ungrouped', newGroup('ungrouped'));
  const ancestors = (g: string, seen = new Set<string>()): Set<string> => {
    for (const p of groups.get(g)?.parents ?? []) if (!seen.has(p)) { seen.add(p); ancestors(p, seen); }
    return seen;
  };
  const data: InventoryData = {
    groups,
    hosts,
    notices: [],
    addGroup(name, at) {
      if (groups.has(name)) return;
      checkName('group', name, at);
      groups.set(name, newGroup(name));
    },
    addChild(parent, child, at) {
      data.addGroup(parent, at);
      data.addGroup(child, at);
      if (parent === child) throw inventoryError(at, `group ${JSON.stringify(child)} cannot be a child of itself`);
      if (ancestors(parent).has(child)) throw inventoryError(at, `adding group ${JSON.stringify(child)} as a child of ${JSON.stringify(parent)} creates a loop`);
      const p = groups.get(parent);
      const c = groups.get(child);
      if (!p || !c || p.children.includes(child)) return;
      p.children.push(child);
      c.parents.add(parent);
    },
    addHost(name, group, at) {
      let h = hosts.get(name);
      if (!h) {
        checkName('host', name, at);
        h = { name, vars: {}, groups: new Set(), origin: at };
        hosts.set(name, h);
      }
      if (group !== undefined && group !== 'all' && !h.groups.has(group)) {
        data.addGroup(group, at);
        h.groups.add(group);
        groups.get(group)?.hosts.push(name);
      }
    },
    setGroupVar(group, key, value, at) {
      const g = groups.get(group);
      if (!g) throw inventoryError(at, `variables for undefined group ${JSON.stringify(group)}`);
      if (key === 'ansible_group_priority') {
        const n = Number(value);
        if (!Number.isInteger(n)) throw inventoryError(at, `ansible_group_priority of group ${JSON.stringify(group)} is not an integer: ${JSON.stringify(value)}`);
        g.priority = n;
        return;
      }
      g.vars[key] = value;
    },
    setHostVar(host, key, value) {
      const h = hosts.get(host);
      if (h) h.vars[key] = value;
    },
  };
  return data;
}

/** Variables one inventory directory's group_vars/ and host_vars/ give, by group and host name (each merged in file order). */
export interface VarsSource { groups: Map<string, Record<string, JsonValue>>; hosts: Map<string, Record<string, JsonValue>> }

const SECRET_NAMES = new Set(['ansible_password', 'ansible_ssh_pass', 'ansible_become_pass', 'ansible_become_password', 'ansible_sudo_pass']);
/** A variable Ferry never stores: a password-like name. */
export function isSecretVar(name: string): boolean {
  return SECRET_NAMES.has(name) || /pass|secret|token/i.test(name);
}

/** Where each connection setting comes from: the modern name, else its pre-2.0 `ansible_ssh_` alias. */
const CONNECTION_VARS = {
  address: ['ansible_host', 'ansible_ssh_host'],
  port: ['ansible_port', 'ansible_ssh_port'],
  user: ['ansible_user', 'ansible_ssh_user'],
  identityFile: ['ansible_ssh_private_key_file', 'ansible_private_key_file'],
} as const;

function connectionOf(h: HostData, vars: Record<string, JsonValue>): InventoryConnection {
  const pick = (names: readonly string[]): JsonValue | undefined => names.map((n) => vars[n]).find((v) => v !== undefined && v !== null);
  const out: InventoryConnection = {};
  const address = pick(CONNECTION_VARS.address);
  const port = pick(CONNECTION_VARS.port);
  const user = pick(CONNECTION_VARS.user);
  const identityFile = pick(CONNECTION_VARS.identityFile);
  const text = (what: string, v: JsonValue): string => {
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    throw inventoryError(h.origin, `host ${JSON.stringify(h.name)}: ${what} is not a string: ${JSON.stringify(v)}`);
  };
  if (address !== undefined) out.address = text('ansible_host', address);
  if (port !== undefined) {
    const n = typeof port === 'number' ? port : /^\d+$/.test(String(port)) ? Number(port) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw inventoryError(h.origin, `host ${JSON.stringify(h.name)}: port ${JSON.stringify(port)} is not a TCP port (1-65535)`);
    out.port = n;
  }
  if (user !== undefined) out.user = text('ansible_user', user);
  if (identityFile !== undefined) out.identityFile = text('ansible_ssh_private_key_file', identityFile);
  return out;
}

function labelsOf(h: HostData, vars: Record<string, JsonValue>): Record<string, string> {
  const v = vars.ferry_labels;
  if (v === undefined || v === null) return {};
  const out: Record<string, string> = {};
  if (typeof v === 'string') {
    for (const part of v.split(',').map((s) => s.trim()).filter(Boolean)) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw inventoryError(h.origin, `host ${JSON.stringify(h.name)}: ferry_labels entry ${JSON.stringify(part)} is not key=value`);
      out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
    return out;
  }
  if (typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? x : JSON.stringify(x);
    return out;
  }
  throw inventoryError(h.origin, `host ${JSON.stringify(h.name)}: ferry_labels is neither a mapping nor "key=value,…"`);
}

/** The hosts of `data` with Ansible's merged variables (secrets dropped, each named in a notice), groups and connection. */
export function resolveInventory(data: InventoryData, sources: readonly VarsSource[] = []): Inventory {
  const depth = new Map<string, number>();
  const depthOf = (g: string): number => {
    const known = depth.get(g);
    if (known !== undefined) return known;
    if (g === 'all') return 0;
    const parents = [...(data.groups.get(g)?.parents ?? [])];
    const d = 1 + Math.max(0, ...parents.map(depthOf));
    depth.set(g, d);
    return d;
  };
  const dropped = new Map<string, string[]>();
  const hosts: InventoryHost[] = [];
  const ungrouped: string[] = [];
  for (const h of data.hosts.values()) {
    const direct = [...h.groups].filter((g) => g !== 'ungrouped');
    if (direct.length === 0) { direct.push('ungrouped'); ungrouped.push(h.name); }
    const all = new Set<string>();
    const climb = (g: string): void => {
      if (all.has(g)) return;
      all.add(g);
      for (const p of data.groups.get(g)?.parents ?? []) climb(p);
    };
    direct.forEach(climb);
    all.delete('all');
    const sorted = [...all].map((name) => {
      const g = data.groups.get(name);
      return { name, depth: depthOf(name), priority: g?.priority ?? 1 };
    }).sort((a, b) => a.depth - b.depth || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((g) => g.name);
    const vars: Record<string, JsonValue> = {};
    const layer = (v: Record<string, JsonValue> | undefined): void => { if (v) Object.assign(vars, v); };
    layer(data.groups.get('all')?.vars);
    for (const g of sorted) layer(data.groups.get(g)?.vars);
    // each layer reads every inventory source in turn (get_vars_from_inventory_sources)
    for (const s of sources) layer(s.groups.get('all'));
    for (const s of sources) for (const g of sorted) layer(s.groups.get(g));
    layer(h.vars);
    for (const s of sources) layer(s.hosts.get(h.name));
    for (const k of Object.keys(vars)) {
      if (!isSecretVar(k)) continue;
      delete vars[k];
      dropped.set(k, [...(dropped.get(k) ?? []), h.name]);
    }
    hosts.push({
      name: h.name,
      groups: [...all].filter((g) => g !== 'ungrouped').sort(),
      vars,
      connection: connectionOf(h, vars),
      labels: labelsOf(h, vars),
      origin: h.origin,
    });
  }
  const groups = [...data.groups.values()].map((g) => ({ name: g.name, children: [...g.children], hosts: g.name === 'ungrouped' ? ungrouped : [...g.hosts] }));
  const notices = [...data.notices, ...[...dropped].map(([k, names]) =>
    `variable ${k} dropped on ${names.length} host${names.length === 1 ? '' : 's'} (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}): Ferry does not store secrets; give credentials at run time`)];
  return { hosts, groups, notices };
}
