import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError } from '../../core/index.js';
import { expandHostPattern } from './host-pattern.js';
import { parseInventory, type InventoryReader } from './index.js';
import { parseIniValue } from './python-literal.js';
import { shlexSplit } from './shlex.js';
import { BAD_INVENTORIES } from './testing.js';

/** Values as Python 3.11's ast.literal_eval gives them (ansible's INI typing); text when not a literal. */
const LITERALS: Array<[string, unknown]> = [
  ['42', 42], ['-3', -3], ['+7', 7], ['1_000', 1000], ['0x1F', 31], ['0o17', 15], ['0b101', 5], ['007', '007'], ['00', 0],
  ['1.5', 1.5], ['2.5e1', 25], ['.5', 0.5], ['1.', 1], ['1e', '1e'], ['1.2.3', '1.2.3'], ['1j', '1j'],
  ['True', true], ['False', false], ['None', null], ['true', 'true'], ['yes', 'yes'],
  ["'a b'", 'a b'], ['"x\\ty"', 'x\ty'], ["'a' 'b'", 'ab'], ["r'\\n'", '\\n'], ["'\\x41\\u00e9'", 'Aé'], ["'unclosed", "'unclosed"],
  ['[1, "two", 3.5]', [1, 'two', 3.5]], ['(1,)', [1]], ['(1)', 1], ['1,2', [1, 2]], ['[]', []],
  ["{'k': True, 'n': None}", { k: true, n: null }], ['{1, 2}', '{1, 2}'], ['[1, 2', '[1, 2'], ['hello world', 'hello world'],
  ['/srv/a', '/srv/a'], ['a=b', 'a=b'], ['', ''],
];
for (const [text, want] of LITERALS) {
  test(`parseIniValue(${JSON.stringify(text)}) is ${JSON.stringify(want)}`, () => assert.deepEqual(parseIniValue(text), want));
}

/** shlex.split(line, comments=True) as Python gives it. */
const SPLITS: Array<[string, string[] | undefined]> = [
  ['h a=1 b=2', ['h', 'a=1', 'b=2']],
  ['h c="hello world" d=\'x y\'', ['h', 'c=hello world', 'd=x y']],
  ['h a=b#c d=e', ['h', 'a=b']],
  ['h a="#kept" # gone', ['h', 'a=#kept']],
  ['h a=x\\ y', ['h', 'a=x y']],
  ['h a="q\\"q" b=\'\\n\'', ['h', 'a=q"q', 'b=\\n']],
  ['h a="x', undefined],
  ['h a=\\', undefined],
];
for (const [line, want] of SPLITS) test(`shlexSplit(${JSON.stringify(line)})`, () => assert.deepEqual(shlexSplit(line), want));

const PATTERNS: Array<[string, string[], number | undefined]> = [
  ['web[01:03]', ['web01', 'web02', 'web03'], undefined],
  ['web[1:9:4].example.com', ['web1.example.com', 'web5.example.com', 'web9.example.com'], undefined],
  ['db-[a:c]:2222', ['db-a', 'db-b', 'db-c'], 2222],
  ['r[0:1]x[a:b]', ['r0xa', 'r0xb', 'r1xa', 'r1xb'], undefined],
  ['[::1]:2223', ['::1'], 2223],
  ['fe80::1', ['fe80::1'], undefined],
  ['h:22', ['h'], 22],
  ['w[:2]', ['w0', 'w1', 'w2'], undefined],
];
for (const [p, names, port] of PATTERNS) {
  test(`expandHostPattern(${p})`, () => assert.deepEqual(expandHostPattern(p), { names, ...(port !== undefined ? { port } : {}) }));
}

const NO_FILES: InventoryReader = { readText: () => undefined, listDir: () => undefined };

