/**
 * The dnf adapter of the package-manager port (./types.ts): the only place that builds dnf's argv and
 * configuration (as leapp-repository's dnfplugin.py is the one module configuring dnf for check, download,
 * dry run and install).
 *
 * Configuration: one private file holding `[main]` and the target repositories (dnf reads repository
 * sections from its main configuration file), with `reposdir=/dev/null` so the host's own repo files
 * never take part. Nothing from data reaches it unchecked: baseurls pass repo-location.ts's rule (no
 * controls or whitespace; commas encoded, since dnf splits list options at whitespace and commas), repo ids
 * and package names are checked, and paths (a root with spaces or commas) travel as argv elements, never as
 * list-valued options. Credentials in a baseurl stay in that file (mode 0600, not on a command line where
 * `ps` shows them) and are redacted from every message.
 * The migration's prediction (`predict`, dnf --assumeno) writes dnf's cache, history and logs below the root.
 *
 * The file lives under the caller's state dir (`HostState.stateDir`), kept for resume. `ferry plan` starts
 * no dnf (it reads the target repositories on the controller). `migrate --dry-run` runs the same prediction
 * with an isolated HostState (`isolated`): the configuration, the script and dnf's cachedir, logdir and
 * persistdir — every directory dnf writes to — below a private temporary state dir (../steps/
 * transaction-preview.ts makes and removes it).
 */
import { posix } from 'node:path';
import { assert, FerryError, redact } from '../../core/index.js';
import { hostPath, mkdirHost } from '../journal.js';
import type { Transport } from '../../transport/types.js';
import type { StepContext } from '../types.js';
import { awaitEarlierRun, runDetached } from './detached.js';
import { checkRepoId, configBaseurl } from './repo-location.js';
import { hostEnv } from './served.js';
import { INSTALLONLY_LIMIT } from '../../rpm/installonly.js';
import { parseTransactionSummary } from './transaction-summary.js';
import type { HostState, PackageManager, PackageManagerEnv, Transaction } from './types.js';

/** A package name, NEVRA or module name as dnf takes it: one shell-word, never an option. */
function checkSpec(spec: string, what: string): string {
  if (!/^[A-Za-z0-9_+.~^:][A-Za-z0-9_+.~^:-]*$/.test(spec)) {
    throw new FerryError('STEP_FAILED', `${what} ${JSON.stringify(spec)} is not a package or module name dnf can be given safely`, {
      hint: 'The plan on the host may have been altered: plan the migration again.',
    });
  }
  return spec;
}

function checkEnv(env: PackageManagerEnv): void {
  if (!/^[A-Za-z0-9._-]+$/.test(env.releasever)) throw new FerryError('STEP_FAILED', `releasever ${JSON.stringify(env.releasever)} is not a release version`);
  if (env.modulePlatformId !== null && !/^[A-Za-z0-9._:-]+$/.test(env.modulePlatformId)) {
    throw new FerryError('STEP_FAILED', `module_platform_id ${JSON.stringify(env.modulePlatformId)} is not a platform id`);
  }
}

/** The private configuration: `[main]` and one section per target repository. */
export function dnfConfig(env: PackageManagerEnv, isolatedDir?: string): string {
  checkEnv(env);
  const gpgcheck = `gpgcheck=${env.gpgcheck ? 1 : 0}`;
  return [
    '[main]', gpgcheck, `installonly_limit=${INSTALLONLY_LIMIT}`, 'best=True', 'skip_if_unavailable=False', 'clean_requirements_on_remove=True',
    'install_weak_deps=False', 'reposdir=/dev/null', ...(isolatedDir ? isolatedDirs(isolatedDir) : []), '',
    ...env.repos.flatMap((r) => {
      const id = checkRepoId(r.id);
      return [`[${id}]`, `name=Ferry target ${id}`, `baseurl=${configBaseurl(r.baseurl, `The baseurl of repository ${id}`)}`, gpgcheck, 'enabled=1', ''];
    }),
  ].join('\n');
}

/**
 * dnf's argv up to the command, against the transport's root. `config` is the configuration file's path on
 * the host; without an env, the host's own configuration and repositories (a rollback that recorded none).
 * No directory is set here: dnf's default cachedir, logdir and persistdir are the root's (/var/cache/dnf,
 * /var/log, /var/lib/dnf, prefixed with the installroot), or those the configuration file names
 * (isolatedDirs). A `--setopt=cachedir=` would not be: dnf 4.14 with --installroot keeps the solv files and
 * metadata of a --setopt cachedir at that path on the machine running dnf, outside the root.
 */
