/**
 * Lifecycle status of a release on a given day. `today` is always passed in (YYYY-MM-DD) so that
 * results are reproducible; nothing here reads the clock.
 */
import { FerryError } from '../core/index.js';
import type { LifecyclePhase, LifecycleStatus, Release } from './types.js';

const DAY = 86_400_000;

/**
 * A day as UTC ms. A catalog date may be a month only (`2029-12`: the source says "until 2029-12"), read as
 * that month's last day; `today` must be a day.
 */
function parseDay(s: string, what: string, month = false): number {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(s);
  const t = m && (m[3] !== undefined || month)
    ? (m[3] !== undefined ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Date.UTC(Number(m[1]), Number(m[2]), 0)) : NaN;
  if (Number.isNaN(t)) throw new FerryError('USAGE', `${what} "${s}" is not a date (YYYY-MM-DD)`);
  return t;
}
const catalogDay = (s: string, what: string): number => parseDay(s, what, true);

/** Phase on `today`: unreleased < ga ≤ full < eolFull ≤ maintenance < eol ≤ extended < eolExtended ≤ eol. */
export function computeLifecycle(r: Release, today: string): LifecycleStatus {
  const now = parseDay(today, 'today');
  const ga = r.ga.value;
  const full = r.eolFull.value;
  const eol = r.eol.value;
  const ext = r.eolExtended.value;
  let phase: LifecyclePhase = 'unknown';
  if (ga && now < catalogDay(ga, 'ga')) phase = 'unreleased';
  else if (eol) {
    const eolT = catalogDay(eol, 'eol');
    if (full && now < catalogDay(full, 'eolFull')) phase = 'full';
    else if (now < eolT) phase = full ? 'maintenance' : 'full';
    else if (ext && now < catalogDay(ext, 'eolExtended')) phase = 'extended';
    else phase = 'eol';
  } else if (ga && full && now >= catalogDay(full, 'eolFull')) phase = 'maintenance';
  else if (ga) phase = 'full';
  return {
    release: r.id,
    today,
    phase,
    daysToEol: eol ? Math.round((catalogDay(eol, 'eol') - now) / DAY) : null,
    ga,
    eolFull: full,
    eol,
    eolExtended: ext,
  };
}
