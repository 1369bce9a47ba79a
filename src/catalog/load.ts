/**
 * The typed catalog loader. `loadCatalog()` reads and validates every file in ./data (JSON Schema via
 * ajv, all errors reported with their JSON paths, unless these very bytes were validated already: see
 * VALIDATED_RECORD; then cross-references, always: every source id exists, every release id named exists)
 * and returns a `Catalog`. The default catalog is cached.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, closeMatches, compileSchema, FerryError, formatSchemaError } from '../core/index.js';
import { DATA_FILES, type DataFileName } from './schemas.js';
import { computeLifecycle } from './lifecycle.js';
import { loadRepoMap, type RepoMap } from './repomap.js';
import type {
  Distribution, GpgKeyFile, LifecycleStatus, MigrationPath, Release, ReleaseGpgKeys, ReleaseRepos, ReleaseView, RepoMapRef,
  Source, Tier, TierId, VendorMapEntry, VendorPackage, VendorRole,
} from './types.js';

interface RawData {
  sources: { sources: Source[] };
  releases: { tiers: Tier[]; distributions: Distribution[]; releases: Release[] };
  repos: { releases: ReleaseRepos[]; repomaps: RepoMapRef[] };
  gpg: { source: string; keyFiles: GpgKeyFile[]; releases: ReleaseGpgKeys[] };
  vendor: {
    releases: { release: string; packages: VendorPackage[] }[];
    alsoRemove: { names: string[]; to: string; source: string }[];
    crossMaps: { from: string; to: string; name: string; replacedBy: string[]; source: string; note?: string }[];
  };
  paths: { paths: MigrationPath[]; unsourced: { from: string; to: string; note: string }[] };
}

/** A node of the supply-chain lineage: a tier and its distributions, each with its upstream ids. */
export interface LineageTier {
  tier: Tier;
  distributions: { id: string; name: string; upstream: string[]; source: string | null; note?: string }[];
}

export interface Catalog {
  readonly dataDir: string;
  sources(): Source[];
  source(id: string): Source;
  tiers(): Tier[];
  distributions(): Distribution[];
  distribution(id: string): Distribution;
  releases(): ReleaseView[];
  /** Throws FerryError('CATALOG_UNKNOWN_RELEASE') naming close matches. */
  release(id: string): ReleaseView;
  hasRelease(id: string): boolean;
  /** Supported migration paths, optionally filtered by source and/or target release. */
  paths(filter?: { from?: string; to?: string }): MigrationPath[];
  /**
   * The recorded path from → to, or null. Its `method` is the one answer to "is this a same-major swap or a
   * cross-major upgrade" (TencentOS 2.4/3.1 carry their own version numbers on EL7/EL8 bases, so version
   * numbers cannot decide it).
   */
  path(from: string, to: string): MigrationPath | null;
  /** Paths known but not recorded for want of a source. */
  unsourcedPaths(): { from: string; to: string; note: string }[];
  vendorPackages(releaseId: string): VendorPackage[];
  /** What a conversion from → to swaps (by role), replaces (cross-major events) and removes. */
  vendorMap(fromRelease: string, toRelease: string): VendorMapEntry[];
  repos(releaseId: string): ReleaseRepos | undefined;
  /** Leapp repomap files (under ../shared/data) that map `from`'s repositories to `to`'s. */
  repoMapRefs(fromRelease: string, toRelease: string): RepoMapRef[];
  /** The Leapp repomap of from → to, read from the catalog's vendored copy (data/repomaps/), or undefined when Leapp data has none. */
  repoMap(fromRelease: string, toRelease: string): RepoMap | undefined;
  /**
   * The Leapp data the catalog has for a cross-major path from → to: the target vendor's PES events (a source
   * `pes:<distribution>` of the target's distribution, a file under ../shared/data, which Ferry does not ship:
   * the operator passes it with `--pes`) and the path's repomap (vendored). Null where it has none; then the
   * operator's events file is the only one, and the repomap is the one beside it (pes.ts repoMapBeside).
   */
  leappData(fromRelease: string, toRelease: string): { pes: Source | null; repoMap: RepoMapRef | null };
  gpgKeys(releaseId: string): { files: GpgKeyFile[]; unresolved: string[]; source: string | null };
  /** The key file entries, all releases. */
  gpgKeyFiles(): GpgKeyFile[];
  lifecycle(releaseId: string, today: string): LifecycleStatus;
  lineage(): LineageTier[];
}

/**
 * A migration to a new major release (Leapp-style in-place upgrade) rather than a same-major swap: the
 * recorded path's method, the only answer to that question (no path recorded: neither is supported).
 */
