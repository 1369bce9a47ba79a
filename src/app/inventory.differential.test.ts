/**
 * Ferry's inventory import against the reference: `ansible-inventory -i FILE --list` (ansible-core) on
 * hand-written tricky inventories (test/fixtures/inventories). Hosts, group membership (children
 * included) and each host's merged variables (`_meta.hostvars`) must be equal, secrets dropped from both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isSecretVar } from '../fleet/inventory/index.js';
import { selectHosts } from '../fleet/selector.js';
import { GROUP_VARS, planFleet, renderInventory } from '../../test/lab/fleet.js';
import { readInventory } from './inventory.js';

const FIXTURES = resolve(import.meta.dirname, '../../test/fixtures/inventories');
const ANSIBLE = spawnSync('ansible-inventory', ['--version'], { encoding: 'utf8' }).status === 0;

interface AnsibleList { _meta: { hostvars: Record<string, Record<string, unknown>> }; [group: string]: { hosts?: string[]; children?: string[] } | AnsibleList['_meta'] }

function ansibleInventory(files: string[]): AnsibleList {
  const home = mkdtempSync(join(tmpdir(), 'ferry-ansible-'));
  try {
    // no configuration but an empty one of our own (not /etc/ansible/ansible.cfg, not ./ansible.cfg)
    writeFileSync(join(home, 'ansible.cfg'), '');
    const r = spawnSync('ansible-inventory', [...files.flatMap((f) => ['-i', f]), '--list'], {
      encoding: 'utf8',
      cwd: home,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ANSIBLE_HOME: home, ANSIBLE_INVENTORY_UNPARSED_WARNING: 'False', ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True', ANSIBLE_CONFIG: join(home, 'ansible.cfg'), LC_ALL: 'C.UTF-8' },
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as AnsibleList;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Every host under `group` in ansible's --list output, children included. */
function membersOf(list: AnsibleList, group: string, seen = new Set<string>()): Set<string> {
  const g = list[group] as { hosts?: string[]; children?: string[] } | undefined;
  const out = new Set(g?.hosts ?? []);
  for (const c of g?.children ?? []) if (!seen.has(c)) { seen.add(c); for (const h of membersOf(list, c, seen)) out.add(h); }
  return out;
}

const withoutSecrets = (vars: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(vars).filter(([k]) => !isSecretVar(k)));

const CASES: Array<{ name: string; files: string[] }> = [
  { name: 'INI: children of children, vars at every depth, ranges with strides, group_vars/host_vars', files: ['tricky/hosts.ini'] },
  { name: 'YAML: the same inventory', files: ['tricky/hosts.yml'] },
  { name: 'INI and YAML together (-i A -i B)', files: ['tricky/hosts.ini', 'tricky/hosts.yml'] },
  { name: 'INI corners: pending children, priority vs depth, comments in values, IPv6:port, subdirectories in group_vars', files: ['quirks/hosts.ini'] },
  { name: 'YAML corners: string sections, null groups, repeated keys, PyYAML scalars', files: ['quirks/hosts.yml'] },
  { name: 'a directory: its files in name order, ignored extensions skipped, group_vars/ of the directory', files: ['directory'] },
];

for (const c of CASES) {
  test(`inventory import equals ansible-inventory --list: ${c.name}`, { skip: !ANSIBLE && 'ansible-inventory is not installed' }, () => {
    const files = c.files.map((f) => join(FIXTURES, f));
    const ref = ansibleInventory(files);
    const ours = readInventory(files);
    const groups = Object.keys(ref).filter((g) => g !== '_meta' && g !== 'all');
    // --list leaves a host without variables out of _meta.hostvars; its groups still name it
    const refHosts = new Set([...Object.keys(ref._meta.hostvars), ...groups.flatMap((g) => [...membersOf(ref, g)])]);
    assert.deepEqual(ours.hosts.map((h) => h.name).sort(), [...refHosts].sort(), 'hosts');
    assert.ok(groups.length >= 2, `the fixture has groups (${groups.join(', ')})`);
    for (const g of groups) {
      const expected = [...membersOf(ref, g)].sort();
      const got = g === 'ungrouped' ? ours.groups.find((x) => x.name === 'ungrouped')?.hosts.slice().sort() : ours.hosts.filter((h) => h.groups.includes(g)).map((h) => h.name).sort();
      assert.deepEqual(got, expected, `members of ${g}`);
    }
    for (const h of ours.hosts) assert.deepEqual(h.vars, withoutSecrets(ref._meta.hostvars[h.name] ?? {}), `vars of ${h.name}`);
    if (c.files[0].startsWith('tricky/')) {
      assert.ok(ours.notices.some((n) => n.includes('ansible_ssh_pass')), 'the dropped password is reported');
      assert.ok(!JSON.stringify(ours).includes('hunter2') && !JSON.stringify(ours).includes('s3cret'), 'no secret value anywhere');
    }
  });
}

