/**
 * Builds the plan of a same-major conversion from facts + target (+ assessment findings, + catalog). Pure:
 * no Transport; what must be learned from the host or the target repositories is passed in.
 *
 * Vendor packages: each role (release, repos, gpg-keys, logos…) is matched on the installed side against
 * the catalog's names for the source and the role's conventional name `<distribution>-<role>` (CentOS 8.2
 * ships `centos-release`, 8.3+ `centos-linux-release`), and on the target side against the catalog's names
 * for the target and `<distribution>-<role>`, kept only when the target repositories carry them.
 */
import { contentId, FerryError } from '../core/index.js';
import { isCrossMajor, type Catalog, type ReleaseView } from '../catalog/index.js';
import type { HostFacts } from '../facts/types.js';
import type { Finding } from '../assess/types.js';
import { detectSourceRelease, vendorSwapPlan } from '../assess/index.js';
import { PLAN_FORMAT_VERSION, type DnfEnv, type MigrationPlan, type PlanJson, type PlanOverride, type PlanStepSpec, type TargetKey, type TargetRepo } from './types.js';

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
}

/** Source repo ids (catalog) whose files the plan disables when no swapped package owns them. */
const DISK_DEFAULT_NOTE = 'the catalog records no disk needs for this path: pre-flight checks only that the paths exist';

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

function stepSpec(kind: string, title: string, options: PlanJson, pointOfNoReturn = false): PlanStepSpec {
  return { id: contentId('step', { kind, options }), kind, title, options, ...(pointOfNoReturn ? { pointOfNoReturn: true } : {}) };
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
  if (!catalog.hasRelease(targetId)) throw new FerryError('TARGET_UNKNOWN', `Target ${targetId} is not in the catalog`, { hint: 'See ferry catalog list.' });
  const target = catalog.release(targetId);
  const path = catalog.path(source.id, target.id);
  if (path ? isCrossMajor(path) : source.major === null || source.major !== target.major) {
    throw new FerryError('PATH_UNSUPPORTED', `${source.id} → ${target.id} is ${path ? 'a cross-major upgrade' : 'not a recorded path'}; ferry migrate plans same-major swaps only`, {
      hint: `Same-major paths from ${source.id}: ${catalog.paths({ from: source.id }).filter((p) => !isCrossMajor(p)).map((p) => p.to).join(', ') || 'none'}.`,
    });
  }
  return { source, target, path: path !== null };
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
  const notes: string[] = [];
  const dnf: DnfEnv = { releasever: String(target.major), modulePlatformId: target.modulePlatformId.value ?? null, repos: input.repos, gpgcheck: input.gpgcheck };
  const diskMiB = path?.resources?.diskMiB?.value ?? {};
  if (!path?.resources?.diskMiB?.value) notes.push(DISK_DEFAULT_NOTE);
  const srcRepoIds = (catalog.repos(source.id)?.repos ?? []).map((r) => r.id);
  const keys = input.keys ?? [];
  if (keys.length === 0) notes.push(`no GPG key of ${target.id} to import: ${input.gpgcheck ? 'dnf will fail on signed packages' : 'gpgcheck is off for these repositories'}`);
  const sourceKeys = catalog.gpgKeys(source.id).files.flatMap((f) => f.keys.map((k) => k.rpmName));
  const sourceVendor = (facts.packages ?? []).find((p) => swap.remove.includes(p.name) && p.vendor)?.vendor ?? null;
  const targetOsId = target.distribution === 'oraclelinux' ? 'ol' : target.distribution;

  const steps: PlanStepSpec[] = [
    stepSpec('preflight', 'Pre-flight: disk space, rpm lock, target repositories reachable', { diskMiB, dnf }),
    stepSpec('backup', 'Back up repo files, release files, rpmdb, alternatives, /etc/issue', {
      files: ['/etc/os-release', '/usr/lib/os-release', '/etc/redhat-release', '/etc/system-release', '/etc/centos-release', '/etc/issue'],
      dirs: ['/etc/yum.repos.d', '/etc/alternatives', '/etc/dnf/modules.d', '/etc/pki/rpm-gpg', '/var/lib/rpm'],
    }),
    stepSpec('disable-repos', `Disable the ${source.id} repositories`, { repoIds: srcRepoIds, ownedBySwap: swap.remove }),
    stepSpec('import-gpg-keys', `Import the ${target.id} GPG keys (fingerprints verified)`, { keys: keys.map((k) => ({ name: k.name, armored: k.armored, fingerprints: k.fingerprints })) }),
    stepSpec('swap-vendor-packages', `Swap vendor packages: ${swap.remove.join(' ')} → ${swap.install.join(' ')}`, { remove: swap.remove, install: swap.install, dnf }),
    stepSpec('module-streams', 'Reset or remap enabled module streams the target lacks', {
      modules: (facts.modules ?? []).filter((m) => m.state === 'enabled' && m.stream).map((m) => ({ name: m.name, stream: m.stream ?? '' })), dnf,
    }),
    stepSpec('distro-sync', `dnf distro-sync to ${target.id} (point of no return)`, { dnf }, true),
    stepSpec('bootloader', 'Kernel and bootloader: default entry, grub config, BLS, EFI', { bootMode: facts.boot?.mode ?? 'unknown', targetVendorOf: swap.install[0] ?? null }),
    stepSpec('remove-source-keys', `Remove ${source.id} gpg-pubkeys`, { rpmNames: sourceKeys }),
    stepSpec('verify', `Verify the host is ${target.id}`, {
      targetOsId, releasePackages: swap.install.filter((n) => /-release(-el\d+)?$/.test(n)), removed: swap.remove, sourceVendor, dnf,
    }),
  ];
  const plan: Omit<MigrationPlan, 'id'> = {
    formatVersion: PLAN_FORMAT_VERSION, host: facts.origin, source: source.id, sourceName: source.distributionInfo.name,
    target: target.id, targetName: target.distributionInfo.name, method: path?.method ?? null, dnf, overrides, swap, notes, steps,
  };
  return { id: contentId('plan', { host: plan.host, source: source.id, target: target.id, steps: steps.map((s) => s.id), overrides }), ...plan };
}
