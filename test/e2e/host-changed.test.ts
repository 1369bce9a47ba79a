// A host changed by hand between an interrupted run and its rollback or resume: the host's packages are
// compared with the journal's last record of them, and a difference is refused (HOST_CHANGED, listing it)
// instead of acted on from stale state; --force acts anyway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipUnlessTools } from '../support/shared.js';
import { migrationStatus, resume, rollback } from '../../src/app/migrate.js';
import { isFerryError } from '../../src/core/index.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { hostSnapshot, packageSet, runChild, sh, useLab } from './helpers.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'setsid', 'gpg');
const lab = useLab(skip);

const cases = [
  // Killed once the vendor swap ended (its package set recorded), then a package installed by hand.
  { name: 'rollback after the swap, nodejs installed by hand since', stall: 'end:4', action: 'rollback' as const, change: 'install' as const, at: 'the end of step \\S+' },
  // Killed after the backup (the start's package set recorded), then a package removed by hand.
  { name: 'resume after the backup, nodejs removed by hand since', stall: 'end:1', action: 'resume' as const, change: 'remove' as const, at: 'the start of the run' },
];

for (const c of cases) {
  test(`${c.name} → HOST_CHANGED naming the package, nothing done; --force acts`, { skip }, async () => {
    const d = await lab().distro('rocky-8');
    const host = await lab().host({ from: 'centos-8', ...(c.change === 'remove' ? { extras: ['nodejs'] } : {}) });
    const before = hostSnapshot(host.root, host.env);
    const env = { ...process.env, FERRY_E2E_ROOT: host.root, FERRY_E2E_TARGET: 'rocky-8', FERRY_E2E_REPO: `rocky-8=${d.repoDir}`, FERRY_E2E_MODE: 'migrate' };
    const r = await runChild(env, c.stall);
    assert.ok(r.killed, r.out);
    const byHand = sh(['dnf', ...(c.change === 'install' ? host.dnfArgs(d) : host.dnfArgs()), c.change, 'nodejs'], host.env);
    assert.equal(byHand.status, 0, byHand.stderr);
    const changed = packageSet(host.root, host.env);
    const nodejs = changed.find((n) => n.startsWith('nodejs-')) ?? before.packages.split('\n').find((n) => n.startsWith('nodejs-'));
    assert.ok(nodejs);
    const transport = createLocalTransport({ root: host.root });
    try {
      await assert.rejects(c.action === 'rollback' ? rollback({ transport }) : resume({ transport }), (e: unknown) => {
        assert.ok(isFerryError(e, 'HOST_CHANGED'), String(e));
        assert.match(e.message, new RegExp(`changed since execution \\S+ recorded them at ${c.at} \\(${c.change === 'install' ? 'installed' : 'removed'} since: "${nodejs.replace(/[.+]/g, '\\$&')}"\\); ${c.action} is refused`));
        assert.match(e.hint ?? '', new RegExp(`ferry ${c.action} --force`));
        return true;
      });
      assert.deepEqual(packageSet(host.root, host.env), changed, 'the refused action changed nothing');
      const st = await migrationStatus({ transport });
      assert.ok(st.status.state !== 'rolled-back' && st.status.state !== 'completed', st.status.state);
      if (c.action === 'rollback') {
        await rollback({ transport, force: true });
        assert.deepEqual(hostSnapshot(host.root, host.env), before, 'forced rollback restores the recorded package set');
      } else if (c.change === 'remove') {
        // --force acts, but nobody approved nodejs's removal: verification's package-set check fails naming it.
        await assert.rejects(resume({ transport, force: true }), (e: unknown) => isFerryError(e, 'STEP_FAILED')
          && new RegExp(`package-set \\(.*removed without announcement or approval: ${nodejs.replace(/\.[^.]+$/, '').replace(/[.+]/g, '\\$&')}\\)`).test(e.message));
        assert.equal(sh(['rpm', '--root', host.root, '-q', 'rocky-release'], host.env).status, 0, 'the forced resume migrated the host');
      } else {
        const res = await resume({ transport, force: true });
        assert.equal(res.result.status, 'completed');
        assert.ok(res.verify?.ok, JSON.stringify(res.verify?.checks));
      }
    } finally {
      await transport.close();
      host.dispose();
    }
  });
}
