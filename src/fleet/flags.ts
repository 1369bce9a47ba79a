/**
 * How the rollout flags read and report durations, and the one USAGE error for a bad rollout flag (naming the
 * flag, the value and the accepted forms).
 */
import { FerryError } from '../core/index.js';

const DURATION = /^(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?$/;

/** `90s`, `10m`, `1h30m`, `2d`, or `0`, as seconds; USAGE naming `flag` otherwise. */
export function parseDuration(flag: string, text: string): number {
  const m = DURATION.exec(text);
  if (text === '0') return 0;
  if (!m || text === '') throw usage(flag, text, 'a duration such as 90s, 10m, 1h30m or 2d (or 0)');
  const [d, h, min, s] = m.slice(1).map((x) => Number(x ?? 0));
  return ((d * 24 + h) * 60 + min) * 60 + s;
}

export function usage(flag: string, value: string, accepted: string): FerryError {
  return new FerryError('USAGE', `${flag} '${value}' is not understood: ${accepted}`, {
    hint: `Correct ${flag}; \`ferry rollout --help\` lists every rollout flag.`,
    details: { flag, value },
  });
}

/** `90s` → `1m30s`; 0 → `0s`. */
export function formatDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.length ? parts.join('') : '0s';
}

