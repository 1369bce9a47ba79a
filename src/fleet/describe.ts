/**
 * One-line texts for `ferry rollout status`: the spec and the controller's decision. Host names come from the
 * inventory and are printed as they are; a renderer that embeds them in HTML escapes them.
 */
import { type Decision } from './decide.js';
import { formatDuration } from './flags.js';
import { failureLimit, formatAmount, type RolloutSpec } from './rollout-spec.js';
import { waveSizes } from './waves.js';
import { describeWindows } from './window.js';

/**
 * One line for `ferry rollout status`, e.g. `canary 2, waves 30%,100%; concurrency 10, ha_pair ≤ 1; halt at 1
 * failed host; manual gate; windows Sat 01:00-05:00 UTC (cutoff 30m)`. With `total`, percentages are shown
 * with their host counts.
 */
export function describeSpec(spec: RolloutSpec, total?: number): string {
  const waves = `${spec.waves.length ? spec.waves.map(formatAmount).join(',') : 'all'}${total !== undefined ? ` (${formatSizes(waveSizes(total, spec))} hosts)` : ''}`;
  const caps = [
    spec.concurrency !== null ? `concurrency ${spec.concurrency}` : 'no concurrency cap',
    ...(spec.waveConcurrency !== null ? [`${spec.waveConcurrency} per wave`] : []),
    ...(spec.groupCap !== null ? [`${spec.groupCap.max} per ${spec.groupCap.by}`] : []),
  ];
  const limit = total !== undefined ? failureLimit(spec, total) : undefined;
  const threshold = spec.maxFailures.unit === 'hosts' || limit === undefined
    ? `halt at ${formatAmount(spec.maxFailures)}${spec.maxFailures.unit === 'hosts' ? ` failed host${spec.maxFailures.value === 1 ? '' : 's'}` : ' of the hosts failed'}`
    : `halt at ${formatAmount(spec.maxFailures)} = ${limit} failed host${limit === 1 ? '' : 's'}`;
  const gate = spec.gate === 'auto' ? `auto gate after ${formatDuration(spec.soakSeconds)} soak` : spec.gate === 'manual' ? 'manual gate' : 'no gate';
  return [
    `${spec.canary !== null ? `canary ${formatAmount(spec.canary)}, ` : ''}waves ${waves}`,
    caps.join(', '),
    threshold,
    ...(spec.canary !== null ? [gate] : []),
    spec.windows.length ? describeWindows(spec.windows, spec.cutoffSeconds) : 'any time',
  ].join('; ');
}

/** One line for `ferry rollout status`. */
export function describeDecision(d: Decision): string {
  switch (d.kind) {
    case 'release':
      return `release ${d.hosts.length} host${d.hosts.length === 1 ? '' : 's'} of wave ${d.wave}: ${d.hosts.join(', ')}`;
    case 'halt':
      return `halted: ${d.reason} (${d.failed.join(', ')}); later waves untouched — retry or skip the failed hosts, then resume`;
    case 'await-approval':
      return d.readyAt !== null
        ? `wave ${d.wave} waits for the auto gate: ${d.reason}, until ${d.readyAt}`
        : `wave ${d.wave} waits for approval since ${d.since}: ${d.reason} (ferry rollout approve)`;
    case 'wait':
      return `waiting: ${d.reason}${d.until !== null ? ` until ${d.until}` : ''}`;
    case 'complete':
      return 'complete: every host finished';
    case 'none':
      return d.reason;
  }
}

/** `2+15+33`; runs of one size as `28×3` (a 1% wave over 10,000 hosts is 100 waves). */
function formatSizes(sizes: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < sizes.length;) {
    let j = i;
    while (j < sizes.length && sizes[j] === sizes[i]) j++;
    runs.push(j - i > 1 ? `${sizes[i]}×${j - i}` : String(sizes[i]));
    i = j;
  }
  return runs.join('+');
}
