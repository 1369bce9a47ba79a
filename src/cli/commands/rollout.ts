/**
 * `ferry rollout …` and `ferry worker`: thin adapters over src/app/rollout and src/app/worker. A rollout is
 * created from a selector and a target, then started; workers (`ferry worker`, one or several processes,
 * on one machine with SQLite or several with PostgreSQL) run its hosts' migrations as the rollout releases them.
 */
import type { Command } from 'commander';
import { createRollout, rolloutAction, rolloutStatus } from '../../app/rollout.js';
import { operatorName } from '../../app/store.js';
import { runWorker, type WorkerEvent } from '../../app/worker.js';
import { parseRolloutFlags, type RolloutFlags } from '../../app/rollout.js';
import { renderRolloutList, renderRolloutStatus } from '../../report/rollout-text.js';
import { collect, emit, integerOption, type CliContext } from '../output.js';
import { fleetHostDefaults, withFleetKeyFlags, type FleetKeyFlags } from '../host-flags.js';
import { rebootConfigOf, withRebootFlags, type RebootFlags } from '../reboot-flags.js';
import { withStore, withStoreFlag, type StoreFlags } from '../store-flags.js';

interface CreateFlags extends StoreFlags, RolloutFlags { to: string; repo?: string[]; nogpgcheck?: boolean; pes?: string[]; name?: string; start?: boolean }

