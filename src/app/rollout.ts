/**
 * Rollouts: the fleet use case from a selector and a target to finished waves. The decisions (waves,
 * caps, threshold, gate, window) are src/fleet's, pure; this module reads the store, asks `decide`, and
 * applies the answer with the store's compare-and-set operations, so any number of controllers and
 * workers may call `advanceRollout` at once: the first to apply a decision wins, the others re-read.
 * Every operator action is checked against the rollout's state machine (fleet's `transition`) and audited
 * with its operator.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { checkDocument, compileSchema, FerryError, toJsonValue } from '../core/index.js';
import { decide, isFinished, type Approval, type Decision, type RolloutView } from '../fleet/decide.js';
import { describeDecision, describeSpec } from '../fleet/describe.js';
import { parseRolloutSpec, type RolloutSpec } from '../fleet/rollout-spec.js';
import { transition, type RolloutAction } from '../fleet/transition.js';
import { rolloutHosts } from '../fleet/waves.js';
import { windowAt } from '../fleet/window.js';
import { loadCatalog, readPesFile, targetRelease, type Catalog } from '../catalog/index.js';
import { pesSpecs } from './pes-flags.js';
import { pesByTarget, routeLegs, unplannableRoute } from './route.js';
import type { RolloutHostRecord, RolloutRecord, Store } from '../store/index.js';
import { listInventory } from './inventory.js';
import { operatorName } from './store.js';

export { parseRolloutFlags, type RolloutFlags } from '../fleet/rollout-spec.js';

/** The job kind of one host's migration within a rollout. */
export const MIGRATE_JOB = 'rollout-migrate';

/** What a migration job carries: everything a worker on another machine needs besides the store. */
export interface MigrateJobPayload {
  rolloutId: string;
  hostName: string;
  target: string;
  /** `--repo` locations of the target (TARGET=LOCATION or LOCATION), as the rollout was created with. */
  repos: string[];
  gpgcheck: boolean;
  /**
   * The `--pes` files of a cross-major rollout (one a hop of a multi-hop route: TARGET=FILE), each with the
   * sha256 it had when the rollout was created (a worker refuses another file).
   */
  pes?: PesFileRef[];
  /**
   * The operator whose action released the host (the newest start, approve, resume or retry of the rollout):
   * the migration's `by`, so the host's journal names the person who let it go, not the worker's account.
   */
  by?: string;
}

/**
 * A PES events file as a rollout records it: the hop target it is for (`--pes TARGET=FILE`; absent: every
 * cross-major hop without its own), where every worker reads it, and its digest then.
 */
export interface PesFileRef { target?: string; file: string; sha256: string }

const STRINGS = { type: 'array', items: { type: 'string' } } as const;
const PES_REFS = {
  type: 'array', minItems: 1,
  items: { type: 'object', required: ['file', 'sha256'], additionalProperties: false, properties: { target: { type: 'string', minLength: 1 }, file: { type: 'string', minLength: 1 }, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } } },
} as const;
const payloadValidator = compileSchema<MigrateJobPayload>({
  type: 'object', required: ['rolloutId', 'hostName', 'target', 'repos', 'gpgcheck'], additionalProperties: false,
  properties: { rolloutId: { type: 'string' }, hostName: { type: 'string' }, target: { type: 'string' }, repos: STRINGS, gpgcheck: { type: 'boolean' }, pes: PES_REFS, by: { type: 'string', minLength: 1 } },
});
const migrateValidator = compileSchema<{ migrate: StoredRolloutSpec['migrate'] }>({
  type: 'object', required: ['fleet', 'migrate'],
  // fleet is checked by fleet's own schema (parseRolloutSpec) below.
  properties: { fleet: { type: 'object' }, migrate: { type: 'object', required: ['repos', 'gpgcheck'], additionalProperties: false, properties: { repos: STRINGS, gpgcheck: { type: 'boolean' }, pes: PES_REFS } } },
});

/**
 * A rollout's `pes` as the store may hold it: a list, or the one file a rollout or job recorded before routes
 * (Ferry of stop 29: `pes: { file, sha256 }`), read as that list of one, so a rollout created then still runs.
 */
