/** Lifecycle timeline renderers: text, SVG and a self-contained HTML page. Pure functions of their input. */
import type { LifecycleStatus } from './types.js';

export interface TimelineRow extends LifecycleStatus { name: string }

const year = (d: string) => Number(d.slice(0, 4)) + (Number(d.slice(5, 7)) - 1) / 12 + (Number(d.slice(8, 10)) - 1) / 365;
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/** One line per release: a bar from GA to EOL over the years, with `|` at today. */
export function renderTimelineText(rows: TimelineRow[], from = 2010, to = 2036): string {
  const width = (to - from) * 2;
  const col = (d: string) => Math.max(0, Math.min(width - 1, Math.round((year(d) - from) * 2)));
  const head = `${''.padEnd(22)}${Array.from({ length: (to - from) / 2 }, (_, i) => String(from + i * 2).padEnd(4)).join('')}`;
  const lines = rows.map((r) => {
    const cells = Array<string>(width).fill(' ');
    if (r.ga && (r.eol || r.eolFull)) {
      const end = r.eolExtended ?? r.eol ?? r.eolFull ?? r.ga;
      for (let i = col(r.ga); i <= col(end); i++) cells[i] = r.eolFull && i <= col(r.eolFull) ? '█' : r.eol && i <= col(r.eol) ? '▓' : '░';
    }
    cells[col(r.today)] = '|';
    const dates = r.ga || r.eol ? `${r.ga ?? '?'} → ${r.eol ?? '?'}` : 'no sourced dates';
    return `${r.release.padEnd(22)}${cells.join('')}  ${r.phase.padEnd(11)} ${dates}`;
  });
  return [head, ...lines, '', '█ full support  ▓ maintenance  ░ extended (paid)  | today'].join('\n');
}

/** An SVG chart of the same timeline. */
export function renderTimelineSvg(rows: TimelineRow[], from = 2010, to = 2036): string {
  const left = 170, w = 900, rowH = 20, top = 30;
  const x = (d: string) => left + ((year(d) - from) / (to - from)) * w;
  const h = top + rows.length * rowH + 30;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${left + w + 20}" height="${h}" font-family="sans-serif" font-size="11">`];
  for (let y = from; y <= to; y += 2) parts.push(`<line x1="${x(`${y}-01-01`)}" y1="${top - 10}" x2="${x(`${y}-01-01`)}" y2="${h - 25}" stroke="#ddd"/><text x="${x(`${y}-01-01`) - 12}" y="${top - 14}">${y}</text>`);
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    parts.push(`<text x="4" y="${y + 13}">${esc(r.release)}</text>`);
    if (r.ga && r.eol) {
      const seg = (a: string, b: string, color: string, label: string) =>
        parts.push(`<rect x="${x(a)}" y="${y + 3}" width="${Math.max(1, x(b) - x(a))}" height="${rowH - 6}" fill="${color}"><title>${esc(`${r.release} ${label}: ${a} → ${b}`)}</title></rect>`);
      const full = r.eolFull ?? r.eol;
      seg(r.ga, full, '#2b8a3e', 'full support');
      if (full !== r.eol) seg(full, r.eol, '#f59f00', 'maintenance');
      if (r.eolExtended) seg(r.eol, r.eolExtended, '#adb5bd', 'extended');
    } else parts.push(`<text x="${left + 4}" y="${y + 13}" fill="#888">no sourced dates</text>`);
  });
  const t = rows[0]?.today;
  if (t) parts.push(`<line x1="${x(t)}" y1="${top - 10}" x2="${x(t)}" y2="${h - 25}" stroke="#c92a2a" stroke-width="2"/><text x="${x(t) + 3}" y="${h - 12}" fill="#c92a2a">today ${esc(t)}</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

export function renderTimelineHtml(rows: TimelineRow[]): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Ferry — release lifecycles</title></head>\n<body><h1>Release lifecycles</h1>\n${renderTimelineSvg(rows)}</body></html>\n`;
}
