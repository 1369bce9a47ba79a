import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError } from '../core/index.js';
import { selectHosts, splitSelector, type SelectableHost } from './selector.js';

const HOSTS: SelectableHost[] = [
  { name: 'web01', groups: ['web', 'frontend', 'prod'], labels: { env: 'prod', rack: 'r1' }, release: 'centos-8', readiness: { 'rocky-8': 'ready' } },
  { name: 'web02', groups: ['web', 'frontend', 'prod'], labels: { env: 'prod', rack: 'r2' }, release: 'centos-8', readiness: { 'rocky-8': 'risks' } },
  { name: 'web03', groups: ['web', 'frontend', 'staging'], labels: { env: 'staging' }, release: 'centos-stream-8', readiness: { 'rocky-8': 'blocked' } },
  { name: 'db01', groups: ['db', 'prod'], labels: { env: 'prod', rack: 'r1' }, release: 'centos-7', readiness: { 'rocky-8': 'blocked' } },
  { name: 'db02', groups: ['db', 'staging'], labels: {}, release: null },
  { name: 'lonely', groups: [] },
];

const CASES: Array<[string, string[]]> = [
  ['all', ['web01', 'web02', 'web03', 'db01', 'db02', 'lonely']],
  ['*', ['web01', 'web02', 'web03', 'db01', 'db02', 'lonely']],
  ['web', ['web01', 'web02', 'web03']],
  ['ungrouped', ['lonely']],
  ['group:frontend', ['web01', 'web02', 'web03']],
  ['group:st*', ['web03', 'db02']],
  ['web:&prod', ['web01', 'web02']],
  ['web:&prod:!web02', ['web01']],
  ['!prod:web', ['web03']],
  ['web,db', ['web01', 'web02', 'web03', 'db01', 'db02']],
  ['web,&staging', ['web03']],
  ['db01,web01', ['web01', 'db01']],
  ['host:web0[13]', ['web01', 'web03']],
  ['host:db*', ['db01', 'db02']],
  ['web*', ['web01', 'web02', 'web03']],
  ['!web', ['db01', 'db02', 'lonely']],
  ['&prod', ['web01', 'web02', 'db01']],
  ['label:env=prod', ['web01', 'web02', 'db01']],
  ['label:rack', ['web01', 'web02', 'db01']],
  ['label:rack=r1:&web', ['web01']],
  ['label:env=pro*', ['web01', 'web02', 'db01']],
  ['release:centos-8', ['web01', 'web02']],
  ['release:centos-*8', ['web01', 'web02', 'web03']],
  ['release:centos-7,lonely', ['db01', 'lonely']],
  ['readiness:rocky-8=blocked', ['web03', 'db01']],
  ['prod:!readiness:rocky-8=blocked', ['web01', 'web02']],
];
for (const [selector, want] of CASES) {
  test(`selector ${selector}`, () => assert.deepEqual(selectHosts(selector, HOSTS), want));
}

test('splitSelector keeps kind:value terms whole, as Ansible splits on , and :', () => {
  assert.deepEqual(splitSelector('web:&label:env=prod:!host:db*'), ['web', '&label:env=prod', '!host:db*']);
  assert.deepEqual(splitSelector('group:web, release:centos-8'), ['group:web', 'release:centos-8']);
});

const UNKNOWN: Array<[string, RegExp]> = [
  ['wbe', /no host has "wbe"; did you mean .*\bweb\b/],
  ['group:prd', /did you mean prod/],
  ['web:&stagin', /did you mean staging/],
  ['host:web1', /did you mean web01/],
  ['host:xyz*', /no host has "xyz\*"/],
  ['label:evn=prod', /no host has "evn"; did you mean env/],
  ['label:env=prd', /did you mean prod/],
  ['release:centos8', /did you mean centos-8/],
  ['readiness:roky-8=ready', /did you mean rocky-8/],
];
for (const [selector, message] of UNKNOWN) {
  test(`selector ${selector} is SELECTOR_UNKNOWN with close matches`, () => {
    assert.throws(() => selectHosts(selector, HOSTS), (e: unknown) => isFerryError(e, 'SELECTOR_UNKNOWN') && message.test(e.message));
  });
}

test('release and readiness terms say what to run when nothing is collected or assessed yet', () => {
  const bare = HOSTS.map((h) => ({ name: h.name, groups: h.groups }));
  assert.throws(() => selectHosts('release:centos-8', bare), (e: unknown) => isFerryError(e, 'SELECTOR_UNKNOWN') && /collect/.test(e.hint ?? ''));
  assert.throws(() => selectHosts('readiness:rocky-8=ready', bare), (e: unknown) => isFerryError(e, 'SELECTOR_UNKNOWN') && /assess/.test(e.hint ?? ''));
});

const INVALID = ['~web(', '', 'web,,db', 'web:', '&', 'readiness:rocky-8=good', 'readiness:rocky-8', 'group:'];
for (const selector of INVALID) {
  test(`selector ${JSON.stringify(selector)} is SELECTOR_INVALID`, () => {
    assert.throws(() => selectHosts(selector, HOSTS), (e: unknown) => isFerryError(e, 'SELECTOR_INVALID'));
  });
}

test('a group no host is in still counts as known (empty selection, not a typo)', () => {
  assert.deepEqual(selectHosts('empty', HOSTS, { groups: ['empty'] }), []);
});
