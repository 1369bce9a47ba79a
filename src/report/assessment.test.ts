import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderAssessmentHtml, renderFateChart } from './assessment-html.js';
import { renderAssessmentMarkdown } from './assessment-markdown.js';
import { assessmentSchema, validateAssessment } from './assessment-schema.js';
import { loadCatalog } from '../catalog/index.js';
import { assessTargets } from '../assess/index.js';
import * as routeFixture from '../assess/testing/route-fixture.js';
import { ERASURE_CAUSE_SCHEMA, PREDICTED_TRANSACTION_SCHEMA } from '../plan/predicted-schema.js';
import { renderAssessmentText } from './assessment-text.js';
import { escapeHtml, escapeMarkdown } from './escape.js';
import { fixtureAssessment, HOSTILE_NAME, HOSTILE_SHELL } from './testing/assessment-fixture.js';

test('the fixture validates against the checked-in schema', () => {
  assert.deepEqual(validateAssessment(fixtureAssessment()), []);
});

test('the schema rejects broken reports, naming the path', () => {
  const cases: Array<[string, (a: Record<string, unknown>) => void, string]> = [
    ['wrong formatVersion', (a) => { a.formatVersion = 2; }, '/formatVersion'],
    ['missing targets', (a) => { delete a.targets; }, ''],
    ['unknown fate', (a) => { (a.targets as { fates: { fate: string }[] }[])[1].fates[0].fate = 'vanished'; }, '/targets/1/fates/0/fate'],
    ['negative count', (a) => { (a.targets as { counts: Record<string, number> }[])[0].counts.missing = -1; }, '/targets/0/counts/missing'],
    ['rank 0', (a) => { (a.targets as { rank: number }[])[0].rank = 0; }, '/targets/0/rank'],
    ['bad severity', (a) => { (a.targets as { findings: { severity: string }[] }[])[0].findings[0].severity = 'critical'; }, '/targets/0/findings/0/severity'],
    ['shell-string command', (a) => { (a.targets as { findings: { remediation: { commands: unknown } }[] }[])[0].findings[0].remediation.commands = ['rm -rf /']; }, '/targets/0/findings/0/remediation/commands/0'],
    ['extra property', (a) => { a.surprise = true; }, ''],
    ['non-UTC date', (a) => { a.assessedAt = '2024-06-01 12:00'; }, '/assessedAt'],
    ['not-assessed without a reason', (a) => { delete (a.targets as { notAssessed: { reason?: string }[] }[])[0].notAssessed[0].reason; }, '/targets/0/notAssessed/0'],
  ];
  for (const [name, mutate, path] of cases) {
    const a = fixtureAssessment() as unknown as Record<string, unknown>;
    mutate(a);
    const errors = validateAssessment(a);
    assert.ok(errors.length > 0, `${name}: accepted`);
    assert.ok(errors.some((e) => e.path === path), `${name}: no error at ${path}: ${JSON.stringify(errors)}`);
  }
});