export function isCrossMajor(path: { readonly method: string } | null): boolean {
  return path?.method === 'cross-major-pes';
}

/** The release a user named as a target (`--to`); TARGET_UNKNOWN with the close matches otherwise. */
export function targetRelease(catalog: Pick<Catalog, 'hasRelease' | 'release' | 'releases'>, id: string): ReleaseView {
  if (!catalog.hasRelease(id)) {
    const close = closeMatches(id, catalog.releases().map((r) => r.id));
    throw new FerryError('TARGET_UNKNOWN', `Target ${JSON.stringify(id)} is not in the catalog${close.length ? `; did you mean ${close.join(', ')}?` : ''}`, { hint: 'See ferry catalog list.' });
  }
  return catalog.release(id);
}

/** ./data next to this module (a build copies it into dist/ beside the compiled catalog). */
export function defaultDataDir(): string {
  const here = join(import.meta.dirname, 'data');
  if (existsSync(join(here, 'releases.json'))) return here;
  throw new FerryError('CATALOG_INVALID', `The catalog data is missing from ${here}`, { hint: 'A build copies src/catalog/data next to the compiled catalog (npm run build).' });
}

const validators = new Map(Object.entries(DATA_FILES).map(([name, schema]) => [name, compileSchema<unknown>(schema, { strict: false })]));

/** Validates one parsed data file; returns human-readable errors `file: /json/path: message`. */
export function validateDataFile(name: DataFileName, data: unknown): string[] {
  const validator = validators.get(name);
  assert(validator, `no schema for ${name}`);
  return validator.errors(data).map((e) => `${name}: ${formatSchemaError(e)}`);
}

function readText(dir: string, name: string): string {
  const file = join(dir, name);
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new FerryError('IO', `cannot read catalog file ${file}`, { cause });
  }
}

function parseJson(dir: string, name: DataFileName, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new FerryError('CATALOG_INVALID', `${join(dir, name)} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Where a data directory records the digest of data files that passed schema validation (recordValidatedCatalog,
 * run by the build on the copy it ships). Compiling the schemas (ajv generates code per schema) was the largest
 * part of every command's start-up that reads the catalog; the same bytes need not be validated twice. Any other
 * content (an edited file, a directory without the record, the sources under tsx) is validated in full.
 */
const VALIDATED_RECORD = 'validated.json';

/** sha256 over every data file's name and text, in DATA_FILES order. */
function dataDigest(texts: ReadonlyMap<DataFileName, string>): string {
  const h = createHash('sha256');
  for (const [name, text] of texts) h.update(name).update('\0').update(text).update('\0');
  return `sha256:${h.digest('hex')}`;
}

function recordedDigest(dir: string): string | undefined {
  const file = join(dir, VALIDATED_RECORD);
  if (!existsSync(file)) return undefined;
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return v && typeof v === 'object' && 'digest' in v && typeof v.digest === 'string' ? v.digest : undefined;
  } catch {
    return undefined; // an unreadable record: validate
  }
}

/** Every `"source": "<id>"` anywhere in a document, with its JSON path. */
function collectSourceRefs(node: unknown, path: string, out: { path: string; id: string }[]): void {
  if (Array.isArray(node)) node.forEach((v, i) => collectSourceRefs(v, `${path}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'source' && typeof v === 'string') out.push({ path: `${path}/source`, id: v });
      else collectSourceRefs(v, `${path}/${k}`, out);
    }
  }
}

const DATA_FILE_NAMES = Object.keys(DATA_FILES) as DataFileName[];
const readTexts = (dir: string): Map<DataFileName, string> => new Map(DATA_FILE_NAMES.map((name) => [name, readText(dir, name)]));

/** The digest of the data files in `dir`, as recordValidatedCatalog records it. */
export function catalogDigest(dir: string): string {
  return dataDigest(readTexts(dir));
}

