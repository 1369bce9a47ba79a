/**
 * Which host goes in which wave. Sizes are Ansible's `serial` batches, exactly: the canary is the first
 * `serial` value and the waves the next ones, each a count or a percentage of the *total* host count
 * (`pct_to_int`), the last one repeating until the hosts run out (lib/ansible/executor/playbook_executor.py,
 * `PlaybookExecutor._get_serialized_batches`). Wave 0 is the canary when the spec has one.
 */
import { assert } from '../core/index.js';
import { amountToCount, type Amount, type RolloutSpec } from './rollout-spec.js';

export interface WaveHost {
  name: string;
  /** The value of the spec's groupCap key for this host (e.g. its HA pair); null/absent when none. */
  capGroup?: string | null;
  /** A label the canary should cover as many values of as it can (e.g. the inventory group or source release). */
  spread?: string | null;
}

export interface Wave {
  wave: number;
  hosts: string[];
}

/**
 * The batch sizes Ansible's serial gives for `total` hosts with serial = [canary, ...waves]; without waves the
 * rest is one wave (serial [canary, 100%]), not more canary-sized ones.
 */
export function waveSizes(total: number, spec: Pick<RolloutSpec, 'canary' | 'waves'>): number[] {
  const waves: readonly Amount[] = spec.waves.length > 0 ? spec.waves : [{ value: 100, unit: 'percent' }];
  const serial = spec.canary !== null ? [spec.canary, ...waves] : spec.waves;
  if (serial.length === 0) return total > 0 ? [total] : [];
  const sizes: number[] = [];
  let left = total;
  for (let i = 0; left > 0; i = Math.min(i + 1, serial.length - 1)) {
    const size = Math.min(amountToCount(serial[i], total), left);
    assert(size > 0, 'a serial amount is at least one host');
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

export interface AssignOptions {
  /** `sorted` (default): by name, as Ansible's `order: sorted`; `inventory`: as given. */
  order?: 'sorted' | 'inventory';
}

/**
 * The rollout's waves, deterministic for the same hosts and spec. The canary takes its hosts spread over cap
 * groups first (never both halves of an HA pair while another group has a host left) and then over `spread`
 * values (one host of each inventory group before a second of any); ties go to the host first in order. The
 * other hosts fill the waves in order.
 */
export function assignWaves(hosts: readonly WaveHost[], spec: Pick<RolloutSpec, 'canary' | 'waves'>, options: AssignOptions = {}): Wave[] {
  assert(new Set(hosts.map((h) => h.name)).size === hosts.length, 'assignWaves takes each host once');
  const ordered = options.order === 'inventory' ? [...hosts] : [...hosts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const sizes = waveSizes(ordered.length, spec);
  if (sizes.length === 0) return [];
  let rest = ordered;
  const waves: Wave[] = [];
  if (spec.canary !== null) {
    const canary = pickSpread(ordered, sizes[0]);
    const chosen = new Set(canary.map((h) => h.name));
    waves.push({ wave: 0, hosts: canary.map((h) => h.name) });
    rest = ordered.filter((h) => !chosen.has(h.name));
  }
  let at = 0;
  for (const size of sizes.slice(waves.length)) {
    waves.push({ wave: waves.length, hosts: rest.slice(at, at + size).map((h) => h.name) });
    at += size;
  }
  return waves;
}

/**
 * `count` hosts, each the first in order with the fewest picked from its cap group, then from its spread value.
 * Loads only grow, so both heaps re-key lazily (an entry popped with an up-to-date key is the minimum): one heap
 * per spread value keyed (group load, position), and one over the spread values keyed by their best host
 * (group load, spread load, position). A 1% canary of 100,000 hosts takes milliseconds, not the O(count × n)
 * of scanning every host for every pick.
 */
function pickSpread(ordered: readonly WaveHost[], count: number): WaveHost[] {
  const perGroup = new Map<string, number>();
  const perSpread = new Map<string, number>();
  const load = (m: Map<string, number>, key: string | null | undefined) => (key == null ? 0 : (m.get(key) ?? 0));
  const groupLoad = (i: number) => load(perGroup, ordered[i].capGroup);
  // Hosts without a spread value share one bucket whose load stays 0.
  const buckets = new Map<string | null, MinHeap<number>>();
  for (const [i, h] of ordered.entries()) {
    const b = buckets.get(h.spread ?? null) ?? new MinHeap<number>();
    b.push([0, i], i);
    buckets.set(h.spread ?? null, b);
  }
  /** The bucket's best host with its key brought up to date, or undefined when the bucket is empty. */
  const best = (b: MinHeap<number>): number | undefined => {
    for (let top = b.peek(); top !== undefined; top = b.peek()) {
      if (top.key[0] === groupLoad(top.value)) return top.value;
      b.pop();
      b.push([groupLoad(top.value), top.value], top.value);
    }
    return undefined;
  };
  const outer = new MinHeap<string | null>();
  for (const [spread, b] of buckets) outer.push([0, 0, b.peek()?.value ?? 0], spread);
  const picked: WaveHost[] = [];
  while (picked.length < count) {
    const top = outer.pop();
    assert(top !== undefined, 'the canary is never larger than the host list');
    const bucket = buckets.get(top.value);
    assert(bucket !== undefined, 'every spread value has its bucket');
    const i = best(bucket);
    if (i === undefined) continue;
    const key = [groupLoad(i), load(perSpread, top.value), i];
    if (key.some((k, j) => k !== top.key[j])) {
      outer.push(key, top.value);
      continue;
    }
    bucket.pop();
    const h = ordered[i];
    picked.push(h);
    if (h.capGroup != null) perGroup.set(h.capGroup, groupLoad(i) + 1);
    if (h.spread != null) perSpread.set(h.spread, load(perSpread, h.spread) + 1);
    const next = bucket.peek();
    if (next !== undefined) outer.push([next.key[0], load(perSpread, top.value), next.value], top.value);
  }
  return picked;
}

interface HeapEntry<T> {
  key: readonly number[];
  value: T;
}

/** A binary min-heap ordered by its keys, compared element by element. */
class MinHeap<T> {
  private readonly items: HeapEntry<T>[] = [];

  peek(): HeapEntry<T> | undefined {
    return this.items[0];
  }

  push(key: readonly number[], value: T): void {
    const a = this.items;
    a.push({ key, value });
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (compareKeys(a[p].key, a[i].key) <= 0) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }

  pop(): HeapEntry<T> | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        let m = i;
        if (l < a.length && compareKeys(a[l].key, a[m].key) < 0) m = l;
        if (l + 1 < a.length && compareKeys(a[l + 1].key, a[m].key) < 0) m = l + 1;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** What the rollout needs to know of an inventory host (the store's host record has these fields). */
export interface InventoryHost {
  name: string;
  labels: Readonly<Record<string, string>>;
  vars: Readonly<Record<string, unknown>>;
  /** Inventory groups (ancestors included). */
  groups: readonly string[];
}

/**
 * The host's cap group for `--group-cap KEY=N`: its label KEY, else its inventory variable KEY (a scalar as
 * text, anything else as JSON); null when it has neither (such a host is held by no group cap).
 */
export function capGroupOf(host: Pick<InventoryHost, 'labels' | 'vars'>, key: string): string | null {
  const label = Object.hasOwn(host.labels, key) ? host.labels[key] : undefined;
  if (label !== undefined) return label;
  const v = Object.hasOwn(host.vars, key) ? host.vars[key] : undefined;
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/**
 * The rollout's hosts as the store's createRollout takes them: each host's wave (assignWaves, the canary
 * spread over cap groups and then over inventory group memberships) and its cap group when the spec caps groups.
 */
export function rolloutHosts(hosts: readonly InventoryHost[], spec: Pick<RolloutSpec, 'canary' | 'waves' | 'groupCap'>, options: AssignOptions = {}): { hostName: string; wave: number; capGroup?: string }[] {
  const by = spec.groupCap?.by;
  const group = new Map(hosts.map((h) => [h.name, by === undefined ? null : capGroupOf(h, by)]));
  const waveHosts = hosts.map((h) => ({ name: h.name, capGroup: group.get(h.name) ?? null, spread: [...h.groups].sort().join(',') }));
  return assignWaves(waveHosts, spec, options).flatMap((w) => w.hosts.map((name) => {
    const capGroup = group.get(name) ?? null;
    return { hostName: name, wave: w.wave, ...(capGroup !== null ? { capGroup } : {}) };
  }));
}
