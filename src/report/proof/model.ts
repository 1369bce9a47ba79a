/**
 * The migration proof of one host: what the migration changed (packages, SBOM suppliers), whether it
 * verified, the vulnerability exposure before and after, the support gained, and whether the journal it
 * rests on is intact. Published as JSON (schema ../schema/migration-proof.schema.json, formatVersion) and
 * HTML. Pure: the use case (src/app/prove-proof.ts) gathers the inputs.
 */
import type { LifecycleStatus } from '../../catalog/index.js';
import type { Exposure } from '../../vuln/exposure.js';
import { exposureDelta } from '../../vuln/exposure.js';
import type { SbomDiff } from '../sbom/diff.js';
import type { Finding, Severity } from '../../assess/types.js';

/** 2: the workload and configuration sections carry their source, keyed items with a severity and what was not compared. */
export const MIGRATION_PROOF_FORMAT_VERSION = 2 as const;

export type JournalIntegrity =
  | { status: 'intact'; entries: number }
  /** The chain check failed: `entry` is the first entry that fails it (an edit there or a removal just before). */
  | { status: 'tampered'; entries: number; entry?: { seq: number; event: string; at: string; step?: string }; message: string }
  | { status: 'unreadable'; message: string };

export interface ExposureSummary { feed: string; feedDate: string; coverage: Exposure['coverage']; note: string; advisories?: number; cves?: number; critical?: number; important?: number }

export interface ProofItem { key: string; title: string; severity: Severity; ok: boolean; detail?: string }

/**
 * The workload diff or the configuration drift of the execution, as the migration recorded them (the
 * store's execution reports, else the files in the execution's state dir on the host); `not-provided`
 * when the migration recorded none (a run before Ferry kept them, or one that did not complete).
 */
export type ProofSection =
  | { status: 'not-provided'; reason: string }
  | { status: 'provided'; source: 'store' | 'host'; ok: boolean; items: ProofItem[]; notCompared: string[] };

/** What the proof reads of a workload report (exec/workload.ts WorkloadReport). */
export interface ProofWorkloadInput {
  ok: boolean;
  findings: Array<Pick<Finding, 'key' | 'severity' | 'title' | 'summary'>>;
  notCompared: Array<{ item: string; why: string }>;
}

/** What the proof reads of a configuration drift report (exec/config-drift.ts DriftReport). */
export interface ProofDriftInput {
  items: Array<{ path: string; kind: 'rpmnew' | 'rpmsave'; file: string; package?: string; merge?: { clean: boolean; conflicts: number }; guidance: string }>;
}

/** The workload section: ok while no finding is high (the health gate's rule, exec/workload.ts workloadVerdict). */
export function workloadSection(w: ProofWorkloadInput, source: 'store' | 'host'): ProofSection {
  return {
    status: 'provided', source, ok: w.ok,
    items: w.findings.map((f) => ({ key: f.key, title: f.title, severity: f.severity, ok: f.severity !== 'high', detail: f.summary })),
    notCompared: w.notCompared.map((n) => `${n.item}: ${n.why}`),
  };
}

/**
 * The configuration section, one item per .rpmnew/.rpmsave. An `.rpmnew` leaves the edited file in effect
 * (the package's new version beside it, to merge): medium, ok. An `.rpmsave` means the edits are no longer
 * in effect (rpm replaced or removed the file): high, not ok — the configuration the host ran with is lost
 * until it is restored.
 */
export function configurationSection(d: ProofDriftInput, source: 'store' | 'host'): ProofSection {
  const items = d.items.map((i): ProofItem => {
    const merge = i.merge ? (i.merge.clean ? ' (three-way merge: clean)' : ` (three-way merge: ${i.merge.conflicts} conflict(s))`) : '';
    return {
      key: `config-drift:${i.path}`, title: `${i.path}${i.package ? ` (${i.package})` : ''}`,
      severity: i.kind === 'rpmsave' ? 'high' : 'medium', ok: i.kind === 'rpmnew', detail: `${i.guidance}${merge}`,
    };
  });
  return { status: 'provided', source, ok: items.every((i) => i.ok), items, notCompared: [] };
}

