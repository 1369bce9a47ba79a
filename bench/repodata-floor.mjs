/* global performance, Buffer */
// Child process of repodata.bench.mjs: the parts of a Ferry primary parse that are not parsing, each
// measured alone, so the bench can say how much time the 2x target leaves for the parse itself.
//   write <primary.xml> <columns>   parses the file with readPrimary and writes every package as compact
//                                   columns (unique strings, EVRs, dependencies; per-package rows)
//   read <primary.xml>              reads the file as the parse child does (createReadStream, 1 MiB
//                                   chunks) and drops the bytes
//   objects <columns>               loads the columns, then builds the very Package objects readPrimary
//                                   yields (same fields, shared Dep and Evr objects, all kept), no XML
// Prints {ms, packages, deps, files, maxRssKb} as JSON; ms covers the measured part only.
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';

const [mode, file, out] = process.argv.slice(2);
const KINDS = ['provides', 'requires', 'conflicts', 'obsoletes', 'recommends', 'suggests', 'supplements', 'enhances'];
const FLAGS = [undefined, 'EQ', 'LT', 'LE', 'GT', 'GE'];
// Package row: string ids (-1: absent) of these fields, then 8 dependency-list ends and the files end.
const FIELDS = ['name', 'arch', 'version', 'release', 'location', 'locationBase', 'pkgid', 'checksumType', 'summary',
  'description', 'url', 'packager', 'vendor', 'license', 'group', 'buildhost', 'sourcerpm'];
const D = FIELDS.length; // the first dependency-list end in a row
const W = D + KINDS.length + 1;
const NUMS = 6; // epoch, time.file, time.build, size.package, size.installed, size.archive

