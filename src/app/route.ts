/**
 * Multi-hop migrations as one plan: `--to rocky-9` on a CentOS 7 host is the catalog's chain CentOS 7 → Rocky 8
 * → Rocky 9 (plan/build.ts routeFor, over catalog/routes.ts pathChain), each hop planned by planMigration with
 * its vendor's own PES events (`--pes rocky-8=FILE --pes rocky-9=FILE`) and run by migrate, with a
 * re-assessment gate between hops:
 * - before the first hop starts, every later hop is assessed and planned on the predicted end state of the hop
 *   before it (assessRoute in assess/assess.ts, the walk `ferry assess` shows: the predicted package set as facts,
 *   assess/predicted-facts.ts); an inhibitor there refuses the plan like any inhibitor (planMigration's
 *   gateInhibitors, the one gate);
 * - after a hop completes, the next is assessed again on facts collected from the host then, its plan built
 *   from them, and the collected package set compared with the predicted one (differences reported); an
 *   inhibitor that stands now stops the run there (PLAN_INHIBITED naming the hop, recorded on the host).
 *
 * The route is recorded on the host (ROUTE_FILE: hops, their executions, the plan options, the predicted
 * package sets and every gate's verdict), so `ferry resume` finishes the hop it finds interrupted and then
 * goes on with the next (`ferry resume --override` past a gate's inhibitor, recorded with the operator). Each hop
 * is an execution of its own (its journal, its rollback stack): `ferry rollback` undoes the current hop,
 * `ferry rollback --route` every hop newest first as far as their rollbacks allow (rollbackRoute). The fleet
 * worker runs the same code (hostProgress, migrateRoute, resumeRoute).
 */
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { assert, compileSchema, FerryError, isFerryError, parseDocument, type ProgressEvent, type SchemaOf } from '../core/index.js';
import { loadCatalog, readPesFile, repoMapBeside, targetRelease, type Catalog } from '../catalog/index.js';
import { resolveTargets, routeLegs } from './targets.js';
import { parseRepoFlags } from './repos.js';

export { routeLegs, type RouteLeg } from './targets.js';
import { assessRoute, detectSourceRelease, type Prediction, type WalkedHop } from '../assess/index.js';
import type { Finding, TargetRepoView } from '../assess/types.js';
import { collectFacts, relationKey } from '../facts/index.js';
import type { HostFacts } from '../facts/types.js';
import { ROUTE_PLAN_FORMAT_VERSION, unplannablePath, type MigrationPlan, type PlanInputs, type PlanOverride, type PublishedPlan, type RoutePlanDocument, type SnapshotRequest } from '../plan/index.js';
import { acquireHostLock, mkdirHost, openJournal, readCurrentExecution, readJournal, writeCurrentExecution, writeDurably } from '../exec/journal.js';
import { rollbackRefusal } from '../exec/runner.js';
import { readHostDocument } from '../exec/verify-documents.js';
import type { Transport } from '../transport/index.js';
import { migrate, migrationStatus, newExecutionId, planMigration, refuseUnfinished, resume, rollback as rollbackExecution, type JournalReadOptions, type ForceOption, type MigrateOptions, type MigrateResult, type PlanMigrationOptions, type RebootOption, type StoreOption } from './migrate.js';
import type { JournalSink } from '../exec/types.js';
import type { Store } from '../store/index.js';
import { pesByTarget } from './pes-flags.js';

export { pesByTarget };
import { packageManagerFor } from '../exec/package-manager/index.js';

/** Where the host keeps its current route (beside CURRENT_FILE). */
export const ROUTE_FILE = '/var/lib/ferry/route.json';
export const ROUTE_FORMAT_VERSION = 1 as const;

/** What every hop is planned with: the plan flags, kept on the host so a resumed route plans its next hop alike. */
export interface RouteOptions {
  repos: string[];
  gpgcheck: boolean;
  gpgKeys: string[];
  allowRemove: string[];
  /** The overrides every hop is planned with; one given to `ferry resume --override` names the operator, when and the hop it was given for. */
  overrides: RouteOverride[];
  snapshot: { mode: 'auto' | 'none' | 'commands'; commands: { create: string[]; restore: string[]; remove: string[] } | null };
  snapshotRetentionSeconds: number | null;
}

export interface RouteOverride { findingKey: string; reason?: string; by?: string; at?: string; hop?: number }

export interface RouteGate {
  /** The hop assessed (1-based). */
  hop: number;
  at: string;
  /** `predicted`: before the first hop, on the predicted end state; `collected`: after the hop before it. */
  on: 'predicted' | 'collected';
  ok: boolean;
  /** The inhibitors that stood (none when ok). */
  inhibitors: string[];
  /** Collected NEVRAs the prediction did not have, and predicted ones the host does not have (gpg-pubkeys aside). */
  unexpected: string[];
  missing: string[];
  /** Inhibitors that stood and were overridden (`ferry resume --override`), with the operator. */
  overridden?: { findingKey: string; by: string; reason?: string }[];
}

export interface RouteDocument {
  formatVersion: typeof ROUTE_FORMAT_VERSION;
  source: string;
  target: string;
  /** Each hop's events file and the sha256 of the bytes it was planned with (a later read must find those). */
  hops: { from: string; to: string; pes: string | null; pesSha256: string | null; executionId: string | null }[];
  options: RouteOptions;
  /** The package set (NEVRAs, epoch always) each hop but the last is predicted to leave, when planned. */
  predicted: { afterHop: number; packages: string[] }[];
  gates: RouteGate[];
  /** `ferry rollback --route`: who started it and what each hop came to, newest first (rollbackRoute). */
  rollback?: RouteRollbackRecord;
}