function pesAsList<T>(v: T): T {
  if (typeof v !== 'object' || v === null || !('pes' in v)) return v;
  const pes = (v as { pes: unknown }).pes;
  return typeof pes === 'object' && pes !== null && !Array.isArray(pes) ? { ...v, pes: [pes] } : v;
}

/** A job's payload read back from the store, checked by the one schema module (DOCUMENT_INVALID naming the JSON path). */
export function parseMigrateJobPayload(v: unknown, jobId: number): MigrateJobPayload {
  return checkDocument(payloadValidator, pesAsList(v), { document: 'migration job payload', from: `the Ferry store, job ${jobId}` });
}

/** What a rollout stores as its spec: the fleet settings and how each host migrates. */
export interface StoredRolloutSpec {
  fleet: RolloutSpec;
  migrate: { repos: string[]; gpgcheck: boolean; pes?: PesFileRef[] };
}

function storedSpec(r: RolloutRecord): StoredRolloutSpec {
  const origin = { document: 'rollout spec', from: `the Ferry store, rollout ${r.id}` };
  const spec = r.spec as { migrate?: unknown };
  const { migrate } = checkDocument(migrateValidator, typeof spec === 'object' && spec !== null ? { ...spec, migrate: pesAsList(spec.migrate) } : spec, origin);
  return { fleet: parseRolloutSpec((r.spec as { fleet: unknown }).fleet, origin), migrate };
}


/** The PES files as given (`[TARGET=]FILE`, read as pesSpecs reads them; absolute), each read once: checked to be PES events, with the sha256 readPesFile gives (those bytes, and the repomap's beside them). */
export function pesFileRefs(catalog: Pick<Catalog, 'hasRelease' | 'releases'>, flags: readonly string[]): PesFileRef[] {
  return pesSpecs(catalog, catalog.releases().map((r) => r.id), flags).map((s) => {
    const { file, sha256 } = readPesFile(resolve(s.file));
    return { ...(s.target !== null ? { target: s.target } : {}), file, sha256 };
  });
}

/**
 * How a job's hosts are planned with the rollout's events files: the `--pes` flags (TARGET=FILE or FILE), and
 * the sha256 each file must have — the plan reads each file once and refuses other bytes (PES_CHANGED), so
 * nothing changed between a check and the read can slip in.
 */
export function pesRunOptions(refs: readonly PesFileRef[]): { pes: string[]; pesDigests: Record<string, string> } {
  return { pes: pesFlagsOf(refs), pesDigests: Object.fromEntries(refs.map((r) => [r.file, r.sha256])) };
}

/** The recorded files as `--pes` flags (TARGET=FILE or FILE), unchecked. */
function pesFlagsOf(refs: readonly PesFileRef[]): string[] {
  return refs.map((r) => `${r.target !== undefined ? `${r.target}=` : ''}${r.file}`);
}

export function newRolloutId(now = new Date()): string {
  return `ro-${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(3).toString('hex')}`;
}

export interface CreateRolloutOptions {
  store: Store;
  selector: string;
  target: string;
  spec: RolloutSpec;
  repos?: string[];
  gpgcheck?: boolean;
  /**
   * `--pes [TARGET=]FILE`: the package-evolution events of the target's vendor, for hosts the target is a
   * cross-major upgrade for; one per cross-major hop (TARGET=FILE) for hosts it is a multi-hop route for.
   */
  pes?: string[];
  name?: string;
  operator?: string;
  /** Start at once (the default is created, waiting for `start`). */
  start?: boolean;
  now?: Date;
}

