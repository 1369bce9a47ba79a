/**
 * rpm's `%{_isa}` per arch: the arch-qualified provide rpmbuild adds beside a package's own name on every
 * arch package (`coreutils(x86-64) = 8.22-24.el7`), which `Requires: foo%{?_isa}` in other packages' specs
 * ask for. noarch packages have none.
 *
 * Source: rpm's platform macros (`%_isa %{?__isa:(%{__isa})}`, `%__isa %{__isa_name}-%{__isa_bits}`, set per
 * arch in rpm's installplatform/rpmrc); arch.rpm.test.ts checks every entry against the real rpm with
 * `rpm --target ARCH-linux --eval '%{_isa}'`.
 */
const ISA: Readonly<Record<string, string>> = {
  x86_64: 'x86-64', i686: 'x86-32', i586: 'x86-32', i386: 'x86-32', aarch64: 'aarch-64', ppc64le: 'ppc-64', ppc64: 'ppc-64', s390x: 's390-64',
};

/** The ISA name rpm gives arch (`x86-64`), or undefined for noarch and arches Ferry has no entry for. */
export function rpmIsa(arch: string): string | undefined {
  return Object.hasOwn(ISA, arch) ? ISA[arch] : undefined;
}

/** The arches rpmIsa knows, for tests against rpm itself. */
export const ISA_ARCHES: readonly string[] = Object.keys(ISA);
