// End to end on the lab: a CentOS-8-shaped host migrated by Ferry to each EL8 target on local roots and
// over a real sshd; the result compared with the lab's by-hand dnf recipe; inhibitors and overrides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessTools } from '../support/shared.js';
import { isFerryError } from '../../src/core/index.js';
import { migrate, migrationStatus, planMigration } from '../../src/app/migrate.js';
import { openFerryStore } from '../../src/app/store.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { connectSsh } from '../../src/transport/ssh.js';
import type { Finding } from '../../src/assess/types.js';
import { migrateByHand, packageSet, sh, useLab } from './helpers.js';
import { ferry } from './cli.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'sshd', 'ssh', 'setsid', 'gpg');
const labOf = useLab(skip);

for (const target of ['rocky-8', 'almalinux-8', 'oraclelinux-8', 'opencloudos-8']) {
  test(`centos-8 → ${target} on a local root: verification passes and the package set equals dnf by hand`, { skip }, async () => {
    const d = await labOf().distro(target);
    const host = await labOf().host({ from: 'centos-8', extras: ['nodejs'] });
    const hand = await labOf().host({ from: 'centos-8', extras: ['nodejs'] });
    const transport = createLocalTransport({ root: host.root });
    const res = await migrate({ transport, target, repos: [`${target}=${d.repoDir}`], gpgcheck: false });
    assert.equal(res.result.status, 'completed');
    assert.ok(res.verify?.ok, JSON.stringify(res.verify?.checks));
    // opencloudos-8: under its module_platform_id platform:oc8 the lab's nodejs module (built for el8) is not offered,
    // so the CentOS build stays, as it does by hand
    const nodejs = target === 'opencloudos-8' ? ['nodejs-1:10.24.0-1.module_el8.3.0+717+fa496f1d.x86_64'] : [];
    assert.deepEqual(res.verify.leftovers.map((l) => l.nevra.split('-0:')[0]).sort(), ['kernel', 'kernel-core', 'kernel-modules', 'lab-orphan', ...nodejs]);
    migrateByHand(hand, d, res.plan.swap);
    const ours = packageSet(host.root, host.env);
    const theirs = packageSet(hand.root, hand.env);
    // opencloudos-8 too: the catalog's module_platform_id (platform:oc8, its os-release PLATFORM_ID) is the by-hand recipe's
    assert.deepEqual(ours, theirs, 'same final package set as the by-hand recipe');
    assert.equal(sh(['rpm', '--root', host.root, '-Va'], host.env).stdout, '', 'rpm -Va clean');
    await transport.close();
    host.dispose(); hand.dispose();
  });
}

test('centos-8 → rocky-8 over the real sshd: completes and verifies', { skip }, async () => {
  const d = await labOf().distro('rocky-8');
  const h = await labOf().sshHost({ from: 'centos-8' });
  const transport = await connectSsh({ host: h.host, port: h.port, user: 'root', root: h.root, sshConfigPath: false,
    auth: { identityFiles: [h.privateKeyPath], agent: false }, knownHostsFiles: [h.knownHostsPath] });
  try {
    const res = await migrate({ transport, target: 'rocky-8', repos: [`rocky-8=${d.repoDir}`], gpgcheck: false });
    assert.ok(res.verify?.ok, JSON.stringify(res.verify?.checks));
    const st = await migrationStatus({ transport });
    assert.equal(st.status.state, 'completed');
    assert.equal(sh(['rpm', '--root', h.root, '-q', 'rocky-release'], h.env).status, 0);
  } finally {
    await transport.close();
    await h.stop();
  }
});

test('planMigration: synthetic inhibitors stop the plan; an override must name a standing inhibitor', { skip }, async () => {
  const d = await labOf().distro('rocky-8');
  const host = await labOf().host({ from: 'centos-8' });
  const transport = createLocalTransport({ root: host.root });
  const findings: Finding[] = [{ key: 'test-inhibitor:pam', check: 'test', severity: 'high', groups: ['inhibitor'], title: 'A test inhibitor', summary: 's' },
    { key: 'info-only', check: 'test', severity: 'info', groups: ['packages'], title: 'Not an inhibitor', summary: 's' }];
  await assert.rejects(planMigration({ transport, target: 'rocky-8', repos: [d.repoDir], gpgcheck: false, findings }),
    (e: unknown) => isFerryError(e, 'PLAN_INHIBITED') && /test-inhibitor:pam/.test(e.message) && !/info-only/.test(e.message));
  await assert.rejects(planMigration({ transport, target: 'rocky-8', repos: [d.repoDir], gpgcheck: false, findings, overrides: [{ findingKey: 'nope' }] }),
    (e: unknown) => isFerryError(e, 'PLAN_INHIBITED'));
  const { plan } = await planMigration({ transport, target: 'rocky-8', repos: [d.repoDir], gpgcheck: false, findings, overrides: [{ findingKey: 'test-inhibitor:pam' }] });
  assert.deepEqual(plan.overrides, [{ findingKey: 'test-inhibitor:pam' }]);
  // Without findings given, the real assessment runs: a clean lab host has no inhibitor, so an override is refused as unknown.
  await assert.rejects(planMigration({ transport, target: 'rocky-8', repos: [d.repoDir], gpgcheck: false, overrides: [{ findingKey: 'test-inhibitor:pam' }] }),
    (e: unknown) => isFerryError(e, 'USAGE') && /matches no inhibitor/.test(e.message));
  await transport.close();
  host.dispose();
});

