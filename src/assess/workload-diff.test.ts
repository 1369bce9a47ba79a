import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkloadFacts } from '../facts/sections/workload.js';
import { diffWorkload, type WorkloadSnapshot } from './workload-diff.js';

const BASE: WorkloadFacts = {
  units: [{ name: 'httpd.service', load: 'loaded', active: 'active', sub: 'running' }, { name: 'crond.service', load: 'loaded', active: 'active', sub: 'running' }],
  unitFiles: [{ name: 'httpd.service', state: 'enabled' }],
  listeners: [{ proto: 'tcp', address: '0.0.0.0', port: 80, process: 'httpd' }, { proto: 'tcp', address: '::', port: 22 }],
  mounts: [{ target: '/', source: '/dev/vda1', fstype: 'xfs', options: 'rw' }, { target: '/srv', source: '/dev/vdb', fstype: 'xfs', options: 'rw' }],
  interfaces: [{ name: 'eth0', mac: '52:54:00:00:00:01', addresses: ['10.0.0.5/24'] }, { name: 'lo', addresses: ['127.0.0.1/8'] }],
  routes: ['default via 10.0.0.1 dev eth0'],
  sshd: { permitrootlogin: 'yes', port: '22', ciphers: 'aes256-gcm@openssh.com' },
  alternatives: { python3: '/usr/bin/python3.6' },
  crontabs: { '/etc/cron.d/backup': 'sha256:aa' },
  users: [{ name: 'app', uid: 990, gid: 990, home: '/srv/app', shell: '/sbin/nologin' }],
  groups: [{ name: 'app', gid: 990, members: [] }],
  cmdline: 'ro root=/dev/vda1',
};
const snap = (w: Partial<WorkloadFacts>, selinux: WorkloadSnapshot['selinux'] = 'enforcing'): WorkloadSnapshot => ({ collectedAt: 't', workload: { ...BASE, ...w }, selinux });
const before = snap({});

test('no change, no finding; every item compared', () => {
  assert.deepEqual(diffWorkload(before, snap({})), { findings: [], notCompared: [] });
});

test('each change is one finding with its severity (table)', () => {
  const rows: Array<[string, Partial<WorkloadFacts>, string, string, RegExp]> = [
    ['unit stopped', { units: [{ ...BASE.units![0], active: 'inactive', sub: 'dead' }, BASE.units![1]] }, 'workload-diff:unit-inactive:httpd.service', 'high', /httpd.service was active \(running\).*inactive \(dead\)/],
    ['unit failed', { units: [{ ...BASE.units![0], active: 'failed', sub: 'failed' }, BASE.units![1]] }, 'workload-diff:unit-failed:httpd.service', 'high', /failed after/],
    ['unit disabled', { unitFiles: [{ name: 'httpd.service', state: 'disabled' }] }, 'workload-diff:unit-disabled:httpd.service', 'medium', /will not start at the next boot/],
    ['port closed', { listeners: [BASE.listeners![1]] }, 'workload-diff:port-closed:tcp:0.0.0.0:80', 'high', /httpd listened on 0\.0\.0\.0:80\/tcp/],
    ['renamed (its routes follow it)', { interfaces: [{ name: 'ens3', mac: '52:54:00:00:00:01', addresses: ['10.0.0.5/24'] }, BASE.interfaces![1]], routes: ['default via 10.0.0.1 dev ens3'] },
      'workload-diff:interface-renamed:eth0', 'high', /was eth0 .* is ens3/],
    ['interface gone', { interfaces: [BASE.interfaces![1]] }, 'workload-diff:interface-gone:eth0', 'high', /existed before/],
    ['address gone', { interfaces: [{ ...BASE.interfaces![0], addresses: [] }, BASE.interfaces![1]] }, 'workload-diff:address-gone:eth0:10.0.0.5/24', 'high', /10\.0\.0\.5\/24 was configured on eth0/],
    ['route gone', { routes: [] }, 'workload-diff:route-gone:default via 10.0.0.1 dev eth0', 'medium', /route default via/],
    ['mount gone', { mounts: [BASE.mounts![0]] }, 'workload-diff:mount-gone:/srv', 'high', /\/dev\/vdb \(xfs\) was mounted on \/srv/],
    ['mount options', { mounts: [BASE.mounts![0], { ...BASE.mounts![1], options: 'ro' }] }, 'workload-diff:mount-changed:/srv', 'medium', /\(rw\) before.*\(ro\) after/],
    ['PermitRootLogin', { sshd: { ...BASE.sshd, permitrootlogin: 'prohibit-password' } }, 'workload-diff:sshd:permitrootlogin', 'high', /logins that worked before may be refused/],
    ['other sshd keyword', { sshd: { ...BASE.sshd, ciphers: 'chacha20-poly1305@openssh.com' } }, 'workload-diff:sshd:ciphers', 'low', /ciphers aes256/],
    ['alternative', { alternatives: { python3: '/usr/bin/python3.9' } }, 'workload-diff:alternative-changed:python3', 'medium', /python3\.6 before the migration and to \/usr\/bin\/python3\.9 after/],
    ['crontab', { crontabs: {} }, 'workload-diff:crontab-removed:/etc/cron.d/backup', 'medium', /removed by the migration/],
    ['user', { users: [{ ...BASE.users![0], shell: '/bin/bash' }] }, 'workload-diff:user-changed:app', 'medium', /\/bin\/bash/],
    ['group gone', { groups: [] }, 'workload-diff:group-removed:app', 'medium', /was in \/etc\/group/],
    ['user added', { users: [...BASE.users!, { name: 'new', uid: 5, gid: 5, home: '/', shell: '/sbin/nologin' }] }, 'workload-diff:user-added:new', 'info', /added to \/etc\/passwd/],
    ['cmdline', { cmdline: 'ro root=/dev/vda1 quiet' }, 'workload-diff:cmdline', 'medium', /quiet/],
  ];
  for (const [name, change, key, severity, summary] of rows) {
    const d = diffWorkload(before, snap(change));
    assert.deepEqual(d.findings.map((f) => [f.key, f.severity]), [[key, severity]], name);
    assert.match(d.findings[0].summary, summary, name);
    assert.ok(d.findings[0].remediation?.hint, `${name}: a remediation`);
  }
  const pr = diffWorkload(before, snap({ sshd: { ...BASE.sshd, permitrootlogin: 'no' } })).findings[0];
  assert.match(pr.title, /PermitRootLogin changed from yes to no: root SSH lockout risk/);
  const se = diffWorkload(before, snap({}, 'permissive')).findings;
  assert.deepEqual(se.map((f) => [f.key, f.severity]), [['workload-diff:selinux', 'high']]);
});

test('an item one side could not give is not compared, and says so', () => {
  const d = diffWorkload(before, snap({ units: null, listeners: null }));
  assert.deepEqual(d.findings, []);
  assert.deepEqual(d.notCompared, [{ item: 'units', why: 'not collected after the migration' }, { item: 'listeners', why: 'not collected after the migration' }]);
});
