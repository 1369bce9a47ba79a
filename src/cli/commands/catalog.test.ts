import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { main } from '../main.js';

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['node', 'ferry', ...args], { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  return { code, out, err };
}

test('catalog list prints every release; --json is an array', async () => {
  const r = await run(['catalog', 'list']);
  assert.equal(r.code, 0);
  assert.match(r.out, /^centos-7\s+CentOS Linux 7\s+L3\s+2014-07-07\s+2024-06-30$/m);
  const j = await run(['--json', 'catalog', 'list']);
  assert.ok(JSON.parse(j.out).some((x: { id: string }) => x.id === 'openeuler-22.03'));
});

test('catalog show names sources; an unknown release is CATALOG_UNKNOWN_RELEASE with suggestions', async () => {
  const r = await run(['catalog', 'show', 'rocky-8']);
  assert.equal(r.code, 0);
  assert.match(r.out, /module platform:\s+platform:el8\s+\[mock:rocky-8\]/);
  assert.match(r.out, /RPM-GPG-KEY-Rocky-8 7051C470A929F454CEBE37B715AF5DAC6D745A60/);
  const bad = await run(['catalog', 'show', 'rocky8']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /CATALOG_UNKNOWN_RELEASE.*rocky-8/);
});

test('catalog lifecycle with a fixed --today, text and SVG/HTML charts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-lc-'));
  const r = await run(['catalog', 'lifecycle', '--today', '2026-11-23', '--svg', join(dir, 'c.svg'), '--html', join(dir, 'c.html')]);
  assert.equal(r.code, 0);
  assert.match(r.out, /^centos-7 .* eol +2014-07-07 → 2024-06-30$/m);
  assert.match(r.out, /^rocky-9 .* full +2022-07-14 → 2032-05-31$/m);
  const svg = readFileSync(join(dir, 'c.svg'), 'utf8');
  assert.match(svg, /^<svg xmlns/);
  assert.match(svg, /centos-7 full support: 2014-07-07 → 2020-08-06/);
  assert.match(readFileSync(join(dir, 'c.html'), 'utf8'), /<svg/);
});

test('catalog paths --from centos-7 and lineage', async () => {
  const r = await run(['--json', 'catalog', 'paths', '--from', 'centos-7']);
  const targets = (JSON.parse(r.out) as { to: string }[]).map((p) => p.to).sort();
  assert.deepEqual(targets, ['almalinux-8', 'anolis-7', 'eurolinux-8', 'opencloudos-7.9', 'opencloudos-8', 'oraclelinux-7', 'oraclelinux-8', 'rocky-8', 'tencentos-2.4']);
  // Each cross-major path says what --pes it needs: the vendor's events the catalog knows of, or an operator's file (and its repomap).
  const leapp = Object.fromEntries((JSON.parse(r.out) as { to: string; leapp?: unknown }[]).map((p) => [p.to, p.leapp ?? null]));
  assert.deepEqual(leapp['rocky-8'], { pes: 'pes:rocky', repoMap: 'leapp-repomap:rocky-el8', operatorPes: false, operatorRepoMap: false });
  assert.deepEqual(leapp['oraclelinux-8'], { pes: null, repoMap: 'leapp-repomap:oraclelinux-el8', operatorPes: true, operatorRepoMap: false });
  assert.deepEqual(leapp['opencloudos-8'], { pes: null, repoMap: null, operatorPes: true, operatorRepoMap: true });
  assert.equal(leapp['tencentos-2.4'], null, 'a same-major path takes no --pes');
  const text = (await run(['catalog', 'paths', '--from', 'centos-7'])).out;
  assert.match(text, /^centos-7 → opencloudos-8 {2}cross-major-pes .*\n {4}needs --pes opencloudos-8=FILE: an operator's file in Leapp's pes-events\.json format \(the catalog's sources have no PES events of opencloudos-8\); repomap: the operator's repomap\.json beside that file/m);
  assert.match(text, /^centos-7 → rocky-8 .*\n {4}needs --pes rocky-8=FILE: the vendor's pes-events\.json \(pes:rocky, /m);
  assert.match((await run(['catalog', 'paths', '--from', 'opencloudos-8'])).out, /^opencloudos-8 → opencloudos-9 .*\n {4}needs --pes opencloudos-9=FILE: an operator's file/m);
  const l = await run(['catalog', 'lineage']);
  assert.match(l.out, /L1 upstream:[^\n]*\n\s+CentOS Stream/);
  assert.match(l.out, /Rocky Linux ← rhel/);
});
