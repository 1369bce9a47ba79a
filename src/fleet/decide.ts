/**
 * The rollout controller's one decision: given the rollout as stored and the time, what to do next. Pure; the
 * controller (src/app/rollout.ts) applies the decision with the store's compare-and-set methods, so two
 * controllers deciding from the same view cannot both act.
 *
 * Rules, in order: only a running (or gate-held) rollout acts; the stop threshold halts (later waves stay
 * pending, queued/running hosts may finish); every host finished completes; a wave starts only when every host
 * of the waves before it finished (succeeded, failed, skipped or cancelled); the gate holds wave 1 after the
 * canary; hosts start only inside a maintenance window before its cutoff; caps (rollout, wave, group) count
 * queued + running hosts.
 */
import { assert } from '../core/index.js';
import { formatAmount, failureLimit, type RolloutHostState, type RolloutSpec, type RolloutState } from './rollout-spec.js';
import { formatDuration } from './flags.js';
import { windowAt } from './window.js';

export interface RolloutHostView {
  name: string;
  wave: number;
  state: RolloutHostState;
  /** The host's value of the spec's groupCap key; null when none. */
  capGroup: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** The migration's verification passed (meaningful once succeeded). */
  verified: boolean;
}

export interface Approval {
  by: string;
  at: string;
}

export interface RolloutView {
  id: string;
  spec: RolloutSpec;
  state: RolloutState;
  /** The newest released wave (0 = the canary when there is one), -1 before the first. */
  currentWave: number;
  /** The gate's approval (operator and time), null while not given. */
  approval: Approval | null;
  /** In release order within a wave (the order of assignWaves). */
  hosts: readonly RolloutHostView[];
}

export type Decision =
  /** Queue these pending hosts now; `wave` becomes the current wave; `active` is the queued + running count decided on. */
  | { kind: 'release'; wave: number; hosts: string[]; active: number }
  /**
   * The stop threshold is reached: the rollout becomes halted; running hosts finish; `queued` hosts have not
   * started: the controller cancels their jobs and returns them to pending, so a halt starts no new host.
   */
  | { kind: 'halt'; reason: string; failed: string[]; queued: string[] }
  /** The gate holds `wave`: since the canary finished; `readyAt` is when the auto gate releases it (null: needs an operator). */
  | { kind: 'await-approval'; wave: number; gate: 'manual' | 'auto'; since: string; readyAt: string | null; reason: string }
  /** Nothing to release now; look again at `until` (or on the next host event when null). */
  | { kind: 'wait'; reason: string; until: string | null }
  | { kind: 'complete' }
  /** The rollout does not act in its state (created, paused, halted, completed, aborted). */
  | { kind: 'none'; reason: string };

const FINISHED: ReadonlySet<RolloutHostState> = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);
const ACTIVE: ReadonlySet<RolloutHostState> = new Set(['queued', 'running']);

export function isFinished(state: RolloutHostState): boolean {
  return FINISHED.has(state);
}

/** The failed hosts and the threshold they are held to; `reached` when the rollout must halt. */
export function failureStatus(view: Pick<RolloutView, 'spec' | 'hosts'>): { failed: string[]; limit: number; reached: boolean } {
  const failed = view.hosts.filter((h) => h.state === 'failed').map((h) => h.name);
  const limit = failureLimit(view.spec, view.hosts.length);
  return { failed, limit, reached: failed.length >= limit };
}

export function decide(view: RolloutView, now: Date): Decision {
  if (view.state !== 'running' && view.state !== 'awaiting-approval') return { kind: 'none', reason: `rollout ${view.id} is ${view.state}` };
  const { spec, hosts } = view;
  const failures = failureStatus(view);
  if (failures.reached) {
    return {
      kind: 'halt',
      reason: `${failures.failed.length} failed host${failures.failed.length === 1 ? '' : 's'} reached the stop threshold ${formatAmount(spec.maxFailures)}${spec.maxFailures.unit === 'percent' ? ` (${failures.limit} of ${hosts.length})` : ''}`,
      failed: failures.failed,
      queued: hosts.filter((h) => h.state === 'queued').map((h) => h.name),
    };
  }
  if (hosts.every((h) => isFinished(h.state))) return { kind: 'complete' };

  const released = hosts.filter((h) => h.wave <= view.currentWave);
  let wave = view.currentWave;
  if (released.every((h) => isFinished(h.state))) {
    wave = hosts.reduce((next, h) => (h.wave > view.currentWave && h.wave < next ? h.wave : next), Number.POSITIVE_INFINITY);
    assert(Number.isFinite(wave), 'an unfinished host is in a later wave when the released ones are finished');
    const held = gate(view, wave, now);
    if (held) return held;
  }
  const candidates = hosts.filter((h) => h.state === 'pending' && h.wave <= wave).sort((a, b) => a.wave - b.wave);
  const active = hosts.filter((h) => ACTIVE.has(h.state));
  if (candidates.length === 0) {
    return { kind: 'wait', reason: `wave ${wave}: ${active.length} host${active.length === 1 ? '' : 's'} queued or running`, until: null };
  }
  const w = windowAt(spec.windows, spec.cutoffSeconds, now);
  if (!w.open) {
    return {
      kind: 'wait',
      reason: w.opensAt ? `outside the maintenance window${spec.cutoffSeconds ? ` or past its cutoff (${formatDuration(spec.cutoffSeconds)} before the end)` : ''}` : 'no maintenance window opens again: edit the rollout\'s windows or abort it',
      until: w.opensAt?.toISOString() ?? null,
    };
  }
  const chosen = withinCaps(spec, active, candidates);
  if (chosen.hosts.length === 0) return { kind: 'wait', reason: chosen.full, until: null };
  return { kind: 'release', wave, hosts: chosen.hosts, active: active.length };
}