test('ferry plan/migrate (CLI) run the real assessment: a registered Spacewalk client is refused; --override proceeds and is journaled on the host and in the store', { skip }, async () => {
  const d = await labOf().distro('rocky-8');
  const host = await labOf().host({ from: 'centos-8' });
  // What rhn_register leaves (migrate2rocky refuses such hosts too): the agent's config and the system id.
  mkdirSync(join(host.root, 'etc/sysconfig/rhn'), { recursive: true });
  writeFileSync(join(host.root, 'etc/sysconfig/rhn/up2date'), 'serverURL=https://spacewalk.example/XMLRPC\n');
  writeFileSync(join(host.root, 'etc/sysconfig/rhn/systemid'), '<?xml version="1.0"?><params/>\n');
  const common = ['local', '--root', host.root, '--to', 'rocky-8', '--repo', `rocky-8=${d.repoDir}`, '--nogpgcheck'];
  const planned = await ferry(['--json', 'plan', ...common]);
  assert.notEqual(planned.code, 0);
  assert.match(planned.out + planned.err, /PLAN_INHIBITED/);
  assert.match(planned.out + planned.err, /management-agents:spacewalk/);
  const refused = await ferry(['migrate', ...common, '--yes']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.err, /management-agents:spacewalk/);
  assert.equal(sh(['rpm', '--root', host.root, '-q', 'rocky-release'], host.env).status, 1, 'nothing was changed');
  const storeDir = mkdtempSync(join(tmpdir(), 'ferry-store-'));
  const storePath = join(storeDir, 'ferry.db');
  const res = await ferry(['--json', 'migrate', ...common, '--yes', '--store', storePath, '--override', 'management-agents:spacewalk', '--reason', 'lab host, unregistered by hand']);
  assert.equal(res.code, 0, res.err);
  const out = JSON.parse(res.out) as { plan: { overrides: unknown[] }; verify?: { ok: boolean } };
  assert.deepEqual(out.plan.overrides, [{ findingKey: 'management-agents:spacewalk', reason: 'lab host, unregistered by hand' }]);
  assert.ok(out.verify?.ok);
  const st = await ferry(['--json', 'status', 'local', '--root', host.root]);
  const status = JSON.parse(st.out) as { status: { state: string; overrides: { findingKey: string; reason?: string }[] } };
  assert.equal(status.status.state, 'completed');
  assert.deepEqual(status.status.overrides.map((o) => [o.findingKey, o.reason]), [['management-agents:spacewalk', 'lab host, unregistered by hand']]);

  // Ferry's store holds the host, the plan, the execution and the journal, entry for entry as on the host.
  const executionId = readFileSync(join(host.root, 'var/lib/ferry/current'), 'utf8').split('\n')[0]; // line 2: the journal head
  const onHost = readFileSync(join(host.root, 'var/lib/ferry', executionId, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
  const store = await openFerryStore(storePath);
  try {
    const inStore = await store.listJournal(executionId);
    assert.ok(onHost.length > 20, `host journal has ${onHost.length} entries`);
    assert.deepEqual(inStore, onHost);
    assert.deepEqual(inStore.map((e) => e.seq), onHost.map((_, i) => i + 1));
    assert.equal((await store.getExecution(executionId))?.state, 'completed');
    assert.equal((await store.getExecution(executionId))?.hostName, `local:${host.root}`);
  } finally {
    await store.close();
  }
  // status --from-store answers without the host: its root is gone.
  const root = host.root;
  host.dispose();
  const fromStore = await ferry(['--json', 'status', 'local', '--root', root, '--store', storePath, '--from-store']);
  rmSync(storeDir, { recursive: true, force: true });
  assert.equal(fromStore.code, 0, fromStore.err + fromStore.out);
  const stored = JSON.parse(fromStore.out) as { from: string; status: { executionId: string; state: string; overrides: { findingKey: string }[] } };
  assert.deepEqual([stored.from, stored.status.executionId, stored.status.state, stored.status.overrides.map((o) => o.findingKey)],
    ['store', executionId, 'completed', ['management-agents:spacewalk']]);
});
