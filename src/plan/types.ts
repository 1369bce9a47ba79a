/**
 * A migration plan: published data (printed by `ferry plan --json`, stored with the execution on the host).
 * Steps are specs `{id, kind, title, options}`; `id` is `contentId('step', {kind, options})`, the same id the
 * executor's steps carry, so a plan printed today names exactly the steps a later run journals.
 */
import type { PathMethod } from '../catalog/index.js';
import type { PlanStepSpec } from './steps/index.js';

export type { PlanStepSpec };

export const PLAN_FORMAT_VERSION = 1 as const;

/** The dnf environment every dnf-using step runs in (only the target repositories). */
export type DnfEnv = {
  releasever: string;
  modulePlatformId: string | null;
  repos: TargetRepo[];
  gpgcheck: boolean;
};

export interface PlanOverride {
  findingKey: string;
  reason?: string;
}

export interface MigrationPlan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  /** `contentId('plan', …)` of host, source, target, step ids and overrides. */
  id: string;
  /** The transport description the facts came from. */
  host: string;
  source: string;
  sourceName: string;
  target: string;
  targetName: string;
  method: PathMethod | null;
  dnf: DnfEnv;
  /** Inhibitors that stood and were overridden (each is journaled when the run starts). */
  overrides: PlanOverride[];
  /** Vendor packages the swap removes and installs. */
  swap: { remove: string[]; install: string[] };
  /** Things the plan decided not to do, with the reason. */
  notes: string[];
  steps: PlanStepSpec[];
}

/** A target repository given by the user (`--repo rocky-8=/srv/mirror/rocky8`): a directory or URL. */
export type TargetRepo = {
  id: string;
  baseurl: string;
  /**
   * True: `baseurl` is a directory on the controller that the host cannot read, which Ferry serves to it
   * over the SSH connection while it runs dnf there (the configuration dnf is given names the forward's
   * http://127.0.0.1:PORT/ URL, which changes with each connection; the plan keeps the directory).
   */
  served?: boolean;
};

export interface TargetKey {
  /** File name the key is known by (e.g. RPM-GPG-KEY-Rocky-8). */
  name: string;
  armored: string;
  /** Expected fingerprints (upper-case hex, 40 digits), from the catalog or the user. */
  fingerprints: string[];
}

export const ROUTE_PLAN_FORMAT_VERSION = 1 as const;

/**
 * A multi-hop plan as `ferry plan --json` publishes it (CentOS 7 → Rocky 8 → Rocky 9): each hop's plan
 * document (with its predicted transaction), and what the hop was assessed on — the facts collected from the
 * host (the first hop) or the predicted end state of the hop before it (src/app/route.ts).
 */
export interface RoutePlanDocument<P = MigrationPlan> {
  formatVersion: typeof ROUTE_PLAN_FORMAT_VERSION;
  source: string;
  target: string;
  hops: { from: string; to: string; assessedOn: 'collected' | 'predicted'; plan: P }[];
}
