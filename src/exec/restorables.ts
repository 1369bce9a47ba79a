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
 * - command: an inverse command from a closed table of forms (today: remove a path below the root), for
 *   changes that have one. The journal records the form and its operands, never an argv: a journal is
 *   read back from the host, and nothing in it may name a program to run.
 *
 * Every restorer first checks the journaled data against what its capture produces (`check`, see
 * types.ts), because rollback runs what the host's journal says, as root, possibly on this machine beside
 * an image: paths are normalised absolute paths outside Ferry's state directory, backups sit at the fixed
 * name in the restorable's own backup directory, digests are digests. Restores write below the root only:
 * a path whose parent resolves out of the root (a symlinked directory in an image) is refused.
 */
import { posix } from 'node:path';
import { excerpt, FerryError, sha256Hex } from '../core/index.js';
import { assertResolvesUnderRoot, FERRY_STATE_ROOT, hostPath, runChecked } from './journal.js';
import { installedNevras, installedPackageList, isPackageManagerEnv, packageListDifferences, packageManagerFor, type PackageManagerEnv } from './package-manager/index.js';
import type { Transport } from '../transport/types.js';
import type { JsonValue, Restorable, RestorableCheckContext, RestoreContext, Restorer, RestorerRegistry } from './types.js';

// ---- checks of journaled data ----

function invalid(message: string): FerryError {
  return new FerryError('JOURNAL_CORRUPT', message);
}

export function asRecord(v: JsonValue, what: string): Record<string, JsonValue> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(`${what} is not an object`);
  return v;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/** A path as Ferry's steps register it: absolute, normalised, not `/`, no control characters, outside Ferry's state directory. */
export function checkPath(v: JsonValue | undefined, what: string): string {
  if (typeof v !== 'string' || !v.startsWith('/') || v === '/' || posix.normalize(v) !== v || CONTROL.test(v)) {
    throw invalid(`${what} ${excerpt(v)} is not a normalised absolute path other than /`);
  }
  if (v === FERRY_STATE_ROOT || v.startsWith(`${FERRY_STATE_ROOT}/`)) throw invalid(`${what} ${v} lies in Ferry's state directory`);
  return v;
}

/** The backup file `name` in the restorable's own backup directory: the only place its capture writes. */
export function checkBackup(v: JsonValue | undefined, ctx: RestorableCheckContext, name: string, what: string): void {
  const expected = posix.join(ctx.backupDir, name);
  if (v !== expected) throw invalid(`${what} ${excerpt(v)} is not the restorable's backup ${expected}`);
}

export function checkSha256(v: JsonValue | undefined, what: string): void {
  if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v)) throw invalid(`${what} ${excerpt(v)} is not a sha256 digest`);
}

