import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../../catalog/index.js';
import { buildFleetReport, renderFleetCsv, renderFleetHtml, renderFleetText, validateFleetReport, csvText, type FleetRow } from './index.js';

const catalog = loadCatalog();
const HOSTILE_HOST = '<script>alert(1)</script>\u001b[31m';
const FORMULA_HOST = "=HYPERLINK(\"http://evil.invalid\",\"x\")";
const HOSTILE_PKG = 'evil"pkg,<b>\u001b]0;title\u0007\n';

const row = (hostName: string, target: string, over: Partial<FleetRow> = {}): FleetRow => ({ hostName, target, readiness: 'ready', score: 40, blockers: [], missing: [], ...over });

const ROWS: FleetRow[] = [
  row('web1', 'rocky-8', { score: 45, missing: ['libidn'] }), row('web1', 'almalinux-8', { score: 45, readiness: 'risks', missing: ['libidn', 'libidn'] }),
  row('web2', 'rocky-8', { readiness: 'blocked', score: -60, blockers: ['i686-packages'] }), row('web2', 'almalinux-8', { score: 30 }),
  row(HOSTILE_HOST, 'rocky-8', { readiness: 'blocked', score: -80, blockers: ['i686-packages', 'low-disk:/var'], missing: [HOSTILE_PKG] }),
  row(HOSTILE_HOST, 'almalinux-8', { readiness: 'blocked', score: -70, blockers: ['i686-packages'], missing: [HOSTILE_PKG] }),
  row(FORMULA_HOST, 'rocky-8', { score: 50, missing: ['-cmd', '@SUM(A1)'] }), row(FORMULA_HOST, 'almalinux-8', { score: 20 }),
  row('never', 'rocky-8', { readiness: 'not-assessed', score: null }), row('never', 'almalinux-8', { readiness: 'not-assessed', score: null }),
];
const report = () => buildFleetReport(ROWS, { runId: 'fleet-2026-06-01-120000Z-abcdef', catalog, today: '2026-06-01', generatedAt: '2026-06-01T12:00:00.000Z' });

test('fleet report: readiness per target, inhibitors by frequency with their hosts, missing packages with host counts, recommendations', () => {
  const r = report();
  assert.deepEqual(r.readiness, [
    { target: 'rocky-8', ready: 2, risks: 0, blocked: 2, notAssessed: 1 },
    { target: 'almalinux-8', ready: 2, risks: 1, blocked: 1, notAssessed: 1 },
  ]);
  assert.deepEqual(r.inhibitors.map((i) => [i.key, i.target, i.hostCount]), [['i686-packages', 'rocky-8', 2], ['i686-packages', 'almalinux-8', 1], ['low-disk:/var', 'rocky-8', 1]]);
  assert.deepEqual(r.inhibitors[0].hosts, [HOSTILE_HOST, 'web2'].sort());
  // A name listed twice on one host (two kernels) counts that host once.
  assert.deepEqual(r.missing.find((m) => m.target === 'almalinux-8')?.packages, [{ name: HOSTILE_PKG, hostCount: 1 }, { name: 'libidn', hostCount: 1 }]);
  const rec = Object.fromEntries(r.hosts.map((h) => [h.host, h.recommended]));
  // web1: equal scores; fewer missing wins (the ranking's tie-break).
  assert.deepEqual(rec, { web1: 'rocky-8', web2: 'almalinux-8', [HOSTILE_HOST]: 'almalinux-8', [FORMULA_HOST]: 'rocky-8', never: null });
  // Both ready on 2 hosts; almalinux-8 blocks fewer (1 vs 2).
  assert.equal(r.recommendation.target, 'almalinux-8');
  assert.deepEqual({ ...r.recommendation, rule: '' }, { target: 'almalinux-8', ready: 2, unblocked: 3, recommendedFor: 2, decidedBy: 'unblocked', tiedWith: [], rule: '' });
});

test('fleet report: a tie is shown as a tie with its deciding factors in JSON, text and HTML; the first target given is named, never the first by name', () => {
  // One host prefers each: equal on hosts ready, not blocked and ranking it first.
  const tied = (order: string[]): FleetRow[] => ['web1', 'web2'].flatMap((host) => order.map((target) => row(host, target, { score: (host === 'web1') === (target === 'rocky-8') ? 50 : 40 })));
  const cases: [string[], string, string[]][] = [[['rocky-8', 'almalinux-8'], 'rocky-8', ['almalinux-8']], [['almalinux-8', 'rocky-8'], 'almalinux-8', ['rocky-8']]];
  for (const [order, target, tiedWith] of cases) {
    const r = buildFleetReport(tied(order), { runId: 'fleet-2026-06-01-x', catalog, today: '2026-06-01', generatedAt: '2026-06-01T12:00:00Z' });
    assert.deepEqual([r.recommendation.target, r.recommendation.decidedBy, r.recommendation.tiedWith], [target, 'tie', tiedWith], order.join(','));
    assert.deepEqual(validateFleetReport(JSON.parse(JSON.stringify(r)) as Record<string, unknown>), []);
    const sentence = `tie: ${target}, ${tiedWith[0]} are equal on hosts ready, hosts not blocked and hosts ranking them first; ${target} is named as the first given (--to)`;
    assert.ok(renderFleetText(r).includes(`Fleet recommendation: ${target} (2 ready, 2 not blocked, best target of 1 host)\n  ${sentence}\n`), renderFleetText(r));
    assert.ok(renderFleetHtml(r).includes(`<br>T${sentence.slice(1)}<br>Rule:`), order.join(','));
  }
  assert.match(renderFleetText(report()), /\n {2}decided by hosts not blocked\n/);
});