export type RouteRollbackOutcome = 'rolled-back' | 'not-started' | 'cannot' | 'kept';
export interface RouteRollbackRecord {
  by: string;
  startedAt: string;
  hops: { hop: number; outcome: RouteRollbackOutcome; at: string; why?: string }[];
}

const STRINGS: SchemaOf<string[]> = { type: 'array', items: { type: 'string' } };
const ARGV: SchemaOf<string[]> = { type: 'array', items: { type: 'string' }, minItems: 1 };
const ROUTE_SCHEMA: SchemaOf<RouteDocument> = {
  type: 'object',
  properties: {
    formatVersion: { type: 'integer', const: ROUTE_FORMAT_VERSION },
    source: { type: 'string' },
    target: { type: 'string' },
    hops: {
      type: 'array', minItems: 2,
      items: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, pes: { type: 'string', nullable: true }, pesSha256: { type: 'string', nullable: true, pattern: '^[0-9a-f]{64}$' }, executionId: { type: 'string', nullable: true, pattern: '^mig-[0-9A-Za-z-]+$' } }, required: ['from', 'to', 'pes', 'pesSha256', 'executionId'], additionalProperties: false },
    },
    options: {
      type: 'object',
      properties: {
        repos: STRINGS, gpgcheck: { type: 'boolean' }, gpgKeys: STRINGS, allowRemove: STRINGS,
        overrides: { type: 'array', items: { type: 'object', properties: { findingKey: { type: 'string' }, reason: { type: 'string' }, by: { type: 'string' }, at: { type: 'string' }, hop: { type: 'integer', minimum: 1 } }, required: ['findingKey'], additionalProperties: false } },
        snapshot: {
          type: 'object',
          properties: {
            mode: { type: 'string', enum: ['auto', 'none', 'commands'] },
            commands: { type: 'object', nullable: true, properties: { create: ARGV, restore: ARGV, remove: ARGV }, required: ['create', 'restore', 'remove'], additionalProperties: false },
          },
          required: ['mode', 'commands'], additionalProperties: false,
        },
        snapshotRetentionSeconds: { type: 'integer', nullable: true, minimum: 1 },
      },
      required: ['repos', 'gpgcheck', 'gpgKeys', 'allowRemove', 'overrides', 'snapshot', 'snapshotRetentionSeconds'], additionalProperties: false,
    },
    predicted: { type: 'array', items: { type: 'object', properties: { afterHop: { type: 'integer', minimum: 1 }, packages: STRINGS }, required: ['afterHop', 'packages'], additionalProperties: false } },
    gates: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          hop: { type: 'integer', minimum: 1 }, at: { type: 'string' }, on: { type: 'string', enum: ['predicted', 'collected'] }, ok: { type: 'boolean' }, inhibitors: STRINGS, unexpected: STRINGS, missing: STRINGS,
          overridden: { type: 'array', items: { type: 'object', properties: { findingKey: { type: 'string' }, by: { type: 'string' }, reason: { type: 'string' } }, required: ['findingKey', 'by'], additionalProperties: false } },
        },
        required: ['hop', 'at', 'on', 'ok', 'inhibitors', 'unexpected', 'missing'], additionalProperties: false,
      },
    },
    rollback: {
      type: 'object',
      properties: {
        by: { type: 'string' }, startedAt: { type: 'string' },
        hops: {
          type: 'array',
          items: { type: 'object', properties: { hop: { type: 'integer', minimum: 1 }, outcome: { type: 'string', enum: ['rolled-back', 'not-started', 'cannot', 'kept'] }, at: { type: 'string' }, why: { type: 'string' } }, required: ['hop', 'outcome', 'at'], additionalProperties: false },
        },
      },
      required: ['by', 'startedAt', 'hops'], additionalProperties: false,
    },
  },
  required: ['formatVersion', 'source', 'target', 'hops', 'options', 'predicted', 'gates'],
  additionalProperties: false,
};
const routeDocument = compileSchema<RouteDocument>(ROUTE_SCHEMA);

export async function readRoute(transport: Transport): Promise<RouteDocument | undefined> {
  return readHostDocument(transport, ROUTE_FILE, 'migration route', (text, origin) => parseDocument(routeDocument, text, origin));
}

/** A status with the host's route when its execution is a hop of it (ferry status says where the route stands). */
export async function withRouteOf<T extends { status: { executionId: string } }>(transport: Transport, st: T): Promise<T & { route?: RouteDocument }> {
  const route = await readRoute(transport);
  return route && route.hops.some((h) => h.executionId === st.status.executionId) ? { ...st, route } : st;
}

async function writeRoute(transport: Transport, doc: RouteDocument): Promise<void> {
  await mkdirHost(transport, posix.dirname(ROUTE_FILE));
  await writeDurably(transport, ROUTE_FILE, JSON.stringify(doc, null, 2) + '\n');
}

/** What an events file gives a plan: the events, and whether a repomap lies beside it (repoMapBeside, as readPesFile reads it). */
function planInputsOf(file: string | undefined): PlanInputs {
  return { pes: file !== undefined, repoMap: file !== undefined && existsSync(repoMapBeside(file)) };
}

/**
 * Why source → target cannot be planned with these events files, hop by hop (unplannablePath of each hop,
 * given the files pesByTarget gives it), or null. A rollout asks this of every host before it starts.
 */
export function unplannableRoute(catalog: Catalog, sourceId: string, targetId: string, pes: Record<string, string>): FerryError | null {
  const legs = routeLegs(catalog, sourceId, targetId);
  if (legs.length === 1) return unplannablePath(catalog, catalog.release(sourceId), catalog.release(targetId), planInputsOf(pes[targetId]));
  for (const [i, leg] of legs.entries()) {
    const why = unplannablePath(catalog, catalog.release(leg.from), catalog.release(leg.to), planInputsOf(pes[leg.to]));
    if (why) return new FerryError(why.code, `hop ${i + 1} of ${legs.length} (${leg.from} → ${leg.to}) of the route ${[sourceId, ...legs.map((l) => l.to)].join(' → ')}: ${why.message}`, why.hint ? { hint: why.hint } : {});
  }
  return null;
}

