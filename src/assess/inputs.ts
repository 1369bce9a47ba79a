/**
 * What the assessment reads from HostFacts, declared member by member: the fleet assessment groups hosts
 * by `assessmentInputKey` and assesses each distinct key once, so two hosts with the same key must get the
 * same assessment. Each table is a `Record` over every member of its type, so a member added to HostFacts
 * (or InstalledPackage, SystemFacts) does not compile until it is declared read or not read here.
 * `inputs.test.ts` proves the "not read" entries: assessing the projection gives the same result as
 * assessing the whole facts.
 */
import { sha256Hex, canonicalJson } from '../core/index.js';
import type { HostFacts, InstalledPackage, SystemFacts } from '../facts/types.js';

/** true: a check, the fates or the ranking reads it. false: only the report header, or nothing, does. */
const HOST_FACTS_READ: Record<keyof HostFacts, boolean> = {
  formatVersion: true,
  collectedAt: false,
  source: true, // checks tell "not assessed" reasons by source
  origin: false, // the report header only (Assessment.host)
  root: false,
  system: true, // arch (see SYSTEM_READ)
  os: true,
  release: true,
  packages: true, // see PACKAGE_READ
  relations: true, // only its soname requires (third-party-sonames); digests and resolved requires are the SBOM's (see assessedFacts)
  dependencies: true, // the predicted transaction (predict.ts): the fates, and a route's later hops (assessRoute, on the end state it leaves)
  repos: false, // the host's own .repo files: no check reads them (the target's repositories are the controller's)
  modules: true,
  kernel: true,
  boot: true,
  security: true,
  mounts: true,
  // What holds / and /boot chooses the plan's snapshot provider, not an assessment.
  storage: false,
  memory: true,
  gui: true,
  container: true,
  rpmdb: true,
  packageList: true,
  agents: true,
  workload: false, // collected by the migration for its workload diff, not by assessment
  sections: true,
};

const SYSTEM_READ: Record<keyof SystemFacts, boolean> = { hostname: false, arch: true, machineId: false };

/**
 * Per installed package: identity, epoch certainty, and the origin evidence (vendor, signing key) the fates
 * classify by. Install and build times, sizes and the like differ between hosts with the same packages.
 */
const PACKAGE_READ: Record<keyof InstalledPackage, boolean> = {
  name: true, epoch: true, version: true, release: true, arch: true, epochUnknown: true, vendor: true, signature: true,
  epochSet: false, packager: false, sourcerpm: false, installTime: false, buildTime: false, license: false, size: false,
};

function pick<T extends object>(value: T, read: Record<keyof T, boolean>): T {
  const out: Partial<T> = {};
  for (const k of Object.keys(read) as Array<keyof T>) {
    if (read[k] && value[k] !== undefined) out[k] = value[k];
  }
  return out as T;
}

/**
 * The facts the assessment reads, and nothing else: what `assessTargets` is given for a fleet, so a document
 * shared by several hosts is exactly each one's assessment. The members not read are dropped; `origin`
 * (required) becomes ''.
 */
export function assessedFacts(facts: HostFacts): HostFacts {
  const out = pick(facts, HOST_FACTS_READ);
  out.origin = '';
  if (facts.system) out.system = pick(facts.system, SYSTEM_READ);
  if (facts.relations) out.relations = { packages: [], unresolved: [], ...(facts.relations.sonames ? { sonames: facts.relations.sonames } : {}) };
  if (facts.packages) {
    out.packages = facts.packages.map((p) => {
      const q = pick(p, PACKAGE_READ);
      // Fates read the key id; the signing time is not read (the algorithm is kept: the type requires it).
      if (p.signature) q.signature = { algorithm: p.signature.algorithm, keyId: p.signature.keyId };
      return q;
    });
  }
  return out;
}

/** A content hash of `assessedFacts(facts)`: hosts with equal keys get equal assessments. */
export function assessmentInputKey(facts: HostFacts): string {
  return sha256Hex(canonicalJson(assessedFacts(facts)));
}
