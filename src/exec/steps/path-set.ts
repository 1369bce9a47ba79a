/**
 * The `pathSet` restorable: the files (and symlinks) at a list of paths, for changes made by rpm itself
 * (the vendor swap replaces files owned by packages). Capture archives those that exist with tar on the
 * host and records those that do not; restore deletes what did not exist (files, then emptied
 * directories, deepest first) and unpacks the archive. Paired with a restore of the rpm database it puts
 * a package swap back exactly.
 */
import { posix } from 'node:path';
import { FerryError } from '../../core/index.js';
import { assertResolvesUnderRoot, hostPath, runChecked } from '../journal.js';
import { asRecord, assertArchiveIntact, checkBackup, checkPath, checkSha256, tarAndHash } from '../restorables.js';
import type { JsonValue, RestorableCheckContext, Restorable, Restorer } from '../types.js';

type PathSetData = { key: string; absent: string[]; archive: string | null; sha256: string | null; count: number };

export function pathSetRestorable(key: string, description: string, paths: string[]): Restorable<PathSetData> {
  const unique = [...new Set(paths)].filter((p) => p.startsWith('/') && posix.normalize(p) !== '/').sort();
  return {
    kind: 'pathSet',
    key,
    description,
    async capture(ctx) {
      const t = ctx.transport;
      const listFile = posix.join(ctx.backupDir, 'paths.txt');
      await t.writeFile(listFile, unique.map((p) => p.slice(1)).join('\n') + '\n', { mode: 0o600 });
      // Prints each listed path that does not exist (not even as a dangling symlink), relative to the root.
      const res = await runChecked(t, ['sh', '-c', 'cd "$1" && while IFS= read -r p; do [ -e "$p" ] || [ -L "$p" ] || printf "%s\\n" "$p"; done < "$2"', 'sh',
        hostPath(t, '/'), hostPath(t, listFile)], 'Listing paths');
      const absent = new Set(res.split('\n').filter(Boolean));
      const present = unique.map((p) => p.slice(1)).filter((p) => !absent.has(p));
      if (present.length === 0) return { key, absent: [...absent].map((p) => `/${p}`), archive: null, sha256: null, count: 0 };
      const presentFile = posix.join(ctx.backupDir, 'present.txt');
      await t.writeFile(presentFile, present.join('\n') + '\n', { mode: 0o600 });
      const archive = posix.join(ctx.backupDir, 'paths.tar');
      const sha256 = await tarAndHash(t, archive, ['--numeric-owner', '--no-recursion', '-C', hostPath(t, '/'), '-cpf', hostPath(t, archive), '-T', hostPath(t, presentFile)], 'Archiving paths');
      return { key, absent: [...absent].map((p) => `/${p}`), archive, sha256, count: present.length };
    },
  };
}

function checkPathSet(raw: JsonValue, ctx: RestorableCheckContext): void {
  const d = asRecord(raw, 'path set data');
  if (d.key !== ctx.key) throw new FerryError('JOURNAL_CORRUPT', `path set key ${JSON.stringify(d.key)} is not the restorable's key`);
  if (!Array.isArray(d.absent)) throw new FerryError('JOURNAL_CORRUPT', 'path set absent is not a list');
  d.absent.forEach((p, i) => checkPath(p, `path set absent[${i}]`));
  if (d.archive === null) return;
  checkBackup(d.archive, ctx, 'paths.tar', 'path set archive');
  checkSha256(d.sha256, 'path set sha256');
}

async function restorePathSetData(raw: JsonValue, ctx: Parameters<Restorer['restore']>[1]): Promise<void> {
  const data = raw as PathSetData;
  const t = ctx.transport;
  await assertResolvesUnderRoot(t, [...new Set(data.absent.map((p) => posix.dirname(p)))], 'A path of the path set');
  if (data.archive) await assertArchiveIntact(t, data.archive, data.sha256 ?? '', '');
  const deepestFirst = [...data.absent].sort((a, b) => b.split('/').length - a.split('/').length || b.localeCompare(a));
  for (const p of deepestFirst) {
    const hp = hostPath(t, p);
    await runChecked(t, ['sh', '-c', 'if [ -d "$1" ] && [ ! -L "$1" ]; then rmdir "$1" 2>/dev/null || true; else rm -f "$1"; fi', 'sh', hp], `Removing ${p}`);
  }
  if (data.archive) {
    await runChecked(t, ['tar', '--numeric-owner', '-C', hostPath(t, '/'), '-xpf', hostPath(t, data.archive)], `Unpacking ${data.archive}`);
  }
}

export const restorePathSet: Restorer = { check: checkPathSet, restore: restorePathSetData };
