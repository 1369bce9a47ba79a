/** Durations on the command line: `500ms`, `60s`, `5m`, `2h`, or a bare number of seconds. */
import { FerryError } from '../core/index.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of `text`; USAGE naming `option` for anything else (negative, zero, no number, unknown unit). */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = m ? Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's']) : NaN;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new FerryError('USAGE', `${option} ${JSON.stringify(text)} is not a duration`, { hint: 'Write e.g. 500ms, 60s, 5m or 2h (a bare number is seconds).' });
  }
  return ms;
}
