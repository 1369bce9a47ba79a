// The findmnt -J reader both the storage and the workload sections read through: a tree flattened node
// before children, on the shape util-linux prints (fixtures-workload/findmnt.json), and what it refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFindmntJson } from './parse-findmnt.js';

test('readFindmntJson: every filesystem of the tree, each before its children', () => {
  const tree = '{"filesystems": [{"target": "/", "fstype": "xfs", "children": [{"target": "/boot", "children": [{"target": "/boot/efi"}]}, {"target": "/home"}]}]}';
  assert.deepEqual(readFindmntJson(tree).map((f) => f.target), ['/', '/boot', '/boot/efi', '/home']);
  assert.deepEqual(readFindmntJson(readFileSync(join(import.meta.dirname, 'fixtures-workload', 'findmnt.json'), 'utf8')).map((f) => f.target), ['/']);
  assert.deepEqual(readFindmntJson('{"filesystems": [null, 3, {"target": "/"}]}').map((f) => f.target), ['/']);
  for (const bad of ['{}', 'null', 'findmnt: cannot parse', '{"filesystems": {}}']) assert.throws(() => readFindmntJson(bad), /^Error: findmnt -J: /, bad);
});