/** Selectors in Ansible's own pattern syntax pick what `ansible PATTERN --list-hosts` picks. */
const PATTERNS = ['frontend:&prod:!db', 'web,db', 'web:db', '!web', '&backend', 'web*', 'db-0*:redis1', 'prod:!cache:!frontend', 'ungrouped', 'backend:&db:!db-02', '~web0[17]', '~(db|cache)'];
test('selectors equal ansible --list-hosts on the same inventory', { skip: !ANSIBLE && 'ansible-inventory is not installed' }, () => {
  const file = join(FIXTURES, 'tricky/hosts.ini');
  const inv = readInventory([file]);
  const home = mkdtempSync(join(tmpdir(), 'ferry-ansible-'));
  try {
    writeFileSync(join(home, 'ansible.cfg'), '');
    for (const pattern of PATTERNS) {
      const r = spawnSync('ansible', ['-i', file, pattern, '--list-hosts'], {
        encoding: 'utf8', cwd: home,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ANSIBLE_HOME: home, ANSIBLE_CONFIG: join(home, 'ansible.cfg'), LC_ALL: 'C.UTF-8' },
      });
      assert.equal(r.status, 0, r.stderr);
      const expected = r.stdout.split('\n').slice(1).map((l) => l.trim()).filter(Boolean).sort();
      assert.deepEqual(selectHosts(pattern, inv.hosts, { groups: inv.groups.map((g) => g.name) }).sort(), expected, pattern);
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('the lab fleet inventory (test/lab/fleet.ts renderInventory + group_vars) imports as ansible-inventory reads it', { skip: !ANSIBLE && 'ansible-inventory is not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-lab-inv-'));
  try {
    const hosts = planFleet(50).map((p, i) => ({
      name: p.name,
      groups: [p.shape.group, p.kind],
      vars: { ansible_host: `127.0.1.${10 + i}`, ansible_port: String(20000 + i), ferry_root: `/var/lab/${p.name}`, lab_shape: p.shape.shape, ...(p.haPair ? { ha_pair: p.haPair } : {}) },
    }));
    const file = join(dir, 'inventory.ini');
    writeFileSync(file, renderInventory(hosts, { privateKeyPath: join(dir, 'id_ed25519'), knownHostsPath: join(dir, 'known_hosts') }));
    mkdirSync(join(dir, 'group_vars'));
    for (const [group, vars] of Object.entries(GROUP_VARS)) writeFileSync(join(dir, 'group_vars', `${group}.yml`), Object.entries(vars).map(([k, v]) => `${k}: "${v}"\n`).join(''));
    const ref = ansibleInventory([file]);
    const ours = readInventory([file]);
    assert.equal(ours.hosts.length, 50);
    for (const h of ours.hosts) {
      assert.deepEqual(h.vars, ref._meta.hostvars[h.name], `vars of ${h.name}`);
      for (const g of ['web', 'db', 'prod', 'centos8', 'stream8', 'centos7']) assert.equal(h.groups.includes(g), membersOf(ref, g).has(h.name), `${h.name} in ${g}`);
      assert.equal(h.connection.port, Number(ref._meta.hostvars[h.name].ansible_port));
      assert.equal(h.connection.user, 'root');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
