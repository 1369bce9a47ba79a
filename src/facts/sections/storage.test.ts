// The storage section's reader on captured `findmnt -J -v -o SOURCE,FSTYPE,FSROOT` output (util-linux 2.38):
// a Btrfs root subvolume on a loop device, this machine's ext4 root, an LVM /boot, and lines it cannot read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStorage } from './storage.js';

test('parseStorage: one findmnt JSON document per path; unreadable lines are skipped', () => {
  const body = [
    '/\t{   "filesystems": [      {         "source": "/dev/loop0",         "fstype": "btrfs",         "fsroot": "/root"      }   ]}',
    '/boot\t{   "filesystems": [      {         "source": "/dev/mapper/cl-boot",         "fstype": "xfs",         "fsroot": "/"      }   ]}',
    '/usr\t{"filesystems": [{"source": "/dev/vda", "fstype": "ext4", "fsroot": "/"}]}',
    '/var\tfindmnt: cannot parse',
    'no tab here',
  ].join('\n');
  assert.deepEqual(parseStorage(body).mounts, [
    { path: '/', fstype: 'btrfs', source: '/dev/loop0', fsroot: '/root' },
    { path: '/boot', fstype: 'xfs', source: '/dev/mapper/cl-boot', fsroot: '/' },
    { path: '/usr', fstype: 'ext4', source: '/dev/vda', fsroot: '/' },
  ]);
  assert.deepEqual(parseStorage('').mounts, []);
});

test('parseStorage: the lvs and vgs reports the script adds when / or /boot is on device-mapper (captured Ghaf lvs); unreadable ones named', () => {
  const lvs = readFileSync(join(import.meta.dirname, '..', '..', 'exec', 'snapshots', 'fixtures', 'lvs-ghaf-captured.json'), 'utf8').replaceAll('\n', '');
  const vgs = readFileSync(join(import.meta.dirname, '..', '..', 'exec', 'snapshots', 'fixtures', 'vgs-classic.json'), 'utf8').replaceAll('\n', '');
  const root = '/\t{"filesystems": [{"source": "/dev/mapper/pool-root_empty", "fstype": "xfs", "fsroot": "/"}]}';
  const s = parseStorage([root, `lvs\t${lvs}`, `vgs\t${vgs}`].join('\n'));
  assert.deepEqual(s.mounts, [{ path: '/', fstype: 'xfs', source: '/dev/mapper/pool-root_empty', fsroot: '/' }]);
  assert.deepEqual(s.lvm?.lvs.map((l) => `${l.vg}/${l.name}`), ['pool/persist', 'pool/root_0', 'pool/root_empty', 'pool/swap', 'pool/verity_0', 'pool/verity_empty']);
  assert.deepEqual(s.lvm?.vgs.map((v) => [v.name, v.freeBytes]), [['cl', 22548578304]]);
  assert.equal(s.lvmError, undefined);
  const bad = parseStorage([root, `lvs\t${lvs}`, 'vgs\t'].join('\n'));
  assert.equal(bad.lvm, undefined);
  assert.equal(bad.lvmError, 'vgs --reportformat json printed no JSON report');
  assert.deepEqual(Object.keys(parseStorage(root)), ['mounts'], 'no lvs line: no lvm facts');
});
