/**
 * The facts of a host as a predicted transaction leaves it: what the second hop of a multi-hop route
 * (CentOS 7 → Rocky 8 → Rocky 9) is assessed and planned on before the first hop starts. The installed
 * packages and their dependencies are the host's after the predicted changes (new packages as the target
 * repositories describe them), their relations resolved by the relations section's own rule (resolveRelations:
 * what each requires resolves to, the soname requires and their providers, which the third-party-sonames check
 * reads), the os-release the target release's (osReleaseFor). The release files the new release package
 * installs are not known (dropped, and said so in `sections`); everything else (hardware, mounts, security,
 * module states, workload) is the host's as collected. Pure.
 */
import { assert } from '../core/index.js';
import type { ReleaseView } from '../catalog/index.js';
import type { HostFacts, InstalledPackage, PackageDependencies } from '../facts/index.js';
import { capabilityName, relationKey, resolveRelations } from '../facts/index.js';
import { depFromEntry, formatDep } from '../rpm/deps.js';
import { parseNevra } from '../rpm/nevra.js';
import type { Dep, Package } from '../rpm/types.js';
import type { Prediction } from './predict.js';
import { osReleaseFor } from './source.js';

const depText = (d: Dep): string => formatDep(depFromEntry(d));

function installedFrom(p: Package): { pkg: InstalledPackage; deps: PackageDependencies } {
  const pkg: InstalledPackage = {
    name: p.name, epoch: p.epoch, version: p.version, release: p.release, arch: p.arch, epochSet: true,
    ...(p.vendor ? { vendor: p.vendor } : {}), ...(p.sourcerpm ? { sourcerpm: p.sourcerpm } : {}),
  };
  const deps: PackageDependencies = {
    nevra: relationKey(p), provides: p.provides.map(depText), requires: p.requires.map(depText).filter((d) => !d.startsWith('rpmlib(')),
    conflicts: p.conflicts.map(depText), obsoletes: p.obsoletes.map(depText), files: [],
  };
  return { pkg, deps };
}

/** The facts after `prediction` on `release`'s packages `target`; undefined when nothing was predicted (no end state to assess). */
export function predictedFacts(input: { facts: HostFacts; prediction: Prediction | undefined; target: readonly Package[]; release: ReleaseView }): HostFacts | undefined {
  const { facts, prediction } = input;
  if (!prediction?.ok || !facts.packages || !facts.dependencies) return undefined;
  const byKey = new Map(input.target.map((p) => [relationKey(p), p]));
  const packages = new Map(facts.packages.map((p) => [relationKey(p), p]));
  const deps = new Map(facts.dependencies.map((d) => [d.nevra, d]));
  const key = (nevra: string): string => relationKey(parseNevra(nevra));
  const added = new Map<string, Package>();
  const drop = (nevra: string): void => { packages.delete(key(nevra)); deps.delete(key(nevra)); };
  for (const c of prediction.changes) {
    if (c.from) drop(c.from);
    if (c.action === 'erase' || c.action === 'obsolete') { drop(c.nevra); continue; }
    const p = byKey.get(key(c.nevra));
    // The solver chose it from these very packages: a change naming another is an impossible state.
    assert(p, `predicted package ${c.nevra} is not among the target repositories' packages`);
    const { pkg, deps: d } = installedFrom(p);
    packages.set(relationKey(p), pkg);
    deps.set(relationKey(p), d);
    added.set(relationKey(p), p);
  }
  // Paths the new packages own that an installed package requires (as the dependencies section records them).
  const fileRequires = new Set([...deps.values()].flatMap((d) => d.requires.filter((r) => r.startsWith('/'))));
  for (const [k, p] of added) {
    const d = deps.get(k);
    if (d) d.files = p.files.filter((f) => fileRequires.has(f)).sort();
  }
  const sorted = [...packages.values()].sort((a, b) => (relationKey(a) < relationKey(b) ? -1 : 1));
  const dependencies = [...deps.values()].sort((a, b) => (a.nevra < b.nevra ? -1 : a.nevra > b.nevra ? 1 : 0));
  const owners = new Map<string, string[]>();
  for (const d of dependencies) for (const f of d.files) owners.set(f, [...(owners.get(f) ?? []), d.nevra]);
  const relations = resolveRelations(dependencies.map((d) => ({
    key: d.nevra, requires: d.requires.map(capabilityName), provides: d.provides.map(capabilityName),
    versioned: { requires: d.requires, provides: d.provides, conflicts: d.conflicts, obsoletes: d.obsoletes },
  })), owners);
  const kept: HostFacts = { ...facts };
  delete kept.release;
  return {
    ...kept,
    os: osReleaseFor(input.release),
    packages: sorted,
    dependencies,
    relations,
    sections: { ...facts.sections, release: { status: 'not-applicable', reason: `predicted: the release files ${input.release.id}'s packages install are not known before they are installed` } },
  };
}
