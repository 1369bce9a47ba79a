/**
 * assessHost: the assess use case. Gather facts (a live host over a transport, an installed root, an rpm
 * database file or a package list), load every target's repositories once (shared across hosts through
 * the repo cache, read while the facts are gathered), then decide with the pure checks of src/assess.
 * Read-only: nothing here changes the host.
 */
import { FerryError, type ProgressOf } from '../core/index.js';
import { loadCatalog, readPesFile, repoMapRefusal, type Catalog } from '../catalog/index.js';
import { collectFacts, readPackageListFile, readRpmdbInventory, type HostFacts } from '../facts/index.js';
import type { Transport } from '../transport/index.js';
import { hostSpecOf, withHost, type HostOptions } from './host.js';
import { assessTargets, detectSourceRelease, sourceMinorVersion } from '../assess/index.js';
import type { Assessment, TargetRepoView } from '../assess/types.js';

export type { Assessment };
/** The package list formats --manifest reads, for the front ends' help. */
export { PACKAGE_LIST_FORMATS } from '../facts/index.js';
import { isUnreadableRepo, type RepoCache } from './repos.js';
import { resolveTargets } from './targets.js';

/** What an assessment tells a watching person: its facts, repository and assessment stages. */
export type AssessProgress = ProgressOf<'facts' | 'repos' | 'assess'>;