test('HTML: self-contained, everything escaped, no script', () => {
  const html = renderAssessmentHtml(fixtureAssessment());
  assert.ok(!html.includes(HOSTILE_NAME), 'raw <script> name present');
  assert.ok(html.includes(escapeHtml(HOSTILE_NAME)));
  assert.ok(html.includes(escapeHtml(`rpm -e '${HOSTILE_SHELL.replace(/'/g, `'\\''`)}'`)), 'command rendered quoted and escaped');
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /\s(src|href)="(?!#)/, 'only in-page links');
  assert.doesNotMatch(html, /url\((?!#)/, 'no external CSS urls');
  assert.match(html, /<style>/);
  // inhibitors shown before the findings and in the ranking
  assert.match(html, /1 inhibitor: the migration must not start/);
  assert.ok(html.indexOf('id="target-opencloudos-8"') < html.indexOf('class="inhibitors"') && html.indexOf('class="inhibitors"') < html.indexOf('<h3>Findings</h3>', html.indexOf('id="target-opencloudos-8"')));
  // ranking order: rocky-8 (rank 1) before opencloudos-8
  assert.ok(html.indexOf('id="target-rocky-8"') < html.indexOf('id="target-opencloudos-8"'));
  assert.match(html, /package fates \(same, upgrade, downgrade, replaced, missing\) are unknown/);
});

test('HTML chart: one stacked bar per target, segments sized by counts, hatched when not compared', () => {
  const a = fixtureAssessment();
  const svg = renderFateChart(a.targets.sort((x, y) => x.rank - y.rank));
  const rects = [...svg.matchAll(/<rect x="([\d.]+)" y="(\d+)" width="([\d.]+)" height="20" fill="(#[0-9A-F]{6})"><title>([^<]*)<\/title>/g)];
  // rocky-8 has 7 packages in 6 fates (third-party 2)
  assert.equal(rects.length, 6);
  const widths = rects.map((r) => Number(r[3]));
  assert.ok(Math.abs(widths.reduce((s, w) => s + w, 0) - 600) < 0.1);
  const tp = rects.find((r) => r[5].includes('third-party 2 of 7'));
  assert.ok(tp && Math.abs(Number(tp[3]) - (600 * 2) / 7) < 0.01);
  assert.match(svg, /fill="url\(#nc\)"[^>]*><title>opencloudos-8: package fates not compared/);
});

test('Markdown: ranking table, inhibitor callout, escaped names, fates not compared', () => {
  const md = renderAssessmentMarkdown(fixtureAssessment());
  assert.ok(!md.includes(HOSTILE_NAME));
  assert.ok(!md.includes('<script'));
  assert.match(md, /\| 1 \| Rocky Linux 8 \(`rocky-8`\) \| 35 \| 0 \| 1 \| 1 \| 1 \| 1 \| 1 \| 2 \| 0 \|/);
  assert.match(md, /\| 2 \| OpenCloudOS 8 \(`opencloudos-8`\) \| -120 \| \*\*1\*\* \| – \| – \| – \| – \| – \| – \| – \|/);
  assert.match(md, /> \*\*1 inhibitor: the migration must not start\.\*\*/);
  assert.match(md, /Repositories: \*\*not compared\*\*/);
  assert.match(md, /<details><summary>downgrade \(1\)<\/summary>/);
  // every table row has the same number of unescaped cell separators as its header
  for (const line of md.split('\n').filter((l) => l.startsWith('| '))) {
    const cells = line.replace(/\\\|/g, '').split('|').length;
    assert.ok(cells === 5 || cells === 13 || cells === 4 + 1, `row with ${cells} separators: ${line}`);
  }
  assert.equal(escapeMarkdown('a|b<c>*d*'), 'a\\|b&lt;c&gt;\\*d\\*');
});

test('text: inhibitors prominent, terminal escapes neutralised', () => {
  const a = fixtureAssessment();
  a.targets[1].findings[0].title = 'evil \u001b[2J title';
  const text = renderAssessmentText(a);
  assert.match(text, /2\. opencloudos-8 {2}score -120 {2}BLOCKED by 1 inhibitor/);
  assert.match(text, /!! 1 INHIBITOR\(S\): the migration must not start/);
  assert.ok(!text.includes('\u001b'));
  assert.match(text, /evil \\x1b\[2J title/);
});

test('checks not assessed are listed in every format, escaped; reports without the field still validate', () => {
  const a = fixtureAssessment();
  const html = renderAssessmentHtml(a);
  assert.match(html, /<h3>Not assessed<\/h3>.*<li><code>secure-boot<\/code>: the Secure Boot state could not be read \(&lt;script&gt;/s);
  const md = renderAssessmentMarkdown(a);
  assert.match(md, /### Not assessed\n\n.*not an all-clear\.\n\n- `secure-boot`: the Secure Boot state could not be read \\\(&lt;script&gt;/);
  assert.match(renderAssessmentText(a), /\n {2}\[not assessed\] secure-boot: the Secure Boot state could not be read/);
  // rocky-8 has none: no heading
  assert.equal(md.split('### Not assessed').length, 2);
  delete a.targets[0].notAssessed;
  assert.deepEqual(validateAssessment(a), []);
});

test('secrets carried by an assessment (a mirror URL\'s credentials, a shadow line, a private key) reach no format', () => {
  const hash = `$6$rounds=5000$saltsalt$${'Q'.repeat(86)}`;
  const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
  const a = fixtureAssessment();
  a.targets[0].repositories = ['https://deploy:hunter2pw@mirror.example/rocky8/'];
  a.targets[1].notAssessed = [{ check: 'missing-packages', reason: `the repositories could not be read (REPO_FETCH: https://deploy:hunter2pw@mirror.example/x: HTTP 404)` }];
  a.targets[0].findings[0].summary = `quoted from a file: root:${hash}:19000:0:99999:7::: and ${key}`;
  for (const [format, out] of [['html', renderAssessmentHtml(a)], ['md', renderAssessmentMarkdown(a)], ['text', renderAssessmentText(a)]] as const) {
    assert.doesNotMatch(out, /hunter2pw|saltsalt|Q{20}|b3BlbnNzaC1rZXkt/, format);
    assert.match(out, /https:\/\/\*\*\*@mirror\.example/, `${format}: the mirror is still named`);
    assert.match(out, /root:\\?\[REDACTED HASH\\?\]:19000/, `${format}: the line around the hash stays`);
  }
  // the markup around a redacted hash survives: the hash ends where crypt(5)'s alphabet does
  assert.equal(escapeHtml(`<${hash}>`), '&lt;[REDACTED HASH]&gt;');
});

test('a finding every target has alike is listed once, for the host; tied targets print as a tie', () => {
  const a = fixtureAssessment();
  const [oc, rocky] = a.targets;
  const unsigned = { key: 'unsigned-packages', check: 'unsigned-packages', severity: 'medium' as const, groups: [], title: '23 unsigned packages', summary: 'Packages without a signature: lab-*.' };
  oc.findings.push(unsigned);
  rocky.findings.push(unsigned);
  rocky.rank = 1;
  oc.rank = 1;
  const text = renderAssessmentText(a);
  assert.equal(text.split('23 unsigned packages').length - 1, 1, 'once in the text');
  assert.match(text, /== Host: 1 finding\(s\) the same for every target ==\n {2}\[medium\] 23 unsigned packages/);
  assert.match(text, /1\. opencloudos-8 {2}score -120 {2}TIE with rocky-8/);
  assert.match(text, /1\. rocky-8 {2}score 35 {2}TIE with opencloudos-8/);
  const md = renderAssessmentMarkdown(a);
  assert.equal(md.split('23 unsigned packages').length - 1, 1, 'once in the Markdown');
  assert.match(md, /## Host findings \(the same for every target\)/);
  assert.match(md, /\| 1 \(tie\) \| Rocky Linux 8/);
  const html = renderAssessmentHtml(a);
  assert.equal(html.split('23 unsigned packages').length - 1, 1, 'once in the HTML');
  assert.match(html, /<section id="host"><h2>Host findings/);
  // i686-packages has the same title and summary in both targets but not the same remediation: per target
  assert.equal(text.split('[medium] 1 i686 package installed').length - 1, 2);
});

test('an erased fate: counted, its chain in text, Markdown and HTML, valid JSON; a report stored before the fate still renders', () => {
  const a = fixtureAssessment();
  const t0 = a.targets.find((t) => t.target === 'rocky-8');
  assert.ok(t0);
  const chain = ['requires centos-logos: centos-logos-80.0-1.el8.noarch erased', 'removed by the vendor swap'];
  t0.fates.push({ installed: 'acme-branding-1.0-1.noarch', name: 'acme-branding', arch: 'noarch', fate: 'erased', erasedBy: 'centos-logos-80.0-1.el8.noarch', chain, reason: chain.join(' <- ') });
  t0.counts.erased = 1;
  assert.deepEqual(validateAssessment(a), []);
  const text = renderAssessmentText(a);
  assert.match(text, /erased 1\)/);
  assert.match(text, /erased by the predicted transaction \(1\):\n {2}acme-branding-1\.0-1\.noarch: requires centos-logos: centos-logos-80\.0-1\.el8\.noarch erased <- removed by the vendor swap/);
  assert.match(renderAssessmentMarkdown(a), /<details><summary>erased \(1\)<\/summary>[\s\S]*`acme-branding-1\.0-1\.noarch` \| – \| requires centos-logos/);
  assert.match(renderAssessmentHtml(a), /erased \(1\)<\/summary>/);
  // stored before `erased` existed: no count, still valid, rendered as 0
  const old = fixtureAssessment() as unknown as { targets: { counts: Record<string, number> }[] };
  for (const t of old.targets) delete t.counts.erased;
  assert.deepEqual(validateAssessment(old), []);
  assert.match(renderAssessmentText(old as unknown as ReturnType<typeof fixtureAssessment>), /third-party \d+, erased 0\)/);
});

test('a target reached by a route: the document validates with its route, and every renderer says the route instead of "none in the catalog"', () => {
  const a = fixtureAssessment();
  a.sourceRelease = 'centos-7';
  a.targets[0] = { ...a.targets[0], path: null, route: ['centos-7', 'rocky-8', 'rocky-9'] };
  assert.deepEqual(validateAssessment(a), []);
  assert.match(renderAssessmentText(a), /^path: none direct; the route centos-7 → rocky-8 → rocky-9, assessed hop by hop \(ferry plan plans it so\)$/m);
  assert.match(renderAssessmentMarkdown(a), /Migration path: none direct; the route `centos-7` → `rocky-8` → `rocky-9`/);
  assert.match(renderAssessmentHtml(a), /Migration path: none direct; the route <code>centos-7<\/code> → <code>rocky-8<\/code> → <code>rocky-9<\/code>/);
  const bad = { ...a, targets: [{ ...a.targets[0], route: ['centos-7'] }, ...a.targets.slice(1)] };
  assert.ok(validateAssessment(bad).some((e) => e.path === '/targets/0/route'), 'a route has at least a source, an intermediate release and the target');
});

test('a route target (CentOS 7 → Rocky 9, hop 2 inhibited): the document with its hops validates; text, Markdown and HTML show each hop and name the hop of the inhibitor', () => {
  const a = assessTargets({ facts: routeFixture.centos7(), catalog: loadCatalog(), today: '2026-12-01', targets: [
    { release: 'rocky-9', repo: routeFixture.rocky9, pesEvents: [], hops: [{ release: 'rocky-8', repo: routeFixture.rocky8, pesEvents: [] }, { release: 'rocky-9', repo: routeFixture.rocky9, pesEvents: [] }] },
  ] });
  assert.deepEqual(validateAssessment(JSON.parse(JSON.stringify(a))), []);
  const broken = JSON.parse(JSON.stringify(a)) as { targets: { hops: { assessedOn: string }[] }[] };
  broken.targets[0].hops[1].assessedOn = 'guessed';
  assert.ok(validateAssessment(broken).some((e) => e.path.includes('hops')), 'the schema holds the hop list');
  const text = renderAssessmentText(a);
  assert.match(text, /^!! {3}third-party-sonames:acme-idn\.x86_64 \(hop 2: rocky-8 → rocky-9\): acme-idn-1\.0-1\.x86_64 needs a library rocky-9 does not provide$/m);
  assert.match(text, /^ {2}Hop 1 of 2: centos-7 → rocky-8 \(on the host's facts\): no inhibitor \(same 0, upgrade 2, .*predicted transaction: \d+ changes\)$/m);
  assert.match(text, /^ {2}Hop 2 of 2: rocky-8 → rocky-9 \(on the predicted end state of hop 1\): BLOCKED by third-party-sonames:acme-idn\.x86_64 /m);
  assert.match(renderAssessmentMarkdown(a), /\| Hop 2 of 2: rocky-8 → rocky-9 \| on the predicted end state of hop 1 \| BLOCKED by third-party-sonames:acme-idn\.x86\\_64 \|/);
  assert.match(renderAssessmentHtml(a), /<tr><td>Hop 2 of 2: rocky-8 → rocky-9<\/td><td>on the predicted end state of hop 1<\/td><td><span class="badge b-inhibitor">blocked<\/span> BLOCKED by third-party-sonames:acme-idn\.x86_64<\/td>/);
});

test('the schema\'s predicted transaction is the plan schema\'s (one statement of Prediction)', () => {
  const defs = (assessmentSchema() as { definitions: Record<string, unknown> }).definitions;
  assert.deepEqual([defs.predictedTransaction, defs.erasureCause], [PREDICTED_TRANSACTION_SCHEMA, ERASURE_CAUSE_SCHEMA]);
});
