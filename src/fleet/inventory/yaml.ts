/**
 * Ansible's YAML inventory (ansible-core 2.14 `plugins/inventory/yaml.py`): top-level groups, each a mapping
 * of `hosts` (host patterns → their vars or null), `children` (groups, nested the same way) and `vars`; a
 * string instead of a mapping names one entry. YAML 1.1 as PyYAML reads it (yes/no/on/off are booleans),
 * a repeated key keeps its last value. Where Ansible only warns and skips (a key other than hosts/children/
 * vars, a group that is not a mapping), Ferry refuses: a misspelt `host:` would silently drop hosts from a
 * rollout. Values tagged `!vault` are encrypted secrets and are dropped, like password-like names.
 */
import type * as Yaml from 'yaml';
import type { Document, Node, Pair, Tags, YAMLMap } from 'yaml';
import { onFirstUse, type JsonValue } from '../../core/index.js';
import { expandHostPattern, HostRangeError } from './host-pattern.js';
import { inventoryError, type InventoryData } from './inventory-data.js';
import type { InventoryOrigin } from './types.js';

const yaml = onFirstUse<typeof Yaml>('yaml');

export interface YamlFile { doc: Document; at: (node: Node | Pair | null | undefined) => InventoryOrigin; file: string }

/**
 * The YAML 1.1 tags as PyYAML resolves them: its booleans are yes/no/true/false/on/off in three casings, not
 * the y/n the `yaml` package's 1.1 schema adds; a timestamp is kept as its text (Python's date prints so).
 */
function pyyamlTags(tags: Tags): Tags {
  return tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp').map((t) => {
    if (typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:bool' || !('test' in t) || !t.test) return t;
    const truthy = t.test.test('yes');
    return { ...t, test: truthy ? /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/ : /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/ };
  });
}

/** Parses YAML (or JSON) as Ansible's loader would; a syntax error is INVENTORY_INVALID at its line. */
export function loadYaml(text: string, file: string): YamlFile {
  const lineCounter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { version: '1.1', uniqueKeys: false, lineCounter, prettyErrors: true, customTags: pyyamlTags });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw inventoryError({ file, line: e.linePos?.[0].line ?? 1 }, `YAML: ${e.message.split('\n')[0]}`);
  }
  // a pair is reported at its key's line
  const at = (node: Node | Pair | null | undefined): InventoryOrigin => {
    const n: unknown = yaml().isPair(node) ? node.key : node;
    const range = yaml().isNode(n) ? n.range : undefined;
    return { file, line: range ? lineCounter.linePos(range[0]).line : 1 };
  };
  return { doc, at, file };
}

/** A mapping's entries as PyYAML builds the dict: keys as text, a repeated key's last value. */
export function entriesOf(map: YAMLMap, y: YamlFile): Array<{ key: string; value: unknown; pair: Pair }> {
  const byKey = new Map<string, { key: string; value: unknown; pair: Pair }>();
  for (const pair of map.items) {
    const k = yaml().isScalar(pair.key) ? pair.key.value : pair.key;
    if (typeof k !== 'string' && typeof k !== 'number' && typeof k !== 'boolean') throw inventoryError(y.at(pair), `a mapping key must be a plain value, got ${JSON.stringify(String(k))}`);
    byKey.delete(String(k));
    byKey.set(String(k), { key: String(k), value: pair.value, pair });
  }
  return [...byKey.values()];
}

/** The variables of a mapping node: its entries as JSON, `!vault` values dropped (reported by `onSecret`). */
export function varsOf(node: unknown, y: YamlFile, where: string, onSecret: (key: string) => void): Record<string, JsonValue> {
  if (node === null || node === undefined || (yaml().isScalar(node) && node.value === null)) return {};
  if (!yaml().isMap(node)) throw inventoryError(y.at(node as Node), `${where}: variables must be a mapping`);
  const out: Record<string, JsonValue> = {};
  for (const e of entriesOf(node, y)) {
    const v = e.value as Node | null;
    if (v && typeof v === 'object' && 'tag' in v && v.tag === '!vault') { onSecret(e.key); continue; }
    out[e.key] = toJson(v === null ? null : (v.toJS(y.doc) as unknown), y, e.pair);
  }
  return out;
}

