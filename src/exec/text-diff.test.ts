// The unified diff and the three-way merge against the real tools: every diff Ferry prints applies with
// patch(1) to give the new file, and a merge without conflict is the file `git merge-file -p` produces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeThreeWay, unifiedDiff } from './text-diff.js';

const skip = ['patch', 'git'].find((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);

/** A deterministic pseudo-random config file edit. */
function rng(seed: number): () => number {
  let s = seed;
  return () => { s = (s * 1103515245 + 12345) % 2 ** 31; return s / 2 ** 31; };
}
function edit(lines: string[], r: () => number, tag: string): string[] {
  const out = [...lines];
  for (let n = 0; n < 1 + Math.floor(r() * 3); n++) {
    const at = Math.floor(r() * (out.length + 1));
    const kind = r();
    if (kind < 0.4 && out.length) out.splice(Math.min(at, out.length - 1), 1, `${tag}-changed-${n}`);
    else if (kind < 0.7) out.splice(at, 0, `${tag}-added-${n}`);
    else if (out.length) out.splice(Math.min(at, out.length - 1), 1);
  }
  return out;
}
const text = (l: string[]): string => (l.length ? l.join('\n') + '\n' : '');

test('the table: equal files, an edit, an addition at the end, a file emptied', () => {
  assert.equal(unifiedDiff('a\nb\n', 'a\nb\n', { from: 'x', to: 'y' }), '');
  assert.equal(unifiedDiff('a\nb\nc\n', 'a\nB\nc\n', { from: 'x', to: 'y' }), '--- x\n+++ y\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
  assert.equal(unifiedDiff('a\n', 'a\nz\n', { from: 'x', to: 'y' }), '--- x\n+++ y\n@@ -1 +1,2 @@\n a\n+z\n');
  assert.equal(unifiedDiff('a\n', '', { from: 'x', to: 'y' }), '--- x\n+++ y\n@@ -1 +0,0 @@\n-a\n');
  const labels = { ours: 'local', base: 'original', theirs: 'new' };
  assert.deepEqual(mergeThreeWay('a\nb\nc\nd\ne\n', 'A\nb\nc\nd\ne\n', 'a\nb\nc\nd\nE\n', labels), { clean: true, conflicts: 0, text: 'A\nb\nc\nd\nE\n' });
  assert.deepEqual(mergeThreeWay('a\nb\n', 'a\nX\n', 'a\nY\n', labels), { clean: false, conflicts: 1, text: 'a\n<<<<<<< local\nX\n||||||| original\nb\n=======\nY\n>>>>>>> new\n' });
  assert.equal(mergeThreeWay('a\nb\n', 'a\nX\n', 'a\nX\n', labels).text, 'a\nX\n', 'the same change on both sides, once');
});

test('100 random edits: patch(1) applies every diff; clean merges equal git merge-file', { skip: skip ? `no ${skip}` : false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-diff-'));
  try {
    const r = rng(7);
    let merged = 0;
    let compared = 0;
    for (let k = 0; k < 100; k++) {
      const base = Array.from({ length: 3 + Math.floor(r() * 25) }, (_, i) => `line ${i} ${Math.floor(r() * 4)}`);
      const ours = edit(base, r, 'local');
      const theirs = edit(base, r, 'new');
      writeFileSync(join(dir, 'base'), text(base));
      writeFileSync(join(dir, 'file'), text(ours));
      writeFileSync(join(dir, 'theirs'), text(theirs));
      writeFileSync(join(dir, 'p.diff'), unifiedDiff(text(ours), text(theirs), { from: 'file', to: 'file' }));
      const p = spawnSync('patch', ['-s', '--no-backup-if-mismatch', join(dir, 'file'), join(dir, 'p.diff')], { encoding: 'utf8' });
      assert.equal(p.status, 0, `case ${k}: ${p.stdout}${p.stderr}`);
      assert.equal(readFileSync(join(dir, 'file'), 'utf8'), text(theirs), `case ${k}: patched`);
      const m = mergeThreeWay(text(base), text(ours), text(theirs), { ours: 'local', base: 'original', theirs: 'new' });
      writeFileSync(join(dir, 'file'), text(ours));
      const g = spawnSync('git', ['merge-file', '-p', join(dir, 'file'), join(dir, 'base'), join(dir, 'theirs')], { encoding: 'utf8' });
      if (m.clean) {
        merged++;
        assert.equal(g.status, 0, `case ${k}: git merge-file also merges cleanly`);
        compared++;
        assert.equal(m.text, g.stdout, `case ${k}: clean merge`);
      }
    }
    assert.ok(merged > 25 && compared > 20, `${merged} clean merges of 100, ${compared} compared with git`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
