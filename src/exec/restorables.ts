/**
 * Built-in restorables. Each is a factory (what a step calls before it mutates) plus a restorer keyed by
 * kind (what rollback calls, possibly in another process after a crash, with only the journaled data).
 * Bytes are kept on the host in the restorable's backup directory, so restoring needs no controller state.
 *
 * - file: a regular file (bytes, mode, owner), a symlink (its target) or the fact that it did not exist.
 * - dir: a small directory tree such as /etc/yum.repos.d, as a tar archive made on the host (modes,
 *   owners and mtimes kept); restore replaces the whole directory, removing files added since.
 * - packageSet: the installed NEVRAs (`rpm -qa`); restore is BEST EFFORT: one `dnf shell` transaction
 *   that removes packages not in the set and installs/downgrades to the recorded NEVRAs, which needs those
 *   exact NEVRAs to be reachable in the repositories dnf sees at restore time (pass `env`, e.g. a local
 *   mirror of the source distribution; without one, the host's own repositories). It then re-reads `rpm -qa` and fails listing every
 *   difference, so a partial restore is reported, never hidden.
 * - command: an argv to run at restore time (e.g. `grubby --set-default <old>`), for changes that have
 *   a natural inverse command.
 */
import { posix } from 'node:path';
import { assert, FerryError, sha256Hex } from '../core/index.js';
import { hostPath, runChecked } from './journal.js';
import { isPackageManagerEnv, packageManagerFor, rpmArgv, type PackageManagerEnv } from './package-manager/index.js';
import type { Transport } from '../transport/types.js';
import type { Restorable, RestoreContext, Restorer, RestorerRegistry } from './types.js';

function assertAbsolute(path: string, what: string): void {
  if (!path.startsWith('/') || posix.normalize(path) === '/') {
    throw new FerryError('USAGE', `${what} ${JSON.stringify(path)} must be an absolute path other than /`);
  }
}

// ---- file ----

type FileData =
  | { path: string; type: 'absent' }
  /** mtime/atime: whole seconds since the epoch (what `rpm -V` compares); absent in journals of older Ferry. */
  | { path: string; type: 'file'; mode: number; uid: number; gid: number; sha256: string; backup: string; mtime?: number; atime?: number }
  | { path: string; type: 'symlink'; target: string };

async function statHost(ctx: RestoreContext, path: string): Promise<{ type: string; mode: number; uid: number; gid: number; mtime: number; atime: number } | undefined> {
  const res = await ctx.transport.run(['stat', '-c', '%F|%a|%u|%g|%Y|%X', '--', hostPath(ctx.transport, path)]);
  if (res.code !== 0) {
    if (/No such file/i.test(res.stderr)) return undefined;
    throw new FerryError('TRANSPORT_COMMAND', `stat ${path} on ${ctx.transport.hostName} failed: ${res.stderr.trim()}`);
  }
  const [type, mode, uid, gid, mtime, atime] = res.stdout.trim().split('|');
  return { type, mode: parseInt(mode, 8), uid: Number(uid), gid: Number(gid), mtime: Number(mtime), atime: Number(atime) };
}

export function fileRestorable(path: string): Restorable<FileData> {
  assertAbsolute(path, 'File');
  return {
    kind: 'file',
    key: path,
    description: `file ${path}`,
    async capture(ctx) {
      const st = await statHost(ctx, path);
      if (!st) return { path, type: 'absent' };
      if (st.type === 'symbolic link') {
        const target = (await runChecked(ctx.transport, ['readlink', '--', hostPath(ctx.transport, path)], `readlink ${path}`)).replace(/\n$/, '');
        return { path, type: 'symlink', target };
      }
      if (st.type !== 'regular file' && st.type !== 'regular empty file') {
        throw new FerryError('USAGE', `fileRestorable: ${path} on ${ctx.transport.hostName} is a ${st.type}, not a file`);
      }
      const bytes = await ctx.transport.readFile(path);
      const backup = posix.join(ctx.backupDir, 'content');
      await ctx.transport.writeFile(backup, bytes, { mode: 0o600 });
      return { path, type: 'file', mode: st.mode, uid: st.uid, gid: st.gid, sha256: sha256Hex(bytes), backup, mtime: st.mtime, atime: st.atime };
    },
  };
}

