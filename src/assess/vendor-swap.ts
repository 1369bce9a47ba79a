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
 *
 * What the target carries under the source's own branding name stays: CentOS Stream 9 ships centos-logos,
 * centos-indexhtml and centos-gpg-keys, so a host moving there keeps them and distro-sync upgrades them
 * (neither removed nor swapped). The catalog's also-remove lists still remove what they name.
 */
import type { TargetRepoView } from './types.js';
import type { Catalog, VendorRole } from '../catalog/index.js';

const ROLE_SUFFIX: Partial<Record<VendorRole, string>> = {
  release: 'release', 'release-eula': 'release-eula', repos: 'repos', 'gpg-keys': 'gpg-keys', logos: 'logos',
  'logos-httpd': 'logos-httpd', 'logos-ipa': 'logos-ipa', backgrounds: 'backgrounds', indexhtml: 'indexhtml',
};

export interface VendorSwapInput {
  catalog: Catalog;
  source: string;
  target: string;
  /** Installed package names. */
  installed: ReadonlySet<string>;
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

const ROLES = Object.keys(ROLE_SUFFIX) as VendorRole[];

/**
 * Installed name → target names installed in its place; an empty list: the conversion removes the package
 * and installs nothing in its place (the catalog's also-remove lists, or a branding role the target's
 * repositories carry no package of). Only installed names appear. This is the one swap rule: the plan
 * (vendorSwapPlan) executes exactly what assess predicts from it.
 *
 * Without `available` (no target repositories read) only what the catalog records is mapped, and nothing
 * is predicted removed for want of a target package.
 */
export function computeVendorSwap(input: VendorSwapInput): Map<string, string[]> {
  const { catalog, available } = input;
  const map = catalog.vendorMap(input.source, input.target);
  const toByRole = targetsByRole(input);
  const distribution = catalog.release(input.source).distribution;
  const roleOf = new Map<string, VendorRole>();
  const prefixes = new Set<string>([distribution, ...(input.osId ? [input.osId.toLowerCase()] : [])]);
  // CentOS Stream 8 names its packages centos-stream-* and centos-* (os-release ID centos), and a host
  // converted from CentOS Linux may still carry centos-linux-*.
  if (distribution === 'centos' || distribution === 'centos-stream') ['centos', 'centos-linux'].forEach((x) => prefixes.add(x));
  for (const r of catalog.releases().filter((x) => x.distribution === distribution)) {
    for (const v of catalog.vendorPackages(r.id)) {
      roleOf.set(v.name, v.role);
      const suffix = ROLE_SUFFIX[v.role];
      if (suffix && v.name.endsWith(`-${suffix}`)) prefixes.add(v.name.slice(0, -suffix.length - 1));
    }
  }
  for (const e of map) if (e.role) for (const n of e.from) if (!roleOf.has(n)) roleOf.set(n, e.role);
  for (const prefix of prefixes) {
    for (const role of ROLES) {
      if (!roleOf.has(`${prefix}-${ROLE_SUFFIX[role]}`)) roleOf.set(`${prefix}-${ROLE_SUFFIX[role]}`, role);
    }
  }
  const out = new Map<string, string[]>();
  for (const name of [...input.installed].sort()) {
    const role = roleOf.get(name);
    if (!role || !(role in ROLE_SUFFIX)) continue;
    // the target ships this very name: an upgrade by distro-sync, not a swap
    if (available?.has(name)) continue;
    // a target folding repos and keys into its release package (AlmaLinux 8, EL7) swaps them for it
    const to = toByRole.get(role) ?? (role === 'repos' || role === 'gpg-keys' ? toByRole.get('release') : undefined);
    if (to?.includes(name)) continue;
    if (to) out.set(name, to);
    else if (available) out.set(name, []);
  }
  for (const e of map) {
    if (e.role !== null) continue;
    const to = available ? e.to.filter((n) => available.has(n)) : e.to;
    for (const name of e.from) {
      if (!input.installed.has(name) || out.has(name) || e.to.includes(name)) continue;
      // cross-major name maps need their target; also-remove lists (to: []) always remove
      if (to.length || e.to.length === 0) out.set(name, to);
    }
  }
  return out;
}

/**
 * The target's package(s) of each branding role: the catalog's sourced names and the target's own
 * `<distribution>-<role>`; with `available`, only those the target's repositories carry.
 */
function targetsByRole(input: VendorSwapInput): Map<VendorRole, string[]> {
  const { catalog, available } = input;
  const map = catalog.vendorMap(input.source, input.target);
  const distribution = catalog.release(input.target).distribution;
  const out = new Map<VendorRole, string[]>();
  for (const role of ROLES) {
    const recorded = map.filter((e) => e.role === role).flatMap((e) => e.to);
    const to = available ? [...new Set([...recorded, `${distribution}-${ROLE_SUFFIX[role]}`])].filter((n) => available.has(n)) : recorded;
    if (to.length) out.set(role, to);
  }
  return out;
}

/** The package names the target repositories carry, as the vendor swap sees them (assess and plan alike). */
const namesByPool = new WeakMap<TargetRepoView['pool'], ReadonlySet<string>>();

/** The package names the target carries: computed once per pool (a fleet asks for every host). */
export function availableNames(repo: Pick<TargetRepoView, 'pool'>): ReadonlySet<string> {
  let names = namesByPool.get(repo.pool);
  if (!names) namesByPool.set(repo.pool, (names = new Set(repo.pool.latest().map((p) => p.name))));
  return names;
}

/**
 * What the plan's swap step does: remove every swapped name, install every replacement, and always the
 * target's release package (a host whose branding Ferry cannot name still gets the target's release).
 */
export function vendorSwapPlan(input: VendorSwapInput & { available: ReadonlySet<string> }): { remove: string[]; install: string[] } {
  const swap = computeVendorSwap(input);
  const install = new Set([...swap.values()].flat());
  targetsByRole(input).get('release')?.forEach((n) => install.add(n));
  const remove = [...swap.keys()].filter((n) => !install.has(n));
  return { remove: remove.sort(), install: [...install].sort() };
}
