// `ferry fleet collect` end to end: hosts in a store (one real lab sshd host, one port nothing listens
// on), the per-host failure table, the exit status, --json, plain progress lines on a non-terminal
// stderr, and the selector.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST_ROOT_VAR } from '../../src/app/host.js';
import { openFerryStore } from '../../src/app/store.js';
import { createLabFleet } from '../lab/fleet.js';
import { createLab, type Lab, type LabSshHost } from '../lab/lab.js';
import { freePort } from '../lab/sshd.js';
import { skipUnlessTools } from '../support/shared.js';
import { ferry } from './cli.js';

const skip = skipUnlessTools('ssh-keygen', 'rpm', 'createrepo_c', 'dnf') || (existsSync('/usr/sbin/sshd') ? false : 'no /usr/sbin/sshd');
let lab: Lab;
let host: LabSshHost;
let dir: string;
let storePath: string;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'ferry-e2e-collect-'));
  lab = await createLab();
  host = await lab.sshHost({ from: 'centos-8' });
  storePath = join(dir, 'ferry.db');
  const store = await openFerryStore(storePath);
  try {
    await store.upsertHost({ name: 'web01', address: '127.0.0.1', groups: ['web'],
      vars: { [HOST_ROOT_VAR]: host.root },
      connection: { address: '127.0.0.1', port: host.port, user: 'root', identityFile: host.privateKeyPath } });
    await store.upsertHost({ name: 'db01', address: '127.0.0.1', groups: ['db'], connection: { address: '127.0.0.1', port: await freePort(), user: 'root' } });
  } finally {
    await store.close();
  }
});
after(async () => {
  if (skip) return;
  await lab?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('ferry fleet collect: the failure table and exit 1 when a host failed; exit 0 for a selection that all came back', { skip, timeout: 60_000 }, async () => {
  const args = ['--store', storePath, '--known-hosts', host.knownHostsPath, '-i', host.privateKeyPath, '--timeout', '5s', '--retries', '1'];
  const r = await ferry(['fleet', 'collect', ...args]);
  assert.equal(r.code, 1, r.err);
  const lines = r.out.trimEnd().split('\n');
  assert.match(lines[0], /^Collected 2 hosts in \d+\.\d s: 1 ok, 1 failed \(unreachable 1\)$/);
  assert.deepEqual(lines[2].split(/\s{2,}/), ['HOST', 'CLASS', 'ATTEMPTS', 'MESSAGE']);
  assert.match(lines[3], /^db01\s+unreachable\s+2\s+Could not connect to root@127\.0\.0\.1:\d+: connect ECONNREFUSED/);
  assert.equal(lines.length, 4, 'web01 is ok, so not in the table');
  // stderr is not a terminal here: one plain line per host and the final bar, no escape sequences
  assert.match(r.err, /^\[\d\/2\] (web01|db01): /m);
  assert.match(r.err, /\] 2\/2 · ok 1 · failed 1 · remaining 0/);
  assert.doesNotMatch(r.err, /\r|\x1b/);

  const ok = await ferry(['--json', 'fleet', 'collect', 'web', ...args]);
  assert.equal(ok.code, 0, ok.err);
  const doc = JSON.parse(ok.out) as { hosts: { host: string; outcome: string; factSnapshotId: number }[]; counts: Record<string, number> };
  assert.deepEqual(doc.hosts.map((h) => [h.host, h.outcome]), [['web01', 'ok']]);
  assert.equal(typeof doc.hosts[0].factSnapshotId, 'number');
  assert.equal(doc.counts.ok, 1);

  const unknown = await ferry(['fleet', 'collect', 'webz', ...args]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /SELECTOR_UNKNOWN/);
  assert.match(unknown.err, /web\b/, 'the close match is named');
  const badTimeout = await ferry(['fleet', 'collect', '--store', storePath, '--timeout', 'soon']);
  assert.equal(badTimeout.code, 2);
  assert.match(badTimeout.err, /--timeout 'soon' is not understood/);
});

test('the lab fleet through the CLI: import its Ansible inventory, collect — each faulty host in its class; then a re-keyed host is refused and a re-imaged one flagged, the rest go on', { skip, timeout: 180_000 }, async () => {
  const fleet = await createLabFleet(lab, { size: 12 });
  try {
    const store = join(dir, 'fleet.db');
    const imported = await ferry(['inventory', 'import', fleet.inventoryPath, '--store', store]);
    assert.equal(imported.code, 0, imported.err);
    const args = ['--store', store, '--known-hosts', fleet.knownHostsPath, '--retries', '0', '--timeout', '30s', '--json'];
    type Doc = { hosts: { host: string; outcome: string; message?: string }[]; counts: Record<string, number> };
    const outcomes = (d: Doc): Map<string, string> => new Map(d.hosts.map((h) => [h.host, h.outcome]));
    const first = await ferry(['fleet', 'collect', ...args]);
    assert.equal(first.code, 1, first.err);
    const got = outcomes(JSON.parse(first.out) as Doc);
    assert.equal(got.size, 12);
    for (const h of fleet.hosts) {
      const want = h.fault === 'unreachable' || h.fault === 'host-key-changed' || h.fault === 'auth' ? h.fault : 'ok';
      assert.equal(got.get(h.name), want, h.name);
    }

    // Between two collections: one host's sshd gets a new key (known_hosts unchanged), another a new machine-id.
    const healthy = fleet.healthy();
    const [rekeyed, reimaged] = [healthy[0].name, healthy[1].name];
    await fleet.changeHostKey(rekeyed);
    fleet.changeMachineId(reimaged);
    const second = JSON.parse((await ferry(['fleet', 'collect', ...args])).out) as Doc;
    const again = outcomes(second);
    assert.equal(again.get(rekeyed), 'host-key-changed');
    assert.match(second.hosts.find((h) => h.host === rekeyed)?.message ?? '', /known_hosts has a different key/);
    assert.equal(again.get(reimaged), 'identity-changed');
    assert.match(second.hosts.find((h) => h.host === reimaged)?.message ?? '', new RegExp(`machine-id [0-9a-f]{32} → ${fleet.host(reimaged).machineId}`));
    for (const h of healthy.slice(2)) assert.equal(again.get(h.name), 'ok', h.name);
  } finally {
    await fleet.stop();
  }
});
