/**
 * Exposure: which advisories of a feed an installed package set has not taken, by rpm's EVR comparison
 * (src/rpm/evr.ts, the one comparison). A package is affected by an advisory when the advisory fixes its
 * name and its installed EVR is below the fixed EVR. Several fixed builds of one name in one advisory
 * (a module built for several minor releases) count as one fix at the lowest EVR: any of them is the fix.
 *
 * Module streams: a modular fix applies only to a modular install and a non-modular fix only to a
 * non-modular one (a module build and the base package are different lines). A stream-specific advisory
 * (nodejs:18) applies to a host whose enabled stream of that module is known only when it is that stream;
 * when the host's stream is not known, to installs whose version is the stream or starts with `stream.`
 * (numeric streams: nodejs 18.x for nodejs:18, perl 5.26.x for perl:5.26), or to any modular install of a
 * non-numeric stream (rhel8). Pure.
 */
import { compareEvr, formatEvr } from '../rpm/evr.js';
import type { Evr } from '../rpm/types.js';
import { isModularRelease } from './osv.js';
import type { Feed, FeedAdvisory, FeedFix, Severity } from './types.js';

export interface InstalledForMatch extends Evr {
  name: string;
  arch: string;
  /**
   * The source did not say (a NEVRA list): `epoch` is a placeholder, and the fix's own epoch is taken for
   * the comparison (as the fates take the target's, src/assess/fates.ts), not a 0 that every epoch beats.
   */
  epochUnknown?: boolean;
}

export interface ExposureFinding {
  advisory: string;
  severity: Severity;
  cves: string[];
  package: string;
  arch: string;
  installed: string;
  fixedIn: string;
  /** The advisory's page, when the feed gives one. */
  url?: string;
}

interface IndexedFix { advisory: FeedAdvisory; fixed: Evr; modular: boolean; stream?: string; module?: string }

/** A feed prepared for many hosts: fixes by package name, and a per-NEVRA memo of the answers. */
export interface FeedIndex {
  feed: Feed;
  byName: Map<string, IndexedFix[]>;
  memo: Map<string, readonly ExposureFinding[]>;
}

export function indexFeed(feed: Feed): FeedIndex {
  const byName = new Map<string, IndexedFix[]>();
  for (const advisory of feed.advisories) {
    const lowest = new Map<string, FeedFix>();
    for (const f of advisory.fixes) {
      const key = `${f.name}\0${f.modular}`;
      const prior = lowest.get(key);
      if (!prior || compareEvr(f.fixed, prior.fixed) < 0) lowest.set(key, f);
    }
    const [module, stream] = advisory.moduleStream?.split(':') ?? [];
    for (const f of lowest.values()) {
      const list = byName.get(f.name) ?? [];
      list.push({ advisory, fixed: f.fixed, modular: f.modular, ...(stream ? { stream } : {}), ...(module ? { module } : {}) });
      byName.set(f.name, list);
    }
  }
  return { feed, byName, memo: new Map() };
}

function streamApplies(fix: IndexedFix, p: InstalledForMatch, streams: ReadonlyMap<string, string> | undefined): boolean {
  if (!fix.stream || !fix.module) return true;
  const enabled = streams?.get(fix.module);
  if (enabled !== undefined) return enabled === fix.stream;
  if (/^\d+(\.\d+)*$/.test(fix.stream)) return p.version === fix.stream || p.version.startsWith(`${fix.stream}.`);
  return true;
}

/** The advisories one installed package has not taken. */
export function matchPackage(index: FeedIndex, p: InstalledForMatch, streams?: ReadonlyMap<string, string>): readonly ExposureFinding[] {
  const fixes = index.byName.get(p.name);
  if (!fixes) return [];
  const memoKey = streams ? undefined : `${p.name}\0${p.epochUnknown ? '?' : p.epoch}\0${p.version}\0${p.release ?? ''}\0${p.arch}`;
  const hit = memoKey !== undefined ? index.memo.get(memoKey) : undefined;
  if (hit) return hit;
  const modular = isModularRelease(p.release);
  const installed = formatEvr(p);
  const out: ExposureFinding[] = [];
  for (const f of fixes) {
    if (f.modular !== modular || !streamApplies(f, p, streams)) continue;
    if (compareEvr(p.epochUnknown ? { ...p, epoch: f.fixed.epoch } : p, f.fixed) < 0) {
      out.push({ advisory: f.advisory.id, severity: f.advisory.severity, cves: f.advisory.cves, package: p.name, arch: p.arch, installed, fixedIn: formatEvr(f.fixed), ...(f.advisory.url ? { url: f.advisory.url } : {}) });
    }
  }
  if (memoKey !== undefined) index.memo.set(memoKey, out);
  return out;
}

/** Every advisory an installed package set has not taken, by package then advisory. */
export function matchPackages(index: FeedIndex, packages: readonly InstalledForMatch[], streams?: ReadonlyMap<string, string>): ExposureFinding[] {
  const out: ExposureFinding[] = [];
  for (const p of packages) for (const f of matchPackage(index, p, streams)) out.push(f);
  return out;
}
