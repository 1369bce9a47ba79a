import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-cli-assess-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const manifest = join(dir, 'm.txt');
writeFileSync(manifest, 'bash-4.4.19-10.el8.x86_64\ncentos-release-8.2-2.2004.0.1.el8.x86_64\nglibc-2.28-101.el8.i686\n');

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['node', 'ferry', ...args], { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  return { code, out, err };
}

test('assess --format json|md|html|text and --out; progress on stderr; --no-progress silences it', async () => {
  const base = ['assess', '--manifest', manifest, '--to', 'rocky-8,almalinux-8', '--today', '2024-06-01'];
  const j = await run([...base, '--format', 'json']);
  assert.equal(j.code, 0, j.err);
  assert.equal(JSON.parse(j.out).formatVersion, 1);
  assert.match(j.err, /ferry: \[facts\] reading package list/);
  assert.match(j.err, /rocky-8: no repository given/);
  const g = await run(['--json', ...base, '--no-progress']);
  assert.deepEqual(Object.keys(JSON.parse(g.out)), Object.keys(JSON.parse(j.out)));
  assert.equal(g.err, '');
  const md = await run([...base, '--format', 'md', '--no-progress']);
  assert.match(md.out, /^# Ferry assessment/);
  const text = await run([...base, '--no-progress']);
  assert.match(text.out, /^Ranking \(1 = best\):$/m);
  const out = join(dir, 'r.html');
  const h = await run([...base, '--format', 'html', '--out', out]);
  assert.equal(h.code, 0);
  assert.match(readFileSync(out, 'utf8'), /^<!DOCTYPE html>/);
  assert.match(h.out, /^Ranking/m, 'a text summary on stdout');
  assert.match(h.err, /wrote the html report to/);
});

test('assess: bad --format, bad --today, two inventories are usage errors', async () => {
  for (const args of [['--format', 'pdf'], ['--today', '2024-13-45'], ['--rpmdb', dir], ['--repo', 'rocky-8']]) {
    const r = await run(['--json', 'assess', '--manifest', manifest, '--to', 'rocky-8', ...args]);
    assert.equal(JSON.parse(r.out).error.code, 'USAGE', `${args.join(' ')}: ${r.out}`);
  }
});
