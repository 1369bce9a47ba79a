// Fault injection on the lab: Ferry SIGKILLed at every step boundary and once in the middle of distro-sync,
// then resumed; the SSH connection cut mid-step, then resumed; rollback before the point of no return.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLab, type Lab } from '../lab/lab.js';
import { skipUnlessTools } from '../support/shared.js';
import { migrate, migrationStatus, resume, rollback } from '../../src/app/migrate.js';
import { isFerryError } from '../../src/core/index.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { connectSsh } from '../../src/transport/ssh.js';
import { cutSshSessions, hostSnapshot, runChild, sh } from './helpers.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'sshd', 'setsid', 'gpg', 'pgrep');
let lab: Lab;
let home = '';

before(async () => {
  if (skip) return;
  lab = await createLab();
  home = (await lab.host({ from: 'centos-8' })).env.HOME ?? '';
  process.env.HOME = home;
});
after(async () => { await lab?.close(); });

const STEPS = 10;
const DISTRO_SYNC = 6;

test('SIGKILL at every step boundary and mid distro-sync, each time resumed → completes; rpm -Va clean, dnf check passes', { skip }, async () => {
  const d = await lab.distro('rocky-8');
  const host = await lab.host({ from: 'centos-8', extras: ['nodejs'] });
  const env = { ...process.env, HOME: home, FERRY_E2E_ROOT: host.root, FERRY_E2E_TARGET: 'rocky-8', FERRY_E2E_REPO: `rocky-8=${d.repoDir}` };
  const stalls = [...Array.from({ length: STEPS }, (_, i) => [`start:${i}`, ...(i === DISTRO_SYNC ? [`output:${i}`] : []), `end:${i}`]).flat()];
  let first = true;
  for (const stall of stalls) {
    const r = await runChild({ ...env, FERRY_E2E_MODE: first ? 'migrate' : 'resume' }, stall);
    assert.ok(r.killed, `${stall}: child did not reach the stall point: ${r.out}`);
    first = false;
  }
  const done = await runChild({ ...env, FERRY_E2E_MODE: 'resume' });
  assert.match(done.out, /DONE/, done.out);
  const transport = createLocalTransport({ root: host.root });
  const st = await migrationStatus({ transport });
  assert.equal(st.status.state, 'completed');
  assert.ok(st.verify?.ok, JSON.stringify(st.verify?.checks));
  assert.ok(st.status.steps.find((s) => s.kind === 'distro-sync')!.attempts >= 2, 'distro-sync was interrupted and re-entered');
  assert.equal(sh(['rpm', '--root', host.root, '-Va'], host.env).stdout, '', 'rpm -Va clean');
  assert.equal(sh(['dnf', ...host.dnfArgs(d), 'check'], host.env).status, 0, 'dnf check');
  await transport.close();
  host.dispose();
});

test('SSH connection cut mid-step (sshd session killed during distro-sync) → resume over a new connection completes', { skip }, async () => {
  const d = await lab.distro('rocky-8');
  const h = await lab.sshHost({ from: 'centos-8' });
  const connect = (): ReturnType<typeof connectSsh> => connectSsh({ host: h.host, port: h.port, user: 'root', root: h.root, sshConfigPath: false,
    auth: { identityFiles: [h.privateKeyPath], agent: false }, knownHostsFiles: [h.knownHostsPath], keepaliveIntervalMs: 1000 });
  try {
    const t1 = await connect();
    let cut = false;
    await assert.rejects(migrate({ transport: t1, target: 'rocky-8', repos: [d.repoDir], gpgcheck: false, onProgress(e) {
      if (!cut && e.scope === 'output' && e.message.includes('distro-sync') === false && e.stepId && /Running transaction|Dependencies resolved|Upgrading|Installing/.test(e.message)) {
        cut = cutSshSessions(h.sshd.pid) > 0;
      }
    } }));
    assert.ok(cut, 'the connection was cut');
    // The dropped connection's hint fits a migration (resume), not only a read-only collection.
    await assert.rejects(t1.run(['true']), (e: unknown) => isFerryError(e, 'TRANSPORT_DISCONNECTED') && /ferry resume/.test(e.hint ?? '') && !/facts collection/.test(e.hint ?? ''));
    await t1.close();
    const t2 = await connect();
    const before2 = await migrationStatus({ transport: t2 });
    assert.notEqual(before2.status.state, 'completed');
    const res = await resume({ transport: t2 });
    assert.equal(res.result.status, 'completed');
    assert.ok(res.verify?.ok, JSON.stringify(res.verify?.checks));
    await t2.close();
    assert.equal(sh(['rpm', '--root', h.root, '-Va'], h.env).stdout, '');
  } finally {
    await h.stop();
  }
});

test('SIGKILL before the point of no return, then rollback → package set, repo files and release files identical to before', { skip }, async () => {
  const d = await lab.distro('rocky-8');
  const host = await lab.host({ from: 'centos-8', extras: ['nodejs'] });
  const snap = hostSnapshot(host.root, host.env);
  const env = { ...process.env, HOME: home, FERRY_E2E_ROOT: host.root, FERRY_E2E_TARGET: 'rocky-8', FERRY_E2E_REPO: `rocky-8=${d.repoDir}`, FERRY_E2E_MODE: 'migrate' };
  const r = await runChild(env, `end:${DISTRO_SYNC - 1}`);
  assert.ok(r.killed, r.out);
  assert.notDeepEqual(hostSnapshot(host.root, host.env), snap, 'the swap changed the host');
  const transport = createLocalTransport({ root: host.root });
  const rb = await rollback({ transport });
  assert.ok(rb.restored.length > 5);
  assert.deepEqual(hostSnapshot(host.root, host.env), snap);
  // Bytes, modes, owners and mtimes are restored: rpm -Va is clean.
  assert.equal(sh(['rpm', '--root', host.root, '-Va'], host.env).stdout, '', 'rpm -Va clean after rollback');
  assert.equal((await migrationStatus({ transport })).status.state, 'rolled-back');
  await transport.close();
  host.dispose();
});

test('a new migrate while the last one is unfinished says so first (not "no migration path" from the half-swapped host)', { skip }, async () => {
  const d = await lab.distro('rocky-8');
  const host = await lab.host({ from: 'centos-8' });
  const env = { ...process.env, HOME: home, FERRY_E2E_ROOT: host.root, FERRY_E2E_TARGET: 'rocky-8', FERRY_E2E_REPO: `rocky-8=${d.repoDir}`, FERRY_E2E_MODE: 'migrate' };
  const r = await runChild(env, 'end:4'); // the vendor swap done: the host now reports Rocky Linux
  assert.ok(r.killed, r.out);
  const transport = createLocalTransport({ root: host.root });
  try {
    await assert.rejects(migrate({ transport, target: 'rocky-8', repos: [d.repoDir], gpgcheck: false }),
      (e: unknown) => isFerryError(e, 'USAGE') && /^Migration \S+ on \S+ is unfinished \(running\)$/.test(e.message) && /ferry resume or ferry rollback/.test(e.hint ?? ''));
  } finally {
    await transport.close();
    host.dispose();
  }
});
