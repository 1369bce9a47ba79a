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

/** `count` hosts, each the first in order with the fewest picked from its cap group, then from its spread value. */
function pickSpread(ordered: readonly WaveHost[], count: number): WaveHost[] {
  const picked: WaveHost[] = [];
  const taken = new Set<number>();
  const perGroup = new Map<string, number>();
  const perSpread = new Map<string, number>();
  const load = (m: Map<string, number>, key: string | null | undefined) => (key == null ? 0 : (m.get(key) ?? 0));
  while (picked.length < count) {
    let best = -1;
    for (let i = 0; i < ordered.length; i++) {
      if (taken.has(i)) continue;
      if (best < 0) {
        best = i;
        continue;
      }
      const h = ordered[i];
      const b = ordered[best];
      const byGroup = load(perGroup, h.capGroup) - load(perGroup, b.capGroup);
      if (byGroup < 0 || (byGroup === 0 && load(perSpread, h.spread) < load(perSpread, b.spread))) best = i;
    }
    assert(best >= 0, 'the canary is never larger than the host list');
    const h = ordered[best];
    taken.add(best);
    picked.push(h);
    if (h.capGroup != null) perGroup.set(h.capGroup, load(perGroup, h.capGroup) + 1);
    if (h.spread != null) perSpread.set(h.spread, load(perSpread, h.spread) + 1);
  }
  return picked;
}
