import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { enabledUnitNames, parseAlternatives, parseFindmnt, parseGroup, parseIpAddr, parseIpRoute, parseListUnitFiles, parseListUnits, parsePasswd, parseSs, parseSshdT } from './parse-workload.js';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures-workload', name), 'utf8');

test('real captured ss, ip -j, findmnt -J and sshd -T output (fixtures-workload/README.md)', () => {
  assert.deepEqual(parseSs(fixture('ss.txt')), [
    { proto: 'udp', address: '*', port: 5353, process: 'node' },
    { proto: 'tcp', address: '127.0.0.1', port: 8080, process: 'node' },
  ]);
  assert.deepEqual(parseIpAddr(fixture('ip-addr.json')).map((i) => [i.name, i.addresses, Boolean(i.mac)]), [
    ['eth0', ['10.213.7.2/30', ...parseIpAddr(fixture('ip-addr.json'))[0].addresses.filter((a) => a.startsWith('fe80'))], true],
    ['lo', ['127.0.0.1/8', '::1/128'], false],
  ]);
  assert.deepEqual(parseIpRoute(fixture('ip-route.json')), ['10.213.7.0/30 dev eth0', 'default via 10.213.7.1 dev eth0']);
  assert.deepEqual(parseFindmnt(fixture('findmnt.json')).map((m) => [m.target, m.source, m.fstype]), [['/', '/dev/vda', 'ext4']]);
  const sshd = parseSshdT(fixture('sshd-T.txt'));
  assert.deepEqual([sshd.port, sshd.permitrootlogin, sshd.passwordauthentication], ['22', 'without-password', 'yes']);
  assert.equal(sshd.listenaddress, '[::]:22, 0.0.0.0:22', 'a repeated keyword keeps every value');
});

test('text readers: tables as systemd, ss (EL7, no -H), passwd, group and alternatives print them', () => {
  const rows: Array<[string, unknown, unknown]> = [
    ['list-units', parseListUnits('sshd.service loaded active running OpenSSH server daemon\n● httpd.service loaded failed failed The Apache HTTP Server\ncrond.service loaded inactive dead Command Scheduler\n'),
      [{ name: 'crond.service', load: 'loaded', active: 'inactive', sub: 'dead' }, { name: 'httpd.service', load: 'loaded', active: 'failed', sub: 'failed' },
        { name: 'sshd.service', load: 'loaded', active: 'active', sub: 'running' }]],
    ['list-unit-files', parseListUnitFiles('crond.service  enabled  enabled\nfoo.timer disabled\n'), [{ name: 'crond.service', state: 'enabled' }, { name: 'foo.timer', state: 'disabled' }]],
    ['enabled', enabledUnitNames('b.service enabled\na.service enabled enabled\nc.service static -\n'), ['a.service', 'b.service']],
    ['enabled: only systemctl\'s enabled state', enabledUnitNames('d.service enabled-runtime enabled\ne.service alias -\nf.service indirect disabled\ng.service generated -\n'), []],
    ['ss v6', parseSs('Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port\ntcp LISTEN 0 128 [::]:22 [::]:*\ntcp LISTEN 0 128 127.0.0.53%lo:53 0.0.0.0:*\n'),
      [{ proto: 'tcp', address: '::', port: 22 }, { proto: 'tcp', address: '127.0.0.53', port: 53 }]],
    ['passwd', parsePasswd('root:x:0:0:root:/root:/bin/bash\n# c\napp:x:990:990:Some Person,room 4:/srv/app:/sbin/nologin\n'),
      [{ name: 'app', uid: 990, gid: 990, home: '/srv/app', shell: '/sbin/nologin' }, { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' }]],
    ['group', parseGroup('wheel:x:10:alice,bob\napp:x:990:\n'), [{ name: 'app', gid: 990, members: [] }, { name: 'wheel', gid: 10, members: ['alice', 'bob'] }]],
    ['alternatives', parseAlternatives('python3\t/usr/bin/python3.6\njava\t/usr/lib/jvm/j/bin/java\n'), { python3: '/usr/bin/python3.6', java: '/usr/lib/jvm/j/bin/java' }],
  ];
  for (const [name, got, want] of rows) assert.deepEqual(got, want, name);
  assert.throws(() => parseIpAddr('{}'), /ip -j addr/);
  assert.throws(() => parseFindmnt('{}'), /findmnt -J/);
});
