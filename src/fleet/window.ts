/**
 * Maintenance windows: when a rollout may start hosts. A window is weekly (`Sat 01:00-05:00 UTC`, `Mon-Fri
 * 22:00-02:00 UTC+01:00`, `daily 01:00-03:00`) or dated (`2026-12-05T01:00Z/2026-12-05T05:00Z`, ISO 8601 start/end
 * with their offsets). A weekly window whose end is not after its start ends the next day, so windows cross
 * midnight and the week's end (`Sun 23:00-01:00` ends Monday 01:00). Zones are UTC or a fixed offset (no DST
 * rules: the window means the same instants all year). Windows gate *starting* a host only: a running migration
 * is never interrupted by a window's end, which is why the cutoff exists (no host starts later than the cutoff
 * before the window's end).
 */
import { formatDuration, usage } from './flags.js';

export type RolloutWindow = {
  /** As the operator wrote it. */
  text: string;
  /** Weekly: the days (0 = Sunday … 6 = Saturday, in the window's zone) the window starts on; null when dated. */
  days: number[] | null;
  /** Weekly: start, minutes after midnight in the window's zone. */
  startMinute: number;
  /** Length in minutes. */
  minutes: number;
  /** Weekly: the zone's offset east of UTC. */
  utcOffsetMinutes: number;
  /** Dated: start and end instants (ISO, as given). */
  from: string | null;
  to: string | null;
};

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FULL_DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const WEEK = 7 * DAY;
const FORMS = "weekly 'DAYS HH:MM-HH:MM ZONE' (DAYS: Sat, Mon-Fri, Sat,Sun or daily; ZONE: UTC, UTC+02:00 or -05:00; an end before the start ends the next day), or dated 'START/END' in ISO 8601 with offsets (2026-12-05T01:00Z/2026-12-05T05:00Z)";

export function parseWindows(texts: readonly string[]): RolloutWindow[] {
  return texts.map(parseWindow);
}

function parseWindow(text: string): RolloutWindow {
  if (/^[0-9]{4}-/.test(text)) return parseDated(text);
  const m = /^(?:([A-Za-z,-]+)\s+)?([0-9]{1,2}):([0-9]{2})-([0-9]{1,2}):([0-9]{2})(?:\s+(\S+))?$/.exec(text);
  if (!m) throw usage('--window', text, FORMS);
  const days = parseDays(m[1] ?? 'daily', text);
  const start = clock(Number(m[2]), Number(m[3]), text, false);
  const end = clock(Number(m[4]), Number(m[5]), text, true);
  const minutes = end > start ? end - start : end + 1440 - start;
  return { text, days, startMinute: start, minutes, utcOffsetMinutes: parseZone(m[6] ?? 'UTC', text), from: null, to: null };
}

function clock(h: number, min: number, text: string, isEnd: boolean): number {
  if (min > 59 || h > 24 || (h === 24 && (min > 0 || !isEnd))) throw usage('--window', text, `a time of day is 00:00 to 23:59 (24:00 as an end); ${FORMS}`);
  return h * 60 + min;
}

function parseDays(spec: string, text: string): number[] {
  if (/^(daily|\*)$/i.test(spec)) return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  for (const part of spec.split(',')) {
    const [a, b, ...more] = part.split('-').map((d) => dayIndex(d, text));
    if (a === undefined || more.length > 0) throw usage('--window', text, FORMS);
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (b === undefined || d === b) break;
    }
  }
  return [...days].sort((x, y) => x - y);
}

function dayIndex(name: string, text: string): number {
  const n = name.toLowerCase();
  const i = Math.max(DAY_NAMES.indexOf(n), FULL_DAY_NAMES.indexOf(n));
  if (i < 0) throw usage('--window', text, `'${name}' is not a day (Mon … Sun); ${FORMS}`);
  return i;
}

