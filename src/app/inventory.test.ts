import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError } from '../core/index.js';
import type { InventoryReader } from '../fleet/inventory/index.js';
import { BAD_INVENTORIES } from '../fleet/inventory/testing.js';
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
