/**
 * The frame of every HTML report: one self-contained page (inline CSS, no scripts, no external assets: its
 * Content-Security-Policy forbids them), the title escaped. The body parts are the caller's, already escaped.
 */
import { escapeHtml as h } from './escape.js';

const REPORT_CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;--high:#b42318;--medium:#b54708;--low:#175cd3;--info:#475467}
*{box-sizing:border-box}body{margin:0 auto;max-width:1100px;padding:24px;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;padding-top:8px;border-top:2px solid var(--line)}h3{font-size:16px;margin:20px 0 6px}
.meta{color:var(--muted);margin:0 0 16px}code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--soft);padding:1px 4px;border-radius:4px;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}th{background:var(--soft);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.b-high{background:var(--high)}.b-medium{background:var(--medium)}.b-low{background:var(--low)}.b-info{background:var(--info)}.b-inhibitor{background:#7a271a}.b-ok{background:#067647}
.inhibitors{border:2px solid var(--high);background:#fef3f2;border-radius:8px;padding:10px 14px;margin:10px 0}.inhibitors strong{color:var(--high)}
.notice{border:1px solid var(--line);background:var(--soft);border-radius:8px;padding:8px 12px;margin:10px 0;color:var(--muted)}
.finding{border:1px solid var(--line);border-left:5px solid var(--info);border-radius:6px;padding:8px 12px;margin:8px 0}
.finding.s-high{border-left-color:var(--high)}.finding.s-medium{border-left-color:var(--medium)}.finding.s-low{border-left-color:var(--low)}
.finding.inhibitor{background:#fef3f2}.finding .title{font-weight:600}.finding p{margin:4px 0}.finding .fix{color:var(--muted)}
pre{background:var(--soft);padding:6px 10px;border-radius:6px;overflow-x:auto;margin:4px 0}pre code{background:none;padding:0}
details{margin:6px 0}summary{cursor:pointer;font-weight:600}.chart{margin:8px 0 4px}.legend span{display:inline-block;margin-right:14px;white-space:nowrap}
.swatch{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.reasons td:nth-child(2){width:80px}.pos{color:#067647}.neg{color:var(--high)}
`;

export function renderHtmlPage(title: string, extraCss: string, body: readonly string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${h(title)}</title><style>${REPORT_CSS}${extraCss}</style></head><body>`,
    `<h1>${h(title)}</h1>`,
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}
