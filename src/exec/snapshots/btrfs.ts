/**
 * The Btrfs snapshot provider. The host's root is a subvolume (the default one, as `findmnt` shows it with its
 * FSROOT); Ferry mounts the filesystem's top level (subvolid=5) on a private mount point below the host's
 * /run, takes a writable snapshot of the root subvolume beside it (`ferry-snapshots/<execution>` at the top
 * level, so neither subvolume contains the other and either can be deleted later), and unmounts. To return
 * to it, the snapshot becomes the default subvolume (`btrfs subvolume set-default`) and the host reboots into
 * it: a root mounted without `subvol=`/`subvolid=` (fstab and the kernel command line) mounts the default
 * subvolume, which is why a root pinned by one of those is refused before the snapshot is taken.
 *
 * Free space: a snapshot costs nothing when taken, but from then on every block the migration rewrites is
 * allocated anew while the snapshot keeps the old one. A distro-sync rewrites nearly every installed file, so
 * the rule is: the filesystem's "Free (estimated)" (`btrfs filesystem usage -b`) must hold the installed
 * packages' size (rpm's %{SIZE}, summed) plus a quarter for metadata, checksums and the rpm database's rewrite.
 */
import { posix } from 'node:path';
import { FerryError } from '../../core/index.js';
import type { Transport } from '../../transport/types.js';
import { hostPath, runChecked } from '../journal.js';
import { rpmArgv } from '../package-manager/index.js';

export const BTRFS_TOP_LEVEL_ID = 5;
export const BTRFS_SNAPSHOT_DIR = 'ferry-snapshots';

/** `btrfs filesystem usage -b` figures, in bytes. */
export interface BtrfsUsage { deviceSize: number; unallocated: number; freeEstimated: number }

export function parseBtrfsUsage(text: string): BtrfsUsage {
  const num = (label: string): number => {
    const m = new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm').exec(text);
    if (!m) throw new FerryError('FACTS_PARSE', `btrfs filesystem usage printed no "${label}" figure`);
    return Number(m[1]);
  };
  return { deviceSize: num('Device size'), unallocated: num('Device unallocated'), freeEstimated: num('Free \\(estimated\\)') };
}

/** `btrfs subvolume show` of a subvolume: its id and its path from the top level (the first line; `/` for the top level itself). */
export function parseSubvolumeShow(text: string): { id: number; path: string } {
  const id = /^\s*Subvolume ID:\s+(\d+)$/m.exec(text)?.[1];
  const path = text.split('\n')[0]?.trim();
  if (!id || !path) throw new FerryError('FACTS_PARSE', `btrfs subvolume show printed no subvolume id: ${text.slice(0, 200)}`);
  return { id: Number(id), path: path === '/' || path === '<FS_TREE>' ? '' : path };
}

/** The bytes the snapshot rule asks for: the installed packages' size plus a quarter. */
export function btrfsSpaceNeeded(installedBytes: number): number {
  return Math.ceil(installedBytes * 1.25);
}

export interface BtrfsRoot {
  /** The device holding the filesystem (findmnt -v SOURCE). */
  device: string;
  uuid: string;
  /** The mounted subvolume's id and path from the top level. */
  subvolumeId: number;
  subvolumePath: string;
}

/** The Btrfs filesystem and subvolume at the host's root; undefined when the root is not Btrfs. */
export async function btrfsRoot(transport: Transport): Promise<BtrfsRoot | undefined> {
  const root = hostPath(transport, '/');
  const mnt = await transport.run(['findmnt', '-n', '-v', '-o', 'FSTYPE,SOURCE,UUID', '--target', root]);
  const [fstype, device, uuid] = mnt.stdout.trim().split(/\s+/);
  if (mnt.code !== 0 || fstype !== 'btrfs' || !device || !uuid) return undefined;
  const show = parseSubvolumeShow(await runChecked(transport, ['btrfs', 'subvolume', 'show', root], `btrfs subvolume show ${root}`));
  return { device, uuid, subvolumeId: show.id, subvolumePath: show.path };
}

