/**
 * `ferry proof`: the migration proof of one host. The journal's integrity is the journal module's own
 * check (src/exec/journal.ts + journal-key.ts: the HMAC chain keyed by this controller) — read once as
 * the migration reads it; when that check fails the proof says "tampered" and names the first entry that
 * fails, read a second time without the chain check only to name it. The before side is a fact snapshot
 * from before the migration (the store's, or given); the after side is collected now.
 */
import { isFerryError } from '../core/index.js';
import { loadCatalog, type LifecycleStatus } from '../catalog/index.js';
import { readJournal, readCurrentExecution } from '../exec/journal.js';
import type { JournalKey } from '../exec/journal-key.js';
import { collectFacts, type HostFacts } from '../facts/index.js';
import { buildProof, configurationSection, workloadSection, type JournalIntegrity, type MigrationProof } from '../report/proof/model.js';
import { diffSboms } from '../report/sbom/index.js';
import type { Transport } from '../transport/index.js';
import type { FeedIndex } from '../vuln/match.js';
import type { Store } from '../store/index.js';
import { snapshotFacts } from './fleet-assess.js';
import { type HostOptions, withHost } from './host.js';
import { readMigrationFindings } from './migration-findings.js';
import { migrationStatus, type MigrationPlan } from './migrate.js';
import { storeHostName } from './store.js';
import { exposureOfFacts, hostReleaseOf } from './prove-cve.js';
import { sbomModelFor } from './prove.js';

export interface ProveMigrationOptions {
  transport: Transport;
  hostName: string;
  executionId?: string;
  /** The host's facts from before the migration (a stored snapshot); without them no package or CVE delta. */
  before?: HostFacts;
  /** Security feeds: the CVE delta is computed against the target's. */
  feeds?: readonly FeedIndex[];
  /** The journal key; default: this controller's ($FERRY_HOME/journal.key). */
  key?: JournalKey;
  today?: string;
  now?: () => Date;
  /** Holds the execution's reports (workload diff, configuration drift); without it they are read from the host's state dir. */
  store?: Pick<Store, 'listExecutionReports'>;
  storeName?: string;
  toolVersion: string;
}

/** The journal check, as the migration's own reader does it; on failure the first failing entry, named. */
async function journalIntegrity(transport: Transport, executionId: string, key: JournalKey | undefined): Promise<JournalIntegrity> {
  try {
    const entries = await readJournal(transport, executionId, key ? { key } : {});
    return { status: 'intact', entries: entries.length };
  } catch (e) {
    if (!isFerryError(e, 'JOURNAL_CORRUPT')) throw e;
    const line = /line (\d+)/.exec(e.message)?.[1];
    try {
      const entries = await readJournal(transport, executionId, { trust: true });
      const at = line ? entries[Number(line) - 1] : undefined;
      const step = at && 'stepId' in at && typeof at.stepId === 'string' ? at.stepId : undefined;
      return { status: 'tampered', entries: entries.length, message: e.message, ...(at ? { entry: { seq: at.seq, event: at.event, at: at.at, ...(step ? { step } : {}) } } : {}) };
    } catch (again) {
      if (!isFerryError(again, 'JOURNAL_CORRUPT')) throw again;
      return { status: 'tampered', entries: 0, message: `${e.message}; ${again.message}` };
    }
  }
}

