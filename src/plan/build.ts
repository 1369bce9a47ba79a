/**
 * Builds the plan of a same-major conversion from facts + target (+ assessment findings, + catalog). Pure:
 * no Transport; what must be learned from the host or the target repositories is passed in.
 *
 * Vendor packages: each role (release, repos, gpg-keys, logos…) is matched on the installed side against
 * the catalog's names for the source and the role's conventional name `<distribution>-<role>` (CentOS 8.2
 * ships `centos-release`, 8.3+ `centos-linux-release`), and on the target side against the catalog's names
 * for the target and `<distribution>-<role>`, kept only when the target repositories carry them.
 */
import { assert, FerryError } from '../core/index.js';
import { isCrossMajor, targetRelease, type Catalog, type ReleaseView } from '../catalog/index.js';
import type { HostFacts } from '../facts/types.js';
import type { Finding } from '../assess/types.js';
import { detectSourceRelease, vendorSwapPlan } from '../assess/index.js';
import { recipeFor } from './recipes/index.js';
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
 * method decides what kind of plan this is: a same-major swap is planned here; a cross-major upgrade has
 * no recipe yet. A path the catalog does not record is an inhibitor (gateInhibitors), planned as a swap
 * only when overridden and the two releases share a base major version.
 */
export function conversionOf(facts: HostFacts, catalog: Catalog, targetId: string): { source: ReleaseView; target: ReleaseView; path: boolean } {
  const source = sourceReleaseOf(facts, catalog);
  const target = targetRelease(catalog, targetId);
  const unsupported = unplannablePath(catalog, source, target);
  if (unsupported) throw unsupported;
  return { source, target, path: catalog.path(source.id, target.id) !== null };
}

/** Why Ferry cannot plan source → target (PATH_UNSUPPORTED with the paths it can plan), or null when it can: the one answer for plan and rollouts. */
export function unplannablePath(catalog: Catalog, source: Pick<ReleaseView, 'id' | 'major'>, target: Pick<ReleaseView, 'id' | 'major'>): FerryError | null {
  const path = catalog.path(source.id, target.id);
  if (path ? recipeFor(path.method) : source.major !== null && source.major === target.major) return null;
  const what = !path ? 'not a recorded path' : isCrossMajor(path) ? 'a cross-major upgrade' : `a ${path.method} path`;
  // A cross-major path is recorded (assess predicts it from PES events) but has no recipe: say what is missing.
  const missing = path && isCrossMajor(path) ? ` (the Leapp-style upgrade — a target userspace, the offline transaction, first-boot finalization — is not implemented; \`ferry assess --to ${target.id} --pes FILE\` predicts its package fates)` : '';
  return new FerryError('PATH_UNSUPPORTED', `${source.id} → ${target.id} is ${what}; ferry migrate plans same-major swaps only${missing}`, {
    hint: `Paths from ${source.id} Ferry can plan: ${catalog.paths({ from: source.id }).filter((p) => recipeFor(p.method)).map((p) => p.to).join(', ') || 'none'}.`,
  });
}

/** The dnf environment of a target on the host: its release version and platform, the repositories as the host reaches them. */
export function dnfEnvFor(target: ReleaseView, repos: readonly TargetRepo[], gpgcheck: boolean): DnfEnv {
  return { releasever: String(target.major), modulePlatformId: target.modulePlatformId.value ?? null, repos: [...repos], gpgcheck };
}

export function buildPlan(input: BuildPlanInput): MigrationPlan {
  const { facts, catalog } = input;
  const { source, target } = conversionOf(facts, catalog, input.target);
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
  // conversionOf refused a recorded path without a recipe; an unrecorded one (overridden) is planned as a same-major swap.
  const recipe = recipeFor(path?.method ?? 'same-major-swap');
  assert(recipe, `no recipe for ${path?.method ?? 'same-major-swap'} after conversionOf`);
  const { steps, notes } = recipe({ facts, catalog, source, target, path, swap, dnf, keys: input.keys ?? [], allowRemove: input.allowRemove ?? [], snapshot: input.snapshot ?? 'auto', ...(input.snapshotRetentionSeconds ? { snapshotRetentionSeconds: input.snapshotRetentionSeconds } : {}) });
  const plan: Omit<MigrationPlan, 'id'> = {
    formatVersion: PLAN_FORMAT_VERSION, host: facts.origin, source: source.id, sourceName: source.distributionInfo.name,
    target: target.id, targetName: target.distributionInfo.name, method: path?.method ?? null, dnf, overrides, swap, notes, steps,
  };
  return { id: planId(plan), ...plan };
}