export interface AssessHostOptions {
  /** A host to open (openHost: local or SSH, with a root prefix for an image or lab root). */
  host?: HostOptions;
  /** An open transport (the caller keeps ownership and closes it). */
  transport?: Transport;
  /** An rpm database directory or file (Packages, rpmdb.sqlite). */
  rpmdb?: string;
  /** A package list in any of PACKAGE_LIST_FORMATS (a file, or a sosreport directory). */
  manifest?: string;
  /** Facts already gathered (e.g. a stored snapshot). */
  facts?: HostFacts;
  /** Catalog release ids to assess, e.g. ['rocky-8', 'almalinux-8']. */
  targets: readonly string[];
  /** Repository locations (directories or URLs) per target; a target without any is assessed without fates. */
  repos?: Readonly<Record<string, readonly string[]>>;
  catalog?: Catalog;
  /** YYYY-MM-DD (lifecycle is measured from it); default: today in UTC. */
  today?: string;
  repoCache?: RepoCache;
  /**
   * Leapp package-evolution events files (pes-events.json, as shipped by Leapp/ELevate data packages): for
   * cross-major targets, renamed, split, merged and removed packages are predicted from their events.
   * `TARGET=FILE` gives a target its vendor's own file; a bare `FILE` serves every cross-major target
   * without one of its own.
   */
  pes?: string | readonly string[];
  onProgress?: (p: AssessProgress) => void;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The day lifecycle and ranking are judged on: `--today` (YYYY-MM-DD, refused otherwise) or the current UTC day. */
export function assessmentDay(today: string | undefined, now: () => Date = () => new Date()): string {
  const day = today ?? now().toISOString().slice(0, 10);
  if (!DATE.test(day) || Number.isNaN(Date.parse(day))) throw new FerryError('USAGE', `--today ${JSON.stringify(day)} is not YYYY-MM-DD`);
  return day;
}

async function gatherFacts(o: AssessHostOptions, progress: (p: AssessProgress) => void): Promise<HostFacts> {
  const sources = [o.facts, o.transport, o.rpmdb, o.manifest, o.host].filter((x) => x !== undefined);
  if (sources.length !== 1) {
    throw new FerryError('USAGE', sources.length === 0 ? 'Nothing to assess' : 'Give exactly one of a host, --root, --rpmdb or --manifest',
      { hint: 'ferry assess <host|ssh://user@host:port> | --root DIR | --rpmdb FILE | --manifest FILE --to TARGETS' });
  }
  if (o.facts) return o.facts;
  if (o.rpmdb !== undefined) {
    progress({ scope: 'facts', phase: 'read', message: `reading rpm database ${o.rpmdb}` });
    return readRpmdbInventory(o.rpmdb);
  }
  if (o.manifest !== undefined) {
    progress({ scope: 'facts', phase: 'read', message: `reading package list ${o.manifest}` });
    return readPackageListFile(o.manifest);
  }
  if (o.transport) return collectFacts(o.transport, { onProgress: progress });
  return withHost(o.host ?? { host: 'local' }, (transport) => collectFacts(transport, { onProgress: progress }));
}

export async function assessHost(o: AssessHostOptions): Promise<Assessment> {
  const progress = o.onProgress ?? ((): void => {});
  const catalog = o.catalog ?? loadCatalog();
  const targets = resolveTargets(catalog, o.targets, o.repos ?? {}, { ...(o.repoCache ? { cache: o.repoCache } : {}), onProgress: progress });
  // A malformed host spec is refused before anything else happens (no repo read, no connection).
  if (o.host) hostSpecOf(o.host);
  const today = assessmentDay(o.today);
  // A bad events file is refused before any host is contacted.
  const pesFiles = pesSpecs(catalog, o.targets, o.pes);
  const pesLoaded = new Map([...new Set(pesFiles.map((f) => f.file))].map((file) => [file, readPesFile(file)]));
  // Repositories load while the host is scanned; each location is read once per process.
  // One bad mirror leaves its target assessed without repositories (the fate checks "not assessed", with
  // the mirror's error as the reason); the other targets go on.
  const views = targets.map((t) => t.repo().catch((e: unknown): { unreadable: string } => {
    if (!isUnreadableRepo(e)) throw e;
    progress({ scope: 'repos', phase: 'repos', message: `${t.id}: repositories unreadable, assessed without package fates: ${e.message}` });
    return { unreadable: `${e.code}: ${e.message}` };
  }));
  // Keep a failed repo load from being an unhandled rejection while the facts are still being read.
  for (const v of views) v.catch(() => {});
  const facts = await gatherFacts(o, progress);
  const loaded: Array<TargetRepoView | { unreadable: string } | undefined> = await Promise.all(views);
  progress({ scope: 'assess', phase: 'assess', message: `assessing ${facts.packages?.length ?? 0} packages against ${targets.map((t) => t.id).join(', ')}` });
  // The source release as the assessment itself decides it (os-release, else the release package: a bare
  // package list has no os-release).
  const sourceId = detectSourceRelease(facts, catalog);
  const cross = targets.filter((t) => t.crossMajor(sourceId)).map((t) => t.id);
  // --pes is never silently ignored: each file serves a cross-major target, or the run is refused.
  const pesOf = new Map<string, string>();
  for (const id of cross) {
    const file = pesFiles.find((f) => f.target === id)?.file ?? pesFiles.find((f) => f.target === null)?.file;
    if (file !== undefined) pesOf.set(id, file);
  }
  for (const { file, target } of pesFiles) {
    if (![...pesOf.values()].includes(file)) {
      const of = sourceId ?? 'the host (source release unknown)';
      const why = target ? `${target} is not a cross-major upgrade of ${of}` : `no target without its own file (${targets.map((t) => t.id).join(', ')}) is a cross-major upgrade of ${of}`;
      throw new FerryError('PES_UNUSED', `--pes ${target ? `${target}=` : ''}${file} was given, but ${why}`, {
        hint: 'drop that --pes, or name a target of the next major release (ferry catalog paths --from SOURCE lists them)',
      });
    }
  }
  const withoutPes = cross.filter((id) => !pesOf.has(id));
  if (withoutPes.length > 0) {
    progress({ scope: 'assess', phase: 'warning', message: `${withoutPes.join(', ')}: a major upgrade without --pes events: renamed and removed packages are predicted from Obsoletes/Provides only` });
  }
  for (const [id, file] of pesOf) {
    // cross-major implies a known source (the path is recorded from it)
    const read = pesLoaded.get(file);
    const noMap = sourceId ? repoMapRefusal(catalog, sourceId, id, read ?? {}) : null;
    if (noMap) throw noMap;
    const from = sourceId ? sourceMinorVersion(facts, catalog.release(sourceId), catalog) : '?';
    const v = catalog.path(sourceId ?? '', id)?.targetVersion?.value;
    const map = sourceId && !catalog.leappData(sourceId, id).repoMap && read?.repoMap ? `, with the repomap ${read.repoMap.origin}` : '';
    progress({ scope: 'assess', phase: 'assess', message: `PES events: ${file} (${read?.events.length ?? 0} events${map}) applied to ${id} from ${from}${v ? ` up to ${v}` : ''}` });
  }
  return assessTargets({
    facts,
    catalog,
    targets: targets.map((t, i) => {
      const l = loaded[i];
      const file = pesOf.get(t.id);
      const read = file !== undefined ? pesLoaded.get(file) : undefined;
      const route = t.route(sourceId);
      const pes = { ...(read ? { pesEvents: read.events, ...(read.repoMap ? { pesRepoMap: read.repoMap } : {}) } : {}), ...(route ? { route } : {}) };
      if (!l) return { release: t.id, ...pes };
      return 'unreadable' in l ? { release: t.id, repoUnreadable: l.unreadable, ...pes } : { release: t.id, repo: l, ...pes };
    }),
    today,
  });
}

/**
 * `--pes` values: `TARGET=FILE` (TARGET one of the assessed targets: its vendor's own events) or `FILE` (every
 * cross-major target without its own). A prefix that is no catalog release is part of the file name.
 */
export function pesSpecs(catalog: Pick<Catalog, 'hasRelease'>, targets: readonly string[], pes: string | readonly string[] | undefined): { target: string | null; file: string }[] {
  const specs = pes === undefined ? [] : typeof pes === 'string' ? [pes] : pes;
  const out = specs.map((spec) => {
    const eq = spec.indexOf('=');
    const target = eq > 0 ? spec.slice(0, eq) : '';
    if (target && catalog.hasRelease(target)) {
      if (!targets.includes(target)) throw new FerryError('PES_UNUSED', `--pes ${spec}: ${target} is not one of the assessed targets (${targets.join(', ')})`, { hint: `add ${target} to --to, or drop that --pes` });
      return { target, file: spec.slice(eq + 1) };
    }
    return { target: null, file: spec };
  });
  for (const key of new Set(out.map((s) => s.target))) {
    if (out.filter((s) => s.target === key).length > 1) throw new FerryError('USAGE', `--pes given twice for ${key ?? 'every target'}`, { hint: 'one events file per target (TARGET=FILE) and at most one for the others' });
  }
  return out;
}