/** Route planning's options: planMigration's, with `--pes` as given (one flag a hop). */
export interface PlanRouteOptions extends Omit<PlanMigrationOptions, 'pes' | 'pesSha256'> {
  pes?: string[];
  /** The sha256 each `--pes` file must have, by file (a rollout's recorded files): read once, PES_CHANGED otherwise. */
  pesDigests?: Readonly<Record<string, string>>;
  /** `fleet`: the `--pes` files are a rollout's, for all its hosts (pesByTarget). */
  pesScope?: 'fleet';
}

export interface PlannedHop {
  from: string;
  to: string;
  plan: MigrationPlan;
  published: PublishedPlan;
  predicted?: Prediction;
  findings: Finding[];
  /** The facts the hop was planned on: collected (the first hop) or predicted (assessedOn). */
  facts: HostFacts;
  assessedOn: 'collected' | 'predicted';
  repo?: TargetRepoView;
  pes: string | null;
  /** The sha256 of the events file's bytes the hop was planned with. */
  pesSha256: string | null;
}

export interface RoutePlan {
  source: string;
  target: string;
  /** One hop for a direct path (planMigration's plan as it is). */
  hops: PlannedHop[];
}

/** The NEVRAs (epoch always) of a package set, gpg-pubkeys aside (the key steps change them, not the transaction). */
function packageSetOf(facts: HostFacts): string[] {
  return (facts.packages ?? []).filter((p) => p.name !== 'gpg-pubkey').map(relationKey).sort();
}

/** The overrides no hop used: USAGE, as for one plan. */
function refuseUnusedOverrides(hops: readonly PlannedHop[], overrides: readonly { findingKey: string }[]): void {
  const used = new Set(hops.flatMap((h) => h.plan.overrides.map((o) => o.findingKey)));
  const unused = overrides.filter((o) => !used.has(o.findingKey));
  if (unused.length) {
    throw new FerryError('USAGE', `--override ${unused.map((o) => o.findingKey).join(', ')} matches no inhibitor of any hop (${hops.map((h) => `${h.from} → ${h.to}`).join(', ')})`, { hint: 'Drop it, or check the key against ferry assess.' });
  }
}

/**
 * A hop's refusal, named for the hop: its inhibitors (PLAN_INHIBITED, what the hop was assessed on), a missing
 * events file (PES_REQUIRED: its hint names TARGET=FILE, as a route takes one a hop) or the repomap its events lack
 * (REPOMAP_REQUIRED); other errors as they are.
 */
function forHop(e: unknown, hop: { n: number; total: number; from: string; to: string; on: string }): unknown {
  if (!isFerryError(e) || (e.code !== 'PLAN_INHIBITED' && e.code !== 'PES_REQUIRED' && e.code !== 'REPOMAP_REQUIRED')) return e;
  const at = `Hop ${hop.n} of ${hop.total} (${hop.from} → ${hop.to})`;
  const message = e.code === 'PLAN_INHIBITED' ? `${at}, assessed on ${hop.on}: ${e.message}` : `${at}: ${e.message}`;
  return new FerryError(e.code, message, { ...(e.hint ? { hint: e.hint } : {}), ...(e.details ? { details: e.details } : {}) });
}

/**
 * The cross-major hops of a direct path, as pesByTarget takes them: for one migration, the target whatever
 * the path (planMigration refuses a file the path does not take, PES_UNUSED); for a rollout's host, the target
 * only when the path is cross-major (the file is another host's).
 */
function directCrossMajor(catalog: Catalog, sourceId: string | null, target: string, scope: 'fleet' | undefined): string[] {
  if (scope !== 'fleet' || sourceId === null) return [target];
  return routeLegs(catalog, sourceId, target)[0].crossMajor ? [target] : [];
}

/** planMigration's `pes` options for a hop's file: the file, and the digest its bytes must have when one is known. */
function pesOption(file: string | undefined, digests: Readonly<Record<string, string>> | undefined): Pick<PlanMigrationOptions, 'pes' | 'pesSha256'> {
  if (file === undefined) return {};
  const sha256 = digests?.[file];
  return { pes: file, ...(sha256 !== undefined ? { pesSha256: sha256 } : {}) };
}

/** `o` without the option `key` (a route gives each hop its own `pes`; hops after the first are assessed afresh, without `findings`). */
function without<T extends object, K extends keyof T>(o: T, key: K): Omit<T, K> {
  const rest = { ...o };
  delete rest[key];
  return rest;
}

/**
 * Plans source → target: a direct path as planMigration plans it, a route hop by hop, every hop after the
 * first on the predicted end state of the one before (its inhibitors refuse the plan now).
 */