export function register(program: Command, ctx: CliContext): void {
  const rollout = program.command('rollout').description('roll a migration out to many hosts in waves: a canary, then waves, with caps, a stop threshold, a gate and windows');

  withStoreFlag(rollout.command('create <selector>').description('create a rollout of the hosts SELECTOR picks (see ferry inventory list --help for selectors) to a target'), 'holding the inventory and the rollout')
    .requiredOption('--to <target>', 'target release, e.g. rocky-8')
    .option('--repo <target=dir|url>', 'target repository each host uses (repeatable)', collect)
    .option('--nogpgcheck', 'do not check package signatures (unsigned local mirrors)')
    .option('--pes <[target=]file>', 'the target vendor\'s package-evolution events (Leapp pes-events.json), for hosts the target is a cross-major upgrade for; hosts on a multi-hop route take one per cross-major hop (--pes rocky-8=FILE --pes rocky-9=FILE; repeatable); every worker reads these paths, and refuses one that changed', collect)
    .option('--canary <n|pct>', 'hosts in the canary wave (wave 0), a count or a percentage (default: no canary)')
    .option('--waves <list>', 'wave sizes after the canary, counts and percentages mixed as Ansible\'s serial (e.g. 30%,100%; the last repeats)')
    .option('--concurrency <n>', 'at most N hosts migrating at once in the rollout (default: no cap beyond the workers\' own)')
    .option('--wave-concurrency <n>', 'at most N hosts migrating at once within a wave')
    .option('--group-cap <var=n>', 'at most N hosts migrating at once per value of the host variable VAR (e.g. ha_pair=1)')
    .option('--max-failures <n|pct>', 'stop threshold: halt once this many hosts (or this percent of the hosts) failed (default 1)')
    .option('--gate <manual|auto>', 'after the canary: wait for ferry rollout approve (manual), go on after --soak once the canary verified (auto), or go on at once (none, the default without --soak)')
    .option('--soak <duration>', 'with --gate auto: how long the canary runs verified before the waves (e.g. 10m)')
    .option('--window <spec>', 'maintenance window hosts may start in, e.g. "Sat 01:00-05:00 UTC" (repeatable)', collect)
    .option('--cutoff <duration>', 'no host starts later than this before its window ends (e.g. 30m)')
    .option('--name <text>', 'a name for the rollout')
    .option('--start', 'start it at once')
    .action(async (selector: string, f: CreateFlags) => {
      const spec = parseRolloutFlags(f);
      const res = await withStore(f, (store) => createRollout({
        store, selector, target: f.to, spec, repos: f.repo ?? [], gpgcheck: !f.nogpgcheck, ...(f.pes?.length ? { pes: f.pes } : {}), ...(f.name ? { name: f.name } : {}), start: Boolean(f.start),
      }));
      emit(ctx, res, (r) => `rollout ${r.rollout.id} ${r.rollout.state}: ${r.hosts.length} hosts to ${r.rollout.target}\n${f.start ? '' : `start it with: ferry rollout start ${r.rollout.id}\n`}`);
    });

  const simple = [
    ['start', 'start a created rollout: the canary is released to the workers'],
    ['pause', 'stop releasing hosts (hosts already migrating finish)'],
    ['resume', 'go on after pause, or after a halt once the failed hosts were retried or skipped'],
    ['abort', 'stop for good: queued hosts are cancelled, migrating ones finish'],
    ['approve', 'pass the gate after the canary (recorded with the operator)'],
  ] as const;
  for (const [kind, help] of simple) {
    withStoreFlag(rollout.command(`${kind} <rollout>`).description(help), 'holding the rollout').action(async (id: string, f: StoreFlags) => {
      const res = await withStore(f, (store) => rolloutAction({ store, rolloutId: id, action: kind === 'approve' ? { kind, operator: operatorName() } : { kind }, operator: operatorName() }));
      emit(ctx, res, (r) => `rollout ${r.rollout.id}: ${r.rollout.state}\n`);
    });
  }
  for (const [kind, help] of [['retry', 'run a failed host again'], ['skip', 'leave a failed host out (not counted as a failure any more)']] as const) {
    withStoreFlag(rollout.command(`${kind} <rollout> <host>`).description(help), 'holding the rollout').action(async (id: string, host: string, f: StoreFlags) => {
      const res = await withStore(f, (store) => rolloutAction({ store, rolloutId: id, action: { kind, host }, operator: operatorName() }));
      emit(ctx, res, (r) => `rollout ${r.rollout.id}: ${host} ${r.hosts.find((h) => h.hostName === host)?.state ?? '?'}; rollout ${r.rollout.state}\n`);
    });
  }
  withStoreFlag(rollout.command('status <rollout>').description('the rollout\'s waves and hosts; a failed host with its failing step, error and log tail'), 'holding the rollout')
    .action(async (id: string, f: StoreFlags) => {
      const res = await withStore(f, (store) => rolloutStatus({ store, rolloutId: id }));
      emit(ctx, res, renderRolloutStatus);
    });
  withStoreFlag(rollout.command('list').description('rollouts in the store'), 'holding the rollouts').action(async (f: StoreFlags) => {
    const res = await withStore(f, (store) => store.listRollouts());
    emit(ctx, res, renderRolloutList);
  });

  interface WorkerFlags extends StoreFlags, FleetKeyFlags { concurrency?: string; lease?: string; exitWhenIdle?: boolean; id?: string }
  withRebootFlags(withFleetKeyFlags(withStoreFlag(program.command('worker').description('run rollout jobs: claim hosts released by rollouts (with a lease and heartbeat) and migrate them; several workers may share one store'), 'holding the job queue')
    .option('--concurrency <n>', 'hosts this worker migrates at once (default 10)')
    .option('--lease <seconds>', 'job lease; another worker takes the host over after it expires (default 60)')
    .option('--exit-when-idle', 'exit once no job is queued or running')
    .option('--id <name>', 'worker name in the job table (default host:pid)')))
    .action(async (f: WorkerFlags & RebootFlags) => {
      const abort = new AbortController();
      const stop = (): void => abort.abort();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      const onEvent = (e: WorkerEvent): void => {
        if (e.type === 'claimed') ctx.stderr(`worker: ${e.host}: migrating (job ${e.job}, attempt ${e.attempt})\n`);
        else if (e.type === 'finished') ctx.stderr(`worker: ${e.host}: ${e.outcome}${e.detail ? `: ${e.detail}` : ''}\n`);
        else if (e.type === 'retry') ctx.stderr(`worker: ${e.host}: ${e.error}; again in ${Math.round(e.inMs / 1000)} s\n`);
        else if (e.type === 'lease-lost') ctx.stderr(`worker: ${e.host}: lease lost (job ${e.job})\n`);
        else if (e.type === 'deferred') ctx.stderr(`worker: ${e.host}: not started, ${e.why}\n`);
        else ctx.stderr(`worker: store unavailable (${e.error}); again in ${Math.round(e.inMs / 1000)} s\n`);
      };
      const res = await withStore(f, (store) => runWorker({
        store, signal: abort.signal, onEvent, exitWhenIdle: Boolean(f.exitWhenIdle), operator: operatorName(),
        ...(f.id ? { id: f.id } : {}),
        ...(f.concurrency ? { concurrency: integerOption(f.concurrency, '--concurrency', 1) } : {}),
        ...(f.lease ? { leaseMs: integerOption(f.lease, '--lease', 1) * 1000 } : {}),
        hostDefaults: fleetHostDefaults(f), reboot: rebootConfigOf(f),
      }));
      emit(ctx, res, (r) => `worker: ${r.claimed} jobs, ${r.succeeded} succeeded, ${r.failed} failed\n`);
    });
}
