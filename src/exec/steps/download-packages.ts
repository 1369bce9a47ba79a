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
import type { Step, StepContext } from '../types.js';
import { writeCheckedKey } from './import-gpg-keys.js';
import { packageManagerFor, rpmArgv } from '../package-manager/index.js';
import { gateTransaction, previewTransaction, seedIsolatedState } from './transaction-gate.js';
import { FerryError } from '../../core/index.js';
import { downloadPackagesKind, type DownloadPackagesOptions } from '../../plan/steps/index.js';

/** Where the step downloads to, below the execution's state dir. */
export const DOWNLOAD_DIR = 'packages';
/** The keyring (an rpm database holding only the plan's target keys) and its key files, below the state dir. */
const KEYRING_DIR = 'keyring';
const KEYRING_KEYS_DIR = 'keyring-keys';
/** The test transaction's isolated dnf state, below the execution's state dir. */
const TEST_DIR = 'test-transaction';

/**
 * rpm -K of every package file in `dir` (a host path): ok when there is at least one and rpm finds each one's
 * digests good, and with `gpgcheck` its signatures too — rpm -K says nothing of a signature a package lacks, so
 * each line must name them ("digests signatures OK").
 */
export async function checkDownloaded(t: Transport, dir: string, gpgcheck: boolean, keyring?: string): Promise<{ ok: boolean; detail: string }> {
  const ls = await t.run(['find', hostPath(t, dir), '-maxdepth', '1', '-type', 'f', '-name', '*.rpm']);
  const files = ls.code === 0 ? ls.stdout.split('\n').filter(Boolean).sort() : [];
  if (files.length === 0) return { ok: false, detail: `no package in ${dir}` };
  const res = await t.run(rpmArgv(t, ...(keyring ? ['--dbpath', keyring] : []), '-K', ...(gpgcheck ? [] : ['--nosignature']), ...files));
  const good = gpgcheck ? /:\s+digests signatures OK$/ : /:\s+digests OK$/;
  const bad = files.filter((f) => !res.stdout.split('\n').some((l) => l.startsWith(`${f}:`) && good.test(l)));
  return res.code === 0 && bad.length === 0
    ? { ok: true, detail: `${files.length} package(s) in ${dir}, rpm -K: ${gpgcheck ? `digests and signatures${keyring ? ` (keys of the keyring ${keyring})` : ''}` : 'digests (signatures not checked: gpgcheck off)'} OK` }
    : { ok: false, detail: `rpm -K (exit ${res.code}) of the packages in ${dir}: not good: ${bad.map((f) => posix.basename(f)).join(', ') || '(none named)'}: ${(res.stdout + res.stderr).trim().split('\n').filter((l) => !good.test(l)).join('; ').slice(0, 500)}` };
}

/**
 * The keyring the signatures are checked against when the plan imports the target keys into the host's rpm
 * database only after its conversion (options.keyring): an rpm database of the state dir holding the plan's keys,
 * each file's fingerprints checked first — none when the plan does not check signatures or has no keyring.
 */
async function buildKeyring(ctx: StepContext, options: DownloadPackagesOptions): Promise<void> {
  if (!usesKeyring(options)) return;
  const t = ctx.transport;
  const db = posix.join(ctx.stateDir, KEYRING_DIR);
  const keysDir = posix.join(ctx.stateDir, KEYRING_KEYS_DIR);
  await mkdirHost(t, db);
  await mkdirHost(t, keysDir);
  for (const key of options.keyring) {
    const { file, names } = await writeCheckedKey(t, keysDir, key);
    if ((await t.run(rpmArgv(t, '--dbpath', db, '-q', ...names))).code === 0) continue;
    const imported = await t.run(rpmArgv(t, '--dbpath', db, '--import', hostPath(t, file)));
    if (imported.code !== 0 || (await t.run(rpmArgv(t, '--dbpath', db, '-q', ...names))).code !== 0) {
      throw new FerryError('STEP_FAILED', `rpm --dbpath ${db} --import ${key.name} on ${t.hostName} (exit ${imported.code ?? imported.signal}) did not put ${names.join(', ')} into Ferry's keyring: ${imported.stderr.trim().slice(0, 500) || '(rpm printed nothing)'}`);
    }
  }
}

