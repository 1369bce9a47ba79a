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

export const MIGRATION_PROOF_FORMAT_VERSION = 1 as const;

export type JournalIntegrity =
  | { status: 'intact'; entries: number }
  /** The chain check failed: `entry` is the first entry that fails it (an edit there or a removal just before). */
  | { status: 'tampered'; entries: number; entry?: { seq: number; event: string; at: string; step?: string }; message: string }
  | { status: 'unreadable'; message: string };

export interface ExposureSummary { feed: string; feedDate: string; coverage: Exposure['coverage']; note: string; advisories?: number; cves?: number; critical?: number; important?: number }

/** What the issue "Nothing lost" (workload and configuration diff) contributes once it exists: a seam. */
export type ProofSection = { status: 'not-provided'; reason: string } | { status: 'provided'; ok: boolean; items: Array<{ title: string; ok: boolean; detail?: string }> };

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
}

export function buildProof(i: ProofInput): MigrationProof {
  const reasons: string[] = [];
  if (i.journal.status !== 'intact') reasons.push(`journal ${i.journal.status}: ${i.journal.message}`);
  if (i.verification.status !== 'passed') reasons.push(`verification ${i.verification.status}`);
  if (i.migration && i.migration.state !== 'completed') reasons.push(`migration ${i.migration.state}`);
  if (!i.migration) reasons.push('no migration status could be read');
  const seam: ProofSection = { status: 'not-provided', reason: 'workload and configuration diffs are not computed by this Ferry yet' };
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
    workload: i.workload ?? seam,
    configuration: i.configuration ?? seam,
    verdict: reasons.length === 0 ? 'proven' : 'not-proven',
    reasons,
  };
}
