/**
 * Returning a host to a snapshot returns its /var/lib/ferry too, to the moment the snapshot was taken: the
 * journal would lose every entry since (and the store's head would call it shrunk), the lock would be gone.
 * So Ferry's records are carried across: `current`, the lock, the other records at the top of the state
 * directory (a multi-hop route's route.json) and every execution's journal — the executions after the snapshot
 * included (a route's later hops, already rolled back) — archived on the host just before the switch and
 * unpacked into the tree the host runs on next (the snapshot before a reboot into it, or the root after a restore
 * command rewrote it). Nothing else of the state directory is carried: backups of the migrated host are
 * meaningless on the restored one.
 */
import { posix } from 'node:path';
import type { Transport } from '../../transport/types.js';
import { FERRY_STATE_ROOT, hostPath, runChecked } from '../journal.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const EXECUTION = /^mig-[0-9A-Za-z-]+$/;

/**
 * What is carried, relative to the state directory: the lock (with its contents), then without recursion
 * `current`, the other top-level records, and each execution's directory (its mode) and journal. Names are
 * Ferry's own shapes only (a name found on the host never reaches tar's argv as an option).
 */
async function members(transport: Transport, executionId: string): Promise<string[]> {
  const state = hostPath(transport, FERRY_STATE_ROOT);
  const res = await transport.run(['find', state, '-mindepth', '1', '-maxdepth', '2', '-type', 'f']);
  const found = res.code === 0 ? res.stdout.split('\n').filter(Boolean).map((f) => posix.relative(state, f)) : [];
  const records = found.filter((f) => !f.includes('/') && NAME.test(f) && !f.includes('.tmp'));
  const executions = [...new Set([executionId, ...found.flatMap((f) => { const [dir, file, more] = f.split('/'); return file === 'journal.jsonl' && more === undefined && EXECUTION.test(dir) ? [dir] : []; })])];
  return ['lock', '--no-recursion', ...new Set(['current', ...records]), ...executions.flatMap((e) => [e, posix.join(e, 'journal.jsonl')])];
}

/** A tar archive (bytes) of Ferry's records on the host (members), as they are now. */
export async function captureJournalState(transport: Transport, executionId: string): Promise<Buffer> {
  const res = await transport.run(['tar', '--numeric-owner', '-C', hostPath(transport, FERRY_STATE_ROOT), '--ignore-failed-read', '-cf', '-', ...await members(transport, executionId)], { encoding: 'buffer' });
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
