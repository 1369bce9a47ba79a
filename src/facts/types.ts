/**
 * HostFacts: everything Ferry knows about one host, gathered read-only before any decision.
 * Published data (stored as fact snapshots, consumed by src/assess checks): bump HOST_FACTS_FORMAT_VERSION
 * on any incompatible change. Every section may be missing; `sections` says why (failed, not applicable).
 * Sizes are KiB, times are seconds since the Unix epoch (UTC).
 */
import type { ProgressOf } from '../core/index.js';

export const HOST_FACTS_FORMAT_VERSION = 1 as const;

/** Where the facts came from. */
export type FactsSource =
  | 'live' // a running host (local or SSH), host-level facts are real
  | 'root' // an installed root (mounted image, lab root) below a path prefix; kernel/proc/sys facts are not applicable
  | 'rpmdb' // only an rpm database file was read
  | 'manifest'; // only a package list (rpm -qa dump or NEVRA list) was read

/**
 * The facts each section of the registry (sections/) contributes, one optional field per section, named
 * after it: each section module adds its field by declaration merging
 * (`declare module '../types.js' { interface SectionFacts { name?: Type } }`).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the section modules
export interface SectionFacts {}

/** A section of HostFacts, as `sections` reports its status. */
export type SectionName = keyof SectionFacts;

/** Enabled, disabled, or not known from what was read. */
export type TriState = 'enabled' | 'disabled' | 'unknown';

export type SectionStatus =
  | { status: 'ok' }
  | { status: 'error'; message: string }
  | { status: 'not-applicable'; reason: string };

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

/** The facts of one host: where they came from, each section's facts (SectionFacts) and its status. */
export interface HostFacts extends SectionFacts {
  formatVersion: typeof HOST_FACTS_FORMAT_VERSION;
  /** ISO 8601 UTC. */
  collectedAt: string;
  source: FactsSource;
  /** Transport description (redacted) or file path the facts were read from. */
  origin: string;
  /** The root prefix, when facts were read below one. */
  root?: string;
  /** Present when the facts came from a package list (source 'manifest'). */
  packageList?: PackageListFacts;
  /** One entry per section: ok, or why it is missing. */
  sections: Partial<Record<SectionName, SectionStatus>>;
}

/** What collectFacts tells a watching person. */
export type CollectProgress = ProgressOf<'facts'>;

export type { SystemFacts } from './sections/system.js';
export type { OsRelease } from './sections/os.js';
export type { ReleaseFiles } from './sections/release.js';
export type { InstalledPackage, PackageSignature } from './sections/packages.js';
export type { RpmdbFacts } from './sections/rpmdb.js';
export type { RepoConfig } from './sections/repos.js';
export type { ModuleStreamState } from './sections/modules.js';
export type { KernelFacts, LoadedKernelModule } from './sections/kernel.js';
export type { BootFacts, BootMode } from './sections/boot.js';
export type { SecurityFacts } from './sections/security.js';
export type { MountFacts } from './sections/mounts.js';
export type { MemoryFacts } from './sections/memory.js';
export type { GuiFacts } from './sections/gui.js';
export type { ContainerFacts } from './sections/container.js';
export type { ManagementAgent, ManagementAgentKind } from './sections/agents.js';
