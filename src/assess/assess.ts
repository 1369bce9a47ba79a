/**
 * assessTargets: for each candidate target, per-package fates (when its repository metadata is given)
 * and every check, then the ranking. Pure: facts, catalog and repo views in, an Assessment out.
 */
import type { Catalog, MigrationPath, PesEvent, PesResult, ReleaseView, RepoMap } from '../catalog/index.js';
import { computeTargetPackages, isCrossMajor, repoMapper } from '../catalog/index.js';
import type { HostFacts, InstalledPackage } from '../facts/types.js';
import { relationKey, type PackageDependencies } from '../facts/index.js';
import { assert, isFerryError, redact } from '../core/index.js';
import { compareEvr } from '../rpm/evr.js';
import { INSTALLONLY_PROVIDES } from '../rpm/installonly.js';
import { rpmIsa } from '../rpm/arch.js';
import type { Pool } from '../rpm/pool.js';
import { CHECKS } from './checks/index.js';
import { computeFates, countFates, crossMajorTransaction, withAssumedEpochs, type FateInput } from './fates.js';
import { predictMigration, type PredictedChange, type PredictInput, type Prediction } from './predict.js';
import { predictedFacts } from './predicted-facts.js';
import { multiHopRouteFinding } from './checks/unsupported-path.js';
import { detectSourceVendor } from './origin.js';
import { rankTargets } from './rank.js';
import { detectSourceRelease } from './source.js';
import { ASSESSMENT_FORMAT_VERSION, type Assessment, type Check, type HopAssessment, type NotAssessed, type PackageFate, type TargetAssessment, type TargetRepoView } from './types.js';
import { availableNames, computeVendorSwap, vendorSwapPlan } from './vendor-swap.js';

export interface AssessTargetsInput {
  facts: HostFacts;
  catalog: Catalog;
  /** `repoUnreadable`: the target's repositories were given but could not be read (the mirror's error), so no fates. */
  /**
   * `hops`: where the catalog records no direct path, the hops of the route Ferry plans (app/route.ts routeLegs,
   * the plan's one chain finder), each hop's target with its repositories and events, the last this target:
   * the target is then assessed hop by hop (assessRoute).
   */
  targets: (HopTarget & { hops?: HopTarget[] })[];
  /** YYYY-MM-DD, for lifecycle. */
  today: string;
  /**
   * Leapp PES events for cross-major targets. Versions are MAJOR.MINOR: the source's from os-release,
   * redhat-release or the release package (else `<major>.0`), the target's the path's `targetVersion` (else the release's, else `<major>.0`).
   */
  pes?: { events: PesEvent[]; repoMap?: RepoMap; sourceVersion?: string; targetVersion?: string };
  /** Default: every check. */
  checks?: readonly Check[];
  now?: Date;
}

/** One target as assessTargets takes it: its repositories (or why they are absent) and its vendor's PES events. */
/** `pesRepoMap`: the repomap beside the target's events file (readPesFile), where the catalog has none for the path. */
export interface HopTarget { release: string; repo?: TargetRepoView; repoUnreadable?: string; pesEvents?: PesEvent[]; pesRepoMap?: RepoMap }

type Unranked = Omit<TargetAssessment, 'score' | 'rank' | 'reasons'>;

/** `4.18.0-193.el8.x86_64` → `4.18`. */
function kernelLine(version: string | undefined): string | undefined {
  return version ? /^(\d+\.\d+)/.exec(version)?.[1] : undefined;
}

/**
 * The source's MAJOR.MINOR: os-release, else redhat-release, else the release package the catalog names for
 * the source (rocky-release-8.6-… is 8.6; CentOS 7's centos-release-7-9.2009… carries the minor first in its
 * release), else `<major>.0`. A bare package list has only the last two.
 */
export function sourceMinorVersion(facts: HostFacts, source: ReleaseView, catalog: Catalog): string {
  const v = facts.os?.versionId;
  if (v && /^\d+\.\d+$/.test(v)) return v;
  const m = /release (\d+\.\d+)/.exec(facts.release?.redhatRelease ?? facts.release?.centosRelease ?? '');
  if (m) return m[1];
  const names = new Set(catalog.vendorPackages(source.id).filter((p) => p.role === 'release').map((p) => p.name));
  const pkg = (facts.packages ?? []).find((p) => names.has(p.name));
  if (pkg && /^\d+\.\d+$/.test(pkg.version)) return pkg.version;
  const minor = pkg && pkg.version === String(source.major) ? /^(\d+)\./.exec(pkg.release ?? '')?.[1] : undefined;
  return minor !== undefined ? `${pkg?.version}.${minor}` : `${source.major ?? source.version}.0`;
}