function toJson(v: unknown, y: YamlFile, pair: Pair): JsonValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map((x) => toJson(x, y, pair));
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toJson(x, y, pair)]));
  if (v instanceof Set) return [...v].map((x) => toJson(x, y, pair));
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x, y, pair)]));
  throw inventoryError(y.at(pair), `a value of type ${typeof v} has no JSON form`);
}

/** Reads the YAML inventory `text` (the file `file`) into `data`. */
export function parseYamlInventory(text: string, file: string, data: InventoryData): void {
  const y = loadYaml(text, file);
  const root = y.doc.contents;
  if (root === null || (yaml().isScalar(root) && root.value === null)) return;
  if (!yaml().isMap(root)) throw inventoryError(y.at(root), 'a YAML inventory is a mapping of groups (all: {hosts: …, children: …, vars: …})');
  const secret = (owner: string) => (key: string): void => { data.notices.push(`${owner}: variable ${key} dropped (encrypted with !vault; Ferry does not store secrets)`); };

  const parseGroup = (name: string, node: unknown, at: InventoryOrigin): void => {
    data.addGroup(name, at);
    if (node === null || node === undefined || (yaml().isScalar(node) && node.value === null)) return;
    if (!yaml().isMap(node)) throw inventoryError(at, `group ${JSON.stringify(name)} is not a mapping of hosts, children and vars`);
    for (const e of entriesOf(node, y)) {
      const eat = y.at(e.pair);
      // a string names one entry (Ansible converts it to {name: null})
      const section = yaml().isScalar(e.value) && typeof e.value.value === 'string' ? null : e.value;
      const single = yaml().isScalar(e.value) && typeof e.value.value === 'string' ? e.value.value : undefined;
      if (e.key !== 'hosts' && e.key !== 'children' && e.key !== 'vars') {
        throw inventoryError(eat, `group ${JSON.stringify(name)} has key ${JSON.stringify(e.key)}; only hosts, children and vars are valid`);
      }
      if (section !== null && section !== undefined && !yaml().isMap(section) && !(yaml().isScalar(section) && section.value === null)) {
        throw inventoryError(eat, `group ${JSON.stringify(name)}: ${e.key} must be a mapping`);
      }
      const items: Array<{ key: string; value: unknown; pair: Pair | undefined }> = single !== undefined ? [{ key: single, value: null, pair: undefined }]
        : yaml().isMap(section) ? entriesOf(section, y) : [];
      if (e.key === 'vars') {
        if (single !== undefined) throw inventoryError(eat, `group ${JSON.stringify(name)}: vars must be a mapping`);
        for (const [k, v] of Object.entries(varsOf(section, y, `group ${name}`, secret(`group ${name}`)))) data.setGroupVar(name, k, v, eat);
      } else if (e.key === 'children') {
        for (const c of items) {
          const cat = c.pair ? y.at(c.pair) : eat;
          parseGroup(c.key, c.value, cat);
          data.addChild(name, c.key, cat);
        }
      } else {
        for (const h of items) {
          const hat = h.pair ? y.at(h.pair) : eat;
          let expanded: { names: string[]; port?: number };
          try {
            expanded = expandHostPattern(h.key);
          } catch (err) {
            if (err instanceof HostRangeError) throw inventoryError(hat, `${JSON.stringify(h.key)}: ${err.message}`);
            throw err;
          }
          const vars = varsOf(h.value, y, `host ${h.key}`, secret(`host ${h.key}`));
          for (const hn of expanded.names) {
            data.addHost(hn, name, hat);
            if (expanded.port !== undefined) data.setHostVar(hn, 'ansible_port', expanded.port);
            for (const [k, v] of Object.entries(vars)) data.setHostVar(hn, k, v);
          }
        }
      }
    }
  };
  for (const e of entriesOf(root, y)) parseGroup(e.key, e.value, y.at(e.pair));
}
