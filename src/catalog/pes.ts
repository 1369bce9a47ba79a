/**
 * Package-evolution events (Leapp PES format) and the computation of a target package set from an
 * installed one, reproducing Leapp's peseventsscanner exactly:
 *  - parsing: oamg/leapp-repository@46289e09 repos/system_upgrade/common/actors/peseventsscanner/libraries/pes_event_parsing.py
 *    (parse_entry, parse_packageset, event_by_modulestream_mapping, arch filter in get_pes_events)
 *  - computation: oamg/leapp-repository@0155d09b …/libraries/pes_events_scanner.py (get_relevant_releases,
 *    remove_undesired_events, compute_pkg_changes_between_consequent_releases, compute_packages_on_target_system,
 *    compute_rpm_tasks_from_pkg_set_diff).
 * A package's identity is (name, modulestream); its repository is carried along but ignored by equality,
 * as Leapp's Package.__eq__/__hash__ do. Leapp reads `architectures` and `modulestreams`/`modulestream`
 * only: AlmaLinux's `arches` and `module_stream` keys are ignored by Leapp and therefore here too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FerryError, sha256Hex } from '../core/index.js';
import { parseRepoMap, validateRepoMapDocument, type RepoMap } from './repomap.js';

export enum PesAction { PRESENT = 0, REMOVED = 1, DEPRECATED = 2, REPLACED = 3, SPLIT = 4, MERGED = 5, MOVED = 6, RENAMED = 7 }

/** [module, stream] or null for a non-modular package. */
export type ModuleStream = readonly [string, string] | null;
export interface PesPackage { name: string; repository: string; modulestream: ModuleStream }
/** [major, minor]; (0, 0) when the event has no release (Leapp's parse_release). */
export type PesRelease = readonly [number, number];
export interface PesEvent {
  id: number;
  action: PesAction;
  inPkgs: PesPackage[];
  outPkgs: PesPackage[];
  fromRelease: PesRelease;
  toRelease: PesRelease;
  architectures: string[];
}

/** leapp.libraries.common.config.architecture.ARCH_ACCEPTED */
export const PES_ARCHES = ['x86_64', 'aarch64', 'ppc64le', 's390x'] as const;

// ---- validation + parsing ---------------------------------------------------------------------------

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: Json): v is number => typeof v === 'number' && Number.isInteger(v);

function checkRelease(v: Json, path: string, errors: string[]): void {
  if (v === null || v === undefined) return;
  if (!isObj(v)) return void errors.push(`${path}: must be an object or null`);
  if (!isInt(v.major_version)) errors.push(`${path}/major_version: must be an integer`);
  if (!isInt(v.minor_version)) errors.push(`${path}/minor_version: must be an integer`);
}
function checkMs(v: Json, path: string, errors: string[]): void {
  if (v === null) return;
  if (!isObj(v) || typeof v.name !== 'string' || typeof v.stream !== 'string') errors.push(`${path}: must be {name, stream} or null`);
}
function checkPackageset(v: Json, path: string, errors: string[]): void {
  if (v === null || v === undefined) return;
  if (!isObj(v)) return void errors.push(`${path}: must be an object or null`);
  const pkgs = v.package ?? v.packages ?? [];
  if (!Array.isArray(pkgs)) return void errors.push(`${path}/package: must be an array`);
  pkgs.forEach((p, i) => {
    const pp = `${path}/package/${i}`;
    if (!isObj(p)) return void errors.push(`${pp}: must be an object`);
    if (typeof p.name !== 'string' || !p.name) errors.push(`${pp}/name: must be a non-empty string`);
    if (typeof p.repository !== 'string') errors.push(`${pp}/repository: must be a string`);
    if (p.modulestreams !== undefined && p.modulestreams !== null) {
      if (!Array.isArray(p.modulestreams)) errors.push(`${pp}/modulestreams: must be an array`);
      else p.modulestreams.forEach((m, j) => checkMs(m, `${pp}/modulestreams/${j}`, errors));
    }
    if (p.modulestream !== undefined) checkMs(p.modulestream, `${pp}/modulestream`, errors);
  });
}

