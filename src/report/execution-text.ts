/**
 * Text renderings of a migration plan, an execution's result, its status and a rollback: what `ferry plan`,
 * `migrate`, `resume`, `status` and `rollback` print without --json. Everything read from the host (titles
 * carry package names, verification details and leftovers carry NEVRAs and paths) is terminal-escaped.
 */
import type { SnapshotInfo } from '../exec/snapshots/index.js';
import type { MigrationPlan } from '../plan/index.js';
import { erasureChain, type PredictedChange, type Prediction } from '../assess/index.js';
import type { RollbackResult } from '../exec/runner.js';
import type { ExecutionResult, ExecutionStatus } from '../exec/types.js';
import type { VerifyReport } from '../exec/verify.js';
import { escapeTerminal as t } from './escape.js';
import { actionKind, removalVerdict, type TransactionReport } from '../exec/package-manager/transaction-summary.js';
import { renderMigrationFindings } from './migration-findings-text.js';
import type { DriftReport } from '../exec/config-drift.js';
import type { WorkloadReport } from '../exec/workload.js';

/** The plan's predicted transaction: one line per package (install/upgrade/downgrade/reinstall/obsolete/erase), erasures with their chain. */
export function renderPredictedTransaction(p: Prediction | undefined): string {
  if (!p) return 'Predicted transaction: not predicted (no installed dependencies in the facts, or no target metadata read)';
  if (!p.ok) return ['Predicted transaction: the solver finds no solution', ...p.problems.map((x) => `  ${t(x)}`)].join('\n');
  const counts = new Map<string, number>();
  for (const c of p.changes) counts.set(c.action, (counts.get(c.action) ?? 0) + 1);
  const line = (c: PredictedChange): string => {
    const tail = c.action === 'obsolete' ? ` by ${t(c.by ?? '')}` : c.from && c.from !== c.nevra ? ` (from ${t(c.from)})` : '';
    const why = c.action === 'erase' && c.forcedBy ? `: ${erasureChain(c.forcedBy).map(t).join(' <- ')}` : '';
    return `  ${c.action.padEnd(9)} ${t(c.nevra)}${tail}${why}`;
  };
  return [`Predicted transaction (vendor swap + distro-sync): ${[...counts].map(([a, n]) => `${a} ${n}`).join(', ') || 'nothing to do'}`, ...p.changes.map(line)].join('\n');
}

export function renderPlan(p: MigrationPlan): string {
  return [
    `Plan ${p.id}: ${t(p.sourceName)} (${p.source}) → ${t(p.targetName)} (${p.target}) on ${t(p.host)}`,
    `  method: ${p.method ?? 'none recorded'}; repositories: ${p.dnf.repos.map((r) => `${t(r.baseurl)}${r.served ? ' (served by Ferry over the SSH connection)' : ''}`).join(', ')}; gpgcheck ${p.dnf.gpgcheck ? 'on' : 'off'}`,
    ...p.overrides.map((o) => `  OVERRIDDEN inhibitor: ${t(o.findingKey)}${o.reason ? ` (${t(o.reason)})` : ''}`),
    ...p.steps.map((s, i) => `  ${String(i + 1).padStart(2)}. ${t(s.title)}${s.pointOfNoReturn ? '   ← point of no return' : ''}  [${s.id.slice(0, 19)}]`),
    ...p.notes.map((n) => `  note: ${t(n)}`),
  ].join('\n');
}

/** A multi-hop plan: the route, then each hop's plan and predicted transaction, saying what each hop was assessed on. */
export function renderRoutePlan(r: { source: string; target: string; hops: { from: string; to: string; plan: MigrationPlan; predicted?: Prediction; assessedOn: 'collected' | 'predicted' }[] }): string {
  const head = `Route ${t(r.source)} → ${r.hops.map((h) => t(h.to)).join(' → ')}: ${r.hops.length} hops, one plan each; each hop after the first is re-assessed on the host's collected facts before it runs (a new inhibitor stops the run there)`;
  const hops = r.hops.map((h, i) => [
    `Hop ${i + 1} of ${r.hops.length}: ${t(h.from)} → ${t(h.to)} (assessed on ${h.assessedOn === 'collected' ? 'the facts collected now' : `the predicted end state of hop ${i}`}; no inhibitor stands)`,
    renderPlan(h.plan), renderPredictedTransaction(h.predicted),
  ].join('\n'));
  return [head, ...hops].join('\n\n');
}