/**
 * Leapp's computation of the target package set for a host on a cross-major path (computeTargetPackages): the
 * installed names, the host's arch, the source's MAJOR.MINOR (sourceMinorVersion) and the path's target
 * minor (else the release's version, else `<major>.0`). The one answer for the assessment's fates and the
 * plan's target transaction.
 */
export function pesResultFor(o: { facts: HostFacts; catalog: Catalog; source: ReleaseView; target: ReleaseView; path: MigrationPath | null; events: PesEvent[]; repoMap?: RepoMap; sourceVersion?: string; targetVersion?: string }): PesResult {
  const { facts, target } = o;
  const arch = facts.system?.arch ?? 'x86_64';
  // Leapp's repomap of the path (ELevate's leapp-data, vendored), else the one beside the operator's events file
  // (o.repoMap, readPesFile): a package an event puts in a repository it does not map is not installed.
  const repoMap = target.major !== null ? o.catalog.repoMap(o.source.id, target.id) ?? o.repoMap : undefined;
  return computeTargetPackages({
    ...(repoMap && target.major !== null ? { mapRepository: repoMapper(repoMap, { targetMajor: String(target.major), arch }) } : {}),
    installed: (facts.packages ?? []).filter((p) => p.name !== 'gpg-pubkey').map((p) => ({ name: p.name, repository: '' })),
    events: o.events, arch,
    source: o.sourceVersion ?? sourceMinorVersion(facts, o.source, o.catalog),
    target: o.targetVersion ?? o.path?.targetVersion?.value ?? (/^\d+\.\d+$/.test(target.version) ? target.version : `${target.major}.0`),
  });
}

/** The fates, and why the transaction could not be predicted when the solver was asked and gave no answer. */
function fatesFor(input: AssessTargetsInput, source: ReleaseView | null, target: ReleaseView, path: MigrationPath | null, repo: TargetRepoView, targetPes: { events: PesEvent[]; repoMap?: RepoMap } | undefined): { fates: PackageFate[]; unpredicted?: string; prediction?: Prediction } {
  const { facts, catalog } = input;
  const installed = facts.packages ?? [];
  const vendorSwap = source ? computeVendorSwap({
    catalog, source: source.id, target: target.id, installed: new Set(installed.map((p) => p.name)), ...(facts.os?.id ? { osId: facts.os.id } : {}),
    available: availableNames(repo),
  }) : undefined;
  const sourceKeyIds = source ? catalog.gpgKeys(source.id).files.flatMap((f) => f.keys.map((k) => k.keyid)) : [];
  const sourceVendor = detectSourceVendor(facts, [...(vendorSwap?.keys() ?? [])].filter((n) => n.endsWith('-release')));
  const fateInput: FateInput = {
    installed, pool: repo.pool, ...(repo.modules ? { modules: repo.modules } : {}), ...(facts.modules ? { moduleStates: facts.modules } : {}),
    ...(vendorSwap ? { vendorSwap } : {}), origin: { ...(sourceVendor ? { sourceVendor } : {}), sourceKeyIds },
    ...(facts.system?.arch ? { baseArch: facts.system.arch } : {}),
  };
  // The target's own events (its vendor's PES file) before the events given for every target.
  const pes = targetPes ?? input.pes;
  const pesEvents = pes?.events;
  if (source && isCrossMajor(path) && pesEvents) {
    fateInput.pes = { result: pesResultFor({ facts, catalog, source, target, path, events: pesEvents, ...(pes?.repoMap ? { repoMap: pes.repoMap } : {}), ...(input.pes?.sourceVersion ? { sourceVersion: input.pes.sourceVersion } : {}), ...(input.pes?.targetVersion ? { targetVersion: input.pes.targetVersion } : {}) }), events: pesEvents };
  }
  const predicted = source && installed.length > 0 ? predictedTransaction(input, { source, target, path, repo, pes: fateInput.pes, fateInput }) : undefined;
  const transaction = predicted && 'changes' in predicted ? predicted.changes : undefined;
  return {
    fates: computeFates({ ...fateInput, ...(transaction ? { transaction } : {}) }),
    ...(predicted && 'unpredicted' in predicted ? { unpredicted: predicted.unpredicted } : {}), ...(transaction ? { prediction: { ok: true as const, changes: transaction } } : {}),
  };
}

