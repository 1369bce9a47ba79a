/** `ferry plan|migrate|resume|rollback|status <host>`: thin adapters over src/app/migrate. Progress goes to stderr. */
import type { Command } from 'commander';
import { FerryError, redact } from '../../core/index.js';
import {
  finish, migrationStatus, rollback, storedMigrationStatus, unlockHost,
  type MigrateResult, type Store,
} from '../../app/migrate.js';
import { migrateRoute, planRoute, resumeRoute, rollbackRoute, routePlanDocument, withRouteOf, type RouteDocument, type RouteResult } from '../../app/route.js';
import { commandCheck, urlCheck } from '../../app/health-gate.js';
import type { SnapshotRequest } from '../../app/migrate.js';
import { defaultStorePath, recordPlan, storeHostName } from '../../app/store.js';
import { withStore, withStoreFlag } from '../store-flags.js';
import type { ProgressEvent } from '../../app/migrate.js';
import { withHost as withOpenHost } from '../../app/host.js';
import { rebootWaitFor, type RebootWait } from '../../app/reboot.js';
import type { Transport } from '../../app/host.js';
import { renderPlan, renderPredictedTransaction, renderResult, renderRollback, renderRoutePlan, renderRouteRollback, renderStatus } from '../../report/execution-text.js';
import { renderProgress } from '../../report/progress-text.js';
import { collect, emit, type CliContext } from '../output.js';
import { parseDuration } from '../../fleet/flags.js';
import { argvFlag, rebootConfigOf, withRebootFlags, type RebootFlags } from '../reboot-flags.js';
import { hostOptions, withHostFlags, type HostFlags as SharedHostFlags } from '../host-flags.js';

interface HostFlags extends SharedHostFlags { store?: string; trustJournal?: boolean }

const TRUST_JOURNAL_HELP = 'accept a journal this controller did not sign (another controller\'s, or an older Ferry\'s); what it would restore is still checked';
const HOST_CHANGED_FORCE_HELP = 'act even though the host\'s packages changed since the journal last recorded them (HOST_CHANGED)';
interface PlanFlags extends HostFlags { to: string; repo?: string[]; pes?: string[]; override?: string[]; reason?: string; gpgKey?: string[]; nogpgcheck?: boolean; allowRemove?: string[]; snapshot?: string; snapshotCommand?: string; snapshotRestoreCommand?: string; snapshotRemoveCommand?: string; snapshotRetention?: string }


/** The store's location as messages name it (a URL's password removed). */
function storeNameOf(f: HostFlags): string {
  return redact(f.store ?? defaultStorePath());
}

function withPlanFlags(c: Command): Command {
  return withHostFlags(c).requiredOption('--to <target>', 'target release, e.g. rocky-8')
    .option('--repo <target=dir|url>', 'target repository: a local mirror directory or URL (repeatable; offline mode)', collect)
    .option('--pes <[target=]file>', 'the target vendor\'s Leapp package-evolution events (pes-events.json): a cross-major upgrade takes its target package set from them; a multi-hop migration names one file per cross-major hop (--pes rocky-8=FILE --pes rocky-9=FILE; repeatable)', collect)
    .option('--override <finding-key[=reason]>', OVERRIDE_HELP, collect)
    .option('--reason <text>', REASON_HELP)
    .option('--gpg-key <file=fingerprint>', 'target GPG key file and its expected fingerprint (default: the catalog\'s)', collect)
    .option('--nogpgcheck', 'do not check package signatures (unsigned local mirrors)')
    .option('--allow-remove <name|glob>', 'approve the removal of this package by the swap or distro-sync; recorded in the plan and the journal with the operator (repeatable)', collect)
    .option('--snapshot <auto|none>', 'snapshot the system before the point of no return: auto (a Btrfs root, or / and /boot on LVM: refused when the volume group or thin pool lacks the space), none', 'auto')
    .option('--snapshot-command <json-argv>', 'your snapshot command, run on the controller, as a JSON array (prints the snapshot id last); needs the two below')
    .option('--snapshot-restore-command <json-argv>', 'its restore counterpart (FERRY_SNAPSHOT_ID in its environment)')
    .option('--snapshot-remove-command <json-argv>', 'its removal counterpart, run by ferry finish')
    .option('--snapshot-retention <duration>', 'how long the snapshot may be kept once the migration completed or was rolled back (e.g. 7d, 36h): recorded with it, shown by ferry status, removed then by ferry status --expire');
}


