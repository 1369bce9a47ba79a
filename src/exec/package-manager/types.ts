/**
 * The package-manager port: what the migration steps, verification and rollback ask of the host's package
 * manager, in the steps' vocabulary (a swap, a distro-sync, a module reset, a query of the target
 * repositories). An adapter (./dnf.ts) owns how its tool is configured and invoked: it is the only place
 * that builds that tool's argv and configuration. A yum adapter (EL7 without dnf) implements the same
 * interface; `packageManagerFor` (./index.ts) picks one.
 */
import type { DnfEnv } from '../../plan/types.js';
import type { Transport } from '../../transport/types.js';
import type { RestoreContext, StepContext } from '../types.js';
import type { PredictedTransaction } from './transaction-summary.js';

/**
 * The environment every package-manager call of a migration runs in: the release, module platform, the
 * target repositories only (the host's own repo files never take part) and whether signatures are checked.
 * Plan data (the plan's steps carry it), hence defined in src/plan.
 */
export type PackageManagerEnv = DnfEnv;

/** The shape of a PackageManagerEnv (journaled data is read back from the host); values are checked where they are used. */
export function isPackageManagerEnv(v: unknown): v is PackageManagerEnv {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const e = v as Record<string, unknown>;
  return typeof e.releasever === 'string' && (e.modulePlatformId === null || typeof e.modulePlatformId === 'string') && typeof e.gpgcheck === 'boolean'
    && Array.isArray(e.repos) && e.repos.every((r: unknown) => typeof r === 'object' && r !== null && typeof (r as Record<string, unknown>).id === 'string' && typeof (r as Record<string, unknown>).baseurl === 'string'
      && ['undefined', 'boolean'].includes(typeof (r as Record<string, unknown>).served));
}

/** A directory Ferry owns on the host (an execution's state dir, a restorable's backup dir) where calls keep their private configuration. */
export interface HostState {
  transport: Transport;
  stateDir: string;
  /**
   * Everything the tool writes stays below `stateDir` (host path below the root): for dnf its cachedir,
   * logdir and persistdir (history database, locks), seeded with a copy of the host's persistdir so history
   * reasons take part as in the real run. What `migrate --dry-run` asks dnf in (a private temporary dir).
   */
  isolated?: boolean;
}

/** One transaction: remove these names, install these (either list may be empty, not both). */
export interface Transaction {
  remove: string[];
  install: string[];
}

export interface PackageManager {
  /** The tool's name, for messages. */
  readonly name: string;
  /** Resolves when the tool is installed on the host (beside an installed root: on this machine); throws with the way out otherwise. */
  require(transport: Transport): Promise<void>;

  // Changes: run detached (./detached.ts), so a killed Ferry or a dropped connection never interrupts an
  // rpm transaction; a non-zero exit fails the step with the tail of the tool's output.
  /** The vendor swap: one transaction with protected packages emptied and no autoremove. */
  swap(ctx: StepContext, env: PackageManagerEnv, tx: Transaction): Promise<void>;
  /** Every package to the target's build (upgrade, downgrade or replacement, erasing for renames). */
  distroSync(ctx: StepContext, env: PackageManagerEnv): Promise<void>;
  /**
   * A cross-major target transaction in one: `tx`'s removals and installs, then distro-sync of everything else,
   * erasing where needed, protected packages emptied and no autoremove (Leapp's to_remove, to_install, to_upgrade).
   * With `downloadTo` (a host path Ferry owns), only downloads every package it installs there (nothing changes).
   * With `doneAfterEarlierRun`, a later attempt first waits for the run an earlier one left, and does not run
   * again when the check then says the transaction is complete.
   */
  upgrade(ctx: StepContext, env: PackageManagerEnv, tx: Transaction, options?: { downloadTo?: string; doneAfterEarlierRun?: () => Promise<boolean> }): Promise<void>;
  /**
   * The argv of upgrade()'s transaction (its script written below the state dir), as host paths, for a runner
   * that is not Ferry: the offline update unit (../offline-update.ts) runs it in systemd's system-update.target,
   * where the network is not up — so from the metadata cached and the packages downloaded to `packagesDir` (a
   * host path Ferry owns) by upgrade()'s `downloadTo` run, nothing fetched.
   */
  offlineUpgradeArgv(ctx: StepContext, env: PackageManagerEnv, tx: Transaction, options: { packagesDir: string }): Promise<string[]>;
  /**
   * Runs `tx` (with distro-sync, as upgrade() would) as rpm's test transaction — file conflicts and disk space
   * checked, nothing installed — with `host`'s state (an isolated one keeps the host's package-manager history
   * untouched). `ok` when the test succeeded; `output` the tool's words.
   */
  testTransaction(host: HostState, env: PackageManagerEnv, tx: Transaction): Promise<{ ok: boolean; output: string }>;
  /** Resets the named modules (their streams are no longer enabled). */
  resetModules(ctx: StepContext, env: PackageManagerEnv, names: string[]): Promise<void>;
  /** Downloads the target repositories' metadata (proves they are reachable from the host). */
  makecache(ctx: StepContext, env: PackageManagerEnv): Promise<void>;

  // Queries of the target repositories and of the rpm database: they change nothing on the host beyond the
  // tool's configuration below `host.stateDir` and its metadata cache.
  /** Names the target repositories carry: all of them, or those among `names`. */
  availableNames(host: HostState, env: PackageManagerEnv, names?: string[]): Promise<string[]>;
  /** The files of the newest build of each of `names` in the target repositories. */
  fileLists(host: HostState, env: PackageManagerEnv, names: string[]): Promise<string[]>;
  /** Module streams the target repositories offer among the modules `names`, as `name:stream`. */
  moduleStreams(host: HostState, env: PackageManagerEnv, names: string[]): Promise<Set<string>>;
  /**
   * The transaction the vendor swap and the following distro-sync would run, asked of the tool as one
   * prediction (dnf: a `dnf shell` script of the swap, then distro-sync, under --assumeno): nothing is
   * installed or removed, but the tool writes its cache, history database and logs: below the root, or
   * below `host.stateDir` when `host.isolated` (migrate --dry-run). Throws TRANSACTION_PREDICT when the tool
   * cannot resolve it.
   */
  predict(host: HostState, env: PackageManagerEnv, ops: { swap: Transaction; distroSync: boolean }): Promise<{ transaction: PredictedTransaction; output: string }>;
  /** The rpm database's consistency (dnf check; of the transport's root): ok, or the problems the tool prints. */
  check(host: HostState, env: PackageManagerEnv): Promise<{ ok: boolean; output: string }>;

  /**
   * Rollback's replay: one transaction in the foreground (the steps' detached runs are over), against the
   * given environment, or the host's own repositories when `env` is null. Returns the exit status and the
   * output; the caller judges the result by the rpm database.
   */
  restore(ctx: RestoreContext, env: PackageManagerEnv | null, tx: Transaction): Promise<{ code: number | null; output: string }>;
}
