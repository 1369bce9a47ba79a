/**
 * Text renderings of rollouts for the terminal. Host names, errors and log tails come from hosts and are
 * escaped (escapeTerminal). The shapes are structural so this layer needs no store import.
 */
import { escapeTerminal as t } from './escape.js';

export interface RolloutLine { id: string; name: string | null; target: string; selector: string; state: string; currentWave: number; createdBy: string; createdAt: string }
export interface RolloutHostLine { hostName: string; wave: number; state: string; failedStep: string | null; lastError: string | null; logTail: string | null; executionId: string | null }
export interface RolloutStatusView {
  rollout: RolloutLine;
  hosts: readonly RolloutHostLine[];
  counts: Record<string, number>;
  waves: readonly { wave: number; hosts: number; counts: Record<string, number> }[];
  next: string;
}

const STATES = ['pending', 'queued', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'];
const countsText = (c: Record<string, number>): string => STATES.filter((s) => c[s]).map((s) => `${c[s]} ${s}`).join(', ') || 'none';

export function renderRolloutStatus(s: RolloutStatusView): string {
  const r = s.rollout;
  const lines = [
    `rollout ${t(r.id)}${r.name ? ` (${t(r.name)})` : ''}: ${r.state}, to ${t(r.target)}, hosts ${t(r.selector)}, created by ${t(r.createdBy)} at ${r.createdAt}`,
    `hosts: ${countsText(s.counts)}`,
    ...s.waves.map((w) => `  ${w.wave === 0 ? 'canary' : `wave ${w.wave}`}: ${w.hosts} hosts — ${countsText(w.counts)}${w.wave === r.currentWave ? '  ← current' : ''}`),
    `next: ${t(s.next)}`,
  ];
  const failed = s.hosts.filter((h) => h.state === 'failed');
  if (failed.length) {
    lines.push('', 'failed hosts:');
    for (const h of failed) {
      lines.push(`  ${t(h.hostName)} (wave ${h.wave})${h.failedStep ? ` at step "${t(h.failedStep)}"` : ''}: ${t(h.lastError ?? 'failed')}`);
      if (h.executionId) lines.push(`    execution ${t(h.executionId)}`);
      for (const l of (h.logTail ?? '').split('\n').filter(Boolean).slice(-10)) lines.push(`    | ${t(l)}`);
    }
    lines.push(`  (ferry rollout retry ${t(r.id)} HOST, or ferry rollout skip ${t(r.id)} HOST, then ferry rollout resume ${t(r.id)})`);
  }
  return lines.join('\n') + '\n';
}

export function renderRolloutList(rs: readonly RolloutLine[]): string {
  if (rs.length === 0) return 'no rollouts\n';
  return rs.map((r) => `${t(r.id)}  ${r.state.padEnd(17)}  ${t(r.target).padEnd(16)}  ${t(r.selector)}${r.name ? `  (${t(r.name)})` : ''}`).join('\n') + '\n';
}