export function renderResult(r: { plan: MigrationPlan; result: ExecutionResult; verify?: VerifyReport; workload?: WorkloadReport; drift?: DriftReport; problems?: string[]; gate?: { ok: boolean; checks: { id: string; ok: boolean; detail: string }[] }; rolledBack?: RollbackResult }): string {
  const lines = [`${r.result.status === 'dry-run' ? 'Dry run of' : 'Migration'} ${r.result.executionId}: ${r.plan.source} → ${r.plan.target}: ${r.result.status}; applied ${r.result.applied.length}, skipped ${r.result.skipped.length}`];
  for (const w of r.result.wouldRun ?? []) if (w.transaction) lines.push(...renderTransaction(w.title, w.transaction));
  const v = r.verify;
  if (v) {
    lines.push(`Verification: ${v.ok ? 'passed' : 'FAILED'}`, ...v.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.id}: ${t(c.detail)}`));
    lines.push(...v.leftovers.map((l) => `  left installed: ${t(l.nevra)}: ${t(l.why)}`));
    if (v.rpmVaNew.length) lines.push(`  rpm -Va new: ${v.rpmVaNew.length} line(s)`, ...v.rpmVaNew.slice(0, 20).map((l) => `    ${t(l)}`));
    if (v.configFiles.length) lines.push(`  .rpmnew/.rpmsave: ${v.configFiles.map(t).join(', ')}`);
    if (v.services.after !== null) lines.push(`  services: +${v.services.added.map(t).join(',') || '0'} -${v.services.removed.map(t).join(',') || '0'}`);
  }
  lines.push(...renderMigrationFindings(r));
  if (r.gate) lines.push(`Health gate: ${r.gate.ok ? 'passed' : 'FAILED'}`, ...r.gate.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${t(c.id)}: ${t(c.detail)}`));
  if (r.rolledBack) lines.push(renderRollback(r.rolledBack));
  return lines.join('\n');
}

/** The dry run's predicted transaction of a step: one line per package (obsoleted ones under what replaces them), then each removal's verdict. */
export function renderTransaction(title: string, tx: TransactionReport): string[] {
  const verdicts = new Map(tx.removals.map((r) => [`${r.name}-${r.evr}`, r]));
  const judged = (name: string, evr: string): string => {
    const r = verdicts.get(`${name}-${evr}`);
    if (!r || r.verdict === 'replaced') return '';
    return r.verdict === 'unapproved' ? `   NOT APPROVED: ${t(r.because ?? '')}; the migration would stop here` : `   ${removalVerdict(r)}`;
  };
  return [
    `Transaction dnf predicts for "${t(title)}" (the vendor swap, then distro-sync): ${tx.packages.length} package(s), ${tx.removals.length} leaving the rpm database${tx.allowRemove.length ? `; approved: ${tx.allowRemove.map(t).join(', ')}` : ''}`,
    ...tx.packages.flatMap((p) => [
      `  ${actionKind(p.action).padEnd(9)} ${t(p.name)}-${t(p.evr)}.${t(p.arch)}  (${t(p.repo)})${actionKind(p.action) === 'remove' ? judged(p.name, p.evr) : ''}`,
      ...p.replacing.map((x) => `  ${'obsolete'.padEnd(9)} ${t(x.name)}-${t(x.evr)}.${t(x.arch)}  (replaced by ${t(p.name)})`),
    ]),
    tx.stops
      ? `  The migration would stop here, before the vendor swap: ${tx.removals.filter((r) => r.verdict === 'unapproved').map((r) => `--allow-remove ${t(r.name)}`).join(' ')} approves the removals`
      : '  Every removal is announced by the plan or approved: the migration would go on',
  ];
}

/** The route a status belongs to: its hops (with their executions) and the last gate's verdict. */
export interface RouteStatusView {
  source: string;
  target: string;
  hops: { from: string; to: string; executionId: string | null }[];
  gates: { hop: number; on: string; ok: boolean; inhibitors: string[] }[];
  /** `ferry rollback --route`: each hop's outcome. */
  rollback?: { by: string; hops: { hop: number; outcome: string; why?: string }[] };
}

