/**
 * assessHost: the assess use case. Gather facts (a live host over a transport, an installed root, an rpm
 * database file or a package list), load every target's repositories once (shared across hosts through
 * the repo cache, read while the facts are gathered), then decide with the pure checks of src/assess.
 * Read-only: nothing here changes the host.
 */
import { FerryError, type ProgressOf } from '../core/index.js';
import { loadCatalog, readPesFile, repoMapRefusal, targetRelease, type Catalog } from '../catalog/index.js';
import { collectFacts, readPackageListFile, readRpmdbInventory, type HostFacts } from '../facts/index.js';
import type { Transport } from '../transport/index.js';
import { hostSpecOf, withHost, type HostOptions } from './host.js';
import { assessTargets, detectSourceRelease, sourceMinorVersion } from '../assess/index.js';
import type { Assessment, TargetRepoView } from '../assess/types.js';
import type { HopTarget } from '../assess/index.js';

export type { Assessment };
/** The package list formats --manifest reads, for the front ends' help. */
export { PACKAGE_LIST_FORMATS } from '../facts/index.js';
import { isUnreadableRepo, type RepoCache } from './repos.js';
import { resolveTargets, routeLegs } from './targets.js';
import { pesByTarget, pesSpecs } from './pes-flags.js';

export { pesSpecs };

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
  // `--repo` of a release that is no target is a route hop's (checked once the host's source, so its routes, is known).
  const repos = o.repos ?? {};
  const hopRepos = Object.keys(repos).filter((r) => !o.targets.map((t) => t.trim()).includes(r));
  for (const r of hopRepos) targetRelease(catalog, r);
  const targets = resolveTargets(catalog, o.targets, Object.fromEntries(Object.entries(repos).filter(([r]) => !hopRepos.includes(r))), { ...(o.repoCache ? { cache: o.repoCache } : {}), onProgress: progress });
  // A malformed host spec is refused before anything else happens (no repo read, no connection).
  if (o.host) hostSpecOf(o.host);
  const today = assessmentDay(o.today);
  // A bad events file is refused before any host is contacted; a TARGET= it names is checked once the routes are known.
  const pesFiles = pesSpecs(catalog, catalog.releases().map((r) => r.id), o.pes);
  const pesLoaded = new Map([...new Set(pesFiles.map((f) => f.file))].map((file) => [file, readPesFile(file)]));
  // Repositories load while the host is scanned; each location is read once per process.
  // One bad mirror leaves its target assessed without repositories (the fate checks "not assessed", with
  // the mirror's error as the reason); the other targets go on.
  const contexts = new Map(targets.map((t) => [t.id, t]));
  for (const id of hopRepos) contexts.set(id, resolveTargets(catalog, [id], { [id]: repos[id] }, { ...(o.repoCache ? { cache: o.repoCache } : {}), onProgress: progress })[0]);
  const views = new Map<string, Promise<TargetRepoView | { unreadable: string } | undefined>>();
  const viewOf = (id: string): Promise<TargetRepoView | { unreadable: string } | undefined> => {
    let v = views.get(id);
    if (!v) {
      let t = contexts.get(id);
      if (!t) contexts.set(id, (t = resolveTargets(catalog, [id], {}, { ...(o.repoCache ? { cache: o.repoCache } : {}), onProgress: progress })[0]));
      v = t.repo().catch((e: unknown): { unreadable: string } => {
        if (!isUnreadableRepo(e)) throw e;
        progress({ scope: 'repos', phase: 'repos', message: `${id}: repositories unreadable, assessed without package fates: ${e.message}` });
        return { unreadable: `${e.code}: ${e.message}` };
      });
      // Keep a failed repo load from being an unhandled rejection while the facts are still being read.
      v.catch(() => {});
      views.set(id, v);
    }
    return v;
  };
  for (const id of contexts.keys()) void viewOf(id);
  const facts = await gatherFacts(o, progress);
  // The source release as the assessment itself decides it (os-release, else the release package: a bare
  // package list has no os-release).
  const sourceId = detectSourceRelease(facts, catalog);
  // A target the catalog reaches only by a route is assessed hop by hop (assessRoute), each hop with its own repositories and events.
  const legsOf = new Map(targets.flatMap((t) => (t.route(sourceId) && sourceId ? [[t.id, routeLegs(catalog, sourceId, t.id)] as const] : [])));
  const hopIds = [...new Set([...legsOf.values()].flatMap((legs) => legs.slice(0, -1).map((l) => l.to)))];
  const stray = hopRepos.filter((r) => !hopIds.includes(r));
  if (stray.length) throw new FerryError('USAGE', `--repo names ${JSON.stringify(stray[0])}, which is not one of the targets (${targets.map((t) => t.id).join(', ')}) nor a hop of their routes from ${sourceId ?? 'the host (source release unknown)'}`);
  for (const { target } of pesFiles) {
    if (target !== null && !contexts.has(target) && !hopIds.includes(target)) {
      throw new FerryError('PES_UNUSED', `--pes ${target}=…: ${target} is not one of the assessed targets (${targets.map((t) => t.id).join(', ')})${hopIds.length ? ` nor a hop of their routes (${hopIds.join(', ')})` : ''}`, { hint: `add ${target} to --to, or drop that --pes` });
    }
  }
  const loaded = new Map(await Promise.all([...new Set([...targets.map((t) => t.id), ...hopIds])].map(async (id) => [id, await viewOf(id)] as const)));
  progress({ scope: 'assess', phase: 'assess', message: `assessing ${facts.packages?.length ?? 0} packages against ${targets.map((t) => t.id).join(', ')}` });
  const cross = targets.filter((t) => !legsOf.has(t.id) && t.crossMajor(sourceId)).map((t) => t.id);
  // --pes is never silently ignored: each file serves a cross-major target or hop, or the run is refused.
  const pesOf = new Map<string, string>();
  for (const id of cross) {
    const file = pesFiles.find((f) => f.target === id)?.file ?? pesFiles.find((f) => f.target === null)?.file;
    if (file !== undefined) pesOf.set(id, file);
  }
  // A route's hops take their files as plan takes them (pesByTarget, the one reading; a file of another target is left out).
  const flags = pesFiles.map((f) => (f.target === null ? f.file : `${f.target}=${f.file}`));
  const hopPesOf = new Map([...legsOf].map(([id, legs]) => [id, pesByTarget(catalog, flags, { targets: legs.map((l) => l.to), crossMajor: legs.filter((l) => l.crossMajor).map((l) => l.to) }, 'fleet')]));
  const used = new Set([...pesOf.values(), ...[...hopPesOf.values()].flatMap((m) => Object.values(m))]);
  for (const { file, target } of pesFiles) {
    if (!used.has(file)) {
      const of = sourceId ?? 'the host (source release unknown)';
      const why = target ? `${target} is not a cross-major upgrade of ${of}` : `no target without its own file (${targets.map((t) => t.id).join(', ')}) is a cross-major upgrade of ${of}`;
      throw new FerryError('PES_UNUSED', `--pes ${target ? `${target}=` : ''}${file} was given, but ${why}`, {
        hint: 'drop that --pes, or name a target of the next major release (ferry catalog paths --from SOURCE lists them)',
      });
    }
  }
  const withoutPes = [...cross.filter((id) => !pesOf.has(id)), ...[...legsOf].flatMap(([id, legs]) => legs.filter((l) => l.crossMajor && hopPesOf.get(id)?.[l.to] === undefined).map((l) => `${l.to} (hop of the route to ${id})`))];
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
  // As plan: a hop's events for a path the catalog has no repomap for need the one beside them (named by hop).
  for (const [id, legs] of legsOf) {
    for (const [i, l] of legs.entries()) {
      const file = hopPesOf.get(id)?.[l.to];
      const noMap = l.crossMajor && file !== undefined ? repoMapRefusal(catalog, l.from, l.to, pesLoaded.get(file) ?? {}) : null;
      if (noMap) throw new FerryError(noMap.code, `hop ${i + 1} of ${legs.length} of the route to ${id}: ${noMap.message}`, noMap.hint ? { hint: noMap.hint } : {});
    }
  }
  const hopTarget = (id: string, file: string | undefined): HopTarget => {
    const l = loaded.get(id);
    const read = file !== undefined ? pesLoaded.get(file) : undefined;
    const pes = read ? { pesEvents: read.events, ...(read.repoMap ? { pesRepoMap: read.repoMap } : {}) } : {};
    if (!l) return { release: id, ...pes };
    return 'unreadable' in l ? { release: id, repoUnreadable: l.unreadable, ...pes } : { release: id, repo: l, ...pes };
  };
  return assessTargets({
    facts,
    catalog,
    targets: targets.map((t) => {
      const legs = legsOf.get(t.id);
      if (!legs) return hopTarget(t.id, pesOf.get(t.id));
      const files = hopPesOf.get(t.id) ?? {};
      return { ...hopTarget(t.id, files[t.id]), hops: legs.map((l) => hopTarget(l.to, files[l.to])) };
    }),
    today,
  });
}
