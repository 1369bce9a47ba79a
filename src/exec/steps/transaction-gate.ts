/**
 * The transaction gate of the vendor swap (./swap-vendor-packages.ts), before any change of the swap and
 * so before the point of no return: the host's package manager predicts the swap and the following
 * distro-sync as one transaction (PackageManager.predict); the prediction is written to the execution's
 * state dir (transaction.json) and streamed; every package it removes that the plan did not announce (the
 * swap's own removals) and the operator did not approve (`--allow-remove NAME|GLOB`) stops the migration
 * with TRANSACTION_UNAPPROVED, naming each package and the requirement of it that the transaction breaks
 * (asked of the rpm database: what provides each of its requirements, and what the transaction does to
 * that provider). A package obsoleted by a target package is replaced, not removed. `migrate --dry-run`
 * asks the same prediction and judgement (previewTransaction) in a private directory it removes afterwards.
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { FerryError } from '../../core/index.js';
import { hostPath, runChecked } from '../journal.js';
import { ISOLATED_PERSISTDIR } from '../package-manager/dnf.js';
import { isApproved } from '../package-set.js';
import type { Transport } from '../../transport/types.js';
import type { StepContext } from '../types.js';
import { packageManagerFor, rpmArgv, type PackageManagerEnv, type Transaction } from '../package-manager/index.js';
import { changedNames, removedNames, removalVerdict, type JudgedRemoval, type PredictedTransaction, type TransactionReport } from '../package-manager/transaction-summary.js';

export const PREDICTION_FILE = 'transaction.json';

export interface UnapprovedRemoval {
  name: string;
  evr: string;
  /** Why the transaction takes it: the requirement it breaks and what happens to the provider. */
  because: string;
}

/** The removals of `tx` neither announced nor approved (pure). */
export function unapprovedRemovals(tx: PredictedTransaction, o: { announced: readonly string[]; allowRemove: readonly string[] }): { name: string; evr: string }[] {
  return judgeRemovals(tx, o).filter((r) => r.verdict === 'unapproved').map((r) => ({ name: r.name, evr: r.evr }));
}

/** Every package the transaction takes out of the rpm database, with its verdict (pure; no reasons yet). */
function judgeRemovals(tx: PredictedTransaction, o: { announced: readonly string[]; allowRemove: readonly string[] }): JudgedRemoval[] {
  return removedNames(tx).map((r) => ({
    ...r,
    verdict: r.why === 'obsoleted' ? 'replaced' : o.announced.includes(r.name) ? 'announced' : isApproved(r.name, o.allowRemove) ? 'approved' : 'unapproved',
  }));
}

/** For an installed package, its requirements whose provider the transaction changes or removes, as text. */
async function brokenRequirements(transport: Transport, name: string, changed: Map<string, string>): Promise<string> {
  const reqs = await transport.run(rpmArgv(transport, '-q', '--requires', name));
  const requirements = reqs.code === 0 ? reqs.stdout.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('rpmlib(')) : [];
  const broken = await Promise.all(requirements.map(async (req) => {
    // by the capability's name: rpm -q --whatprovides takes no version comparison ("name = evr")
    const prov = await transport.run(rpmArgv(transport, '-q', '--whatprovides', req.split(/\s/)[0], '--qf', '%{NAME}\\n'));
    const providers = prov.code === 0 ? [...new Set(prov.stdout.split('\n').filter(Boolean))] : [];
    const hit = providers.find((p) => changed.has(p) && p !== name);
    return hit ? `requires ${req}, provided by ${hit}, which the transaction ${changed.get(hit) === 'removed' ? 'removes' : `has ${changed.get(hit)}`}` : undefined;
  }));
  return broken.filter((b): b is string => b !== undefined).join('; ') || 'dnf removes it with the packages it depends on';
}

/**
 * Judges a predicted transaction against the plan's announced removals and the operator's approvals: each
 * removal's verdict, and for those neither announced nor approved the requirement the transaction breaks
 * (read from the rpm database only). `stops`: the migration would stop at the gate.
 */
export async function judgeTransaction(transport: Transport, transaction: PredictedTransaction, o: { announced: readonly string[]; allowRemove: readonly string[] }): Promise<TransactionReport> {
  const changed = changedNames(transaction);
  const removals = await Promise.all(judgeRemovals(transaction, o).map(async (r) => (r.verdict === 'unapproved' ? { ...r, because: await brokenRequirements(transport, r.name, changed) } : r)));
  return { packages: transaction.packages, allowRemove: [...o.allowRemove], removals, stops: removals.some((r) => r.verdict === 'unapproved') };
}