/**
 * The predicted transaction of the migration (predict.ts: the solver over the host's installed dependencies and
 * the target's metadata): the vendor swap's removals and installs — on a cross-major path with its PES events'
 * (crossMajorTransaction, the plan's upgrade step) — then distro-sync. Undefined when the solver cannot say:
 * dependencies unreadable or unsolvable, or a cross-major path without PES events; the fates then follow the rules.
 */
function predictedTransaction(input: AssessTargetsInput, o: { source: ReleaseView; target: ReleaseView; path: MigrationPath | null; repo: TargetRepoView; pes: FateInput['pes']; fateInput: FateInput }): { changes: PredictedChange[] } | { unpredicted: string } | undefined {
  const { facts, catalog } = input;
  // A package list (no dependencies in the facts): each package provides itself and requires nothing, so the
  // target's Obsoletes and Conflicts, not guessed requires, decide (bench/fates-dnf.bench.mjs holds it to dnf).
  const installed = facts.dependencies ? facts.packages ?? [] : withAssumedEpochs(o.fateInput);
  const dependencies = facts.dependencies ?? installed.map((p) => listedDependencies(p, o.repo.pool));
  const names = installed.map((p) => p.name);
  const swapPlan = vendorSwapPlan({ catalog, source: o.source.id, target: o.target.id, installed: new Set(names), ...(facts.os?.id ? { osId: facts.os.id } : {}), available: availableNames(o.repo) });
  let swap: PredictInput['swap'] = swapPlan;
  if (isCrossMajor(o.path)) {
    if (!o.pes) return undefined;
    const tx = crossMajorTransaction({ installed: names, swap: swapPlan, pes: o.pes, available: availableNames(o.repo) });
    swap = { remove: tx.remove, install: tx.install, removedBy: Object.fromEntries(tx.pesRemoved.map((n) => [n, 'pes-remove' as const])) };
  }
  let prediction;
  try {
    prediction = predictMigration({
      installed, dependencies, target: o.repo.pool.packages, ...(o.repo.modules ? { modules: o.repo.modules } : {}),
      ...(facts.modules ? { moduleStates: facts.modules } : {}), arch: facts.system?.arch ?? 'x86_64', swap,
    });
  } catch (err) {
    if (isFerryError(err, 'DEP_PARSE') || isFerryError(err, 'FACTS_PARSE') || isFerryError(err, 'SOLVER_UNSUPPORTED') || isFerryError(err, 'SOLVER_LIMIT')) return { unpredicted: `the solver could not run (${err.code}: ${redact(err.message).slice(0, 300)})` };
    throw err;
  }
  return prediction.ok ? { changes: prediction.changes } : { unpredicted: `the solver found no transaction (${prediction.problems.slice(0, 3).join('; ').slice(0, 500)}${prediction.problems.length > 3 ? '; …' : ''})` };
}

/**
 * What a listed package without its dependencies gives the solver: its own name at its EVR (and arch), nothing
 * required, and the install-only provides its target namesake carries (kernel-core's installonlypkg(kernel): a
 * rebuild keeps them, as it keeps its epoch), so a listed kernel stays beside the new one as dnf keeps it.
 */
function listedDependencies(p: InstalledPackage, target: Pool): PackageDependencies {
  const evr = `${p.epoch}:${p.version}-${p.release}`;
  const isa = rpmIsa(p.arch);
  const installonly = new Set(target.byName(p.name).flatMap((t) => t.provides.map((d) => d.name).filter((n) => n !== p.name && INSTALLONLY_PROVIDES.includes(n))));
  return { nevra: relationKey(p), provides: [`${p.name} = ${evr}`, ...(isa ? [`${p.name}(${isa}) = ${evr}`] : []), ...installonly], requires: [], conflicts: [], obsoletes: [], files: [] };
}

