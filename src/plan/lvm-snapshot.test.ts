// The LVM snapshot rule and lvm2's report readers on a captured real `lvs` report and samples in lvm2's documented
// shape (src/exec/snapshots/fixtures/README.md). LVM was not run here (no device-mapper on this machine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isFerryError } from '../core/index.js';
import { lvDmPath, parseLvs, parseVgs, type LogicalVolume, type VolumeGroup } from '../facts/lvm.js';
import { lvmVolumesOf, planLvmSnapshot } from './lvm-snapshot.js';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '..', 'exec', 'snapshots', 'fixtures', `${name}.json`), 'utf8');

/** The rule's commands as one line, or its refusal's message. */
function decide(o: { lvs: LogicalVolume[]; vgs: VolumeGroup[]; devices: string[]; host?: string }): string {
  try {
    const host = o.host ?? 'db1';
    const p = planLvmSnapshot({ ...o, volumes: lvmVolumesOf({ lvs: o.lvs, devices: o.devices, host }), prefix: 'ferry-1a2b3c4d', host });
    return `${p.kind} ${p.volumes.flatMap((v) => [v.create, v.merge, v.remove]).map((a) => a.join(' ')).join(' | ')}`;
  } catch (e) {
    assert.ok(isFerryError(e, 'SNAPSHOT_NO_SPACE') || isFerryError(e, 'SNAPSHOT_UNSUPPORTED') || isFerryError(e, 'FACTS_PARSE'), String(e));
    return `${e.code}: ${e.message}`;
  }
}

test('LVM: lvs/vgs JSON reports read; classic and thin snapshot commands and the space rule, refused with the figures', () => {
  const classic = { lvs: parseLvs(fixture('lvs-classic')), vgs: parseVgs(fixture('vgs-classic')) };
  assert.deepEqual(classic.lvs.map((l) => `${l.vg}/${l.name} ${l.sizeBytes} ${l.dmPath}`), ['cl/root 18249416704 /dev/mapper/cl-root', 'cl/swap 2147483648 /dev/mapper/cl-swap']);
  assert.deepEqual(classic.vgs, [{ name: 'cl', sizeBytes: 42945478656, freeBytes: 22548578304, extentBytes: 4194304 }]);
  const thin = { lvs: parseLvs(fixture('lvs-thin')), vgs: parseVgs(fixture('vgs-thin')) };
  const cases: [string, typeof classic, string[], string | RegExp][] = [
    // / on cl-root, /boot a partition (not LVM: skipped).
    ['classic root, /boot a partition', classic, ['/dev/mapper/cl-root', '/dev/vda1'],
      'classic lvcreate --snapshot --name ferry-1a2b3c4d-root --size 18249416704b cl/root | lvconvert --merge cl/ferry-1a2b3c4d-root | lvremove -y cl/ferry-1a2b3c4d-root'],
    ['classic, the VG too small', { ...classic, vgs: [{ ...classic.vgs[0], freeBytes: 10 * 2 ** 30 }] }, ['/dev/mapper/cl-root'],
      /^SNAPSHOT_NO_SPACE: The volume group cl of db1 has 10240 MiB free, but snapshots kept through the migration need 17404 MiB/],
    ['thin root and boot, the pool too full', thin, ['/dev/mapper/vg0-root', '/dev/mapper/vg0-boot'], /^SNAPSHOT_NO_SPACE: The thin pool vg0\/pool00 of db1 has 18892 MiB free, but .* need 21504 MiB/],
    ['thin /boot alone (1 GiB of the pool\'s free 18892 MiB)', thin, ['/dev/mapper/vg0-boot'],
      'thin lvcreate --snapshot --name ferry-1a2b3c4d-boot --setactivationskip n vg0/boot | lvconvert --merge vg0/ferry-1a2b3c4d-boot | lvremove -y vg0/ferry-1a2b3c4d-boot'],
    ['thin root with a classic /boot', { lvs: [...thin.lvs, ...classic.lvs], vgs: [...thin.vgs, ...classic.vgs] }, ['/dev/mapper/vg0-root', '/dev/mapper/cl-root'], /^SNAPSHOT_UNSUPPORTED: db1 mixes thin and classic volumes/],
    ['nothing on LVM', classic, ['/dev/vda2'], /^SNAPSHOT_UNSUPPORTED: None of \/dev\/vda2 on db1 is an LVM logical volume/],
  ];
  for (const [name, reports, devices, want] of cases) {
    const got = decide({ ...reports, devices });
    if (typeof want === 'string') assert.equal(got, want, name); else assert.match(got, want, name);
  }
  assert.throws(() => parseLvs('{"report": [{"lv": [{"lv_name": "root"}]}]}'), (e: unknown) => isFerryError(e, 'FACTS_PARSE') && /field vg_name is missing/.test(e.message));
  assert.throws(() => parseVgs(fixture('vgs-classic').replace('"22548578304"', '"21.00g"')), (e: unknown) => isFerryError(e, 'FACTS_PARSE') && /--units b --nosuffix/.test(e.message));
  assert.throws(() => planLvmSnapshot({ ...classic, volumes: ['cl/gone'], prefix: 'ferry-x', host: 'db1' }), (e: unknown) => isFerryError(e, 'SNAPSHOT_UNSUPPORTED') && /lvs on db1 shows no logical volume cl\/gone/.test(e.message));
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
  assert.match(decide({ lvs, vgs: [], devices: ['/dev/mapper/pool-root_empty'], host: 'ghaf' }), /^FACTS_PARSE: vgs shows no volume group pool of ghaf/);
  // Free space as a vgs without vg_extent_size would give it (the figures are this test's: sizes then not rounded to extents).
  const vg = (free: number): VolumeGroup[] => parseVgs(JSON.stringify({ report: [{ vg: [{ vg_name: 'pool', vg_size: '1000204886016', vg_free: String(free) }] }] }));
  assert.equal(decide({ lvs, vgs: vg(60 * 2 ** 30), devices: ['/dev/mapper/pool-root_empty', '/dev/nvme0n1p1'], host: 'ghaf' }), [
    'classic lvcreate --snapshot --name ferry-1a2b3c4d-root_empty --size 53687091200b pool/root_empty',
    'lvconvert --merge pool/ferry-1a2b3c4d-root_empty',
    'lvremove -y pool/ferry-1a2b3c4d-root_empty',
  ].join(' | '));
  // / and /boot both LVs of the one VG: their COW areas add up (50 GiB + 6 GiB).
  assert.match(decide({ lvs, vgs: vg(55 * 2 ** 30), devices: ['/dev/mapper/pool-root_empty', '/dev/mapper/pool-verity_empty'], host: 'ghaf' }),
    /^SNAPSHOT_NO_SPACE: The volume group pool of ghaf has 56320 MiB free, but .* need 57344 MiB/);
  assert.match(decide({ lvs, vgs: vg(40 * 2 ** 30), devices: ['/dev/mapper/pool-root_empty'], host: 'ghaf' }),
    /^SNAPSHOT_NO_SPACE: The volume group pool of ghaf has 40960 MiB free, but .* need 51200 MiB/);
});