export async function createRollout(o: CreateRolloutOptions): Promise<{ rollout: RolloutRecord; hosts: RolloutHostRecord[] }> {
  const catalog = loadCatalog();
  const target = targetRelease(catalog, o.target);
  const operator = o.operator ?? operatorName();
  // Read and checked here, so a bad file fails the create, not each host as the waves reach it.
  const pes = o.pes?.length ? pesFileRefs(catalog, o.pes) : undefined;
  const flags = pes ? pesFlagsOf(pes) : [];
  const hosts = await listInventory(o.store, o.selector);
  if (hosts.length === 0) throw new FerryError('NOT_FOUND', `The selector ${JSON.stringify(o.selector)} matches no host in the store`, { hint: 'List them with ferry inventory list SELECTOR.' });
  // Hosts whose source release (as collected) Ferry cannot take to the target are refused here, by name, rather
  // than failing one by one as the waves reach them.
  // A host on a multi-hop route is judged hop by hop, with the files its route takes (the worker gives it the same).
  const taken = new Set<string>();
  const unplannable = hosts.flatMap((h) => {
    const source = h.labels.source;
    if (!source || source === 'unknown' || !catalog.hasRelease(source)) return [];
    const legs = routeLegs(catalog, source, target.id);
    const files = pesByTarget(catalog, flags, { targets: legs.map((l) => l.to), crossMajor: legs.filter((l) => l.crossMajor).map((l) => l.to) }, 'fleet');
    for (const t of Object.keys(files)) taken.add(t);
    const why = unplannableRoute(catalog, source, target.id, files);
    return why ? [`${h.name} (${why.message})`] : [];
  });
  if (unplannable.length) {
    throw new FerryError('PATH_UNSUPPORTED', `${unplannable.length} of the ${hosts.length} hosts ${JSON.stringify(o.selector)} selects cannot be migrated to ${o.target}: ${unplannable.slice(0, 5).join('; ')}${unplannable.length > 5 ? '; …' : ''}`, {
      hint: 'Leave them out of the selector (e.g. add :!release:centos-7), or roll them out to a target Ferry can plan for them.',
    });
  }
  // A file no host's route takes is refused, as for one host (PES_UNUSED), unless no host's source is known yet.
  const own = new Set((pes ?? []).flatMap((r) => (r.target !== undefined ? [r.target] : [])));
  const unused = (pes ?? []).filter((r) => (r.target !== undefined ? !taken.has(r.target) : ![...taken].some((t) => !own.has(t))));
  if (unused.length && hosts.some((h) => h.labels.source && catalog.hasRelease(h.labels.source))) {
    throw new FerryError('PES_UNUSED', `--pes ${pesFlagsOf(unused).join(', ')}: no host ${JSON.stringify(o.selector)} selects takes it to ${o.target} (no cross-major hop of theirs lands on its target)`, { hint: 'Drop that --pes, or check its TARGET= against ferry plan HOST --to TARGET.' });
  }
  const members = rolloutHosts(hosts, o.spec);
  const id = newRolloutId(o.now);
  const spec: StoredRolloutSpec = { fleet: o.spec, migrate: { repos: o.repos ?? [], gpgcheck: o.gpgcheck ?? true, ...(pes ? { pes } : {}) } };
  const rollout = await o.store.createRollout({
    id, target: o.target, selector: o.selector, spec: toJsonValue(spec), createdBy: operator, ...(o.name ? { name: o.name } : {}),
    hosts: members,
  });
  await o.store.appendAudit({ operator, action: 'rollout.create', subject: id, details: { target: o.target, selector: o.selector, hosts: hosts.length, waves: waveCounts(members) } });
  if (o.start) return { ...(await rolloutAction({ store: o.store, rolloutId: id, action: { kind: 'start' }, operator })) };
  return { rollout, hosts: await o.store.listRolloutHosts(id) };
}

function waveCounts(members: readonly { wave: number }[]): number[] {
  const n: number[] = [];
  for (const m of members) n[m.wave] = (n[m.wave] ?? 0) + 1;
  return [...n].map((c) => c ?? 0);
}

/** Operator actions after which the controller releases hosts: the newest of them names who released a host. */
const RELEASING_ACTIONS = new Set(['rollout.start', 'rollout.approve', 'rollout.resume', 'rollout.retry']);

/**
 * Who acted on the rollout, from the audit log (the one record of it): the gate's approval is the newest
 * `rollout.approve`; hosts released now are released by the operator of the newest releasing action.
 */
async function operatorsOf(store: Store, rolloutId: string): Promise<{ approval: Approval | null; releasedBy: string | undefined }> {
  const audit = await store.listAudit({ subject: rolloutId });
  const a = audit.filter((e) => e.action === 'rollout.approve').at(-1);
  return { approval: a ? { by: a.operator, at: a.at } : null, releasedBy: audit.filter((e) => RELEASING_ACTIONS.has(e.action)).at(-1)?.operator };
}

/**
 * The rollout as fleet's decisions see it. A host's end is its record's last update once finished, and a
 * succeeded host is a verified one (the worker records a failed verification as failed).
 */