export function dnfArgv(transport: Transport, env: PackageManagerEnv | null, config?: string): string[] {
  const root = transport.root ? ['--installroot', transport.root] : [];
  if (!env) return ['dnf', '-y', ...root];
  checkEnv(env);
  return [
    'dnf', '-y', ...(config ? ['--config', config] : []), '--setopt=reposdir=/dev/null', '--releasever', env.releasever,
    '--setopt=best=True', '--disableplugin=*', ...root, ...(env.gpgcheck ? [] : ['--nogpgcheck']),
    ...(env.modulePlatformId ? [`--setopt=module_platform_id=${env.modulePlatformId}`] : []),
  ];
}

/**
 * The `[main]` lines moving the directories dnf writes to below `dir`: cachedir (/var/cache/dnf: metadata,
 * and dnf/lock.py's download and metadata locks), logdir (/var/log: dnf.log, dnf.librepo.log, dnf.rpm.log,
 * hawkey.log and the log lock) and persistdir (/var/lib/dnf: the history database and the rpmdb lock).
 * Host paths, in the configuration file and not as --setopt: dnf prefixes the configured values with the
 * installroot (dnf/cli/cli.py Cli._read_conf_file, `conf.prepend_installroot(opt)` for all three), while
 * dnf 4.14 uses a --setopt value unprefixed in places (hawkey.log, the cache: see dnfArgv).
 */
function isolatedDirs(dir: string): string[] {
  assert(/^\/[A-Za-z0-9._/-]+$/.test(dir), `isolated dnf dir ${dir} is not a plain absolute path`);
  return [`cachedir=${posix.join(dir, 'cache')}`, `logdir=${posix.join(dir, 'log')}`, `persistdir=${posix.join(dir, ISOLATED_PERSISTDIR)}`];
}

/** Below an isolated state dir: dnf's persistdir, which the caller seeds with a copy of the host's /var/lib/dnf. */
export const ISOLATED_PERSISTDIR = 'lib';

/** Config files this process has written, per transport: `path` → the content written there. */
const written = new WeakMap<Transport, Map<string, string>>();

/**
 * Writes the private configuration below `host.stateDir` (once per content and process; a resume writes it
 * again) and returns dnf's argv prefix.
 */
async function configured(host: HostState, env: PackageManagerEnv): Promise<string[]> {
  const { transport } = host;
  const dir = posix.join(host.stateDir, 'dnf');
  const conf = posix.join(dir, 'dnf.conf');
  const text = dnfConfig(hostEnv(transport, env), host.isolated ? host.stateDir : undefined);
  const memo = written.get(transport) ?? new Map<string, string>();
  written.set(transport, memo);
  if (memo.get(conf) !== text) {
    await mkdirHost(transport, dir);
    await transport.writeFile(conf, text, { mode: 0o600 });
    memo.set(conf, text);
  }
  return dnfArgv(transport, env, hostPath(transport, conf));
}

/** Runs a dnf query with the private configuration, against the transport's root. */
async function query(host: HostState, env: PackageManagerEnv, args: string[], timeoutMs = 600_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return host.transport.run([...await configured(host, env), ...args], { timeoutMs });
}

async function queryChecked(host: HostState, env: PackageManagerEnv, args: string[], what: string): Promise<string> {
  const res = await query(host, env, args);
  if (res.code !== 0) {
    throw new FerryError('REPO_FETCH', `dnf ${what} against ${env.repos.map((r) => redact(r.baseurl)).join(', ')} on ${host.transport.hostName} exited ${res.code}: ${redact(res.stderr.trim()).slice(0, 500)}`, {
      hint: 'Check the --repo locations are readable from the host.',
    });
  }
  return res.stdout;
}

/**
 * The line of dnf's or rpm's output saying the host ran out of disk space: dnf's `[Errno 28] No space left on
 * device`, its transaction check's `Disk Requirements: At least 12MB more space needed on the / filesystem.`,
 * rpm's `installing package X needs 12MB more space on the / filesystem`.
 */
export function diskShortage(output: string): string | undefined {
  return output.split('\n').map((l) => l.trim()).find((l) => /No space left on device|more space needed on the \S+ filesystem|needs \S+ more space on the \S+ filesystem/.test(l));
}

/** Runs dnf detached and fails the step with the tail of its output when it exits non-zero. */
async function runDnf(ctx: StepContext, env: PackageManagerEnv, args: string[], label: string): Promise<string> {
  const res = await runDetached(ctx, [...await configured(ctx, env), ...args], label);
  if (res.code !== 0) {
    const tail = redact(res.output.trim().split('\n').slice(-15).join('\n'));
    const full = diskShortage(res.output);
    if (full) {
      throw new FerryError('STEP_FAILED', `dnf ${args.join(' ')} on ${ctx.transport.hostName} ran out of disk space (${redact(full)}); its output ends: ${tail}`, {
        hint: 'Free space on the host\'s filesystems (df -h; dnf clean all frees its cache), then run ferry resume.',
      });
    }
    throw new FerryError('STEP_FAILED', `dnf ${args.join(' ')} on ${ctx.transport.hostName} exited ${res.code}: ${tail}`, {
      hint: 'Fix the cause dnf names, then run ferry resume.',
    });
  }
  return res.output;
}

