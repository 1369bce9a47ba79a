/**
 * The runner: drives a plan's steps on one host under the host lock, journaling every step's start and
 * end on the host (journal.ts) and in the optional sink, so a re-run after a crash, a reboot or a dropped
 * connection resumes at the first unfinished step. A step started but never ended is checked with
 * `isApplied` when it has one, else applied again (apply is idempotent). Rollback restores every
 * journaled restorable LIFO, keeps going past failures and reports them all; once a point-of-no-return
 * step has started it refuses.
 */
import { hostname } from 'node:os';
import { posix } from 'node:path';
import { assert, contentId, excerpt, FerryError, isFerryError, isJsonValue, silentLogger, type Logger } from '../core/index.js';
import type { Transport } from '../transport/types.js';
import type { ProgressEvent } from '../core/index.js';
import {
  acquireHostLock, unlockHost, type UnlockResult, mkdirHost, openJournal, readJournal, stateDirFor, assertExecutionId, journalPathFor, type Journal, type JournalTrust, type RecordedHead,
} from './journal.js';
import { BUILTIN_RESTORERS } from './restorables.js';
import { SNAPSHOT_KIND } from './snapshots/index.js';
import { awaitTransactions, runningTransactions } from './package-manager/detached.js';
import { checkPackagesUnchanged, recordPackages } from './package-state.js';
import { executionStateOf } from './execution-state.js';
import { lastReboot, rebootHooks, type RebootWait } from './reboot-boundary.js';
import type {
  ExecutionResult, ExecutionStatus, JournalEntry, JournalSink, JsonValue, PackageFingerprint, PlanLike, RestoreContext,
  RestoreFailure, RestorerRegistry, RunningTransaction, SerializedRestorable, Step, StepContext, StepState, StepVerifyResult,
} from './types.js';

/** Builds a step with its content-addressed id. */
export function defineStep<O extends JsonValue>(spec: Omit<Step<O>, 'id'>): Step<O> {
  return { ...spec, id: contentId('step', { kind: spec.kind, options: spec.options }) } as Step<O>;
}

export interface RunPlanOptions {
  plan: PlanLike;
  transport: Transport;
  executionId: string;
  sink?: JournalSink;
  onProgress?: (event: ProgressEvent) => void;
  dryRun?: boolean;
  log?: Logger;
  /** Overrides of inhibitors, journaled before the first step (once per finding key). */
  overrides?: { findingKey: string; by: string; reason?: string }[];
  /** The operator who started this execution, journaled in its start entry (who migrated the host, beside from where). */
  by?: string;
  lock?: { staleAfterMs?: number; heartbeatMs?: number };
  /** How the journal read back from the host is verified, and the heads recorded outside it (the store's). */
  journal?: JournalTrust & { heads?: RecordedHead[] };
  /** Resume even though the host's packages differ from the journal's last record of them (HOST_CHANGED). */
  force?: boolean;
  /** How a step that `endsInReboot` reboots the host and waits for it (reboot-boundary.ts); `transport` must be the wait's. */
  rebootWait?: RebootWait;
}

function restorableDir(executionId: string, restorableId: string): string {
  return posix.join(stateDirFor(executionId), 'backup', restorableId);
}

function assertPlan(plan: PlanLike): void {
  const seen = new Set<string>();
  for (const step of plan.steps) {
    const expected = contentId('step', { kind: step.kind, options: step.options });
    assert(step.id === expected, `step ${step.kind} has id ${step.id}, expected ${expected}`);
    assert(!seen.has(step.id), `step ${step.id} appears twice in plan ${plan.id}`);
    seen.add(step.id);
  }
}