export interface MigrationProof {
  formatVersion: typeof MIGRATION_PROOF_FORMAT_VERSION;
  host: string;
  executionId: string;
  generatedAt: string;
  migration: { source: string | null; target: string; state: string; ponrCrossed: boolean; steps: Array<{ id: string; kind: string; title: string; state: string }> } | null;
  journal: JournalIntegrity;
  verification: { status: 'passed' | 'failed' | 'not-run'; checks: Array<{ id: string; ok: boolean; detail: string }> };
  packages: { before: number; after: number; added: number; removed: number; changed: number; supplierChanged: number; unchanged: number; diff: SbomDiff } | { status: 'not-computed'; reason: string };
  cve: { before: ExposureSummary; after: ExposureSummary; closed: string[]; remaining: string[]; opened: string[]; comparable: boolean; note: string } | { status: 'not-computed'; reason: string };
  support: { before: LifecycleStatus | null; after: LifecycleStatus | null; daysGained: number | null };
  workload: ProofSection;
  configuration: ProofSection;
  /** The proof's own verdict: every part that was computed is good, and the journal is intact. */
  verdict: 'proven' | 'not-proven';
  reasons: string[];
}

export function summarizeExposure(e: Exposure): ExposureSummary {
  return {
    feed: e.feed.name, feedDate: e.feed.date, coverage: e.coverage, note: e.note,
    ...(e.totals ? { advisories: e.totals.advisories, cves: e.totals.cves, critical: e.totals.bySeverity.critical.advisories, important: e.totals.bySeverity.important.advisories } : {}),
  };
}

export interface ProofInput {
  host: string;
  executionId: string;
  generatedAt: string;
  migration: MigrationProof['migration'];
  journal: JournalIntegrity;
  verification: MigrationProof['verification'];
  packages?: { before: number; after: number; diff: SbomDiff };
  packagesReason?: string;
  exposure?: { before: Exposure; after: Exposure };
  exposureReason?: string;
  support: MigrationProof['support'];
  workload?: ProofSection;
  configuration?: ProofSection;
  /** Why neither section could be read (no execution). */
  sectionsReason?: string;
}

export function buildProof(i: ProofInput): MigrationProof {
  const reasons: string[] = [];
  if (i.journal.status !== 'intact') reasons.push(`journal ${i.journal.status}: ${i.journal.message}`);
  if (i.verification.status !== 'passed') reasons.push(`verification ${i.verification.status}`);
  if (i.migration && i.migration.state !== 'completed') reasons.push(`migration ${i.migration.state}`);
  if (!i.migration) reasons.push('no migration status could be read');
  for (const [name, s] of [['workload', i.workload], ['configuration', i.configuration]] as const) if (s?.status === 'provided' && !s.ok) reasons.push(`${name} diff not ok`);
  const d = i.packages?.diff;
  return {
    formatVersion: MIGRATION_PROOF_FORMAT_VERSION,
    host: i.host, executionId: i.executionId, generatedAt: i.generatedAt,
    migration: i.migration, journal: i.journal, verification: i.verification,
    packages: i.packages && d
      ? { before: i.packages.before, after: i.packages.after, added: d.added.length, removed: d.removed.length, changed: d.changed.length, supplierChanged: d.supplierChanged.length, unchanged: d.unchanged, diff: d }
      : { status: 'not-computed', reason: i.packagesReason ?? 'no facts from before the migration' },
    cve: i.exposure
      ? { before: summarizeExposure(i.exposure.before), after: summarizeExposure(i.exposure.after), ...exposureDelta(i.exposure.before, i.exposure.after) }
      : { status: 'not-computed', reason: i.exposureReason ?? 'no security feed given' },
    support: i.support,
    workload: i.workload ?? { status: 'not-provided', reason: i.sectionsReason ?? 'the migration recorded no workload diff' },
    configuration: i.configuration ?? { status: 'not-provided', reason: i.sectionsReason ?? 'the migration recorded no configuration drift report' },
    verdict: reasons.length === 0 ? 'proven' : 'not-proven',
    reasons,
  };
}
