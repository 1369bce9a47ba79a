// The snapshot providers' readers and rules on real output (btrfs-progs 6.2 on this machine's kernel; LVM's are in
// src/plan/lvm-snapshot.test.ts), and the check of journaled snapshot data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError } from '../../core/index.js';
import { createLocalTransport } from '../../transport/local.js';
import { btrfsSpaceNeeded, parseBtrfsUsage, parseSubvolumeShow, pinnedRootSubvolume } from './btrfs.js';
import { parseSnapshotId } from './command.js';
import { checkSnapshotData, parseBtrfsDu, snapshotExpired } from './index.js';
import { digestDifferences } from './state.js';

// `btrfs filesystem usage -b` of a fresh 1 GiB filesystem on a loop device (btrfs-progs 6.2).
const USAGE = `Overall:
    Device size:		        1073741824
    Device allocated:		         132513792
    Device unallocated:		         941228032
    Device missing:		                 0
    Device slack:		                 0
    Used:			            294912
    Free (estimated):		         949616640	(min: 479002624)
    Free (statfs, df):		         948568064
    Data ratio:			              1.00
`;

const SHOW_ROOT = `root
	Name: 			root
	UUID: 			780f648a-8528-694e-a604-74da979dfaf8
	Parent UUID: 		-
	Subvolume ID: 		256
	Generation: 		7
	Parent ID: 		5
	Top level ID: 		5
`;
const SHOW_TOP = `/
	Name: 			<FS_TREE>
	UUID: 			4b7c4562-d855-4a7c-88f5-6f788866d11c
	Subvolume ID: 		5
`;

const DU = `     Total   Exclusive  Set shared  Filename
   4005888     1003520     3002368  /tmp/h4-btrfs-WdPq/top/root
`;

test('btrfs readers: filesystem usage, subvolume show (a subvolume, the top level), filesystem du', () => {
  assert.deepEqual(parseBtrfsUsage(USAGE), { deviceSize: 1073741824, unallocated: 941228032, freeEstimated: 949616640 });
  assert.deepEqual(parseSubvolumeShow(SHOW_ROOT), { id: 256, path: 'root' });
  assert.deepEqual(parseSubvolumeShow(SHOW_TOP), { id: 5, path: '' });
  assert.equal(parseBtrfsDu(DU), 1003520);
  assert.equal(parseBtrfsDu('     Total   Exclusive  Set shared  Filename\n'), null);
  assert.throws(() => parseBtrfsUsage('Overall:\n'), (e: unknown) => isFerryError(e, 'FACTS_PARSE') && /Device size/.test(e.message));
  assert.equal(btrfsSpaceNeeded(800 * 2 ** 20), 1000 * 2 ** 20, 'the installed packages plus a quarter');
});