export async function planRoute(o: PlanRouteOptions): Promise<RoutePlan> {
  const catalog = o.catalog ?? await loadCatalog();
  // A target the catalog does not know is refused before the host is read (TARGET_UNKNOWN with close matches).
  const target = targetRelease(catalog, o.target);
  // A direct path (or a source Ferry cannot detect) is planned by planMigration as it is: it refuses a bad
  // events file before it reads the host, and says why a source is unknown.
  const probe = o.facts ?? await collectFacts(o.transport, { sections: ['os', 'release'] });
  const sourceId = detectSourceRelease(probe, catalog);
  const legs = sourceId ? routeLegs(catalog, sourceId, target.id) : null;
  if (!legs || legs.length === 1) {
    const file = pesByTarget(catalog, o.pes ?? [], { targets: [o.target], crossMajor: directCrossMajor(catalog, sourceId, o.target, o.pesScope) }, o.pesScope)[o.target];
    const planned = await planMigration({ ...without(o, 'pes'), catalog, ...pesOption(file, o.pesDigests) });
    return { source: sourceId ?? planned.plan.source, target: o.target, hops: [{ from: planned.plan.source, to: o.target, ...planned, assessedOn: 'collected', pes: file ?? null, pesSha256: planned.pesSha256 ?? null }] };
  }
  const facts = o.facts ?? await collectFacts(o.transport);
  const pes = pesByTarget(catalog, o.pes ?? [], { targets: legs.map((l) => l.to), crossMajor: legs.filter((l) => l.crossMajor).map((l) => l.to) }, o.pesScope);
  // Every hop's repositories (as planMigration reads them: --repo, else the catalog's) and events, read once.
  const read = legs.map((leg) => { const file = pes[leg.to]; return file === undefined ? undefined : readPesFile(file, o.pesDigests?.[file]); });
  const digests = { ...o.pesDigests, ...Object.fromEntries(legs.flatMap((leg, i) => { const r = read[i]; const file = pes[leg.to]; return r && file !== undefined ? [[file, r.sha256]] : []; })) };
  const views = await Promise.all(legs.map((leg) => {
    const flags = parseRepoFlags(o.repos, { target: leg.to });
    return resolveTargets(catalog, [leg.to], flags[leg.to] ? { [leg.to]: flags[leg.to] } : {}, { catalogRepos: true, ...(o.repoCache ? { cache: o.repoCache } : {}) })[0].repo();
  }));
  // The gate of every hop is the route's assessment (assessRoute, the walk ferry assess shows): hop 1 on the
  // facts collected now, each later hop on the predicted end state of the one before.
  const walk = assessRoute({ facts, catalog, today: o.today ?? new Date().toISOString().slice(0, 10) }, legs.map((leg, i) => {
    const view = views[i];
    const events = read[i]?.events;
    const repoMap = read[i]?.repoMap;
    return { release: leg.to, ...(view ? { repo: view } : {}), ...(events ? { pesEvents: events } : {}), ...(repoMap ? { pesRepoMap: repoMap } : {}) };
  }));
  const hops: PlannedHop[] = [];
  for (const [i, leg] of legs.entries()) {
    const walked = walk.hops[i] as WalkedHop | undefined;
    if (!walked) {
      const u = walk.unpredicted;
      assert(u, `the route walk stopped before hop ${i + 1} without saying why`);
      const before = legs[u.hop - 2];
      throw new FerryError('PLAN_INHIBITED', `Hop ${u.hop} of ${legs.length} (${u.from} → ${u.to}) cannot be assessed before hop ${u.hop - 1} runs: ${u.reason}`, {
        hint: `Give ${before.to}'s repositories with --repo ${before.to}=DIR|URL (their metadata predicts the transaction), or migrate to ${before.to} first and plan the next hop from there.`,
      });
    }
    const assessedOn = walked.assessedOn;
    const file = pes[leg.to];
    // Findings given by the caller are the first hop's (the host's own); every other hop's are the walk's.
    const given = i === 0 ? without(o, 'pes') : without(without(o, 'pes'), 'findings');
    const findings = i === 0 && o.findings ? o.findings : walked.target.findings;
    const planned = await planMigration({ ...given, catalog, facts: walked.facts, findings, target: leg.to, ...pesOption(file, digests), overrideScope: 'hop' })
      .catch((e: unknown) => { throw forHop(e, { n: i + 1, total: legs.length, from: leg.from, to: leg.to, on: i === 0 ? 'the facts collected now' : `the predicted end state of hop ${i}` }); });
    hops.push({ from: leg.from, to: leg.to, ...planned, assessedOn, pes: file ?? null, pesSha256: planned.pesSha256 ?? null });
  }
  refuseUnusedOverrides(hops, o.overrides ?? []);
  return { source: legs[0].from, target: o.target, hops };
}

/** The multi-hop plan as `ferry plan --json` publishes it (src/plan/schema/route-plan.schema.json). */
export function routePlanDocument(r: RoutePlan): RoutePlanDocument<PublishedPlan> {
  return { formatVersion: ROUTE_PLAN_FORMAT_VERSION, source: r.source, target: r.target, hops: r.hops.map((h) => ({ from: h.from, to: h.to, assessedOn: h.assessedOn, plan: h.published })) };
}

function routeOptions(o: PlanRouteOptions): RouteOptions {
  const snapshot: RouteOptions['snapshot'] = o.snapshot === undefined || o.snapshot === 'auto' ? { mode: 'auto', commands: null } : o.snapshot === 'none' ? { mode: 'none', commands: null } : { mode: 'commands', commands: o.snapshot.commands };
  return {
    repos: [...o.repos], gpgcheck: o.gpgcheck ?? true, gpgKeys: [...(o.gpgKeys ?? [])], allowRemove: [...(o.allowRemove ?? [])],
    overrides: (o.overrides ?? []).map((ov) => ({ findingKey: ov.findingKey, ...(ov.reason ? { reason: ov.reason } : {}) })), snapshot, snapshotRetentionSeconds: o.snapshotRetentionSeconds ?? null,
  };
}