export async function runPlan(options: RunPlanOptions): Promise<ExecutionResult> {
  const { plan, transport, executionId } = options;
  assertExecutionId(executionId);
  assertPlan(plan);
  const emit = options.onProgress ?? (() => {});
  const log = options.log ?? silentLogger;
  const total = plan.steps.length;

  if (options.dryRun) {
    const prior = await readJournal(transport, executionId, options.journal);
    checkPlanMatches(prior, plan, transport, executionId);
    const status = deriveStatus(prior, executionId);
    const done = new Set(status.steps.filter((s) => s.state === 'done').map((s) => s.id));
    const wouldRun: NonNullable<ExecutionResult['wouldRun']> = [];
    const skipped: string[] = [];
    for (const [index, step] of plan.steps.entries()) {
      if (done.has(step.id)) {
        skipped.push(step.id);
        emit({ scope: 'step', phase: 'skipped', step: { id: step.id, title: step.title, index, total }, status: 'done' });
        continue;
      }
      const actions = step.describe?.() ?? [step.title];
      const transaction = await step.preview?.(transport);
      wouldRun.push({ stepId: step.id, title: step.title, actions, ...(transaction ? { transaction } : {}) });
      emit({ scope: 'step', phase: 'would-run', step: { id: step.id, title: step.title, index, total }, detail: actions.join('\n') });
    }
    return { executionId, planId: plan.id, status: 'dry-run', applied: [], skipped, wouldRun };
  }

  const lock = await acquireHostLock({ transport, executionId, ...options.lock });
  try {
    const journal = await openJournal({ transport, executionId, sink: options.sink, ...options.journal, guard: lock.verify });
    const prior = journal.entries();
    checkPlanMatches(prior, plan, transport, executionId);
    // A transaction another execution left running (its Ferry killed) would change the host under this
    // one; this execution's own runs are awaited by the step that started them (detached.ts).
    const foreign = (await runningTransactions(transport)).filter((t) => t.executionId !== executionId);
    if (foreign.length > 0) throw transactionRunning(transport, foreign[0], 'a new run waits for it');
    const before = deriveStatus(prior, executionId);
    if (before.state === 'rolled-back' || before.state === 'rollback-incomplete' || prior.some((e) => e.event === 'rollback')) {
      throw new FerryError('USAGE', `Execution ${executionId} on ${transport.hostName} was rolled back; it cannot be resumed`, {
        hint: 'Start a new execution with a new id.',
      });
    }
    // A reboot still ahead needs a way to reboot before anything changes, not after the steps before it ran.
    const rebootAhead = plan.steps.find((s) => s.endsInReboot && !before.steps.some((b) => b.id === s.id && b.state === 'done'));
    if (rebootAhead) requireRebootWait(options, rebootAhead, transport);
    const stateDir = stateDirFor(executionId);
    if (prior.length === 0) {
      // Not fsynced here: the first step's start entry is, before anything changes on the host.
      await journal.append({
        event: 'execution', phase: 'start', planId: plan.id, controller: hostname(), ...(options.by ? { by: options.by } : {}),
        steps: plan.steps.map((s) => ({ id: s.id, kind: s.kind, title: s.title, pointOfNoReturn: s.pointOfNoReturn === true })),
        // A plan that changes no package (no rpm on the host, perhaps) records none.
        ...(plan.steps.some((s) => s.changesPackages) ? { packages: await recordPackages(transport, stateDir, 'start') } : {}),
      }, { sync: false });
    } else if (!options.force) {
      await checkPackagesUnchanged({ transport, executionId, entries: prior, action: 'resume' });
    }
    const packagesAfter = async (step: Step): Promise<{ packages?: PackageFingerprint }> =>
      step.changesPackages ? { packages: await recordPackages(transport, stateDir, `after-${step.id.slice(0, 24)}`) } : {};
    const recorded = new Set(before.overrides.map((o) => o.findingKey));
    for (const o of options.overrides ?? []) {
      if (recorded.has(o.findingKey)) continue;
      await journal.append({ event: 'override', findingKey: o.findingKey, by: o.by, ...(o.reason ? { reason: o.reason } : {}) }, { sync: false });
      recorded.add(o.findingKey);
    }

    const stepState = new Map(before.steps.map((s) => [s.id, s]));
    const registered = new Set(before.restorables.map((r) => r.id));
    const captured = new Set(before.restorables.map((r) => capturedKey(r.kind, r.key)));
    const stepTransport = syncBeforeChange(transport, journal);
    const applied: string[] = [];
    const skipped: string[] = [];

    for (const [index, step] of plan.steps.entries()) {
      const prev = stepState.get(step.id);
      if (prev?.state === 'done') {
        skipped.push(step.id);
        emit({ scope: 'step', phase: 'skipped', step: { id: step.id, title: step.title, index, total }, status: 'done' });
        continue;
      }
      if (prev?.state === 'running' && step.endsInReboot && await rebootSettled(options, journal, step, transport)) {
        // Applied and verified before its reboot was requested: the interrupted run only waited for the host.
        const ctx = makeStepContext({ transport, executionId, step, attempt: prev.attempts, journal, registered, captured, stepTransport, emit, log });
        await checkAfterReboot(step, ctx, { journal, emit, index, total, executionId, ponrCrossed: true });
        await journal.append({ event: 'step', phase: 'end', stepId: step.id, attempt: prev.attempts, status: 'applied', ...await packagesAfter(step) }, { sync: false });
        applied.push(step.id);
        emit({ scope: 'step', phase: 'end', step: { id: step.id, title: step.title, index, total }, status: 'applied' });
        continue;
      }
      const attempt = (prev?.attempts ?? 0) + 1;
      const ctx = makeStepContext({ transport, executionId, step, attempt, journal, registered, captured, stepTransport, emit, log });
      if (prev && prev.attempts > 0 && step.isApplied && await step.isApplied(ctx)) {
        await journal.append({ event: 'step', phase: 'end', stepId: step.id, attempt: prev.attempts, status: 'already-applied', ...await packagesAfter(step) }, { sync: false });
        skipped.push(step.id);
        emit({ scope: 'step', phase: 'end', step: { id: step.id, title: step.title, index, total }, status: 'already-applied' });
        continue;
      }
      if (step.pointOfNoReturn && !before.ponrCrossed && !journal.entries().some((e) => e.event === 'ponr')) {
        // Fsynced together with the step's start entry, the very next write, before apply runs.
        await journal.append({ event: 'ponr', stepId: step.id }, { sync: false });
      }
      await journal.append({ event: 'step', phase: 'start', stepId: step.id, kind: step.kind, attempt, ...(step.changesPackages ? { changesPackages: true as const } : {}) });
      emit({ scope: 'step', phase: 'start', step: { id: step.id, title: step.title, index, total } });
      try {
        await step.apply(ctx);
        if (step.verify) {
          const v = await step.verify(ctx);
          const res = typeof v === 'boolean' ? { ok: v } : v;
          if (!res.ok) throw new FerryError('STEP_FAILED', `Step ${step.title} (${step.id}) on ${transport.hostName} did not verify${res.detail ? `: ${res.detail}` : ''}`);
        }
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        const code = isFerryError(err) ? err.code : 'INTERNAL';
        await journal.append({ event: 'step', phase: 'failed', stepId: step.id, attempt, error: { code, message: err.message } }, { sync: false });
        await journal.append({ event: 'execution', phase: 'end', status: 'failed' });
        emit({ scope: 'step', phase: 'failed', step: { id: step.id, title: step.title, index, total }, detail: err.message });
        // A step's own refusal keeps its code (the operator's answer differs: approve, not resume).
        if (isFerryError(err, 'STEP_FAILED') || isFerryError(err, 'TRANSACTION_UNAPPROVED')) throw err;
        throw new FerryError('STEP_FAILED', `Step ${step.title} (${step.id}) failed on ${transport.hostName}: ${err.message}`, {
          cause: err,
          hint: `Fix the cause and run ferry resume, or ferry rollback${before.ponrCrossed || step.pointOfNoReturn ? ' (not available: past the point of no return)' : ''}.`,
          details: { executionId, stepId: step.id, code },
        });
      }
      // Outside the step's failure handling: a host that does not come back leaves the step running with its
      // request journaled, and resume waits again instead of applying it again.
      if (step.endsInReboot) {
        await (await rebootHooks(requireRebootWait(options, step, transport), journal, step.id)).reboot();
        await checkAfterReboot(step, ctx, { journal, emit, index, total, executionId, ponrCrossed: before.ponrCrossed || step.pointOfNoReturn === true });
      }
      // Not fsynced: the next step's start entry is. Lost to a power cut, it costs a re-run of this
      // (idempotent) step on resume, never a skipped one.
      await journal.append({ event: 'step', phase: 'end', stepId: step.id, attempt, status: 'applied', ...await packagesAfter(step) }, { sync: false });
      applied.push(step.id);
      emit({ scope: 'step', phase: 'end', step: { id: step.id, title: step.title, index, total }, status: 'applied' });
    }
    await journal.append({ event: 'execution', phase: 'end', status: 'completed' });
    return { executionId, planId: plan.id, status: 'completed', applied, skipped };
  } finally {
    // A dropped connection also fails the release; never let that hide the error that ended the run.
    await lock.release().catch((e: unknown) => log.warn('Could not release the host lock', { host: transport.hostName, error: String(e) }));
  }
}

