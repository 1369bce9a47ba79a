import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError } from '../core/index.js';
import type { InventoryReader } from '../fleet/inventory/index.js';
import { BAD_INVENTORIES } from '../fleet/inventory/testing.js';
import { openSqliteStore } from '../store/index.js';
import { hostsGoneFrom, importInventory, listInventory } from './inventory.js';
import { readInventory } from './inventory.js';

const ANSIBLE = spawnSync('ansible-inventory', ['--version'], { encoding: 'utf8' }).status === 0;

/** An in-memory file system: paths to texts; directories are the paths' prefixes. */
function memoryReader(files: Record<string, string>): InventoryReader {
  return {
    readText: (p) => files[p],
    listDir: (p) => {
      const prefix = p.endsWith('/') ? p : `${p}/`;
      const names = new Map<string, boolean>();
      for (const f of Object.keys(files)) if (f.startsWith(prefix)) { const rest = f.slice(prefix.length); names.set(rest.split('/')[0], rest.includes('/')); }
      return names.size ? [...names].map(([name, isDirectory]) => ({ name, isDirectory })) : undefined;
    },
  };
}

test('ansible-inventory refuses exactly the bad inventories the table says it does', { skip: !ANSIBLE && 'ansible-inventory is not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bad-inv-'));
  try {
    writeFileSync(join(dir, 'ansible.cfg'), '');
    for (const c of BAD_INVENTORIES.filter((x) => !x.file.endsWith('.csv'))) {
      const file = join(dir, c.file);
      writeFileSync(file, c.text);
      const r = spawnSync('ansible-inventory', ['-i', file, '--list'], {
        encoding: 'utf8', cwd: dir,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ANSIBLE_HOME: dir, ANSIBLE_CONFIG: join(dir, 'ansible.cfg'), ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True', LC_ALL: 'C.UTF-8' },
      });
      assert.equal(r.status === 0 ? 'accepts' : 'rejects', c.ansible, `${c.name}: ansible-inventory ${r.status === 0 ? 'accepted' : `refused: ${r.stderr.slice(0, 300)}`}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Values that must never reach ssh's argv or a shell: refused at import, at their file:line. */
const HOSTILE: Array<{ name: string; text: string; line: number; message: RegExp }> = [
  { name: 'ansible_host that is an option', text: 'ok\nweb ansible_host=-oProxyCommand=touch\\ /tmp/x\n', line: 2, message: /address "-oProxyCommand=touch \/tmp\/x" is not a hostname/ },
  { name: 'ansible_user that is an option', text: 'web ansible_user=-oProxyCommand=x\n', line: 1, message: /user "-oProxyCommand=x" is not a login name/ },
  { name: 'shell metacharacters in a host name used as its address', text: 'h;id\n', line: 1, message: /address "h;id" is not a hostname/ },
  { name: 'command substitution in ansible_host', text: 'h ansible_host="$(id)"\n', line: 1, message: /address "\$\(id\)"/ },
  { name: 'identity file that is an option', text: 'h ansible_ssh_private_key_file=-F/etc/passwd\n', line: 1, message: /identity file "-F\/etc\/passwd"/ },
];

for (const c of HOSTILE) {
  test(`hostile inventory refused: ${c.name}`, () => {
    assert.throws(() => readInventory(['/inv/hosts'], { reader: memoryReader({ '/inv/hosts': c.text }) }), (e: unknown) => {
      assert.ok(isFerryError(e, 'INVENTORY_INVALID'), String(e));
      assert.ok(e.message.startsWith(`/inv/hosts:${c.line}: `), e.message);
      assert.match(e.message, c.message);
      return true;
    });
  });
}

test('hostile inventory refused: a newline in a YAML host name', () => {
  assert.throws(() => readInventory(['/inv/h.yml'], { reader: memoryReader({ '/inv/h.yml': 'all:\n  hosts:\n    "a\\nb":\n' }) }),
    (e: unknown) => isFerryError(e, 'INVENTORY_INVALID') && /\/inv\/h\.yml:3: host name "a\\nb" contains whitespace/.test(e.message));
});

test('ssh config: aliases without wildcards become hosts with HostName/Port/User/IdentityFile; Include is followed', () => {
  const reader = memoryReader({
    '/home/u/.ssh/config': 'Include conf.d/*.conf\nHost web1 web2 *.wild !neg\n  HostName 10.0.0.%n\n  User ops\nHost web2\n  Port 2202\nHost *\n  IdentityFile ~/.ssh/id_fleet\n',
    '/home/u/.ssh/conf.d/db.conf': 'Host db1\n  HostName db1.example.com\n  Port 2201\n',
  });
  const inv = readInventory(['/home/u/.ssh/config'], { reader, home: '/home/u' });
  assert.deepEqual(inv.formats, { '/home/u/.ssh/config': 'ssh-config' });
  assert.deepEqual(inv.hosts.map((h) => [h.name, h.connection]), [
    ['db1', { address: 'db1.example.com', port: 2201, identityFile: '/home/u/.ssh/id_fleet' }],
    ['web1', { address: '10.0.0.web1', user: 'ops', identityFile: '/home/u/.ssh/id_fleet' }],
    ['web2', { address: '10.0.0.web2', port: 2202, user: 'ops', identityFile: '/home/u/.ssh/id_fleet' }],
  ]);
});

test('host list: [user@]host[:port] per line, comments; a bad line is refused at its line', () => {
  const inv = readInventory(['/inv/hosts.txt'], { reader: memoryReader({ '/inv/hosts.txt': '# fleet\nroot@10.0.0.1:2222\nweb2  # trailing\n[::1]:2200\n' }) });
  assert.deepEqual(inv.hosts.map((h) => [h.name, h.connection]), [['10.0.0.1', { port: 2222, user: 'root' }], ['web2', {}], ['::1', { port: 2200 }]]);
  assert.throws(() => readInventory(['/inv/hosts.txt'], { reader: memoryReader({ '/inv/hosts.txt': 'ok\n-oProxyCommand=x@h\n' }) }),
    (e: unknown) => isFerryError(e, 'INVENTORY_INVALID') && e.message.startsWith('/inv/hosts.txt:2: '));
});

/** Format detection without --format: extension first, then content. */
const DETECT: Array<[string, string, string]> = [
  ['/i/hosts', '[web]\nh1\n', 'ini'],
  ['/i/hosts', 'all:\n  hosts:\n    h1:\n', 'yaml'],
  ['/i/inventory.json', '{"all": {"hosts": {"h1": null}}}', 'yaml'],
  ['/i/hosts', 'Host h1\n  Port 22\n', 'ssh-config'],
  ['/i/hosts', 'name,address\nh1,10.0.0.1\n', 'csv'],
  ['/i/hosts', 'root@h1\nh2:2222\n', 'list'],
  ['/i/hosts', 'h1\nh2 ansible_port=22\n', 'ini'],
];
for (const [path, text, want] of DETECT) {
  test(`format of ${JSON.stringify(text.split('\n')[0])} is ${want}`, () => {
    assert.equal(readInventory([path], { reader: memoryReader({ [path]: text }) }).formats[path], want);
  });
}

test('a connection Ferry does not speak (winrm, docker) is imported with a notice; local needs no reachable address', () => {
  const inv = readInventory(['/inv/hosts'], { reader: memoryReader({ '/inv/hosts': 'win1 ansible_connection=winrm\nbox ansible_connection=docker\nlab;root ansible_connection=local\nplain ansible_connection=ssh\n' }) });
  assert.deepEqual(inv.hosts.map((h) => h.name), ['win1', 'box', 'lab;root', 'plain']);
  assert.deepEqual(inv.notices.map((n) => n.split(':')[0]), ['ansible_connection=winrm on 1 host (win1)', 'ansible_connection=docker on 1 host (box)']);
});

test('re-import: hosts their source no longer lists are reported and marked removed (out of selectors), listed again when it does; other sources untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-inv-removed-'));
  const files: Record<string, string> = {
    '/inv/hosts.ini': '[web]\nweb1\nweb2\n[db]\ndb1\n',
    '/other/hosts.txt': 'x1\n',
    '/dir/a': '[app]\napp1\n',
    '/dir/b': '[app]\napp2\napp3\n',
  };
  const reader = memoryReader(files);
  const store = openSqliteStore({ path: join(dir, 'ferry.db') });
  try {
    await store.migrate();
    const names = async (selector?: string, includeRemoved = false): Promise<string[]> => (await listInventory(store, selector, { includeRemoved })).map((h) => h.name);
    for (const f of ['/inv/hosts.ini', '/other/hosts.txt', '/dir']) assert.deepEqual((await importInventory(store, [f], { reader })).removed, []);

    files['/inv/hosts.ini'] = '[web]\nweb1\n[db]\ndb1\n';
    const again = await importInventory(store, ['/inv/hosts.ini'], { reader });
    assert.deepEqual([again.removed, again.pruned], [['web2'], []]);
    assert.deepEqual(await names(), ['app1', 'app2', 'app3', 'db1', 'web1', 'x1']);
    assert.deepEqual(await names('web'), ['web1'], 'a selector never picks a removed host');
    assert.deepEqual(await names('web', true), ['web1', 'web2']);
    assert.match((await store.getHost('web2'))?.removedAt ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual((await importInventory(store, ['/inv/hosts.ini'], { reader })).removed, [], 'reported once, when it went');
    const audit = (await store.listAudit()).filter((a) => a.action === 'inventory.import').at(-2);
    assert.deepEqual((audit?.details as { removed?: unknown }).removed, ['web2']);

    // A file deleted from an inventory directory: its hosts are gone from that source.
    delete files['/dir/b'];
    assert.deepEqual((await importInventory(store, ['/dir'], { reader })).removed, ['app2', 'app3']);

    files['/inv/hosts.ini'] = '[web]\nweb1\nweb2\n[db]\ndb1\n';
    assert.deepEqual((await importInventory(store, ['/inv/hosts.ini'], { reader })).removed, []);
    assert.deepEqual(await names('web'), ['web1', 'web2'], 'listed again: selected again');
    assert.equal((await store.getHost('x1'))?.removedAt, null, 'a host of another source is never touched');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('re-import --prune: the removed hosts of that source are deleted; refused, importing nothing, while a rollout has one under way', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-inv-prune-'));
  const files: Record<string, string> = { '/inv/hosts.ini': 'web1\nweb2\nweb3\n' };
  const reader = memoryReader(files);
  const store = openSqliteStore({ path: join(dir, 'ferry.db') });
  try {
    await store.migrate();
    await importInventory(store, ['/inv/hosts.ini'], { reader });
    files['/inv/hosts.ini'] = 'web1\nweb3\n';
    await importInventory(store, ['/inv/hosts.ini'], { reader }); // web2 marked removed
    await store.createRollout({ id: 'r-live', target: 'rocky-8', selector: 'all', spec: {}, createdBy: 'alice', hosts: [{ hostName: 'web3', wave: 0 }] });
    files['/inv/hosts.ini'] = 'web1\nweb4\n';
    await assert.rejects(importInventory(store, ['/inv/hosts.ini'], { reader, prune: true }),
      (e) => isFerryError(e, 'HOST_IN_ROLLOUT') && /web3 is pending in rollout r-live/.test(e.message));
    assert.equal(await store.getHost('web4'), undefined, 'nothing imported');
    assert.ok(await store.getHost('web2'), 'nothing deleted');

    await store.updateRolloutHost('r-live', 'web3', { state: 'skipped' });
    const pruned = await importInventory(store, ['/inv/hosts.ini'], { reader, prune: true });
    assert.deepEqual([pruned.removed, pruned.pruned], [['web3'], ['web2', 'web3']]);
    assert.deepEqual((await store.listHosts()).map((h) => h.name), ['web1', 'web4']);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hostsGoneFrom: only hosts whose source is a file read now, or under a directory given now', () => {
  const host = (name: string, source: string | null): Parameters<typeof hostsGoneFrom>[0][number] => ({
    name, source, address: null, labels: {}, groups: [], vars: {}, connection: {}, hostKeyFingerprint: null, machineId: null, removedAt: null, createdAt: '', updatedAt: '',
  });
  const stored = [host('a', '/inv/hosts.ini'), host('b', '/inv/hosts.ini'), host('c', '/inv2/x.ini'), host('d', '/dir/old.ini'), host('e', '/dirx/y.ini'), host('f', null), host('g', 'cli')];
  const gone = hostsGoneFrom(stored, new Set(['a']), { files: ['/inv/hosts.ini', '/dir/new.ini'], dirs: ['/dir/'] });
  assert.deepEqual(gone.map((h) => h.name), ['b', 'd']);
});
