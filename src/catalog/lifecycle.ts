/**
 * Lifecycle status of a release on a given day. `today` is always passed in (YYYY-MM-DD) so that
 * results are reproducible; nothing here reads the clock.
 */
import { FerryError } from '../core/index.js';
import type { LifecyclePhase, LifecycleStatus, Release } from './types.js';

const DAY = 86_400_000;

function parseDay(s: string, what: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (Number.isNaN(t)) throw new FerryError('USAGE', `${what} "${s}" is not a date (YYYY-MM-DD)`);
  return t;
}

/** Phase on `today`: unreleased < ga ≤ full < eolFull ≤ maintenance < eol ≤ extended < eolExtended ≤ eol. */
export function computeLifecycle(r: Release, today: string): LifecycleStatus {
  const now = parseDay(today, 'today');
  const ga = r.ga.value;
  const full = r.eolFull.value;
  const eol = r.eol.value;
  const ext = r.eolExtended.value;
  let phase: LifecyclePhase = 'unknown';
  if (ga && now < parseDay(ga, 'ga')) phase = 'unreleased';
  else if (eol) {
    const eolT = parseDay(eol, 'eol');
    if (full && now < parseDay(full, 'eolFull')) phase = 'full';
    else if (now < eolT) phase = full ? 'maintenance' : 'full';
    else if (ext && now < parseDay(ext, 'eolExtended')) phase = 'extended';
    else phase = 'eol';
  } else if (ga && full && now >= parseDay(full, 'eolFull')) phase = 'maintenance';
  else if (ga) phase = 'full';
  return {
    release: r.id,
    today,
    phase,
    daysToEol: eol ? Math.round((parseDay(eol, 'eol') - now) / DAY) : null,
    ga,
    eolFull: full,
    eol,
    eolExtended: ext,
  };
}