function viewOf(r: RolloutRecord, spec: RolloutSpec, hosts: readonly RolloutHostRecord[], approval: Approval | null): RolloutView {
  return {
    id: r.id, spec, state: r.state, currentWave: r.currentWave, approval,
    hosts: hosts.map((h) => ({
      name: h.hostName, wave: h.wave, state: h.state, capGroup: h.capGroup, startedAt: null,
      finishedAt: isFinished(h.state) ? h.updatedAt : null, verified: h.state === 'succeeded',
    })),
  };
}

/**
 * Applies decisions until there is nothing to do now; returns the last decision (what the rollout waits for).
 * Safe to call from any number of processes at once.
 */
export async function advanceRollout(o: { store: Store; rolloutId: string; now?: () => Date }): Promise<Decision> {
  const now = o.now ?? (() => new Date());
  for (let round = 0; round < 100; round++) {
    const r = await o.store.getRollout(o.rolloutId);
    if (!r) throw new FerryError('NOT_FOUND', `No rollout ${o.rolloutId} in the store`);
    const spec = storedSpec(r);
    const hosts = await o.store.listRolloutHosts(r.id);
    const { approval, releasedBy } = await operatorsOf(o.store, r.id);
    const d = decide(viewOf(r, spec.fleet, hosts, approval), now());
    switch (d.kind) {
      case 'release': {
        const jobs = await o.store.releaseRolloutHosts({
          rolloutId: r.id, expectWave: r.currentWave, wave: d.wave, expectActive: d.active,
          hosts: d.hosts.map((hostName) => ({
            hostName, kind: MIGRATE_JOB,
            payload: toJsonValue({ rolloutId: r.id, hostName, target: r.target, repos: spec.migrate.repos, gpgcheck: spec.migrate.gpgcheck, ...(spec.migrate.pes ? { pes: spec.migrate.pes } : {}), ...(releasedBy ? { by: releasedBy } : {}) } satisfies MigrateJobPayload),
          })),
        });
        if (jobs && d.wave !== r.currentWave) await o.store.appendAudit({ operator: 'ferry', action: 'rollout.wave', subject: r.id, details: { wave: d.wave, hosts: d.hosts.length } });
        continue;
      }
      case 'halt':
        if (await o.store.setRolloutState(r.id, ['running', 'awaiting-approval'], 'halted')) {
          // Hosts released but not started stay out: back to pending with their jobs cancelled, so resume releases them again.
          await o.store.cancelJobs({ rolloutId: r.id });
          for (const h of d.queued) await o.store.updateRolloutHost(r.id, h, { state: 'pending', jobId: null });
          await o.store.appendAudit({ operator: 'ferry', action: 'rollout.halt', subject: r.id, details: { reason: d.reason, failed: d.failed } });
        }
        return d;
      case 'await-approval':
        if (d.gate === 'manual' && await o.store.setRolloutState(r.id, ['running'], 'awaiting-approval')) {
          await o.store.appendAudit({ operator: 'ferry', action: 'rollout.gate', subject: r.id, details: { wave: d.wave } });
        }
        return d;
      case 'complete':
        if (await o.store.setRolloutState(r.id, ['running', 'awaiting-approval'], 'completed')) {
          await o.store.appendAudit({ operator: 'ferry', action: 'rollout.complete', subject: r.id, details: {} });
        }
        return d;
      default:
        return d;
    }
  }
  throw new FerryError('INTERNAL', `Rollout ${o.rolloutId}: no stable decision after 100 rounds`);
}

/**
 * Why a host of this rollout released to the queue must not start now, or null when it may: the rollout was
 * paused (or stopped) after the host was queued, or its maintenance window closed (or passed its cutoff)
 * meanwhile. The worker then hands the host back to pending, for the controller to release again.
 */
export async function deferReason(o: { store: Store; rolloutId: string; now?: Date }): Promise<string | null> {
  const r = await o.store.getRollout(o.rolloutId);
  if (!r) return `rollout ${o.rolloutId} is gone`;
  if (r.state !== 'running' && r.state !== 'awaiting-approval') return `rollout ${r.id} is ${r.state}`;
  const spec = storedSpec(r).fleet;
  const w = windowAt(spec.windows, spec.cutoffSeconds, o.now ?? new Date());
  return w.open ? null : `outside rollout ${r.id}'s maintenance window${w.opensAt ? ` (opens ${w.opensAt.toISOString()})` : ''}`;
}

