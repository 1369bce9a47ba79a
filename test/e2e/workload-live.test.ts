// The workload diff on a LIVE lab host (test/lab/live.ts) in its own network namespace, reached over its
// sshd: the workload recorded as a migration records it, then a unit stops (the lab's systemctl shim: see
// live.ts), a listener process is killed, the interface is renamed (`ip link set … name …`) and PermitRootLogin
// is changed in the host's sshd_config; the workload gate check then reports each as a high finding, read from
// the real ss, ip -j, sshd -T and findmnt of the host. Nothing changed: no finding.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createLab, type Lab } from '../lab/lab.js';
import { startLiveHost, type LiveHost } from '../lab/live.js';
import { skipUnlessTools } from '../support/shared.js';
import { connectSsh } from '../../src/transport/ssh.js';
import type { Transport } from '../../src/transport/index.js';
import { mkdirHost } from '../../src/exec/journal.js';
import { captureWorkload, readWorkloadBefore, recordWorkloadBefore, workloadReport, workloadVerdict } from '../../src/exec/workload.js';
import type { Finding } from '../../src/assess/types.js';

const skip = process.getuid?.() !== 0 ? 'needs root (unshare, mount, ip netns)'
  : skipUnlessTools('rpm', 'rpmbuild', 'createrepo_c', 'dnf', 'sshd', 'unshare', 'nsenter', 'ip', 'ss', 'findmnt', 'systemctl', 'node');
const STATE = '/var/lib/ferry/mig-workload-test';
const UNITS = 'lab-web.service loaded active running Lab web server\nsshd.service loaded active running OpenSSH server daemon\n';

let lab: Lab;
let live: LiveHost;
let transport: Transport;

before(async () => {
  if (skip) return;
  lab = await createLab();
  const host = await lab.host({ from: 'centos-8' });
  live = await startLiveHost(host, { kernelRelease: '4.18.0-193.el8.x86_64', memory: { totalKiB: 8 << 20, availableKiB: 6 << 20 }, fips: false, firmware: 'bios',
    network: { interface: 'eth0' } });
  const w = await live.exec(['sh', '-c', 'printf "%s" "$1" > /run/ferry-lab/units', 'sh', UNITS]);
  assert.equal(w.code, 0, w.stderr);
  transport = await connectSsh({ host: live.host, port: live.port, user: 'root', sshConfigPath: false,
    auth: { identityFiles: [live.privateKeyPath], agent: false }, knownHostsFiles: [live.knownHostsPath] });
});

after(async () => {
  if (skip) return;
  await transport?.close();
  const netns = live?.netns;
  await live?.stop();
  await lab?.close();
  if (netns) assert.doesNotMatch(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout, new RegExp(`^${netns}\\b`, 'm'), 'the network namespace is removed');
});

const find = (findings: Finding[], key: string): Finding => {
  const f = findings.find((x) => x.key === key);
  assert.ok(f, `no ${key} in ${findings.map((x) => x.key).join(', ')}`);
  return f;
};

test('a stopped unit, a closed port, a renamed interface and a changed PermitRootLogin are each a high finding; no change is none', { skip }, async () => {
  const listener = await live.listen(8080);
  await mkdirHost(transport, STATE);
  const snapshot = await captureWorkload(transport);
  const w = snapshot.workload;
  // what the host's own tools said: the listener and sshd, the namespace's interface, sshd -T
  assert.ok(w.listeners?.some((l) => l.port === 8080), JSON.stringify(w.listeners));
  assert.ok(w.listeners?.some((l) => l.port === live.port && l.address === live.host), JSON.stringify(w.listeners));
  assert.deepEqual(w.interfaces?.map((i) => i.name), ['eth0', 'lo']);
  assert.ok(w.interfaces?.[0].addresses.includes(`${live.host}/30`));
  assert.ok(w.routes?.some((r) => r.endsWith('dev eth0')), JSON.stringify(w.routes));
  assert.equal(w.sshd?.port, String(live.port));
  assert.deepEqual(w.units?.map((u) => [u.name, u.active]), [['lab-web.service', 'active'], ['sshd.service', 'active']]);
  assert.ok(w.mounts?.some((m) => m.target === '/'), 'findmnt -J');
  await recordWorkloadBefore(transport, STATE, snapshot);
  assert.deepEqual(await readWorkloadBefore(transport, STATE), snapshot, 'read back through its schema');

  // The health gate's workload check: the diff now against the recorded before, and its verdict.
  const check = async (): Promise<ReturnType<typeof workloadVerdict> & { report?: Awaited<ReturnType<typeof workloadReport>> }> => {
    const report = await workloadReport(transport, STATE);
    return { ...workloadVerdict(report), report };
  };
  const same = await check();
  assert.deepEqual([same.ok, same.report?.findings], [true, []], 'nothing changed: no finding');

  await listener.stop();
  const changes = [
    ['sh', '-c', 'printf "%s" "$1" > /run/ferry-lab/units', 'sh', UNITS.replace('active running Lab', 'inactive dead Lab')],
    ['sed', '-i', 's/^PermitRootLogin .*/PermitRootLogin no/', '/etc/ssh/sshd_config'],
  ];
  for (const argv of changes) {
    const r = await live.exec(argv);
    assert.equal(r.code, 0, r.stderr);
  }
  for (const argv of [['link', 'set', 'eth0', 'down'], ['link', 'set', 'eth0', 'name', 'ens3'], ['link', 'set', 'ens3', 'up']]) {
    const r = spawnSync('ip', ['-n', String(live.netns), ...argv], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }

  const gate = await check();
  assert.equal(gate.ok, false);
  const findings = gate.report?.findings ?? [];
  const unit = find(findings, 'workload-diff:unit-inactive:lab-web.service');
  const port = findings.find((f) => f.key.startsWith('workload-diff:port-closed:tcp:') && f.details?.port === 8080);
  const renamed = find(findings, 'workload-diff:interface-renamed:eth0');
  const root = find(findings, 'workload-diff:sshd:permitrootlogin');
  assert.ok(port, findings.map((f) => f.key).join(', '));
  assert.deepEqual([unit.severity, port.severity, renamed.severity, root.severity], ['high', 'high', 'high', 'high']);
  assert.match(unit.summary, /lab-web\.service was active \(running\) before the migration and is inactive \(dead\) after it/);
  assert.match(port.title, /Nothing listens on .*:8080\/tcp any more/);
  assert.deepEqual([renamed.details?.before, renamed.details?.after], ['eth0', 'ens3']);
  assert.match(root.title, /PermitRootLogin changed from without-password to no: root SSH lockout risk/);
  assert.ok(root.remediation?.hint.includes('sshd -t'));
  assert.match(gate.detail, /^4 high finding\(s\)/);
  assert.deepEqual(findings.filter((f) => f.severity !== 'high').map((f) => f.key), [], 'the routes moved with the interface: no finding of their own');
  console.log(findings.map((f) => `${f.severity} ${f.title}`).join('\n'));
});