test('LVM on a captured lvs/vgs pair of one host (liteio, fixtures/README.md): every figure from lvm2, the snapshot sized and placed from them', () => {
  const lvs = parseLvs(fixture('lvs-liteio-captured'));
  const vgs = parseVgs(fixture('vgs-liteio-captured'));
  // `--units b` without --nosuffix: lvm2 appended "B"; read as bytes.
  assert.deepEqual(lvs.map((l) => `${l.vg}/${l.name} ${l.attr} ${l.sizeBytes} ${l.dmPath}`), ['obnvmf-vg/testlv -wi-a----- 1073741824 /dev/mapper/obnvmf--vg-testlv']);
  assert.equal(lvs[0].dmPath, lvDmPath('obnvmf-vg', 'testlv'), 'lvm2\'s own lv_dm_path equals the name Ferry derives');
  assert.deepEqual(vgs, [{ name: 'obnvmf-vg', sizeBytes: 2639253209088, freeBytes: 2638179467264, extentBytes: 4194304 }]);
  // The capture is self-consistent: 629247 extents of 4 MiB, 628991 free, the 256 used ones being testlv.
  assert.equal(vgs[0].sizeBytes, 629247 * 4194304);
  assert.equal(vgs[0].sizeBytes - vgs[0].freeBytes, lvs[0].sizeBytes);
  assert.equal(decide({ lvs, vgs, devices: ['/dev/mapper/obnvmf--vg-testlv'], host: 'sqaob011163087248.stl' }), [
    'classic lvcreate --snapshot --name ferry-1a2b3c4d-testlv --size 1073741824b obnvmf-vg/testlv',
    'lvconvert --merge obnvmf-vg/ferry-1a2b3c4d-testlv',
    'lvremove -y obnvmf-vg/ferry-1a2b3c4d-testlv',
  ].join(' | '));
  // Another unit than bytes is refused, never converted.
  assert.throws(() => parseVgs(fixture('vgs-liteio-captured').replace('"2638179467264B"', '"2.40t"')), (e: unknown) => isFerryError(e, 'FACTS_PARSE') && /vg_free "2.40t" is not a byte count/.test(e.message));
});

test('lvDmPath: hyphens inside VG and LV names doubled, as lvm2\'s dm_build_dm_name does', () => {
  const cases: [string, string, string][] = [
    ['cl', 'root', '/dev/mapper/cl-root'],
    ['opencloudos_host-075', 'root', '/dev/mapper/opencloudos_host--075-root'],
    ['vg-a', 'lv-b-c', '/dev/mapper/vg--a-lv--b--c'],
  ];
  for (const [vg, lv, want] of cases) assert.equal(lvDmPath(vg, lv), want, `${vg}/${lv}`);
});