/** One target assessed on `facts` (the host's, or a route's predicted end state): its findings and fates, and the solver's transaction when predicted. */
function assessTarget(input: AssessTargetsInput, facts: HostFacts, t: HopTarget): { target: Unranked; prediction?: Prediction } {
  const { catalog, today } = input;
  const on = { ...input, facts };
  const sourceId = detectSourceRelease(facts, catalog);
  const source = sourceId ? catalog.release(sourceId) : null;
  const checks = input.checks ?? CHECKS;
  const { release, repo, repoUnreadable, pesEvents, pesRepoMap } = t;
  const target = catalog.release(release);
  const path = source ? catalog.path(source.id, target.id) : null;
  const { fates, unpredicted, prediction } = repo ? fatesFor(on, source, target, path, repo, pesEvents ? { events: pesEvents, ...(pesRepoMap ? { repoMap: pesRepoMap } : {}) } : undefined) : { fates: [], unpredicted: undefined, prediction: undefined };
  // Said, not silent: without the solver's transaction the fates are the rules' imitation of dnf.
  const notAssessed: NotAssessed[] = unpredicted ? [{ check: 'predicted-transaction', reason: `${unpredicted}: the package fates follow Ferry's rules, which imitate dnf, and erasures are not predicted` }] : [];
  const findings = checks.flatMap((c) => {
    const checkInput = { facts, catalog, source, target, path, ...(repo ? { repo } : {}), ...(repoUnreadable !== undefined ? { repoUnreadable: redact(repoUnreadable) } : {}), fates, today };
    const reason = c.notAssessed?.(checkInput);
    if (reason === undefined) return c.run(checkInput);
    notAssessed.push({ check: c.id, reason });
    return [];
  });
  return {
    target: {
      target: target.id, targetName: `${target.distributionInfo.name} ${target.version}`,
      path: path ? { method: path.method, source: path.source } : null,
      // The published document (printed, stored, served) names a mirror without its URL's credentials.
      repositories: repo ? repo.locations.map(redact) : [],
      findings, notAssessed, inhibitors: findings.filter((f) => f.groups.includes('inhibitor')).map((f) => f.key),
      fates, counts: countFates(fates),
    },
    ...(prediction ? { prediction } : {}),
  };
}

/** One hop of a route as assessRoute walked it: the facts it was assessed on, its assessment and its predicted transaction. */
export interface WalkedHop {
  hop: number;
  from: string;
  to: string;
  assessedOn: 'collected' | 'predicted';
  facts: HostFacts;
  target: Unranked;
  prediction?: Prediction;
}

export interface RouteWalk {
  hops: WalkedHop[];
  /** The hop whose starting state could not be predicted (the hop before left no predicted package set): it and later hops were not assessed. */
  unpredicted?: { hop: number; from: string; to: string; reason: string };
}

/**
 * A route assessed hop by hop: hop 1 on `input.facts` against its target, every later hop on the end state the
 * hop before is predicted to leave (predictedFacts over its solver transaction). The one walk: `ferry assess`,
 * `ferry fleet assess` (assessTargets with `hops`) and the plan's gate (app/route.ts planRoute) all run it.
 * Stops, said in `unpredicted`, where a hop's transaction was not predicted (no repositories, no solution).
 */
export function assessRoute(input: Omit<AssessTargetsInput, 'targets'>, hops: readonly HopTarget[]): RouteWalk {
  const walked: WalkedHop[] = [];
  let on = input.facts;
  let from = detectSourceRelease(on, input.catalog) ?? 'unknown';
  const whole = { ...input, targets: [] };
  for (const [i, h] of hops.entries()) {
    const { target, prediction } = assessTarget(whole, on, h);
    walked.push({ hop: i + 1, from, to: h.release, assessedOn: i === 0 ? 'collected' : 'predicted', facts: on, target, ...(prediction ? { prediction } : {}) });
    if (i === hops.length - 1) break;
    const next = predictedFacts({ facts: on, prediction, target: h.repo?.pool.packages ?? [], release: input.catalog.release(h.release) });
    if (!next) {
      const why = !h.repo ? `no repository of ${h.release} was ${h.repoUnreadable !== undefined ? 'readable' : 'given'}`
        : target.notAssessed?.find((n) => n.check === 'predicted-transaction')?.reason.replace(/: the package fates follow.*$/, '') ?? 'the host\'s installed dependencies were not collected';
      return { hops: walked, unpredicted: { hop: i + 2, from: h.release, to: hops[i + 1].release, reason: `Ferry could not predict the package set hop ${i + 1} (${from} → ${h.release}) leaves (${why})` } };
    }
    on = next;
    from = h.release;
  }
  return { hops: walked };
}

