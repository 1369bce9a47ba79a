/**
 * Snapshot (src/exec/steps/snapshot.ts, providers in src/exec/snapshots): a snapshot of the whole system taken
 * before any change of the conversion, so that `ferry rollback` can return the host to it even past the
 * point of no return. Which provider, is decided here, once (`chooseSnapshot`): the operator's own commands
 * when given, else Btrfs when the facts show a Btrfs root; else none, with the reason as a plan note.
 */
import type { HostFacts } from '../../facts/types.js';
import { defineStepKind, NAMES_SCHEMA } from './kind.js';

export type SnapshotCommandsSpec = { create: string[]; restore: string[]; remove: string[] };
/**
 * `retentionSeconds` (`--snapshot-retention`): how long the snapshot may be kept once the migration completed or
 * was rolled back; the snapshot records its expiry when taken, `ferry status` shows it, and an expired snapshot is
 * removed by `ferry status --expire` (or `ferry finish`, which removes it whatever its age). null: kept until `ferry finish`.
 */
export type SnapshotOptions = { provider: 'btrfs' | 'command'; commands: SnapshotCommandsSpec | null; retentionSeconds: number | null };

/** What the operator asked: `auto` (the host's own provider, if any), `none`, or their commands. */
export type SnapshotRequest = 'auto' | 'none' | { commands: SnapshotCommandsSpec };

const ARGV_SCHEMA = { ...NAMES_SCHEMA, minItems: 1 };

export const snapshotKind = defineStepKind<'snapshot', SnapshotOptions>({
  kind: 'snapshot',
  title: (o) => (o.provider === 'btrfs' ? 'Snapshot the root subvolume (Btrfs) to return to after the point of no return' : `Snapshot the system with ${o.commands?.create[0] ?? 'the snapshot command'}`),
  schema: {
    type: 'object',
    properties: {
      provider: { type: 'string', enum: ['btrfs', 'command'] },
      commands: {
        type: 'object',
        nullable: true,
        properties: { create: ARGV_SCHEMA, restore: ARGV_SCHEMA, remove: ARGV_SCHEMA },
        required: ['create', 'restore', 'remove'],
        additionalProperties: false,
      },
      retentionSeconds: { type: 'integer', minimum: 1, nullable: true },
    },
    required: ['provider', 'commands', 'retentionSeconds'],
    additionalProperties: false,
  },
});

/** The snapshot step's options for this host and request, or why there is none (a plan note). */
export function chooseSnapshot(facts: HostFacts, request: SnapshotRequest, retentionSeconds?: number): { options: SnapshotOptions } | { note: string } {
  if (request === 'none') return { note: 'no snapshot (--snapshot none): rollback is refused past the point of no return' };
  const retention = { retentionSeconds: retentionSeconds ?? null };
  if (request !== 'auto') return { options: { provider: 'command', commands: request.commands, ...retention } };
  const root = facts.storage?.mounts.find((m) => m.path === '/');
  if (root?.fstype === 'btrfs') return { options: { provider: 'btrfs', commands: null, ...retention } };
  const why = !root ? 'the facts do not show what holds /' : root.source.startsWith('/dev/mapper/')
    ? `/ is on ${root.source} (LVM snapshots are not offered yet)` : `/ is ${root.fstype} on ${root.source}`;
  return { note: `no snapshot: ${why}; rollback is refused past the point of no return unless --snapshot-command is given` };
}