function readAll(dir: string, o: { validate?: 'unless-recorded' | 'always' } = {}): { raw: RawData; digest: string } {
  const errors: string[] = [];
  const docs = {} as Record<DataFileName, unknown>;
  const names = DATA_FILE_NAMES;
  const texts = readTexts(dir);
  const digest = dataDigest(texts);
  const validate = o.validate === 'always' || recordedDigest(dir) !== digest;
  for (const name of names) {
    docs[name] = parseJson(dir, name, texts.get(name) ?? '');
    if (validate) errors.push(...validateDataFile(name, docs[name]));
  }
  if (errors.length) throw new FerryError('CATALOG_INVALID', `catalog data in ${dir} does not validate:\n  ${errors.join('\n  ')}`, { details: { errors } });
  const raw: RawData = {
    sources: docs['sources.json'] as RawData['sources'],
    releases: docs['releases.json'] as RawData['releases'],
    repos: docs['repos.json'] as RawData['repos'],
    gpg: docs['gpg-keys.json'] as RawData['gpg'],
    vendor: docs['vendor-packages.json'] as RawData['vendor'],
    paths: docs['paths.json'] as RawData['paths'],
  };
  // Cross-references.
  const sourceIds = new Set(raw.sources.sources.map((s) => s.id));
  const releaseIds = new Set(raw.releases.releases.map((r) => r.id));
  const distIds = new Set(raw.releases.distributions.map((d) => d.id));
  for (const name of Object.keys(DATA_FILES) as DataFileName[]) {
    if (name === 'sources.json') continue;
    const refs: { path: string; id: string }[] = [];
    collectSourceRefs(docs[name], '', refs);
    for (const r of refs) if (!sourceIds.has(r.id)) errors.push(`${name}: ${r.path}: unknown source "${r.id}"`);
  }
  raw.releases.releases.forEach((r, i) => {
    if (!distIds.has(r.distribution)) errors.push(`releases.json: /releases/${i}/distribution: unknown distribution "${r.distribution}"`);
  });
  const checkRelease = (file: string, path: string, id: string) => {
    if (!releaseIds.has(id)) errors.push(`${file}: ${path}: unknown release "${id}"`);
  };
  raw.repos.releases.forEach((r, i) => checkRelease('repos.json', `/releases/${i}/release`, r.release));
  raw.gpg.releases.forEach((r, i) => checkRelease('gpg-keys.json', `/releases/${i}/release`, r.release));
  raw.vendor.releases.forEach((r, i) => checkRelease('vendor-packages.json', `/releases/${i}/release`, r.release));
  raw.paths.paths.forEach((p, i) => {
    checkRelease('paths.json', `/paths/${i}/from`, p.from);
    checkRelease('paths.json', `/paths/${i}/to`, p.to);
  });
  const files = new Set(raw.gpg.keyFiles.map((k) => k.file));
  raw.gpg.releases.forEach((r, i) => r.files.forEach((f, j) => {
    if (!files.has(f)) errors.push(`gpg-keys.json: /releases/${i}/files/${j}: unknown key file "${f}"`);
  }));
  if (errors.length) throw new FerryError('CATALOG_INVALID', `catalog data in ${dir} is inconsistent:\n  ${errors.join('\n  ')}`, { details: { errors } });
  return { raw, digest };
}

/**
 * Validates the data files in `dir` in full (CATALOG_INVALID otherwise) and records their digest there, so a
 * later load of the same bytes skips the schema validation (VALIDATED_RECORD). The build runs it on dist/.
 */
export function recordValidatedCatalog(dir: string): void {
  const { digest } = readAll(dir, { validate: 'always' });
  writeFileSync(join(dir, VALIDATED_RECORD), `${JSON.stringify({ digest }, null, 2)}\n`);
}