/** Validates a PES document, collecting every error with its JSON path. */
export function validatePesDocument(doc: Json): string[] {
  const errors: string[] = [];
  if (!isObj(doc)) return ['/: must be an object'];
  if (!Array.isArray(doc.packageinfo) || doc.packageinfo.length === 0) return ['/packageinfo: must be a non-empty array'];
  doc.packageinfo.forEach((e, i) => {
    const p = `/packageinfo/${i}`;
    if (!isObj(e)) return void errors.push(`${p}: must be an object`);
    // Leapp takes `entry.get('id') or 0` as is; AlmaLinux's file has string ids ('9003') for its 8→9 events.
    if (e.id !== undefined && e.id !== null && !isInt(e.id) && !(typeof e.id === 'string' && /^\d+$/.test(e.id))) errors.push(`${p}/id: must be an integer or a digit string`);
    if (!isInt(e.action) || e.action < 0 || e.action > 7) errors.push(`${p}/action: must be an integer 0..7 (got ${JSON.stringify(e.action)})`);
    checkPackageset(e.in_packageset, `${p}/in_packageset`, errors);
    checkPackageset(e.out_packageset, `${p}/out_packageset`, errors);
    checkRelease(e.initial_release, `${p}/initial_release`, errors);
    checkRelease(e.release, `${p}/release`, errors);
    if (e.architectures !== undefined && e.architectures !== null) {
      if (!Array.isArray(e.architectures)) errors.push(`${p}/architectures: must be an array`);
      else e.architectures.forEach((a, j) => {
        if (!(PES_ARCHES as readonly Json[]).includes(a)) errors.push(`${p}/architectures/${j}: invalid architecture ${JSON.stringify(a)}`);
      });
    }
    if (e.modulestream_maps !== undefined && e.modulestream_maps !== null && !Array.isArray(e.modulestream_maps)) errors.push(`${p}/modulestream_maps: must be an array`);
  });
  return errors;
}

const msKey = (ms: ModuleStream): string => (ms ? `${ms[0]}:${ms[1]}` : '');
const pkgKey = (p: { name: string; modulestream: ModuleStream }): string => `${p.name}\u0000${msKey(p.modulestream)}`;

interface RawPkg { name: string; repository: string; modulestreams: ModuleStream[] }

function parsePackageset(v: Json): RawPkg[] {
  if (!isObj(v)) return [];
  const list = (v.package ?? v.packages ?? []) as Record<string, Json>[];
  const out = new Map<string, RawPkg>();
  for (const p of list) {
    let entries = Array.isArray(p.modulestreams) && p.modulestreams.length ? p.modulestreams : undefined;
    if (!entries && isObj(p.modulestream)) entries = [p.modulestream];
    const mss: ModuleStream[] = entries ? entries.map((m) => (isObj(m) ? [String(m.name), String(m.stream)] as const : null)) : [null];
    const pkg = { name: String(p.name), repository: String(p.repository), modulestreams: mss };
    const key = `${pkg.name}\u0000${mss.map(msKey).join('|')}`;
    if (!out.has(key)) out.set(key, pkg);
  }
  return [...out.values()];
}
const parseRelease = (v: Json): PesRelease => (isObj(v) ? [Number(v.major_version), Number(v.minor_version)] : [0, 0]);