export async function proveMigration(o: ProveMigrationOptions): Promise<MigrationProof> {
  const now = o.now?.() ?? new Date();
  const today = o.today ?? now.toISOString().slice(0, 10);
  const executionId = o.executionId ?? (await readCurrentExecution(o.transport))?.executionId ?? '';
  const journal = executionId ? await journalIntegrity(o.transport, executionId, o.key) : { status: 'unreadable' as const, message: `no migration recorded on ${o.hostName}` };
  let status: Awaited<ReturnType<typeof migrationStatus>> | undefined;
  if (executionId) {
    try {
      status = await migrationStatus({ transport: o.transport, executionId, trustJournal: journal.status !== 'intact' });
    } catch (e) {
      if (!isFerryError(e)) throw e;
    }
  }
  const plan: MigrationPlan | undefined = status?.plan;
  const after = await collectFacts(o.transport);
  const catalog = loadCatalog();
  const lifecycle = (id: string | undefined): LifecycleStatus | null => (id && catalog.hasRelease(id) ? catalog.lifecycle(id, today) : null);
  const before = lifecycle(plan?.source);
  const afterL = lifecycle(plan?.target);
  // Days of support gained: the target's days to end of life less what the source had left (none once past it),
  // both from the catalog's own lifecycle reading (a month-only date is that month's last day).
  const gained = afterL?.daysToEol != null && before?.daysToEol != null ? afterL.daysToEol - Math.max(before.daysToEol, 0) : null;
  const sbomAfter = sbomModelFor({ hostName: o.hostName, facts: after }, o.toolVersion);
  const sbomBefore = o.before ? sbomModelFor({ hostName: o.hostName, facts: o.before }, o.toolVersion) : undefined;
  let exposure: { before: Awaited<ReturnType<typeof exposureOfFacts>>; after: Awaited<ReturnType<typeof exposureOfFacts>> } | undefined;
  if (o.feeds?.length && o.before) {
    // Both sides against the target's feed: the successor's fixes are what the host had open, and what it still has.
    const successor = hostReleaseOf(after).id;
    exposure = {
      before: await exposureOfFacts(o.hostName, o.before, { feeds: o.feeds, ...(successor ? { successor } : {}) }),
      after: await exposureOfFacts(o.hostName, after, { feeds: o.feeds }),
    };
  }
  const v = status?.verify;
  const recorded = executionId ? await readMigrationFindings({ transport: o.transport, executionId, ...(o.store ? { store: o.store } : {}), ...(o.storeName ? { storeName: o.storeName } : {}) }) : {};
  return buildProof({
    host: o.hostName, executionId, generatedAt: now.toISOString(),
    migration: status ? { source: plan?.source ?? null, target: plan?.target ?? '', state: status.status.state, ponrCrossed: status.status.ponrCrossed, steps: status.status.steps.map((s) => ({ id: s.id, kind: s.kind, title: s.title, state: s.state })) } : null,
    journal,
    verification: v ? { status: v.ok ? 'passed' : 'failed', checks: [...v.checks, ...(v.packageSet ? [v.packageSet] : [])].map((c) => ({ id: c.id, ok: c.ok, detail: c.detail })) } : { status: 'not-run', checks: [] },
    ...(sbomBefore ? { packages: { before: sbomBefore.components.length, after: sbomAfter.components.length, diff: diffSboms(sbomBefore, sbomAfter) } } : { packagesReason: 'no fact snapshot from before the migration (collect one, or pass --before)' }),
    ...(exposure ? { exposure } : { exposureReason: o.feeds?.length ? 'no facts from before the migration' : 'no security feed given (--osv)' }),
    support: { before, after: afterL, daysGained: gained },
    ...(recorded.workload ? { workload: workloadSection(recorded.workload.report, recorded.workload.source) } : {}),
    ...(recorded.drift ? { configuration: configurationSection(recorded.drift.report, recorded.drift.source) } : {}),
    ...(executionId ? {} : { sectionsReason: `no migration recorded on ${o.hostName}` }),
  });
}

/**
 * The proof of a host opened from its options, with its state before the migration from the store: the
 * newest fact snapshot of `beforeHost` (default: the host's store name), so collect one before migrating
 * (ferry fleet collect); a snapshot taken after the migration would show no change.
 */
export async function proveMigrationOfHost(o: Omit<ProveMigrationOptions, 'transport' | 'hostName' | 'before'> & {
  host: HostOptions; store: Pick<Store, 'latestFactSnapshot' | 'listExecutionReports'>; beforeHost?: string;
}): Promise<MigrationProof> {
  const hostName = storeHostName(o.host);
  const snap = await o.store.latestFactSnapshot(o.beforeHost ?? hostName);
  const facts = snap ? snapshotFacts(snap) : undefined;
  const before = typeof facts === 'string' ? undefined : facts;
  return withHost(o.host, (transport) => proveMigration({ ...o, transport, hostName, ...(before ? { before } : {}) }));
}