/** Runs a rebooted step's afterReboot check; a failure is journaled as the step's and fails the run (STEP_FAILED). */
async function checkAfterReboot(step: Step, ctx: StepContext, o: { journal: Journal; emit: (e: ProgressEvent) => void; index: number; total: number; executionId: string; ponrCrossed: boolean }): Promise<void> {
  if (!step.afterReboot) return;
  let res: StepVerifyResult;
  try {
    const v = await step.afterReboot(ctx);
    res = typeof v === 'boolean' ? { ok: v } : v;
  } catch (e) {
    res = { ok: false, detail: e instanceof Error ? e.message : String(e) };
  }
  if (res.ok) return;
  const message = `Step ${step.title} (${step.id}) on ${ctx.transport.hostName}: after the reboot${res.detail ? `, ${res.detail}` : ', its check failed'}`;
  await o.journal.append({ event: 'step', phase: 'failed', stepId: step.id, attempt: ctx.attempt, error: { code: 'STEP_FAILED', message } }, { sync: false });
  await o.journal.append({ event: 'execution', phase: 'end', status: 'failed' });
  o.emit({ scope: 'step', phase: 'failed', step: { id: step.id, title: step.title, index: o.index, total: o.total }, detail: message });
  throw new FerryError('STEP_FAILED', message, {
    hint: `Fix the cause and run ferry resume: the step runs again${o.ponrCrossed ? ' (rollback is not available: past the point of no return)' : ''}.`,
    details: { executionId: o.executionId, stepId: step.id, code: 'STEP_FAILED' },
  });
}

