/**
 * Whether an installed package comes from the source distribution or from a third party.
 *
 * The rule, strongest evidence first:
 *  1. signed by one of the source release's GPG keys (catalog key ids) → source;
 *  2. signed by another key, when the source's keys are known → third-party (EPEL, a vendor repo…),
 *     whatever its Vendor tag says;
 *  3. unsigned with a Vendor tag: equal to the source vendor → source, else third-party;
 *  4. nothing known (a NEVRA list) → source, said so in the reason: a package list cannot tell, and
 *     calling it missing keeps it in front of the user.
 * Vendor tags are free text anyone can set, hence signatures first; the lab's packages are unsigned
 * with per-distribution vendors (`CentOS`, `Fedora Project`, `ACME Corp`), which rule 3 separates.
 */
import type { HostFacts, InstalledPackage } from '../facts/types.js';

export interface OriginRule {
  /** The source distribution's Vendor tag, e.g. "CentOS". */
  sourceVendor?: string;
  /** Lower-case hex key ids (8 or 16 digits) of the source release's signing keys. */
  sourceKeyIds?: readonly string[];
}

export interface Origin {
  fromSource: boolean;
  reason: string;
}

const short = (id: string): string => id.toLowerCase().slice(-8);

export function classifyOrigin(pkg: InstalledPackage, rule: OriginRule = {}): Origin {
  const keys = new Set((rule.sourceKeyIds ?? []).map(short));
  if (pkg.signature) {
    const id = short(pkg.signature.keyId);
    if (keys.has(id)) return { fromSource: true, reason: `signed by the source distribution's key ${id}` };
    if (keys.size > 0) {
      return { fromSource: false, reason: `signed by key ${id}, not a key of the source distribution` };
    }
  }
  if (pkg.vendor !== undefined && rule.sourceVendor !== undefined) {
    return pkg.vendor === rule.sourceVendor
      ? { fromSource: true, reason: `vendor "${pkg.vendor}" is the source distribution's` }
      : { fromSource: false, reason: `vendor "${pkg.vendor}" is not the source distribution's ("${rule.sourceVendor}")` };
  }
  return { fromSource: true, reason: 'origin unknown (no vendor or signature in the facts): assumed from the source distribution' };
}

/**
 * The source vendor as the host shows it: the Vendor tag of the installed release package (one of
 * `releaseNames`), else the most common Vendor tag among installed packages; undefined when no
 * package carries one.
 */
export function detectSourceVendor(facts: HostFacts, releaseNames: readonly string[] = []): string | undefined {
  const pkgs = facts.packages ?? [];
  const names = new Set(releaseNames);
  const rel = pkgs.find((p) => names.has(p.name) && p.vendor);
  if (rel?.vendor) return rel.vendor;
  const counts = new Map<string, number>();
  for (const p of pkgs) if (p.vendor && p.name !== 'gpg-pubkey') counts.set(p.vendor, (counts.get(p.vendor) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) if (!best || n > (counts.get(best) ?? 0)) best = v;
  return best;
}