/** parse_entry: one JSON event → one event per (input modulestream → output modulestreams) mapping entry. */
function parseEntry(e: Record<string, Json>): PesEvent[] {
  const id = e.id ? Number(e.id) : 0;
  const action = e.action as PesAction;
  const inRaw = parsePackageset(e.in_packageset);
  const outRaw = parsePackageset(e.out_packageset);
  const fromRelease = parseRelease(e.initial_release);
  const toRelease = parseRelease(e.release);
  const architectures = Array.isArray(e.architectures) ? (e.architectures as string[]) : [];
  const mapping = new Map<string, { from: ModuleStream; to: Map<string, ModuleStream> }>();
  const addMap = (from: ModuleStream, to: ModuleStream) => {
    const m = mapping.get(msKey(from)) ?? { from, to: new Map() };
    m.to.set(msKey(to), to);
    mapping.set(msKey(from), m);
  };
  for (const m of Array.isArray(e.modulestream_maps) ? (e.modulestream_maps as Record<string, Json>[]) : []) {
    const i = m.in_modulestream, o = m.out_modulestream;
    addMap(isObj(i) ? [String(i.name), String(i.stream)] : null, isObj(o) ? [String(o.name), String(o.stream)] : null);
  }
  if (mapping.size === 0) for (const p of inRaw) for (const ms of p.modulestreams) addMap(ms, null);
  const events: PesEvent[] = [];
  for (const { from, to } of mapping.values()) {
    const inPkgs = dedupe(inRaw.filter((p) => p.modulestreams.some((ms) => msKey(ms) === msKey(from))).map((p) => ({ name: p.name, repository: p.repository, modulestream: from })));
    const outPkgs: PesPackage[] = [];
    for (const p of outRaw) {
      const hit = p.modulestreams.find((ms) => to.has(msKey(ms)));
      if (hit === undefined) continue; // not part of this mapping entry
      outPkgs.push({ name: p.name, repository: p.repository, modulestream: hit });
    }
    events.push({ id, action, inPkgs, outPkgs: dedupe(outPkgs), fromRelease, toRelease, architectures });
  }
  return events;
}
function dedupe(pkgs: PesPackage[]): PesPackage[] {
  const m = new Map<string, PesPackage>();
  for (const p of pkgs) if (!m.has(pkgKey(p))) m.set(pkgKey(p), p);
  return [...m.values()];
}

/** Parses a PES document (already JSON-parsed); throws PES_INVALID listing every error with its path. */
export function parsePesEvents(doc: Json, origin = 'PES events'): PesEvent[] {
  const errors = validatePesDocument(doc);
  if (errors.length) {
    throw new FerryError('PES_INVALID', `${origin} does not validate:\n  ${errors.slice(0, 50).join('\n  ')}${errors.length > 50 ? `\n  … ${errors.length - 50} more` : ''}`, {
      details: { errors },
    });
  }
  return ((doc as { packageinfo: Record<string, Json>[] }).packageinfo).flatMap(parseEntry);
}

/**
 * A PES events file as read: its events, the Leapp repomap beside it when there is one (repoMapBeside), and the
 * sha256 of the bytes they were parsed from (the events file's alone, or with a repomap the events file's bytes,
 * a NUL, and the repomap's: either changed is PES_CHANGED). A repomap beside the events that is not one (not
 * JSON, not Leapp's format 1.x) is `repoMapProblem`: refused where the path needs it (leapp-data.ts
 * repoMapRefusal), not where the catalog's own repomap serves (an /etc/leapp/files of another Leapp's data).
 */
export interface PesFile { file: string; sha256: string; events: PesEvent[]; repoMap?: RepoMap; repoMapProblem?: string }

/**
 * Where the repomap of an operator's events file is: `repomap.json` in the same directory, as Leapp reads its
 * data from /etc/leapp/files (pes-events.json and repomap.json side by side, both from the vendor's
 * leapp-upgrade data package). Used where the catalog has no repomap for the path (pesRepoMap).
 */
export function repoMapBeside(file: string): string {
  return join(dirname(file), 'repomap.json');
}

function readBytes(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new FerryError('PES_INVALID', `${what} ${file} cannot be read: ${(cause as Error).message}`, { cause });
  }
}

