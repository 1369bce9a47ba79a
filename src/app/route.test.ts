// `--pes` for a multi-hop route: one file a hop, named by the hop's target (TARGET=FILE), never silently ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError, type ErrorCode } from '../core/index.js';
import { writeLabLeappData } from '../../test/lab/pes-fixture.js';
import { loadCatalog } from '../catalog/index.js';
import { pesByTarget, routeLegs, unplannableRoute } from './route.js';

const catalog = loadCatalog();
const route = { targets: ['rocky-8', 'rocky-9'], crossMajor: ['rocky-8', 'rocky-9'] };
const direct = { targets: ['rocky-8'], crossMajor: ['rocky-8'] };

test('pesByTarget: each TARGET=FILE to its hop, a bare file to every cross-major hop without its own (as ferry assess reads --pes); a file whose name has "=" stays a file', () => {
  const cases: [string[], typeof route, Record<string, string>][] = [
    [['rocky-8=/d/pes-8.json', 'rocky-9=/d/pes-9.json'], route, { 'rocky-8': '/d/pes-8.json', 'rocky-9': '/d/pes-9.json' }],
    [['rocky-9=/d/pes.json'], route, { 'rocky-9': '/d/pes.json' }],
    [['/d/pes.json'], route, { 'rocky-8': '/d/pes.json', 'rocky-9': '/d/pes.json' }],
    [['rocky-9=/d/pes-9.json', '/d/pes.json'], route, { 'rocky-8': '/d/pes.json', 'rocky-9': '/d/pes-9.json' }],
    [['/d/pes.json'], direct, { 'rocky-8': '/d/pes.json' }],
    [['rocky-8=/d/pes.json'], direct, { 'rocky-8': '/d/pes.json' }],
    [['/d/a=b.json'], direct, { 'rocky-8': '/d/a=b.json' }],
    [['build=3.json'], direct, { 'rocky-8': 'build=3.json' }],
    // A route with one cross-major hop (a same-major swap first): a bare file is that hop's.
    [['/d/pes.json'], { targets: ['oraclelinux-7', 'oraclelinux-8'], crossMajor: ['oraclelinux-8'] }, { 'oraclelinux-8': '/d/pes.json' }],
    [[], route, {}],
  ];
  for (const [flags, r, want] of cases) assert.deepEqual(pesByTarget(catalog, flags, r), want, flags.join(' '));
});

test('pesByTarget: refused, naming the flag — a target no hop lands on, two files for one hop, a bare file no hop takes', () => {
  const cases: [string[], ErrorCode, RegExp][] = [
    [['almalinux-9=/d/pes.json'], 'PES_UNUSED', /--pes almalinux-9=\/d\/pes\.json: almalinux-9 is not one of the .*targets \(rocky-8, rocky-9\)/],
    [['rocky-9=/a.json', 'rocky-9=/b.json'], 'USAGE', /--pes given twice for rocky-9/],
    [['rocky-8=/a.json', 'rocky-9=/b.json', '/c.json'], 'PES_UNUSED', /--pes \/c\.json was given, but every cross-major hop \(rocky-8, rocky-9\) has its own events file/],
  ];
  for (const [flags, code, message] of cases) {
    assert.throws(() => pesByTarget(catalog, flags, route), (e: unknown) => isFerryError(e, code) && message.test(e.message), flags.join(' '));
  }
});

test('pesByTarget in a rollout (scope fleet): a host\'s route takes the files of its own cross-major hops and leaves the other hosts\' out; a bare file goes to cross-major hops only', () => {
  const sameMajor = { targets: ['rocky-8'], crossMajor: [] };
  const cases: [string[], { targets: string[]; crossMajor: string[] }, Record<string, string>][] = [
    [['rocky-8=/d/pes-8.json', 'rocky-9=/d/pes-9.json'], route, { 'rocky-8': '/d/pes-8.json', 'rocky-9': '/d/pes-9.json' }],
    // A CentOS 8 host of the same rollout to rocky-9: its one hop is rocky-9's.
    [['rocky-8=/d/pes-8.json', 'rocky-9=/d/pes-9.json'], { targets: ['rocky-9'], crossMajor: ['rocky-9'] }, { 'rocky-9': '/d/pes-9.json' }],
    [['/d/pes.json'], sameMajor, {}],
    [['rocky-8=/d/pes-8.json'], sameMajor, {}],
    [['/d/pes.json'], direct, { 'rocky-8': '/d/pes.json' }],
  ];
  for (const [flags, r, want] of cases) assert.deepEqual(pesByTarget(catalog, flags, r, 'fleet'), want, `${flags.join(' ')} → ${r.targets.join(',')}`);
});

test('routeLegs and unplannableRoute: CentOS 7 → Rocky 9 is two cross-major hops, each judged with the file it is given; a direct path is one hop', () => {
  assert.deepEqual(routeLegs(catalog, 'centos-7', 'rocky-9'), [{ from: 'centos-7', to: 'rocky-8', crossMajor: true }, { from: 'rocky-8', to: 'rocky-9', crossMajor: true }]);
  assert.deepEqual(routeLegs(catalog, 'centos-8', 'rocky-8'), [{ from: 'centos-8', to: 'rocky-8', crossMajor: false }]);
  assert.equal(unplannableRoute(catalog, 'centos-7', 'rocky-9', { 'rocky-8': '/a', 'rocky-9': '/b' }), null);
  const e = unplannableRoute(catalog, 'centos-7', 'rocky-9', { 'rocky-8': '/a' });
  assert.ok(isFerryError(e, 'PES_REQUIRED') && /^hop 2 of 2 \(rocky-8 → rocky-9\) of the route centos-7 → rocky-8 → rocky-9: /.test(e.message) && /--pes rocky-9=FILE/.test(e.hint ?? ''), String(e));
  assert.ok(isFerryError(unplannableRoute(catalog, 'centos-8', 'rocky-8', { 'rocky-8': '/a' }), 'PES_UNUSED'));
});

test('unplannableRoute on OpenCloudOS (no Leapp data in the catalog): a hop whose events have no repomap beside them is REPOMAP_REQUIRED, named by hop; with the repomap beside them, the route CentOS 7 → OpenCloudOS 8 → 9 is plannable', () => {
  const data = writeLabLeappData(mkdtempSync(join(tmpdir(), 'ferry-route-leapp-')));
  const bare = join(mkdtempSync(join(tmpdir(), 'ferry-route-bare-')), 'pes-events.json');
  copyFileSync(data.pes, bare);
  assert.deepEqual(routeLegs(catalog, 'centos-7', 'opencloudos-9').map((l) => l.to), ['opencloudos-8', 'opencloudos-9']);
  assert.equal(unplannableRoute(catalog, 'centos-7', 'opencloudos-9', { 'opencloudos-8': data.pes, 'opencloudos-9': data.pes }), null);
  const e = unplannableRoute(catalog, 'centos-7', 'opencloudos-9', { 'opencloudos-8': data.pes, 'opencloudos-9': bare });
  assert.ok(isFerryError(e, 'REPOMAP_REQUIRED') && /^hop 2 of 2 \(opencloudos-8 → opencloudos-9\) of the route centos-7 → opencloudos-8 → opencloudos-9: /.test(e.message) && /repomap\.json/.test(e.hint ?? ''), String(e));
  const none = unplannableRoute(catalog, 'centos-7', 'opencloudos-8', {});
  assert.ok(isFerryError(none, 'PES_REQUIRED') && /^Pass --pes opencloudos-8=FILE /.test(none.hint ?? ''), String(none));
});
