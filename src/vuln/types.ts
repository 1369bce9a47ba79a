/**
 * Security feeds as Ferry matches them: advisories with the EVR each package is fixed in, and what the
 * feed covers. A feed's reach is part of every figure computed from it: the distribution and release it
 * is published for, its date (its newest advisory), and whether it lists only fixed vulnerabilities
 * (AlmaLinux's OSV, updateinfo) or unfixed ones too — zero findings from a feed that does not cover a
 * host means "not covered", never "no exposure".
 */
import type { Evr } from '../rpm/types.js';

export const SEVERITIES = ['critical', 'important', 'moderate', 'low', 'unknown'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface FeedFix {
  /** Binary package name (OSV's affected[].package.name, updateinfo's pkglist name). */
  name: string;
  /** Fixed in this EVR: installed EVRs below it are affected (OSV: ECOSYSTEM range `fixed`). */
  fixed: Evr;
  /** The fixed release is a module build (`.module_el8…` / `.module+el8…`). */
  modular: boolean;
}

export interface FeedAdvisory {
  /** e.g. ALSA-2023:7508. */
  id: string;
  title: string;
  severity: Severity;
  cves: string[];
  /** `module:stream` when the advisory is for one module stream (nodejs:18). */
  moduleStream?: string;
  published?: string;
  url?: string;
  fixes: FeedFix[];
}

export interface FeedInfo {
  /** e.g. almalinux-osv:AlmaLinux:8, updateinfo:baseos. */
  id: string;
  /** Human name: "AlmaLinux OSV database (AlmaLinux:8)". */
  name: string;
  /** Where it was read from (a directory, a repository). */
  source: string;
  /** The newest advisory's modified/updated date (ISO 8601): how current the feed is. */
  date: string;
  /** The os-release ID and major release the feed is published for. */
  covers: { distro: string; release: string };
  /** fixed-only: vulnerabilities without a fix are not listed (OSV from AlmaLinux, updateinfo). */
  lists: 'fixed-only' | 'fixed-and-unfixed';
  advisories: number;
}

export interface Feed {
  info: FeedInfo;
  advisories: FeedAdvisory[];
}