function parseJson(bytes: Buffer, file: string): Json {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    // V8 quotes the text it failed on; a file named by mistake (or through the API) is not shown back.
    throw new FerryError('PES_INVALID', `${file} is not readable JSON: ${(cause as Error).message.replace(/, ".*" is not valid JSON$/s, ' (not valid JSON)')}`);
  }
}

/**
 * Reads and parses a PES JSON file, once, with the repomap beside it when there is one: the events, the map and
 * the digest come from the same bytes. With `sha256`, the bytes must be those (a rollout's or a route's recorded
 * file): PES_CHANGED otherwise, before anything of the file is parsed or shown.
 */
export function readPesFile(file: string, sha256?: string): PesFile {
  const bytes = readBytes(file, 'PES events');
  const mapFile = repoMapBeside(file);
  const mapBytes = existsSync(mapFile) ? readBytes(mapFile, 'The repomap beside PES events') : undefined;
  const digest = sha256Hex(mapBytes ? Buffer.concat([bytes, Buffer.from([0]), mapBytes]) : bytes);
  if (sha256 !== undefined && digest !== sha256) {
    throw new FerryError('PES_CHANGED', `PES events ${file}${mapBytes ? ` (with ${mapFile})` : ''} changed since they were recorded (sha256 ${sha256.slice(0, 12)}…, now ${digest.slice(0, 12)}…)`, {
      hint: 'Put the original file back, or plan again (a rollout: create a new one) with the new events.',
    });
  }
  const events = parsePesEvents(parseJson(bytes, file), file);
  if (!mapBytes) return { file, sha256: digest, events };
  let doc: Json;
  try {
    doc = parseJson(mapBytes, mapFile);
  } catch (e) {
    return { file, sha256: digest, events, repoMapProblem: (e as Error).message };
  }
  const errors = validateRepoMapDocument(doc);
  if (errors.length) return { file, sha256: digest, events, repoMapProblem: `${mapFile} (beside PES events ${file}) does not validate as a Leapp repomap:\n  ${errors.slice(0, 30).join('\n  ')}` };
  return { file, sha256: digest, events, repoMap: parseRepoMap(doc, mapFile) };
}

/** Reads and parses a PES JSON file (readPesFile's events). */
export function loadPesEvents(file: string): PesEvent[] {
  return readPesFile(file).events;
}

// ---- computation ------------------------------------------------------------------------------------

/** A set of packages keyed like Leapp's Package (name, modulestream); the repository rides along. */
type PkgSet = Map<string, PesPackage>;
const setOf = (pkgs: Iterable<PesPackage>): PkgSet => {
  const s: PkgSet = new Map();
  for (const p of pkgs) if (!s.has(pkgKey(p))) s.set(pkgKey(p), p);
  return s;
};
/** Python set.union: keeps a's element when both hold an equal one. */
const union = (a: PkgSet, b: Iterable<PesPackage>): PkgSet => {
  const s = new Map(a);
  for (const p of b) if (!s.has(pkgKey(p))) s.set(pkgKey(p), p);
  return s;
};
const difference = (a: PkgSet, b: Iterable<PesPackage>): PkgSet => {
  const s = new Map(a);
  for (const p of b) s.delete(pkgKey(p));
  return s;
};
const cmpRelease = (a: PesRelease, b: PesRelease): number => a[0] - b[0] || a[1] - b[1];
const parseVersion = (v: string): PesRelease => {
  const m = /^(\d+)\.(\d+)$/.exec(v);
  if (!m) throw new FerryError('USAGE', `version "${v}" is not MAJOR.MINOR`);
  return [Number(m[1]), Number(m[2])];
};

/** get_relevant_releases: to_releases with source < r <= target, sorted. */
export function relevantReleases(events: PesEvent[], source: string, target: string): PesRelease[] {
  const s = parseVersion(source), t = parseVersion(target);
  const seen = new Map<string, PesRelease>();
  for (const e of events) seen.set(e.toRelease.join('.'), e.toRelease);
  return [...seen.values()].filter((r) => cmpRelease(r, s) > 0 && cmpRelease(r, t) <= 0).sort(cmpRelease);
}

