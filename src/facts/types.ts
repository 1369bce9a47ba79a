/**
 * HostFacts: everything Ferry knows about one host, gathered read-only before any decision.
 * Published data (stored as fact snapshots, consumed by src/assess checks): bump HOST_FACTS_FORMAT_VERSION
 * on any incompatible change. Every section may be missing; `sections` says why (failed, not applicable).
 * Sizes are KiB, times are seconds since the Unix epoch (UTC).
 */
import type { Nevra } from '../rpm/types.js';
import type { ProgressOf } from '../core/index.js';

export const HOST_FACTS_FORMAT_VERSION = 1 as const;

/** Where the facts came from. */
export type FactsSource =
  | 'live' // a running host (local or SSH), host-level facts are real
  | 'root' // an installed root (mounted image, lab root) below a path prefix; kernel/proc/sys facts are not applicable
  | 'rpmdb' // only an rpm database file was read
  | 'manifest'; // only a package list (rpm -qa dump or NEVRA list) was read

export type SectionName =
  | 'os' | 'release' | 'packages' | 'repos' | 'modules' | 'kernel' | 'boot' | 'security'
  | 'mounts' | 'memory' | 'gui' | 'container' | 'rpmdb' | 'agents' | 'system';

export type SectionStatus =
  | { status: 'ok' }
  | { status: 'error'; message: string }
  | { status: 'not-applicable'; reason: string };

/** /etc/os-release (or /usr/lib/os-release). Keys as in os-release(5). */
export interface OsRelease {
  id: string; // centos, rhel, rocky, almalinux, ol, opencloudos, tencentos, openEuler, anolis, amzn …
  idLike: string[];
  name?: string;
  version?: string;
  versionId?: string; // "8", "7", "8.5"
  prettyName?: string;
  platformId?: string; // PLATFORM_ID, e.g. platform:el8
  cpeName?: string;
  /** Every key=value pair, unquoted. */
  raw: Record<string, string>;
}

/** The one-line release files; absent files are undefined. */
export interface ReleaseFiles {
  redhatRelease?: string; // /etc/redhat-release
  systemRelease?: string; // /etc/system-release
  centosRelease?: string; // /etc/centos-release
}

export interface PackageSignature {
  /** e.g. RSA/SHA256, DSA/SHA1 — as rpm's :pgpsig formatter prints it. */
  algorithm: string;
  /** Signing time, seconds since epoch, when rpm printed a parseable date. */
  time?: number;
  /** Lower-case hex key id as rpm prints it (16 hex digits = last 8 bytes of the fingerprint). */
  keyId: string;
}

/** One installed package. Fields other than the NEVRA are absent when the source cannot tell (a NEVRA list). */
export interface InstalledPackage extends Nevra {
  /** True when the package header carries an epoch (even 0); false for "(none)". */
  epochSet?: boolean;
  /**
   * True when the source did not say (a plain `rpm -qa` list, a sosreport's installed-rpms): `epoch` is a
   * placeholder 0, and fates take the target's epoch for the same name (src/assess/fates.ts).
   */
  epochUnknown?: boolean;
  vendor?: string;
  packager?: string;
  /** Source RPM file name, e.g. bash-4.4.19-10.el8.src.rpm; undefined for gpg-pubkey pseudo packages. */
  sourcerpm?: string;
  installTime?: number;
  buildTime?: number;
  /** undefined when the package is unsigned. */
  signature?: PackageSignature;
  license?: string;
  /** Installed size in bytes. */
  size?: number;
}

/** A repository section of a /etc/yum.repos.d/*.repo file. Variables ($releasever, $basearch…) are left as written. */
export interface RepoConfig {
  id: string;
  name?: string;
  /** enabled= as written; yum/dnf default is true when absent. */
  enabled: boolean;
  /** Path of the .repo file on the host (without the root prefix). */
  file: string;
  baseurl: string[];
  mirrorlist?: string;
  metalink?: string;
  gpgcheck?: boolean;
  gpgkey: string[];
  /** Every key=value of the section, lower-case keys, values as written. */
  options: Record<string, string>;
}

/** A module stream state from /etc/dnf/modules.d/*.module. */
export interface ModuleStreamState {
  name: string;
  stream?: string;
  state: string; // enabled, disabled, '' (reset) …
  profiles: string[];
  file: string;
}

export interface LoadedKernelModule {
  name: string;
  size: number;
  /** Taint flags from /proc/modules, e.g. "O" (out-of-tree), "E" (unsigned), "P" (proprietary). */
  taint: string;
  outOfTree: boolean;
  unsigned: boolean;
  proprietary: boolean;
}

export interface KernelFacts {
  /** uname -r of the running kernel; undefined for an offline root. */
  running?: string;
  /** uname -m. */
  machine?: string;
  /** Installed kernel packages (kernel, kernel-core, kernel-uek…), newest first. */
  installed: Nevra[];
  /** /proc/modules; empty for an offline root. */
  loadedModules: LoadedKernelModule[];
  /** /proc/sys/kernel/tainted decoded; undefined for an offline root. */
  tainted?: { value: number; flags: string[] };
}