function renderRouteLine(route: RouteStatusView, executionId: string): string[] {
  const at = route.hops.findIndex((h) => h.executionId === executionId);
  if (at < 0) return [];
  const gate = route.gates.filter((g) => g.on === 'collected').at(-1);
  const next = route.hops[at + 1];
  return [
    `  hop ${at + 1} of ${route.hops.length} of the route ${t(route.source)} → ${route.hops.map((h) => t(h.to)).join(' → ')}`,
    ...(gate && gate.hop === at + 2 && !gate.ok ? [`  the gate before hop ${gate.hop} stopped the route: ${gate.inhibitors.map(t).join(', ')} (resolve them, then ferry resume; or override them: ferry resume --override KEY=REASON)`] : []),
    ...(next && next.executionId === null && !(gate && gate.hop === at + 2 && !gate.ok) ? [`  next: hop ${at + 2} (${t(next.from)} → ${t(next.to)}), after its gate (ferry resume runs it)`] : []),
    ...(route.rollback ? [`  ferry rollback --route (by ${t(route.rollback.by)}): ${[...route.rollback.hops].sort((a, b) => b.hop - a.hop).map((h) => `hop ${h.hop} ${h.outcome === 'cannot' ? 'cannot be undone' : t(h.outcome)}`).join(', ')}`] : []),
  ];
}

export function renderStatus(r: { status: ExecutionStatus; plan: MigrationPlan; verify?: VerifyReport; from?: 'store'; snapshots?: SnapshotInfo[]; expired?: string[]; route?: RouteStatusView }): string {
  const s = r.status;
  return [
    `${s.executionId}: ${r.plan.source} → ${r.plan.target}: ${s.state}${s.interrupted ? ' (interrupted: ferry resume continues it)' : ''}${s.rollbackStarted && s.state !== 'rolled-back' ? ' (rollback unfinished: ferry rollback continues it)' : ''}${s.ponrCrossed ? '; past the point of no return' : ''}${r.from === 'store' ? ' (from the store: as of its last journal entry)' : ''}`,
    ...(r.route ? renderRouteLine(r.route, s.executionId) : []),
    ...s.steps.map((x) => `  ${x.state.padEnd(8)} ${t(x.title)}${x.attempts > 1 ? ` (${x.attempts} attempts)` : ''}`),
    ...s.transactions.map((x) => `  still running on the host: the ${t(x.label)} transaction (pid ${x.pid ?? '?'}) of step ${t(s.steps.find((st) => st.id.startsWith(x.stepIdPrefix))?.title ?? x.stepIdPrefix)}`),
    ...s.overrides.map((o) => `  override ${t(o.findingKey)} by ${t(o.by)} at ${o.at}`),
    ...(r.verify ? [`  verification: ${r.verify.ok ? 'passed' : 'FAILED'}`] : []),
    ...(r.expired ?? []).map((x) => `  snapshot expired and removed: ${t(x)}`),
    ...(r.snapshots ?? []).map((x) => `  snapshot kept: ${x.provider} ${t(x.name)} of ${x.createdAt}, ${x.exclusiveBytes === null ? 'size unknown' : `${(x.exclusiveBytes / 2 ** 20).toFixed(1)} MiB of its own`} (${x.expiresAt ? `expires ${x.expiresAt}: ferry status --expire removes it then, ferry finish now` : 'ferry finish removes it'})`),
  ].join('\n');
}

/** What `ferry rollback --route` did (app/route.ts rollbackRoute's result, as this renderer reads it). */
export interface RouteRollbackView {
  route: { source: string; target: string; hops: { to: string }[] };
  hops: { hop: number; from: string; to: string; outcome: 'rolled-back' | 'not-started' | 'cannot' | 'kept'; why?: string; restored?: string[] }[];
  complete: boolean;
  runs: string;
}

export function renderRouteRollback(r: RouteRollbackView): string {
  const route = [r.route.source, ...r.route.hops.map((h) => h.to)].map(t).join(' → ');
  const outcome = (h: RouteRollbackView['hops'][number]): string => {
    switch (h.outcome) {
      case 'rolled-back': return `rolled back (${h.restored?.length ?? 0} restored)`;
      case 'not-started': return 'never started: nothing to undo';
      case 'cannot': return `CANNOT be undone: ${t(h.why ?? '')}`;
      case 'kept': return `kept: ${t(h.why ?? '')}`;
    }
  };
  return [
    r.complete ? `Route ${route} rolled back: the host runs ${t(r.runs)} again` : `Route ${route} rolled back as far as it can be: the host runs ${t(r.runs)}`,
    ...r.hops.map((h) => `  hop ${h.hop} (${t(h.from)} → ${t(h.to)}): ${outcome(h)}`),
  ].join('\n');
}

export function renderRollback(r: RollbackResult): string {
  return `Rolled back ${r.executionId}: restored ${r.restored.length}${r.alreadyRestored.length ? `, ${r.alreadyRestored.length} already restored` : ''}`;
}
