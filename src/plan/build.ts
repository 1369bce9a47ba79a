/**
 * Builds the plan of a conversion from facts + target (+ assessment findings, + catalog) with the recipe of
 * the path's method (./recipes: a same-major swap, or a cross-major upgrade from the vendor's PES events).
 * Pure: no Transport; what must be learned from the host or the target repositories is passed in.
 *
 * Vendor packages: each role (release, repos, gpg-keys, logos…) is matched on the installed side against
 * the catalog's names for the source and the role's conventional name `<distribution>-<role>` (CentOS 8.2
 * ships `centos-release`, 8.3+ `centos-linux-release`), and on the target side against the catalog's names
 * for the target and `<distribution>-<role>`, kept only when the target repositories carry them.
 */
import { assert, FerryError } from '../core/index.js';
import { isCrossMajor, leappDataText, pathChain, repoMapRefusal, targetRelease, type Catalog, type MigrationPath, type PesEvent, type ReleaseView, type RepoMap } from '../catalog/index.js';
import type { HostFacts } from '../facts/types.js';
import type { Finding } from '../assess/types.js';
import { detectSourceRelease, pesResultFor, vendorSwapPlan } from '../assess/index.js';
import { recipeFor, type RecipeInput } from './recipes/index.js';
import { planId } from './schema.js';
import { PLAN_FORMAT_VERSION, type DnfEnv, type MigrationPlan, type PlanOverride, type TargetKey, type TargetRepo } from './types.js';
import type { SnapshotRequest } from './steps/index.js';

export interface BuildPlanInput {
  facts: HostFacts;
  catalog: Catalog;
  target: string;
  /** The assessment's findings for this target; those in group `inhibitor` stop the plan. */
  findings?: Finding[];
  repos: TargetRepo[];
  /** Names of the packages the target repositories carry (from repoquery). */
  targetAvailable: string[];
  gpgcheck: boolean;
  keys?: TargetKey[];
  overrides?: PlanOverride[];
  /** `--allow-remove` names or globs (recorded in the swap and verify steps). */
  allowRemove?: string[];
  /** `--snapshot`/`--snapshot-command`: default `auto` (the host's own provider when the facts show one). */
  snapshot?: SnapshotRequest;
  /** `--snapshot-retention` in seconds: how long a kept snapshot may stay (SnapshotOptions.retentionSeconds). */
  snapshotRetentionSeconds?: number;
  /** Cross-major paths: the target vendor's PES events (`--pes FILE`); required there, refused elsewhere. */
  pes?: PesEvent[];
  /** The repomap beside the events file (readPesFile), used where the catalog has none for the path. */
  pesRepoMap?: RepoMap;
}

/** The catalog release a host runs, as assess detects it (detectSourceRelease); a plan needs an os-release. */
export function sourceReleaseOf(facts: HostFacts, catalog: Catalog): ReleaseView {
  const os = facts.os;
  if (!os) throw new FerryError('PATH_UNSUPPORTED', `Host ${facts.origin} has no readable os-release`, { hint: 'Check /etc/os-release on the host.' });
  const id = detectSourceRelease(facts, catalog);
  if (id === null) {
    const named = `${os.id}-${os.versionId ?? '?'}`;
    throw new FerryError('CATALOG_UNKNOWN_RELEASE', `Host ${facts.origin} runs ${os.prettyName ?? named} (${named}), which the catalog does not know`);
  }
  return catalog.release(id);
}

/**
 * The vendor swap: what to remove from the host and what to install from the target. The rule is assess's
 * (computeVendorSwap), so the plan does what the assessment's fates predicted.
 */
export function planSwap(input: { catalog: Catalog; source: ReleaseView; target: ReleaseView; installed: Set<string>; available: Set<string>; osId?: string }): { remove: string[]; install: string[] } {
  const { catalog, source, target, installed, available } = input;
  return vendorSwapPlan({ catalog, source: source.id, target: target.id, installed, available, ...(input.osId ? { osId: input.osId } : {}) });
}

/**
 * Refuses (PLAN_INHIBITED) while an inhibitor stands: the assessment's findings in group `inhibitor`, plus
 * a missing catalog path when the assessment did not already report it (`unsupported-path`). Each override
 * must name a standing inhibitor (USAGE otherwise). Returns the overrides.
 */