function buildCatalog(dataDir: string, raw: RawData): Catalog {
  const dists = new Map(raw.releases.distributions.map((d) => [d.id, d]));
  const views: ReleaseView[] = raw.releases.releases.map((r) => {
    const d = dists.get(r.distribution);
    assert(d, `distribution ${r.distribution} validated`);
    return { ...r, distributionInfo: d };
  });
  const byId = new Map(views.map((v) => [v.id, v]));
  const sources = new Map(raw.sources.sources.map((s) => [s.id, s]));
  const keyFiles = new Map(raw.gpg.keyFiles.map((k) => [k.file, k]));
  const repoMaps = new Map<string, RepoMap>();

  const release = (id: string): ReleaseView => {
    const r = byId.get(id);
    if (r) return r;
    const close = closeMatches(id, [...byId.keys()]);
    throw new FerryError('CATALOG_UNKNOWN_RELEASE', `no release "${id}" in the catalog${close.length ? `; did you mean ${close.join(', ')}?` : ''}`, {
      hint: 'run `ferry catalog list` for every release id',
      details: { release: id, closeMatches: close },
    });
  };
  const vendorPackages = (id: string): VendorPackage[] => {
    release(id);
    return raw.vendor.releases.find((r) => r.release === id)?.packages ?? [];
  };

  return {
    dataDir,
    sources: () => [...sources.values()],
    source: (id) => {
      const s = sources.get(id);
      if (!s) throw new FerryError('NOT_FOUND', `no source "${id}" in the catalog`);
      return s;
    },
    tiers: () => raw.releases.tiers,
    distributions: () => raw.releases.distributions,
    distribution: (id) => {
      const d = dists.get(id);
      if (!d) throw new FerryError('NOT_FOUND', `no distribution "${id}" in the catalog`, { details: { closeMatches: closeMatches(id, [...dists.keys()]) } });
      return d;
    },
    releases: () => views,
    release,
    hasRelease: (id) => byId.has(id),
    paths: (filter = {}) => {
      if (filter.from) release(filter.from);
      if (filter.to) release(filter.to);
      return raw.paths.paths.filter((p) => (!filter.from || p.from === filter.from) && (!filter.to || p.to === filter.to));
    },
    path: (from, to) => {
      release(from);
      release(to);
      return raw.paths.paths.find((p) => p.from === from && p.to === to) ?? null;
    },
    unsourcedPaths: () => raw.paths.unsourced,
    vendorPackages,
    vendorMap: (from, to) => {
      const src = vendorPackages(from);
      const dst = vendorPackages(to);
      const out: VendorMapEntry[] = [];
      const roles = new Set<VendorRole>([...src.map((p) => p.role), ...dst.map((p) => p.role)]);
      const crossed = new Set(raw.vendor.crossMaps.filter((c) => c.from === from && c.to === to).map((c) => c.name));
      for (const role of roles) {
        const f = src.filter((p) => p.role === role && !crossed.has(p.name));
        const t = dst.filter((p) => p.role === role);
        if (f.length === 0 && t.length === 0) continue;
        out.push({ role, from: f.map((p) => p.name), to: t.map((p) => p.name), sources: [...new Set([...f, ...t].map((p) => p.source))] });
      }
      for (const c of raw.vendor.crossMaps.filter((x) => x.from === from && x.to === to)) {
        out.push({ role: null, from: [c.name], to: c.replacedBy, sources: [c.source], ...(c.note ? { note: c.note } : {}) });
      }
      for (const r of raw.vendor.alsoRemove.filter((x) => x.to === to)) {
        out.push({ role: null, from: r.names, to: [], sources: [r.source], note: 'removed on conversion' });
      }
      return out;
    },
    repos: (id) => {
      release(id);
      return raw.repos.releases.find((r) => r.release === id);
    },
    repoMapRefs: (from, to) => {
      release(from);
      release(to);
      return raw.repos.repomaps.filter((m) => m.from === from && m.to === to);
    },
    repoMap: (from, to) => {
      release(from);
      release(to);
      const ref = raw.repos.repomaps.find((m) => m.from === from && m.to === to);
      if (!ref) return undefined;
      const file = join(dataDir, 'repomaps', ref.file.replace(/^leapp\/almalinux-leapp-data-HEAD\/files\//, ''));
      let map = repoMaps.get(file);
      if (!map) repoMaps.set(file, map = loadRepoMap(file));
      return map;
    },
    leappData: (from, to) => {
      release(from);
      const pesSource = sources.get(`pes:${release(to).distribution}`);
      return { pes: pesSource ?? null, repoMap: raw.repos.repomaps.find((m) => m.from === from && m.to === to) ?? null };
    },
    gpgKeys: (id) => {
      release(id);
      const e = raw.gpg.releases.find((r) => r.release === id);
      if (!e) return { files: [], unresolved: [], source: null };
      return { files: e.files.map((f) => keyFiles.get(f)).filter((k): k is GpgKeyFile => k !== undefined), unresolved: e.unresolved, source: e.source };
    },
    gpgKeyFiles: () => raw.gpg.keyFiles,
    lifecycle: (id, today) => computeLifecycle(release(id), today),
    lineage: () => raw.releases.tiers.map((tier) => ({
      tier,
      distributions: raw.releases.distributions
        .filter((d) => d.tier.value === (tier.id as TierId))
        .map((d) => ({ id: d.id, name: d.name, upstream: d.upstream.value ?? [], source: d.tier.source, ...(d.tier.note ? { note: d.tier.note } : {}) })),
    })).concat([{
      tier: { id: 'L4', name: 'unclassified', definition: 'no offline source for the supply-chain relations' } as Tier,
      distributions: raw.releases.distributions.filter((d) => d.tier.value === null)
        .map((d) => ({ id: d.id, name: d.name, upstream: [], source: null, ...(d.tier.note ? { note: d.tier.note } : {}) })),
    }]),
  };
}

let cached: Catalog | undefined;

/** Loads and validates the catalog. Without a `dataDir` the result is cached for the process. */
export function loadCatalog(options: { dataDir?: string } = {}): Catalog {
  if (!options.dataDir && cached) return cached;
  const dir = options.dataDir ?? defaultDataDir();
  const catalog = buildCatalog(dir, readAll(dir).raw);
  if (!options.dataDir) cached = catalog;
  return catalog;
}