const OVERRIDE_HELP = 'proceed despite this inhibitor (KEY, or KEY=REASON); recorded with you in the plan and the journal (repeatable)';
const REASON_HELP = 'why the overrides are acceptable, for those without their own =REASON (journaled)';

/** `--override KEY[=REASON]` (repeatable) with `--reason` for those without their own: the one reading of the flags. */
function overridesOf(f: { override?: string[]; reason?: string }): { findingKey: string; reason?: string }[] {
  return (f.override ?? []).map((o) => {
    const eq = o.indexOf('=');
    const findingKey = eq >= 0 ? o.slice(0, eq) : o;
    const reason = eq >= 0 ? o.slice(eq + 1) : f.reason;
    if (!findingKey) throw new FerryError('USAGE', `--override ${o}: expected FINDING-KEY or FINDING-KEY=REASON`);
    return { findingKey, ...(reason ? { reason } : {}) };
  });
}

function snapshotRequest(f: PlanFlags): SnapshotRequest {
  const given = [f.snapshotCommand, f.snapshotRestoreCommand, f.snapshotRemoveCommand].filter((x) => x !== undefined).length;
  if (given > 0) {
    if (given < 3 || !f.snapshotCommand || !f.snapshotRestoreCommand || !f.snapshotRemoveCommand) throw new FerryError('USAGE', '--snapshot-command needs --snapshot-restore-command and --snapshot-remove-command too');
    return { commands: { create: argvFlag('--snapshot-command', f.snapshotCommand), restore: argvFlag('--snapshot-restore-command', f.snapshotRestoreCommand), remove: argvFlag('--snapshot-remove-command', f.snapshotRemoveCommand) } };
  }
  if (f.snapshot !== undefined && f.snapshot !== 'auto' && f.snapshot !== 'none') throw new FerryError('USAGE', `--snapshot ${f.snapshot}: expected auto or none`);
  return f.snapshot === 'none' ? 'none' : 'auto';
}

/** `--snapshot-retention` in seconds; refused without a snapshot to keep, or as 0. */
function snapshotRetention(f: PlanFlags, request: SnapshotRequest): { snapshotRetentionSeconds?: number } {
  if (f.snapshotRetention === undefined) return {};
  let seconds: number;
  try { seconds = parseDuration('--snapshot-retention', f.snapshotRetention); } catch (e) {
    // parseDuration's hint points at ferry rollout; this flag belongs to plan/migrate.
    throw new FerryError('USAGE', e instanceof Error ? e.message : String(e), { hint: 'Give a duration such as 7d, 36h or 1h30m.' });
  }
  if (seconds <= 0) throw new FerryError('USAGE', `--snapshot-retention ${f.snapshotRetention}: a snapshot kept for no time is --snapshot none`, { hint: 'Give a duration such as 7d or 36h, or drop the flag (kept until ferry finish).' });
  if (request === 'none') throw new FerryError('USAGE', '--snapshot-retention with --snapshot none: there is no snapshot to keep');
  return { snapshotRetentionSeconds: seconds };
}

function planInput(f: PlanFlags): { target: string; repos: string[]; overrides: { findingKey: string; reason?: string }[]; gpgKeys?: string[]; gpgcheck: boolean; allowRemove?: string[]; snapshot: SnapshotRequest; snapshotRetentionSeconds?: number; pes?: string[] } {
  const snapshot = snapshotRequest(f);
  return {
    snapshot, ...snapshotRetention(f, snapshot), ...(f.pes !== undefined ? { pes: f.pes } : {}),
    target: f.to, repos: f.repo ?? [], gpgcheck: !f.nogpgcheck, ...(f.gpgKey ? { gpgKeys: f.gpgKey } : {}), ...(f.allowRemove ? { allowRemove: f.allowRemove } : {}),
    overrides: overridesOf(f),
  };
}

