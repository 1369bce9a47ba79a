import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRolloutFlags } from './rollout-spec.js';
import { assignWaves, capGroupOf, rolloutHosts, waveSizes, type WaveHost } from './waves.js';

/**
 * Batch sizes as Ansible computes them for `serial: [canary, ...waves]`, written out from
 * ansible/ansible@c9ac477e lib/ansible/executor/playbook_executor.py:269-313 (`_get_serialized_batches`: each
 * value through pct_to_int against the *total*, the last value repeated until the hosts run out) and
 * lib/ansible/utils/helpers.py:23-32 (`pct_to_int`: `int((pct / 100.0) * n) or 1`).
 */
const SERIAL_CASES: { total: number; canary?: string; waves?: string; want: number[]; why: string }[] = [
  { total: 50, canary: '2', waves: '30%,100%', want: [2, 15, 33], why: 'the issue\'s rollout: 30% of 50 = 15, then the rest' },
  { total: 100, canary: '1', waves: '29%', want: [1, 28, 28, 28, 15], why: '0.29 * 100 = 28.999… truncates to 28, as in Python; the last value repeats' },
  { total: 7, canary: '10%', waves: '50%', want: [1, 3, 3], why: 'int(0.7) = 0 → min 1; int(3.5) = 3' },
  { total: 10000, canary: '1%', waves: '7%,100%', want: [100, 700, 9200], why: 'percentages of the total, not of what is left' },
  { total: 3, canary: '5', waves: '30%', want: [3], why: 'a canary larger than the fleet takes it all' },
  { total: 1, canary: '2', waves: '30%,100%', want: [1], why: 'one host' },
  { total: 57, canary: '1', waves: '5,10%', want: [1, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 1], why: 'int(5.7) = 5 repeats; the last batch holds the remainder' },
  { total: 200, waves: '3%,33%', want: [6, 66, 66, 62], why: 'no canary: the waves alone are the serial list' },
  { total: 12, want: [12], why: 'no serial: one batch of every host (serial [] → [-1])' },
  { total: 0, canary: '2', waves: '10%', want: [], why: 'no hosts, no waves' },
  { total: 30, canary: '2', want: [2, 28], why: 'a canary alone: the rest is one wave (Ferry passes serial [2, "100%"])' },
];

test('waveSizes: Ansible serial batches, written out from its source', () => {
  for (const c of SERIAL_CASES) {
    const spec = parseRolloutFlags({ canary: c.canary, waves: c.waves });
    assert.deepEqual(waveSizes(c.total, spec), c.want, `${c.total} hosts, canary ${c.canary ?? '-'}, waves ${c.waves ?? '-'}: ${c.why}`);
  }
});

