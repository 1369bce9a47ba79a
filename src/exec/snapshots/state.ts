/**
 * The state a snapshot rollback must give back, as digests: the installed package set (sorted NEVRAs), /etc
 * (every entry's type, mode, owner, size, mtime and link target, and every file's sha256) and the rpm database
 * (its files' sha256). Taken when the snapshot is, compared after the host runs on it again: equal digests
 * are the proof that the host is the one from before the migration. The rpm database's lock and cache files
 * (`__db.*`, `*-shm`, `*-wal`, `.rpm.lock`, `.dbenv.lock`) change on every read and are left out, and so are its mtimes.
 */
import { FerryError } from '../../core/index.js';
import type { Transport } from '../../transport/types.js';
import { installedPackageList } from '../package-manager/index.js';

export type HostStateDigest = { packages: string; etc: string; rpmdb: string };

// $1: the root of the tree (the host's root, or a snapshot's directory). Prints `etc DIGEST` and `rpmdb DIGEST`.
const DIGEST = String.raw`set -e; cd "$1/"
d() { sha256sum | cut -d' ' -f1; }
{ find etc -xdev -printf '%y %m %U:%G %s %Ts %p -> %l\n' | LC_ALL=C sort; find etc -xdev -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum; } | d | sed 's/^/etc /'
find var/lib/rpm -xdev -type f ! -name '__db.*' ! -name '*-shm' ! -name '*-wal' ! -name '.rpm.lock' ! -name '.dbenv.lock' -print0 | LC_ALL=C sort -z | xargs -0r sha256sum | d | sed 's/^/rpmdb /'`;

/** The /etc and rpmdb digests of the tree at `dir` (a host path, as `run` sees it: already below any root prefix). */
export async function treeDigests(transport: Transport, dir: string): Promise<{ etc: string; rpmdb: string }> {
  const res = await transport.run(['sh', '-c', DIGEST, 'sh', dir]);
  const etc = /^etc ([0-9a-f]{64})$/m.exec(res.stdout)?.[1];
  const rpmdb = /^rpmdb ([0-9a-f]{64})$/m.exec(res.stdout)?.[1];
  if (res.code !== 0 || !etc || !rpmdb) {
    throw new FerryError('TRANSPORT_COMMAND', `Digesting /etc and the rpm database of ${dir} on ${transport.hostName} failed (exit ${res.code}): ${res.stderr.trim().slice(0, 300)}`);
  }
  return { etc, rpmdb };
}

/** The digests of the host as the transport sees it now. */
export async function hostStateDigest(transport: Transport): Promise<HostStateDigest> {
  return { packages: (await installedPackageList(transport)).sha256, ...await treeDigests(transport, transport.root ?? '/') };
}

/** What differs between two digests (empty: the same host). */
export function digestDifferences(expected: HostStateDigest, actual: HostStateDigest): string[] {
  return (['packages', 'etc', 'rpmdb'] as const).filter((k) => expected[k] !== actual[k]).map((k) => ({ packages: 'the package set', etc: '/etc', rpmdb: 'the rpm database' })[k]);
}