test('fleet report JSON is valid against its schema; a broken one is not', () => {
  const r = JSON.parse(JSON.stringify(report())) as Record<string, unknown>;
  assert.deepEqual(validateFleetReport(r), []);
  const errors = validateFleetReport({ ...r, formatVersion: 2, hostCount: -1 });
  assert.ok(errors.some((e) => e.path.includes('formatVersion')), JSON.stringify(errors));
  assert.ok(errors.some((e) => e.path.includes('hostCount')), JSON.stringify(errors));
  assert.deepEqual(validateFleetReport(buildFleetReport([], { runId: 'fleet-2026-06-01-x', catalog, today: '2026-06-01', generatedAt: '2026-06-01T12:00:00Z' })), []);
});

test('fleet text: terminal control characters from hosts and packages are shown, never sent', () => {
  const text = renderFleetText(report());
  assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f]/);
  assert.match(text, /<script>alert\(1\)<\/script>\\x1b\[31m/);
  assert.match(text, /Fleet recommendation: almalinux-8/);
  assert.match(text, /\b2 {2}i686-packages on rocky-8/);
});

test('fleet HTML: self-contained, every host-derived string escaped', () => {
  const html = renderFleetHtml(report());
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<b>/);
  assert.doesNotMatch(html, /<(link|img|script|iframe)\b|\bsrc=|href="(?!#)/i, 'no external asset');
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /evil&quot;pkg,&lt;b&gt;/);
  assert.match(html, /<svg class="chart" role="img" aria-label="Readiness per target"/);
  assert.match(html, /<svg class="chart" role="img" aria-label="Top inhibitors"/);
});

/** RFC 4180 reader, for the round trip. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += c;
  }
  return rows;
}

test('fleet CSV: one row per host × target, RFC 4180 quoting, formula cells defused', () => {
  const rows = parseCsv(renderFleetCsv(report()));
  assert.deepEqual(rows[0], ['host', 'target', 'readiness', 'score', 'recommended', 'blockers', 'missing_count', 'missing']);
  assert.equal(rows.length, 1 + ROWS.length);
  const hostile = rows.find((r) => r[0] === HOSTILE_HOST && r[1] === 'rocky-8');
  assert.deepEqual(hostile, [HOSTILE_HOST, 'rocky-8', 'blocked', '-80', 'no', 'i686-packages low-disk:/var', '1', HOSTILE_PKG]);
  const formula = rows.find((r) => r[1] === 'rocky-8' && r[0].includes('HYPERLINK'));
  assert.equal(formula?.[0], `'${FORMULA_HOST}`);
  assert.equal(formula?.[7], "'-cmd @SUM(A1)");
  const table: Array<[string, string]> = [['=1+1', "'=1+1"], ['+1', "'+1"], ['-1', "'-1"], ['@x', "'@x"], ['\tx', "'\tx"], ['a,b', '"a,b"'], ['say "hi"', '"say ""hi"""'], ['plain', 'plain']];
  for (const [input, want] of table) assert.equal(csvText(input), want, input);
});

test('fleet report: a host its inventory no longer lists is marked removed in JSON (schema-valid), text and HTML', () => {
  const r = buildFleetReport(ROWS, { runId: 'fleet-2026-06-01-120000Z-abcdef', catalog, today: '2026-06-01', generatedAt: '2026-06-01T12:00:00.000Z', removed: new Set(['web2']) });
  assert.deepEqual(r.hosts.filter((h) => h.removed).map((h) => h.host), ['web2']);
  assert.deepEqual(validateFleetReport(JSON.parse(JSON.stringify(r))), []);
  assert.match(renderFleetText(r), /^ {2}web2 \(removed from its inventory\) {2}almalinux-8/m);
  assert.doesNotMatch(renderFleetText(r), /web1 \(removed/);
  assert.match(renderFleetHtml(r), /<td>web2 <em>\(removed from its inventory\)<\/em><\/td>/);
  assert.equal(report().hosts.some((h) => h.removed), false);
});