/** planMigration's options from the recorded route options (what resume plans the next hop with). */
function planOptionsOf(options: RouteOptions): Pick<PlanMigrationOptions, 'repos' | 'gpgcheck' | 'gpgKeys' | 'allowRemove' | 'overrides' | 'snapshot' | 'snapshotRetentionSeconds'> {
  const snapshot: SnapshotRequest = options.snapshot.mode === 'commands' && options.snapshot.commands ? { commands: options.snapshot.commands } : options.snapshot.mode === 'none' ? 'none' : 'auto';
  return {
    repos: options.repos, gpgcheck: options.gpgcheck, ...(options.gpgKeys.length ? { gpgKeys: options.gpgKeys } : {}), ...(options.allowRemove.length ? { allowRemove: options.allowRemove } : {}),
    overrides: options.overrides.map((ov) => ({ findingKey: ov.findingKey, ...(ov.reason ? { reason: ov.reason } : {}) })), snapshot, ...(options.snapshotRetentionSeconds !== null ? { snapshotRetentionSeconds: options.snapshotRetentionSeconds } : {}),
  };
}

export interface RouteResult {
  /** The route as the host records it (absent for a direct path). */
  route?: RouteDocument;
  /** The result of each hop run by this call, in order. */
  hops: MigrateResult[];
}

export type MigrateRouteOptions = Omit<MigrateOptions, 'pes' | 'pesSha256'> & Pick<PlanRouteOptions, 'pes' | 'pesScope' | 'pesDigests'>;

/** `ferry migrate`: a direct path as migrate runs it; a route hop by hop, each hop's gate before it. */
export async function migrateRoute(o: MigrateRouteOptions): Promise<RouteResult> {
  // As migrate says them: no dnf on the host, then an unfinished migration, before the host is judged.
  await packageManagerFor(null).require(o.transport);
  if (!o.dryRun) await refuseUnfinished(o.transport, o.store);
  const catalog = o.catalog ?? await loadCatalog();
  const target = targetRelease(catalog, o.target);
  // Whether this is a route needs only the source release (os-release, release files): a direct path is then
  // migrated as migrate does it, its facts collected beside the backup's evidence; an undetectable source too,
  // where migrate says why.
  const probe = o.facts ?? await collectFacts(o.transport, { sections: ['os', 'release'] });
  const sourceId = detectSourceRelease(probe, catalog);
  const chain = sourceId ? routeLegs(catalog, sourceId, target.id) : null;
  const rest = without(without(without(o, 'pes'), 'pesScope'), 'pesDigests');
  if (!chain || chain.length === 1) {
    const pes = pesByTarget(catalog, o.pes ?? [], { targets: [o.target], crossMajor: directCrossMajor(catalog, sourceId, o.target, o.pesScope) }, o.pesScope)[o.target];
    return { hops: [await migrate({ ...rest, catalog, ...pesOption(pes, o.pesDigests) })] };
  }
  // Every hop is planned (and gated on the predicted end states) before the host is touched.
  const facts = o.facts ?? await collectFacts(o.transport);
  const planned = await planRoute({ ...o, catalog, facts });
  const first = planned.hops[0];
  if (o.dryRun) return { hops: [await migrate({ ...rest, catalog, facts, target: first.to, ...hopPes(first, 1), overrideScope: 'hop' })] };
  const doc: RouteDocument = {
    formatVersion: ROUTE_FORMAT_VERSION, source: planned.source, target: planned.target,
    hops: planned.hops.map((h, i) => ({ from: h.from, to: h.to, pes: h.pes, pesSha256: h.pesSha256, executionId: i === 0 ? newExecutionId(h.plan) : null })),
    options: routeOptions(o),
    predicted: planned.hops.slice(1).map((h, i) => ({ afterHop: i + 1, packages: packageSetOf(h.facts) })),
    gates: planned.hops.slice(1).map((h, i) => ({ hop: i + 2, at: new Date().toISOString(), on: 'predicted' as const, ok: true, inhibitors: [], unexpected: [], missing: [] })),
  };
  await writeRoute(o.transport, doc);
  const total = doc.hops.length;
  o.onProgress?.({ scope: 'route', phase: 'hop', hop: 1, total, message: `${first.from} → ${first.to} (route ${[doc.source, ...doc.hops.map((h) => h.to)].join(' → ')})` });
  const res = await migrate({ ...rest, catalog, facts, target: first.to, ...hopPes(first, 1), overrideScope: 'hop', executionId: doc.hops[0].executionId ?? undefined });
  if (res.result.status !== 'completed') return { route: doc, hops: [res] };
  return continueRoute({ ...o, catalog, doc, done: [res] });
}

/**
 * A hop's events file as planMigration takes it: the file with the digest of the bytes the route was planned
 * with. The route file is the host's: a file it names is read on the controller only to find those bytes
 * (PES_CHANGED otherwise, before anything of it is parsed or shown), never unchecked.
 */
function hopPes(hop: { pes: string | null; pesSha256: string | null }, n: number): Pick<PlanMigrationOptions, 'pes' | 'pesSha256'> {
  if (hop.pes === null) return {};
  if (hop.pesSha256 === null) throw new FerryError('DOCUMENT_INVALID', `${ROUTE_FILE} names hop ${n}'s events file ${hop.pes} without its sha256; Ferry reads no file the host names unchecked`, { hint: 'Plan the route again (ferry plan --to TARGET --pes TARGET=FILE).' });
  return { pes: hop.pes, pesSha256: hop.pesSha256 };
}

/** Journals a gate's verdict in the execution of the hop before it (completed), under the host lock, as ferry finish appends. */
async function journalGate(o: { transport: Transport; executionId: string; trust: boolean }, gate: RouteGate, to: string): Promise<void> {
  const lock = await acquireHostLock({ transport: o.transport, executionId: o.executionId });
  try {
    const journal = await openJournal({ transport: o.transport, executionId: o.executionId, trust: o.trust, guard: lock.verify });
    await journal.append({ event: 'gate', hop: gate.hop, to, ok: gate.ok, inhibitors: gate.inhibitors, unexpected: gate.unexpected, missing: gate.missing, ...(gate.overridden?.length ? { overridden: gate.overridden } : {}) });
  } finally {
    await lock.release();
  }
}

