// `--pes` for a multi-hop route: one file a hop, named by the hop's target (TARGET=FILE), never silently ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError, type ErrorCode } from '../core/index.js';
import { loadCatalog } from '../catalog/index.js';
import { pesByTarget } from './route.js';

const catalog = loadCatalog();
const isRelease = (id: string): boolean => catalog.hasRelease(id);
const route = { targets: ['rocky-8', 'rocky-9'], crossMajor: ['rocky-8', 'rocky-9'], isRelease };
const direct = { targets: ['rocky-8'], crossMajor: ['rocky-8'], isRelease };

test('pesByTarget: each flag to its hop; a bare file to the only hop; a file whose name has "=" stays a file', () => {
  const cases: [string[], typeof route, Record<string, string>][] = [
    [['rocky-8=/d/pes-8.json', 'rocky-9=/d/pes-9.json'], route, { 'rocky-8': '/d/pes-8.json', 'rocky-9': '/d/pes-9.json' }],
    [['rocky-9=/d/pes.json'], route, { 'rocky-9': '/d/pes.json' }],
    [['/d/pes.json'], direct, { 'rocky-8': '/d/pes.json' }],
    [['rocky-8=/d/pes.json'], direct, { 'rocky-8': '/d/pes.json' }],
    [['/d/a=b.json'], direct, { 'rocky-8': '/d/a=b.json' }],
    [['build=3.json'], direct, { 'rocky-8': 'build=3.json' }],
    // A route with one cross-major hop (a same-major swap first): a bare file is that hop's.
    [['/d/pes.json'], { targets: ['oraclelinux-7', 'oraclelinux-8'], crossMajor: ['oraclelinux-8'], isRelease }, { 'oraclelinux-8': '/d/pes.json' }],
    [[], route, {}],
  ];
  for (const [flags, r, want] of cases) assert.deepEqual(pesByTarget(flags, r), want, flags.join(' '));
});

test('pesByTarget: refused, naming the flag — a bare file for two cross-major hops, a target no hop lands on, two files for one hop', () => {
  const cases: [string[], ErrorCode, RegExp][] = [
    [['/d/pes.json'], 'USAGE', /--pes \/d\/pes\.json: this migration has 2 cross-major hops \(rocky-8, rocky-9\); name the hop/],
    [['almalinux-9=/d/pes.json'], 'PES_UNUSED', /--pes almalinux-9=\/d\/pes\.json: no hop of this migration lands on almalinux-9 \(hops: rocky-8, rocky-9\)/],
    [['rocky-9=/a.json', 'rocky-9=/b.json'], 'USAGE', /--pes names two files for rocky-9: \/a\.json and \/b\.json/],
  ];
  for (const [flags, code, message] of cases) {
    assert.throws(() => pesByTarget(flags, route), (e: unknown) => isFerryError(e, code) && message.test(e.message), flags.join(' '));
  }
});
