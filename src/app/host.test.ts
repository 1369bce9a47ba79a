import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostOptionsFor, hostSpecOf } from './host.js';

const base = { name: 'web01', address: null, connection: {}, vars: {} };

test('hostOptionsFor: an inventory host record → the options openHost takes', () => {
  const cases: Array<[string, Parameters<typeof hostOptionsFor>[0], Parameters<typeof hostOptionsFor>[1], ReturnType<typeof hostOptionsFor>]> = [
    ['name only', base, {}, { host: 'ssh://web01' }],
    ['full connection', { ...base, connection: { address: '127.0.1.7', port: 2222, user: 'root', identityFile: '/k/id' } }, { identityFiles: ['/k/default'], knownHostsFiles: ['/k/known'] },
      { host: 'ssh://root@127.0.1.7:2222', identityFiles: ['/k/id', '/k/default'], knownHostsFiles: ['/k/known'] }],
    ['IPv6 address bracketed', { ...base, connection: { address: '::1', port: 22 } }, {}, { host: 'ssh://[::1]:22' }],
    ['root prefix from ferry_root', { ...base, vars: { ferry_root: '/lab/h1' } }, {}, { host: 'ssh://web01', root: '/lab/h1' }],
    ['ansible_connection=local', { ...base, vars: { ansible_connection: 'local', ferry_root: '/r' } }, {}, { host: 'local', root: '/r' }],
    ['stored address used when the connection has none', { ...base, address: '10.0.0.5' }, {}, { host: 'ssh://10.0.0.5' }],
  ];
  for (const [name, host, defaults, want] of cases) {
    const got = hostOptionsFor(host, defaults);
    assert.deepEqual(got, want, name);
    assert.doesNotThrow(() => hostSpecOf(got), name);
  }
});

test('hostOptionsFor: a ferry_root that is not a path, and a hostile address, are refused naming the host', () => {
  assert.throws(() => hostOptionsFor({ ...base, vars: { ferry_root: 7 } }), /web01: ferry_root must be a path/);
  assert.throws(() => hostSpecOf(hostOptionsFor({ ...base, connection: { address: '-oProxyCommand=sh' } })), (e: Error & { code?: string }) => e.code === 'HOST_INVALID');
});