/** `ferry resume --override` keys that match none of the next hop's inhibitors: USAGE, before anything is recorded. */
function refuseUnmatched(added: readonly PlanOverride[], inhibitors: readonly string[], hop: { n: number; total: number; from: string; to: string }): void {
  const unused = added.filter((a) => !inhibitors.includes(a.findingKey));
  if (unused.length) {
    throw new FerryError('USAGE', `--override ${unused.map((a) => a.findingKey).join(', ')} matches no inhibitor of hop ${hop.n} of ${hop.total} (${hop.from} → ${hop.to}) on the facts collected now${inhibitors.length ? ` (its inhibitors: ${inhibitors.join(', ')})` : ''}`, { hint: 'Drop it, or check the key against the route\'s last gate (ferry status).' });
  }
}

type ContinueOptions = Pick<MigrateOptions, 'transport' | 'onProgress' | 'store' | 'storeHost' | 'storeName' | 'rebootWait' | 'sink' | 'by' | 'today' | 'repoCache' | 'health'> & JournalReadOptions & {
  catalog: Catalog; doc: RouteDocument; done: MigrateResult[];
  /** `ferry resume --override`: the operator's overrides of the next hop's inhibitors (each must match one). */
  overrides?: PlanOverride[];
};

/** The hops after the last completed one: each gated on facts collected now, then run. */
async function continueRoute(o: ContinueOptions): Promise<RouteResult> {
  const { doc } = o;
  const total = doc.hops.length;
  const current = (await readCurrentExecution(o.transport))?.executionId;
  const done = doc.hops.findIndex((h) => h.executionId === current);
  // Callers continue a route only from one of its hops' executions (migrateRoute after hop 1, resumeRoute checks).
  assert(done >= 0, `the current execution ${current ?? '(none)'} is no hop of the route ${doc.source} → ${doc.target}`);
  for (let i = done + 1; i < total; i++) {
    const hop = doc.hops[i];
    o.onProgress?.({ scope: 'route', phase: 'gate', hop: i + 1, total, message: `re-assessing ${hop.from} → ${hop.to} on facts collected from the host now (hop ${i} completed)` });
    const facts = await collectFacts(o.transport);
    const predicted = doc.predicted.find((p) => p.afterHop === i)?.packages ?? [];
    const collected = packageSetOf(facts);
    const unexpected = collected.filter((n) => !predicted.includes(n));
    const missing = predicted.filter((n) => !collected.includes(n));
    if (unexpected.length || missing.length) {
      o.onProgress?.({ scope: 'route', phase: 'differences', hop: i + 1, total, message: `the host after hop ${i} differs from the prediction: ${unexpected.length ? `not predicted ${unexpected.join(', ')}` : ''}${unexpected.length && missing.length ? '; ' : ''}${missing.length ? `predicted but absent ${missing.join(', ')}` : ''}` });
    }
    const gate = (ok: boolean, inhibitors: string[], overridden?: RouteGate['overridden']): RouteGate => ({ hop: i + 1, at: new Date().toISOString(), on: 'collected', ok, inhibitors, unexpected, missing, ...(overridden?.length ? { overridden } : {}) });
    // The operator's overrides given to this resume are for the hop it goes on with.
    const added = i === done + 1 ? o.overrides ?? [] : [];
    const planOptions = planOptionsOf(doc.options);
    const base = { ...o, ...planOptions, overrides: [...(planOptions.overrides ?? []), ...added], catalog: o.catalog, facts, target: hop.to, ...hopPes(hop, i + 1), overrideScope: 'hop' as const };
    let plan: MigrationPlan;
    try {
      plan = (await planMigration(base)).plan;
    } catch (e) {
      if (!isFerryError(e) || e.code !== 'PLAN_INHIBITED') throw e;
      const inhibitors = Array.isArray(e.details?.inhibitors) ? e.details.inhibitors.filter((k): k is string => typeof k === 'string') : [];
      refuseUnmatched(added, inhibitors, { n: i + 1, total, from: hop.from, to: hop.to });
      await writeRoute(o.transport, { ...doc, gates: [...doc.gates, gate(false, inhibitors)] });
      await journalGate({ transport: o.transport, executionId: doc.hops[i - 1].executionId ?? '', trust: o.trustJournal === true }, gate(false, inhibitors), hop.to);
      o.onProgress?.({ scope: 'route', phase: 'gate', hop: i + 1, total, message: `stopped: ${e.message}` });
      throw new FerryError('PLAN_INHIBITED', `The route ${doc.source} → ${doc.target} stopped before hop ${i + 1} of ${total} (${hop.from} → ${hop.to}): hop ${i} completed, and re-assessed on the facts collected now, ${e.message}`, {
        hint: `The host runs ${hop.from} (recorded in ${ROUTE_FILE}). Resolve them and run ferry resume; or override them, recorded with you: ferry resume HOST ${inhibitors.map((k) => `--override ${k}=REASON`).join(' ')}`,
        details: { inhibitors, hop: i + 1 },
      });
    }
    refuseUnmatched(added, plan.overrides.map((p) => p.findingKey), { n: i + 1, total, from: hop.from, to: hop.to });
    const by = o.by ?? process.env.USER ?? 'ferry';
    const overridden = added.map((a) => ({ findingKey: a.findingKey, by, ...(a.reason ? { reason: a.reason } : {}) }));
    if (added.length) doc.options.overrides.push(...overridden.map((a) => ({ ...a, at: new Date().toISOString(), hop: i + 1 })));
    const passed = gate(true, [], overridden);
    await journalGate({ transport: o.transport, executionId: doc.hops[i - 1].executionId ?? '', trust: o.trustJournal === true }, passed, hop.to);
    hop.executionId = newExecutionId(plan);
    doc.gates.push(passed);
    // A hop run again after `ferry rollback --route` kept the hops before it: that rollback is over.
    delete doc.rollback;
    await writeRoute(o.transport, doc);
    o.onProgress?.({ scope: 'route', phase: 'gate', hop: i + 1, total, message: `passed: ${hop.from} → ${hop.to} re-assessed on the facts collected after hop ${i}, ${overridden.length ? `its inhibitors overridden by ${by}: ${overridden.map((x) => x.findingKey).join(', ')}` : 'no inhibitor stands'}` });
    o.onProgress?.({ scope: 'route', phase: 'hop', hop: i + 1, total, message: `${hop.from} → ${hop.to}` });
    const res = await migrate({ ...base, executionId: hop.executionId });
    o.done.push(res);
    if (res.result.status !== 'completed') break;
  }
  return { route: doc, hops: o.done };
}