const restoreFile: Restorer = async (raw, ctx) => {
  const data = raw as FileData;
  const target = hostPath(ctx.transport, data.path);
  if (data.type === 'absent') {
    await runChecked(ctx.transport, ['rm', '-f', '--', target], `Removing ${data.path}`);
    return;
  }
  if (data.type === 'symlink') {
    await runChecked(ctx.transport, ['ln', '-sfnT', data.target, target], `Restoring symlink ${data.path}`);
    return;
  }
  const bytes = await ctx.transport.readFile(data.backup);
  if (sha256Hex(bytes) !== data.sha256) {
    throw new FerryError('JOURNAL_CORRUPT', `Backup ${data.backup} of ${data.path} on ${ctx.transport.hostName} does not match its recorded sha256`);
  }
  // A symlink or directory now at the path would make writeFile write through it: remove it first.
  const st = await statHost(ctx, data.path);
  if (st && st.type !== 'regular file' && st.type !== 'regular empty file') {
    await runChecked(ctx.transport, ['rm', '-rf', '--', target], `Removing ${data.path}`);
  }
  await runChecked(ctx.transport, ['mkdir', '-p', '--', posix.dirname(target)], `Creating parent of ${data.path}`);
  await ctx.transport.writeFile(data.path, bytes, { mode: data.mode });
  await runChecked(ctx.transport, ['chown', `${data.uid}:${data.gid}`, '--', target], `chown ${data.path}`);
  await runChecked(ctx.transport, ['chmod', data.mode.toString(8), '--', target], `chmod ${data.path}`);
  // Times last: rewriting the bytes set them to now, which `rpm -V` reports (flag T) for packaged files.
  if (data.mtime !== undefined) await runChecked(ctx.transport, ['touch', '-m', '-d', `@${data.mtime}`, '--', target], `Restoring the mtime of ${data.path}`);
  if (data.atime !== undefined) await runChecked(ctx.transport, ['touch', '-a', '-d', `@${data.atime}`, '--', target], `Restoring the atime of ${data.path}`);
};

// ---- archives ----

// Runs tar with the given arguments, then prints the archive's sha256 (coreutils sha256sum, on every EL).
const TAR_AND_HASH = 'set -e; a=$1; shift; tar "$@"; sha256sum -- "$a"';

function parseSha256(out: string, what: string): string {
  const m = /^([0-9a-f]{64})\s/.exec(out);
  if (!m) throw new FerryError('TRANSPORT_COMMAND', `${what}: sha256sum printed no digest (${out.trim().slice(0, 200)})`);
  return m[1];
}

/**
 * Archives with tar on the host (`tarArgs` write `archive`) and returns the archive's sha256, computed
 * there: an archive of the rpm database is tens to hundreds of MB and never crosses the connection.
 */
export async function tarAndHash(transport: Transport, archive: string, tarArgs: string[], what: string): Promise<string> {
  return parseSha256(await runChecked(transport, ['sh', '-c', TAR_AND_HASH, 'sh', hostPath(transport, archive), ...tarArgs], what), what);
}

/** Fails with JOURNAL_CORRUPT unless the archive on the host still has the sha256 recorded at capture. */
export async function assertArchiveIntact(transport: Transport, archive: string, sha256: string, of: string): Promise<void> {
  const res = await transport.run(['sha256sum', '--', hostPath(transport, archive)]);
  if (res.code !== 0 || parseSha256(res.stdout, `Hashing ${archive}`) !== sha256) {
    throw new FerryError('JOURNAL_CORRUPT', `Backup ${archive}${of} on ${transport.hostName} ${res.code !== 0 ? `cannot be read (${res.stderr.trim().slice(0, 200)})` : 'does not match its recorded sha256'}`);
  }
}

// ---- dir ----

type DirData = { path: string; existed: false } | { path: string; existed: true; archive: string; sha256: string };

export function dirRestorable(path: string): Restorable<DirData> {
  assertAbsolute(path, 'Directory');
  return {
    kind: 'dir',
    key: path,
    description: `directory ${path}`,
    async capture(ctx) {
      const st = await statHost(ctx, path);
      if (!st) return { path, existed: false };
      if (st.type !== 'directory') throw new FerryError('USAGE', `dirRestorable: ${path} on ${ctx.transport.hostName} is a ${st.type}, not a directory`);
      const archive = posix.join(ctx.backupDir, 'tree.tar');
      const sha256 = await tarAndHash(ctx.transport, archive, ['--numeric-owner', '-C', hostPath(ctx.transport, path), '-cpf', hostPath(ctx.transport, archive), '.'], `Archiving ${path}`);
      return { path, existed: true, archive, sha256 };
    },
  };
}