function progress(ctx: CliContext): (e: ProgressEvent) => void {
  return (e) => ctx.stderr(`${renderProgress(e)}\n`);
}

function withHost<T>(host: string, f: HostFlags, fn: (t: Transport) => Promise<T>): Promise<T> {
  return withOpenHost(hostOptions(host, f), fn);
}

/**
 * Opens the host; an SSH host on a connection that the reboot boundary can replace (app/reboot.ts), closed
 * whichever connection it ends on.
 */
function withRebootableHost<T>(host: string, f: HostFlags & RebootFlags, ctx: CliContext, fn: (t: Transport, rebootWait?: RebootWait) => Promise<T>): Promise<T> {
  const config = rebootConfigOf(f);
  return withHost(host, f, async (opened) => {
    const boundary = rebootWaitFor(opened, hostOptions(host, f), config, progress(ctx));
    const transport = boundary?.transport ?? opened;
    try {
      return await fn(transport, boundary?.rebootWait);
    } finally {
      await transport.close();
    }
  });
}

/** Prints a run: one hop as one migration prints, a route as its document and each hop's result. Returns the last hop's. */
function lastHop(ctx: CliContext, r: RouteResult): MigrateResult {
  const last = r.hops[r.hops.length - 1];
  if (!r.route) emit(ctx, last, renderResult);
  else emit(ctx, r, () => r.hops.map((h, i) => `Hop ${i + 1} (${h.plan.source} → ${h.plan.target}):\n${renderResult(h)}`).join('\n\n'));
  return last;
}

