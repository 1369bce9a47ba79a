/**
 * The cross-major download, before any change (Leapp's `dnf rhel-upgrade download`): the transaction gate
 * (./transaction-gate.ts) predicts the target transaction with the target's dnf and stops on a removal nobody
 * announced or approved; then dnf downloads every package the transaction installs into `packages/` of the
 * execution's state dir (Ferry's, on the host), rpm's test transaction of the same transaction (Leapp's `dnf
 * rhel-upgrade check`, PackageManager.testTransaction: file conflicts and disk space, which the gate's
 * --assumeno depsolve does not see) must succeed, and rpm -K checks each file — digests always, signatures when
 * the plan checks them. The test runs with an isolated state in `test-transaction/` (dnf's history there, not the
 * host's). Nothing outside the state dir changes, so apply runs again on resume.
 */
import { posix } from 'node:path';
import { hostPath, mkdirHost } from '../journal.js';
import { defineStep } from '../runner.js';
import type { Transport } from '../../transport/types.js';
import type { Step } from '../types.js';
import { packageManagerFor, rpmArgv } from '../package-manager/index.js';
import { gateTransaction, previewTransaction, seedIsolatedState } from './transaction-gate.js';
import { FerryError } from '../../core/index.js';
import { downloadPackagesKind, type DownloadPackagesOptions } from '../../plan/steps/index.js';

/** Where the step downloads to, below the execution's state dir. */
export const DOWNLOAD_DIR = 'packages';
/** The test transaction's isolated dnf state, below the execution's state dir. */
const TEST_DIR = 'test-transaction';

/**
 * rpm -K of every package file in `dir` (a host path): ok when there is at least one and rpm finds each one's
 * digests good, and with `gpgcheck` its signatures too — rpm -K says nothing of a signature a package lacks, so
 * each line must name them ("digests signatures OK").
 */
export async function checkDownloaded(t: Transport, dir: string, gpgcheck: boolean): Promise<{ ok: boolean; detail: string }> {
  const ls = await t.run(['find', hostPath(t, dir), '-maxdepth', '1', '-type', 'f', '-name', '*.rpm']);
  const files = ls.code === 0 ? ls.stdout.split('\n').filter(Boolean).sort() : [];
  if (files.length === 0) return { ok: false, detail: `no package in ${dir}` };
  const res = await t.run(rpmArgv(t, '-K', ...(gpgcheck ? [] : ['--nosignature']), ...files));
  const good = gpgcheck ? /:\s+digests signatures OK$/ : /:\s+digests OK$/;
  const bad = files.filter((f) => !res.stdout.split('\n').some((l) => l.startsWith(`${f}:`) && good.test(l)));
  return res.code === 0 && bad.length === 0
    ? { ok: true, detail: `${files.length} package(s) in ${dir}, rpm -K: ${gpgcheck ? 'digests and signatures' : 'digests (signatures not checked: gpgcheck off)'} OK` }
    : { ok: false, detail: `rpm -K (exit ${res.code}) of the packages in ${dir}: not good: ${bad.map((f) => posix.basename(f)).join(', ') || '(none named)'}: ${(res.stdout + res.stderr).trim().split('\n').filter((l) => !good.test(l)).join('; ').slice(0, 500)}` };
}

export function downloadPackagesStep(options: DownloadPackagesOptions): Step<DownloadPackagesOptions> {
  return defineStep<DownloadPackagesOptions>({
    ...downloadPackagesKind.spec(options),
    describe: () => [
      `predict the target transaction with dnf --assumeno (releasever ${options.dnf.releasever}); stop on a removal not announced${options.allowRemove.length ? ` or approved (${options.allowRemove.join(', ')})` : ''}`,
      `dnf --downloadonly shell: remove ${options.remove.join(' ') || '(none)'}; install ${options.install.join(' ') || '(none)'}; distro-sync; run — into the state dir's ${DOWNLOAD_DIR}/, then rpm -K`,
      'the same transaction as rpm\'s test transaction (tsflags=test: file conflicts, disk space), nothing installed',
    ],
    async apply(ctx) {
      const tx = { remove: options.remove, install: options.install };
      await gateTransaction(ctx, { dnf: options.dnf, swap: tx, allowRemove: options.allowRemove });
      const dir = posix.join(ctx.stateDir, DOWNLOAD_DIR);
      await mkdirHost(ctx.transport, dir);
      await packageManagerFor(options.dnf).upgrade(ctx, options.dnf, tx, { downloadTo: dir });
      const scratch = posix.join(ctx.stateDir, TEST_DIR);
      await mkdirHost(ctx.transport, scratch);
      await seedIsolatedState(ctx.transport, scratch);
      const test = await packageManagerFor(options.dnf).testTransaction({ transport: ctx.transport, stateDir: scratch, isolated: true }, options.dnf, tx);
      if (!test.ok) {
        throw new FerryError('STEP_FAILED', `rpm's test transaction of the ${options.dnf.releasever} target transaction failed on ${ctx.transport.hostName}, before any package changed: ${test.output.trim().split('\n').filter((l) => /error|conflict|needs|space/i.test(l)).slice(0, 10).join('; ') || test.output.trim().split('\n').slice(-10).join('; ')}`, {
          hint: 'Resolve what rpm names (a file two packages ship, disk space), then run ferry resume; or ferry rollback (no package changed yet).',
        });
      }
      ctx.output('rpm test transaction of the target transaction: succeeded (no file conflict, enough disk space)');
    },
    verify: (ctx) => checkDownloaded(ctx.transport, posix.join(ctx.stateDir, DOWNLOAD_DIR), options.dnf.gpgcheck),
    // migrate --dry-run: the gate's prediction and judgement in a private directory (nothing on the host changes before this step).
    preview: (transport) => previewTransaction(transport, { dnf: options.dnf, swap: { remove: options.remove, install: options.install }, allowRemove: options.allowRemove }),
  });
}
