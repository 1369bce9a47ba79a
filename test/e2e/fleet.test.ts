// The fleet end to end on the lab fleet (test/lab/fleet.ts: 50 real SSH hosts, each its own sshd on its own
// 127.0.1.x address, with faulty and inhibited ones), through the CLI as an operator runs it: import the
// Ansible inventory (checked against ansible-inventory --list), collect, assess against three targets, roll
// out to rocky-8 with a canary of 2, waves 30% and 100%, concurrency 10 and a stop threshold of 1 with
// `ferry worker` processes — the failing host halts the rollout with later waves untouched; skipped, the
// rollout completes; every migrated host verifies; store and host journals agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessTools } from '../support/shared.js';
import { openStore } from '../../src/store/index.js';
import { hostOptionsFor, openHost } from '../../src/app/host.js';
import { readCurrentExecution, readJournal } from '../../src/exec/journal.js';
import { readVerifyReport } from '../../src/exec/verify-documents.js';
import { stateDirFor } from '../../src/exec/journal.js';
import { createLabFleet, type LabFleet } from '../lab/fleet.js';
import { ferry } from './cli.js';
import { sh, startWorker, useLab } from './helpers.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'sshd', 'ssh', 'setsid', 'ansible-inventory');
const labOf = useLab(skip);
const TARGETS = ['rocky-8', 'almalinux-8', 'oraclelinux-8'];