/** A `dnf shell` script of one transaction; with `distroSync`, distro-sync joins it before `run` (dnf 4's shell passes it to the distro-sync command). */
export function transactionScript(tx: Transaction, options: { distroSync?: boolean } = {}): string {
  const remove = tx.remove.map((n) => checkSpec(n, 'Package to remove'));
  const install = tx.install.map((n) => checkSpec(n, 'Package to install'));
  assert(remove.length + install.length > 0 || options.distroSync, 'an empty transaction');
  return [...(remove.length ? [`remove ${remove.join(' ')}`] : []), ...(install.length ? [`install ${install.join(' ')}`] : []),
    ...(options.distroSync ? ['distro-sync'] : []), 'run', ''].join('\n');
}

/** Parses `dnf module list` output into `name:stream` pairs for the modules named. */
export function parseModuleList(text: string, names: string[]): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(\S+)/.exec(line);
    if (m && names.includes(m[1])) out.add(`${m[1]}:${m[2].replace(/\[.*$/, '')}`);
  }
  return out;
}

export const dnf: PackageManager = {
  name: 'dnf',

  /**
   * dnf drives the conversion (on the host, or beside an installed root). CentOS 7 ships yum only: its
   * extras repository carries dnf 4.0.9 (dnf-4.0.9.2-2.el7_9), which openEuler's migration-tools install the
   * same way (openeuler-mirror/migration-tools README_zh.md). Throws DNF_MISSING with that way out.
   */
  async require(transport) {
    const res = await transport.run(['sh', '-c', 'command -v dnf']);
    if (res.code === 0) return;
    throw new FerryError('DNF_MISSING', `${transport.root ? 'This machine' : transport.hostName} has no dnf; Ferry drives the conversion with dnf`, {
      hint: 'On CentOS 7 install it from the CentOS 7 extras repository (yum install dnf: dnf-4.0.9.2-2.el7_9), then run ferry again.',
    });
  },

  async swap(ctx, env, tx) {
    const script = posix.join(ctx.stateDir, 'swap.dnf');
    await ctx.transport.writeFile(script, transactionScript(tx), { mode: 0o600 });
    await runDnf(ctx, env, ['--setopt=protected_packages=', '--noautoremove', 'shell', hostPath(ctx.transport, script)], 'swap');
  },

  async distroSync(ctx, env) {
    await runDnf(ctx, env, ['distro-sync', '--allowerasing'], 'distro-sync');
  },

  async upgrade(ctx, env, tx, options = {}) {
    const label = options.downloadTo ? 'download' : 'upgrade';
    // A resumed step: the run a killed Ferry left behind may have finished the transaction (it runs detached).
    if (options.doneAfterEarlierRun && await awaitEarlierRun(ctx, label) && await options.doneAfterEarlierRun()) {
      ctx.output(`the ${label} an earlier attempt started has completed the transaction`);
      return;
    }
    const script = posix.join(ctx.stateDir, options.downloadTo ? 'download.dnf' : 'upgrade.dnf');
    await ctx.transport.writeFile(script, transactionScript(tx, { distroSync: true }), { mode: 0o600 });
    // The transaction predict() asks about, with the same options; --downloadonly stops dnf after the download and
    // its signature check (dnf/cli/cli.py do_transaction), and --downloaddir copies local repositories' packages too.
    const download = options.downloadTo ? ['--downloadonly', '--downloaddir', hostPath(ctx.transport, options.downloadTo)] : [];
    await runDnf(ctx, env, [...download, '--allowerasing', '--setopt=protected_packages=', '--noautoremove', 'shell', hostPath(ctx.transport, script)], label);
  },

  async offlineUpgradeArgv(ctx, env, tx, options) {
    const script = posix.join(ctx.stateDir, 'upgrade.dnf');
    await ctx.transport.writeFile(script, transactionScript(tx, { distroSync: true }), { mode: 0o600 });
    // The same transaction as upgrade() runs, for the offline update unit to run (../offline-update.ts), with no
    // network: -C takes the metadata the download run cached, and destdir points dnf at the packages it
    // downloaded there (dnf 4.14 looks for a package at destdir when it is set; --downloaddir itself is refused
    // without --downloadonly, the option is not).
    return [...await configured(ctx, env), '-C', `--setopt=destdir=${hostPath(ctx.transport, options.packagesDir)}`,
      '--allowerasing', '--setopt=protected_packages=', '--noautoremove', 'shell', hostPath(ctx.transport, script)];
  },

  async testTransaction(host, env, tx) {
    const script = posix.join(host.stateDir, 'test.dnf');
    await mkdirHost(host.transport, host.stateDir);
    await host.transport.writeFile(script, transactionScript(tx, { distroSync: true }), { mode: 0o600 });
    // rpm's test transaction (tsflags=test: rpmtsRun with RPMTRANS_FLAG_TEST) checks file conflicts and disk space
    // without installing anything. dnf's shell logs a failed `run` and exits 0: success is its "Transaction test
    // succeeded." and no "Error:" line.
    const res = await host.transport.run([...await configured(host, env), '--setopt=tsflags=test', '--allowerasing', '--setopt=protected_packages=', '--noautoremove', 'shell', hostPath(host.transport, script)], { timeoutMs: 3_600_000 });
    const output = redact(`${res.stdout}${res.stderr}`);
    return { ok: /^Transaction test succeeded\.$/m.test(res.stdout) && !/^Error: /m.test(output), output };
  },

  async resetModules(ctx, env, names) {
    await runDnf(ctx, env, ['module', 'reset', ...names.map((n) => checkSpec(n, 'Module'))], 'module-reset');
  },

  async makecache(ctx, env) {
    await runDnf(ctx, env, ['makecache'], 'makecache');
  },

  async availableNames(host, env, names = []) {
    const out = await queryChecked(host, env, ['-q', 'repoquery', '--qf', '%{name}', ...names.map((n) => checkSpec(n, 'Package'))], 'repoquery');
    return [...new Set(out.split('\n').filter(Boolean))];
  },

  async fileLists(host, env, names) {
    if (names.length === 0) return [];
    const out = await queryChecked(host, env, ['-q', 'repoquery', '--latest-limit=1', '-l', ...names.map((n) => checkSpec(n, 'Package'))], 'repoquery -l');
    return out.split('\n').filter((p) => p.startsWith('/'));
  },

  async moduleStreams(host, env, names) {
    if (names.length === 0) return new Set();
    // dnf exits 1 when none of the modules exists in the target: no stream offered, not an error.
    const res = await query(host, env, ['-q', 'module', 'list', ...names.map((n) => checkSpec(n, 'Module'))]);
    return parseModuleList(res.stdout, names);
  },

  async predict(host, env, ops) {
    const script = posix.join(host.stateDir, 'predict.dnf');
    await host.transport.writeFile(script, transactionScript(ops.swap, { distroSync: ops.distroSync }), { mode: 0o600 });
    // The swap's options (protected_packages emptied, no autoremove) and distro-sync's --allowerasing apply
    // to the whole shell transaction. --assumeno wins over -y (dnf/cli/cli.py do_transaction: `if
    // self.conf.assumeno or not userconfirm()`), and -y is dropped besides. dnf's shell exits 0 after
    // "Operation aborted" (and prints "Nothing to do" for the empty transaction it resolves at the script's
    // end): success is a printed summary and no other "Error:" line.
    const argv = (await configured(host, env)).filter((a) => a !== '-y');
    const res = await host.transport.run([...argv, '--assumeno', '--allowerasing', '--setopt=protected_packages=', '--noautoremove', 'shell', hostPath(host.transport, script)], { timeoutMs: 3_600_000 });
    const output = redact(`${res.stdout}${res.stderr}`);
    const failed = /^Error: (?!Operation aborted\.$)/m.test(output);
    if (failed || !(/^Transaction Summary$/m.test(res.stdout) || /^Nothing to do\.$/m.test(res.stdout))) {
      throw new FerryError('TRANSACTION_PREDICT', `dnf could not resolve the vendor swap and distro-sync on ${host.transport.hostName} (exit ${res.code}): ${output.trim().split('\n').slice(-15).join('\n')}`, {
        hint: 'Fix the dependency problem dnf names (a package the target lacks, a module stream), then run ferry migrate again.',
      });
    }
    return { transaction: parseTransactionSummary(res.stdout), output };
  },

  async check(host, env) {
    const res = await query(host, env, ['check'], 3_600_000);
    return { ok: res.code === 0, output: (res.stdout + res.stderr).trim() };
  },

  async restore(ctx, env, tx) {
    const script = posix.join(ctx.backupDir, 'restore.dnf');
    await ctx.transport.writeFile(script, transactionScript(tx), { mode: 0o600 });
    const prefix = env ? await configured({ transport: ctx.transport, stateDir: ctx.backupDir }, env) : dnfArgv(ctx.transport, null);
    const res = await ctx.transport.run([...prefix, 'shell', hostPath(ctx.transport, script)], { timeoutMs: 3_600_000 });
    return { code: res.code, output: redact(`${res.stdout}${res.stderr}`) };
  },
};