/** remove_undesired_events: drop irrelevant releases; of events sharing from_release and in_pkgs keep the single latest. */
export function removeUndesiredEvents(events: PesEvent[], releases: PesRelease[]): PesEvent[] {
  const relevant = new Set(releases.map((r) => r.join('.')));
  const groups = new Map<string, PesEvent[]>();
  for (const e of events) {
    if (!relevant.has(e.toRelease.join('.'))) continue;
    const key = `${e.fromRelease.join('.')}|${e.inPkgs.map(pkgKey).sort().join('|')}`;
    const g = groups.get(key) ?? [];
    g.push(e);
    groups.set(key, g);
  }
  const out: PesEvent[] = [];
  for (const g of groups.values()) {
    if (g.length === 1) { out.push(g[0]); continue; }
    const max = g.reduce((m, e) => (cmpRelease(e.toRelease, m) > 0 ? e.toRelease : m), g[0].toRelease);
    const latest = g.filter((e) => cmpRelease(e.toRelease, max) === 0);
    if (latest.length === 1) out.push(latest[0]);
    else out.push(...g);
  }
  return out;
}

export interface PesInput {
  /** Installed (distribution-signed) packages: name, the repoid they came from, and module:stream if modular. */
  installed: { name: string; repository: string; modulestream?: ModuleStream }[];
  events: PesEvent[];
  /** Source and target OS versions as MAJOR.MINOR, e.g. '7.9' → '8.10'. */
  source: string;
  target: string;
  arch: string;
  /** Names whose events Leapp filters out (remove_leapp_related_events); default none. */
  excludeEventsTouching?: string[];
  /**
   * The target repoid a PES repository (PESID) maps to, or undefined (Leapp's repomap, ./repomap.ts repoMapper).
   * Given, packages the events put in a PESID that does not map are dropped from the target and listed in
   * `unmapped`, as Leapp's replace_pesids_with_repoids_in_packages does; absent, every PESID is kept as is.
   */
  mapRepository?: (pesid: string) => string | undefined;
}

export interface PesResult {
  releases: string[];
  /** Computed packages of the target system (repository = PES id for packages an event touched). */
  target: PesPackage[];
  toInstall: string[];
  toRemove: string[];
  /** module:stream to enable (from target packages not demodularized). */
  modulesToEnable: string[];
  demodularized: string[];
  /** Ids of the events that changed the set, in application order. */
  applied: number[];
  /** Packages the events put in a repository the repomap does not map (Leapp: "Packages from unknown repositories may not be installed"). */
  unmapped: { name: string; repository: string }[];
}

/** Applies the events of one release (compute_pkg_changes_between_consequent_releases). */
function applyRelease(installed: PkgSet, events: PesEvent[], release: PesRelease, seen: PkgSet, demod: PkgSet, applied: number[]): [PkgSet, PkgSet] {
  let target: PkgSet = new Map(installed);
  for (const e of events) {
    if (cmpRelease(e.toRelease, release) !== 0) continue;
    if (e.action === PesAction.PRESENT) {
      for (const p of e.inPkgs) {
        if (seen.has(pkgKey(p))) {
          target.delete(pkgKey(p));
          target.set(pkgKey(p), p);
        }
      }
    } else if (e.action === PesAction.DEPRECATED) {
      if (e.inPkgs.some((p) => installed.has(pkgKey(p)))) {
        target = union(difference(target, e.inPkgs), e.inPkgs);
      }
    } else {
      const all = e.inPkgs.every((p) => installed.has(pkgKey(p)));
      const any = e.inPkgs.some((p) => installed.has(pkgKey(p)));
      if (all || (e.action === PesAction.MERGED && any)) {
        target = union(difference(difference(target, e.inPkgs), e.outPkgs), e.outPkgs);
        applied.push(e.id);
      }
    }
    demod = difference(demod, e.inPkgs);
  }
  return [target, demod];
}