/** ansible-inventory's own view: each host's groups (children resolved to their ancestors) and its merged vars. */
function ansibleView(inventory: string): Map<string, { groups: string[]; vars: Record<string, unknown> }> {
  const home = mkdtempSync(join(tmpdir(), 'ferry-ansible-'));
  writeFileSync(join(home, 'ansible.cfg'), '[defaults]\n');
  try {
    const r = spawnSync('ansible-inventory', ['-i', inventory, '--list'], {
      encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ANSIBLE_HOME: home, ANSIBLE_CONFIG: join(home, 'ansible.cfg'), LC_ALL: 'C.UTF-8' },
    });
    assert.equal(r.status, 0, r.stderr);
    const data = JSON.parse(r.stdout) as Record<string, { hosts?: string[]; children?: string[]; hostvars?: Record<string, Record<string, unknown>> }>;
    const parents = new Map<string, string[]>();
    for (const [g, v] of Object.entries(data)) for (const c of v.children ?? []) parents.set(c, [...(parents.get(c) ?? []), g]);
    const ancestors = (g: string): string[] => [g, ...(parents.get(g) ?? []).flatMap(ancestors)];
    const out = new Map<string, { groups: string[]; vars: Record<string, unknown> }>();
    for (const [g, v] of Object.entries(data)) {
      for (const h of v.hosts ?? []) {
        const e = out.get(h) ?? { groups: [], vars: data._meta?.hostvars?.[h] ?? {} };
        e.groups = [...new Set([...e.groups, ...ancestors(g)])].filter((x) => x !== 'all' && x !== 'ungrouped').sort();
        out.set(h, e);
      }
    }
    return out;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

async function json<T>(args: string[], codes: number[] = [0]): Promise<T> {
  const r = await ferry(['--json', ...args]);
  assert.ok(codes.includes(r.code), `ferry ${args.join(' ')} exited ${r.code}: ${r.err}\n${r.out.slice(0, 2000)}`);
  return JSON.parse(r.out) as T;
}

test('lab fleet: import = ansible-inventory, collect, assess ×3, rollout to rocky-8 (canary 2, waves 30%,100%, concurrency 10, threshold 1): halt, skip, complete, verified, journals = store',
  { skip, timeout: 1_800_000 }, async () => {
    const lab = labOf();
    const fleet: LabFleet = await createLabFleet(lab, { size: 50 });
    const dir = mkdtempSync(join(tmpdir(), 'ferry-fleet-e2e-'));
    const db = join(dir, 'ferry.db');
    const keyFlags = ['-i', fleet.privateKeyPath, '--known-hosts', fleet.knownHostsPath];
    try {
      // 1. Import: the store holds what ansible-inventory says.
      const imported = await json<{ hosts: number }>(['inventory', 'import', fleet.inventoryPath, '--store', db]);
      assert.equal(imported.hosts, 50);
      const want = ansibleView(fleet.inventoryPath);
      const store = openStore(db);
      const stored = await store.listHosts();
      assert.deepEqual(stored.map((h) => h.name).sort(), [...want.keys()].sort());
      for (const h of stored) {
        const a = want.get(h.name);
        assert.ok(a);
        assert.deepEqual([...h.groups].sort(), a.groups, `${h.name}: groups`);
        assert.deepEqual([h.connection.address, h.connection.port, h.connection.user], [a.vars.ansible_host, Number(a.vars.ansible_port), a.vars.ansible_user], `${h.name}: connection`);
        assert.equal(h.vars.ferry_root, a.vars.ferry_root, `${h.name}: ferry_root`);
      }
      await store.close();

      // 2. Collect: the faulty hosts are classified, the others collected.
      const col = await json<{ hosts: Array<{ name?: string; host?: string; outcome: string }>; counts: Record<string, number> }>(['fleet', 'collect', '--store', db, ...keyFlags, '--timeout', '60s'], [1]);
      const outcome = new Map(col.hosts.map((h) => [h.name ?? h.host ?? '', h.outcome]));
      assert.equal(outcome.get(fleet.faulty.unreachable), 'unreachable');
      assert.equal(outcome.get(fleet.faulty.hostKeyChanged), 'host-key-changed');
      assert.equal(outcome.get(fleet.faulty.auth), 'auth');
      assert.equal(col.counts.ok, 47, JSON.stringify(col.counts));

      // 3. Assess against three targets from the stored facts.
      const repos = await Promise.all(TARGETS.map(async (t) => ['--repo', `${t}=${(await lab.distro(t)).repoDir}`]));
      const assessed = await json<{ report: { readiness: Array<{ target: string; ready: number; risks: number; blocked: number; notAssessed: number }>; hosts: Array<{ host: string; results: Array<{ target: string; readiness: string }> }> } }>(
        ['fleet', 'assess', '--to', TARGETS.join(','), ...repos.flat(), '--store', db, '--no-progress']);
      assert.deepEqual(assessed.report.readiness.map((r) => r.target).sort(), [...TARGETS].sort());
      const rockyOf = (host: string): string | undefined => assessed.report.hosts.find((h) => h.host === host)?.results.find((r) => r.target === 'rocky-8')?.readiness;
      assert.equal(rockyOf(fleet.inhibited.registration), 'blocked');
      assert.equal(rockyOf(fleet.inhibited.lowDisk), 'blocked');
      for (const h of fleet.hosts.filter((x) => x.from === 'centos-7')) assert.notEqual(rockyOf(h.name), 'ready', `${h.name} (CentOS 7) is not ready for rocky-8`);

      // 4. The rollout: every host the assessment found ready (or with risks only) for rocky-8, but the CentOS 7
      //    ones (rocky-8 is a cross-major upgrade from them: it needs the vendor's PES events, which rollouts do not take).
      const created = await json<{ rollout: { id: string }; hosts: Array<{ hostName: string; wave: number }> }>([
        'rollout', 'create', 'readiness:rocky-8=ready:readiness:rocky-8=risks:!centos7', '--to', 'rocky-8', repos[0][0], repos[0][1], '--nogpgcheck',
        '--canary', '2', '--waves', '30%,100%', '--concurrency', '10', '--max-failures', '1', '--store', db, '--start']);
      const id = created.rollout.id;
      const members = created.hosts;
      const failing = fleet.faulty.migrationFails;
      const failingWave = members.find((m) => m.hostName === failing)?.wave;
      assert.ok(failingWave !== undefined, `${failing} (its migration fails) is in the rollout`);
      const total = members.length;
      const sizes = [0, 1, 2].map((w) => members.filter((m) => m.wave === w).length);
      assert.deepEqual(sizes, [2, Math.trunc(total * 0.3), total - 2 - Math.trunc(total * 0.3)], 'Ansible serial: [2, 30%, 100%]');
      assert.ok(failingWave < 2, `${failing} is in wave ${failingWave}, before the last wave`);

      const w1 = startWorker(db, ['--concurrency', '10', ...keyFlags]);
      assert.equal(await w1.done, 0, w1.log());
      const halted = await json<{ rollout: { state: string }; hosts: Array<{ hostName: string; wave: number; state: string; failedStep: string | null; lastError: string | null; logTail: string | null }> }>(['rollout', 'status', id, '--store', db]);
      assert.equal(halted.rollout.state, 'halted', w1.log());
      const failed = halted.hosts.filter((h) => h.state === 'failed');
      assert.deepEqual(failed.map((h) => h.hostName), [failing], JSON.stringify(failed, null, 1));
      assert.ok(failed[0].failedStep, 'the failing step is named');
      assert.match(failed[0].lastError ?? '', /conflicts with file from package acme-utils-compat/);
      assert.ok(halted.hosts.filter((h) => h.wave > failingWave).every((h) => h.state === 'pending'), 'later waves untouched');
      const text = await ferry(['rollout', 'status', id, '--store', db]);
      assert.match(text.out, new RegExp(`failed hosts:\\n  ${failing} \\(wave ${failingWave}\\) at step`));

      // 5. Skip the failing host and resume: the rollout completes.
      await json(['rollout', 'skip', id, failing, '--store', db]);
      await json(['rollout', 'resume', id, '--store', db]);
      const w2 = startWorker(db, ['--concurrency', '10', ...keyFlags]);
      assert.equal(await w2.done, 0, w2.log());
      const done = await json<{ rollout: { state: string }; counts: Record<string, number>; hosts: Array<{ hostName: string; state: string }> }>(['rollout', 'status', id, '--store', db]);
      assert.equal(done.rollout.state, 'completed', w2.log());
      assert.deepEqual(done.counts, { succeeded: total - 1, skipped: 1 });

      // 6. Every migrated host is Rocky, verified, and its journal equals the store's mirror.
      const s2 = openStore(db);
      for (const m of done.hosts.filter((h) => h.state === 'succeeded')) {
        const lh = fleet.host(m.hostName);
        assert.equal(sh(['rpm', '--root', lh.root, '-q', 'rocky-release'], lh.env).status, 0, `${m.hostName} is Rocky`);
        const record = await s2.getHost(m.hostName);
        assert.ok(record);
        const transport = await openHost(hostOptionsFor(record, { identityFiles: [fleet.privateKeyPath], knownHostsFiles: [fleet.knownHostsPath] }));
        try {
          const current = await readCurrentExecution(transport);
          assert.ok(current);
          const verify = await readVerifyReport(transport, stateDirFor(current.executionId));
          assert.equal(verify?.ok, true, `${m.hostName} verified`);
          const onHost = await readJournal(transport, current.executionId);
          assert.deepEqual((await s2.listJournal(current.executionId)).map((e) => [e.seq, e.mac]), onHost.map((e) => [e.seq, e.mac]), `${m.hostName}: journal = store`);
        } finally {
          await transport.close();
        }
      }
      const audit = (await s2.listAudit({ subject: id })).map((a) => a.action);
      for (const a of ['rollout.create', 'rollout.start', 'rollout.halt', 'rollout.skip', 'rollout.resume', 'rollout.complete']) assert.ok(audit.includes(a), `audit: ${a}`);
      await s2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await fleet.stop();
    }
  });
