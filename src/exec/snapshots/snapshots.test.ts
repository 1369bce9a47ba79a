// The snapshot providers' readers and rules on real output (btrfs-progs 6.2 on this machine's kernel; a captured
// lvs report and LVM samples in lvm2's documented shape: fixtures/README.md), and the check of journaled snapshot data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError } from '../../core/index.js';
import { createLocalTransport } from '../../transport/local.js';
import { btrfsSpaceNeeded, parseBtrfsUsage, parseSubvolumeShow, pinnedRootSubvolume } from './btrfs.js';
import { parseSnapshotId } from './command.js';
import { checkSnapshotData, parseBtrfsDu, snapshotExpired } from './index.js';
import { lvDmPath, parseLvs, parseVgs, planLvmSnapshot } from './lvm.js';
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

test('checkSnapshotData: what Ferry journals passes; anything else is JOURNAL_CORRUPT naming the field', () => {
  assert.deepEqual(checkSnapshotData(BTRFS, 'system'), BTRFS);
  assert.equal(checkSnapshotData({ provider: 'command', snapshotId: 'snap-0a1b2c', state: DIGEST, createdAt: BTRFS.createdAt }, 'system').provider, 'command');
  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ['another key', BTRFS, 'rpmdb', /key "rpmdb" is not system/],
    ['a snapshot outside Ferry\'s directory', { ...BTRFS, snapshotPath: '../etc' }, 'system', /btrfs snapshot "..\/etc" is not where Ferry takes snapshots/],
    ['the top level as the snapshot', { ...BTRFS, snapshotId: 5 }, 'system', /subvolume ids/],
    ['origin with ..', { ...BTRFS, originPath: 'a/../b' }, 'system', /btrfs origin/],
    ['a digest that is not one', { ...BTRFS, state: { ...DIGEST, etc: 'x' } }, 'system', /snapshot state etc "x"/],
    ['an unknown provider', { ...BTRFS, provider: 'zfs' }, 'system', /provider "zfs" is none of btrfs, command/],
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

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', `${name}.json`), 'utf8');

test('LVM: lvs/vgs JSON reports read; classic and thin snapshot commands and the space rule, refused with the figures', () => {
  const classic = { lvs: parseLvs(fixture('lvs-classic')), vgs: parseVgs(fixture('vgs-classic')) };
  assert.deepEqual(classic.lvs.map((l) => `${l.vg}/${l.name} ${l.sizeBytes} ${l.dmPath}`), ['cl/root 18249416704 /dev/mapper/cl-root', 'cl/swap 2147483648 /dev/mapper/cl-swap']);
  assert.deepEqual(classic.vgs, [{ name: 'cl', sizeBytes: 42945478656, freeBytes: 22548578304, extentBytes: 4194304 }]);
  const thin = { lvs: parseLvs(fixture('lvs-thin')), vgs: parseVgs(fixture('vgs-thin')) };
  const cases: [string, typeof classic, string[], string | RegExp][] = [
    // / on cl-root, /boot a partition (not LVM: skipped).
    ['classic root, /boot a partition', classic, ['/dev/mapper/cl-root', '/dev/vda1'],
      'classic lvcreate --snapshot --size 18249416704b --name ferry-mig-1-root cl/root | lvconvert --merge cl/ferry-mig-1-root | lvremove -y cl/ferry-mig-1-root'],
    ['classic, the VG too small', { ...classic, vgs: [{ ...classic.vgs[0], freeBytes: 10 * 2 ** 30 }] }, ['/dev/mapper/cl-root'],
      /volume group cl of db1 has 10240 MiB free, but snapshots kept through the migration need 17404 MiB/],
    ['thin root and boot, the pool too full', thin, ['/dev/mapper/vg0-root', '/dev/mapper/vg0-boot'], /thin pool vg0\/pool00 of db1 has 18892 MiB free, but .* need 21504 MiB/],
    ['thin /boot alone (1 GiB of the pool\'s free 18892 MiB)', thin, ['/dev/mapper/vg0-boot'],
      'thin lvcreate --snapshot --setactivationskip n --name ferry-mig-1-boot vg0/boot | lvconvert --merge vg0/ferry-mig-1-boot | lvremove -y vg0/ferry-mig-1-boot'],
    ['nothing on LVM', classic, ['/dev/vda2'], /None of \/dev\/vda2 on db1 is an LVM logical volume/],
  ];
  for (const [name, reports, devices, want] of cases) {
    let got: string;
    try {
      const p = planLvmSnapshot({ ...reports, devices, name: 'ferry-mig-1', host: 'db1' });
      got = `${p.kind} ${[...p.create, ...p.merge, ...p.remove].map((a) => a.join(' ')).join(' | ')}`;
    } catch (e) {
      assert.ok(isFerryError(e, 'SNAPSHOT_NO_SPACE') || isFerryError(e, 'SNAPSHOT_UNSUPPORTED'), String(e));
      got = e.message;
    }
    if (typeof want === 'string') assert.equal(got, want, name); else assert.match(got, want, name);
  }
  assert.throws(() => parseLvs('{"report": [{"lv": [{"lv_name": "root"}]}]}'), (e: unknown) => isFerryError(e, 'FACTS_PARSE') && /field vg_name is missing/.test(e.message));
  assert.throws(() => parseVgs(fixture('vgs-classic').replace('"22548578304"', '"21.00g"')), (e: unknown) => isFerryError(e, 'FACTS_PARSE') && /--units b --nosuffix/.test(e.message));
});

test('LVM on captured output: a real `lvs --all --report-format json --units B` (Ghaf, fixtures/README.md) read, its root LV snapshotted or refused', () => {
  const lvs = parseLvs(fixture('lvs-ghaf-captured'));
  assert.deepEqual(lvs.map((l) => `${l.vg}/${l.name} ${l.attr} ${l.sizeBytes} ${l.dmPath}`), [
    'pool/persist -wi-ao---- 890538819584 /dev/mapper/pool-persist',
    'pool/root_0 -wi-a----- 53687091200 /dev/mapper/pool-root_0',
    'pool/root_empty -wi-ao---- 53687091200 /dev/mapper/pool-root_empty',
    'pool/swap -wi-ao---- 12884901888 /dev/mapper/pool-swap',
    'pool/verity_0 -wi-a----- 6442450944 /dev/mapper/pool-verity_0',
    'pool/verity_empty -wi-ao---- 6442450944 /dev/mapper/pool-verity_empty',
  ], 'no lv_dm_path column: the node is derived as lvm2 names it');
  assert.ok(lvs.every((l) => l.dataPercent === null && l.pool === ''), 'classic volumes: no pool, data_percent ""');
  // The captured host printed no vgs: without its volume group's free space there is no decision, and Ferry says so.
  assert.throws(() => planLvmSnapshot({ lvs, vgs: [], devices: ['/dev/mapper/pool-root_empty'], name: 'ferry-mig-1', host: 'ghaf' }),
    (e: unknown) => isFerryError(e, 'FACTS_PARSE') && /vgs shows no volume group pool of ghaf/.test(e.message));
  // Free space as a vgs without vg_extent_size would give it (the figures are this test's: sizes then not rounded to extents).
  const vg = (free: number): ReturnType<typeof parseVgs> => parseVgs(JSON.stringify({ report: [{ vg: [{ vg_name: 'pool', vg_size: '1000204886016', vg_free: String(free) }] }] }));
  const ok = planLvmSnapshot({ lvs, vgs: vg(60 * 2 ** 30), devices: ['/dev/mapper/pool-root_empty', '/dev/nvme0n1p1'], name: 'ferry-mig-1', host: 'ghaf' });
  assert.deepEqual([...ok.create, ...ok.merge, ...ok.remove].map((a) => a.join(' ')), [
    'lvcreate --snapshot --size 53687091200b --name ferry-mig-1-root_empty pool/root_empty',
    'lvconvert --merge pool/ferry-mig-1-root_empty',
    'lvremove -y pool/ferry-mig-1-root_empty',
  ]);
  assert.throws(() => planLvmSnapshot({ lvs, vgs: vg(40 * 2 ** 30), devices: ['/dev/mapper/pool-root_empty'], name: 'ferry-mig-1', host: 'ghaf' }),
    (e: unknown) => isFerryError(e, 'SNAPSHOT_NO_SPACE') && /volume group pool of ghaf has 40960 MiB free, but .* need 51200 MiB/.test(e.message));
});

test('lvDmPath: hyphens inside VG and LV names doubled, as lvm2\'s dm_build_dm_name does', () => {
  const cases: [string, string, string][] = [
    ['cl', 'root', '/dev/mapper/cl-root'],
    ['opencloudos_host-075', 'root', '/dev/mapper/opencloudos_host--075-root'],
    ['vg-a', 'lv-b-c', '/dev/mapper/vg--a-lv--b--c'],
  ];
  for (const [vg, lv, want] of cases) assert.equal(lvDmPath(vg, lv), want, `${vg}/${lv}`);
});
