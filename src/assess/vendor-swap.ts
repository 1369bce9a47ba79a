/**
 * Which installed packages a conversion swaps for the target's branding packages, and for what.
 *
 * Conversion tools find the source's branding packages by capability (migrate2rocky: the providers of
 * system-release, system-logos, redhat-indexhtml, the baseos .repo file and gpg key), and their names
 * changed over a distribution's life (CentOS Linux 8.0–8.2 `centos-release`/`centos-repos`, 8.3+
 * `centos-linux-release`/`centos-linux-repos`). HostFacts carry no provides, so the rule is by name:
 * the names the catalog records for ANY release of the source's distribution, plus the same naming
 * scheme applied across prefixes (`centos-linux-repos` and `centos-logos` → `centos-repos`), for the
 * roles the catalog knows. The prefixes are those of the recorded names, the distribution id and the
 * host's os-release ID (CentOS Stream 8: `centos-stream-release`, `centos-gpg-keys`, `centos-logos`). Each maps to the target's vendor packages of the same role
 * (catalog.vendorMap); cross-major entries (PES-sourced, role null) map name to name.
 */
import type { Catalog, VendorRole } from '../catalog/index.js';
import type { InstalledPackage } from '../facts/types.js';

const ROLE_SUFFIX: Partial<Record<VendorRole, string>> = {
  release: 'release', 'release-eula': 'release-eula', repos: 'repos', 'gpg-keys': 'gpg-keys', logos: 'logos',
  'logos-httpd': 'logos-httpd', 'logos-ipa': 'logos-ipa', backgrounds: 'backgrounds', indexhtml: 'indexhtml',
};

export interface VendorSwapInput {
  catalog: Catalog;
  source: string;
  target: string;
  installed: readonly InstalledPackage[];
  /** The host's os-release ID (e.g. `centos` on CentOS Stream 8): one more branding prefix. */
  osId?: string;
  /**
   * Names the target's repositories carry. For a role the catalog records no target package of (no sourced
   * vendor list for the target, e.g. OpenCloudOS 8), the target's own `<distribution>-<role>` is used when
   * the repositories carry it, as the plan's swap does; repos and gpg-keys fold into the release package
   * when the target has no such package of its own.
   */
  available?: ReadonlySet<string>;
}

/** Installed name → target names installed in its place. Only installed names appear. */
export function computeVendorSwap(input: VendorSwapInput): Map<string, string[]> {
  const { catalog } = input;
  const map = catalog.vendorMap(input.source, input.target);
  const toByRole = new Map<VendorRole, string[]>();
  for (const e of map) if (e.role && e.to.length) toByRole.set(e.role, e.to);
  if (input.available) {
    const targetDistribution = catalog.release(input.target).distribution;
    for (const [role, suffix] of Object.entries(ROLE_SUFFIX) as [VendorRole, string][]) {
      const name = `${targetDistribution}-${suffix}`;
      if (!toByRole.has(role) && input.available.has(name)) toByRole.set(role, [name]);
    }
  }
  const distribution = catalog.release(input.source).distribution;
  const roleOf = new Map<string, VendorRole>();
  const prefixes = new Set<string>([distribution, ...(input.osId ? [input.osId.toLowerCase()] : [])]);
  for (const r of catalog.releases().filter((x) => x.distribution === distribution)) {
    for (const v of catalog.vendorPackages(r.id)) {
      roleOf.set(v.name, v.role);
      const suffix = ROLE_SUFFIX[v.role];
      if (suffix && v.name.endsWith(`-${suffix}`)) prefixes.add(v.name.slice(0, -suffix.length - 1));
    }
  }
  for (const prefix of prefixes) {
    for (const [role, suffix] of Object.entries(ROLE_SUFFIX) as [VendorRole, string][]) {
      if (!roleOf.has(`${prefix}-${suffix}`)) roleOf.set(`${prefix}-${suffix}`, role);
    }
  }
  const installed = new Set(input.installed.map((p) => p.name));
  const out = new Map<string, string[]>();
  for (const name of [...installed].sort()) {
    const role = roleOf.get(name);
    // a target folding repos and keys into its release package (AlmaLinux 8, EL7) swaps them for it
    const to = role ? toByRole.get(role) ?? (role === 'repos' || role === 'gpg-keys' ? toByRole.get('release') : undefined) : undefined;
    if (to && !to.includes(name)) out.set(name, to);
  }
  for (const e of map) {
    if (e.role !== null || e.to.length === 0) continue;
    for (const name of e.from) if (installed.has(name) && !out.has(name) && !e.to.includes(name)) out.set(name, e.to);
  }
  return out;
}