/** A walked route as the published target: every hop, and the route's verdict (assessRoute's doc: the worst over the hops). */
function routeTarget(release: string, route: RouteWalk, input: AssessTargetsInput): Unranked {
  const target = input.catalog.release(release);
  const hops: HopAssessment[] = route.hops.map((h) => ({
    hop: h.hop, from: h.from, to: h.to, assessedOn: h.assessedOn, path: h.target.path, repositories: h.target.repositories,
    findings: h.target.findings, notAssessed: h.target.notAssessed ?? [], inhibitors: h.target.inhibitors, fates: h.target.fates, counts: h.target.counts,
    ...(h.prediction ? { predictedTransaction: h.prediction } : {}),
  }));
  const releases = [route.hops[0].from, ...route.hops.map((h) => h.to)];
  const u = route.unpredicted;
  if (u) {
    const rest = input.targets.find((t) => t.release === release)?.hops?.slice(u.hop - 1) ?? [];
    let from = u.from;
    for (const [i, h] of rest.entries()) {
      const reason = i === 0 ? u.reason : `hop ${u.hop} was not assessed`;
      hops.push({ hop: u.hop + i, from, to: h.release, assessedOn: 'not-assessed', path: null, repositories: h.repo ? h.repo.locations.map(redact) : [], findings: [], notAssessed: [{ check: 'route', reason }], inhibitors: [], fates: [], counts: countFates([]) });
      releases.push(h.release);
      from = h.release;
    }
  }
  const seen = new Set<string>();
  const findings = hops.flatMap((h) => h.findings).filter((f) => (seen.has(f.key) ? false : (seen.add(f.key), true)));
  const said = new Set<string>();
  const notAssessed = hops.flatMap((h) => h.notAssessed.map((n) => ({ check: n.check, reason: h.hop === 1 ? n.reason : `hop ${h.hop} (${h.from} → ${h.to}): ${n.reason}` })))
    .filter((n) => (said.has(n.check) ? false : (said.add(n.check), true)));
  return {
    target: target.id, targetName: `${target.distributionInfo.name} ${target.version}`, path: null, route: releases,
    // Every hop's repositories (each read for its hop); the fates are the first hop's.
    repositories: [...new Set(hops.flatMap((h) => h.repositories))],
    findings: [multiHopRouteFinding(releases, hops), ...findings], notAssessed,
    inhibitors: [...new Set(hops.flatMap((h) => h.inhibitors))],
    fates: hops[0].fates, counts: hops[0].counts, hops,
  };
}

export function assessTargets(input: AssessTargetsInput): Assessment {
  const { facts, catalog, today } = input;
  const sourceId = detectSourceRelease(facts, catalog);
  const source = sourceId ? catalog.release(sourceId) : null;
  const unranked: Unranked[] = input.targets.map((t) => {
    if (!t.hops?.length) return assessTarget(input, facts, t).target;
    // The route's last hop lands on the target itself.
    assert(t.hops[t.hops.length - 1].release === t.release, `the route to ${t.release} ends at ${t.hops[t.hops.length - 1].release}`);
    return routeTarget(t.release, assessRoute(input, t.hops), input);
  });
  const targetKernels: Record<string, string> = {};
  for (const { release, repo } of input.targets) {
    const line = repo ? kernelLine(repo.pool.byName('kernel-core').concat(repo.pool.byName('kernel')).sort((a, b) => compareEvr(b, a))[0]?.version) : undefined;
    if (line) targetKernels[release] = line;
  }
  const newestInstalled = [...(facts.kernel?.installed ?? [])].sort((a, b) => compareEvr(b, a))[0];
  const sourceKernel = kernelLine(facts.kernel?.running ?? newestInstalled?.version);
  const os = facts.os;
  return {
    formatVersion: ASSESSMENT_FORMAT_VERSION,
    assessedAt: (input.now ?? new Date()).toISOString(),
    host: { origin: facts.origin, ...(facts.system?.hostname ? { hostname: facts.system.hostname } : {}), source: facts.source },
    sourceRelease: sourceId,
    sourceName: os?.prettyName ?? os?.name ?? facts.release?.redhatRelease ?? (source ? `${source.distributionInfo.name} ${source.version}` : 'unknown'),
    targets: rankTargets(unranked, { catalog, source, today, ...(sourceKernel ? { sourceKernel } : {}), targetKernels }),
  };
}