function parseZone(zone: string, text: string): number {
  const m = /^(?:UTC|Z|GMT)?(?:([+-])([0-9]{1,2})(?::?([0-9]{2}))?)?$/i.exec(zone);
  if (!m || zone === '' || (m[1] === undefined && !/^(UTC|Z|GMT)$/i.test(zone))) {
    throw usage('--window', text, `the zone '${zone}' is not UTC or a fixed offset (named zones with daylight saving are not supported); ${FORMS}`);
  }
  if (m[1] === undefined) return 0;
  const minutes = Number(m[3] ?? 0);
  const offset = Number(m[2]) * 60 + minutes;
  if (minutes > 59 || offset > 14 * 60) throw usage('--window', text, `the offset '${zone}' is beyond ±14:00; ${FORMS}`);
  return m[1] === '-' ? -offset : offset;
}

const ISO_INSTANT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:[0-9]{2})$/;

function parseDated(text: string): RolloutWindow {
  const [from, to, ...more] = text.split('/');
  if (from === undefined || to === undefined || more.length > 0 || !ISO_INSTANT.test(from) || !ISO_INSTANT.test(to)) throw usage('--window', text, FORMS);
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (Number.isNaN(a) || Number.isNaN(b)) throw usage('--window', text, FORMS);
  if (b <= a) throw usage('--window', text, `the end is not after the start; ${FORMS}`);
  return { text, days: null, startMinute: 0, minutes: Math.ceil((b - a) / MINUTE), utcOffsetMinutes: 0, from, to };
}

/** Whether hosts may start at `now`, and until when; or when they may next (null: never again). */
export type WindowState =
  | { open: true; /** null when there are no windows */ closesAt: Date | null; /** closesAt − cutoff */ startBy: Date | null }
  | { open: false; opensAt: Date | null };

interface Span { start: number; end: number }

/** The window state at `now`: open when some window holds `now` before its end minus `cutoffSeconds`. */
export function windowAt(windows: readonly RolloutWindow[], cutoffSeconds: number, now: Date): WindowState {
  if (windows.length === 0) return { open: true, closesAt: null, startBy: null };
  const t = now.getTime();
  const cutoff = cutoffSeconds * 1000;
  const spans = windows.flatMap((w) => spansAround(w, t)).filter((s) => s.end - cutoff > s.start);
  const holding = spans.filter((s) => s.start <= t && t < s.end - cutoff);
  if (holding.length > 0) {
    const end = Math.max(...holding.map((s) => s.end));
    return { open: true, closesAt: new Date(end), startBy: new Date(end - cutoff) };
  }
  const next = spans.filter((s) => s.start > t).map((s) => s.start);
  return { open: false, opensAt: next.length ? new Date(Math.min(...next)) : null };
}

/** The window's occurrences in the weeks before, of and after `t` (a weekly window lasts at most a week). */
function spansAround(w: RolloutWindow, t: number): Span[] {
  if (w.days === null) {
    return w.from !== null && w.to !== null ? [{ start: Date.parse(w.from), end: Date.parse(w.to) }] : [];
  }
  const offset = w.utcOffsetMinutes * MINUTE;
  const local = t + offset;
  const weekStart = Math.floor(local / DAY) * DAY - new Date(local).getUTCDay() * DAY;
  const spans: Span[] = [];
  for (const shift of [-1, 0, 1]) {
    for (const d of w.days) {
      const start = weekStart + shift * WEEK + d * DAY + w.startMinute * MINUTE - offset;
      spans.push({ start, end: start + w.minutes * MINUTE });
    }
  }
  return spans;
}

/** `windows Sat 01:00-05:00 UTC, 2026-12-05T01:00Z/2026-12-05T05:00Z (cutoff 30m)`. */
export function describeWindows(windows: readonly RolloutWindow[], cutoffSeconds: number): string {
  const cutoff = cutoffSeconds > 0 ? ` (cutoff ${formatDuration(cutoffSeconds)})` : '';
  return `window${windows.length === 1 ? '' : 's'} ${windows.map((w) => w.text).join(', ')}${cutoff}`;
}