/** Why a reboot would not come back on the default subvolume: `subvol=`/`subvolid=` pinned for / in fstab or the kernel command line. */
export async function pinnedRootSubvolume(transport: Transport): Promise<string | undefined> {
  const fstab = await transport.exists('/etc/fstab') ? (await transport.readFile('/etc/fstab')).toString('utf8') : '';
  for (const line of fstab.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0]?.startsWith('#') || f[1] !== '/') continue;
    const pin = (f[3] ?? '').split(',').find((o) => /^subvol(id)?=/.test(o));
    if (pin) return `/etc/fstab mounts / with ${pin}`;
  }
  // The running kernel's command line, on a live host only (a root prefix is an image, not booted).
  if (transport.root === undefined) {
    const cmdline = await transport.run(['cat', '/proc/cmdline']);
    const pin = /rootflags=\S*(subvol(id)?=[^,\s]+)/.exec(cmdline.stdout)?.[1];
    if (pin) return `the kernel command line mounts / with ${pin}`;
  }
  return undefined;
}

/** Runs `fn` with the filesystem's top level mounted at a private mount point (a host path as `run` sees it); always unmounts. */
export async function withTopLevel<T>(transport: Transport, fs: { device: string; uuid: string }, executionId: string, fn: (top: string) => Promise<T>): Promise<T> {
  const mountPoint = hostPath(transport, posix.join('/run/ferry', `btrfs-${executionId}`));
  await runChecked(transport, ['mkdir', '-p', '--', mountPoint], `Creating ${mountPoint}`);
  await runChecked(transport, ['mount', '-t', 'btrfs', '-o', `subvolid=${BTRFS_TOP_LEVEL_ID}`, '--', fs.device, mountPoint], `Mounting the top level of ${fs.device}`);
  try {
    const uuid = (await runChecked(transport, ['findmnt', '-n', '-o', 'UUID', '--mountpoint', mountPoint], `findmnt ${mountPoint}`)).trim();
    if (uuid !== fs.uuid) throw new FerryError('SNAPSHOT_FAILED', `${fs.device} on ${transport.hostName} holds filesystem ${uuid}, not the snapshot's ${fs.uuid}`);
    return await fn(mountPoint);
  } finally {
    await runChecked(transport, ['umount', '--', mountPoint], `Unmounting ${mountPoint}`);
    await transport.run(['rmdir', '--', mountPoint]);
  }
}

/** Installed packages' size in bytes (rpm's %{SIZE}), the figure the space rule starts from. */
export async function installedBytes(transport: Transport): Promise<number> {
  const out = await runChecked(transport, rpmArgv(transport, '-qa', '--qf', '%{SIZE}\\n'), 'rpm -qa --qf %{SIZE}');
  return out.split('\n').reduce((sum, l) => sum + (Number(l) || 0), 0);
}

/** Refuses with the figures when the filesystem cannot hold the migration beside the snapshot. */
export async function checkBtrfsSpace(transport: Transport): Promise<{ needed: number; free: number }> {
  const usage = parseBtrfsUsage(await runChecked(transport, ['btrfs', 'filesystem', 'usage', '-b', hostPath(transport, '/')], 'btrfs filesystem usage'));
  const needed = btrfsSpaceNeeded(await installedBytes(transport));
  if (usage.freeEstimated < needed) {
    throw new FerryError('SNAPSHOT_NO_SPACE', `The Btrfs root of ${transport.hostName} has ${mib(usage.freeEstimated)} MiB free (estimated; ${mib(usage.unallocated)} MiB unallocated), but a snapshot kept through the migration needs ${mib(needed)} MiB (the installed packages' size plus a quarter)`, {
      hint: 'Free space on the root filesystem (or grow it), or migrate without a snapshot (--snapshot none).',
      details: { freeEstimated: usage.freeEstimated, unallocated: usage.unallocated, needed },
    });
  }
  return { needed, free: usage.freeEstimated };
}

function mib(bytes: number): number {
  return Math.floor(bytes / 2 ** 20);
}

/** The id of the subvolume at `path` (a host path as `run` sees it). */
export async function subvolumeId(transport: Transport, path: string): Promise<number> {
  const out = (await runChecked(transport, ['btrfs', 'inspect-internal', 'rootid', '--', path], `btrfs inspect-internal rootid ${path}`)).trim();
  if (!/^\d+$/.test(out)) throw new FerryError('FACTS_PARSE', `btrfs inspect-internal rootid ${path} printed ${out.slice(0, 80)}`);
  return Number(out);
}