/** Predicts, records and judges the swap + distro-sync transaction; throws TRANSACTION_UNAPPROVED (see the module comment). */
export async function gateTransaction(ctx: StepContext, o: { dnf: PackageManagerEnv; swap: Transaction; allowRemove: readonly string[] }): Promise<PredictedTransaction> {
  const { transaction } = await packageManagerFor(o.dnf).predict(ctx, o.dnf, { swap: o.swap, distroSync: true });
  const report = await judgeTransaction(ctx.transport, transaction, { announced: o.swap.remove, allowRemove: o.allowRemove });
  const reasons: UnapprovedRemoval[] = report.removals.filter((r) => r.verdict === 'unapproved').map((r) => ({ name: r.name, evr: r.evr, because: r.because ?? '' }));
  await ctx.transport.writeFile(posix.join(ctx.stateDir, PREDICTION_FILE), JSON.stringify({ transaction, allowRemove: o.allowRemove, unapproved: reasons }, null, 2) + '\n', { mode: 0o600 });
  ctx.output(`predicted transaction: ${transaction.packages.length} package(s), ${report.removals.length} leaving the rpm database`);
  for (const r of report.removals) ctx.output(`removes ${r.name}-${r.evr}: ${r.verdict === 'unapproved' ? 'NOT APPROVED' : removalVerdict(r)}`);
  if (reasons.length > 0) {
    throw new FerryError('TRANSACTION_UNAPPROVED', `The migration of ${ctx.transport.hostName} would remove ${reasons.length} package(s) the plan did not announce: ${reasons.map((r) => `${r.name}-${r.evr} (${r.because})`).join('; ')}`, {
      hint: `Stopped before the vendor swap (no package changed): run ferry rollback, then remove or update them, or run ferry migrate again approving each removal with ${reasons.map((r) => `--allow-remove ${r.name}`).join(' ')}.`,
      details: { packages: reasons.map((r) => r.name) },
    });
  }
  return transaction;
}

/**
 * Prepares `dir` (an existing directory Ferry owns) as an isolated HostState's: its persistdir a copy of the
 * host's /var/lib/dnf (history reasons as in the real run), so dnf writes its history there, not on the host.
 */
export async function seedIsolatedState(transport: Transport, dir: string): Promise<void> {
  const persist = posix.join(dir, ISOLATED_PERSISTDIR);
  await runChecked(transport, ['rm', '-rf', '--', hostPath(transport, persist)], `Clearing ${persist}`);
  await runChecked(transport, ['mkdir', '-m', '0700', hostPath(transport, persist)], `Creating ${persist}`);
  if (await transport.exists('/var/lib/dnf')) await runChecked(transport, ['cp', '-a', '--', `${hostPath(transport, '/var/lib/dnf')}/.`, hostPath(transport, persist)], `Copying /var/lib/dnf to ${persist}`);
}

/** Where the dry run's private state dir goes: the first of these the host has, else the root's top (a bare image). */
const SCRATCH_PARENTS = ['/var/tmp', '/tmp'];

/**
 * The gate's prediction and judgement for `migrate --dry-run`, changing nothing on the host: the same
 * `predict`, with an isolated HostState whose state dir is a private temporary directory on the host
 * (mode 0700, a fresh random name), holding dnf's configuration, script, cachedir, logdir and a persistdir
 * seeded with a copy of the host's /var/lib/dnf (history reasons as in the real run). The directory is
 * removed afterwards, whatever happened.
 */
export async function previewTransaction(transport: Transport, o: { dnf: PackageManagerEnv; swap: Transaction; allowRemove: readonly string[] }): Promise<TransactionReport> {
  const parents = await Promise.all(SCRATCH_PARENTS.map(async (p) => ((await transport.exists(p)) ? p : undefined)));
  const dir = posix.join(parents.find((p) => p !== undefined) ?? '/', `ferry-dnf.${randomBytes(8).toString('hex')}`);
  // without -p: fails when the name exists (never another's directory)
  await runChecked(transport, ['mkdir', '-m', '0700', hostPath(transport, dir)], `Creating the dry run's private directory ${dir}`);
  try {
    await seedIsolatedState(transport, dir);
    const { transaction } = await packageManagerFor(o.dnf).predict({ transport, stateDir: dir, isolated: true }, o.dnf, { swap: o.swap, distroSync: true });
    return await judgeTransaction(transport, transaction, { announced: o.swap.remove, allowRemove: o.allowRemove });
  } finally {
    await transport.run(['rm', '-rf', '--', hostPath(transport, dir)]);
  }
}
