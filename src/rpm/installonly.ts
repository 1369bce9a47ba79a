/**
 * Install-only packages: the ones dnf installs side by side instead of upgrading (kernels and their
 * kin), so a host keeps several of them until installonly_limit retires the oldest. dnf decides by
 * provides, not by name: a package is install-only when it provides one of these capabilities (every
 * package provides its own name, which covers `kernel` and `kernel-PAE`). Matching names instead goes
 * wrong both ways: kernel-devel provides installonlypkg(kernel) and is install-only, kernel-headers and
 * kernel-tools are not.
 *
 * Source: dnf 4's default `installonlypkgs`, dnf/const.py INSTALLONLYPKGS (dnf 4.14.0 as Debian 12's
 * python3-dnf ships it, /usr/lib/python3/dist-packages/dnf/const.py), documented under "installonlypkgs"
 * in dnf's doc/conf_ref.rst (rpm-software-management/dnf). Ferry runs dnf with its own dnf.conf, which
 * leaves the list alone, so these are what the migration's dnf uses. installonly.dnf.test.ts checks the
 * list against what the real dnf does.
 */
export const INSTALLONLY_PROVIDES: readonly string[] = [
  'kernel', 'kernel-PAE', 'installonlypkg(kernel)', 'installonlypkg(kernel-module)', 'installonlypkg(vm)',
  'multiversion(kernel)',
];

/**
 * The installonly_limit of Ferry's dnf.conf (src/exec/package-manager/dnf.ts dnfConfig): dnf keeps at most this many
 * versions of an install-only package, the oldest going first. The prediction (src/assess/predict.ts) models it.
 */
export const INSTALLONLY_LIMIT = 3;