/** Where a host stands toward a target, as the fleet worker asks before it acts (hostProgress). */
export type HostProgress =
  /** The migration to the target, or the last hop of its route, completed. */
  | { state: 'done'; executionId: string; verified: boolean }
  /** An execution toward the target (a hop of its route included) to go on with: interrupted, not started, or a route between hops. */
  | { state: 'resume'; executionId: string }
  /** Nothing toward the target to go on with: a new migration (which refuses an unfinished other one itself). */
  | { state: 'fresh' };

/**
 * The one answer to "what has this host done toward `target`", from its journal and its route file: a job
 * claimed again after its worker died resumes what the host has, and a host already there is left alone.
 */
export async function hostProgress(o: { transport: Transport; target: string; store?: Store }): Promise<HostProgress> {
  const current = await readCurrentExecution(o.transport);
  if (!current) return { state: 'fresh' };
  const executionId = current.executionId;
  const st = await migrationStatus({ transport: o.transport, executionId, ...(o.store ? { store: o.store } : {}) });
  const route = await readRoute(o.transport);
  const hop = route && route.target === o.target ? route.hops.findIndex((h) => h.executionId === executionId) : -1;
  const last = hop >= 0 ? hop === (route?.hops.length ?? 0) - 1 : st.plan.target === o.target;
  if (hop < 0 && !last) return { state: 'fresh' };
  if (st.status.rollbackStarted) return { state: 'fresh' };
  if (st.status.state === 'completed') return last ? { state: 'done', executionId, verified: st.verify?.ok !== false } : { state: 'resume', executionId };
  if (st.status.interrupted || st.status.state === 'running' || st.status.state === 'not-started') return { state: 'resume', executionId };
  return { state: 'fresh' };
}

/**
 * `ferry resume`: the interrupted execution resumed (resume), then, when it is a hop of the host's route, the
 * hops after it, each behind its gate.
 */
export async function resumeRoute(o: { transport: Transport; onProgress?: (e: ProgressEvent) => void; sink?: JournalSink; by?: string; overrides?: PlanOverride[] } & StoreOption & JournalReadOptions & ForceOption & Pick<RebootOption, 'rebootWait'>): Promise<RouteResult> {
  const doc = await readRoute(o.transport);
  const current = (await readCurrentExecution(o.transport))?.executionId;
  const inRoute = doc && current !== undefined && doc.hops.some((h) => h.executionId === current);
  const state = inRoute ? (await migrationStatus({ transport: o.transport, ...(o.trustJournal ? { trustJournal: true } : {}), ...(o.store ? { store: o.store } : {}) })).status.state : undefined;
  const between = doc && inRoute && state === 'completed' && doc.hops[doc.hops.length - 1].executionId !== current;
  // An override is for the gate before a hop: a route stopped between its hops (a hop's own steps are past their gate).
  if (o.overrides?.length && !between) {
    throw new FerryError('USAGE', `ferry resume --override is for a route stopped by its gate between hops; ${o.transport.hostName} ${!doc || !inRoute ? 'has no route in progress' : `is inside hop ${doc.hops.findIndex((h) => h.executionId === current) + 1} of its route (${state ?? 'unknown'})`}`, {
      hint: 'Override an inhibitor of a new migration with ferry migrate --override.',
    });
  }
  if (doc && !inRoute && await firstHopUnstarted(o, doc)) return startRecordedRoute({ ...o, doc });
  if (!doc || !inRoute) return { hops: [await resume(o)] };
  // A route already finished resumes as a single execution does.
  if (state === 'completed' && doc.hops[doc.hops.length - 1].executionId === current) return { hops: [await resume(o)] };
  const done: MigrateResult[] = [];
  if (state !== 'completed') {
    const at = doc.hops.findIndex((h) => h.executionId === current);
    o.onProgress?.({ scope: 'route', phase: 'hop', hop: at + 1, total: doc.hops.length, message: `${doc.hops[at].from} → ${doc.hops[at].to} (resumed)` });
    const res = await resume(o);
    done.push(res);
    if (res.result.status !== 'completed') return { route: doc, hops: done };
  }
  return continueRoute({ ...o, catalog: await loadCatalog(), doc, done });
}

/**
 * Whether the host's route was recorded but its first hop never started (Ferry stopped between writing
 * ROUTE_FILE and hop 1's first journal entry): hop 1 is not the current execution and has no journal.
 */
async function firstHopUnstarted(o: { transport: Transport } & JournalReadOptions, doc: RouteDocument): Promise<boolean> {
  const id = doc.hops[0].executionId;
  return id !== null && (await readJournal(o.transport, id, { trust: o.trustJournal === true })).length === 0;
}

/**
 * `ferry resume` of a route whose first hop never started: hop 1 planned now on the host (nothing of the route
 * ran) with the recorded options and events, run as the recorded execution, then the hops after it.
 */
