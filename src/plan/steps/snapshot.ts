/**
 * Snapshot (src/exec/steps/snapshot.ts, providers in src/exec/snapshots): a snapshot of the whole system taken
 * before any change of the conversion, so that `ferry rollback` can return the host to it even past the
 * point of no return. Which provider, is decided here, once (`chooseSnapshot`): the operator's own commands
 * when given, else Btrfs when the facts show a Btrfs root, else LVM when / (and /boot, when it is a separate
 * filesystem) are logical volumes in the facts' lvs report — refused with the figures (SNAPSHOT_NO_SPACE, naming the
 * volume group or thin pool) when their free space cannot hold the snapshots (lvm-snapshot.ts: the one rule,
 * asked again by the step before lvcreate); else none, with the reason as a plan note.
 */
import type { HostFacts } from '../../facts/types.js';
import { lvmVolumesOf, planLvmSnapshot } from '../lvm-snapshot.js';
import { defineStepKind, NAMES_SCHEMA } from './kind.js';

export type SnapshotCommandsSpec = { create: string[]; restore: string[]; remove: string[] };
/**
 * `retentionSeconds` (`--snapshot-retention`): how long the snapshot may be kept once the migration completed or
 * was rolled back; the snapshot records its expiry when taken, `ferry status` shows it, and an expired snapshot is
 * removed by `ferry status --expire` (or `ferry finish`, which removes it whatever its age). null: kept until `ferry finish`.
 */
export type SnapshotOptions = {
  provider: 'btrfs' | 'lvm' | 'command';
  commands: SnapshotCommandsSpec | null;
  retentionSeconds: number | null;
  /** LVM: the origins the step snapshots (/ and, when on LVM, /boot); null for the other providers. */
  volumes: LvmVolumeSpec[] | null;
};

/** An LVM origin: `lv` as `VG/LV`, the mount it holds and its filesystem type (from the facts' storage section). */
export type LvmVolumeSpec = { lv: string; mount: string; fstype: string };

/** What the operator asked: `auto` (the host's own provider, if any), `none`, or their commands. */
export type SnapshotRequest = 'auto' | 'none' | { commands: SnapshotCommandsSpec };

const ARGV_SCHEMA = { ...NAMES_SCHEMA, minItems: 1 };

export const snapshotKind = defineStepKind<'snapshot', SnapshotOptions>({
  kind: 'snapshot',
  title: (o) => (o.provider === 'btrfs' ? 'Snapshot the root subvolume (Btrfs) to return to after the point of no return'
    : o.provider === 'lvm' ? `Snapshot the logical volumes ${(o.volumes ?? []).map((v) => `${v.lv} (${v.mount})`).join(', ')} (LVM) to return to after the point of no return`
      : `Snapshot the system with ${o.commands?.create[0] ?? 'the snapshot command'}`),
  schema: {
    type: 'object',
    properties: {
      provider: { type: 'string', enum: ['btrfs', 'lvm', 'command'] },
      volumes: {
        type: 'array', minItems: 1, nullable: true,
        items: {
          type: 'object',
          properties: { lv: { type: 'string', pattern: '^[A-Za-z0-9+_.-]+/[A-Za-z0-9+_.-]+$' }, mount: { type: 'string', enum: ['/', '/boot'] }, fstype: { type: 'string', pattern: '^[a-z0-9_.-]*$' } },
          required: ['lv', 'mount', 'fstype'],
          additionalProperties: false,
        },
      },
      commands: {
        type: 'object',
        nullable: true,
        properties: { create: ARGV_SCHEMA, restore: ARGV_SCHEMA, remove: ARGV_SCHEMA },
        required: ['create', 'restore', 'remove'],
        additionalProperties: false,
      },
      retentionSeconds: { type: 'integer', minimum: 1, nullable: true },
    },
    required: ['provider', 'commands', 'retentionSeconds', 'volumes'],
    additionalProperties: false,
  },
});

/** The snapshot step's options for this host and request, or why there is none (a plan note). */
export function chooseSnapshot(facts: HostFacts, request: SnapshotRequest, retentionSeconds?: number): { options: SnapshotOptions } | { note: string } {
  if (request === 'none') return { note: 'no snapshot (--snapshot none): rollback is refused past the point of no return' };
  const retention = { retentionSeconds: retentionSeconds ?? null, volumes: null };
  if (request !== 'auto') return { options: { provider: 'command', commands: request.commands, ...retention } };
  const root = facts.storage?.mounts.find((m) => m.path === '/');
  if (root?.fstype === 'btrfs') return { options: { provider: 'btrfs', commands: null, ...retention } };
  const lvm = root?.source.startsWith('/dev/mapper/') ? chooseLvm(facts) : null;
  if (lvm && 'volumes' in lvm) return { options: { provider: 'lvm', commands: null, ...retention, volumes: lvm.volumes } };
  const why = !root ? 'the facts do not show what holds /' : lvm ? lvm.why : `/ is ${root.fstype} on ${root.source}`;
  return { note: `no snapshot: ${why}; rollback is refused past the point of no return unless --snapshot-command is given` };
}

/** The LVs to snapshot (free space checked on the facts' reports: SNAPSHOT_NO_SPACE refuses the plan), or why none. */
function chooseLvm(facts: HostFacts): { volumes: LvmVolumeSpec[] } | { why: string } {
  const storage = facts.storage;
  const root = storage?.mounts.find((m) => m.path === '/');
  if (!storage || !root) return { why: 'the facts do not show what holds /' };
  if (!storage.lvm) return { why: `/ is on ${root.source}, but ${storage.lvmError ? `its lvm2 reports could not be read (${storage.lvmError})` : 'the facts hold no lvs report (lvm2 not installed?)'}` };
  const boot = storage.mounts.find((m) => m.path === '/boot' && m.source !== root.source);
  const mounts = [root, ...(boot ? [boot] : [])];
  const isLv = (source: string): boolean => storage.lvm?.lvs.some((lv) => lv.dmPath === source) ?? false;
  if (!isLv(root.source)) return { why: `/ is on ${root.source}, which lvs does not show as a logical volume` };
  // The root merged back with a /boot left migrated would boot the target's kernel without its modules.
  if (boot && !isLv(boot.source)) return { why: `/ is on ${root.source} but /boot is ${boot.fstype} on ${boot.source}, not a logical volume (an LVM snapshot of / alone would come back with the migrated /boot)` };
  const lvs = lvmVolumesOf({ lvs: storage.lvm.lvs, devices: mounts.map((m) => m.source), host: facts.origin });
  // The prefix is the execution's (unknown here): the rule only sizes and checks the space now.
  planLvmSnapshot({ lvs: storage.lvm.lvs, vgs: storage.lvm.vgs, volumes: lvs, prefix: 'ferry-plan', host: facts.origin });
  const volumes = mounts.flatMap((m) => {
    const lv = storage.lvm?.lvs.find((l) => l.dmPath === m.source);
    return lv ? [{ lv: `${lv.vg}/${lv.name}`, mount: m.path, fstype: m.fstype }] : [];
  });
  return { volumes };
}