const pkgsKey = (pkgs: PesPackage[]): string => pkgs.map(pkgKey).sort().join('|');
/** The canonical order of PES events (release, id, action, packages): computeTargetPackages applies them in it, and the assessment's fates read them in it. */
export const comparePesEvents = (a: PesEvent, b: PesEvent): number => cmpRelease(a.toRelease, b.toRelease) || cmpRelease(a.fromRelease, b.fromRelease)
  || a.id - b.id || a.action - b.action || pkgsKey(a.inPkgs).localeCompare(pkgsKey(b.inPkgs)) || pkgsKey(a.outPkgs).localeCompare(pkgsKey(b.outPkgs));

/** Computes the target package set as Leapp's peseventsscanner does (the repoid mapping step when `mapRepository` is given). */
export function computeTargetPackages(input: PesInput): PesResult {
  const excluded = new Set(input.excludeEventsTouching ?? []);
  // Leapp applies a release's events in file order, so two events on one package (a removal and a
  // replacement both reaching 8.0) give a result that depends on the file's order. Ferry applies them in a
  // canonical order instead (release, id, action, packages): the same events give the same target however
  // the file lists them.
  let events = [...input.events].sort(comparePesEvents).filter((e) => e.architectures.length === 0 || e.architectures.includes(input.arch));
  const releases = relevantReleases(events, input.source, input.target);
  const source = setOf(input.installed.map((p) => ({ name: p.name, repository: p.repository, modulestream: p.modulestream ?? null })));
  events = events.filter((e) => !e.inPkgs.some((p) => excluded.has(p.name)));
  events = removeUndesiredEvents(events, releases);

  const sourceMajor = parseVersion(input.source)[0];
  let seen: PkgSet = new Map(source);
  let target: PkgSet = new Map(source);
  let demod: PkgSet = new Map();
  let crossed = false;
  const applied: number[] = [];
  for (const r of releases) {
    if (!crossed && r[0] > sourceMajor) {
      crossed = true;
      demod = new Map([...target].filter(([, p]) => p.modulestream !== null));
    }
    [target, demod] = applyRelease(target, events, r, seen, demod, applied);
    seen = union(seen, target.values());
  }
  const demodularized = [...demod.values()].map((p) => ({ ...p, modulestream: null }));
  const computed = union(difference(target, demod.values()), demodularized);
  // replace_pesids_with_repoids_in_packages: a package whose repository is no source repoid carries a PESID.
  const sourceRepos = new Set([...source.values()].map((p) => p.repository));
  const unmapped: PesPackage[] = [];
  const finalSet: PkgSet = new Map();
  for (const [k, p] of computed) {
    if (!input.mapRepository || sourceRepos.has(p.repository)) { finalSet.set(k, p); continue; }
    const repoid = input.mapRepository(p.repository);
    if (repoid === undefined) unmapped.push(p);
    else finalSet.set(k, { ...p, repository: repoid });
  }
  const srcNames = new Set([...source.values()].map((p) => p.name));
  const dstNames = new Set([...finalSet.values()].map((p) => p.name));
  const withoutDemod = difference(finalSet, demod.values());
  return {
    releases: releases.map((r) => r.join('.')),
    target: [...finalSet.values()].sort((a, b) => a.name.localeCompare(b.name) || msKey(a.modulestream).localeCompare(msKey(b.modulestream))),
    toInstall: [...dstNames].filter((n) => !srcNames.has(n)).sort(),
    toRemove: [...srcNames].filter((n) => !dstNames.has(n)).sort(),
    modulesToEnable: [...new Set([...withoutDemod.values()].filter((p) => p.modulestream).map((p) => msKey(p.modulestream)))].sort(),
    demodularized: [...demod.values()].map((p) => `${p.name}@${msKey(p.modulestream)}`).sort(),
    applied,
    unmapped: unmapped.map((p) => ({ name: p.name, repository: p.repository })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}