test('waveSizes: equal to ansible-playbook\'s own batches (ansible_play_batch)', (t) => {
  if (spawnSync('ansible-playbook', ['--version']).status !== 0) return t.skip('ansible-playbook is not installed (scripts/install-deps.sh installs ansible-core)');
  const dir = mkdtempSync(join(tmpdir(), 'ferry-serial-'));
  try {
    // Ansible's per-host bookkeeping makes its 10,000-host case take minutes; the others cover the same rules.
    const cases = SERIAL_CASES.filter((c) => c.total > 0 && c.total <= 200);
    // One group per case, each with its own hosts; one play per case printing each batch's size.
    const inventory = cases.map((c, i) => `[g${i}]\n${Array.from({ length: c.total }, (_, j) => `c${i}h${j}`).join('\n')}\n`).join('\n');
    const plays = cases.map((c, i) => {
      const waves = c.waves ? c.waves.split(',') : c.canary ? ['100%'] : [];
      const serial = [...(c.canary ? [c.canary] : []), ...waves].map((s) => JSON.stringify(s));
      return `- hosts: g${i}\n  gather_facts: false\n${serial.length ? `  serial: [${serial.join(', ')}]\n` : ''}  tasks:\n    - debug: {msg: "CASE ${i} BATCH {{ ansible_play_batch | length }}"}\n      run_once: true\n`;
    });
    writeFileSync(join(dir, 'inventory'), inventory);
    writeFileSync(join(dir, 'play.yml'), plays.join('\n'));
    const run = spawnSync('ansible-playbook', ['-i', join(dir, 'inventory'), join(dir, 'play.yml')], {
      encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_LOCALHOST_WARNING: 'False' },
    });
    assert.equal(run.status, 0, run.stderr + run.stdout);
    const seen = new Map<number, number[]>();
    for (const m of run.stdout.matchAll(/CASE ([0-9]+) BATCH ([0-9]+)/g)) seen.set(Number(m[1]), [...(seen.get(Number(m[1])) ?? []), Number(m[2])]);
    for (const [i, c] of cases.entries()) {
      const spec = parseRolloutFlags({ canary: c.canary, waves: c.waves });
      assert.deepEqual(waveSizes(c.total, spec), seen.get(i), `case ${i}: ${c.total} hosts, serial ${c.canary ?? ''} ${c.waves ?? ''}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const names = (n: number, prefix = 'h') => Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`);

test('assignWaves: sorted by name (or inventory order), deterministic, every host once', () => {
  const spec = parseRolloutFlags({ canary: '2', waves: '30%,100%' });
  const hosts = names(50).reverse().map((name) => ({ name }));
  const waves = assignWaves(hosts, spec);
  assert.deepEqual(waves.map((w) => [w.wave, w.hosts.length]), [[0, 2], [1, 15], [2, 33]]);
  assert.deepEqual(waves[0].hosts, ['h01', 'h02']);
  assert.deepEqual(waves[1].hosts.slice(0, 2), ['h03', 'h04']);
  assert.deepEqual(waves.flatMap((w) => w.hosts).sort(), names(50));
  assert.deepEqual(assignWaves([...hosts].reverse(), spec), waves, 'the input order does not matter when sorted');
  assert.deepEqual(assignWaves(hosts, spec, { order: 'inventory' })[0].hosts, ['h50', 'h49']);
  assert.deepEqual(assignWaves([], spec), []);
  assert.throws(() => assignWaves([{ name: 'a' }, { name: 'a' }], spec), /Assertion failed/);
});

test('assignWaves: the canary spreads over cap groups, then over spread labels', () => {
  const pairs: WaveHost[] = names(8).map((name, i) => ({ name, capGroup: `pair${Math.floor(i / 2)}` }));
  const cases: { name: string; hosts: WaveHost[]; canary: string; want: string[] }[] = [
    { name: 'never both halves of an HA pair', hosts: pairs, canary: '2', want: ['h01', 'h03'] },
    { name: 'one per pair while pairs last', hosts: pairs, canary: '4', want: ['h01', 'h03', 'h05', 'h07'] },
    { name: 'a second of a pair only when every pair has one', hosts: pairs, canary: '5', want: ['h01', 'h03', 'h05', 'h07', 'h02'] },
    {
      name: 'one host of each inventory group first', canary: '3', want: ['db01', 'lb01', 'web01'],
      hosts: [...names(4, 'web').map((name) => ({ name, spread: 'web' })), ...names(2, 'db').map((name) => ({ name, spread: 'db' })), { name: 'lb01', spread: 'lb' }],
    },
    {
      name: 'cap groups before spread labels', canary: '2', want: ['a1', 'b2'],
      hosts: [{ name: 'a1', capGroup: 'p', spread: 'x' }, { name: 'a2', capGroup: 'p', spread: 'y' }, { name: 'b1', capGroup: 'q', spread: 'x' }, { name: 'b2', capGroup: 'q', spread: 'y' }],
    },
    { name: 'hosts without a group never block each other', hosts: names(3).map((name) => ({ name, capGroup: null })), canary: '2', want: ['h01', 'h02'] },
  ];
  for (const c of cases) {
    const waves = assignWaves(c.hosts, parseRolloutFlags({ canary: c.canary }));
    assert.deepEqual(waves[0].hosts, c.want, c.name);
    assert.deepEqual(waves.flatMap((w) => w.hosts).sort(), c.hosts.map((h) => h.name).sort(), `${c.name}: every host once`);
  }
});

test('assignWaves: the canary equals the rule applied plainly, on varied fleets', () => {
  // The rule without the heap: repeatedly the first host in order with the fewest picked from its cap group, then its spread value.
  const plain = (hosts: readonly WaveHost[], count: number): string[] => {
    const left = [...hosts].sort((a, b) => (a.name < b.name ? -1 : 1));
    const g = new Map<string, number>();
    const s = new Map<string, number>();
    const load = (m: Map<string, number>, k: string | null | undefined) => (k == null ? 0 : (m.get(k) ?? 0));
    const out: string[] = [];
    while (out.length < count) {
      let best = 0;
      for (let i = 1; i < left.length; i++) {
        const d = load(g, left[i].capGroup) - load(g, left[best].capGroup) || load(s, left[i].spread) - load(s, left[best].spread);
        if (d < 0) best = i;
      }
      const [h] = left.splice(best, 1);
      if (h.capGroup != null) g.set(h.capGroup, load(g, h.capGroup) + 1);
      if (h.spread != null) s.set(h.spread, load(s, h.spread) + 1);
      out.push(h.name);
    }
    return out;
  };
  let seed = 7;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  for (const [n, groups, spreads, canary] of [[40, 20, 3, '7'], [300, 50, 7, '10%'], [97, 97, 1, '50%'], [64, 0, 5, '9'], [500, 3, 0, '2%']] as const) {
    const hosts: WaveHost[] = Array.from({ length: n }, (_, i) => ({
      name: `n${String(rand(1_000_000)).padStart(7, '0')}-${i}`,
      capGroup: groups && rand(4) > 0 ? `g${rand(groups)}` : null,
      spread: spreads ? `s${rand(spreads)}` : null,
    }));
    const spec = parseRolloutFlags({ canary });
    assert.deepEqual(assignWaves(hosts, spec)[0].hosts, plain(hosts, waveSizes(n, spec)[0]), `${n} hosts, ${groups} groups, ${spreads} spreads, canary ${canary}`);
  }
});

test('capGroupOf: a label, else an inventory variable, else none', () => {
  const cases: [Record<string, string>, Record<string, unknown>, string | null][] = [
    [{ ha_pair: 'db-a' }, { ha_pair: 'ignored' }, 'db-a'],
    [{}, { ha_pair: 'db-b' }, 'db-b'],
    [{}, { ha_pair: 3 }, '3'],
    [{}, { ha_pair: true }, 'true'],
    [{}, { ha_pair: ['x', 'y'] }, '["x","y"]'],
    [{}, { ha_pair: null }, null],
    [{ rack: 'r1' }, {}, null],
    [{}, { toString: 'x' }, null],
  ];
  for (const [labels, vars, want] of cases) assert.equal(capGroupOf({ labels, vars }, 'ha_pair'), want, JSON.stringify({ labels, vars }));
});

test('rolloutHosts: createRollout\'s host list, the canary spread over HA pairs and inventory groups', () => {
  const hosts = [
    { name: 'db1', labels: {}, vars: { ha_pair: 'db' }, groups: ['db'] },
    { name: 'db2', labels: {}, vars: { ha_pair: 'db' }, groups: ['db'] },
    { name: 'web1', labels: {}, vars: {}, groups: ['web', 'frontend'] },
    { name: 'web2', labels: {}, vars: {}, groups: ['frontend', 'web'] },
    { name: 'web3', labels: {}, vars: {}, groups: ['web', 'frontend'] },
  ];
  assert.deepEqual(rolloutHosts(hosts, parseRolloutFlags({ canary: '2', groupCap: 'ha_pair=1' })), [
    { hostName: 'db1', wave: 0, capGroup: 'db' },
    { hostName: 'web1', wave: 0 },
    { hostName: 'db2', wave: 1, capGroup: 'db' },
    { hostName: 'web2', wave: 1 },
    { hostName: 'web3', wave: 1 },
  ]);
  assert.deepEqual(rolloutHosts(hosts, parseRolloutFlags({ waves: '3' })).map((h) => [h.hostName, h.wave, h.capGroup]), [
    ['db1', 0, undefined], ['db2', 0, undefined], ['web1', 0, undefined], ['web2', 1, undefined], ['web3', 1, undefined],
  ], 'no group cap: no cap groups recorded');
});