test('pinnedRootSubvolume: / mounted with subvol= or subvolid= in fstab is found; the default subvolume is not pinned', async (t) => {
  const cases: [string, string | undefined][] = [
    ['UUID=fd09 /     btrfs  subvol=root,compress=zstd:1 0 0\n', '/etc/fstab mounts / with subvol=root'],
    ['UUID=fd09 /     btrfs  defaults,subvolid=256 0 0\n', '/etc/fstab mounts / with subvolid=256'],
    ['UUID=fd09 /     btrfs  defaults 0 0\nUUID=fd09 /home btrfs subvol=home 0 0\n', undefined],
    ['# UUID=fd09 / btrfs subvol=root 0 0\n', undefined],
  ];
  const root = mkdtempSync(join(tmpdir(), 'ferry-fstab-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  const transport = createLocalTransport({ root });
  for (const [fstab, want] of cases) {
    writeFileSync(join(root, 'etc', 'fstab'), fstab);
    assert.equal(await pinnedRootSubvolume(transport), want, fstab);
  }
});

const DIGEST = { packages: 'a'.repeat(64), etc: 'b'.repeat(64), rpmdb: 'c'.repeat(64) };
const BTRFS = { provider: 'btrfs', uuid: 'fd09ca16-657d-4a55-b19c-98fcf6a908e4', originId: 256, originPath: 'root', snapshotId: 257, snapshotPath: 'ferry-snapshots/mig-20261202T161500-1a2b3c4d', state: DIGEST, createdAt: '2026-12-02T16:15:00.000Z' };

const LVM = { provider: 'lvm', kind: 'classic', volumes: [{ vg: 'cl', lv: 'root', snapshot: 'ferry-1a2b3c4d-root', mount: '/', fstype: 'xfs' }], state: DIGEST, createdAt: BTRFS.createdAt };

test('checkSnapshotData: what Ferry journals passes; anything else is JOURNAL_CORRUPT naming the field', () => {
  assert.deepEqual(checkSnapshotData(BTRFS, 'system'), BTRFS);
  assert.deepEqual(checkSnapshotData(LVM, 'system'), LVM);
  assert.equal(checkSnapshotData({ provider: 'command', snapshotId: 'snap-0a1b2c', state: DIGEST, createdAt: BTRFS.createdAt }, 'system').provider, 'command');
  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ['another key', BTRFS, 'rpmdb', /key "rpmdb" is not system/],
    ['a snapshot outside Ferry\'s directory', { ...BTRFS, snapshotPath: '../etc' }, 'system', /btrfs snapshot "..\/etc" is not where Ferry takes snapshots/],
    ['the top level as the snapshot', { ...BTRFS, snapshotId: 5 }, 'system', /subvolume ids/],
    ['origin with ..', { ...BTRFS, originPath: 'a/../b' }, 'system', /btrfs origin/],
    ['a digest that is not one', { ...BTRFS, state: { ...DIGEST, etc: 'x' } }, 'system', /snapshot state etc "x"/],
    ['an unknown provider', { ...BTRFS, provider: 'zfs' }, 'system', /provider "zfs" is none of btrfs, lvm, command/],
    ['an lvm snapshot Ferry did not name', { ...LVM, volumes: [{ ...LVM.volumes[0], snapshot: 'root' }] }, 'system', /lvm snapshot "root" is not one Ferry names/],
    ['an lvm name with a slash', { ...LVM, volumes: [{ ...LVM.volumes[0], vg: 'cl/../x' }] }, 'system', /lvm snapshot vg "cl\/..\/x" is not an LVM name/],
    ['an lvm kind', { ...LVM, kind: 'raid' }, 'system', /lvm snapshot kind "raid"/],
    ['an expiry that is not a date', { ...BTRFS, expiresAt: 'next week' }, 'system', /snapshot expiry "next week" is not a date after its creation/],
    ['an expiry before the snapshot', { ...BTRFS, expiresAt: '2026-12-01T00:00:00.000Z' }, 'system', /snapshot expiry .* after its creation/],
    ['a command id with a space', { provider: 'command', snapshotId: 'rm -rf /', state: DIGEST, createdAt: BTRFS.createdAt }, 'system', /snapshot id "rm -rf \/"/],
  ];
  for (const [name, data, key, want] of bad) {
    assert.throws(() => checkSnapshotData(JSON.parse(JSON.stringify(data)), key), (e: unknown) => isFerryError(e, 'JOURNAL_CORRUPT') && want.test(e.message), name);
  }
});

test('snapshotExpired: due at its journaled expiry, never without one', () => {
  const week = { ...BTRFS, expiresAt: '2026-12-09T16:15:00.000Z' };
  assert.deepEqual(checkSnapshotData(week, 'system'), week, 'the expiry is kept');
  const cases: [string, Record<string, unknown>, string, boolean][] = [
    ['a second before', week, '2026-12-09T16:14:59.000Z', false],
    ['at its expiry', week, '2026-12-09T16:15:00.000Z', true],
    ['after it', week, '2027-01-01T00:00:00.000Z', true],
    ['no retention, years later', BTRFS, '2036-01-01T00:00:00.000Z', false],
  ];
  for (const [name, data, now, want] of cases) {
    assert.equal(snapshotExpired({ id: 'r1', stepId: 's1', kind: 'snapshot', key: 'system', description: 'btrfs snapshot of the system', data: JSON.parse(JSON.stringify(data)) }, new Date(now)), want, name);
  }
});

test('digestDifferences and parseSnapshotId', () => {
  assert.deepEqual(digestDifferences(DIGEST, DIGEST), []);
  assert.deepEqual(digestDifferences(DIGEST, { ...DIGEST, etc: 'd'.repeat(64), rpmdb: 'e'.repeat(64) }), ['/etc', 'the rpm database']);
  assert.equal(parseSnapshotId('Creating snapshot…\nsnap-0a1b2c\n\n', 'aws'), 'snap-0a1b2c');
  assert.throws(() => parseSnapshotId('done with errors: see log\n', 'aws'), (e: unknown) => isFerryError(e, 'SNAPSHOT_FAILED') && /printed no snapshot id/.test(e.message));
});