export type BootMode = 'uefi' | 'bios' | 'unknown';
export type TriState = 'enabled' | 'disabled' | 'unknown';

export interface BootFacts {
  mode: BootMode;
  secureBoot: TriState;
  /** How secureBoot was learned: mokutil, efivars, or none. */
  secureBootSource?: 'mokutil' | 'efivars';
}

export interface SecurityFacts {
  fips: TriState;
  selinux?: 'enforcing' | 'permissive' | 'disabled' | 'unknown';
}

export interface MountFacts {
  /** The path asked about: /, /var, /boot, /usr. */
  path: string;
  /** The mount point that holds it (from df -P). */
  mountPoint: string;
  filesystem: string;
  sizeKiB: number;
  usedKiB: number;
  availableKiB: number;
}

export interface MemoryFacts {
  totalKiB: number;
  availableKiB?: number;
  swapTotalKiB?: number;
}

export interface GuiFacts {
  /** systemctl get-default, e.g. graphical.target. */
  defaultTarget?: string;
  /** The display manager service, from /etc/systemd/system/display-manager.service. */
  displayManager?: string;
  /** Installed display-manager / desktop packages found (gdm, kdm, lightdm, sddm, gnome-shell …). */
  packages: string[];
  /** The default target is graphical, or a display manager is configured. */
  graphical: boolean;
}

export interface ContainerFacts {
  inContainer: boolean;
  /** docker, podman, lxc, systemd-nspawn … when known. */
  kind?: string;
  /** What gave it away: "/.dockerenv", "/run/.containerenv", "systemd-detect-virt: docker", "cgroup: …". */
  evidence: string[];
}

export interface RpmdbFacts {
  /** rpm -qa succeeded and printed at least one package. */
  healthy: boolean;
  /** Backend files present: bdb (Packages), sqlite (rpmdb.sqlite), ndb (Packages.db). */
  backend?: 'bdb' | 'sqlite' | 'ndb' | 'unknown';
  queryExitCode?: number;
  /** rpm --verifydb exit code, when the host's rpm has it. */
  verifyExitCode?: number;
  packageCount: number;
  /** gpg-pubkey pseudo packages: the rpm keys imported on the host (version = short key id, lower case). */
  importedKeys: { keyId: string; summary?: string }[];
  problems: string[];
}

export type ManagementAgentKind = 'katello' | 'rhsm' | 'spacewalk' | 'uyuni-salt' | 'salt-minion';

export interface ManagementAgent {
  kind: ManagementAgentKind;
  /** Installed packages that show the agent. */
  packages: string[];
  /** Configuration or registration evidence (e.g. /etc/pki/consumer/cert.pem, /etc/sysconfig/rhn/systemid). */
  evidence: string[];
  registered: boolean;
}

/** The package list formats `ferry assess --manifest` reads (src/facts/package-list.ts). */
export type PackageListFormat = 'rpm-qa' | 'nevra' | 'queryformat' | 'sosreport';

/** How a package list was read: what the assessment must say about its limits. */
export interface PackageListFacts {
  format: PackageListFormat;
  /** False when no line carried an epoch: every package then has epochUnknown. */
  epochsKnown: boolean;
  /** NEVRAs listed more than once, each once (each package is counted once). */
  duplicates: string[];
  /** gpg-pubkey lines: the rpm keys imported on the host (short key id, lower case). */
  importedKeys: { keyId: string; summary?: string }[];
}

export interface SystemFacts {
  hostname?: string;
  /** Base architecture: uname -m, or the arch of installed packages for an offline source. */
  arch?: string;
  /** /etc/machine-id (machine-id(5): 32 lowercase hex digits), live or below the root; absent when the file is missing or empty. */
  machineId?: string;
}

export interface HostFacts {
  formatVersion: typeof HOST_FACTS_FORMAT_VERSION;
  /** ISO 8601 UTC. */
  collectedAt: string;
  source: FactsSource;
  /** Transport description (redacted) or file path the facts were read from. */
  origin: string;
  /** The root prefix, when facts were read below one. */
  root?: string;
  system?: SystemFacts;
  os?: OsRelease;
  release?: ReleaseFiles;
  packages?: InstalledPackage[];
  repos?: RepoConfig[];
  modules?: ModuleStreamState[];
  kernel?: KernelFacts;
  boot?: BootFacts;
  security?: SecurityFacts;
  mounts?: MountFacts[];
  memory?: MemoryFacts;
  gui?: GuiFacts;
  container?: ContainerFacts;
  rpmdb?: RpmdbFacts;
  /** Present when the facts came from a package list (source 'manifest'). */
  packageList?: PackageListFacts;
  agents?: ManagementAgent[];
  /** One entry per section: ok, or why it is missing. */
  sections: Partial<Record<SectionName, SectionStatus>>;
}

/** What collectFacts tells a watching person. */
export type CollectProgress = ProgressOf<'facts'>;