if (mode === 'write') {
  const { readPrimary } = await import('../dist/rpm/repodata/primary.js');
  const strings = new Map();
  const sid = (s) => {
    if (s === undefined) return -1;
    let id = strings.get(s);
    if (id === undefined) strings.set(s, id = strings.size);
    return id;
  };
  const evrIds = new Map();
  const evrs = [];
  const depIds = new Map();
  const deps = [];
  const rows = [];
  const nums = [];
  const entries = [];
  const files = [];
  const has = [];
  for await (const p of readPrimary(createReadStream(file, { highWaterMark: 1 << 20 }), { name: file })) {
    const row = [sid(p.name), sid(p.arch), sid(p.version), sid(p.release), sid(p.location), sid(p.locationBase),
      sid(p.pkgid), sid(p.checksum?.type), sid(p.summary), sid(p.description), sid(p.url), sid(p.packager),
      sid(p.vendor), sid(p.license), sid(p.group), sid(p.buildhost), sid(p.sourcerpm)];
    for (const kind of KINDS) {
      for (const d of p[kind]) {
        let id = depIds.get(d); // readPrimary shares Dep objects: one row per shared object
        if (id === undefined) {
          let evr = -1;
          if (d.evr !== undefined) {
            evr = evrIds.get(d.evr);
            if (evr === undefined) {
              evrIds.set(d.evr, evr = evrs.length / 3);
              evrs.push(d.evr.epoch, sid(d.evr.version), d.evr.release === undefined ? -1 : sid(d.evr.release));
            }
          }
          depIds.set(d, id = deps.length / 4);
          deps.push(sid(d.name), d.flags === undefined ? 0 : FLAGS.indexOf(d.flags), evr, d.pre ? 1 : 0);
        }
        entries.push(id);
      }
      row.push(entries.length);
    }
    for (const f of p.files) files.push(sid(f));
    row.push(files.length);
    rows.push(...row);
    nums.push(p.epoch, p.time?.file ?? 0, p.time?.build ?? 0, p.size?.package ?? 0, p.size?.installed ?? 0, p.size?.archive ?? 0);
    has.push((p.checksum ? 1 : 0) | (p.time ? 2 : 0) | (p.size ? 4 : 0));
  }
  const bytes = [...strings.keys()].map((s) => Buffer.from(s, 'utf8'));
  const parts = [Int32Array.from(bytes.map((b) => b.length)), Buffer.concat(bytes), Float64Array.from(evrs),
    Int32Array.from(deps), Int32Array.from(rows), Float64Array.from(nums), Int32Array.from(entries),
    Int32Array.from(files), Uint8Array.from(has)];
  const header = Int32Array.from(parts.map((a) => a.byteLength));
  writeFileSync(out, Buffer.concat([Buffer.from(header.buffer), ...parts.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))]));
  console.log(JSON.stringify({ packages: has.length, strings: strings.size, deps: deps.length / 4, evrs: evrs.length / 3 }));
} else if (mode === 'read') {
  const t0 = performance.now();
  let n = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) n += chunk.length;
  console.log(JSON.stringify({ ms: performance.now() - t0, bytes: n, maxRssKb: process.resourceUsage().maxRSS }));
} else if (mode === 'objects') {
  const raw = readFileSync(file);
  const sizes = new Int32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + 36));
  let off = 36;
  const take = (k, T) => {
    const b = raw.buffer.slice(raw.byteOffset + off, raw.byteOffset + off + sizes[k]);
    off += sizes[k];
    return new T(b);
  };
  const lens = take(0, Int32Array);
  const arena = Buffer.from(take(1, Uint8Array).buffer);
  const evrCols = take(2, Float64Array);
  const depCols = take(3, Int32Array);
  const rows = take(4, Int32Array);
  const nums = take(5, Float64Array);
  const entries = take(6, Int32Array);
  const fileIds = take(7, Int32Array);
  const has = take(8, Uint8Array);

  const t0 = performance.now();
  // Strings: each decoded once (what an interning parser does at best).
  const strs = new Array(lens.length);
  for (let i = 0, at = 0; i < lens.length; i++) {
    const end = at + lens[i];
    let high = 0;
    for (let k = at; k < end; k++) high |= arena[k];
    strs[i] = high < 0x80 ? arena.latin1Slice(at, end) : arena.utf8Slice(at, end);
    at = end;
  }
  const s = (id) => (id === -1 ? undefined : strs[id]);
  const evrs = new Array(evrCols.length / 3);
  for (let i = 0; i < evrs.length; i++) {
    const evr = { epoch: evrCols[i * 3], version: strs[evrCols[i * 3 + 1]] };
    if (evrCols[i * 3 + 2] !== -1) evr.release = strs[evrCols[i * 3 + 2]];
    evrs[i] = evr;
  }
  const deps = new Array(depCols.length / 4);
  for (let i = 0; i < deps.length; i++) {
    const dep = { name: strs[depCols[i * 4]] };
    if (depCols[i * 4 + 1] !== 0) dep.flags = FLAGS[depCols[i * 4 + 1]];
    if (depCols[i * 4 + 2] !== -1) dep.evr = evrs[depCols[i * 4 + 2]];
    if (depCols[i * 4 + 3] === 1) dep.pre = true;
    deps[i] = dep;
  }
  const kept = [];
  let e = 0;
  let f = 0;
  const list = (end) => {
    const a = [];
    for (; e < end; e++) a.push(deps[entries[e]]);
    return a;
  };
  let depCount = 0;
  for (let i = 0; i < has.length; i++) {
    const r = i * W;
    const n = i * NUMS;
    const p = {
      name: strs[rows[r]], arch: strs[rows[r + 1]], epoch: nums[n], version: strs[rows[r + 2]],
      release: strs[rows[r + 3]], location: strs[rows[r + 4]],
      provides: list(rows[r + D]), requires: list(rows[r + D + 1]), conflicts: list(rows[r + D + 2]),
      obsoletes: list(rows[r + D + 3]), recommends: list(rows[r + D + 4]), suggests: list(rows[r + D + 5]),
      supplements: list(rows[r + D + 6]), enhances: list(rows[r + D + 7]), files: [],
    };
    for (const end = rows[r + D + 8]; f < end; f++) p.files.push(strs[fileIds[f]]);
    if (rows[r + 5] !== -1) p.locationBase = strs[rows[r + 5]];
    if (has[i] & 1) p.checksum = { type: s(rows[r + 7]) ?? '', value: s(rows[r + 6]) ?? '' };
    if (rows[r + 6] !== -1) p.pkgid = strs[rows[r + 6]];
    p.summary = s(rows[r + 8]);
    p.description = s(rows[r + 9]);
    p.url = s(rows[r + 10]);
    p.packager = s(rows[r + 11]);
    p.vendor = s(rows[r + 12]);
    p.license = s(rows[r + 13]);
    p.group = s(rows[r + 14]);
    p.buildhost = s(rows[r + 15]);
    p.sourcerpm = s(rows[r + 16]);
    if (has[i] & 2) p.time = { file: nums[n + 1], build: nums[n + 2] };
    if (has[i] & 4) p.size = { package: nums[n + 3], installed: nums[n + 4], archive: nums[n + 5] };
    for (const k of KINDS) depCount += p[k].length;
    kept.push(p);
  }
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ ms, packages: kept.length, deps: depCount, files: f, maxRssKb: process.resourceUsage().maxRSS }));
} else {
  console.error('usage: repodata-floor.mjs write <primary.xml> <columns> | read <primary.xml> | objects <columns>');
  process.exit(2);
}