function checkInt(v: JsonValue | undefined, max: number, what: string, optional = false): void {
  if (optional && v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw invalid(`${what} ${excerpt(v)} is not an integer from 0 to ${max}`);
}

function checkKeyIsPath(d: Record<string, JsonValue>, ctx: RestorableCheckContext, what: string): string {
  const path = checkPath(d.path, `${what} path`);
  if (ctx.key !== path) throw invalid(`${what} key ${excerpt(ctx.key)} is not its path ${path}`);
  return path;
}

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

function checkFile(raw: JsonValue, ctx: RestorableCheckContext): void {
  const d = asRecord(raw, 'file data');
  checkKeyIsPath(d, ctx, 'file');
  if (d.type === 'absent') return;
  if (d.type === 'symlink') {
    if (typeof d.target !== 'string' || d.target === '' || d.target.includes('\0')) throw invalid(`symlink target ${excerpt(d.target)} is not a link target`);
    return;
  }
  if (d.type !== 'file') throw invalid(`file type ${excerpt(d.type)} is none of absent, file, symlink`);
  checkBackup(d.backup, ctx, 'content', 'file backup');
  checkSha256(d.sha256, 'file sha256');
  checkInt(d.mode, 0o7777, 'file mode');
  checkInt(d.uid, 2 ** 32 - 1, 'file uid');
  checkInt(d.gid, 2 ** 32 - 1, 'file gid');
  checkInt(d.mtime, 2 ** 53, 'file mtime', true);
  checkInt(d.atime, 2 ** 53, 'file atime', true);
}

async function restoreFileData(raw: JsonValue, ctx: RestoreContext): Promise<void> {
  const data = raw as FileData;
  await assertResolvesUnderRoot(ctx.transport, [posix.dirname(data.path)], `The parent of ${data.path}`);
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
}

const restoreFile: Restorer = { check: checkFile, restore: restoreFileData };

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

function checkDir(raw: JsonValue, ctx: RestorableCheckContext): void {
  const d = asRecord(raw, 'directory data');
  checkKeyIsPath(d, ctx, 'directory');
  if (d.existed === false) return;
  if (d.existed !== true) throw invalid(`directory existed ${excerpt(d.existed)} is not a boolean`);
  checkBackup(d.archive, ctx, 'tree.tar', 'directory archive');
  checkSha256(d.sha256, 'directory sha256');
}

async function restoreDirData(raw: JsonValue, ctx: RestoreContext): Promise<void> {
  const data = raw as DirData;
  await assertResolvesUnderRoot(ctx.transport, [data.path], `The directory ${data.path}`);
  const target = hostPath(ctx.transport, data.path);
  if (data.existed) await assertArchiveIntact(ctx.transport, data.archive, data.sha256, ` of ${data.path}`);
  await runChecked(ctx.transport, ['rm', '-rf', '--', target], `Removing ${data.path}`);
  if (!data.existed) return;
  await runChecked(ctx.transport, ['mkdir', '-p', '--', target], `Creating ${data.path}`);
  await runChecked(ctx.transport, ['tar', '--numeric-owner', '-C', target, '-xpf', hostPath(ctx.transport, data.archive)], `Unpacking ${data.path}`);
}

const restoreDir: Restorer = { check: checkDir, restore: restoreDirData };

// ---- packageSet ----

type PackageSetData = { root: string | null; list: string; sha256: string; count: number; env: PackageManagerEnv | null };

/** Records the installed package set (gpg-pubkey entries excluded). See the module comment: best effort. */
export function packageSetRestorable(options: { env?: PackageManagerEnv } = {}): Restorable<PackageSetData> {
  const env = options.env ?? null;
  return {
    kind: 'packageSet',
    key: 'rpmdb',
    description: 'installed package set',
    async capture(ctx) {
      const { nevras, text, sha256 } = await installedPackageList(ctx.transport);
      const list = posix.join(ctx.backupDir, 'packages.txt');
      await ctx.transport.writeFile(list, text, { mode: 0o600 });
      return { root: ctx.transport.root ?? null, list, sha256, count: nevras.length, env };
    },
  };
}

/** `name-epoch:version-release.arch` → the form dnf accepts (`name-epoch:version-release.arch` works). */
function checkPackageSet(raw: JsonValue, ctx: RestorableCheckContext): void {
  const d = asRecord(raw, 'package set data');
  if (ctx.key !== 'rpmdb') throw invalid(`package set key ${excerpt(ctx.key)} is not rpmdb`);
  if (d.root !== (ctx.root ?? null)) throw invalid(`package set root ${excerpt(d.root)} is not this host's root ${excerpt(ctx.root ?? null)}`);
  checkBackup(d.list, ctx, 'packages.txt', 'package list');
  checkSha256(d.sha256, 'package list sha256');
  // The environment's repository ids and baseurls are checked again where the dnf adapter writes them.
  if (d.env !== null && !isPackageManagerEnv(d.env)) throw invalid('the package set records no valid package-manager environment');
}

async function restorePackageSetData(raw: JsonValue, ctx: RestoreContext): Promise<void> {
  const data = raw as PackageSetData;
  const text = (await ctx.transport.readFile(data.list)).toString('utf8');
  if (sha256Hex(text) !== data.sha256) throw new FerryError('JOURNAL_CORRUPT', `Package list ${data.list} on ${ctx.transport.hostName} does not match its recorded sha256`);
  const diff = async (): Promise<{ remove: string[]; install: string[] }> => {
    const { added, removed } = packageListDifferences(text, await installedNevras(ctx.transport));
    return { remove: added, install: removed };
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
}

const restorePackageSet: Restorer = { check: checkPackageSet, restore: restorePackageSetData };

// ---- command ----

/** The inverse commands a command restorable can name: a closed table, never an argv from the journal. */
export type InverseCommand = { op: 'remove'; path: string };
type CommandData = InverseCommand;

/** Runs the inverse command at restore time; `key` names the change (unique within the step). */
export function commandRestorable(options: { key: string; description: string; command: InverseCommand }): Restorable<CommandData> {
  assertAbsolute(options.command.path, 'Path');
  return {
    kind: 'command',
    key: options.key,
    description: options.description,
    async capture() { return { ...options.command }; },
  };
}

function checkCommand(raw: JsonValue): void {
  const d = asRecord(raw, 'command data');
  if (d.op !== 'remove') throw invalid(`command ${excerpt(d.op ?? d)} is not an inverse command Ferry's steps register (remove)`);
  checkPath(d.path, 'command path');
}

const restoreCommand: Restorer = {
  check: checkCommand,
  async restore(raw, ctx) {
    const data = raw as CommandData;
    await assertResolvesUnderRoot(ctx.transport, [posix.dirname(data.path)], `The parent of ${data.path}`);
    await runChecked(ctx.transport, ['rm', '-f', '--', hostPath(ctx.transport, data.path)], `Removing ${data.path}`);
  },
};

export const BUILTIN_RESTORERS: RestorerRegistry = {
  file: restoreFile,
  dir: restoreDir,
  packageSet: restorePackageSet,
  command: restoreCommand,
};

