/**
 * The transaction gate of the vendor swap (./swap-vendor-packages.ts), before any change of the swap and
 * so before the point of no return: the host's package manager predicts the swap and the following
 * distro-sync as one transaction (PackageManager.predict); the prediction is written to the execution's
 * state dir (transaction.json) and streamed; every package it removes that the plan did not announce (the
 * swap's own removals) and the operator did not approve (`--allow-remove NAME|GLOB`) stops the migration
 * with TRANSACTION_UNAPPROVED, naming each package and the requirement of it that the transaction breaks
 * (asked of the rpm database: what provides each of its requirements, and what the transaction does to
 * that provider). A package obsoleted by a target package is replaced, not removed.
 */
import { posix } from 'node:path';
import { FerryError } from '../../core/index.js';
import { isApproved } from '../package-set.js';
import type { Transport } from '../../transport/types.js';
import type { StepContext } from '../types.js';
import { packageManagerFor, rpmArgv, type PackageManagerEnv, type Transaction } from '../package-manager/index.js';
import { changedNames, removedNames, type PredictedTransaction } from '../package-manager/transaction-summary.js';

export const PREDICTION_FILE = 'transaction.json';

export interface UnapprovedRemoval {
  name: string;
  evr: string;
  /** Why the transaction takes it: the requirement it breaks and what happens to the provider. */
  because: string;
}

/** The removals of `tx` neither announced nor approved (pure). */
export function unapprovedRemovals(tx: PredictedTransaction, o: { announced: readonly string[]; allowRemove: readonly string[] }): { name: string; evr: string }[] {
  return removedNames(tx).filter((r) => r.why !== 'obsoleted' && !o.announced.includes(r.name) && !isApproved(r.name, o.allowRemove)).map((r) => ({ name: r.name, evr: r.evr }));
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

/** Predicts, records and judges the swap + distro-sync transaction; throws TRANSACTION_UNAPPROVED (see the module comment). */
export async function gateTransaction(ctx: StepContext, o: { dnf: PackageManagerEnv; swap: Transaction; allowRemove: readonly string[] }): Promise<PredictedTransaction> {
  const { transaction } = await packageManagerFor(o.dnf).predict(ctx, o.dnf, { swap: o.swap, distroSync: true });
  const removals = removedNames(transaction);
  const unapproved = unapprovedRemovals(transaction, { announced: o.swap.remove, allowRemove: o.allowRemove });
  const changed = changedNames(transaction);
  const reasons: UnapprovedRemoval[] = await Promise.all(unapproved.map(async (u) => ({ ...u, because: await brokenRequirements(ctx.transport, u.name, changed) })));
  await ctx.transport.writeFile(posix.join(ctx.stateDir, PREDICTION_FILE), JSON.stringify({ transaction, allowRemove: o.allowRemove, unapproved: reasons }, null, 2) + '\n', { mode: 0o600 });
  ctx.output(`predicted transaction: ${transaction.packages.length} package(s), ${removals.length} leaving the rpm database`);
  for (const r of removals) {
    const verdict = r.why === 'obsoleted' ? `replaced by ${r.by ?? '?'}` : o.swap.remove.includes(r.name) ? 'announced by the plan' : isApproved(r.name, o.allowRemove) ? 'approved (--allow-remove)' : 'NOT APPROVED';
    ctx.output(`removes ${r.name}-${r.evr}: ${verdict}`);
  }
  if (reasons.length > 0) {
    throw new FerryError('TRANSACTION_UNAPPROVED', `The migration of ${ctx.transport.hostName} would remove ${reasons.length} package(s) the plan did not announce: ${reasons.map((r) => `${r.name}-${r.evr} (${r.because})`).join('; ')}`, {
      hint: `Stopped before the vendor swap (no package changed): run ferry rollback, then remove or update them, or run ferry migrate again approving each removal with ${reasons.map((r) => `--allow-remove ${r.name}`).join(' ')}.`,
      details: { packages: reasons.map((r) => r.name) },
    });
  }
  return transaction;
}