/** The gate's hold on `wave`, or undefined when it may start: only wave 1 after a canary, until approved or soaked. */
function gate(view: RolloutView, wave: number, now: Date): Decision | undefined {
  const { spec } = view;
  if (spec.canary === null || spec.gate === 'none' || view.currentWave !== 0 || view.approval !== null) return undefined;
  const canary = view.hosts.filter((h) => h.wave === 0);
  const ends = canary.map((h) => (h.finishedAt !== null ? Date.parse(h.finishedAt) : Number.NaN));
  // The soak counts from the last canary host's end, so a finished host without its end time would hold the
  // auto gate forever (the caller's contract: a finished host carries finishedAt).
  assert(spec.gate !== 'auto' || ends.every((t) => !Number.isNaN(t)), `rollout ${view.id}: a finished canary host without a valid finishedAt`);
  const known = ends.filter((t) => !Number.isNaN(t));
  const since = new Date(known.length ? known.reduce((a, b) => Math.max(a, b)) : now.getTime()).toISOString();
  if (spec.gate === 'manual') {
    return { kind: 'await-approval', wave, gate: 'manual', since, readyAt: null, reason: `the canary finished: an operator approves wave ${wave}` };
  }
  const judged = canary.filter((h) => h.state !== 'skipped');
  const doubtful = judged.filter((h) => h.state !== 'succeeded' || !h.verified).map((h) => h.name);
  if (judged.length === 0 || doubtful.length > 0) {
    const why = judged.length === 0 ? 'every canary host was skipped' : `canary host${doubtful.length === 1 ? '' : 's'} ${doubtful.join(', ')} did not succeed and verify`;
    return { kind: 'await-approval', wave, gate: 'auto', since, readyAt: null, reason: `${why}: the auto gate needs an operator's approval` };
  }
  const readyAt = Date.parse(since) + spec.soakSeconds * 1000;
  if (now.getTime() < readyAt) {
    return { kind: 'await-approval', wave, gate: 'auto', since, readyAt: new Date(readyAt).toISOString(), reason: `the canary soaks for ${formatDuration(spec.soakSeconds)}` };
  }
  return undefined;
}

/** The candidates (in order) that fit the rollout, wave and group caps, counting queued + running hosts. */
function withinCaps(spec: RolloutSpec, active: readonly RolloutHostView[], candidates: readonly RolloutHostView[]): { hosts: string[]; full: string } {
  let slots = spec.concurrency === null ? Number.POSITIVE_INFINITY : spec.concurrency - active.length;
  if (slots <= 0) return { hosts: [], full: `concurrency ${spec.concurrency} reached (${active.length} queued or running)` };
  const perWave = countBy(active, (h) => String(h.wave));
  const perGroup = countBy(active, (h) => h.capGroup);
  const hosts: string[] = [];
  const blocked: string[] = [];
  for (const h of candidates) {
    if (slots <= 0) break;
    if (spec.waveConcurrency !== null && (perWave.get(String(h.wave)) ?? 0) >= spec.waveConcurrency) {
      blocked.push(`wave ${h.wave} at ${spec.waveConcurrency}`);
      continue;
    }
    if (spec.groupCap !== null && h.capGroup !== null && (perGroup.get(h.capGroup) ?? 0) >= spec.groupCap.max) {
      blocked.push(`${spec.groupCap.by}=${h.capGroup} at ${spec.groupCap.max}`);
      continue;
    }
    hosts.push(h.name);
    slots--;
    perWave.set(String(h.wave), (perWave.get(String(h.wave)) ?? 0) + 1);
    if (h.capGroup !== null) perGroup.set(h.capGroup, (perGroup.get(h.capGroup) ?? 0) + 1);
  }
  return { hosts, full: `caps reached: ${[...new Set(blocked)].join(', ')}` };
}

function countBy(hosts: readonly RolloutHostView[], key: (h: RolloutHostView) => string | null): Map<string, number> {
  const m = new Map<string, number>();
  for (const h of hosts) {
    const k = key(h);
    if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}