const restoreDir: Restorer = async (raw, ctx) => {
  const data = raw as DirData;
  assertAbsolute(data.path, 'Directory');
  const target = hostPath(ctx.transport, data.path);
  if (data.existed) await assertArchiveIntact(ctx.transport, data.archive, data.sha256, ` of ${data.path}`);
  await runChecked(ctx.transport, ['rm', '-rf', '--', target], `Removing ${data.path}`);
  if (!data.existed) return;
  await runChecked(ctx.transport, ['mkdir', '-p', '--', target], `Creating ${data.path}`);
  await runChecked(ctx.transport, ['tar', '--numeric-owner', '-C', target, '-xpf', hostPath(ctx.transport, data.archive)], `Unpacking ${data.path}`);
};

// ---- packageSet ----

type PackageSetData = { root: string | null; list: string; sha256: string; count: number; env: PackageManagerEnv | null };

const QF = '%{NAME}-%{EPOCHNUM}:%{VERSION}-%{RELEASE}.%{ARCH}\\n';

async function installedNevras(ctx: RestoreContext): Promise<string[]> {
  const out = await runChecked(ctx.transport, rpmArgv(ctx.transport, '-qa', '--qf', QF), 'rpm -qa');
  return out.split('\n').filter((l) => l !== '' && !l.startsWith('gpg-pubkey-')).sort();
}

/** Records the installed package set (gpg-pubkey entries excluded). See the module comment: best effort. */
export function packageSetRestorable(options: { env?: PackageManagerEnv } = {}): Restorable<PackageSetData> {
  const env = options.env ?? null;
  return {
    kind: 'packageSet',
    key: 'rpmdb',
    description: 'installed package set',
    async capture(ctx) {
      const nevras = await installedNevras(ctx);
      const text = nevras.join('\n') + '\n';
      const list = posix.join(ctx.backupDir, 'packages.txt');
      await ctx.transport.writeFile(list, text, { mode: 0o600 });
      return { root: ctx.transport.root ?? null, list, sha256: sha256Hex(text), count: nevras.length, env };
    },
  };
}

/** `name-epoch:version-release.arch` → the form dnf accepts (`name-epoch:version-release.arch` works). */
const restorePackageSet: Restorer = async (raw, ctx) => {
  const data = raw as PackageSetData;
  const text = (await ctx.transport.readFile(data.list)).toString('utf8');
  if (sha256Hex(text) !== data.sha256) throw new FerryError('JOURNAL_CORRUPT', `Package list ${data.list} on ${ctx.transport.hostName} does not match its recorded sha256`);
  const wanted = new Set(text.split('\n').filter(Boolean));
  const diff = async (): Promise<{ remove: string[]; install: string[] }> => {
    const now = await installedNevras(ctx);
    const have = new Set(now);
    return { remove: now.filter((n) => !wanted.has(n)), install: [...wanted].filter((n) => !have.has(n)) };
  };
  const env = data.env ?? null;
  if (env !== null && !isPackageManagerEnv(env)) throw new FerryError('JOURNAL_CORRUPT', `The package set restorable of ${ctx.transport.hostName} records no valid package-manager environment`);
  const first = await diff();
  if (first.remove.length === 0 && first.install.length === 0) return;
  const res = await packageManagerFor(env).restore(ctx, env, first);
  for (const line of res.output.split('\n')) if (line) ctx.output(line);
  const after = await diff();
  if (after.remove.length || after.install.length) {
    throw new FerryError('ROLLBACK_INCOMPLETE', `Package set on ${ctx.transport.hostName} not restored (dnf exit ${res.code}): still installed ${after.remove.join(', ') || 'none'}; missing ${after.install.join(', ') || 'none'}`, {
      hint: 'Make the recorded NEVRAs available to dnf (e.g. a local mirror of the source repositories) and run ferry rollback again.',
      details: { remove: after.remove, install: after.install },
    });
  }
};

// ---- command ----

type CommandData = { restoreArgv: string[] };

/** Runs `restoreArgv` at restore time; `key` names the change (unique within the step). */
export function commandRestorable(options: { key: string; description: string; restoreArgv: string[] }): Restorable<CommandData> {
  assert(options.restoreArgv.length > 0, 'commandRestorable needs an argv');
  return {
    kind: 'command',
    key: options.key,
    description: options.description,
    async capture() { return { restoreArgv: [...options.restoreArgv] }; },
  };
}

const restoreCommand: Restorer = async (raw, ctx) => {
  const data = raw as CommandData;
  const out = await runChecked(ctx.transport, data.restoreArgv, `Restore command ${data.restoreArgv.join(' ')}`);
  for (const line of out.split('\n')) if (line) ctx.output(line);
};

export const BUILTIN_RESTORERS: RestorerRegistry = {
  file: restoreFile,
  dir: restoreDir,
  packageSet: restorePackageSet,
  command: restoreCommand,
};