test('precedence: deeper groups win, same depth by priority then name, host vars last; ungrouped vars only for ungrouped hosts', () => {
  const inv = parseInventory([{ path: '/inv/hosts', format: 'ini', text: [
    'solo', '[b]', 'h1 own=host', '[a]', 'h1', '[parent:children]', 'a', '[a:vars]', 'v=a', 'own=group', '[b:vars]', 'v=b',
    '[parent:vars]', 'v=parent', 'p=parent', '[ungrouped:vars]', 'u=1', '[z]', 'h2', '[y]', 'h2', '[z:vars]', 'ansible_group_priority=0', 'v=z', '[y:vars]', 'v=y',
  ].join('\n') }], NO_FILES);
  const by = Object.fromEntries(inv.hosts.map((h) => [h.name, h]));
  assert.deepEqual(by.h1.vars, { v: 'a', own: 'host', p: 'parent' }, 'a (depth 2) beats b (depth 1); the host line beats its group');
  assert.deepEqual(by.h1.groups, ['a', 'b', 'parent']);
  assert.deepEqual(by.h2.vars, { v: 'y' }, 'z has priority 0, so y (priority 1) comes later and wins');
  assert.deepEqual(by.solo.vars, { u: 1 });
  assert.deepEqual(by.solo.groups, []);
});

test('connection comes from ansible_host/port/user/ssh_private_key_file, else the ansible_ssh_ aliases; secrets are dropped and named', () => {
  const inv = parseInventory([{ path: '/inv/h.yml', format: 'yaml', text: [
    'all:', '  hosts:',
    '    a: {ansible_host: 10.0.0.1, ansible_port: "2201", ansible_user: ops, ansible_ssh_private_key_file: /k, ansible_password: pw1, db_secret: x, my_token: y}',
    '    b: {ansible_ssh_host: 10.0.0.2, ansible_ssh_port: 22, ansible_ssh_user: old}',
    '    c: {ferry_labels: "env=prod, tier=web"}',
    '    d: {ferry_labels: {rack: r1}}',
  ].join('\n') }], NO_FILES);
  const by = Object.fromEntries(inv.hosts.map((h) => [h.name, h]));
  assert.deepEqual(by.a.connection, { address: '10.0.0.1', port: 2201, user: 'ops', identityFile: '/k' });
  assert.deepEqual(by.b.connection, { address: '10.0.0.2', port: 22, user: 'old' });
  assert.deepEqual(Object.keys(by.a.vars).sort(), ['ansible_host', 'ansible_port', 'ansible_ssh_private_key_file', 'ansible_user']);
  assert.deepEqual(by.c.labels, { env: 'prod', tier: 'web' });
  assert.deepEqual(by.d.labels, { rack: 'r1' });
  for (const v of ['ansible_password', 'db_secret', 'my_token']) assert.ok(inv.notices.some((n) => n.includes(v) && n.includes('host (a)')), v);
  assert.ok(!inv.notices.join('\n').includes('pw1'), 'no value in a notice');
});

test('CSV: header row, quoted fields, groups split on ;, other columns as vars', () => {
  const inv = parseInventory([{ path: '/inv/hosts.csv', format: 'csv', text: 'name,address,port,user,identity_file,groups,rack\nweb01,10.0.0.1,2222,ops,/k,web;prod,"r1, row 2"\n"db01",,,,,db,\n' }], NO_FILES);
  assert.deepEqual(inv.hosts.map((h) => [h.name, h.connection, h.groups, h.vars.rack ?? null]), [
    ['web01', { address: '10.0.0.1', port: 2222, user: 'ops', identityFile: '/k' }, ['prod', 'web'], 'r1, row 2'],
    ['db01', {}, ['db'], null],
  ]);
});

for (const c of BAD_INVENTORIES) {
  test(`refused at file:line: ${c.name}`, () => {
    const format = c.file.endsWith('.ini') ? 'ini' : c.file.endsWith('.yml') ? 'yaml' : 'csv';
    assert.throws(() => parseInventory([{ path: `/inv/${c.file}`, text: c.text, format }], NO_FILES), (e: unknown) => {
      assert.ok(isFerryError(e, 'INVENTORY_INVALID'), String(e));
      assert.ok(e.message.startsWith(`/inv/${c.file}:${c.line}: `), e.message);
      assert.match(e.message, c.message);
      return true;
    });
  });
}

test('!vault values are dropped with a notice naming where, never the ciphertext', () => {
  const inv = parseInventory([{ path: '/inv/h.yml', format: 'yaml', text: 'all:\n  hosts:\n    a:\n      db_login: !vault |\n        $ANSIBLE_VAULT;1.1;AES256\n        6162\n      keep: 1\n' }], NO_FILES);
  assert.deepEqual(inv.hosts[0].vars, { keep: 1 });
  assert.deepEqual(inv.notices, ['host a: variable db_login dropped (encrypted with !vault; Ferry does not store secrets)']);
});
