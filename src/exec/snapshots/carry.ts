/**
 * Returning a host to a snapshot returns its /var/lib/ferry too, to the moment the snapshot was taken: the
 * journal would lose every entry since (and the store's head would call it shrunk), the lock would be gone.
 * So the execution's journal, `current` and the lock are carried across: archived on the host just before the
 * switch and unpacked into the tree the host runs on next (the snapshot before a reboot into it, or the root
 * after a restore command rewrote it). Nothing else of the state directory is carried: backups of the
 * migrated host are meaningless on the restored one.
 */
import { posix } from 'node:path';
import type { Transport } from '../../transport/types.js';
import { FERRY_STATE_ROOT, hostPath, runChecked } from '../journal.js';

function members(executionId: string): string[] {
  return ['current', 'lock', posix.join(executionId, 'journal.jsonl')];
}

/** A tar archive (bytes) of the execution's journal, `current` and the lock, as they are now. */
export async function captureJournalState(transport: Transport, executionId: string): Promise<Buffer> {
  const res = await transport.run(['tar', '--numeric-owner', '-C', hostPath(transport, FERRY_STATE_ROOT), '--ignore-failed-read', '-cf', '-', ...members(executionId)], { encoding: 'buffer' });
  if (res.code !== 0) throw new Error(`archiving the journal of ${executionId} on ${transport.hostName} failed: ${String(res.stderr).trim().slice(0, 300)}`);
  return res.stdout;
}

/** Unpacks a captureJournalState archive into the state directory of the tree at `treeDir` (a host path as `run` sees it). */
export async function putJournalState(transport: Transport, treeDir: string, executionId: string, archive: Buffer): Promise<void> {
  const state = posix.join(treeDir, FERRY_STATE_ROOT);
  await runChecked(transport, ['mkdir', '-p', '-m', '0700', '--', posix.join(state, executionId)], `Creating ${state}`);
  await runChecked(transport, ['rm', '-rf', '--', posix.join(state, 'lock')], `Removing the old lock in ${state}`);
  const res = await transport.run(['tar', '--numeric-owner', '-C', state, '-xpf', '-'], { stdin: archive });
  if (res.code !== 0) throw new Error(`unpacking the journal of ${executionId} into ${state} on ${transport.hostName} failed: ${res.stderr.trim().slice(0, 300)}`);
  await runChecked(transport, ['sync'], 'sync');
}