/** Advances every running rollout (the worker's idle tick: soak timers and windows move on without a job finishing). */
export async function advanceRollouts(o: { store: Store; now?: () => Date }): Promise<void> {
  for (const r of await o.store.listRollouts()) {
    if (r.state === 'running' || r.state === 'awaiting-approval') await advanceRollout({ store: o.store, rolloutId: r.id, ...(o.now ? { now: o.now } : {}) });
  }
}

/** An operator action: checked against the state machine, applied with compare-and-set, audited. */
export async function rolloutAction(o: { store: Store; rolloutId: string; action: RolloutAction; operator?: string; now?: () => Date }): Promise<{ rollout: RolloutRecord; hosts: RolloutHostRecord[] }> {
  const operator = o.operator ?? operatorName();
  const r = await o.store.getRollout(o.rolloutId);
  if (!r) throw new FerryError('NOT_FOUND', `No rollout ${o.rolloutId} in the store`, { hint: 'List them with ferry rollout list.' });
  const hosts = await o.store.listRolloutHosts(r.id);
  const spec = storedSpec(r);
  const now = o.now ?? (() => new Date());
  const t = transition(viewOf(r, spec.fleet, hosts, (await operatorsOf(o.store, r.id)).approval), o.action, now());
  if (t.state !== r.state && !await o.store.setRolloutState(r.id, [t.from], t.state)) {
    throw new FerryError('USAGE', `Rollout ${r.id} changed while ${o.action.kind} was applied (now ${(await o.store.getRollout(r.id))?.state ?? '?'})`, { hint: 'Look at ferry rollout status and try again.' });
  }
  for (const h of t.hosts) await o.store.updateRolloutHost(r.id, h.name, { state: h.to, ...(h.to === 'pending' ? { lastError: null, failedStep: null, logTail: null, jobId: null } : {}) });
  if (o.action.kind === 'abort') await o.store.cancelJobs({ rolloutId: r.id });
  await o.store.appendAudit({ operator, action: `rollout.${o.action.kind}`, subject: r.id, details: { ...('host' in o.action ? { host: o.action.host } : {}), from: t.from, to: t.state } });
  if (t.state === 'running') await advanceRollout({ store: o.store, rolloutId: r.id, now });
  return { rollout: (await o.store.getRollout(r.id)) as RolloutRecord, hosts: await o.store.listRolloutHosts(r.id) };
}

export interface RolloutStatus {
  rollout: RolloutRecord;
  hosts: RolloutHostRecord[];
  counts: Record<string, number>;
  waves: { wave: number; hosts: number; counts: Record<string, number> }[];
  /** What the rollout waits for now, in words. */
  next: string;
  /** Its settings in words (canary, waves, caps, stop threshold, gate, windows). */
  settings: string;
}

export async function rolloutStatus(o: { store: Store; rolloutId: string; now?: Date }): Promise<RolloutStatus> {
  const r = await o.store.getRollout(o.rolloutId);
  if (!r) throw new FerryError('NOT_FOUND', `No rollout ${o.rolloutId} in the store`, { hint: 'List them with ferry rollout list.' });
  const hosts = await o.store.listRolloutHosts(r.id);
  const count = (hs: readonly RolloutHostRecord[]): Record<string, number> => {
    const c: Record<string, number> = {};
    for (const h of hs) c[h.state] = (c[h.state] ?? 0) + 1;
    return c;
  };
  const waveIds = [...new Set(hosts.map((h) => h.wave))].sort((a, b) => a - b);
  const spec = storedSpec(r).fleet;
  const d = decide(viewOf(r, spec, hosts, (await operatorsOf(o.store, r.id)).approval), o.now ?? new Date());
  return {
    rollout: r, hosts, counts: count(hosts),
    waves: waveIds.map((w) => { const hs = hosts.filter((h) => h.wave === w); return { wave: w, hosts: hs.length, counts: count(hs) }; }),
    next: describeDecision(d),
    settings: describeSpec(spec, hosts.length),
  };
}