export function gateInhibitors(input: { facts: HostFacts; source: ReleaseView; target: ReleaseView; path: boolean; findings: readonly Finding[]; overrides: readonly PlanOverride[] }): PlanOverride[] {
  const { facts, source, target } = input;
  const inhibitors = input.findings.filter((f) => f.groups.includes('inhibitor')).map((f) => ({ key: f.key, title: f.title }));
  if (!input.path && !input.findings.some((f) => f.check === 'unsupported-path')) {
    inhibitors.push({ key: `no-migration-path:${source.id}:${target.id}`, title: `The catalog records no migration path ${source.id} → ${target.id}` });
  }
  const overrides = [...input.overrides];
  const standing = inhibitors.filter((i) => !overrides.some((o) => o.findingKey === i.key));
  if (standing.length > 0) {
    throw new FerryError('PLAN_INHIBITED', `Migration of ${facts.origin} to ${target.id} is inhibited by: ${standing.map((i) => `${i.key} (${i.title})`).join('; ')}`, {
      hint: `Resolve them, or override each explicitly with ${standing.map((i) => `--override ${i.key}`).join(' ')}.`,
      details: { inhibitors: standing.map((i) => i.key) },
    });
  }
  const unknown = overrides.filter((o) => !inhibitors.some((i) => i.key === o.findingKey));
  if (unknown.length > 0) {
    throw new FerryError('USAGE', `--override ${unknown.map((o) => o.findingKey).join(', ')} matches no inhibitor of ${facts.origin} → ${target.id}`, {
      hint: inhibitors.length ? `Standing inhibitors: ${inhibitors.map((i) => i.key).join(', ')}` : 'No inhibitor stands; drop --override.',
    });
  }
  return overrides;
}

/**
 * The source and target releases of a conversion and whether the catalog records the path. The path's
 * method picks the recipe (./recipes); a path Ferry cannot plan with what the caller has is refused here
 * (unplannablePath). A path the catalog does not record is an inhibitor (gateInhibitors), planned as a swap
 * only when overridden and the two releases share a base major version.
 */
export function conversionOf(facts: HostFacts, catalog: Catalog, targetId: string, has: PlanInputs = { pes: false }): { source: ReleaseView; target: ReleaseView; path: boolean } {
  const source = sourceReleaseOf(facts, catalog);
  const target = targetRelease(catalog, targetId);
  const unsupported = unplannablePath(catalog, source, target, has);
  if (unsupported) throw unsupported;
  return { source, target, path: catalog.path(source.id, target.id) !== null };
}

/**
 * What a caller can give a plan beyond facts and repositories: the target vendor's PES events (`--pes`), and
 * whether a Leapp repomap lies beside that file (pes.ts repoMapBeside).
 */
export interface PlanInputs {
  pes: boolean;
  repoMap?: boolean;
  /** The file beside the events is no Leapp repomap (readPesFile's repoMapProblem). */
  repoMapProblem?: string;
}

/**
 * Why Ferry cannot plan source → target with `has`, or null when it can: the one answer for plan and rollouts.
 * PATH_UNSUPPORTED (with the paths it can plan) for a path whose method has no recipe; PES_REQUIRED for a
 * cross-major path without the vendor's events (its target package set comes from them), naming the events the
 * catalog knows of for the path or saying it knows none (catalog leappData); REPOMAP_REQUIRED for events whose
 * path has no repomap in the catalog and none beside them: Leapp stops without one (repositoriesmapping:
 * "The repository mapping file not found"), so Ferry does not guess where an event's packages come from;
 * PES_UNUSED for events given for another path (never silently ignored).
 */
export function unplannablePath(catalog: Catalog, source: Pick<ReleaseView, 'id' | 'major'>, target: Pick<ReleaseView, 'id' | 'major'>, has: PlanInputs = { pes: false }): FerryError | null {
  const path = catalog.path(source.id, target.id);
  const plannable = path ? recipeFor(path.method) !== undefined : source.major !== null && source.major === target.major;
  if (!plannable) {
    const what = !path ? 'not a recorded path, and the releases do not share a major version' : `a ${path.method} path, which Ferry has no recipe for`;
    const route = routeFor(catalog, source, target);
    return new FerryError('PATH_UNSUPPORTED', `${source.id} → ${target.id} is ${what}`, {
      hint: `Paths from ${source.id} Ferry can plan: ${catalog.paths({ from: source.id }).filter((p) => recipeFor(p.method)).map((p) => p.to).join(', ') || 'none'}.`
        + (route ? ` ferry plan|migrate take ${target.id} as the route ${[source.id, ...route.map((p) => p.to)].join(' → ')} (one plan, a gate between the hops), as ferry rollout create does.` : ''),
    });
  }
  if (isCrossMajor(path) && !has.pes) {
    return new FerryError('PES_REQUIRED', `${source.id} → ${target.id} is a cross-major upgrade: its target package set comes from ${target.id}'s package-evolution events, and none were given`, {
      hint: `Pass --pes ${target.id}=FILE (ferry assess, plan, migrate and rollout create take it): ${leappDataText(catalog, source.id, target.id)}.`,
    });
  }
  const noMap = isCrossMajor(path) && has.pes ? repoMapRefusal(catalog, source.id, target.id, { repoMap: has.repoMap === true, ...(has.repoMapProblem !== undefined ? { repoMapProblem: has.repoMapProblem } : {}) }) : null;
  if (noMap) return noMap;
  if (!isCrossMajor(path) && has.pes) {
    return new FerryError('PES_UNUSED', `--pes was given, but ${source.id} → ${target.id} is not a cross-major upgrade`, { hint: 'Drop --pes.' });
  }
  return null;
}