const usesKeyring = (o: DownloadPackagesOptions): boolean => o.dnf.gpgcheck && o.keyring.length > 0;
/** The dnf env of the step's dnf runs: without dnf's signature check when rpm -K checks them against the keyring. */
const dnfWithoutHostKeys = (o: DownloadPackagesOptions): DownloadPackagesOptions['dnf'] => (usesKeyring(o) ? { ...o.dnf, gpgcheck: false } : o.dnf);

export function downloadPackagesStep(options: DownloadPackagesOptions): Step<DownloadPackagesOptions> {
  return defineStep<DownloadPackagesOptions>({
    ...downloadPackagesKind.spec(options),
    describe: () => [
      ...(usesKeyring(options) ? [`the target keys (${options.keyring.map((k) => k.name).join(', ')}) into Ferry's keyring ${KEYRING_DIR}/ of the state dir, not the host's rpm database; the signatures checked by rpm -K against it`] : []),
      `predict the target transaction with dnf --assumeno (releasever ${options.dnf.releasever}); stop on a removal not announced${options.allowRemove.length ? ` or approved (${options.allowRemove.join(', ')})` : ''}`,
      `dnf --downloadonly shell: remove ${options.remove.join(' ') || '(none)'}; install ${options.install.join(' ') || '(none)'}; distro-sync; run — into the state dir's ${DOWNLOAD_DIR}/, then rpm -K`,
      'the same transaction as rpm\'s test transaction (tsflags=test: file conflicts, disk space), nothing installed',
    ],
    async apply(ctx) {
      const tx = { remove: options.remove, install: options.install };
      // With a keyring, dnf's own signature check (which reads the host's rpm database, without the target keys
      // yet) is off for the gate, the download and the test transaction: rpm -K checks every package against it.
      const dnf = dnfWithoutHostKeys(options);
      await gateTransaction(ctx, { dnf, swap: tx, allowRemove: options.allowRemove });
      await buildKeyring(ctx, options);
      const dir = posix.join(ctx.stateDir, DOWNLOAD_DIR);
      await mkdirHost(ctx.transport, dir);
      await packageManagerFor(dnf).upgrade(ctx, dnf, tx, { downloadTo: dir });
      const scratch = posix.join(ctx.stateDir, TEST_DIR);
      await mkdirHost(ctx.transport, scratch);
      await seedIsolatedState(ctx.transport, scratch);
      const test = await packageManagerFor(dnf).testTransaction({ transport: ctx.transport, stateDir: scratch, isolated: true }, dnf, tx);
      if (!test.ok) {
        throw new FerryError('STEP_FAILED', `rpm's test transaction of the ${options.dnf.releasever} target transaction failed on ${ctx.transport.hostName}, before any package changed: ${test.output.trim().split('\n').filter((l) => /error|conflict|needs|space/i.test(l)).slice(0, 10).join('; ') || test.output.trim().split('\n').slice(-10).join('; ')}`, {
          hint: 'Resolve what rpm names (a file two packages ship, disk space), then run ferry resume; or ferry rollback (no package changed yet).',
        });
      }
      ctx.output('rpm test transaction of the target transaction: succeeded (no file conflict, enough disk space)');
    },
    verify: (ctx) => checkDownloaded(ctx.transport, posix.join(ctx.stateDir, DOWNLOAD_DIR), options.dnf.gpgcheck, usesKeyring(options) ? posix.join(ctx.stateDir, KEYRING_DIR) : undefined),
    // migrate --dry-run: the gate's prediction and judgement in a private directory (nothing on the host changes before this step).
    preview: (transport) => previewTransaction(transport, { dnf: dnfWithoutHostKeys(options), swap: { remove: options.remove, install: options.install }, allowRemove: options.allowRemove }),
  });
}
