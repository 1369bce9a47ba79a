// The runner over the real SSH adapter against a loopback sshd: the session is killed mid-step, the run
// fails with TRANSPORT_DISCONNECTED leaving the step started-not-ended, and a resume over a fresh
// connection completes to the same tree as an uninterrupted run.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError } from '../../src/core/index.js';
import { connectSsh } from '../../src/transport/ssh.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { rollback, runPlan, status } from '../../src/exec/runner.js';
import { defineStep } from '../../src/exec/runner.js';
import { buildFixturePlan, makeFixtureRoot, treeHash } from '../../src/exec/testing/fixture.js';
import { fileRestorable } from '../../src/exec/restorables.js';
import { generateKeyPair, startSshd } from '../lab/sshd.js';
import { skipUnlessTools } from '../support/shared.js';
import type { PlanLike } from '../../src/exec/types.js';

const skip = skipUnlessTools('ssh-keygen') || (process.getuid?.() === 0 ? false : 'sshd lab hosts need root');
const dir = mkdtempSync(join(tmpdir(), 'ferry-exec-ssh-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function childrenOf(pid: number): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((p) => {
    try { return Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === pid; } catch { return false; }
  });
}

/** The fixture plan with a slow step (a long-running remote command, as dnf would be) inserted after step 2. */
function planWithSlowStep(counterFile: string): PlanLike {
  const base = buildFixturePlan({ counterFile });
  const slow = defineStep({
    kind: 'test.slow-command',
    options: { path: '/etc/ferry-slow' },
    title: 'a slow remote command',
    async apply(ctx) {
      await ctx.register(fileRestorable('/etc/ferry-slow'));
      const r = await ctx.transport.run(['sh', '-c', 'sleep "$1"; printf done > "$2"', 'sh', process.env.FERRY_TEST_SLOW ?? '0', `${ctx.transport.root}/etc/ferry-slow`]);
      if (r.code !== 0) throw new Error(r.stderr);
    },
  });
  return { id: 'plan-ssh', steps: [...base.steps.slice(0, 3), slow, ...base.steps.slice(3)] };
}

test('SSH session killed mid-step → resume over a new connection completes; rollback before PONR restores', { skip }, async () => {
  const key = generateKeyPair(dir, 'client');
  const sshd = await startSshd({ authorizedKeys: [key.publicKey], dir: join(dir, 'sshd') });
  try {
    const connect = (root: string) => connectSsh({
      host: '127.0.0.1', port: sshd.port, user: 'root', root, sshConfigPath: false,
      knownHostsFiles: [sshd.knownHostsPath], auth: { identityFiles: [key.privateKeyPath], agent: false },
    });
    // Reference: an uninterrupted run (locally: the tree it produces does not depend on the transport).
    const refRoot = join(dir, 'ref');
    mkdirSync(refRoot);
    makeFixtureRoot(refRoot);
    await runPlan({ plan: planWithSlowStep(join(dir, 'c0')), transport: createLocalTransport({ root: refRoot }), executionId: 'ssh-ref' });

    const root = join(dir, 'root');
    mkdirSync(root);
    makeFixtureRoot(root);
    const initial = treeHash(root);
    process.env.FERRY_TEST_SLOW = '30';
    const t1 = await connect(root);
    const plan = planWithSlowStep(join(dir, 'c1'));
    const running = runPlan({ plan, transport: t1, executionId: 'ssh-cut' });
    // Wait until the slow step has started, then kill the session processes.
    const local = createLocalTransport({ root });
    for (let i = 0; i < 600; i++) {
      const st = await status({ transport: local, executionId: 'ssh-cut' }).catch(() => undefined);
      if (st?.steps[3]?.state === 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 200));
    for (const k of childrenOf(sshd.pid)) process.kill(k, 'SIGKILL');
    await assert.rejects(running, (e) => isFerryError(e, 'TRANSPORT_DISCONNECTED'));
    await t1.close();
    const cut = await status({ transport: local, executionId: 'ssh-cut' });
    assert.equal(cut.interrupted, true);
    assert.deepEqual(cut.steps.map((s) => s.state), ['done', 'done', 'done', 'running', 'pending', 'pending', 'pending', 'pending']);

    process.env.FERRY_TEST_SLOW = '0';
    const t2 = await connect(root);
    const res = await runPlan({ plan, transport: t2, executionId: 'ssh-cut' });
    assert.equal(res.status, 'completed');
    assert.equal(treeHash(root), treeHash(refRoot));

    // A third execution on the same root, stopped before the PONR by a failing step, rolls back over SSH.
    const root3 = join(dir, 'root3');
    mkdirSync(root3);
    makeFixtureRoot(root3);
    const t3 = await connect(root3);
    await assert.rejects(runPlan({ plan: buildFixturePlan({ counterFile: join(dir, 'c3'), failStep: 4 }), transport: t3, executionId: 'ssh-rb' }), (e) => isFerryError(e, 'STEP_FAILED'));
    await rollback({ transport: t3, executionId: 'ssh-rb' });
    assert.equal(treeHash(root3), initial);
    await t2.close();
    await t3.close();
  } finally {
    await sshd.stop();
  }
});