function requireRebootWait(options: RunPlanOptions, step: Step, transport: Transport): RebootWait {
  if (options.rebootWait) return options.rebootWait;
  throw new FerryError('REBOOT_FAILED', `Step ${step.title} (${step.id}) ends in a reboot, which Ferry cannot do on ${transport.hostName} (${transport.kind === 'ssh' ? 'no reboot configured' : 'not an SSH host'})`, {
    hint: 'Run the migration over SSH, or reboot the host yourself and run ferry resume.',
  });
}

/**
 * Whether the reboot an interrupted run requested at the end of `step` is over (journaling its return now
 * when the host is on a new boot). False when the step never reached its reboot; a reboot requested but not
 * taken (same boot) is issued again here and waited for.
 */
async function rebootSettled(options: RunPlanOptions, journal: Journal, step: Step, transport: Transport): Promise<boolean> {
  const last = lastReboot(journal.entries());
  if (last?.stepId !== step.id) return false;
  const hooks = await rebootHooks(requireRebootWait(options, step, transport), journal, step.id);
  const still = lastReboot(journal.entries());
  if (still?.pending) await hooks.reboot();
  return true;
}

/**
 * Rollback always restores every restorable of the execution, LIFO, so for one thing (kind + key, e.g. the
 * directory /var/lib/rpm) the earliest capture decides the end state: any later capture of it is restored
 * first and then overwritten. A step registering something an earlier step already captured therefore
 * skips the capture (for the rpm database, a second and third archive of the whole database).
 */