export function register(program: Command, ctx: CliContext): void {
  withPlanFlags(program.command('plan <host>').description('print the migration plan for a host (no change on the host)'))
    .option('--store <path>', 'also record the host and the plan in Ferry\'s store (a SQLite file, or a postgres:// URL)')
    .action(async (host: string, f: PlanFlags) => {
      const input = planInput(f); // a bad flag is refused before the host is contacted
      const route = await withHost(host, f, (transport) => planRoute({ transport, ...input }));
      if (f.store !== undefined) await withStore(f, async (store) => { for (const h of route.hops) await recordPlan(store, storeHostName({ host, ...f }), h.plan); });
      // --json prints the plan document with its predicted transaction (src/plan/predicted.ts); the text the same two.
      // A multi-hop route prints its hops' documents, each as one plan prints it.
      const [only] = route.hops;
      if (route.hops.length === 1) emit(ctx, only.published, () => `${renderPlan(only.plan)}\n${renderPredictedTransaction(only.predicted)}`);
      else emit(ctx, routePlanDocument(route), () => renderRoutePlan(route));
    });

  withRebootFlags(withStoreFlag(withPlanFlags(program.command('migrate <host>').description('migrate a host to the target (journaled, resumable)'))))
    .option('--dry-run', 'show what each step would do; change nothing')
    .option('--yes', 'do not ask for confirmation')
    .option('--health-check-url <url>', 'health gate: this URL must answer 2xx after the migration (repeatable)', collect)
    .option('--health-check-command <json-argv>', 'health gate: this command, run on the host, must exit 0 (a JSON array; repeatable)', collect)
    .option('--rollback-on-failure', 'roll the host back (to its snapshot) when the health gate fails')
    .action(async (host: string, f: PlanFlags & RebootFlags & { dryRun?: boolean; yes?: boolean; healthCheckUrl?: string[]; healthCheckCommand?: string[]; rollbackOnFailure?: boolean }) => {
      if (!f.dryRun && !f.yes) throw new FerryError('USAGE', `ferry migrate changes ${host}: pass --yes to confirm (or --dry-run)`);
      const commands = (f.healthCheckCommand ?? []).map((c) => argvFlag('--health-check-command', c));
      const gateAsked = f.healthCheckUrl !== undefined || commands.length > 0 || f.rollbackOnFailure === true;
      const input = planInput(f);
      const run = (store?: Store): Promise<RouteResult> => withRebootableHost(host, f, ctx, (transport, rebootWait) => migrateRoute({
        transport, ...input, dryRun: Boolean(f.dryRun), onProgress: progress(ctx), ...(store ? { store, storeHost: storeHostName({ host, ...f }), storeName: storeNameOf(f) } : {}), ...(rebootWait ? { rebootWait } : {}),
        ...(gateAsked ? { health: { rollbackOnFailure: f.rollbackOnFailure === true, checks: [...(f.healthCheckUrl ?? []).map((u) => urlCheck(u)), ...commands.map((c) => commandCheck(transport, c))] } } : {}),
      }));
      const res = lastHop(ctx, f.dryRun ? await run() : await withStore(f, run));
      if (res.gate && !res.gate.ok) throw new FerryError('HEALTH_GATE_FAILED', `The health gate failed on ${host}: ${res.gate.checks.filter((c) => !c.ok).map((c) => `${c.id} (${c.detail})`).join('; ')}${res.rolledBack ? '; the host was rolled back' : ''}`, { hint: res.rolledBack ? 'Fix the cause, then migrate again.' : 'ferry rollback returns the host to its snapshot; --rollback-on-failure does it automatically.' });
      if (res.verify && !res.verify.ok) throw new FerryError('STEP_FAILED', `Verification failed on ${host}`);
    });

  withRebootFlags(withStoreFlag(withHostFlags(program.command('resume <host>').description('continue an interrupted migration at its first unfinished step; a multi-hop route stopped by its gate goes on with the next hop'))))
    .option('--trust-journal', TRUST_JOURNAL_HELP)
    .option('--force', HOST_CHANGED_FORCE_HELP)
    .option('--override <finding-key[=reason]>', 'a route stopped by its gate between hops: proceed despite this inhibitor of the next hop (KEY, or KEY=REASON); recorded with you in the route file and the journal (repeatable)', collect)
    .option('--reason <text>', REASON_HELP)
    .action(async (host: string, f: HostFlags & RebootFlags & { force?: boolean; override?: string[]; reason?: string }) => {
      const overrides = overridesOf(f);
      const res = await withStore(f, (store) => withRebootableHost(host, f, ctx, (transport, rebootWait) => resumeRoute({ transport, onProgress: progress(ctx), store, ...(overrides.length ? { overrides } : {}), storeHost: storeHostName({ host, ...f }), storeName: storeNameOf(f), trustJournal: f.trustJournal === true, force: f.force === true, ...(rebootWait ? { rebootWait } : {}) })));
      lastHop(ctx, res);
    });

  withRebootFlags(withStoreFlag(withHostFlags(program.command('rollback <host>').description('undo a migration: restores its backups, or returns the host to its snapshot (past the point of no return too)'))))
    .option('--trust-journal', TRUST_JOURNAL_HELP)
    .option('--force', HOST_CHANGED_FORCE_HELP)
    .option('--route', 'undo every hop of the host\'s multi-hop route, newest first, as far as each hop\'s rollback allows; says which hop cannot be undone (past its point of no return without a snapshot) and the release the host then runs')
    .action(async (host: string, f: HostFlags & RebootFlags & { force?: boolean; route?: boolean }) => {
      const common = (transport: Transport, store: Store, rebootWait?: RebootWait) => ({ transport, onProgress: progress(ctx), store, storeHost: storeHostName({ host, ...f }), storeName: storeNameOf(f), trustJournal: f.trustJournal === true, force: f.force === true, ...(rebootWait ? { rebootWait } : {}) });
      if (f.route) {
        const res = await withStore(f, (store) => withRebootableHost(host, f, ctx, (transport, rebootWait) => rollbackRoute(common(transport, store, rebootWait))));
        emit(ctx, res, renderRouteRollback);
        const stays = res.hops.find((h) => h.outcome === 'cannot');
        if (stays) {
          const undone = res.hops.some((h) => h.outcome === 'rolled-back');
          throw new FerryError('ROLLBACK_PAST_PONR', `The route ${res.route.source} → ${res.route.target} on ${host} ${undone ? `was rolled back only to ${res.runs}` : `could not be rolled back at all (the host stays on ${res.runs})`}: hop ${stays.hop} (${stays.from} → ${stays.to}) passed its point of no return without a snapshot`, {
            hint: 'The host runs a complete, verified release. To go further back, restore it from your own backup; ferry resume runs the hops after it again.',
          });
        }
        return;
      }
      const res = await withStore(f, (store) => withRebootableHost(host, f, ctx, (transport, rebootWait) => rollback(common(transport, store, rebootWait))));
      emit(ctx, res, renderRollback);
    });

  withStoreFlag(withHostFlags(program.command('finish <host>').description('keep the outcome: remove what the migration\'s snapshot left (the snapshot, or after a rollback the migrated system)')))
    .option('--trust-journal', TRUST_JOURNAL_HELP)
    .action(async (host: string, f: HostFlags) => {
      const res = await withStore(f, (store) => withHost(host, f, (transport) => finish({ transport, store, storeHost: storeHostName({ host, ...f }), storeName: storeNameOf(f), trustJournal: f.trustJournal === true })));
      emit(ctx, res, (r) => (r.removed.length ? `Finished ${r.executionId}: removed ${r.removed.join(', ')}` : `Finished ${r.executionId}: no snapshot left to remove`));
    });

  withHostFlags(program.command('unlock <host>').description('remove the host lock a dead Ferry run left (refused while its process or a transaction still runs)'))
    .option('--force', 'also remove a lock another controller holds with a recent heartbeat (only once that run is known to be gone)')
    .action(async (host: string, f: HostFlags & { force?: boolean }) => {
      const res = await withHost(host, f, (transport) => unlockHost({ transport, force: f.force === true }));
      emit(ctx, res, (r) => (r.removed ? `Removed the lock of pid ${r.removed.pid} on ${r.removed.controller} (execution ${r.removed.executionId}) from ${host}` : `${host} is not locked`));
    });

  withStoreFlag(withHostFlags(program.command('status <host>').description('state of the current migration on a host')))
    .option('--trust-journal', TRUST_JOURNAL_HELP)
    .option('--from-store', 'read the state from Ferry\'s store, without contacting the host (e.g. when it is unreachable)')
    .option('--expire', 'remove the snapshots whose --snapshot-retention ran out (once the migration completed or was rolled back; journaled)')
    .action(async (host: string, f: HostFlags & { fromStore?: boolean; expire?: boolean }) => {
      if (f.expire && f.fromStore) throw new FerryError('USAGE', '--expire removes snapshots on the host: it cannot be done --from-store');
      const expire = f.expire ? { expireAt: new Date() } : {};
      const res: Awaited<ReturnType<typeof migrationStatus>> & { from?: 'store'; route?: RouteDocument } = f.fromStore
        ? await withStore(f, (store) => storedMigrationStatus({ store, storeHost: storeHostName({ host, ...f }) }))
        // With --store, the host's journal is mirrored there as well (what a busy store missed during the run).
        : f.store !== undefined
          ? await withStore(f, (store) => withHost(host, f, async (transport) => withRouteOf(transport, await migrationStatus({ transport, trustJournal: f.trustJournal === true, store, storeName: storeNameOf(f), ...expire }))))
          : await withHost(host, f, async (transport) => withRouteOf(transport, await migrationStatus({ transport, trustJournal: f.trustJournal === true, ...expire })));
      emit(ctx, res, renderStatus);
    });
}
