/**
 * The fleet report as CSV: one row per host × target, RFC 4180 (CRLF line ends; a field holding a comma,
 * quote, CR or LF is quoted with its quotes doubled). A text cell starting with = + - @ (or a tab or CR)
 * is prefixed with ' so a spreadsheet shows it instead of evaluating it (OWASP "CSV injection"); the
 * numbers Ferry writes itself (score, counts) are left as numbers.
 */
import type { FleetReport } from './report.js';

export const FLEET_CSV_COLUMNS = ['host', 'target', 'readiness', 'score', 'recommended', 'blockers', 'missing_count', 'missing'] as const;

/** One text cell: formula guard, then RFC 4180 quoting. */
export function csvText(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvNumber(value: number | null): string {
  return value === null ? '' : String(value);
}

export function renderFleetCsv(r: FleetReport): string {
  const lines = [FLEET_CSV_COLUMNS.join(',')];
  for (const h of r.hosts) {
    for (const x of h.results) {
      lines.push([
        csvText(h.host), csvText(x.target), csvText(x.readiness), csvNumber(x.score), x.target === h.recommended ? 'yes' : 'no',
        csvText(x.blockers.join(' ')), csvNumber(x.missing.length), csvText(x.missing.join(' ')),
      ].join(','));
    }
  }
  return lines.join('\r\n') + '\r\n';
}
