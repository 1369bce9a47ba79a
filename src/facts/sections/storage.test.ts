// The storage section's reader on captured `findmnt -J -v -o SOURCE,FSTYPE,FSROOT` output (util-linux 2.38):
// a Btrfs root subvolume on a loop device, this machine's ext4 root, an LVM /boot, and lines it cannot read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
