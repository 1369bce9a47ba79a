/**
 * Line diffs of configuration files, as the operator merges them: a unified diff (`diff -u` format) and a
 * three-way merge of the packaged original, the local version and the new package's (diff3 -m / git
 * merge-file semantics: changes on one side are taken, the same change on both sides once, overlapping or
 * adjacent different changes are a conflict with markers). Pure. Files beyond MAX_DIFF_LINES are not diffed
 * (the quadratic LCS would stall the controller): the caller says so.
 */

export const MAX_DIFF_LINES = 20_000;

type Op = '=' | '-' | '+';
interface Edit { op: Op; line: string }

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The shortest edit script from `a` to `b` (longest common subsequence of lines). */
function diffLines(a: readonly string[], b: readonly string[]): Edit[] {
  // common prefix and suffix first: configuration edits are local, so the table stays small
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const x = a.slice(pre, a.length - suf);
  const y = b.slice(pre, b.length - suf);
  const w = y.length + 1;
  const lcs = new Uint32Array((x.length + 1) * w);
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      lcs[i * w + j] = x[i] === y[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  const out: Edit[] = a.slice(0, pre).map((line) => ({ op: '=', line }));
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) { out.push({ op: '=', line: x[i] }); i++; j++; }
    // deletions before insertions, as diff -u prints a changed line
    else if (i < x.length && (j === y.length || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) { out.push({ op: '-', line: x[i] }); i++; }
    else { out.push({ op: '+', line: y[j] }); j++; }
  }
  for (const line of a.slice(a.length - suf)) out.push({ op: '=', line });
  return out;
}

/** True when both texts are small enough to diff. */
export function diffable(...texts: string[]): boolean {
  return texts.every((t) => splitLines(t).length <= MAX_DIFF_LINES);
}

/** `diff -u` of `a` (labelled `from`) to `b` (`to`) with `context` lines (default 3); '' when they are equal. */
export function unifiedDiff(a: string, b: string, o: { from: string; to: string; context?: number }): string {
  const edits = diffLines(splitLines(a), splitLines(b));
  const ctx = o.context ?? 3;
  const changed = edits.map((e, k) => (e.op !== '=' ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return '';
  // hunks: runs of edits whose changes are at most 2*ctx unchanged lines apart
  const ranges: Array<[number, number]> = [];
  for (const k of changed) {
    const last = ranges[ranges.length - 1];
    if (last && k - last[1] <= 2 * ctx + 1) last[1] = k; else ranges.push([k, k]);
  }
  // line numbers before each edit
  const at: Array<[number, number]> = [];
  let na = 1;
  let nb = 1;
  for (const e of edits) { at.push([na, nb]); if (e.op !== '+') na++; if (e.op !== '-') nb++; }
  const lines = [`--- ${o.from}`, `+++ ${o.to}`];
  for (const [s, e] of ranges) {
    const from = Math.max(0, s - ctx);
    const to = Math.min(edits.length - 1, e + ctx);
    const part = edits.slice(from, to + 1);
    const countA = part.filter((x) => x.op !== '+').length;
    const countB = part.filter((x) => x.op !== '-').length;
    const startA = countA === 0 ? at[from][0] - 1 : at[from][0];
    const startB = countB === 0 ? at[from][1] - 1 : at[from][1];
    lines.push(`@@ -${startA}${countA === 1 ? '' : `,${countA}`} +${startB}${countB === 1 ? '' : `,${countB}`} @@`);
    for (const x of part) lines.push(`${x.op === '=' ? ' ' : x.op}${x.line}`);
  }
  return lines.join('\n') + '\n';
}

/** A change of one side against the base: base lines [start, end) become `lines`. */
interface Hunk { start: number; end: number; lines: string[] }

function hunksOf(base: readonly string[], side: readonly string[]): Hunk[] {
  const out: Hunk[] = [];
  let pos = 0;
  let cur: Hunk | undefined;
  for (const e of diffLines(base, side)) {
    if (e.op === '=') { if (cur) { out.push(cur); cur = undefined; } pos++; continue; }
    cur ??= { start: pos, end: pos, lines: [] };
    if (e.op === '-') { cur.end++; pos++; } else cur.lines.push(e.line);
  }
  if (cur) out.push(cur);
  return out;
}

export interface MergeResult {
  /** No conflict: `text` is the merged file. */
  clean: boolean;
  conflicts: number;
  /** The merge; conflicts marked as `git merge-file --diff3` marks them, with the labels given. */
  text: string;
}

/** Three-way merge of `ours` and `theirs`, both changed from `base`. */
export function mergeThreeWay(base: string, ours: string, theirs: string, labels: { ours: string; base: string; theirs: string }): MergeResult {
  const b = splitLines(base);
  const sides = [hunksOf(b, splitLines(ours)), hunksOf(b, splitLines(theirs))];
  const out: string[] = [];
  let conflicts = 0;
  let pos = 0;
  const idx = [0, 0];
  const regionText = (hunks: Hunk[], start: number, end: number): string[] => {
    const r: string[] = [];
    let p = start;
    for (const h of hunks) { r.push(...b.slice(p, h.start), ...h.lines); p = h.end; }
    return [...r, ...b.slice(p, end)];
  };
  while (idx[0] < sides[0].length || idx[1] < sides[1].length) {
    const next = [0, 1].filter((s) => idx[s] < sides[s].length).sort((s, t) => sides[s][idx[s]].start - sides[t][idx[t]].start)[0];
    const start = sides[next][idx[next]].start;
    let end = start;
    const taken: Hunk[][] = [[], []];
    // grow the region while a hunk of either side starts inside it or touches its end
    for (let grew = true; grew;) {
      grew = false;
      for (const s of [0, 1]) {
        while (idx[s] < sides[s].length && sides[s][idx[s]].start <= end) {
          const h = sides[s][idx[s]++];
          taken[s].push(h);
          if (h.end > end) end = h.end;
          grew = true;
        }
      }
    }
    out.push(...b.slice(pos, start));
    const mine = regionText(taken[0], start, end);
    const theirsText = regionText(taken[1], start, end);
    if (taken[1].length === 0) out.push(...mine);
    else if (taken[0].length === 0) out.push(...theirsText);
    else if (mine.join('\n') === theirsText.join('\n')) out.push(...mine);
    else {
      conflicts++;
      out.push(`<<<<<<< ${labels.ours}`, ...mine, `||||||| ${labels.base}`, ...b.slice(start, end), '=======', ...theirsText, `>>>>>>> ${labels.theirs}`);
    }
    pos = end;
  }
  out.push(...b.slice(pos));
  return { clean: conflicts === 0, conflicts, text: out.length ? out.join('\n') + '\n' : '' };
}