async function startRecordedRoute(o: Omit<ContinueOptions, 'catalog' | 'done' | 'overrides'>): Promise<RouteResult> {
  const { doc } = o;
  const first = doc.hops[0];
  const catalog = await loadCatalog();
  o.onProgress?.({ scope: 'route', phase: 'hop', hop: 1, total: doc.hops.length, message: `${first.from} → ${first.to} (the route was recorded, its first hop never started: starting it)` });
  const res = await migrate({ ...o, ...planOptionsOf(doc.options), catalog, target: first.to, ...hopPes(first, 1), overrideScope: 'hop', executionId: first.executionId ?? undefined });
  if (res.result.status !== 'completed') return { route: doc, hops: [res] };
  return continueRoute({ ...o, catalog, doc, done: [res] });
}

/** What `ferry rollback --route` did to one hop of the route (rollbackRoute). */
export interface RouteRollbackHop {
  hop: number;
  from: string;
  to: string;
  executionId: string | null;
  /**
   * `rolled-back` (now or by an earlier run: `restored` says which), `not-started` (nothing of it ran),
   * `cannot` (past its point of no return without a snapshot: `why`), `kept` (a later hop cannot be undone).
   */
  outcome: RouteRollbackOutcome;
  why?: string;
  restored?: string[];
}

export interface RouteRollbackResult {
  route: RouteDocument;
  /** Newest hop first. */
  hops: RouteRollbackHop[];
  /** Every hop that ran was undone: the host runs the route's source again. */
  complete: boolean;
  /** The release the host runs now. */
  runs: string;
}

/**
 * `ferry rollback --route`: the route undone hop by hop, newest first, each hop by the one rollback use case
 * (its rollback stack, or its snapshot past the point of no return). A hop past its point of no return without
 * a snapshot cannot be undone (rollbackRefusal, the runner's answer): it and every hop before it are kept, and the
 * result says so with the release the host then runs. Each hop's restores are journaled in its execution; the
 * route file records each hop's outcome, and `current` moves to the hop whose end state the host is back in.
 * Resumable: a hop whose rollback was interrupted is finished, one already rolled back is not touched again.
 */
export async function rollbackRoute(o: { transport: Transport; onProgress?: (e: ProgressEvent) => void; by?: string } & StoreOption & JournalReadOptions & ForceOption & RebootOption): Promise<RouteRollbackResult> {
  const doc = await readRoute(o.transport);
  const current = (await readCurrentExecution(o.transport))?.executionId;
  if (!doc || current === undefined || !doc.hops.some((h) => h.executionId === current)) {
    throw new FerryError('USAGE', `ferry rollback --route: ${o.transport.hostName} has no route in progress${doc ? ` (its current execution ${current ?? '(none)'} is no hop of the route ${doc.source} → ${doc.target})` : ` (${ROUTE_FILE} is absent)`}`, {
      hint: 'ferry rollback undoes the current migration.',
    });
  }
  const total = doc.hops.length;
  const record: RouteRollbackRecord = doc.rollback ?? { by: o.by ?? process.env.USER ?? 'ferry', startedAt: new Date().toISOString(), hops: [] };
  doc.rollback = record;
  const note = async (h: RouteRollbackHop): Promise<void> => {
    record.hops = [...record.hops.filter((x) => x.hop !== h.hop), { hop: h.hop, outcome: h.outcome, at: new Date().toISOString(), ...(h.why ? { why: h.why } : {}) }];
    await writeRoute(o.transport, doc);
  };
  const say = (hop: number, message: string): void => o.onProgress?.({ scope: 'route', phase: 'rollback', hop, total, message });
  const out: RouteRollbackHop[] = [];
  let blocker: RouteRollbackHop | undefined;
  for (let i = total - 1; i >= 0; i--) {
    const hop = doc.hops[i];
    const base = { hop: i + 1, from: hop.from, to: hop.to, executionId: hop.executionId };
    if (blocker) {
      const kept: RouteRollbackHop = { ...base, outcome: 'kept', why: `hop ${blocker.hop} (${blocker.from} → ${blocker.to}) after it cannot be undone` };
      out.push(kept);
      await note(kept);
      continue;
    }
    const entries = hop.executionId === null ? [] : await readJournal(o.transport, hop.executionId, { trust: o.trustJournal === true });
    if (hop.executionId === null || entries.length === 0) {
      out.push({ ...base, outcome: 'not-started' });
      continue;
    }
    const refused = rollbackRefusal(o.transport, hop.executionId, entries);
    if (refused) {
      blocker = { ...base, outcome: 'cannot', why: `${refused.message}; the host stays on ${hop.to}` };
      out.push(blocker);
      say(i + 1, `${hop.from} → ${hop.to} cannot be undone: ${blocker.why}`);
      await note(blocker);
      continue;
    }
    // The hop being undone is the host's current execution (ferry status shows its rollback).
    if (current !== hop.executionId) await writeCurrentExecution(o.transport, hop.executionId);
    say(i + 1, `undoing ${hop.from} → ${hop.to} (${hop.executionId})`);
    const res = await rollbackExecution({ ...o, executionId: hop.executionId });
    const done: RouteRollbackHop = { ...base, outcome: 'rolled-back', restored: [...res.alreadyRestored, ...res.restored] };
    out.push(done);
    await note(done);
  }
  // `current` names the newest hop whose end state the host is in (the one that could not be undone), else the first.
  const stays = out.find((h) => h.outcome === 'cannot');
  const last = stays?.executionId ?? doc.hops[0].executionId;
  if (last && (await readCurrentExecution(o.transport))?.executionId !== last) await writeCurrentExecution(o.transport, last);
  const runs = stays ? stays.to : doc.source;
  say(0, stays ? `the host runs ${runs}: hop ${stays.hop} and those before it are kept` : `the route is undone: the host runs ${runs} again`);
  return { route: doc, hops: out, complete: !stays, runs };
}