const capturedKey = (kind: string, key: string): string => `${kind}\u0000${key}`;

/**
 * The transport a step sees: before any command, file write or upload — anything that may change the host —
 * the journal is made durable, so every restorable registered before it is on disk before the change.
 * Reads (readFile, exists) go straight through.
 */
function syncBeforeChange(transport: Transport, journal: Journal): Transport {
  return new Proxy(transport, {
    get(target, prop, receiver) {
      if (prop === 'run' || prop === 'writeFile' || prop === 'upload' || prop === 'mkdir' || prop === 'appendFile') {
        const fn = Reflect.get(target, prop, receiver) as ((...args: unknown[]) => Promise<unknown>) | undefined;
        // mkdir and appendFile are optional: a transport without them stays without them.
        if (fn === undefined) return undefined;
        return async (...args: unknown[]) => {
          await journal.sync();
          return fn.apply(target, args);
        };
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

function makeStepContext(o: {
  transport: Transport; executionId: string; step: Step; attempt: number; journal: Journal; registered: Set<string>;
  captured: Set<string>; stepTransport: Transport; emit: (e: ProgressEvent) => void; log: Logger;
}): StepContext {
  const { transport, executionId, step, journal, registered, captured, emit } = o;
  const output = (line: string): void => emit({ scope: 'output', phase: 'line', stepId: step.id, message: line });
  return {
    transport: o.stepTransport, executionId, step, attempt: o.attempt, stateDir: stateDirFor(executionId), output, log: o.log,
    async register(r) {
      const id = contentId('restorable', { stepId: step.id, kind: r.kind, key: r.key });
      // Registered on an earlier attempt: that capture holds the state before the mutation; keep it.
      if (registered.has(id) || captured.has(capturedKey(r.kind, r.key))) return;
      const backupDir = restorableDir(executionId, id);
      await mkdirHost(transport, backupDir);
      const data = await r.capture({ transport, executionId, backupDir, output });
      assert(isJsonValue(data), `restorable ${r.kind} captured non-JSON data`);
      // Written now, fsynced before the step's next command or write (syncBeforeChange), so a step that
      // registers several things (the backup) pays one fsync, and none reaches the host un-journaled.
      await journal.append({ event: 'restorable', id, stepId: step.id, kind: r.kind, key: r.key, description: r.description, data }, { sync: false });
      registered.add(id);
      captured.add(capturedKey(r.kind, r.key));
    },
  };
}

function checkPlanMatches(prior: readonly JournalEntry[], plan: PlanLike, transport: Transport, executionId: string): void {
  const start = prior.find((e) => e.event === 'execution' && e.phase === 'start');
  if (start && start.event === 'execution' && start.phase === 'start' && start.planId !== plan.id) {
    throw new FerryError('USAGE', `Execution ${executionId} on ${transport.hostName} runs plan ${start.planId}, not ${plan.id}`, {
      hint: 'Resume with the same plan, or start a new execution id.',
    });
  }
}

/**
 * Checks journaled restorables against what Ferry's own steps produce, before anything is restored: a
 * known kind, the id its step, kind and key give, a step of the plan, data its kind's capture writes
 * (Restorer.check). The first that fails is JOURNAL_CORRUPT naming the file and line.
 */
function checkRestorables(todo: readonly SerializedRestorable[], o: {
  transport: Transport; executionId: string; restorers: RestorerRegistry; steps: readonly { id: string }[]; file: string; entries: readonly JournalEntry[];
}): void {
  const stepIds = new Set(o.steps.map((s) => s.id));
  for (const r of todo) {
    const entry = o.entries.find((e) => e.event === 'restorable' && e.id === r.id);
    const where = `Journal ${o.file} line ${entry?.seq ?? '?'}`;
    const fail = (why: string): FerryError => new FerryError('JOURNAL_CORRUPT', `${where}: restorable ${excerpt(r.id)} is not one Ferry's steps register: ${why}; nothing was restored`, {
      hint: 'The journal was edited or not written by Ferry: inspect the host before restoring it by hand.',
    });
    const restorer = Object.hasOwn(o.restorers, r.kind) ? o.restorers[r.kind] : undefined;
    if (!restorer) throw fail(`no restorer of kind ${excerpt(r.kind)}`);
    if (typeof r.key !== 'string' || r.id !== contentId('restorable', { stepId: r.stepId, kind: r.kind, key: r.key })) throw fail('its id is not the id of its step, kind and key');
    if (!stepIds.has(r.stepId)) throw fail(`step ${excerpt(r.stepId)} is not a step of the execution`);
    try {
      restorer.check(r.data, { root: o.transport.root, backupDir: restorableDir(o.executionId, r.id), key: r.key });
    } catch (e) {
      if (!isFerryError(e, 'JOURNAL_CORRUPT')) throw e;
      throw fail(e.message);
    }
  }
}

/** Folds journal entries into the state of an execution. */
export function deriveStatus(entries: readonly JournalEntry[], executionId: string): ExecutionStatus {
  let planId: string | undefined;
  const steps = new Map<string, { id: string; kind: string; title: string; state: StepState; attempts: number }>();
  const restorables: SerializedRestorable[] = [];
  const overrides: ExecutionStatus['overrides'] = [];
  let ponrCrossed = false;
  for (const e of entries) {
    switch (e.event) {
      case 'execution':
        if (e.phase === 'start') {
          planId = e.planId;
          for (const s of e.steps) steps.set(s.id, { id: s.id, kind: s.kind, title: s.title, state: 'pending', attempts: 0 });
        }
        break;
      case 'step': {
        const s = steps.get(e.stepId) ?? { id: e.stepId, kind: e.phase === 'start' ? e.kind : '?', title: e.stepId, state: 'pending' as StepState, attempts: 0 };
        steps.set(e.stepId, s);
        if (e.phase === 'start') { s.state = 'running'; s.attempts = Math.max(s.attempts, e.attempt); }
        else if (e.phase === 'end') s.state = 'done';
        else s.state = 'failed';
        break;
      }
      case 'restorable': {
        const { id, stepId, kind, key, description, data } = e;
        restorables.push({ id, stepId, kind, key, description, data });
        break;
      }
      case 'ponr': ponrCrossed = true; break;
      case 'override': overrides.push({ findingKey: e.findingKey, by: e.by, ...(e.reason ? { reason: e.reason } : {}), at: e.at }); break;
      case 'rollback': case 'restore': case 'snapshot': case 'reboot': case 'gate': break;
    }
  }
  const folded = executionStateOf(entries);
  const state = folded === 'rolling-back' ? 'running' : folded;
  // A rollback that started and did not end is continued by ferry rollback, never by resume (which refuses it).
  const rollbackStarted = entries.some((e) => e.event === 'rollback');
  const interrupted = state === 'running' && !rollbackStarted;
  return { executionId, planId, state, interrupted, rollbackStarted, ponrCrossed, steps: [...steps.values()], restorables, overrides, entries: entries.length, transactions: [] };
}

/**
 * Reads the host journal (no lock: appends and rewrites never leave a partial entry but the last line) and
 * the execution's detached runs still running on the host.
 */
export async function status(options: { transport: Transport; executionId: string; journal?: JournalTrust & { heads?: RecordedHead[] } }): Promise<ExecutionStatus> {
  assertExecutionId(options.executionId);
  const st = deriveStatus(await readJournal(options.transport, options.executionId, options.journal), options.executionId);
  const transactions = (await runningTransactions(options.transport)).filter((t) => t.executionId === options.executionId);
  return { ...st, transactions };
}

/**
 * `ferry unlock`: removes the host lock a dead run left (journal.ts unlockHost says when that is safe),
 * and refuses while any detached transaction on the host still runs: that is what the lock protects.
 */
export async function unlock(options: { transport: Transport; force?: boolean }): Promise<UnlockResult> {
  const running = await runningTransactions(options.transport);
  if (running.length > 0) throw transactionRunning(options.transport, running[0], 'the lock stays until it ends');
  return unlockHost(options);
}

/** JOURNAL_LOCKED naming a detached run that is still running: its pid, its step, what waits for it. */
function transactionRunning(transport: Transport, t: RunningTransaction, what: string, steps: readonly { id: string; title: string }[] = []): FerryError {
  const step = steps.find((s) => s.id.startsWith(t.stepIdPrefix));
  return new FerryError('JOURNAL_LOCKED', `A ${t.label} transaction (pid ${t.pid ?? '?'}) of execution ${t.executionId}, step ${step ? `${step.title} (${step.id})` : t.stepIdPrefix}, is still running on ${transport.hostName}; ${what}`, {
    hint: 'It ends by itself (its output is in /var/lib/ferry/<execution>/run/); run the command again once it has. Never kill an rpm transaction half-way.',
    details: { transaction: { ...t } },
  });
}

export interface RollbackOptions {
  transport: Transport;
  executionId: string;
  sink?: JournalSink;
  onProgress?: (event: ProgressEvent) => void;
  /** Restorers for step-specific kinds, merged over the built-ins. */
  restorers?: RestorerRegistry;
  lock?: { staleAfterMs?: number; heartbeatMs?: number };
  log?: Logger;
  journal?: JournalTrust & { heads?: RecordedHead[] };
  /** How long to wait for a detached run of this execution that is still running before refusing (default 10 minutes). */
  waitForTransactionsMs?: number;
  /** Restore even though the host's packages differ from the journal's last record of them (HOST_CHANGED). */
  force?: boolean;
  /** How a snapshot restore reboots the host (RestoreContext.reboot). */
  reboot?: () => Promise<void>;
  /** Reboot through the journaled boundary instead (reboot-boundary.ts); `transport` must be the wait's. */
  rebootWait?: RebootWait;
}

export interface RollbackResult {
  executionId: string;
  restored: string[];
  /** Restorables already restored by an interrupted earlier rollback. */
  alreadyRestored: string[];
}

/**
 * Restores every journaled restorable, newest first. Refuses past the point of no return. Failures are
 * journaled and collected; the rollback continues and finally throws ROLLBACK_INCOMPLETE listing them.
 * Re-running an interrupted or incomplete rollback retries only what is not yet restored.
 */
export async function rollback(options: RollbackOptions): Promise<RollbackResult> {
  const { transport, executionId } = options;
  assertExecutionId(executionId);
  const emit = options.onProgress ?? (() => {});
  const log = options.log ?? silentLogger;
  const restorers = { ...BUILTIN_RESTORERS, ...options.restorers };
  const lock = await acquireHostLock({ transport, executionId, ...options.lock });
  try {
    const journal = await openJournal({ transport, executionId, sink: options.sink, ...options.journal, guard: lock.verify });
    const entries = journal.entries();
    if (entries.length === 0) {
      throw new FerryError('NOT_FOUND', `No journal for execution ${executionId} on ${transport.hostName} (${journalPathFor(executionId)})`);
    }
    const st = deriveStatus(entries, executionId);
    // A snapshot of the whole system (snapshots/) is the exact state before the run: when the execution took
    // one, rollback returns the host to it, past the point of no return too, and restores nothing finer.
    const snapshot = st.restorables.find((r) => r.kind === SNAPSHOT_KIND);
    if (st.ponrCrossed && !snapshot) {
      const ponr = entries.find((e) => e.event === 'ponr');
      throw new FerryError('ROLLBACK_PAST_PONR', `Execution ${executionId} on ${transport.hostName} passed its point of no return at step ${ponr && ponr.event === 'ponr' ? ponr.stepId : '?'}; rollback is refused`, {
        hint: 'Resume the migration (ferry resume) to complete it, or restore the host from your own snapshot: this execution took none (a plan snapshots a Btrfs or LVM root, or with --snapshot-command).',
      });
    }
    const done = new Set(entries.flatMap((e) => (e.event === 'restore' && e.phase === 'end' ? [e.restorableId] : [])));
    const alreadyRestored = st.restorables.filter((r) => done.has(r.id)).map((r) => r.id);
    if (st.state === 'rolled-back') return { executionId, restored: [], alreadyRestored };
    // Every restorable is checked before any is restored: a journal from the host is untrusted input.
    const todo = (snapshot ? [snapshot] : [...st.restorables].reverse()).filter((r) => !done.has(r.id));
    checkRestorables(todo, { transport, executionId, restorers, steps: st.steps, file: `${transport.hostName}:${journalPathFor(executionId)}`, entries });
    // A transaction this execution started and Ferry did not see end (killed, connection lost) would finish
    // on top of the restored host: wait for it (bounded), else refuse.
    const startEntry = entries.find((e) => e.event === 'execution' && e.phase === 'start');
    const steps = startEntry && startEntry.event === 'execution' && startEntry.phase === 'start' ? startEntry.steps : [];
    let reported = '';
    const still = await awaitTransactions(transport, (t) => t.executionId === executionId, {
      timeoutMs: options.waitForTransactionsMs ?? 600_000,
      onWait(running) {
        const key = running.map((t) => `${t.label}:${t.pid}`).join(',');
        if (key === reported) return;
        reported = key;
        for (const t of running) emit({ scope: 'output', phase: 'line', message: `waiting for the ${t.label} transaction (pid ${t.pid ?? '?'}) to end before restoring` });
      },
    });
    if (still.length > 0) throw transactionRunning(transport, still[0], 'rollback waits for it to end', steps);
    if (!options.force) await checkPackagesUnchanged({ transport, executionId, entries, action: 'rollback' });
    // The boundary: a reboot requested before a crash is judged (and journaled as returned) before anything runs.
    const boundary = options.rebootWait ? await rebootHooks(options.rebootWait, journal) : undefined;
    await journal.append({ event: 'rollback', phase: 'start' });
    const restored: string[] = [];
    const failures: RestoreFailure[] = [];
    for (const r of todo) {
      emit({ scope: 'restore', phase: 'start', restorableId: r.id, message: r.description });
      const ctx: RestoreContext = {
        transport, executionId, backupDir: restorableDir(executionId, r.id),
        output: (line) => emit({ scope: 'output', phase: 'line', stepId: r.stepId, message: line }),
        ...(boundary ?? (options.reboot ? { reboot: options.reboot } : {})),
      };
      try {
        await restorers[r.kind].restore(r.data, ctx);
        await journal.append({ event: 'restore', restorableId: r.id, phase: 'end' });
        restored.push(r.id);
        emit({ scope: 'restore', phase: 'end', restorableId: r.id, message: r.description });
      } catch (e) {
        // The host boots into the snapshot, whose journal was carried there: nothing more is written on this side of
        // the switch (nor when it did not come back in time: it may still boot into the snapshot).
        if (isFerryError(e, 'SNAPSHOT_REBOOT_REQUIRED') || isFerryError(e, 'REBOOT_TIMEOUT')) throw e;
        const message = e instanceof Error ? e.message : String(e);
        failures.push({ restorableId: r.id, description: r.description, error: message });
        await journal.append({ event: 'restore', restorableId: r.id, phase: 'failed', error: message });
        emit({ scope: 'restore', phase: 'failed', restorableId: r.id, message: r.description, detail: message });
      }
    }
    if (failures.length > 0) {
      await journal.append({ event: 'rollback', phase: 'failed', failures });
      throw new FerryError('ROLLBACK_INCOMPLETE', `Rollback of ${executionId} on ${transport.hostName}: ${failures.length} restore(s) failed: ${failures.map((f) => `${f.description} (${f.error})`).join('; ')}`, {
        hint: 'Fix the causes and run ferry rollback again; restores that succeeded are not repeated.',
        details: { failures },
      });
    }
    await journal.append({ event: 'rollback', phase: 'end' });
    return { executionId, restored, alreadyRestored };
  } finally {
    // A dropped connection also fails the release; never let that hide the error that ended the run.
    await lock.release().catch((e: unknown) => log.warn('Could not release the host lock', { host: transport.hostName, error: String(e) }));
  }
}