/**
 * The hops Ferry plans source → target as one multi-hop plan, or null when it plans the path directly (or
 * not at all: unplannablePath says why). A route is taken only where the catalog records no direct path and
 * the releases do not share a major version (a same-major pair is planned directly, as unplannablePath
 * allows); its hops are the catalog's shortest chain (pathChain) of paths with a recipe.
 */
export function routeFor(catalog: Catalog, source: Pick<ReleaseView, 'id' | 'major'>, target: Pick<ReleaseView, 'id' | 'major'>): MigrationPath[] | null {
  if (catalog.path(source.id, target.id) || (source.major !== null && source.major === target.major)) return null;
  const chain = pathChain(catalog, source.id, target.id, (p) => recipeFor(p.method) !== undefined);
  return chain && chain.length > 1 ? chain : null;
}

/** The PES computation a plan runs on: Leapp's (assess's pesResultFor, as the assessment's fates) on a cross-major path, none elsewhere (unplannablePath settled which). */
export function planPes(input: { facts: HostFacts; catalog: Catalog; source: ReleaseView; target: ReleaseView; pes?: PesEvent[]; pesRepoMap?: RepoMap }): RecipeInput['pes'] {
  const { source, target } = input;
  const path = input.catalog.path(source.id, target.id);
  if (!isCrossMajor(path) || !input.pes) return null;
  return { result: pesResultFor({ facts: input.facts, catalog: input.catalog, source, target, path, events: input.pes, ...(input.pesRepoMap ? { repoMap: input.pesRepoMap } : {}) }), events: input.pes };
}

/** The dnf environment of a target on the host: its release version and platform, the repositories as the host reaches them. */
export function dnfEnvFor(target: ReleaseView, repos: readonly TargetRepo[], gpgcheck: boolean): DnfEnv {
  return { releasever: String(target.major), modulePlatformId: target.modulePlatformId.value ?? null, repos: [...repos], gpgcheck };
}

export function buildPlan(input: BuildPlanInput): MigrationPlan {
  const { facts, catalog } = input;
  const { source, target } = conversionOf(facts, catalog, input.target, { pes: input.pes !== undefined, repoMap: input.pesRepoMap !== undefined });
  const path = catalog.path(source.id, target.id);
  const overrides = gateInhibitors({ facts, source, target, path: path !== null, findings: input.findings ?? [], overrides: input.overrides ?? [] });
  if (input.repos.length === 0) throw new FerryError('USAGE', `No repository for ${target.id}: pass --repo ${target.id}=DIR|URL`);

  const installed = new Set((facts.packages ?? []).map((p) => p.name));
  const available = new Set(input.targetAvailable);
  const swap = planSwap({ catalog, source, target, installed, available, ...(facts.os?.id ? { osId: facts.os.id } : {}) });
  if (swap.install.length === 0) {
    throw new FerryError('NOT_FOUND', `The ${target.id} repositories (${input.repos.map((r) => r.baseurl).join(', ')}) carry no release package of ${target.id}`);
  }
  const dnf = dnfEnvFor(target, input.repos, input.gpgcheck);
  const pes = planPes({ facts, catalog, source, target, ...(input.pes ? { pes: input.pes } : {}), ...(input.pesRepoMap ? { pesRepoMap: input.pesRepoMap } : {}) });
  // conversionOf refused a recorded path without a recipe; an unrecorded one (overridden) is planned as a same-major swap.
  const recipe = recipeFor(path?.method ?? 'same-major-swap');
  assert(recipe, `no recipe for ${path?.method ?? 'same-major-swap'} after conversionOf`);
  const { steps, notes } = recipe({ facts, catalog, source, target, path, swap, available, pes, dnf, keys: input.keys ?? [], allowRemove: input.allowRemove ?? [], snapshot: input.snapshot ?? 'auto', ...(input.snapshotRetentionSeconds ? { snapshotRetentionSeconds: input.snapshotRetentionSeconds } : {}) });
  const plan: Omit<MigrationPlan, 'id'> = {
    formatVersion: PLAN_FORMAT_VERSION, host: facts.origin, source: source.id, sourceName: source.distributionInfo.name,
    target: target.id, targetName: target.distributionInfo.name, method: path?.method ?? null, dnf, overrides, swap, notes, steps,
  };
  return { id: planId(plan), ...plan };
}
