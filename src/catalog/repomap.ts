/**
 * Leapp's repository mapping (repomap.json, the files ELevate's leapp-data ships; the catalog vendors them in
 * data/repomaps/) and the one question Ferry asks of it: which target repoid, if any, a PES event's repository
 * (a PESID) maps to. This is the rule of oamg/leapp-repository@53baea15
 * repos/system_upgrade/common/actors/peseventsscanner/libraries/pes_events_scanner.py get_pesid_to_repoid_map
 * with peseventsscanner_repomap.py RepoMapDataHandler._find_repository_target_equivalent: a PESID maps when the
 * repomap has a repository with that pesid for the target major version, the host's architecture, repo_type
 * `rpm`, the same rhui (none: Ferry plans no cloud RHUI hosts) and the channel wanted (`ga`, else a default
 * channel — `ga`). Leapp also requires the entry's `distro` to be the target distribution; ELevate's files carry
 * no `distro` (its Leapp fork predates the field), so an entry without one matches any distribution.
 * Packages of a PESID that does not map are reported and not installed (replace_pesids_with_repoids_in_packages).
 */
import { readFileSync } from 'node:fs';
import { FerryError } from '../core/index.js';

export interface RepoMapRepository { pesid: string; repoid: string; majorVersion: string; arch: string; channel: string; repoType: string; rhui: string; distro?: string }
export interface RepoMap {
  /** Where it was read from, for messages. */
  origin: string;
  /** source major → target major → source PESID → target PESIDs. */
  mapping: { sourceMajor: string; targetMajor: string; source: string; target: string[] }[];
  repositories: RepoMapRepository[];
}

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: Json): v is string => typeof v === 'string' && v.length > 0;

/** Validates a repomap.json document (format 1.x), collecting every error with its JSON path. */
export function validateRepoMapDocument(doc: Json): string[] {
  if (!isObj(doc)) return ['/: must be an object'];
  const errors: string[] = [];
  if (typeof doc.version_format !== 'string' || !/^1\./.test(doc.version_format)) errors.push(`/version_format: must be "1.x" (got ${JSON.stringify(doc.version_format)})`);
  if (!Array.isArray(doc.mapping)) errors.push('/mapping: must be an array');
  else doc.mapping.forEach((m, i) => {
    const p = `/mapping/${i}`;
    if (!isObj(m)) return void errors.push(`${p}: must be an object`);
    if (!str(m.source_major_version)) errors.push(`${p}/source_major_version: must be a non-empty string`);
    if (!str(m.target_major_version)) errors.push(`${p}/target_major_version: must be a non-empty string`);
    if (!Array.isArray(m.entries)) return void errors.push(`${p}/entries: must be an array`);
    m.entries.forEach((e, j) => {
      if (!isObj(e) || !str(e.source)) errors.push(`${p}/entries/${j}/source: must be a non-empty string`);
      else if (!Array.isArray(e.target) || !e.target.every(str)) errors.push(`${p}/entries/${j}/target: must be an array of non-empty strings`);
    });
  });
  if (!Array.isArray(doc.repositories)) errors.push('/repositories: must be an array');
  else doc.repositories.forEach((r, i) => {
    const p = `/repositories/${i}`;
    if (!isObj(r)) return void errors.push(`${p}: must be an object`);
    if (!str(r.pesid)) errors.push(`${p}/pesid: must be a non-empty string`);
    if (!Array.isArray(r.entries)) return void errors.push(`${p}/entries: must be an array`);
    r.entries.forEach((e, j) => {
      const q = `${p}/entries/${j}`;
      if (!isObj(e)) return void errors.push(`${q}: must be an object`);
      for (const k of ['repoid', 'major_version', 'arch', 'channel', 'repo_type']) if (!str(e[k])) errors.push(`${q}/${k}: must be a non-empty string`);
      for (const k of ['rhui', 'distro']) if (e[k] !== undefined && typeof e[k] !== 'string') errors.push(`${q}/${k}: must be a string when given`);
    });
  });
  return errors;
}

/** Parses a repomap.json document; throws CATALOG_INVALID listing every error with its path. */
export function parseRepoMap(doc: Json, origin: string): RepoMap {
  const errors = validateRepoMapDocument(doc);
  if (errors.length) throw new FerryError('CATALOG_INVALID', `${origin} does not validate as a Leapp repomap:\n  ${errors.slice(0, 30).join('\n  ')}`, { details: { errors } });
  const d = doc as { mapping: { source_major_version: string; target_major_version: string; entries: { source: string; target: string[] }[] }[]; repositories: { pesid: string; entries: Record<string, string | undefined>[] }[] };
  return {
    origin,
    mapping: d.mapping.flatMap((m) => m.entries.map((e) => ({ sourceMajor: m.source_major_version, targetMajor: m.target_major_version, source: e.source, target: [...e.target] }))),
    repositories: d.repositories.flatMap((r) => r.entries.map((e) => ({
      pesid: r.pesid, repoid: String(e.repoid), majorVersion: String(e.major_version), arch: String(e.arch), channel: String(e.channel), repoType: String(e.repo_type),
      // Leapp's loader: rhui defaults to ''.
      rhui: e.rhui ?? '', ...(e.distro !== undefined ? { distro: e.distro } : {}),
    }))),
  };
}

/** Reads and parses a repomap.json file. */
export function loadRepoMap(file: string): RepoMap {
  let doc: Json;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new FerryError('CATALOG_INVALID', `${file} is not a readable Leapp repomap: ${(cause as Error).message}`, { cause, hint: 'the Ferry installation is damaged: reinstall it' });
  }
  return parseRepoMap(doc, file);
}

export interface RepoMapTarget { targetMajor: string; arch: string; distro?: string; channel?: string }

/**
 * The target repoid a PESID maps to for this target, or undefined (_find_repository_target_equivalent from a
 * `ga`, non-RHUI representative repository: the exact channel first, then the default channels, `ga`).
 */
export function targetRepoid(map: RepoMap, pesid: string, t: RepoMapTarget): string | undefined {
  const channel = t.channel ?? 'ga';
  const candidates = map.repositories.filter((r) => r.pesid === pesid && r.majorVersion === t.targetMajor && r.arch === t.arch && r.repoType === 'rpm'
    && r.rhui === '' && (r.distro === undefined || t.distro === undefined || r.distro === t.distro));
  return (candidates.find((r) => r.channel === channel) ?? candidates.find((r) => r.channel === 'ga'))?.repoid;
}

/** The mapper computeTargetPackages takes: PESID → target repoid or undefined. */
export const repoMapper = (map: RepoMap, t: RepoMapTarget) => (pesid: string): string | undefined => targetRepoid(map, pesid, t);
